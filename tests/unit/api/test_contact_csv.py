"""#12 item 10: contact-log CSV cells that a spreadsheet would run as a formula are escaped."""

from __future__ import annotations

import csv
import io

from shared.api.http import ApiRequest
from tests.unit.api.conftest import client_row, debtor_row


def test_formula_cells_are_escaped(world):
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    texts = ['=HYPERLINK("http://evil.example","klik")', "+31 6 1234", "-2+3", "@SUM(A1)", "gewoon"]
    for text in texts:
        assert a.call("POST", "/v1/clients/C1/debtors/D1/notes", {"text": text}).status == 201
    response = world.api.handle(ApiRequest(
        "GET", "/v1/clients/C1/contact-log.csv", {"x-api-key": a.key}, {"from": "2025-01-01", "to": "2025-12-31"}, b""))  # fmt: skip
    rows = list(csv.reader(io.StringIO(response.encoded().decode())))
    summaries = {r[6] for r in rows[1:]}
    assert "gewoon" in summaries
    for text in texts[:-1]:
        assert "'" + text in summaries, text
    assert not any(s.startswith(("=", "+", "-", "@", "\t", "\r")) for s in summaries)
