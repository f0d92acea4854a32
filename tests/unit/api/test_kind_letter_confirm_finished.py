"""A kind letter's confirmation cut off after its item was decided is finished by its retry or
the daily run under the first attempt's rule, and the item never says "confirmed" while the
costs stay held (failure13 F2); a combined letter is confirmed for the claims still open
(law13 F4).

By hand (test_debtor_kind_letter_held): F1 5,000.00 due 1-12-2025, the client's business
sommatie 5-1-2026, corrected to a consumer 12-1; on 15-2 he is told 5,049.32 (costs held; the
staffel 625.00 owed from 22-1 once confirmed).

- failure13 F2: ``letter-qualified`` times out at the ledger (after the item's save); he pays
  the 5,049.32 he was told; the retry (or a colleague's click) kept the claim paid on lead, but
  the item said "costs owed from: F1 2026-01-22" from the cut-off on, and nothing but a retry
  finished a confirmation nobody retried (the costs held for good under a "confirmed" item).
- law13 F4: F1 3,000.00 and F2 2,000.00 in one sommatie; F2 paid on 1-2 at its held
  2,000.00 + 6:119 30 d x 6 % (9.86) + 31 d x 4 % (6.79) = 2,016.66. Confirmed on 15-2: the
  notice's WIK on 5,000.00 is 625.00, F1's share 3/5 = 375.00 owed from 22-1; F2 stays paid
  (main refused the whole item 422 kind_letter_paid: F1 kept 0.00 costs)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest

from shared.adapters.tables import schema
from shared.adapters.tables.invoices_repo import KIND_LETTER_CONFIRMING_ROW
from shared.adapters.tables.ledger_repo import LEDGER
from shared.adapters.tables.people_repo import AUDIT
from shared.api.console.action_text import resolution
from shared.domain.people.audit import Event
from shared.domain.records import ActionStatus, PaymentSource
from shared.ports.tables import prefix_range
from tests.support.faults import FaultPlan, SimulatedCrash
from tests.unit.api.conftest import client_row, debtor_row, invoice_row, make_world
from tests.unit.api.test_debtor_kind_letter_held import CLAIM, _corrected
from tests.unit.api.test_debtor_kind_restates_payments import _items

TOLD = 504_932  # 5,000.00 + 49.32 interest, costs held


def _client_id(world: Any) -> str:
    found = world.services.repos.clients.id_for_number("agency-a", "C1")
    assert found
    return str(found)


def _confirm(a: Any) -> Any:
    [check] = _items(a, "kind_letter_check")
    return a.call("POST", f"/v1/clients/C1/actions/{check['action_id']}/letter-qualified")


def _cut_off(world: Any, monkeypatch: Any) -> Any:
    """The confirm times out at the ledger's first write, after the item's decision."""
    a = _corrected(world)

    def timed_out(*args: Any, **kw: Any) -> None:
        raise TimeoutError("storage timed out")

    with monkeypatch.context() as m:
        m.setattr(world.services.ledger.ledger, "set_as_business", timed_out)
        assert _confirm(a).status == 503
    return a


def _pay(world: Any, a: Any, cents: int, on: date, invoice: str = "F1") -> None:
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    world.services.payments.book(client, payment_id=f"p-{invoice}", amount=cents,
                                 received_on=on, source=PaymentSource.BANK,
                                 invoice_numbers=[invoice])  # fmt: skip


def _daily_run(world: Any, on: date) -> None:
    world.clock.at = datetime(on.year, on.month, on.day, 5, 0, tzinfo=UTC)
    world.services.dunning.run_client(_client_id(world), on)


def _marks(world: Any) -> list[Any]:
    store = world.services.repos.store
    prefix = prefix_range(KIND_LETTER_CONFIRMING_ROW + "|")
    return list(store.query(schema.INVOICES, pk=_client_id(world), rk_range=prefix).rows)


def _audited(world: Any) -> list[Any]:
    kit = world.services.people.kit
    return [e for e in kit.people.audit.between(f"client:{_client_id(world)}", "0", "z")
            if e.event is Event.KIND_LETTER_CONFIRMED]  # fmt: skip


def test_a_cut_off_confirm_says_it_is_not_finished_and_its_retry_keeps_what_he_paid(
    world: Any, monkeypatch: Any
) -> None:
    a = _cut_off(world, monkeypatch)
    [item] = _items(a, "kind_letter_check")
    said = str(item["resolution"])
    assert item["status"] == "resolved"  # decided: a colleague's clear cannot undo it
    assert not said.startswith("confirmed"), said  # was: "confirmed ... F1 2026-01-22"
    assert said.startswith("being confirmed as a 14-day letter"), said
    assert resolution(said, "nl", lambda _: None).startswith("wordt bevestigd als")
    assert a.call("GET", CLAIM, on="2026-02-15").body["open"]["total"] == "5049.32"
    _pay(world, a, TOLD, date(2026, 2, 15))
    again = _confirm(a)
    assert again.status == 200, again.body
    done = str(again.body["resolution"])
    assert "costs owed from: F1 -; costs not claimed, paid in full as told" in done, done
    claim = a.call("GET", CLAIM, on="2026-02-20").body
    assert claim["open"]["total"] == "0.00", claim
    assert claim["paid"]["costs"] == "0.00" and claim["paid"]["principal"] == "5000.00"
    [event] = _audited(world)
    assert event.detail["owed"] == "F1 -" and event.detail["not_claimed"] == "F1"
    assert _marks(world) == []
    # done: asked again, nothing changes
    assert _confirm(a).body["resolution"] == again.body["resolution"]


def test_the_daily_run_finishes_a_confirm_nobody_retried(world: Any, monkeypatch: Any) -> None:
    a = _cut_off(world, monkeypatch)
    assert a.call("GET", CLAIM, on="2026-02-15").body["open"]["costs"] == "0.00"
    assert len(_marks(world)) == 1
    _daily_run(world, date(2026, 2, 16))
    claim = a.call("GET", CLAIM, on="2026-02-16").body
    assert claim["open"]["costs"] == "625.00", claim
    assert claim["costs_owed_from"] == "2026-01-22"
    [item] = _items(a, "kind_letter_check")
    assert str(item["resolution"]).startswith(
        "confirmed as a 14-day letter (6:96 lid 6); costs owed from: F1 2026-01-22 ("
    ), item
    [event] = _audited(world)
    assert event.actor.startswith("key:") and event.detail["owed"] == "F1 2026-01-22"
    assert _marks(world) == []
    _daily_run(world, date(2026, 2, 17))  # nothing left: no second audit, same item
    assert len(_audited(world)) == 1
    assert _items(a, "kind_letter_check") == [item]


def test_the_daily_run_keeps_a_claim_paid_as_told_after_the_cut_off(
    world: Any, monkeypatch: Any
) -> None:
    a = _cut_off(world, monkeypatch)
    _pay(world, a, TOLD, date(2026, 2, 15))
    _daily_run(world, date(2026, 2, 16))
    claim = a.call("GET", CLAIM, on="2026-02-20").body
    assert claim["open"]["total"] == "0.00", claim  # was 625.34 reopened by the retry (lead)
    [item] = _items(a, "kind_letter_check")
    assert "F1 -; costs not claimed, paid in full as told" in str(item["resolution"]), item


def test_a_payment_booked_while_the_daily_run_confirms_keeps_the_claim_paid_as_told(
    world: Any, monkeypatch: Any
) -> None:
    """failure13b G5: the run read F1 unpaid (not paid as told), the consumer's 5,049.32 was
    booked before its confirm's write, which then opened the paid claim again at 625.34 (the
    letter's 625.00 confirmed over it, what he paid put to the costs first). The confirm is
    written under the claim's ETag as read: the payment moved it, so it is decided again."""
    a = _cut_off(world, monkeypatch)
    ledger = world.services.ledger.ledger
    real = ledger.set_as_business
    booked: list[bool] = []

    def paid_meanwhile(*args: Any, **kw: Any) -> bool:
        if not booked:
            booked.append(True)
            _pay(world, a, TOLD, date(2026, 2, 15))
        return bool(real(*args, **kw))

    monkeypatch.setattr(ledger, "set_as_business", paid_meanwhile)
    _daily_run(world, date(2026, 2, 16))
    assert booked
    claim = a.call("GET", CLAIM, on="2026-02-20").body
    assert claim["open"]["total"] == "0.00", claim["open"]  # was 625.34
    assert claim["paid"]["costs"] == "0.00" and claim["paid"]["principal"] == "5000.00"
    [item] = _items(a, "kind_letter_check")
    assert "F1 -; costs not claimed, paid in full as told" in str(item["resolution"]), item
    assert _marks(world) == []


def test_corrected_to_a_business_before_the_run_closes_the_unfinished_confirm(
    world: Any, monkeypatch: Any
) -> None:
    a = _cut_off(world, monkeypatch)
    back = {"items": [debtor_row("D1", kind="b2b", name="X")]}
    assert a.call("POST", "/v1/clients/C1/debtors", back).body["updated"] == 1
    _daily_run(world, date(2026, 2, 16))
    [item] = _items(a, "kind_letter_check")
    assert item["resolution"] == (
        "closed: the debtor is a business again, his letter counts as a sommatie: 2026-02-16"
    )
    assert _marks(world) == [] and _audited(world) == []


def test_a_colleague_clearing_first_leaves_no_mark(world: Any, monkeypatch: Any) -> None:
    a = _corrected(world)
    [check] = _items(a, "kind_letter_check")
    actions = world.services.repos.actions
    real = actions.save

    def colleague_first(item: Any, etag: str) -> None:
        monkeypatch.setattr(actions, "save", real)
        clear = {"resolution": "not a consumer's 14-day letter"}
        assert a.call("POST", f"/v1/clients/C1/actions/{check['action_id']}/resolve",
                      clear).status == 200  # fmt: skip
        real(item, etag)

    monkeypatch.setattr(actions, "save", colleague_first)
    assert _confirm(a).status == 409
    assert _marks(world) == []
    _daily_run(world, date(2026, 2, 16))
    assert a.call("GET", CLAIM, on="2026-02-16").body["open"]["costs"] == "0.00"


def test_a_combined_letter_is_confirmed_for_the_claim_still_open(world: Any) -> None:
    """law13 F4's figures: F2 paid as told on 1-2, F1 owes its 375.00 of 625.00 from 22-1."""
    a = world.agency_a
    world.clock.at = datetime(2026, 1, 6, 9, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", b2b_collection_costs_rate="15")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", kind="b2b", name="X")]})
    rows = [invoice_row(n, "D1", amount=amount, invoice_date="2025-11-01",
                        due_date="2025-12-01", fourteen_day_letter_on="2026-01-05")
            for n, amount in (("F1", "3000.00"), ("F2", "2000.00"))]  # fmt: skip
    assert a.call("POST", "/v1/clients/C1/invoices", {"items": rows}).status == 200
    world.clock.at = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)
    flip = {"items": [debtor_row("D1", kind="b2c", name="X")]}
    assert a.call("POST", "/v1/clients/C1/debtors", flip).body["updated"] == 1
    world.clock.at = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)
    f2 = "/v1/clients/C1/invoices/F2/claim"
    assert a.call("GET", f2, on="2026-02-01").body["open"]["total"] == "2016.66"
    _pay(world, a, 201_666, date(2026, 2, 1), invoice="F2")
    world.clock.at = datetime(2026, 2, 15, 9, 0, tzinfo=UTC)
    done = _confirm(a)
    assert done.status == 200, done.body  # main: 422 kind_letter_paid for the whole item
    assert str(done.body["resolution"]).startswith(
        "confirmed as a 14-day letter (6:96 lid 6); costs owed from: F1 2026-01-22, F2 -; "
        "costs not claimed, paid in full as told while the letter was held: F2 ("
    ), done.body
    f1 = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2026-02-15").body
    assert f1["open"]["costs"] == "375.00" and f1["costs_owed_from"] == "2026-01-22", f1
    paid = a.call("GET", f2, on="2026-02-15").body
    assert paid["open"]["total"] == "0.00" and paid["paid"]["costs"] == "0.00", paid


def test_the_console_offers_to_finish_a_cut_off_confirm(world: Any, monkeypatch: Any) -> None:
    from shared.domain.people.authorisation import Role
    from tests.unit.console.conftest import csrf_of, desk_for, forms_of

    a = _cut_off(world, monkeypatch)
    [check] = _items(a, "kind_letter_check")
    page_of = f"/actions/{check['action_id']}"
    admin = desk_for(world, Role.CLIENT_ADMIN, _client_id(world), "a@c1.example")
    page = admin.get(page_of + "?lang=nl")
    assert "wordt bevestigd als veertiendagenbrief" in page.encoded().decode()
    assert any('value="letter-qualified"' in f and 'name="confirm"' in f for f in forms_of(page))
    done = admin.post(page_of, {"csrf": csrf_of(page), "do": "letter-qualified", "confirm": "yes"})
    assert done.status == 303, done.encoded()[:600]
    assert a.call("GET", CLAIM, on="2026-02-15").body["open"]["costs"] == "625.00"
    shown = admin.get(page_of + "?lang=nl")
    assert not any('value="letter-qualified"' in f for f in forms_of(shown))  # done: no form


def _nth(table: str, ops: tuple[str, ...], n: int) -> Any:
    seen = [0]

    def match(op: str, target: str) -> bool:
        if target != table or op not in ops:
            return False
        seen[0] += 1
        return seen[0] == n

    return match


WRITES = ("transact", "insert", "replace", "upsert")


@pytest.mark.parametrize(
    ("where", "kind"),
    [
        ((schema.ACTIONS, WRITES, 1), "crash_after"),  # decided, nothing confirmed
        ((LEDGER, WRITES, 1), "crash_after"),  # the letter confirmed, not restated
        ((AUDIT, WRITES, 1), "crash_after"),  # audited, the item still "being confirmed"
        ((schema.ACTIONS, WRITES, 2), "crash_after"),  # the item final, its mark standing
        ((schema.INVOICES, ("delete",), 1), "http500"),  # the mark's delete refused
    ],
)
def test_wherever_the_confirm_dies_the_daily_run_ends_it_the_same(
    where: tuple[str, tuple[str, ...], int], kind: str
) -> None:
    plan = FaultPlan(enabled=True)
    world = make_world(datetime(2026, 1, 6, 9, 0, tzinfo=UTC), plan)
    a = _corrected(world)
    plan.rule(_nth(*where), kind, times=1)
    try:
        _confirm(a)
    except SimulatedCrash:
        pass
    assert plan.total == 1
    _daily_run(world, date(2026, 2, 16))
    claim = a.call("GET", CLAIM, on="2026-02-16").body
    assert claim["open"]["costs"] == "625.00" and claim["costs_owed_from"] == "2026-01-22"
    [item] = _items(a, "kind_letter_check")
    assert str(item["resolution"]).startswith(
        "confirmed as a 14-day letter (6:96 lid 6); costs owed from: F1 2026-01-22 ("
    ), item
    assert len(_audited(world)) == 1
    assert _marks(world) == []


def test_a_confirm_dead_before_its_decision_leaves_the_item_open() -> None:
    """Died after the mark, before the item's save: nothing was decided; the run drops the
    mark once its request can no longer be deciding (an hour) and the item waits as before."""
    plan = FaultPlan(enabled=True)
    world = make_world(datetime(2026, 1, 6, 9, 0, tzinfo=UTC), plan)
    a = _corrected(world)
    plan.rule(_nth(schema.INVOICES, WRITES, 1), "crash_after", times=1)
    with pytest.raises(SimulatedCrash):
        _confirm(a)
    world.services.dunning.run_client(_client_id(world), date(2026, 2, 15))
    assert len(_marks(world)) == 1  # its request may still be deciding
    _daily_run(world, date(2026, 2, 16))
    assert _marks(world) == []
    [item] = _items(a, "kind_letter_check")
    assert item["status"] == "open"
    assert a.call("GET", CLAIM, on="2026-02-16").body["open"]["costs"] == "0.00"
    assert _confirm(a).status == 200  # the person's retry confirms it as ever
    assert a.call("GET", CLAIM, on="2026-02-16").body["open"]["costs"] == "625.00"


def _left_by_an_earlier_version(world: Any, monkeypatch: Any) -> Any:
    """An earlier version's cut-off confirm: the item decided "confirmed … costs owed from: F1
    2026-01-22 (key)" before the letters, no ``q|`` mark, F1's letter still held."""
    a = _cut_off(world, monkeypatch)
    actions = world.services.repos.actions
    [item] = _items(a, "kind_letter_check")
    stored, etag = actions.get(_client_id(world), item["action_id"])
    # the admin key that decided it, as the confirm route names it (attack14b K1: only a
    # resolver holding the confirm's right is finished)
    key = stored.resolution.rsplit("(", 1)[1].rstrip(")")
    old = f"confirmed as a 14-day letter (6:96 lid 6); costs owed from: F1 2026-01-22 ({key})"
    actions.amend(replace(stored, resolution=old), etag)
    store = world.services.repos.store
    for row in _marks(world):
        store.delete(schema.INVOICES, row.pk, row.rk, None)
    assert _marks(world) == []
    return a


def _resolver(world: Any) -> str:
    [item] = world.services.repos.actions.list(_client_id(world), kind="kind_letter_check")[0]
    return str(item.resolution).rsplit("(", 1)[1].rstrip(")")


def test_the_daily_run_finishes_a_confirm_an_earlier_version_left_without_a_mark(
    world: Any, monkeypatch: Any
) -> None:
    """standing14 #4: nothing but a retry of the confirm finished it: F1 kept 0.00 costs under
    an item saying "confirmed"; the run's one pass over such items confirms F1's letter (625.00
    owed from 22-1) and never reads them again."""
    a = _left_by_an_earlier_version(world, monkeypatch)
    assert a.call("GET", CLAIM, on="2026-02-15").body["open"]["costs"] == "0.00"
    _daily_run(world, date(2026, 2, 16))
    claim = a.call("GET", CLAIM, on="2026-02-16").body
    assert claim["open"]["costs"] == "625.00", claim
    assert claim["costs_owed_from"] == "2026-01-22"
    [event] = _audited(world)
    assert event.detail["owed"] == "F1 2026-01-22"
    assert _resolver(world) in event.actor
    _daily_run(world, date(2026, 2, 17))
    assert len(_audited(world)) == 1


def test_the_earlier_versions_confirm_keeps_a_claim_paid_as_told(
    world: Any, monkeypatch: Any
) -> None:
    a = _left_by_an_earlier_version(world, monkeypatch)
    _pay(world, a, TOLD, date(2026, 2, 15))
    _daily_run(world, date(2026, 2, 16))
    claim = a.call("GET", CLAIM, on="2026-02-20").body
    assert claim["open"]["total"] == "0.00", claim


def test_a_letter_held_again_after_the_earlier_confirm_waits_for_its_own_item(
    world: Any, monkeypatch: Any
) -> None:
    """Corrected to a business and back to a consumer after the cut-off, a later item names F1
    (the letter held then is that item's, for a person to decide): the run leaves it held."""
    a = _left_by_an_earlier_version(world, monkeypatch)
    actions = world.services.repos.actions
    [item] = _items(a, "kind_letter_check")
    stored, _ = actions.get(_client_id(world), item["action_id"])
    later = replace(stored, action_id="later-check", status=ActionStatus.OPEN, resolution=None,
                    resolved_at=None, created_at=datetime(2026, 2, 10, 9, 0, tzinfo=UTC))  # fmt: skip
    actions.add(later)
    _daily_run(world, date(2026, 2, 16))
    assert a.call("GET", CLAIM, on="2026-02-16").body["open"]["costs"] == "0.00"
    assert _audited(world) == []
