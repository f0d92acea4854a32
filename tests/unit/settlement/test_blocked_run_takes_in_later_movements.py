"""A run blocked on the third-party account is not built on top of (newcomer18 F4).

R20261203 waits for the account with ZEIL's payout of 671.12 (of a Mollie payment of
1,238.89) in it. The debtor's refund of that payment and a part payment of 500.00 on ZEIL's
own account came in before the next day's run. Before the fix that run settled them on top:
``reversed -1238.89``, net -1,149.48 and a claim-back "Client ZEIL owes 1.149,48 back (it
received debtors' money itself ...)", while R20261203 still paid out 671.12 once the account
was set: 671.12 transferred and 1,149.48 claimed back, for money never paid out. Now the
blocked run takes them in: ZEIL's one statement pays nothing out and ZEIL owes the agency its
share of the 500.00 it received itself, 478.36, for that reason.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from shared.domain.parties import Agency
from shared.domain.records import ActionStatus, Receiver
from shared.domain.settlement.records import RunStatus
from tests.unit.settlement.conftest import THIRD_PARTY, payment
from tests.unit.settlement.test_settlement_run import Setup

PAID_ON, NEXT_DAY, ACCOUNT_DAY = date(2026, 12, 3), date(2026, 12, 4), date(2026, 12, 5)
# 1,238.89 = costs 392.88 + VAT 82.50 + principal 763.51: ZEIL's 763.51 less 10 % commission
# and its VAT is the payout of 671.12
MOLLIE: dict[str, Any] = {"principal": 76351, "costs": 39288, "costs_vat": 8250, "interest": 0}
# the refund reopened the invoice's costs: the 500.00 pays them first (392.88 + 82.50) and
# 24.62 principal, of which ZEIL keeps 21.64 after commission: it owes the agency 478.36
OWN: dict[str, Any] = {"principal": 2462, "costs": 39288, "costs_vat": 8250, "interest": 0}


def _zeil_blocked(world: Any) -> Setup:
    s = Setup(world)
    s.services.repos.agencies.save(Agency("agency-a", "Acme Incasso", None))
    s.pay(s.c1, "mollie", PAID_ON, **MOLLIE)
    run = s.run(PAID_ON)
    assert run.run_id == "R20261203" and run.status is RunStatus.BUILDING
    assert s.statements("R20261203")["C1"].totals.payout == 67112
    return s


def _refund_and_part_payment(s: Setup) -> None:
    s.reverse(s.c1, "mollie")
    own = payment(s.c1.client_id, "own", NEXT_DAY, **OWN)
    s.services.repos.payments.add(replace(own, received_by=Receiver.CLIENT))


def _items(s: Setup, kind: str) -> list[Any]:
    actions, _ = s.services.repos.actions.list("@agency-a")
    return [a for a in actions if a.kind == kind]


def test_the_next_days_run_leaves_the_blocked_clients_movements_to_the_blocked_run(world):
    s = _zeil_blocked(world)
    _refund_and_part_payment(s)
    assert s.run(NEXT_DAY) is None  # before: R20261204 with ZEIL's net of -1,149.48
    blocked = s.services.settlements.store.run("agency-a", "R20261203")[0]
    # nothing left to pay out, so the account is no longer needed: the run awaits approval
    assert blocked.status is RunStatus.AWAITING_APPROVAL
    [zeil] = s.statements("R20261203").values()
    t = zeil.totals
    assert (t.received, t.reversed, t.received_direct) == (123889, -123889, 50000)
    assert (t.payout, t.net, t.carried_out) == (0, -47836, -47836) and t.balanced
    assert (zeil.payment_count, zeil.reversal_count) == (2, 1)
    assert (blocked.payout_total, blocked.transfer_count, blocked.transfer_file) == (0, 0, None)
    assert (blocked.owed_total, blocked.owed_count) == (47836, 1)
    [claim_back] = _items(s, "settlement_claim_back")
    assert claim_back.detail["owed"] == 47836
    assert "received debtors' money itself" in claim_back.title
    [waiting] = _items(s, "settlement_blocked")
    assert waiting.status is ActionStatus.RESOLVED
    assert "takes in" in waiting.title  # the item said where later movements go
    # the day the account is set nothing is transferred, nothing settled twice
    s.services.repos.agencies.save(Agency("agency-a", "Acme Incasso", THIRD_PARTY))
    assert s.run(ACCOUNT_DAY) is None
    assert [r.run_id for r in s.services.settlements.runs("agency-a")] == ["R20261203"]


def test_a_refund_of_money_not_yet_paid_out_reduces_the_payout(world):
    s = _zeil_blocked(world)
    s.pay(s.c1, "more", NEXT_DAY, principal=10000, costs=0, costs_vat=0, interest=0)
    s.reverse(s.c1, "mollie")
    assert s.run(NEXT_DAY) is None  # still blocked: 100.00 less commission to pay out
    s.services.repos.agencies.save(Agency("agency-a", "Acme Incasso", THIRD_PARTY))
    run = s.run(ACCOUNT_DAY)
    assert run is None  # nothing new for R20261205
    done = s.services.settlements.store.run("agency-a", "R20261203")[0]
    assert done.status is RunStatus.AWAITING_APPROVAL
    t = s.statements("R20261203")["C1"].totals
    assert (t.received, t.reversed, t.payout, t.carried_out) == (133889, -123889, 8790, 0)
    assert (done.payout_total, done.transfer_count) == (8790, 1)
    assert _items(s, "settlement_claim_back") == []


def test_with_nothing_blocked_the_next_run_settles_on_top_as_before(world):
    """R20261203 had the account and awaits approval: its payout is the agency's to approve
    and the next run deducts the refund (the run after a finished one is unchanged)."""
    s = Setup(world)
    s.pay(s.c1, "mollie", PAID_ON, **MOLLIE)
    first = s.run(PAID_ON)
    assert first.status is RunStatus.AWAITING_APPROVAL and first.payout_total == 67112
    _refund_and_part_payment(s)
    nxt = s.run(NEXT_DAY)
    assert nxt.run_id == "R20261204"
    t = s.statements("R20261204")["C1"].totals
    assert (t.reversed, t.net, t.carried_out, t.payout) == (-123889, -114948, -114948, 0)
    assert s.statements("R20261203")["C1"].totals.payout == 67112
    [claim_back] = _items(s, "settlement_claim_back")
    assert claim_back.detail["owed"] == 114948


def test_while_the_blocked_run_is_busy_elsewhere_the_next_run_leaves_its_clients_alone(world):
    s = _zeil_blocked(world)
    _refund_and_part_payment(s)
    store = s.services.settlements.store
    blocked, etag = store.run("agency-a", "R20261203")
    lease = s.world.clock.at.replace(year=2027)  # another worker builds it all day
    store.save_run(replace(blocked, leased_until=lease, lease_holder="other-worker"), etag)
    assert s.run(NEXT_DAY) is None  # ZEIL's movements wait for R20261203, which takes them in
    assert store.run("agency-a", "R20261204") is None
    assert _items(s, "settlement_claim_back") == []
    assert set(store.claims(s.c1.client_id)) == {"mollie"}


def test_a_claim_back_asked_on_the_first_figures_follows_them(world):
    """C2's statement in the waiting run first owed 478.36 back (money it received itself);
    the run then takes in 100.00 and later 1,000.00 that reached the third-party account:
    the item asks 390.46, then nothing (before: 478.36 asked while nothing was owed)."""
    s = _zeil_blocked(world)
    own = payment(s.c2.client_id, "own", PAID_ON, **OWN)
    s.services.repos.payments.add(replace(own, received_by=Receiver.CLIENT))
    s.run(NEXT_DAY)
    [item] = _items(s, "settlement_claim_back")
    assert item.detail["owed"] == 47836 and item.status is not ActionStatus.RESOLVED
    s.pay(s.c2, "q1", NEXT_DAY, principal=10000, costs=0, costs_vat=0, interest=0)
    s.run(date(2026, 12, 5))
    [item] = _items(s, "settlement_claim_back")
    assert item.detail["owed"] == 47836 - 8790 and "390,46" in item.title
    s.pay(s.c2, "q2", date(2026, 12, 5), principal=100000, costs=0, costs_vat=0, interest=0)
    s.run(date(2026, 12, 6))
    [item] = _items(s, "settlement_claim_back")
    assert item.status is ActionStatus.RESOLVED and "made again" in str(item.resolution)
    c2 = s.statements("R20261203")["C2"]
    assert (c2.totals.net, c2.totals.payout, c2.payment_count) == (
        -47836 + 8790 + 87900,
        -47836 + 8790 + 87900,
        3,
    )
    store = s.services.settlements.store
    assert store.run("agency-a", "R20261203")[0].status is RunStatus.BUILDING
    assert store.balance("agency-a", s.c2.client_id)[0].carried == 0
