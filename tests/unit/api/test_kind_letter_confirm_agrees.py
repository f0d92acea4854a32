"""The confirmation of a letter sent to a business (kind_letter_check) and its item agree, every
unconfirmed letter is held, and a claim paid as the consumer was told is not opened again.

By hand (test_debtor_kind_letter_held): F1 5,000.00 due 1-12-2025, the client's business
sommatie 5-1-2026, corrected to a consumer 12-1; on 15-2 he is told 5,049.32 (costs held; the
staffel would be 625.00).

- failure12b D: the confirm's save of the item times out, then a colleague clears the item:
  the item says cleared, so the consumer owes no costs (before: 625.00 under a cleared item).
  Racing: the colleague's clear lands between the confirm's read and its save: 409 and no costs.
- failure12b H: cleared, back to business 13-1, a new business sommatie 20-1, consumer again
  25-1: the 20-1 letter is held too (before: 625.00 owed under an open item saying they are not).
- law12c #1: he pays 5,049.32 on 15-2; the confirm keeps the claim paid (before: reopened at
  625.34, 625.00 of it principal bearing interest) and decides the item, its share of the
  costs not claimed (kindletter13 #2: it was refused 422 kind_letter_paid, the item left open)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from shared.domain.records import PaymentSource
from tests.unit.api.conftest import debtor_row
from tests.unit.api.test_debtor_kind_letter_held import CLAIM, _corrected
from tests.unit.api.test_debtor_kind_restates_payments import ROW, _items

CLEAR = {"resolution": "not a consumer's 14-day letter"}


def _path(check: dict[str, Any], verb: str) -> str:
    return f"/v1/clients/C1/actions/{check['action_id']}/{verb}"


def test_a_confirm_cut_off_at_the_item_then_cleared_leaves_no_costs(world, monkeypatch):  # type: ignore[no-untyped-def]
    a = _corrected(world)
    [check] = _items(a, "kind_letter_check")
    actions = world.services.repos.actions

    def timed_out(*args: Any, **kw: Any) -> None:
        raise TimeoutError("storage timed out")

    with monkeypatch.context() as m:
        m.setattr(actions, "save", timed_out)
        cut = a.call("POST", _path(check, "letter-qualified"))
    assert cut.status == 503, cut.body
    cleared = a.call("POST", _path(check, "resolve"), CLEAR)
    assert cleared.status == 200, cleared.body
    assert a.call("GET", CLAIM, on="2026-02-15").body["open"]["costs"] == "0.00"
    assert a.call("POST", _path(check, "letter-qualified")).status == 422


def test_a_confirm_cut_off_after_the_item_is_finished_by_its_retry(world, monkeypatch):  # type: ignore[no-untyped-def]
    a = _corrected(world)
    [check] = _items(a, "kind_letter_check")
    ledger = world.services.ledger

    def timed_out(*args: Any, **kw: Any) -> None:
        raise TimeoutError("storage timed out")

    with monkeypatch.context() as m:
        m.setattr(ledger, "restate_terms", timed_out)
        cut = a.call("POST", _path(check, "letter-qualified"))
    assert cut.status == 503, cut.body
    [item] = _items(a, "kind_letter_check")
    assert item["status"] == "resolved"
    assert a.call("POST", _path(check, "resolve"), CLEAR).status == 422  # decided: confirmed
    again = a.call("POST", _path(check, "letter-qualified"))
    assert again.status == 200, again.body
    assert "F1 2026-01-22" in again.body["resolution"]
    assert a.call("GET", CLAIM, on="2026-02-15").body["open"]["costs"] == "625.00"


def test_a_colleague_clearing_while_the_confirm_runs_wins(world, monkeypatch):  # type: ignore[no-untyped-def]
    a = _corrected(world)
    [check] = _items(a, "kind_letter_check")
    actions = world.services.repos.actions
    real = actions.save

    def colleague_first(item: Any, etag: str) -> None:
        monkeypatch.setattr(actions, "save", real)
        assert a.call("POST", _path(check, "resolve"), CLEAR).status == 200
        real(item, etag)

    monkeypatch.setattr(actions, "save", colleague_first)
    confirm = a.call("POST", _path(check, "letter-qualified"))
    assert confirm.status == 409, confirm.body
    [item] = _items(a, "kind_letter_check")
    assert str(item["resolution"]).startswith("not a consumer's")
    assert a.call("GET", CLAIM, on="2026-02-15").body["open"]["costs"] == "0.00"


def test_corrected_to_a_consumer_again_holds_the_new_business_letter(world):  # type: ignore[no-untyped-def]
    a = _corrected(world)
    [first] = _items(a, "kind_letter_check")
    world.clock.at = datetime(2026, 1, 12, 10, 0, tzinfo=UTC)
    assert a.call("POST", _path(first, "resolve"), CLEAR).status == 200
    world.clock.at = datetime(2026, 1, 13, 9, 0, tzinfo=UTC)
    back = [debtor_row("D1", kind="b2b", name="X")]
    assert a.call("POST", "/v1/clients/C1/debtors", {"items": back}).body["updated"] == 1
    world.clock.at = datetime(2026, 1, 20, 9, 0, tzinfo=UTC)
    letter = dict(ROW, fourteen_day_letter_on="2026-01-20")
    assert a.call("POST", "/v1/clients/C1/invoices", {"items": [letter]}).status == 200
    assert a.call("GET", CLAIM, on="2026-03-01").body["open"]["costs"] == "750.00"
    world.clock.at = datetime(2026, 1, 25, 9, 0, tzinfo=UTC)
    again = [debtor_row("D1", kind="b2c", name="X")]
    assert a.call("POST", "/v1/clients/C1/debtors", {"items": again}).body["updated"] == 1
    assert a.call("GET", CLAIM, on="2026-03-01").body["open"]["costs"] == "0.00"
    [new] = [c for c in _items(a, "kind_letter_check") if c["status"] == "open"]
    done = a.call("POST", _path(new, "letter-qualified"))
    assert done.status == 200, done.body
    # the 20-1 letter: received Thursday 22-1, 14 days, owed from 6-2
    assert "F1 2026-02-06" in done.body["resolution"], done.body
    assert a.call("GET", CLAIM, on="2026-03-01").body["open"]["costs"] == "625.00"


@pytest.mark.parametrize("paid", [504932, 504933])
def test_a_claim_paid_as_he_was_told_is_not_opened_by_the_confirm(world, paid):  # type: ignore[no-untyped-def]
    a = _corrected(world)
    assert a.call("GET", CLAIM, on="2026-02-15").body["open"]["total"] == "5049.32"
    access = world.services.access
    client = access.client_for(access.authenticate(a.key), "C1")
    world.services.payments.book(client, payment_id="p1", amount=paid,
                                 received_on=date(2026, 2, 15), source=PaymentSource.BANK,
                                 invoice_numbers=["F1"])  # fmt: skip
    [check] = _items(a, "kind_letter_check")
    done = a.call("POST", _path(check, "letter-qualified"))
    assert done.status == 200, done.body
    assert "costs owed from: F1 -; costs not claimed" in str(done.body["resolution"])
    claim = a.call("GET", CLAIM, on="2026-02-20").body
    assert claim["open"]["total"] == "0.00", claim
    assert claim["paid"]["costs"] == "0.00"
    [item] = _items(a, "kind_letter_check")
    assert item["status"] == "resolved"


def test_a_claim_paid_in_part_may_still_be_confirmed(world):  # type: ignore[no-untyped-def]
    """Only a claim the confirmation would open again is refused (what a part payment while
    the letter was held did to the costs is the restatement's, as before)."""
    a = _corrected(world)
    access = world.services.access
    client = access.client_for(access.authenticate(a.key), "C1")
    world.services.payments.book(client, payment_id="p1", amount=100_000,
                                 received_on=date(2026, 2, 15), source=PaymentSource.BANK,
                                 invoice_numbers=["F1"])  # fmt: skip
    [check] = _items(a, "kind_letter_check")
    done = a.call("POST", _path(check, "letter-qualified"))
    assert done.status == 200, done.body
    assert done.body["status"] == "resolved"
