"""Who bears the third-party account's bank charges (``bank_charges_by``) is set by the agency
once (``PUT /v1/settlement-defaults``) for every agreement that does not say so itself; an
agreement's own choice overrides it (stmt12 #5). 250.00 paid, 12.50 kept by the bank: under
an agreement that leaves it out, the client bears the 12.50 when the agency's default says
so (payout 204.62, as in test_bank_charges), the agency when no default is set."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from shared.adapters.tables.codec import put_json
from shared.adapters.tables.settlement_repo import AGREEMENTS, SettlementRepository
from shared.domain.settlement.agreement import DEFAULT_RECIPIENTS, Recipient, SettlementDefaults
from shared.ports.tables import Row
from tests.unit.settlement.conftest import PAYOUT_C1
from tests.unit.settlement.test_bank_charges import _ing_file, _pooled_world, _settle

OWN_CHOICE_LEFT_OUT = {"payout_iban": PAYOUT_C1, "payout_name": "Client C1 BV",
                       "frequency": "daily", "starts_on": "2020-01-01", "commission_percent": "10"}  # fmt: skip


def _agreement(world: Any, body: dict[str, Any]) -> dict[str, Any]:
    reply = world.agency_a.call("PUT", "/v1/clients/C1/settlement-agreement", body)
    assert reply.status == 200, reply.body
    got = world.agency_a.call("GET", "/v1/clients/C1/settlement-agreement").body
    assert got == reply.body
    return dict(got)


def _charges_to_client(world: Any) -> tuple[int, int]:
    ref = world.agency_a.call("GET", "/v1/clients/C1/invoices/N10-9").body["payment_reference"]
    world.clock.at = datetime(2026, 12, 2, 18, 0, tzinfo=UTC)
    assert world.services.statements.ingest("agency-a/ing.sta", _ing_file(ref)).booked == 1
    t = _settle(world, date(2026, 12, 3)).totals
    return t.bank_charges_to_client, t.payout


def test_without_a_default_the_agency_bears_them(world: Any) -> None:
    _pooled_world(world, Recipient.AGENCY)
    got = _agreement(world, OWN_CHOICE_LEFT_OUT)
    assert (got["bank_charges_by"], got["bank_charges_by_agreement"]) == ("agency", None)
    assert world.agency_a.call("GET", "/v1/settlement-defaults").body == {
        "bank_charges_by": "agency"
    }
    assert _charges_to_client(world) == (0, 21_975)


def test_the_agencys_default_applies_where_the_agreement_does_not_say(world: Any) -> None:
    _pooled_world(world, Recipient.AGENCY)
    _agreement(world, OWN_CHOICE_LEFT_OUT)
    reply = world.agency_a.call("PUT", "/v1/settlement-defaults", {"bank_charges_by": "client"})
    assert (reply.status, reply.body) == (200, {"bank_charges_by": "client"})
    got = world.agency_a.call("GET", "/v1/clients/C1/settlement-agreement").body
    assert (got["bank_charges_by"], got["bank_charges_by_agreement"]) == ("client", None)
    assert _charges_to_client(world) == (1_250, 20_462)
    # another agency's default is its own
    assert world.agency_b.call("GET", "/v1/settlement-defaults").body == {
        "bank_charges_by": "agency"
    }


def test_the_agreements_own_choice_overrides_the_default(world: Any) -> None:
    _pooled_world(world, Recipient.AGENCY)
    world.agency_a.call("PUT", "/v1/settlement-defaults", {"bank_charges_by": "client"})
    got = _agreement(world, {**OWN_CHOICE_LEFT_OUT, "bank_charges_by": "agency"})
    assert (got["bank_charges_by"], got["bank_charges_by_agreement"]) == ("agency", "agency")
    assert _charges_to_client(world) == (0, 21_975)


def test_only_the_agencys_finance_people_set_it(world: Any) -> None:
    _pooled_world(world, Recipient.AGENCY)
    key = world.agency_a.call(
        "POST", "/v1/keys", {"scope": "client", "client": "C1", "admin": True}
    ).body["key"]
    as_client = world.agency_a.as_key(key)
    assert (
        as_client.call("PUT", "/v1/settlement-defaults", {"bank_charges_by": "client"}).status
        == 404
    )
    assert as_client.call("GET", "/v1/settlement-defaults").status == 404
    bad = world.agency_a.call("PUT", "/v1/settlement-defaults", {"bank_charges_by": "debtor"})
    assert bad.status == 422
    assert world.agency_a.call("GET", "/v1/settlement-defaults").body["bank_charges_by"] == "agency"


def test_agreements_stored_before_keep_their_choice(world: Any) -> None:
    """Rows written before the default existed always said who bears them: their own choice.
    The defaults row is no client's agreement, nor a reason to run an agency's settlement."""
    repo = SettlementRepository(world.store)
    row = {"PayoutIban": PAYOUT_C1, "PayoutName": "C1", "Frequency": "daily",
           "Recipients": put_json({k: v.value for k, v in DEFAULT_RECIPIENTS.items()}), "BankChargesBy": "agency"}  # fmt: skip
    world.store.upsert(AGREEMENTS, Row("agency-x", "c-old", row))
    world.store.upsert(AGREEMENTS, Row("agency-x", "c-new", {**row, "BankChargesBy": ""}))
    repo.save_defaults(SettlementDefaults("agency-y", Recipient.CLIENT))
    by = {a.client_id: a.bank_charges_by for a in repo.agreements("agency-x")}
    assert by == {"c-old": Recipient.AGENCY, "c-new": None}
    assert repo.agreements("agency-y") == []
    assert "agency-y" not in repo.agencies_with_agreements()
