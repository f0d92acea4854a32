"""The tacit designation of a confirmed bank line (art. 6:43 lid 1 BW; docs/law.md,
"Designation"): the bill's invoiced amount or open principal is one too (law14 F3), and a
person's tick between two sets of bills that both fit the amount is none (law14 F4).

F3: consumer D1 (known account), statutory interest. F-0001 100.00 due 31-1-2025, F-0002 250.00
due 28-2-2025. 3-3-2025: 250.00 "betaling"; the person ticks F-0002. 250.00 is F-0002's
invoiced amount and no other bill's or set's: booked on F-0002 by 6:44, interest 1-3..2-3 =
2 d x 6 % x 250 = 0.08, principal 249.92; F-0001 stays open (was: undesignated, F-0001 took
0.49 + 100.00 and F-0002 stayed open at 100.57).

F4: a client charging no interest; F-0001 50.00 due 31-1-2025, F-0002 50.00 and F-0003 100.00
due 28-2-2025. 3-3-2025: 150.00; the person ticks F-0002 + F-0003. {F-0001, F-0003} is 150.00
too: undesignated, 6:43 lid 2: F-0001 (oldest) 50.00, then F-0002/F-0003 equally old pro rata
on 100.00: 33.33 / 66.67 (was: designated F-0002, F-0003, the oldest F-0001 left open)."""

from __future__ import annotations

from datetime import date
from typing import Any

from shared.domain.statements.designation import BillAmounts, another_set_fits, set_fits
from shared.domain.statements.mt940_writer import OutLine
from tests.unit.api.conftest import client_row, debtor_row, invoice_row, verify_ibans
from tests.unit.services.test_statement_ingest import statement

PAYER = "NL97ABNA0479445079"
DAY = date(2025, 3, 3)


def _confirmed(world: Any, rows: list[dict[str, Any]], cents: int, ticked: list[str],
               **client: Any) -> Any:  # fmt: skip
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1", **client)]})
    verify_ibans(a, "C1")
    a.call("POST", "/v1/clients/C1/debtors",
           {"items": [debtor_row("D1", name="Jan de Vries", ibans=[PAYER])]})  # fmt: skip
    assert not a.call("POST", "/v1/clients/C1/invoices", {"items": rows}).body.get("errors")
    line = OutLine(DAY, cents, "betaling", counterparty_iban=PAYER, counterparty_name="J de Vries")
    world.services.statements.ingest("agency-a/s.sta", statement([line]))
    items = a.call("GET", "/v1/clients/C1/actions").body["items"]
    (item,) = [x for x in items if x["kind"] in ("payment_suggestion", "unmatched_credit")]
    reply = a.call(
        "POST", f"/v1/clients/C1/actions/{item['action_id']}/confirm", {"invoices": ticked}
    )
    assert reply.status == 200, reply.body
    client_id = world.services.repos.clients.id_for_number("agency-a", "C1")
    found, _ = world.services.repos.payments.list(client_id)
    (p,) = [p for p in found if not p.reversed]
    return p


def test_a_bills_invoiced_amount_is_a_tacit_designation_of_it(world):
    rows = [
        invoice_row("F-0001", "D1", amount="100.00"),
        invoice_row("F-0002", "D1", amount="250.00", invoice_date="2025-02-01",
                    due_date="2025-02-28"),
    ]  # fmt: skip
    # a known payer's 250.00 on his only bill of that principal books by itself (newcomer15
    # #1); the client books by hand here, so the person's confirm is what is tested
    p = _confirmed(world, rows, 250_00, ["F-0002"], auto_book=False)
    assert p.designated == ("F-0002",)
    got = [(x.invoice_number, x.component, x.amount) for x in p.allocations]
    assert got == [("F-0002", "interest", 8), ("F-0002", "principal", 24_992)]
    f1 = world.agency_a.call("GET", "/v1/clients/C1/invoices/F-0001/claim", on="2025-03-03")
    assert f1.body["open"]["principal"] == "100.00"


def test_a_tick_between_two_sets_of_the_amount_is_no_designation(world):
    rows = [
        invoice_row("F-0001", "D1", amount="50.00"),
        invoice_row("F-0002", "D1", amount="50.00", invoice_date="2025-02-01",
                    due_date="2025-02-28"),
        invoice_row("F-0003", "D1", amount="100.00", invoice_date="2025-02-01",
                    due_date="2025-02-28"),
    ]  # fmt: skip
    p = _confirmed(world, rows, 150_00, ["F-0002", "F-0003"], charge_interest=False)
    assert p.designated == ()
    got = sorted((x.invoice_number, x.amount) for x in p.allocations)
    assert got == [("F-0001", 5000), ("F-0002", 3333), ("F-0003", 6667)]


def test_the_sets_compared():
    bills = {
        "F1": BillAmounts(total=5_049, principal=5_000, face=5_000),
        "F2": BillAmounts(total=25_008, principal=25_000, face=25_000),
        "F3": BillAmounts(total=10_000, principal=10_000, face=None),
    }
    assert set_fits(["F2"], 25_000, bills) and set_fits(["F2"], 25_008, bills)
    assert set_fits(["F1", "F2"], 30_057, bills)  # the totals
    assert not set_fits(["F1", "F2"], 30_049, bills)  # a total and a face: no one measure
    assert not set_fits(["F9"], 100, bills)
    assert not another_set_fits(25_000, ["F2"], bills)
    assert another_set_fits(15_000, ["F2"], {**bills, "F2": BillAmounts(5_000, 5_000)})
