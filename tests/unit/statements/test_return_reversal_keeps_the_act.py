"""codereview14 F2: a bank's reversal of a return books the payment it took back again
(statement_credits_back ``_restore``). The restored payment is the same act of the debtor:
the debtor's act (``DebtorPaid``) and whose designation it is are the original's. Was: booked
afresh, so a designation staff had corrected became the payer's own (``designated_by_staff``
False) and his acknowledgement (3:318 BW) of the claim staff named (attack14 A3 reopened).

100.00 on 2-3-2026 with F-1's reference (F-1 his act); corrected to F-2 on 5-3; returned AC04
on 10-3; the bank reverses the return on 12-3."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from shared.adapters.tables.messaging_repo import OutboxRepository
from shared.services.prescription_watch import PrescriptionWatch
from tests.unit.api.conftest import client_iban, client_row, debtor_row, invoice_row, verify_ibans
from tests.unit.plans.test_statement_batches_and_reversals import _entry, _statement

PARTY = (
    "<RltdPties><Dbtr><Nm>Debtor D1</Nm></Dbtr><DbtrAcct><Id><IBAN>NL91ABNA0417164300</IBAN>"
    "</Id></DbtrAcct></RltdPties>"
)


def _details(extra: str = "") -> str:
    return f"<TxDtls><Refs><EndToEndId>E2E-9</EndToEndId></Refs>{PARTY}{extra}</TxDtls>"


def _restored(world: Any, payer_word: str | None) -> Any:
    a = world.agency_a
    world.clock.at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", charge_interest=False)]})
    verify_ibans(a, "C1")
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", name="Debtor D1")]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row("F-1", "D1", amount="100.00", invoice_date="2026-02-01", due_date="2026-02-20"),
        invoice_row("F-2", "D1", amount="100.00", invoice_date="2026-02-02", due_date="2026-02-21"),
    ]})  # fmt: skip
    ref = a.call("GET", "/v1/clients/C1/invoices/F-1").body["payment_reference"]
    iban, statements = client_iban("C1"), world.services.statements
    paid = _details(f"<RmtInf><Ustrd>{ref}</Ustrd></RmtInf>")
    line = _entry("100.00", "CRDT", "2026-03-02", "IN-1", paid)
    assert statements.ingest("agency-a/in.xml", _statement(iban, 1, "2026-03-02", Decimal(0),
                                                           [line])).booked == 1  # fmt: skip
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    payments = world.services.repos.payments
    (p,) = payments.list(client.client_id)[0]
    assert p.designated == ("F-1",) and p.debtor_paid == ("F-1",)
    if payer_word is None:  # a person's tick (staff's designation): corrected without his word
        read = payments.get_versioned(client.client_id, p.payment_id)
        assert read is not None
        payments.save_if(replace(read[0], designated_by_staff=True), read[1])
    world.clock.at = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)
    world.services.redesignation.redesignate(client, p.payment_id, ["F-2"], "staff-u1",
                                             "hij vroeg het", payer_word=payer_word)  # fmt: skip
    world.clock.at = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    back = _entry("100.00", "DBIT", "2026-03-10", "RET-1",
                  _details("<RtrInf><Rsn><Cd>AC04</Cd></Rsn></RtrInf>"))  # fmt: skip
    statements.ingest("agency-a/back.xml",
                      _statement(iban, 2, "2026-03-10", Decimal("100.00"), [back]))  # fmt: skip
    assert payments.get(client.client_id, p.payment_id).reversed
    world.clock.at = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)
    again = _entry("100.00", "CRDT", "2026-03-12", "RVSL-1", _details(), reversal=True)
    assert statements.ingest("agency-a/again.xml", _statement(iban, 3, "2026-03-12", Decimal(0),
                                                              [again])).booked == 1  # fmt: skip
    (new,) = [x for x in payments.list(client.client_id)[0] if not x.reversed]
    assert new.payment_id != p.payment_id and new.designated == ("F-2",)
    return client, new


@pytest.mark.parametrize("payer_word", ["asked", None])
def test_the_restored_payment_keeps_the_debtors_act_and_whose_designation(world, payer_word):
    client, new = _restored(world, payer_word)
    assert new.debtor_paid == ("F-1",)  # his act named F-1, not the correction's F-2
    assert new.designated_by_staff is (payer_word is None)  # staff's stays staff's
    repos = world.services.repos
    watch = PrescriptionWatch(repos, OutboxRepository(repos.store), world.clock)
    got = dict(watch._acknowledgements(client.client_id, "D1", date(2026, 3, 20)))
    assert set(got) == {"F-1"}
