"""attack17 F3: a list of invoices says each credit note's kind without reading a debtor's
whole ledger per credited debtor on the page (60 debtors: 60 ledger range reads for one
request, up to 1,000 a page); the kind is kept on the invoice when the note is booked, and a
note booked before that is labelled from the ledger once, a bounded number per request."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from shared.api.routes_invoices import LABELLED_PER_REQUEST
from tests.unit.api.conftest import client_row, debtor_row, invoice_row

N = 30


def _credited(world) -> None:  # type: ignore[no-untyped-def]
    """N debtors, one invoice each with a 1.00 credit note: a discount on the even ones."""
    a = world.agency_a
    world.clock.at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row(f"D{n:02d}") for n in range(N)]})
    rows = [invoice_row(f"F-{n:02d}", f"D{n:02d}", amount="100.00", invoice_date="2026-02-01",
                        due_date="2026-02-20") for n in range(N)]  # fmt: skip
    assert not a.call("POST", "/v1/clients/C1/invoices", {"items": rows}).body.get("errors")
    for n in range(N):
        kind = "discount" if n % 2 == 0 else "correction"
        r = a.call("POST", f"/v1/clients/C1/invoices/F-{n:02d}/credit",
                   {"amount": "1.00", "reference": f"CN-{n}", "kind": kind})  # fmt: skip
        assert r.status == 200, r.body


def _counted(world) -> list[str]:  # type: ignore[no-untyped-def]
    ledger = world.services.ledger.ledger
    calls: list[str] = []
    real = ledger.for_debtor

    def counted(client_id, debtor, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(debtor)
        return real(client_id, debtor, *args, **kwargs)

    ledger.for_debtor = counted  # counts the whole-ledger reads; the product is not changed
    return calls


def _kinds(world) -> dict[str, object]:  # type: ignore[no-untyped-def]
    page = world.agency_a.call("GET", "/v1/clients/C1/invoices", page_size="1000")
    assert page.status == 200 and len(page.body["items"]) == N, page.body
    return {i["number"]: i["credit_notes"][0]["kind"] for i in page.body["items"]}


def _meant() -> dict[str, object]:
    return {f"F-{n:02d}": "discount" if n % 2 == 0 else "correction" for n in range(N)}


def test_a_list_reads_no_debtors_ledger_for_its_credit_notes_kinds(world):  # type: ignore[no-untyped-def]
    _credited(world)
    calls = _counted(world)
    assert _kinds(world) == _meant()
    # before the fix: 30 whole-ledger reads for one list request of 30 invoices
    assert calls == [], f"{len(calls)} whole-ledger reads for one list request of {N} invoices"
    one = world.agency_a.call("GET", "/v1/clients/C1/invoices/F-00")
    assert one.body["credit_notes"][0]["kind"] == "discount" and calls == []


def test_notes_booked_before_the_kinds_were_kept_are_labelled_once_a_few_debtors_a_request(world):  # type: ignore[no-untyped-def]
    _credited(world)
    invoices = world.services.repos.invoices
    client_id = world.services.repos.clients.id_for_number("agency-a", "C1")
    for n in range(N):  # as stored before the deploy: the notes without their kinds
        stored = invoices.get(client_id, f"F-{n:02d}")
        invoices.save(replace(stored.invoice, note_kinds=()), stored)
    calls = _counted(world)
    seen = _kinds(world)
    assert len(calls) == LABELLED_PER_REQUEST < N
    labelled = {k: v for k, v in seen.items() if v is not None}
    assert labelled == {k: v for k, v in _meant().items() if k in labelled}
    assert len(labelled) == LABELLED_PER_REQUEST
    while None in seen.values():  # each request labels a bounded number more, and keeps them
        before = len(calls)
        seen = _kinds(world)
        assert len(calls) - before <= LABELLED_PER_REQUEST
    assert seen == _meant()
    read = len(calls)
    assert _kinds(world) == _meant() and len(calls) == read  # kept: no reads any more
    assert dict(invoices.get(client_id, "F-00").invoice.note_kinds) == {"CN-0": "discount"}


def test_a_note_the_ledger_refused_takes_its_kind_off_with_it():  # type: ignore[no-untyped-def]
    from datetime import date

    from shared.domain.invoices import Invoice

    inv = Invoice(client_id="C1", number="F-1", debtor_number="D1", invoice_date=date(2026, 2, 1),
                  due_date=date(2026, 2, 20), amount=10000)  # fmt: skip
    noted = inv.credit_part("CN-1", 100).with_note_kinds({"CN-1": "discount", "CN-9": "correction"})
    assert noted.note_kinds == (("CN-1", "discount"),)
    assert noted.take_back_credit_note("CN-1").note_kinds == ()


def test_the_credit_service_keeps_the_kind_the_ledger_booked_on_the_invoice(world):  # type: ignore[no-untyped-def]
    """The console's dossier books through the service, not the route: the kind is on the
    invoice's row once the ledger booked the note."""
    from shared.services.invoice_status import CreditNote

    _credited(world)
    repos = world.services.repos
    client_id = repos.clients.id_for_number("agency-a", "C1")
    client = repos.clients.get(client_id)[0]
    world.services.invoice_status.credit_part(
        client, "F-01", CreditNote(250, "CN-X", discount=True), author="user:u1"
    )
    kinds = dict(repos.invoices.get(client_id, "F-01").invoice.note_kinds)
    assert kinds == {"CN-1": "correction", "CN-X": "discount"}
