"""A client reads its own settlement statements (agency21 F3): before, only the agency's
`/v1/settlements` served them (404 for every client key), while the payout's remittance and
the client's payments report ("staat op de afdrachtspecificatie") sent the client to them.
Now its admin key lists the statements of approved runs and fetches their PDF and CSV; never
another client's, nor a run the agency has not approved."""

from __future__ import annotations

import io
from typing import Any

import pypdf

from shared.api.routes_client_statements import ClientStatementsOut
from tests.unit.api.conftest import client_row
from tests.unit.settlement.test_settlement_api import raw_get, setup


def test_the_clients_admin_key_reads_its_statement_once_approved(world: Any) -> None:
    run_id, c1 = setup(world)
    assert c1.call("GET", "/v1/clients/C1/settlements").body == {"items": []}  # not approved
    world.agency_a.call("POST", f"/v1/settlements/{run_id}/approve")
    listed = c1.call("GET", "/v1/clients/C1/settlements").body
    ClientStatementsOut.model_validate(listed)
    (st,) = listed["items"]
    assert st["client"] == "C1" and st["run_on"] == "2025-03-03" and st["approved_at"]
    assert st["figures"]["payout"] == "107.72" and st["figures"]["received"] == "170.95"
    assert st["pdf"] == f"/api/v1/clients/C1/settlements/{st['id']}/files/{st['id']}.pdf"
    status, pdf, kind = raw_get(world, c1.key, st["pdf"].removeprefix("/api"))
    assert (status, kind) == (200, "application/pdf")
    assert "107,72" in pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    status, csv, kind = raw_get(world, c1.key, st["csv"].removeprefix("/api"))
    assert (status, kind) == (200, "text/csv") and b"payout" in csv
    # the agency reads the same through the client's route
    assert world.agency_a.call("GET", "/v1/clients/C1/settlements").body == listed


def test_never_another_clients_statement_nor_the_transfer_file(world: Any) -> None:
    run_id, c1 = setup(world)
    world.agency_a.call("POST", f"/v1/settlements/{run_id}/approve")
    world.agency_a.call("POST", "/v1/clients", {"items": [client_row("C2")]})
    c2_key = world.agency_a.call(
        "POST", "/v1/keys", {"scope": "client", "client": "C2", "admin": True}
    ).body["key"]
    (st,) = c1.call("GET", "/v1/clients/C1/settlements").body["items"]
    sid = st["id"]
    for path in (
        f"/v1/clients/C1/settlements/{sid}/files/{sid}.pdf",  # C1's, through C2's key
        f"/v1/clients/C2/settlements/{sid}/files/{sid}.pdf",  # C1's, named under C2
        f"/v1/clients/C2/settlements/{sid}/files/pain.001.xml",
    ):
        assert raw_get(world, c2_key, path)[0] == 404, path
    assert raw_get(world, c1.key, f"/v1/clients/C1/settlements/{sid}/files/pain.001.xml")[0] == 404
    assert world.agency_a.as_key(c2_key).call("GET", "/v1/clients/C2/settlements").body == {
        "items": []
    }


def test_a_plain_client_key_is_refused_as_for_other_money_matters(world: Any) -> None:
    run_id, _ = setup(world)
    world.agency_a.call("POST", f"/v1/settlements/{run_id}/approve")
    plain = world.agency_a.call("POST", "/v1/keys", {"scope": "client", "client": "C1"}).body["key"]
    answer = world.agency_a.as_key(plain).call("GET", "/v1/clients/C1/settlements")
    assert answer.status == 403


def test_openapi_lists_the_clients_routes(world: Any) -> None:
    paths = world.agency_a.call("GET", "/v1/openapi.json").body["paths"]
    assert "get" in paths["/v1/clients/{client}/settlements"]
    assert "get" in paths["/v1/clients/{client}/settlements/{settlement}/files/{name}"]
