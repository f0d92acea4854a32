"""failure5 finding 6: a chargeback the bank reversed, or a refund that failed, is recorded on
the payment's ``undone`` row before the net is booked again. A delivery that fails between the
two (the worker dies, or the ledger's storage times out) is redelivered; the row still names
what was booked before the restore, so the redelivery books the net (idempotent) and tells the
contact log once. Fixture: ``tests/unit/payments/conftest.py`` (``shop``, the simulated
Mollie)."""

from __future__ import annotations

import pytest
from azure.core.exceptions import ServiceResponseError

from shared.ports.tables import Row
from tests.support.faults import SimulatedCrash
from tests.unit.payments.conftest import deliver_webhooks, shop  # noqa: F401

SIMULATED = "SimulatedPayments"


def _set(world, payment_id, **fields):
    store = world.services.online_payments.simulation.store
    row = store.get(SIMULATED, "sim", payment_id)
    store.upsert(SIMULATED, Row("sim", payment_id, {**row.data, **fields}))


def _live(world, client):
    pays = world.services.repos.payments.list(client.client_id)[0]
    return sorted((p.payment_id, p.amount) for p in pays if not p.reversed)


def _log(world, client, words):
    entries = world.services.repos.contacts.for_debtor(client.client_id, "D1")[0]
    return [e.summary for e in entries if words in e.summary]


@pytest.mark.parametrize("fault", ["crash", "outage", None], ids=["crash", "outage", "control"])
@pytest.mark.parametrize("undo", ["chargeback", "refund"])
def test_a_restore_whose_net_booking_failed_is_booked_on_the_redelivery(
    shop,  # noqa: F811
    monkeypatch,
    fault,
    undo,
):
    world, client = shop
    online = world.services.online_payments
    pid = online.start(client, "D1", ["F1"], "https://x/return").payment_id
    online.simulation.settle(pid, "paid")
    online.webhook(pid)
    assert deliver_webhooks(world) == ["paid"]
    [(_, amount)] = _live(world, client)
    field = "ChargedBack" if undo == "chargeback" else "Refunded"
    taken = amount if undo == "chargeback" else 5_000
    _set(world, pid, **{field: taken})
    online.webhook(pid)
    assert deliver_webhooks(world) == [undo]
    _set(world, pid, **{field: 0})  # the bank reverses the chargeback; the refund failed
    if fault:
        real = online._net

        def fails(*args, **kw):
            monkeypatch.setattr(online, "_net", real)
            if fault == "crash":
                raise SimulatedCrash("before the net booking")
            raise ServiceResponseError("injected: read timed out (ledger write)")

        monkeypatch.setattr(online, "_net", fails)
        online.webhook(pid)
        with pytest.raises((SimulatedCrash, ServiceResponseError)):
            deliver_webhooks(world)
        online.process(pid)  # the host delivers the queue message again
    else:
        online.webhook(pid)
        deliver_webhooks(world)
    online.process(pid)  # and once more: nothing changes
    # the debtor's payment counts again, whole
    assert [a for _, a in _live(world, client)] == [amount]
    f1 = world.services.repos.invoices.get(client.client_id, "F1").invoice
    assert f1.status.value == "paid"
    words = "reversed by the bank" if undo == "chargeback" else "failed or was canceled"
    assert len(_log(world, client, words)) == 1  # told once
