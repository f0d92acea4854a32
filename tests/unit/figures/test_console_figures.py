"""The Today page's figures: the running sums the invoice and payment repositories keep
agree with a recount from scratch, the action counts per kind, and the agency's clients by
their last successful run."""

from __future__ import annotations

from datetime import UTC, date, datetime

from shared.adapters.tables.figures_repo import FiguresRepository
from shared.domain.records import ActionItem, ActionStatus, PaymentSource
from tests.unit.api.conftest import debtor_row, invoice_row
from tests.unit.people.conftest import tenants as tenants

__all__ = ["tenants"]


def seed(world, number: str = "C1") -> None:  # type: ignore[no-untyped-def]
    agency = world.agency_a
    assert agency.call("POST", f"/v1/clients/{number}/debtors",
                       {"items": [debtor_row("D1"), debtor_row("D2")]}).status == 200  # fmt: skip
    items = [
        invoice_row("F1", "D1", due_date="2025-03-10", invoice_date="2025-02-01"),  # not due
        invoice_row("F2", "D1", due_date="2025-02-20", invoice_date="2025-02-01"),  # 11 days
        invoice_row("F3", "D2", due_date="2024-12-01", amount="50.00"),  # 92 days
    ]
    items[2]["invoice_date"] = "2024-11-01"
    reply = agency.call("POST", f"/v1/clients/{number}/invoices", {"items": items})
    assert reply.status == 200, reply.body


def test_sums_follow_imports_and_payments_and_agree_with_a_recount(world, tenants):
    seed(world)
    figures = world.services.console_figures
    first = figures.portfolio(tenants.c1)  # counted once from the invoices
    assert (first.ageing.not_due, first.ageing.past_due) == (12100, (12100, 0, 0, 5000))
    assert first.collected_this_month == 0
    client = world.services.repos.clients.get(tenants.c1)[0]
    world.services.payments.book(client, payment_id="p1", amount=2100, received_on=date(2025, 3, 2),
                                 source=PaymentSource.BANK, invoice_numbers=["F2"])  # fmt: skip
    world.services.payments.book(client, payment_id="p0", amount=700, received_on=date(2025, 2, 2),
                                 source=PaymentSource.BANK, invoice_numbers=["F3"])  # fmt: skip
    kept = figures.portfolio(tenants.c1)
    assert kept.collected_this_month == 2100  # February's payment is not this month's
    invoices = world.services.repos.invoices.get_many(tenants.c1, ["F2", "F3"])
    # what the payments paid of the principal (costs and interest go first, art. 6:44 BW)
    assert kept.overdue == sum(s.invoice.open_amount for s in invoices.values()) < 12100 + 5000
    figures.recount(tenants.c1)
    assert figures.portfolio(tenants.c1) == kept
    # the sums never leak into another client's
    assert figures.portfolio(tenants.c2).open == 0


def test_a_reversed_payment_is_taken_off_what_came_in(world, tenants):
    seed(world)
    figures = world.services.console_figures
    figures.portfolio(tenants.c1)
    client = world.services.repos.clients.get(tenants.c1)[0]
    world.services.payments.book(client, payment_id="p1", amount=2100, received_on=date(2025, 3, 2),
                                 source=PaymentSource.BANK, invoice_numbers=["F2"])  # fmt: skip
    world.services.payments.reverse(client, "p1", "chargeback")
    assert figures.portfolio(tenants.c1).collected_this_month == 0
    figures.recount(tenants.c1)
    assert figures.portfolio(tenants.c1).collected_this_month == 0


def test_changes_are_folded_into_the_sums_exactly_once(world, tenants):
    from shared.adapters.tables.figures_repo import FIGURES, FOLD_AT
    from shared.adapters.tables.keys import encode
    from shared.ports.tables import all_rows

    repo = FiguresRepository(world.store)
    for n in range(FOLD_AT + 40):
        repo.move_open(tenants.c1, {date(2025, 1, 1 + n % 28): 10})
        repo.move_waiting(tenants.c1, "dispute", 1)
    first = FiguresRepository(world.store)
    second = FiguresRepository(world.store)
    # two readers read the same changes; the first folds them, the second's fold fails whole
    rows = list(all_rows(world.store, FIGURES, pk=encode(tenants.c1)))
    assert len(rows) == 2 * (FOLD_AT + 40)
    seen = first.read(tenants.c1)
    again = second.read(tenants.c1)
    assert seen == again
    assert sum(seen.open_by_due.values()) == 10 * (FOLD_AT + 40)
    assert seen.waiting_by_kind == {"dispute": FOLD_AT + 40}
    left = list(all_rows(world.store, FIGURES, pk=encode(tenants.c1)))
    assert len(left) < len(rows)  # folded: fewer rows to read next time
    assert first.read(tenants.c1) == seen  # and nothing counted twice


def test_concurrent_folds_count_each_change_once(world, tenants):
    from shared.adapters.tables import figures_repo

    repo = FiguresRepository(world.store)
    for _ in range(figures_repo.FOLD_AT):
        repo.move_received(tenants.c1, "2025-03", 100)
    original_fold = repo._fold
    raced: list[int] = []

    def fold_after_another(pk, sums, changes):  # type: ignore[no-untyped-def]
        if not raced:
            raced.append(1)
            FiguresRepository(world.store).read(tenants.c1)  # another reader folds first
        original_fold(pk, sums, changes)

    repo._fold = fold_after_another  # type: ignore[method-assign]
    assert repo.read(tenants.c1).received_by_month == {"2025-03": 100 * figures_repo.FOLD_AT}
    assert repo.read(tenants.c1).received_by_month == {"2025-03": 100 * figures_repo.FOLD_AT}


def test_action_counts_per_kind_of_waiting_actions(world, tenants):
    now = datetime(2025, 3, 3, tzinfo=UTC)
    actions = world.services.repos.actions
    for n, (kind, status) in enumerate([("payment_suggestion", ActionStatus.OPEN),
                                        ("payment_suggestion", ActionStatus.ASSIGNED),
                                        ("dispute", ActionStatus.OPEN),
                                        ("dispute", ActionStatus.RESOLVED)]):  # fmt: skip
        actions.add(ActionItem(tenants.c1, f"a{n}", kind, "t", now, status))
    actions.add(ActionItem(tenants.c2, "b1", "dispute", "t", now))
    counts = world.services.console_figures.action_counts(tenants.c1)
    assert counts == {"payment_suggestion": 2, "dispute": 1}
    assert list(counts) == ["payment_suggestion", "dispute"]


def test_clients_by_last_successful_run_oldest_first_active_apart(world, tenants):
    from dataclasses import replace

    repos = world.services.repos
    c2, etag = repos.clients.get(tenants.c2)
    runs = world.store
    from shared.adapters.tables.dunning_repo import CLIENT_RUNS
    from shared.adapters.tables.keys import encode
    from shared.ports.tables import Row

    for cid, at in ((tenants.c1, datetime(2025, 3, 1, tzinfo=UTC)),):
        runs.upsert(CLIENT_RUNS, Row("runs", encode(cid), {"LastSuccessAt": at, "LastRunAt": at}))
    active, inactive = world.services.console_figures.clients_by_last_run("agency-a")
    assert [r.client.client_id for r in active] == [tenants.c2, tenants.c1]  # never ran: first
    assert active[1].last_success == datetime(2025, 3, 1, tzinfo=UTC) and inactive == []
    repos.clients.save(replace(c2, active=False), etag)
    active, inactive = world.services.console_figures.clients_by_last_run("agency-a")
    assert [r.client.client_id for r in active] == [tenants.c1]
    assert [r.client.client_id for r in inactive] == [tenants.c2]


def test_action_counts_follow_new_and_resolved_actions(world, tenants):
    figures = world.services.console_figures
    assert figures.action_counts(tenants.c1) == {}  # counted (nothing) and marked built
    now = datetime(2025, 3, 3, tzinfo=UTC)
    actions = world.services.repos.actions
    for n in range(3):
        actions.add(ActionItem(tenants.c1, f"k{n}", "delivery_failure", "t", now))
    world.services.actions.assign(tenants.c1, "k0", "me@c1.example")
    assert figures.action_counts(tenants.c1) == {"delivery_failure": 3}
    world.services.actions.resolve(tenants.c1, "k0", "done", "me")
    assert figures.action_counts(tenants.c1) == {"delivery_failure": 2}
    figures.recount(tenants.c1)
    assert figures.action_counts(tenants.c1) == {"delivery_failure": 2}


def test_sums_that_cannot_move_are_counted_again_not_in_the_way(world, tenants):
    seed(world)
    figures = world.services.console_figures
    before = figures.portfolio(tenants.c1)
    repo = FiguresRepository(world.store)
    original_insert = world.store.insert

    def storage_trouble(table, row):  # type: ignore[no-untyped-def]
        if table == "PortfolioFigures":
            from shared.ports.tables import StorageError

            raise StorageError("the figures table does not answer")
        return original_insert(table, row)

    world.store.insert = storage_trouble  # type: ignore[method-assign]
    client = world.services.repos.clients.get(tenants.c1)[0]
    world.services.payments.book(client, payment_id="p1", amount=2100, received_on=date(2025, 3, 2),
                                 source=PaymentSource.BANK, invoice_numbers=["F2"])  # fmt: skip
    world.store.insert = original_insert  # type: ignore[method-assign]
    assert not repo.read(tenants.c1).built  # the payment stands; the sums are to be recounted
    after = figures.portfolio(tenants.c1)
    assert after.collected_this_month == 2100 and after.overdue < before.overdue
