"""attack14 A3: a payment's designation corrected by a person (ledger/redesignation.py, open to
agency staff, who may not mark an acknowledgement) became the debtor's acknowledgement (art.
3:318 BW) of the claim it now names, dated the day the money came, and took it from the claim
his money really went to. Only the debtor's own act acknowledges: his designation as received,
or, without one, where the ledger first booked the money (6:43 lid 2); a correction moves the
money, not his act, and never releases a claim the prescription watch holds."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from shared.adapters.tables import schema
from shared.adapters.tables.keys import encode
from shared.adapters.tables.messaging_repo import OutboxRepository
from shared.domain.records import PaymentSource
from shared.services.prescription_watch import PrescriptionWatch
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.services.test_statement_ingest import (  # noqa: F401
    invoice,
    paid_line,
    setup,
    statement,
)

PAID = date(2024, 1, 15)


def _business(world: Any, designated: list[str]) -> tuple[Any, PrescriptionWatch]:
    """B1 (business): B-1 800.00 due 30-6-2020 (prescribes 1-7-2025, 3:307), B-2 300.00 due
    31-12-2023; 300.00 received 15-1-2024 naming ``designated`` (none: 6:43 lid 2, on B-1)."""
    a = world.agency_a
    world.clock.at = datetime(2024, 1, 10, 8, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("B1", name="BV", kind="b2b")]})
    rows = [
        invoice_row("B-1", "B1", invoice_date="2020-06-01", due_date="2020-06-30", amount="800.00"),
        invoice_row("B-2", "B1", invoice_date="2023-12-01", due_date="2023-12-31", amount="300.00"),
    ]
    assert a.call("POST", "/v1/clients/C1/invoices", {"items": rows}).body["created"] == 2
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    world.clock.at = datetime(2024, 1, 15, 9, 0, tzinfo=UTC)
    world.services.payments.book(
        client, payment_id="bank-1", amount=30_000, received_on=PAID, source=PaymentSource.BANK,
        invoice_numbers=["B-1", "B-2"], designated=designated,
    )  # fmt: skip
    repos = world.services.repos
    return client, PrescriptionWatch(repos, OutboxRepository(repos.store), world.clock)


def _correct(world: Any, client: Any, invoices: list[str]) -> None:
    world.clock.at = datetime(2025, 6, 20, 9, 0, tzinfo=UTC)
    done = world.services.redesignation.redesignate(
        client,
        "bank-1",
        invoices,
        "staff-u1",
        "de debiteur bedoelde het",
        payer_word="asked",
    )
    assert done.designated == tuple(invoices)


def _acknowledged(watch: PrescriptionWatch, client: Any) -> dict[str, set[date]]:
    return dict(watch._acknowledgements(client.client_id, "B1", date(2025, 6, 20)))


def test_a_corrected_designation_acknowledges_nothing_the_debtor_did_not_name(world):
    client, watch = _business(world, ["B-2"])
    assert _acknowledged(watch, client) == {"B-2": {PAID}}
    _correct(world, client, ["B-1"])
    # B-1's five years still run from 1-7-2020 (to 1-7-2025), not again from 16-1-2024;
    # B-2 keeps the acknowledgement the debtor gave it by naming it
    assert _acknowledged(watch, client) == {"B-2": {PAID}}
    stored = world.services.repos.payments.get(client.client_id, "bank-1")
    assert stored.designated == ("B-1",) and stored.debtor_paid == ("B-2",)


def test_undesignated_money_acknowledges_where_it_was_first_booked_whatever_is_corrected(world):
    client, watch = _business(world, [])
    assert _acknowledged(watch, client) == {"B-1": {PAID}}  # 6:43 lid 2: the oldest first
    _correct(world, client, ["B-2"])
    assert _acknowledged(watch, client) == {"B-1": {PAID}}


def test_a_row_stored_before_debtor_paid_was_kept_keeps_its_acknowledgement(world):
    """A payment row of before the upgrade (no ``DebtorPaid``): read as its designation then,
    and kept so by the correction's own save."""
    client, watch = _business(world, ["B-2"])
    store = world.services.repos.store
    row = store.get(schema.PAYMENTS, encode(client.client_id), "bank-1")
    assert row is not None
    store.upsert(schema.PAYMENTS, type(row)(row.pk, row.rk, {
        k: v for k, v in row.data.items() if k != "DebtorPaid"}))  # fmt: skip
    assert _acknowledged(watch, client) == {"B-2": {PAID}}
    _correct(world, client, ["B-1"])
    assert _acknowledged(watch, client) == {"B-2": {PAID}}


def test_a_held_claim_is_not_released_by_a_correction(world):
    """Consumer D1: F1 500.00 consumer_sale due 10-3-2025 (2 years, 7:28 BW: prescribes
    11-3-2027), F2 100.00 due 1-12-2026; 100.00 received 15-1-2027 naming F2. On 3-4-2027 the
    watch holds F1 (an admin decides: POST …/invoices/F1/prescription); corrected to F1 it
    stayed held no more (acknowledged 15-1-2027, before its date)."""
    a = world.agency_a
    world.clock.at = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    for number, day, due, amount in (("F1", "2025-02-01", "2025-03-10", "500.00"),
                                     ("F2", "2026-11-01", "2026-12-01", "100.00")):  # fmt: skip
        world.clock.at = datetime.fromisoformat(day).replace(hour=8, tzinfo=UTC)
        row = invoice_row(number, "D1", invoice_date=day, due_date=due, amount=amount,
                          claim_kind="consumer_sale")  # fmt: skip
        assert a.call("POST", "/v1/clients/C1/invoices", {"items": [row]}).body["created"] == 1
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    world.clock.at = datetime(2027, 1, 15, 9, 0, tzinfo=UTC)
    world.services.payments.book(
        client, payment_id="bank-1", amount=10_000, received_on=date(2027, 1, 15),
        source=PaymentSource.BANK, invoice_numbers=["F2"],
    )  # fmt: skip
    repos = world.services.repos
    watch = PrescriptionWatch(repos, OutboxRepository(repos.store), world.clock)
    world.clock.at = datetime(2027, 4, 3, 9, 0, tzinfo=UTC)

    def held() -> set[str]:
        debtor = repos.debtors.get(client.client_id, "D1")[0]
        invoices = repos.invoices.for_debtor(client.client_id, "D1")
        return set(watch.held(client.client_id, debtor, invoices, date(2027, 4, 3)))

    assert "F1" in held()
    world.services.redesignation.redesignate(
        client,
        "bank-1",
        ["F1"],
        "staff-u1",
        "de debiteur bedoelde F1",
        payer_word="asked",
    )
    assert "F1" in held()


def test_a_bank_line_keeps_the_debtors_designation_through_a_correction(setup):  # noqa: F811
    """The statement path (statements_window.py) keeps his act as the line named it too."""
    world = setup
    ref = invoice(world, "F-0002")["payment_reference"]
    report = world.services.statements.ingest(
        "agency-a/day1.sta", statement([paid_line(5_000, "", reference=ref, end_to_end_id="E1")])
    )
    assert report.booked == 1
    client = world.services.access.client_for(
        world.services.access.authenticate(world.agency_a.key), "C1"
    )
    (payment,) = world.services.repos.payments.list(client.client_id)[0]
    assert payment.designated == ("F-0002",) and payment.debtor_paid == ("F-0002",)
    repos = world.services.repos
    watch = PrescriptionWatch(repos, OutboxRepository(repos.store), world.clock)
    world.services.redesignation.redesignate(
        client,
        payment.payment_id,
        ["F-0001"],
        "staff-u1",
        "de debiteur bedoelde F-0001",
        payer_word="asked",
    )
    got = watch._acknowledgements(client.client_id, "D1", date(2025, 3, 20))
    assert dict(got) == {"F-0002": {date(2025, 3, 3)}}


def test_a_misread_remittance_is_the_debtors_act_on_what_it_named(world):
    """codereview14 F1: his remittance named B-1 and was booked as naming B-2; staff correct it
    with ``payer_word=misread``. The payment as it came named B-1: B-1 is acknowledged on the
    day it came, and B-2, which he never named, is not (was: B-2 kept it, B-1 none)."""
    client, watch = _business(world, ["B-2"])
    world.clock.at = datetime(2025, 6, 20, 9, 0, tzinfo=UTC)
    world.services.redesignation.redesignate(
        client, "bank-1", ["B-1"], "staff-u1", "remittance said B-1", payer_word="misread"
    )
    stored = world.services.repos.payments.get(client.client_id, "bank-1")
    assert stored.designated == ("B-1",) and not stored.designated_by_staff
    assert stored.debtor_paid == ("B-1",)
    assert _acknowledged(watch, client) == {"B-1": {PAID}}
