# ruff: noqa: F811
"""Two tabs paying at once spend one of the debtor's payments of the day (tabs33, found by
review33b): both tabs read "no claim", each counted a payment, and the one whose claim lost
reread and reused the winner's: one Mollie payment, two of the day's 20 spent. The click whose
claim loses now gives its count back, on the invoice pay button and the plan installment alike.
Past the limit the click is still refused before Mollie is asked, with no claim written."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared.ports.tables import Row
from shared.services.errors import Invalid
from shared.services.plans.pay_online import pending_key
from shared.services.portal import PAYMENTS_PER_DAY, RETURNS
from tests.unit.payments.test_portal_checkout_reuse import BASE, _access, _spent
from tests.unit.plans.test_plan_mollie import mollie, the_client, world  # noqa: F401
from tests.unit.plans.test_portal_plan_pay_mollie import (  # noqa: F401
    checkout_id,
    click,
    enter,
    transfer_plan,
)


def _other_tab_when_counted(monkeypatch, portal, other_tab):
    """The first click counts its payment; before it claims, the other tab clicks and goes
    all the way through (it too read no claim): the first click's claim then loses."""
    real = portal.count_payment
    other: list[str] = []

    def count(access):
        counted = real(access)
        if not other:
            other.append("")
            other[0] = other_tab()
        return counted

    monkeypatch.setattr(portal, "count_payment", count)
    return other


def test_two_tabs_paying_invoices_at_once_spend_one_payment(world, mollie, monkeypatch):
    portal = world.services.portal
    access = _access(world)
    other = _other_tab_when_counted(monkeypatch, portal, lambda: portal.pay(access, ["F1"], BASE))
    first = portal.pay(access, ["F1"], BASE)
    assert first == other[0] and mollie.created == 1
    assert _spent(world, access) == 1  # was 2: the losing tab's count is given back


def test_two_tabs_paying_an_installment_at_once_spend_one_payment(
    world, mollie, transfer_plan, monkeypatch
):
    portal = world.services.portal
    access = _access(world)
    other = _other_tab_when_counted(
        monkeypatch, portal, lambda: checkout_id(click(enter(world), transfer_plan, 1))
    )
    first = checkout_id(click(enter(world), transfer_plan, 1))
    assert first == other[0] and mollie.created == 1
    assert _spent(world, access) == 1


def test_the_21st_invoice_payment_is_refused_before_mollie_with_no_claim(world, mollie):
    portal = world.services.portal
    access = _access(world)
    for _ in range(PAYMENTS_PER_DAY):
        paid = portal.pay(access, ["F1"], BASE)
        mollie.settle(paid.rsplit("=", 1)[1], "canceled")  # the debtor cancels at Mollie
    assert mollie.created == PAYMENTS_PER_DAY
    before = _claims(world)
    with pytest.raises(Invalid) as refused:
        portal.pay(access, ["F1"], BASE)
    assert refused.value.code == "payments_per_day"
    assert mollie.created == PAYMENTS_PER_DAY
    # the row still names the last (canceled) payment: no claim of the 21st click's
    assert _claims(world) == before and all(r.data.get("PaymentId") for r in before)
    assert _spent(world, access) == PAYMENTS_PER_DAY
    world.clock.at += timedelta(days=1)  # a new Dutch day: the row blocks nothing
    assert portal.pay(access, ["F1"], BASE) and mollie.created == PAYMENTS_PER_DAY + 1


def test_the_21st_installment_payment_is_refused_before_mollie_with_no_claim(
    world, mollie, transfer_plan
):
    portal = world.services.portal
    access = _access(world)
    for _ in range(PAYMENTS_PER_DAY):
        portal.count_payment(access)  # the day's payments spent (invoices, other plans)
    refused = click(enter(world), transfer_plan, 1)
    assert refused.status == 400 and "nieuwe betalingen per dag" in refused.encoded().decode()
    assert mollie.created == 0
    claim = pending_key(transfer_plan, 1)
    assert world.store.get(RETURNS, the_client(world).client_id, claim) is None
    world.clock.at += timedelta(days=1)
    checkout_id(click(enter(world), transfer_plan, 1))
    assert mollie.created == 1


def _claims(world) -> list[Row]:
    rows = world.store.query(RETURNS, pk=the_client(world).client_id).rows
    return [r for r in rows if r.rk.startswith("open|")]
