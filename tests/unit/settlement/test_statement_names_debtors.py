"""Each line of the settlement statement (PDF and CSV) names its debtor, number and name, and
the payment's own reference a person finds it by: the bank line's end-to-end id (or the bank's
reference, the payer's text), the Mollie id; never Inning's internal id (agency21 N1).

Before: "03-12-2026 TF-101 rente opdrachtgever 6636ee00bedc-1 EUR 64,82", no debtor, and the
"Betaling" column the tail of the bank line's identity hash; the CSV had no debtor column."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

import pypdf

from shared.adapters.letters.settlement_pdf import WIDTHS
from shared.domain.parties import Agency
from shared.domain.records import PaymentSource
from shared.domain.settlement.line_parties import line_parties
from shared.domain.statements.model import findable_reference
from shared.services.onboarding import register_agency
from tests.unit.api.conftest import client_iban, debtor_row, invoice_row, verify_ibans
from tests.unit.console.money_support import with_debtors
from tests.unit.console.test_statement_upload_scope import _forged, _trigger, _upload_as_c1_staff
from tests.unit.people.conftest import tenants
from tests.unit.settlement.conftest import THIRD_PARTY, payment
from tests.unit.settlement.test_money_the_client_received import _agreement, _csv, _settle
from tests.unit.settlement.test_settlement_run import MONDAY, Setup

__all__ = ["tenants"]

LONG_NAME = "Bakkerij De Gouden Korenschoof en Zonen Banketbakkers Vennootschap B.V."
HASH = "bank-6636ee00bedc41a7b0c2d5e8f9a1b2c3-1"  # a bank line's payment id: its identity hash
OLD_COLUMNS = ["kind", "received_on", "payment_id", "invoice", "component", "recipient",
               "amount", "reason", "received_by"]  # fmt: skip


def _pdf_text(data: bytes) -> str:
    return "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)


def _two_payers(world: Any, before_run: Callable[[], None] = lambda: None) -> tuple[Setup, Any]:
    s = Setup(world)
    reply = world.agency_a.call("POST", "/v1/clients/C1/debtors", {"items": [
        debtor_row("D7", name=LONG_NAME), debtor_row("D8", name="Jansen")]})  # fmt: skip
    assert reply.status == 200 and not reply.body["errors"], reply.body
    bank = replace(payment(s.c1.client_id, HASH, date(2026, 11, 27), "TF-101"),
                   debtor_number="D7", external_id=HASH[5:], reference="E2E-2026-0042")  # fmt: skip
    mollie = replace(payment(s.c1.client_id, "mollie-tr_WDqYK6vllg", date(2026, 11, 28), "TF-102"),
                     debtor_number="D8", source=PaymentSource.MOLLIE,
                     external_id="tr_WDqYK6vllg")  # fmt: skip
    older = replace(
        payment(s.c1.client_id, "bank-ffff0000aaaa-1", date(2026, 11, 28), "TF-103"),
        debtor_number="D8",
        external_id="ffff0000aaaa-1",
    )  # before references were kept
    for p in (bank, mollie, older):
        world.services.repos.payments.add(p)
    before_run()  # what a test watches from here on
    run = s.run(MONDAY)
    return s, s.statements(run.run_id)["C1"]


def test_each_csv_line_names_its_debtor_and_the_payments_reference(world: Any) -> None:
    s, statement = _two_payers(world)
    rows = list(csv.reader(io.StringIO(s.blob(statement.csv).decode())))
    # the columns other software reads keep their places; the new ones come after them
    assert rows[1] == [*OLD_COLUMNS, "debtor_number", "debtor_name", "payment_reference"]
    assert {len(r) for r in rows} == {12}
    named = {(r[3], r[9], r[10], r[11]) for r in rows if r[0] == "payment"}
    assert named == {("TF-101", "D7", LONG_NAME, "E2E-2026-0042"),
                     ("TF-102", "D8", "Jansen", "tr_WDqYK6vllg"),
                     ("TF-103", "D8", "Jansen", "\u2014")}  # fmt: skip
    # the identity hash is never given as a reference
    assert not any("6636ee00" in r[11] or "ffff0000" in r[11] for r in rows)


def test_each_pdf_line_names_its_debtor_and_the_payments_reference(world: Any) -> None:
    s, statement = _two_payers(world)
    text = _pdf_text(s.blob(statement.pdf))
    assert "Debiteur" in text and "Betaling" in text
    assert "D8 Jansen" in text and "E2E-2026-0042" in text and "tr_WDqYK6vllg" in text
    # a bank payment booked before references were kept: a dash, not an empty cell (booked24)
    assert re.search("TF-103 D8 Jansen[^\n]*\u2014", text)
    # a long name is cut to its column with an ellipsis, never into the next column
    assert LONG_NAME not in text
    assert re.search("D7 Bakkerij De[^\n]*\u2026 incassokosten incassobureau E2E-2026-0042", text)
    assert "6636ee00" not in text and "ffff0000" not in text and "bedc" not in text
    assert sum(WIDTHS) == 190  # A4 less the 10 mm margins


def test_a_booked_bank_line_keeps_what_the_bank_shows(world: Any, tenants: Any) -> None:
    """Through the booking path: a statement line's end-to-end id is kept on its payment, and
    its settlement statement names it and the debtor."""
    s, a = world.services, world.agency_a
    register_agency(s.repos, Agency("agency-a", "Acme Incasso", THIRD_PARTY))
    _agreement(world, tenants.c1)
    verify_ibans(a, "C1")
    with_debtors(world, "C1", "D1")
    assert a.call("POST", "/v1/clients/C1/invoices",
                  {"items": [invoice_row("F1", "D1", amount="100.00")]}).status == 200  # fmt: skip
    ref = a.call("GET", "/v1/clients/C1/invoices/F1").body["payment_reference"]
    name = _upload_as_c1_staff(world, tenants, _forged(client_iban("C1"), 10_000, reference=ref))
    assert _trigger(world, name).booked == 1
    [paid] = s.repos.payments.list(tenants.c1)[0]
    assert paid.reference == "E-FORGED" and paid.external_id != "E-FORGED"
    _, by_client = _settle(world, "agency-a", date(2025, 3, 4))
    rows = _csv(world, by_client["C1"].csv)
    assert {tuple(r[9:]) for r in rows if r[0] == "payment"} == {("D1", "Debtor D1", "E-FORGED")}


def test_the_reference_is_the_first_a_bank_gave() -> None:
    assert findable_reference("NOTPROVIDED", "NONREF", None, "  factuur\n F1 ") == "factuur F1"
    assert findable_reference("NOTPROVIDED", "2026120300042", "RF18", "x") == "2026120300042"
    assert findable_reference("E2E-1", "B", "RF18", "x") == "E2E-1"
    assert findable_reference(None, None, None, None) is None


def test_a_payers_direction_and_control_characters_are_not_shown() -> None:
    # attack23 F4: a payer's description "factuur \u202e1F" read "factuur F1" in the client's
    # spreadsheet, where the bank's statement says 1F; the CSV's formula guard keeps them
    paid = replace(
        payment("C1", "p1", date(2025, 3, 1)),
        source=PaymentSource.BANK,
        reference="factuur \u202e1F\u202c\tE2E",
        debtor_number="D1",
    )
    (party,) = line_parties({"p1": paid}, {"D1": "Jansen\u2066 B.V."}).values()
    assert (party.reference, party.debtor_name) == ("factuur 1F E2E", "Jansen B.V.")


def test_the_names_take_one_batch_read_per_statement(world: Any, monkeypatch: Any) -> None:
    """No read per line: the payments are those the run read already, the debtors' names one
    ``get_many`` of the client's (12 lines, 2 debtors: 1 call)."""
    debtors = world.services.repos.debtors
    calls: list[tuple[str, tuple[str, ...]]] = []
    many, one = debtors.get_many, debtors.get

    def counted_many(client_id: str, numbers: Any) -> Any:
        calls.append(("get_many", tuple(numbers)))
        return many(client_id, numbers)

    def counted_one(client_id: str, number: str) -> Any:
        calls.append(("get", (number,)))
        return one(client_id, number)

    payments = world.services.repos.payments
    reads: list[str] = []

    def watch() -> None:
        monkeypatch.setattr(debtors, "get_many", counted_many)
        monkeypatch.setattr(debtors, "get", counted_one)
        monkeypatch.setattr(payments, "get", lambda c, p: reads.append(p))

    _two_payers(world, watch)
    # (the run's own check of each payer's standing, before this change, reads ``get``)
    assert [c for c in calls if c[0] == "get_many"] == [("get_many", ("D7", "D8"))]
    assert not reads
