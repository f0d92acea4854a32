"""A client number is any printable text (a quote, a letter outside Latin-1, a formula): every
download the API names after it keeps one file name in its header, header text only, and the
CSV cell it fills is never a formula (review31 mended the open-items report; attack32 the
rest)."""

from __future__ import annotations

import pytest

from shared.api.http import ApiRequest
from shared.domain.parties import Agency
from shared.services.onboarding import register_agency
from tests.hostile.conftest import record
from tests.unit.api.conftest import client_iban, client_row

NUMBER = '=1+2"; filename="x.html'

DOWNLOADS = [
    ("/exports/mt940", {"from": "2025-01-01", "to": "2025-01-31"}),
    ("/exports/report.pdf", {"from": "2025-01-01", "to": "2025-01-31"}),
    ("/usage.csv", {"month": "2025-01"}),
    ("/contact-log.csv", {"from": "2025-01-01", "to": "2025-01-31"}),
]


@pytest.mark.parametrize(("tail", "query"), DOWNLOADS)
def test_a_download_named_after_any_client_number_keeps_one_file_name(world, tail, query):
    a = world.agency_a
    register_agency(world.services.repos, Agency("agency-a", "A", client_iban("POOL")))
    assert a.call("POST", "/v1/clients", {"items": [client_row(NUMBER + " ë€")]}).status == 200
    path = "/v1/clients/" + NUMBER + " ë€" + tail
    reply = world.api.handle(ApiRequest("GET", path, {"x-api-key": a.key}, query, b""))
    record("download name", reply.status)
    assert reply.status == 200, reply.body
    disposition = reply.headers["Content-Disposition"]
    assert disposition.isascii() and disposition.count('"') == 2, disposition
    assert disposition.startswith('attachment; filename="') and disposition.count("filename=") == 1
    if tail.endswith(".csv"):
        cells = [line.split(",")[0] for line in reply.encoded().decode().splitlines()[1:]]
        assert not any(c.lstrip('"').startswith("=") for c in cells), cells


def test_the_exact_name_is_one_name_not_a_path():
    from shared.api.http import attachment

    header = attachment("usage-../../etc/x-2025-01.csv")
    exact = header.split("filename*=UTF-8''", 1)[1]
    assert "/" not in exact and "/" not in header, header  # RFC 5987: no "/" in a value
