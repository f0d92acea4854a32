"""Statement lines booked a window at a time (shared/services/statements_window.py): the same
bookings as one line at a time (the ledger's costs -> interest -> principal, lines of one
debtor seeing each other), exactly once under redelivery and a crash at every write of the
window, and a claim changed by another writer meanwhile booked on what it has become."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from shared.domain.records import PaymentSource
from shared.domain.statements.mt940_writer import OutLine, write_mt940
from shared.services.statements import StatementService
from tests.support.match_index import keep_index
from tests.unit.api.conftest import client_iban, client_row, debtor_row, invoice_row, verify_ibans

ACCOUNT = client_iban("C1")
PAYER = "NL02RABO0123456789"
OTHER = "NL91ABNA0417164300"
PAID_ON = date(2025, 3, 20)


def setup(world):
    a = world.agency_a
    world.clock.at = datetime(2025, 3, 20, 9, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    verify_ibans(a, "C1")
    a.call("POST", "/v1/clients/C1/debtors", {"items": [
        debtor_row("D1", name="Jan de Vries"), debtor_row("D2", name="Piet Bakker"),
    ]})  # fmt: skip
    a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row("F1", "D1", amount="121.00", invoice_date="2025-01-01", due_date="2025-01-31",
                    fourteen_day_letter_on="2025-02-10"),
        invoice_row("F2", "D2", amount="250.00", invoice_date="2025-03-01", due_date="2025-04-01"),
    ]})  # fmt: skip
    return a


def cents(text: str) -> int:
    return int(text.replace(".", ""))


def claim(world, number):
    return world.agency_a.call(
        "GET", f"/v1/clients/C1/invoices/{number}/claim", on=PAID_ON.isoformat()
    ).body


def reference(world, number):
    return world.agency_a.call("GET", f"/v1/clients/C1/invoices/{number}").body["payment_reference"]


def statement(world) -> tuple[bytes, int, int]:
    """Two partial payments of F1's whole claim (costs owed), F2 paid, and a stranger's
    credit: the second F1 line is an exact match only once the first is booked."""
    total = cents(claim(world, "F1")["open"]["total"])
    ref1, ref2 = reference(world, "F1"), reference(world, "F2")
    lines = [
        OutLine(PAID_ON, 10_000, "", counterparty_iban=PAYER, counterparty_name="J de Vries",
                reference=ref1, end_to_end_id="E1"),
        OutLine(PAID_ON, 25_000, "", counterparty_iban=OTHER, counterparty_name="P Bakker",
                reference=ref2, end_to_end_id="E2"),
        OutLine(PAID_ON, total - 10_000, "", counterparty_iban=PAYER,
                counterparty_name="J de Vries", reference=ref1, end_to_end_id="E3"),
        OutLine(PAID_ON, 777, "huur maart", counterparty_iban="NL20INGB0001234567",
                counterparty_name="Verhuur BV", end_to_end_id="E4"),
    ]  # fmt: skip
    data = write_mt940(ACCOUNT, lines, opening=0, opening_date=PAID_ON, statement_id="S1")
    return data.encode(), total, cents(claim(world, "F1")["open"]["interest"])


def service(world, window: int) -> StatementService:
    s = world.services
    built = s.statements
    return StatementService(
        s.repos, s.files, s.payments, s.clock, open_totals=built.open_totals, window=window
    )


def payments(world):
    return world.agency_a.call("GET", "/v1/clients/C1/payments").body["items"]


def kinds(world):
    items = world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    return sorted(x["kind"] for x in items)


def assert_booked_once(world, total: int, interest: int) -> None:
    after = claim(world, "F1")
    assert after["open"]["total"] == "0.00"
    assert after["paid"]["costs"] == "40.00"
    assert cents(after["paid"]["interest"]) == interest
    assert after["paid"]["principal"] == "121.00"
    assert sum(cents(v) for v in after["paid"].values()) == total
    assert claim(world, "F2")["open"]["total"] == "0.00"
    body = world.agency_a.call("GET", "/v1/clients/C1/invoices/F1").body
    assert body["status"] == "paid"
    assert sorted(p["amount"] for p in payments(world)) == sorted([10_000, 25_000, total - 10_000])
    assert "overpayment" not in kinds(world)
    assert kinds(world).count("unmatched_credit") == 1


@pytest.mark.parametrize("window", [1, 50])
def test_a_window_books_as_one_line_at_a_time_does(world, window):
    setup(world)
    data, total, interest = statement(world)
    report = service(world, window).ingest("agency-a/day.sta", data)
    assert (report.lines, report.booked, report.unmatched) == (4, 3, 1)
    assert_booked_once(world, total, interest)
    # the first payment paid costs, then interest, then principal
    first = next(p for p in payments(world) if p["amount"] == 10_000)
    components = [a["component"] for a in first["allocations"]]
    assert components[:2] == ["costs", "interest"] and components[-1] == "principal"
    # the payer's account is learned, the return reference remembered, the log written
    client_id = world.agency_a.call("GET", "/v1/clients/C1").body["client_id"]
    assert world.services.repos.banking.debtors_for_iban(client_id, OTHER) == {"D2"}
    assert world.services.repos.banking.payment_for(client_id, "E2") == "bank-" + next(
        p["external_id"] for p in payments(world) if p["amount"] == 25_000
    )
    log = world.agency_a.call("GET", "/v1/clients/C1/debtors/D1/contacts").body["items"]
    assert sum("received" in x["summary"] for x in log) == 2
    # the console's payments per day has every payment of the window (and of the one-line path)
    day = world.services.repos.payments.days.page(client_id, days=7, max_payments=100)
    assert sorted(e.amount for e in day.entries) == sorted(p["amount"] for p in payments(world))


def test_a_redelivered_window_books_nothing_twice(world):
    setup(world)
    data, total, interest = statement(world)
    first = service(world, 50).ingest("agency-a/day.sta", data)
    again = service(world, 50).ingest("agency-a/day.sta", data)
    assert first.booked == 3 and again.status == "skipped"
    assert_booked_once(world, total, interest)


@pytest.mark.parametrize(
    "table", ["StatementLines", "Ledger", "Payments", "Invoices", "MatchIndex", "ContactLog"]
)
@pytest.mark.parametrize("nth", [1, 2])
def test_a_crash_at_any_write_of_a_window_is_finished_by_the_redelivery(
    world, monkeypatch, table, nth
):
    setup(world)
    data, total, interest = statement(world)
    store = world.services.repos.store
    real = store.transact
    seen = {"n": 0}

    def crashing(name, ops):
        if name == table:
            seen["n"] += 1
            if seen["n"] == nth:
                raise ConnectionError(f"the worker died writing {table}")
        return real(name, ops)

    monkeypatch.setattr(store, "transact", crashing)
    try:
        service(world, 50).ingest("agency-a/day.sta", data)
    except ConnectionError:
        pass  # the blob trigger's next delivery
    monkeypatch.setattr(store, "transact", real)
    service(world, 50).ingest("agency-a/day.sta", data)
    assert_booked_once(world, total, interest)
    third = service(world, 50).ingest("agency-a/day.sta", data)
    assert third.status == "skipped"
    assert len(payments(world)) == 3


def test_a_claim_changed_by_another_writer_meanwhile_is_booked_on_what_it_became(
    world, monkeypatch
):
    from shared.services import statements_window

    a = setup(world)
    data, total, _ = statement(world)
    client = world.services.repos.clients.get(a.call("GET", "/v1/clients/C1").body["client_id"])
    assert client is not None
    real = statements_window.StatementWindow._debtor_book
    done = {"n": 0}

    def meanwhile(self, client_, number, kind=None):
        book = real(self, client_, number, kind)
        if number == "D1" and not done["n"]:
            done["n"] = 1  # a Mollie payment of EUR 5 lands on F1 after the window read D1
            world.services.payments.book(
                client[0], payment_id="mollie-1", amount=500, received_on=PAID_ON,
                source=PaymentSource.MOLLIE, invoice_numbers=["F1"],
            )  # fmt: skip
        return book

    monkeypatch.setattr(statements_window.StatementWindow, "_debtor_book", meanwhile)
    report = service(world, 50).ingest("agency-a/day.sta", data)
    assert report.booked == 3
    after = claim(world, "F1")
    # every cent is booked once: EUR 5 more came in than the claim, so it is an overpayment
    assert sum(cents(v) for v in after["paid"].values()) == total
    assert after["open"]["total"] == "0.00"
    paid = sum(p["amount"] for p in payments(world))
    assert paid == total + 500 + 25_000
    over = [
        x for x in world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
        if x["kind"] == "overpayment"
    ]  # fmt: skip
    assert sum(x["detail"]["unallocated"] for x in over) == 500


def test_two_deliveries_writing_down_one_line_book_the_first_designation(world):
    """Two deliveries of a file claimed the same line and matched it apart: the second to
    write its booking down is handed the first's record (its ETag moved) and follows it."""
    banking = world.services.repos.banking
    first = banking.claim_line(ACCOUNT, "line-1", 12_100, PAID_ON, "act-1")
    assert first is not None
    second = banking.claim_line(ACCOUNT, "line-1", 12_100, PAID_ON, "act-2")
    assert second is not None and second.etag == first.etag  # pending: both finish it
    kw = {"client_id": "c1", "payment_id": "bank-line-1", "amount": 12_100, "booked_on": PAID_ON}
    assert banking.intend_booking(ACCOUNT, first, invoices=["F1"], **kw) is None
    other = banking.intend_booking(ACCOUNT, second, invoices=["F2"], **kw)
    assert other is not None and other.status == "booking" and other.invoices == ("F1",)
    assert banking.line(ACCOUNT, "line-1").invoices == ("F1",)


def test_a_pooled_window_keeps_equal_invoice_numbers_of_two_clients_apart(world):
    """A third-party funds account: two clients with an invoice G-7 each, paid in one window
    by their references; each booking lands in its own client's partition."""
    from shared.domain.parties import Agency
    from shared.services.onboarding import register_agency

    pooled = client_iban("POOL")
    register_agency(world.services.repos, Agency("agency-a", "A", pooled))
    a = world.agency_a
    refs, lines = {}, []
    for number, cents_ in (("C2", 4_200), ("C3", 9_900)):
        a.call("POST", "/v1/clients", {"items": [
            client_row(number, allow_third_party_matching=True, charge_interest=False)
        ]})  # fmt: skip
        verify_ibans(a, number)
        a.call("POST", f"/v1/clients/{number}/debtors", {"items": [debtor_row("X9", name="Kees")]})
        a.call("POST", f"/v1/clients/{number}/invoices", {"items": [
            invoice_row("G-7", "X9", amount=f"{cents_ / 100:.2f}")
        ]})  # fmt: skip
        refs[number] = a.call("GET", f"/v1/clients/{number}/invoices/G-7").body["payment_reference"]
        lines.append(OutLine(PAID_ON, cents_, "", counterparty_iban=PAYER,
                             counterparty_name="Kees", reference=refs[number]))  # fmt: skip
    data = write_mt940(pooled, lines, opening=0, opening_date=PAID_ON, statement_id="P1")
    report = service(world, 50).ingest("agency-a/pool.sta", data.encode())
    assert report.booked == 2
    for number, cents_ in (("C2", 4_200), ("C3", 9_900)):
        assert a.call("GET", f"/v1/clients/{number}/invoices/G-7").body["status"] == "paid"
        booked = a.call("GET", f"/v1/clients/{number}/payments").body["items"]
        assert [p["amount"] for p in booked] == [cents_]


@pytest.mark.parametrize("window", [1, 50])
def test_a_principal_only_plan_takes_a_bank_line_on_the_principal_in_either_path(world, window):
    """A running plan over the principal only is the client's agreement to another order (art.
    6:44 lid 2 BW): its bank payment goes to the principal first, whether the line is booked in
    a window or alone."""
    a = setup(world)
    made = a.call("POST", "/v1/clients/C1/plans", {
        "debtor": "D1", "invoices": ["F1"], "include_costs": False, "start": "2025-03-31",
        "installments": 2,
    })  # fmt: skip
    assert made.status == 201, made.body
    assert a.call("POST", f"/v1/clients/C1/plans/{made.body['plan_id']}/activate").status == 200
    line = OutLine(PAID_ON, 5_000, "", counterparty_iban=PAYER, counterparty_name="J de Vries",
                   reference=reference(world, "F1"), end_to_end_id="P1")  # fmt: skip
    data = write_mt940(ACCOUNT, [line], opening=0, opening_date=PAID_ON, statement_id="S9")
    report = service(world, window).ingest("agency-a/plan.sta", data.encode())
    assert report.booked == 1
    paid = next(p for p in payments(world) if p["amount"] == 5_000)
    assert [x["component"] for x in paid["allocations"]] == ["principal"]
    assert claim(world, "F1")["paid"]["costs"] == "0.00"


def test_a_window_reads_plan_membership_once_and_tells_plans_of_their_invoices_only(world):
    """The window reads the client's plan invoices once (not per invoice of each debtor it
    books) and tells the plans' listener about the booked invoices a plan holds: F1, in a
    plan, is told; F2, in none, costs no plan lookup. Any other listener hears of both."""
    a = setup(world)
    made = a.call("POST", "/v1/clients/C1/plans", {
        "debtor": "D1", "invoices": ["F1"], "include_costs": False, "start": "2025-03-31",
        "installments": 2,
    })  # fmt: skip
    assert a.call("POST", f"/v1/clients/C1/plans/{made.body['plan_id']}/activate").status == 200
    told: list[list[str]] = []  # what the plans' listener heard
    heard: list[list[str]] = []  # what any other listener heard
    payments_service = world.services.payments
    plans_listener = payments_service.plan_listener
    assert plans_listener is not None

    def plans_told(client, numbers):
        told.append(numbers)
        plans_listener(client, numbers)

    payments_service.plan_listener = plans_told
    payments_service.listeners.append(lambda client, numbers: heard.append(numbers))
    lines = [
        OutLine(PAID_ON, 5_000, "", counterparty_iban=PAYER, counterparty_name="J de Vries",
                reference=reference(world, "F1"), end_to_end_id="P1"),
        OutLine(PAID_ON, 25_000, "", counterparty_iban=OTHER, counterparty_name="P Bakker",
                reference=reference(world, "F2"), end_to_end_id="P2"),
    ]  # fmt: skip
    data = write_mt940(ACCOUNT, lines, opening=0, opening_date=PAID_ON, statement_id="S8")
    store = world.services.repos.store
    asked: list[str] = []  # the invoices whose plan was looked up one by one
    get, get_many = store.get, store.get_many

    def one(table, pk, rk, *args, **kw):
        asked.extend([rk] if table == "PlanInvoices" else [])
        return get(table, pk, rk, *args, **kw)

    def many(table, pk, rks, *args, **kw):
        asked.extend(rks if table == "PlanInvoices" else [])
        return get_many(table, pk, rks, *args, **kw)

    store.get, store.get_many = one, many
    try:
        report = service(world, 50).ingest("agency-a/plans.sta", data.encode())
    finally:
        store.get, store.get_many = get, get_many
    assert report.booked == 2
    assert told == [["F1"]] and heard == [["F1", "F2"]]
    assert claim(world, "F2")["open"]["total"] == "0.00"
    assert "F2" not in asked and "F1" in asked  # F1's plan is asked about, F2 never


def test_a_debtor_whose_kind_changed_is_booked_as_it_is_now_without_reading_it(world):
    """The index rows carry the debtor's name and kind and are kept up to date with it (the
    import writes a debtor's open invoices' rows again when its name or kind changes), so
    the window books without reading the debtor. F2's debtor becomes a business after its
    rows were written: the rows say so, and the line is booked on the debtor as it is now."""
    a = setup(world)
    repos = world.services.repos
    client_id = a.call("GET", "/v1/clients/C1").body["client_id"]
    warm = write_mt940(ACCOUNT, [OutLine(PAID_ON, 777, "huur", end_to_end_id="W")], opening=0,
                       opening_date=PAID_ON, statement_id="S6")  # fmt: skip
    service(world, 50).ingest("agency-a/warm.sta", warm.encode())  # builds the index
    [row] = repos.invoices.match_index.of_debtor(client_id, "D2")
    assert (row.debtor_kind, row.debtor_name) == ("b2c", "Piet Bakker")
    a.call("POST", "/v1/clients/C1/debtors", {"items": [
        debtor_row("D2", name="Bakkerij Bakker BV", kind="b2b"),
    ]})  # fmt: skip
    [row] = repos.invoices.match_index.of_debtor(client_id, "D2")
    assert (row.debtor_kind, row.debtor_name) == ("b2b", "Bakkerij Bakker BV")
    total = cents(claim(world, "F2")["open"]["total"])  # the claim of a business debtor
    line = OutLine(PAID_ON, total, "", counterparty_iban=OTHER, counterparty_name="Bakker BV",
                   reference=reference(world, "F2"), end_to_end_id="K1")  # fmt: skip
    data = write_mt940(ACCOUNT, [line], opening=0, opening_date=PAID_ON, statement_id="S7")
    store = repos.store
    debtors_read: list[str] = []
    get, get_many = store.get, store.get_many

    def one(table, pk, rk, *args, **kw):
        debtors_read.extend([rk] if table == "Debtors" else [])
        return get(table, pk, rk, *args, **kw)

    def many(table, pk, rks, *args, **kw):
        debtors_read.extend(rks if table == "Debtors" else [])
        return get_many(table, pk, rks, *args, **kw)

    store.get, store.get_many = one, many
    try:
        report = service(world, 50).ingest("agency-a/kind.sta", data.encode())
    finally:
        store.get, store.get_many = get, get_many
    assert report.booked == 1
    assert debtors_read == []  # neither to match nor to book
    assert claim(world, "F2")["open"]["total"] == "0.00"


def test_a_payers_account_is_read_only_when_the_digest_may_know_it(world):
    """The window reads the client's digest of learned accounts once and asks for the
    debtors of a payer's account only when it may be known: a stranger's credit costs no
    read, and an account learned elsewhere (a Mollie payment, another delivery) before the
    statement is found and books by the rule "known payer" as before."""
    a = setup(world)
    repos = world.services.repos
    client_id = a.call("GET", "/v1/clients/C1").body["client_id"]
    repos.banking.learn_iban(client_id, OTHER, "D2")  # learned on the one-line path
    lines = [
        OutLine(PAID_ON, 25_000, "betaling", counterparty_iban=OTHER,
                counterparty_name="Familie Jansen", end_to_end_id="N1"),
        OutLine(PAID_ON, 777, "huur maart", counterparty_iban="NL20INGB0001234567",
                counterparty_name="Verhuur BV", end_to_end_id="N2"),
        OutLine(PAID_ON, 1_234, "gift", counterparty_iban="NL44RABO0123456789",
                counterparty_name="A Stranger", end_to_end_id="N3"),
    ]  # fmt: skip
    data = write_mt940(ACCOUNT, lines, opening=0, opening_date=PAID_ON, statement_id="S9")
    store = repos.store
    asked: list[object] = []
    query = store.query

    def counted(table, *args, **kw):
        asked.extend([kw.get("rk_range")] if table == "LearnedIbans" else [])
        return query(table, *args, **kw)

    store.query = counted
    try:
        report = service(world, 50).ingest("agency-a/payers.sta", data.encode())
    finally:
        store.query = query
    assert (report.booked, report.unmatched) == (1, 2)
    assert claim(world, "F2")["open"]["total"] == "0.00"
    # the digest built once (a scan: the client learned its accounts before it existed),
    # then one account's debtors read: the known payer's
    assert asked.count(None) == 1
    assert [r for r in asked if r is not None] == [(OTHER, OTHER + "|\U0010ffff")]


def test_a_known_payers_debtor_is_read_once_for_matching_and_booking(world):
    """The debtor a payer's account names is a candidate whose claims the line's totals read
    next: its open invoices come from the same range read of its invoice rows (the index's
    ``d|`` range read is not made: on Azurite each range read tests every row of its table),
    its name and kind from its row, and the line books as before by the rule "known payer"."""
    a = setup(world)
    repos = world.services.repos
    client_id = a.call("GET", "/v1/clients/C1").body["client_id"]
    repos.banking.learn_iban(client_id, OTHER, "D2")
    lines = [
        OutLine(PAID_ON, 25_000, "betaling", counterparty_iban=OTHER,
                counterparty_name="Familie Jansen", end_to_end_id="N1"),
        OutLine(PAID_ON, 777, "huur maart", counterparty_iban="NL20INGB0001234567",
                counterparty_name="Verhuur BV", end_to_end_id="N2"),
    ]  # fmt: skip
    data = write_mt940(ACCOUNT, lines, opening=0, opening_date=PAID_ON, statement_id="S10")
    store = repos.store
    ranges: list[tuple[str, object]] = []
    query = store.query

    def counted(table, *args, **kw):
        ranges.append((table, kw.get("rk_range")))
        return query(table, *args, **kw)

    store.query = counted
    try:
        report = service(world, 50).ingest("agency-a/payer.sta", data.encode())
    finally:
        store.query = query
    assert (report.booked, report.unmatched) == (1, 1)
    assert claim(world, "F2")["open"]["total"] == "0.00"
    [paid] = [p for p in payments(world) if p["amount"] == 25_000]
    assert [a["invoice_number"] for a in paid["allocations"]] == ["F2"]
    index_by_debtor = [
        r for t, r in ranges if t == "MatchIndex" and isinstance(r, tuple) and r[0].startswith("d|")
    ]
    assert index_by_debtor == []
    invoices_of_d2 = [
        r for t, r in ranges if t == "Invoices" and isinstance(r, tuple) and r[0] == "i|D2|"
    ]
    assert len(invoices_of_d2) == 1  # matching and booking read the same rows


@pytest.mark.parametrize("pooled", [False, True])
def test_the_windows_debtor_lookup_answers_as_the_index_does(world, pooled):
    """The window's ``of_debtor`` (from the debtor's invoice rows) gives what the index's
    ``d|`` rows give: the open invoices only (not one paid), with their open amounts,
    references, due dates and the debtor's name and kind, in the same order, at most a page;
    on a pooled account with the keys prefixed."""
    from typing import Any, cast

    from shared.domain.records import PaymentSource
    from shared.domain.statements.matching import RANGE_CAP, MatchSettings
    from shared.services.statement_lookups import ClientLookups, PooledLookups
    from shared.services.statements_window import StatementWindow

    a = setup(world)
    keep_index(
        world.services.repos.store, a.call("GET", "/v1/clients/C1").body["client_id"]
    )  # a statement met the client: its index is kept (perf27)
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D3", name="Grote Klant BV",
                                                                   kind="b2b")]})  # fmt: skip
    a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row(f"G{n:03d}", "D3", amount=f"{100 + n}.00") for n in range(RANGE_CAP + 5)
    ]})  # fmt: skip
    repos = world.services.repos
    client_id = a.call("GET", "/v1/clients/C1").body["client_id"]
    [client] = [c for c, _ in [repos.clients.get(client_id)] if c is not None]
    world.services.payments.book(client, payment_id="p1", amount=5_000, received_on=PAID_ON,
                                 source=PaymentSource.BANK, invoice_numbers=["G001"])  # fmt: skip
    whole = world.services.ledger.claim(client, "G000", PAID_ON).open.total
    world.services.payments.book(client, payment_id="p2", amount=whole, received_on=PAID_ON,
                                 source=PaymentSource.BANK, invoice_numbers=["G000"])  # fmt: skip
    index = repos.invoices.match_index
    part = ClientLookups(repos, client, prefixed=pooled)
    lookups: Any = PooledLookups([part]) if pooled else part
    window = StatementWindow(
        cast(Any, world.services.statements), cast(Any, None), [client], cast(Any, None),
        lookups, MatchSettings(), cast(Any, None), lambda line, line_id: None,
    )  # fmt: skip
    for debtor in ("D1", "D2", "D3"):
        key = f"{client_id}\x1f{debtor}" if pooled else debtor
        got = window.of_debtor(key)
        wanted = part.of_debtor(key)  # the index's rows, prefixed and named as the matcher sees
        assert got == wanted
        assert got  # every debtor here has open invoices
    got = window.of_debtor(f"{client_id}\x1fD3" if pooled else "D3")
    assert len(got) == RANGE_CAP  # a page, as the index's read: no automatic booking
    assert "G000" not in {i.number.split("\x1f")[-1] for i in got}  # paid in full: not open
    assert {i.debtor_kind for i in got} == {"b2b"}
    assert len(index.of_debtor(client_id, "D3")) == RANGE_CAP
