"""A reversal credit in a file the client uploaded is the client's word (attack11 A6): it books
again only what its own uploads booked and returned, never a collection the bank's own file
returned; the agency's items of that return stay open and the agency is told."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from shared.api.console.action_text import title
from shared.services.statement_sources import console_prefix
from tests.unit.api.conftest import client_iban, client_row, debtor_row, invoice_row, verify_ibans
from tests.unit.plans.test_plan_service import BASE
from tests.unit.plans.test_plan_service import plans as plans
from tests.unit.plans.test_sepa_returns import _actions
from tests.unit.plans.test_statement_batches_and_reversals import (
    _collected,
    _entry,
    _figures,
    _returned,
    _single,
    _statement,
)


def _upload(world, name: str, data: bytes):  # type: ignore[no-untyped-def]
    cid = world.services.repos.clients.id_for_number("agency-a", "C1")
    return world.services.statements.ingest(console_prefix("agency-a", cid) + name, data)


def test_a_client_written_reversal_leaves_the_banks_return_standing(plans):
    world, a, plan_id, dd, iban = _collected(plans)
    _returned(world, a, plan_id, dd, iban)  # the bank's own file: MD06, the debtor's storno
    returned = _figures(a, plan_id)
    world.clock.at = datetime(2026, 1, 30, 18, 0, tzinfo=UTC)
    again = _entry(dd["euros"], "CRDT", "2026-01-30", "RVSL-1", _single(dd["end_to_end_id"]),
                   reversal=True)  # fmt: skip
    data = _statement(iban, 4, "2026-01-30", Decimal("1000.00") - dd["euros"], [again])
    report = _upload(world, "forged.xml", data)
    assert (report.booked, report.unmatched) == (0, 1)
    got = a.call("GET", f"{BASE}/{plan_id}").body
    assert _figures(a, plan_id) == returned
    assert got["installments"][0]["status"] == "failed"
    assert [d["state"] for d in got["direct_debits"]] == ["returned"]
    for kind in ("plan_debit_failed", "payment_reversed"):
        assert [x["status"] for x in _actions(world, kind)] == ["open"], kind
    # the agency is told, not the client's list
    assert not _actions(world, "reversal_credit")
    (item,) = [x for x in a.call("GET", "/v1/actions").body["items"]
               if x["kind"] == "reversal_credit"]  # fmt: skip
    assert item["title"].endswith("is not undone on the client's word; check the reversal with "
                                  "the bank's statement")  # fmt: skip
    assert title(item["title"], "nl").startswith("Storno van ")
    assert item["detail"]["client_written"] is True
    # the bank's own delivery of the reversal still books it back
    report = world.services.statements.ingest("agency-a/reversal.xml", data)
    assert report.booked == 1
    assert a.call("GET", f"{BASE}/{plan_id}").body["installments"][0]["status"] == "paid"


def test_a_client_written_reversal_restores_what_its_own_uploads_returned(world):
    a = world.agency_a
    world.clock.at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    verify_ibans(a, "C1")
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", name="Debtor D1")]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row(
        "F-1", "D1", amount="100.00", invoice_date="2026-02-01", due_date="2026-03-20")]})  # fmt: skip
    ref = a.call("GET", "/v1/clients/C1/invoices/F-1").body["payment_reference"]
    paid = (
        "<TxDtls><Refs><EndToEndId>E2E-9</EndToEndId></Refs><RltdPties><Dbtr><Nm>Debtor D1</Nm>"
        "</Dbtr><DbtrAcct><Id><IBAN>NL91ABNA0417164300</IBAN></Id></DbtrAcct></RltdPties>"
        f"<RmtInf><Ustrd>{ref}</Ustrd></RmtInf></TxDtls>"
    )
    iban = client_iban("C1")
    day = "2026-03-02"
    credit = _entry("100.00", "CRDT", day, "IN-1", paid)
    assert _upload(world, "in.xml", _statement(iban, 1, day, Decimal(0), [credit])).booked == 1
    back = _entry("100.00", "DBIT", day, "RET-1", _single("E2E-9", reason="AC04"))
    _upload(world, "back.xml", _statement(iban, 2, day, Decimal("100.00"), [back]))
    assert a.call("GET", "/v1/clients/C1/invoices/F-1").body["open_amount"] == "100.00"
    again = _entry("100.00", "CRDT", day, "RVSL-1", _single("E2E-9"), reversal=True)
    report = _upload(world, "again.xml", _statement(iban, 3, day, Decimal(0), [again]))
    assert report.booked == 1
    assert a.call("GET", "/v1/clients/C1/invoices/F-1").body["open_amount"] == "0.00"
    cid = world.services.repos.clients.id_for_number("agency-a", "C1")
    refs = world.services.repos.banking.payments_for(cid, "E2E-9")
    # booked again as the client's word: only a client's upload may return it again
    assert len(refs) == 2 and all(r.client_written for r in refs)


def test_the_agencys_item_of_a_held_reversal_is_answered_by_the_banks_own_delivery(plans):
    """failure11b B5: the client's upload of the reversal (delivered twice) held it on the
    agency's list; the bank's own statement then booked it again, the installment paid and the
    return's items resolved, but the agency's item still asked staff to check the reversal."""
    world, a, plan_id, dd, iban = _collected(plans)
    _returned(world, a, plan_id, dd, iban)
    world.clock.at = datetime(2026, 1, 30, 18, 0, tzinfo=UTC)
    again = _entry(dd["euros"], "CRDT", "2026-01-30", "RVSL-1", _single(dd["end_to_end_id"]),
                   reversal=True)  # fmt: skip
    data = _statement(iban, 4, "2026-01-30", Decimal("1000.00") - dd["euros"], [again])
    _upload(world, "forged.xml", data)
    _upload(world, "forged.xml", data)  # the blob event delivered again

    def held() -> list[str]:
        items = a.call("GET", "/v1/actions").body["items"]
        return [x["status"] for x in items if x["kind"] == "reversal_credit"]

    assert held() == ["open"]
    assert world.services.statements.ingest("agency-a/reversal.xml", data).booked == 1
    assert held() == ["resolved"]
