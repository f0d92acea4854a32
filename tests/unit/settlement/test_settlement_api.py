"""The settlement API: agreements (agency keys), runs with links to their files, approval;
one agency never sees another's settlements, and client keys reach none of it."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pypdf

from shared.api.http import ApiRequest
from shared.api.routes_settlements import (
    AgreementOut,
    SettlementRunDetailOut,
    SettlementRunOut,
    SettlementRunsOut,
)
from shared.domain.parties import Agency
from tests.unit.api.conftest import client_row
from tests.unit.settlement.conftest import PAYOUT_C1, THIRD_PARTY, payment

AGREEMENT = {
    "payout_iban": "NL44 RABO 0123 4567 89",
    "payout_name": "Bakkerij Client One",
    "frequency": "weekly",
    "starts_on": "2020-01-01",
    "commission_percent": "10",
}


def setup(world: Any) -> tuple[str, Any]:
    world.services.repos.agencies.save(Agency("agency-a", "Acme Incasso", THIRD_PARTY))
    world.agency_a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    world.agency_b.call("POST", "/v1/clients", {"items": [client_row("B1")]})
    r = world.agency_a.call("PUT", "/v1/clients/C1/settlement-agreement", AGREEMENT)
    assert r.status == 200, r.body
    cid = world.services.repos.clients.id_for_number("agency-a", "C1")
    world.services.repos.payments.add(payment(cid, "p1", date(2025, 3, 1)))
    run = world.services.settlement_runs.run_agency("agency-a", date(2025, 3, 3))
    key = world.agency_a.call(
        "POST", "/v1/keys", {"scope": "client", "client": "C1", "admin": True}
    ).body["key"]
    return run.run_id, world.agency_a.as_key(key)


def raw_get(world: Any, key: str, path: str) -> tuple[int, bytes, str]:
    response = world.api.handle(ApiRequest("GET", path, {"x-api-key": key}, {}, b""))
    return response.status, response.encoded(), response.content_type


def test_agreement_is_set_and_read_with_defaults(world: Any) -> None:
    setup(world)
    body = world.agency_a.call("GET", "/v1/clients/C1/settlement-agreement").body
    assert body == {
        "client": "C1",
        "payout_iban": PAYOUT_C1,
        "payout_name": "Bakkerij Client One",
        "payout_bic": None,
        "frequency": "weekly",
        "recipients": {
            "principal": "client",
            "costs": "agency",
            "costs_vat": "agency",
            "interest": "client",
        },
        "commission_percent": "10.00",
        "fee_vat_percent": "21.00",
        "vat_on_costs_kept": True,
        "vat_on_interest_kept": True,  # on interest the agency keeps (law17 S2)
        "bank_charges_by": "agency",  # the bank's charges on the third-party account
        "bank_charges_by_agreement": None,  # the agency's default, none set: the agency
        "vat_on_bank_charges": True,  # on the charges passed on (art. 8 lid 5 Wet OB)
        "starts_on": "2020-01-01",  # money received before it is not settled (newcomer27 F4)
        "commission_on_direct_payments": True,  # on money the client received itself (settle28)
    }
    changed = world.agency_a.call(
        "PUT",
        "/v1/clients/C1/settlement-agreement",
        {**AGREEMENT, "recipients": {"interest": "agency"}, "commission_percent": 12.5},
    )
    assert changed.body["recipients"]["interest"] == "agency"
    assert changed.body["commission_percent"] == "12.50"


def test_agreement_errors_name_the_field(world: Any) -> None:
    setup(world)
    for bad, field in (
        ({**AGREEMENT, "payout_iban": "NL00RABO0123456789"}, "payout_iban"),
        ({**AGREEMENT, "commission_percent": "100.5"}, "commission_percent"),
        ({**AGREEMENT, "commission_percent": "1.234"}, "commission_percent"),
        ({**AGREEMENT, "frequency": "hourly"}, "frequency"),
        ({**AGREEMENT, "recipients": {"principal": "nobody"}}, "recipients.principal"),
        ({**AGREEMENT, "payout_bic": "XX"}, "payout_bic"),
    ):
        r = world.agency_a.call("PUT", "/v1/clients/C1/settlement-agreement", bad)
        assert r.status == 422, (bad, r.body)
        assert r.body["error"]["details"][0]["field"] == field, r.body
    assert (
        world.agency_a.call("GET", "/v1/clients/C1/settlement-agreement").body["commission_percent"]
        == "10.00"
    )


def test_a_client_without_agreement_answers_404(world: Any) -> None:
    setup(world)
    assert world.agency_b.call("GET", "/v1/clients/B1/settlement-agreement").status == 404


def test_runs_are_listed_with_links_and_files_download(world: Any) -> None:
    run_id, _ = setup(world)
    listed = world.agency_a.call("GET", "/v1/settlements").body["items"]
    assert [r["id"] for r in listed] == [run_id]
    assert listed[0]["status"] == "awaiting_approval" and listed[0]["payout_total"] == "107.72"
    detail = world.agency_a.call("GET", f"/v1/settlements/{run_id}").body
    assert detail["pain001"] == f"/api/v1/settlements/{run_id}/files/pain.001.xml"
    (st,) = detail["settlements"]
    assert st["client"] == "C1" and st["figures"]["payout"] == "107.72"
    assert st["figures"]["received"] == "170.95" and st["figures"]["to_agency"] == "40.00"
    key = world.agency_a.key
    for link, kind in (
        (detail["pain001"], "application/xml"),
        (st["pdf"], "application/pdf"),
        (st["csv"], "text/csv"),
    ):
        status, data, content_type = raw_get(world, key, link.removeprefix("/api"))
        assert (status, content_type) == (200, kind) and data
    status, pdf, _ = raw_get(world, key, st["pdf"].removeprefix("/api"))
    assert "107,72" in pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert raw_get(world, key, f"/v1/settlements/{run_id}/files/other.xml")[0] == 404
    assert raw_get(world, key, f"/v1/settlements/{run_id}/files/..%2Fx.pdf")[0] == 404


def test_approval_marks_the_run_and_resolves_the_action(world: Any) -> None:
    run_id, _ = setup(world)
    r = world.agency_a.call("POST", f"/v1/settlements/{run_id}/approve")
    assert r.status == 200 and r.body["status"] == "approved" and r.body["approved_by"]
    again = world.agency_a.call("POST", f"/v1/settlements/{run_id}/approve")
    assert again.status == 200 and again.body["approved_at"] == r.body["approved_at"]
    actions = world.agency_a.call("GET", "/v1/actions").body["items"]
    assert [(a["kind"], a["status"]) for a in actions] == [("settlement_approval", "resolved")]


def test_another_agency_sees_nothing_and_client_keys_cannot_approve(world: Any) -> None:
    run_id, c1 = setup(world)
    b = world.agency_b
    assert b.call("GET", "/v1/settlements").body == {"items": []}
    for method, path in (
        ("GET", f"/v1/settlements/{run_id}"),
        ("GET", f"/v1/settlements/{run_id}/files/pain.001.xml"),
        ("POST", f"/v1/settlements/{run_id}/approve"),
        ("GET", "/v1/clients/C1/settlement-agreement"),
        ("PUT", "/v1/clients/C1/settlement-agreement"),
    ):
        assert b.call(method, path, AGREEMENT if method == "PUT" else None).status == 404
        assert c1.call(method, path, AGREEMENT if method == "PUT" else None).status == 404
    assert c1.call("GET", "/v1/settlements").status == 404
    detail = world.agency_a.call("GET", f"/v1/settlements/{run_id}").body
    assert detail["status"] == "awaiting_approval"  # nobody else could approve it


def test_unfinished_runs_cannot_be_approved_and_unknown_ids_are_404(world: Any) -> None:
    setup(world)
    assert world.agency_a.call("POST", "/v1/settlements/R20250101/approve").status == 404
    assert world.agency_a.call("GET", "/v1/settlements/nonsense").status == 404


def test_openapi_documents_the_settlement_routes(world: Any) -> None:
    doc = world.agency_a.call("GET", "/v1/openapi.json").body
    paths = doc["paths"]
    assert {"get"} <= set(paths["/v1/settlements"])
    assert {"get"} <= set(paths["/v1/settlements/{settlement}"])
    assert {"post"} <= set(paths["/v1/settlements/{settlement}/approve"])
    assert {"get", "put"} <= set(paths["/v1/clients/{client}/settlement-agreement"])
    assert "commission_percent" in str(doc["components"])


def test_answers_match_the_documented_models(world: Any) -> None:
    run_id, _ = setup(world)
    a = world.agency_a
    AgreementOut.model_validate(a.call("GET", "/v1/clients/C1/settlement-agreement").body)
    SettlementRunsOut.model_validate(a.call("GET", "/v1/settlements").body)
    detail = SettlementRunDetailOut.model_validate(a.call("GET", f"/v1/settlements/{run_id}").body)
    assert detail.settlements[0].figures is not None
    SettlementRunOut.model_validate(a.call("POST", f"/v1/settlements/{run_id}/approve").body)
