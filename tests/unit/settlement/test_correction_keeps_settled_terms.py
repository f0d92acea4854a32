"""A correction of a payment settled before is priced by the terms it was settled under, not by
the agreement in force when the ledger moves its money (law17 S1, S1b): a change of the
agreement binds from its day, and only what moved is charged or given back. Figures by hand in
the comments; VAT 21 % on the agency's fee."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from shared.domain.parties import Agency
from shared.domain.records import PaymentSource
from shared.domain.settlement.agreement import Recipient
from shared.domain.settlement.statement import Contribution, SettlementLine, totals
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.settlement.conftest import PAYOUT_C1, THIRD_PARTY

AGREEMENT = {"payout_iban": PAYOUT_C1, "payout_name": "C1 BV", "frequency": "daily",
             "commission_percent": "10.00", "fee_vat_percent": "21.00"}  # fmt: skip
DAY = date(2025, 3, 1)


def _setup(world: Any, invoices: list[dict[str, Any]]) -> Any:
    services, a = world.services, world.agency_a
    services.repos.agencies.save(Agency("agency-a", "Acme Incasso", THIRD_PARTY))
    world.clock.at = datetime(2025, 3, 1, 9, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", charge_interest=False)]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row()]})
    assert a.call("POST", "/v1/clients/C1/invoices", {"items": invoices}).status in (200, 201)
    assert a.call("PUT", "/v1/clients/C1/settlement-agreement", AGREEMENT).status == 200
    cid = services.repos.clients.id_for_number("agency-a", "C1")
    return services.repos.clients.get(cid)[0]


def _run(world: Any, day: int) -> Any:
    world.clock.at = datetime(2025, 3, day, 5, tzinfo=UTC)
    found = world.services.settlement_runs.run_agency("agency-a", date(2025, 3, day))
    assert found is not None
    return world.services.settlements.run("agency-a", found.run_id)[1][0].totals


def test_a_commission_raised_later_is_not_charged_on_money_settled_before(world: Any) -> None:
    # F1 100.00, F2 200.00; p1 100.00 on F1, p2 60.00 on F2, settled at 10 %: commission
    # 16.00, VAT 3.36, payout 140.64. The commission goes to 15 % for new money; a credit note
    # on F1 moves p1's 100.00 to F2's principal (the client's both times): nothing collected,
    # the client's part unchanged, so commission 0, VAT 0, net 0 (was +5.00, +1.05, -6.05)
    client = _setup(world, [invoice_row("F1"), invoice_row("F2", amount="200.00")])
    for pid, cents, number in (("p1", 10_000, "F1"), ("p2", 6_000, "F2")):
        world.services.payments.book(client, payment_id=pid, amount=cents, received_on=DAY,
                                     source=PaymentSource.BANK, invoice_numbers=[number])  # fmt: skip
    first = _run(world, 3)
    assert (first.to_client, first.commission, first.fee_vat, first.payout) == (
        16_000, 1_600, 336, 14_064)  # fmt: skip
    a = world.agency_a
    put = a.call("PUT", "/v1/clients/C1/settlement-agreement",
                 {**AGREEMENT, "commission_percent": "15.00"})  # fmt: skip
    assert put.status == 200, put.body
    world.clock.at = datetime(2025, 3, 3, 12, tzinfo=UTC)
    assert a.call("POST", "/v1/clients/C1/invoices/F1/credit").body["status"] == "credited"
    second = _run(world, 4)
    assert (second.corrected, second.to_client, second.commission, second.fee_vat,
            second.net) == (0, 0, 0, 0, 0)  # fmt: skip
    assert second.balanced


def _costs_moved_after_recipients_changed(world: Any, *, forget_recipients: bool) -> Any:
    # consumer F1 1,000.00 with 150.00 costs owed (the client's 14-day letter), F2 200.00;
    # p1 1,150.00 on F1 settled with the default split: to_client 1,000.00, to_agency 150.00,
    # commission 100.00, VAT 52.50 (21 % of 100.00 + 150.00 kept costs), payout 847.50
    client = _setup(world, [
        invoice_row("F1", amount="1000.00", fourteen_day_letter_on="2025-02-10"),
        invoice_row("F2", amount="200.00"),
    ])  # fmt: skip
    world.services.payments.book(client, payment_id="p1", amount=115_000, received_on=DAY,
                                 source=PaymentSource.BANK, invoice_numbers=["F1"])  # fmt: skip
    first = _run(world, 3)
    assert (first.to_client, first.to_agency, first.commission, first.fee_vat,
            first.payout) == (100_000, 15_000, 10_000, 5_250, 84_750)  # fmt: skip
    if forget_recipients:  # a settlement stored before it kept its recipients
        store = world.services.settlements.store
        settled = store.settlement("agency-a", f"R20250303-{client.client_id}")
        assert settled is not None and settled[0].recipients is not None
        store.save_settlement(replace(settled[0], recipients=None), settled[1])
    # new money: costs and their VAT to the client from now on
    a = world.agency_a
    put = a.call("PUT", "/v1/clients/C1/settlement-agreement",
                 {**AGREEMENT, "recipients": {"costs": "client", "costs_vat": "client"}})  # fmt: skip
    assert put.status == 200, put.body
    world.clock.at = datetime(2025, 3, 3, 12, tzinfo=UTC)
    credit = a.call("POST", "/v1/clients/C1/invoices/F1/credit",
                    {"amount": "100.00", "reference": "CN-1", "date": "2025-03-03"})  # fmt: skip
    assert credit.status == 200, credit.body
    return _run(world, 4)


def test_recipients_changed_later_do_not_resplit_money_settled_before(world: Any) -> None:
    # the credit note lowers F1 to 900.00 and its costs to 135.00: 115.00 of p1 goes to F2's
    # principal. By the terms p1 was settled under: F1 costs (agency) -15.00, F1 principal
    # -100.00, F2 principal +115.00: client +15.00, commission +1.50, fee 1.50 - 15.00 =
    # -13.50, VAT -2.835 -> -2.84 (the VAT charged on the 15.00 costs given back), net
    # 15.00 - 1.50 + 2.84 = 16.34 (was: the whole 150.00 costs re-split to the client,
    # commission +15.00, VAT +3.15, net +131.85, and the 31.50 VAT on them kept)
    second = _costs_moved_after_recipients_changed(world, forget_recipients=False)
    assert (second.to_client, second.to_agency, second.commission, second.fee_vat,
            second.net) == (1_500, -1_500, 150, -284, 1_634)  # fmt: skip
    assert second.balanced


def test_a_settlement_stored_before_it_kept_its_recipients_reads_them_off_the_lines(
    world: Any,
) -> None:
    # the same figures: p1's own lines say the costs were the agency's and the principal the
    # client's when it was settled
    second = _costs_moved_after_recipients_changed(world, forget_recipients=True)
    assert (second.to_client, second.to_agency, second.commission, second.fee_vat,
            second.net) == (1_500, -1_500, 150, -284, 1_634)  # fmt: skip


def test_each_contribution_counts_its_own_setting_for_the_vat_on_costs_kept() -> None:
    # a statement without VAT on the costs kept: a new payment's 40.00 costs carry none; a
    # correction taking back 15.00 costs settled with VAT on them gives that VAT back:
    # fee 10.00 commission - 15.00 = -5.00, VAT -1.05
    def line(pid: str, component: str, amount: int, recipient: Recipient) -> SettlementLine:
        return SettlementLine(pid, DAY, "F1", component, amount, recipient)

    new = Contribution("p2", DAY, "D1", (line("p2", "principal", 10_000, Recipient.CLIENT),
                                         line("p2", "costs", 4_000, Recipient.AGENCY)), 1_000)  # fmt: skip
    fix = Contribution("p1", DAY, "D1", (replace(line("p1", "costs", -1_500, Recipient.AGENCY),
                                                 reversal=True, reason="credited"),), 0,
                       vat_on_costs_kept=True)  # fmt: skip
    t = totals([new, fix], fee_vat_bp=2100, carried_in=0, vat_on_costs_kept=False)
    assert (t.commission, t.fee_vat) == (1_000, -105)
    assert t.balanced
