"""newcomer24 F1's other door: a client stored without a bank account (``POST /v1/clients``
allows it, with a note) was dunned all the same: its reminders asked debtors to pay "naar
onder vermelding van ..." and its 14-day letters carried no payment block. The daily run now
holds such a client's steps, with one action item saying what to do (add the account), and
resumes them once an account is on record, the item closed."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from shared.api.console.action_text import kind_label, resolution, title
from shared.domain.records import ActionStatus
from tests.unit.api.conftest import client_iban
from tests.unit.dunning.test_daily_run import engine, simulate  # noqa: F401


def _items(world, client):
    actions = world.services.repos.actions
    return [
        {"status": i.status.value, "title": i.title, "resolution": i.resolution}
        for status in ActionStatus
        for i in actions.list(client.client_id, status=status, kind="no_bank_account")[0]
    ]


def test_a_client_without_an_account_is_held_once_and_resumes_with_one(engine):  # noqa: F811
    world, client = engine
    clients = world.services.repos.clients
    stored, etag = clients.get(client.client_id)
    clients.save(replace(stored, ibans=()), etag)

    assert simulate(world, client, 20) == []  # 3-3 to 22-3: the reminder of 17-3 held
    [item] = _items(world, client)
    assert item["status"] == "open"
    assert title(item["title"], "nl") == (
        "Opdrachtgever C1 heeft geen bankrekening: herinneringen en brieven zijn aangehouden, "
        "want zij zouden debiteuren vragen te betalen naar geen rekening; voeg het IBAN toe "
        "om ze te hervatten"
    )
    assert kind_label("no_bank_account", "nl") == "Geen bankrekening"

    update = {"items": [{"number": "C1", "ibans": [client_iban("C1")]}]}
    assert world.agency_a.call("POST", "/v1/clients", update).status in (200, 207)
    sent = simulate(world, client, 1)
    assert [(d, ch, debtor) for d, ch, debtor, _ in sent] == [
        (date(2025, 3, 23), "email", "D1"),
        (date(2025, 3, 23), "email", "D2"),
    ]
    [item] = _items(world, client)
    assert item["status"] == "resolved"
    assert resolution(item["resolution"], "nl", lambda _: None) == (
        "er is een bankrekening toegevoegd: de invordering gaat verder"
    )
    assert len(_items(world, client)) == 1


def test_a_sandbox_client_is_not_held(engine):  # noqa: F811
    """Its messages go to its own test address (messaging's sandbox), never to a debtor: a
    client trying its workflow before approval sees them without an account."""
    world, client = engine
    clients = world.services.repos.clients
    stored, etag = clients.get(client.client_id)
    clients.save(replace(stored, ibans=(), sandbox=True), etag)
    sent = simulate(world, client, 15)
    assert [(d, debtor) for d, _, debtor, _ in sent] == [
        (date(2025, 3, 17), "D1"),
        (date(2025, 3, 17), "D2"),
    ]
    assert _items(world, client) == []
