"""Whose designation a statement line's invoices are (stmtdesig13; art. 6:43 lid 1 BW: only
the debtor designates). A line that names no invoice and that Inning attributed by its payer
is an undesignated payment: it goes over the debtor's claims by 6:43 lid 2, costs owed first,
whatever invoices the matcher suggested or a person ticked. Before, the invoices of the
suggestion (the payer's oldest) were booked as if the debtor had named them, one after another.

Client C1 charges no interest. Consumer D1 pays from his known account PAYER. F-0001 100.00 and
F-0002 500.00, both due 31-1-2025; for F-0002 the client sent the 14-day letter itself on
3-2-2025, so on 3-3-2025 its collection costs are owed: 15 % of 500.00 = 75.00 (above the
40.00 minimum, no VAT on them here), F-0002 asks 575.00. On 3-3-2025 150.00 arrives with
"betaling" and no reference: a partial payment, suggested on the payer's oldest invoices.

- Undesignated (the fix): the two claims are equally old and F-0002's costs are owed, so it
  is the more burdensome: the 150.00 goes there, costs 75.00 first (6:44), principal 75.00
  (425.00 open); F-0001 stays 100.00 open.
- As designated (before): F-0001 took 100.00 (paid), F-0002 the other 50.00 on its costs.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from azure.core.exceptions import ServiceResponseError

from shared.adapters.tables.schema import PAYMENTS
from shared.domain.statements.designation import line_designation, named_in_line
from shared.domain.statements.matching import OpenInvoice
from shared.domain.statements.model import StatementLine
from shared.domain.statements.mt940_writer import OutLine
from shared.services.statements import StatementService
from tests.support.faults import FaultPlan
from tests.unit.api.conftest import (
    World,
    client_row,
    debtor_row,
    invoice_row,
    make_world,
    verify_ibans,
)
from tests.unit.services.test_statement_ingest import statement

PAYER = "NL97ABNA0479445079"
DAY = date(2025, 3, 3)


@pytest.fixture
def debtor(world: World) -> World:
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1", charge_interest=False)]})
    verify_ibans(a, "C1")
    made = a.call("POST", "/v1/clients/C1/debtors", {"items": [
        debtor_row("D1", name="Jan de Vries", ibans=[PAYER])]})  # fmt: skip
    assert made.status < 300 and not made.body.get("errors"), made.body
    rows = [
        invoice_row("F-0001", "D1", amount="100.00"),
        invoice_row("F-0002", "D1", amount="500.00", fourteen_day_letter_on="2025-02-03"),
    ]
    reply = a.call("POST", "/v1/clients/C1/invoices", {"items": rows})
    assert reply.status < 300 and not reply.body.get("errors"), reply.body
    return world


def _claim(world: World, number: str) -> dict[str, int]:
    body = world.agency_a.call(
        "GET", f"/v1/clients/C1/invoices/{number}/claim", on=DAY.isoformat()
    ).body
    return {k: round(float(v) * 100) for k, v in body["open"].items()}


def _pay(world: World, cents: int, text: str) -> list[dict[str, Any]]:
    line = OutLine(DAY, cents, text, counterparty_iban=PAYER, counterparty_name="J de Vries")
    world.services.statements.ingest("agency-a/s.sta", statement([line]))
    items = world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    return [x for x in items if x["kind"] in ("payment_suggestion", "unmatched_credit")]


def _payment(world: World) -> tuple[tuple[str, ...], dict[str, int]]:
    client_id = world.services.repos.clients.id_for_number("agency-a", "C1")
    assert client_id
    found, _ = world.services.repos.payments.list(client_id)
    (payment,) = [p for p in found if not p.reversed]
    booked: dict[str, int] = {}
    for a in payment.allocations:
        booked[a.invoice_number] = booked.get(a.invoice_number, 0) + a.amount
    return payment.designated, booked


def test_the_figures_before_the_payment(debtor: World) -> None:
    assert _claim(debtor, "F-0001")["total"] == 100_00
    f2 = _claim(debtor, "F-0002")
    assert (f2["principal"], f2["costs"], f2["costs_vat"]) == (500_00, 75_00, 0)


@pytest.mark.parametrize(
    "ticked", [["F-0001", "F-0002"], ["F-0001"]], ids=["as-suggested", "oldest-only"]
)
def test_a_known_payers_partial_payment_naming_nothing_goes_to_the_costs_owed_first(
    debtor: World, ticked: list[str]
) -> None:
    (item,) = _pay(debtor, 150_00, "betaling")
    assert item["kind"] == "payment_suggestion"
    suggested = [s["invoice"] for s in item["detail"]["suggestions"]]
    assert suggested[:2] == ["F-0001", "F-0002"]  # the payer's oldest, as the matcher has them
    reply = debtor.agency_a.call(
        "POST", f"/v1/clients/C1/actions/{item['action_id']}/confirm", {"invoices": ticked}
    )
    assert reply.status == 200, reply.body
    designated, booked = _payment(debtor)
    assert designated == ()  # the debtor named nothing: a person's ticks are no designation
    assert booked == {"F-0002": 150_00}
    assert _claim(debtor, "F-0001")["total"] == 100_00
    f2 = _claim(debtor, "F-0002")
    assert (f2["costs"], f2["principal"]) == (0, 425_00)
    # the item says where the money went, not the ticks (codereview13b #3)
    done = debtor.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    (resolved,) = [x for x in done if x["action_id"] == item["action_id"]]
    assert resolved["resolution"].startswith("booked on F-0002 ("), resolved["resolution"]


def test_a_line_naming_an_invoice_keeps_it_as_his_designation(debtor: World) -> None:
    items = _pay(debtor, 60_00, "betaling factuur F-0001")
    if items:  # a suggestion: a person books it on the invoice the debtor named
        reply = debtor.agency_a.call(
            "POST", f"/v1/clients/C1/actions/{items[0]['action_id']}/confirm",
            {"invoices": ["F-0001"]},
        )  # fmt: skip
        assert reply.status == 200, reply.body
    designated, booked = _payment(debtor)
    assert designated == ("F-0001",)
    assert booked == {"F-0001": 60_00}
    assert _claim(debtor, "F-0001")["total"] == 40_00


def test_the_exact_open_total_of_one_invoice_is_a_tacit_designation(debtor: World) -> None:
    assert _pay(debtor, 100_00, "overboeking") == []  # the known-payer rule books it
    designated, booked = _payment(debtor)
    assert designated == ("F-0001",)
    assert booked == {"F-0001": 100_00}


# -- the rule itself -----------------------------------------------------------------------------
def _inv(number: str, cents: int, reference: str | None = None) -> OpenInvoice:
    return OpenInvoice(number, "D1", "Jan de Vries", cents, payment_reference=reference)


def _line(cents: int, text: str, reference: str | None = None) -> StatementLine:
    return StatementLine(DAY, DAY, cents, "EUR", counterparty_iban=PAYER,
                         counterparty_name="Jan de Vries", remittance=text,
                         reference=reference)  # fmt: skip


A, B = _inv("2025-01483", 100_00, "1234567890123456"), _inv("2025-01490", 575_00)
TOTALS = {"2025-01483": 100_00, "2025-01490": 575_00}


@pytest.mark.parametrize(
    ("line", "invoices", "designation"),
    [
        (_line(150_00, "betaling"), [A, B], ()),  # attributed by payer: undesignated
        (_line(150_00, "betaling"), [A], ()),  # one invoice ticked, less than its total
        (_line(100_00, "betaling"), [A], ("2025-01483",)),  # its open total: tacit
        (_line(675_00, "betaling"), [A, B], ("2025-01483", "2025-01490")),  # the set's total
        (_line(150_00, "factuur 2025-01490"), [A, B], ("2025-01490",)),  # named
        (_line(150_00, "nr 01490"), [A, B], ("2025-01490",)),  # the number without its year
        (_line(150_00, "factuur 2025-01497"), [A, B], ("2025-01490",)),  # one typo
        (_line(50_00, "", reference="1234567890123456"), [A, B], ("2025-01483",)),  # kenmerk
        (_line(675_00, "factuur 2025-01483 en 2025-01490"), [B, A], ("2025-01490", "2025-01483")),
    ],
)
def test_line_designation(
    line: StatementLine, invoices: list[OpenInvoice], designation: tuple[str, ...]
) -> None:
    assert line_designation(line, invoices, TOTALS) == designation


def test_the_payers_name_and_account_name_nothing() -> None:
    assert named_in_line(_line(100_00, "Jan de Vries"), [A, B]) == frozenset()


def test_of_two_bills_of_the_amount_the_persons_tick_is_no_designation(debtor: World) -> None:
    """codereview13b #2: F-0001 and F-0003 are both 100.00 open; 100.00 "betaling" from the
    known payer names neither. The person ticked F-0003 and it was stored as the debtor's
    designation: which bill he meant is not known, so the money is undesignated and goes by
    6:43 lid 2 to F-0002, whose costs are owed (75.00 costs, 25.00 principal)."""
    row = invoice_row("F-0003", "D1", amount="100.00", invoice_date="2025-01-25",
                      due_date="2025-02-24")  # fmt: skip
    assert not debtor.agency_a.call("POST", "/v1/clients/C1/invoices", {"items": [row]}).body.get(
        "errors"
    )
    (item,) = _pay(debtor, 100_00, "betaling")
    reply = debtor.agency_a.call(
        "POST", f"/v1/clients/C1/actions/{item['action_id']}/confirm", {"invoices": ["F-0003"]}
    )
    assert reply.status == 200, reply.body
    designated, booked = _payment(debtor)
    assert designated == () and booked == {"F-0002": 100_00}, (designated, booked)
    f2 = _claim(debtor, "F-0002")
    assert (f2["costs"], f2["principal"]) == (0, 475_00)


def _debtor_in(world: World) -> World:
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1", charge_interest=False)]})
    verify_ibans(a, "C1")
    a.call("POST", "/v1/clients/C1/debtors",
           {"items": [debtor_row("D1", name="Jan de Vries", ibans=[PAYER])]})  # fmt: skip
    rows = [
        invoice_row("F-0001", "D1", amount="100.00"),
        invoice_row("F-0002", "D1", amount="500.00", fourteen_day_letter_on="2025-02-03"),
    ]
    assert not a.call("POST", "/v1/clients/C1/invoices", {"items": rows}).body.get("errors")
    return world


@pytest.mark.parametrize("window", [True, False], ids=["window", "one-line"])
@pytest.mark.parametrize(
    ("cents", "text", "designation", "booked"),
    [
        (100_00, "overboeking", ("F-0001",), {"F-0001": 100_00}),  # tacit
        (60_00, "betaling factuur F-0001", ("F-0001",), {"F-0001": 60_00}),  # named
    ],
    ids=["tacit", "named"],
)
def test_a_booking_whose_payment_row_was_lost_keeps_its_designation_when_delivered_again(
    window: bool, cents: int, text: str, designation: tuple[str, ...], booked: dict[str, int]
) -> None:
    """returns14 #3: the ledger took the line's booking, the payment row's write failed (a
    timeout before it applied): the redelivery found the booking written down on the line
    and read its designation again from claims that already held the money (F-0001 0.00
    open, no longer the amount): the row said undesignated. What the first run decided,
    written down with the booking, is what the row says."""
    plan = FaultPlan()
    world = _debtor_in(make_world(faults=plan))
    service = world.services.statements
    if not window:
        s = world.services
        service = StatementService(s.repos, s.files, s.payments, s.clock,
                                   open_totals=s.statements.open_totals, window=1)  # fmt: skip
    plan.rule(lambda op, table: op in ("insert", "transact") and table == PAYMENTS, "timeout")
    line = OutLine(DAY, cents, text, counterparty_iban=PAYER, counterparty_name="J de Vries")
    data = statement([line])
    with pytest.raises(ServiceResponseError):
        service.ingest("agency-a/s.sta", data)
    assert plan.log == [("timeout", plan.log[0][1], PAYMENTS)]
    service.ingest("agency-a/s.sta", data)
    assert _payment(world) == (designation, booked)  # tacit was (): as if undesignated
    client_id = world.services.repos.clients.id_for_number("agency-a", "C1")
    assert client_id
    (row,) = world.services.repos.payments.list(client_id)[0]
    assert row.booked_to == tuple(booked)
