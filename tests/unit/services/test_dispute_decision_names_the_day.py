"""notice21 left: the dispute item's "keep chasing" with a person's message told the debtor
nothing of when collection goes on, and the workflow went on at once; the API's
resolve-dispute notice names the day (14 days on) and pauses the invoice until then. Now the
person's message ends with the notice's own sentence, in the debtor's language, and the
invoice waits for that day as after the notice."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from shared.domain.invoices import InvoiceStatus
from shared.domain.messaging import Channel
from shared.services.conversations.by_hand import HandMessage
from shared.services.dispute_ending import resumes_words
from tests.unit.api.conftest import World
from tests.unit.people.conftest import Tenants
from tests.unit.people.conftest import tenants as tenants
from tests.unit.services.test_dispute_item_ends import _disputed


def test_a_persons_message_names_the_day_collection_resumes_as_the_notice_does(
    world: World, tenants: Tenants
) -> None:
    item = _disputed(world, tenants)  # 04-03-2025, debtor D1 (Dutch), F1 disputed
    found = world.services.repos.clients.get(tenants.c1)
    assert found is not None
    tell = HandMessage(Channel.EMAIL, subject="Uw bezwaar", body="Wij houden F1 staande.  ")
    done = world.services.request_decisions.end_dispute(
        found[0], item.action_id, "geleverd", "user:u1", tell
    )
    assert done.message_key is not None
    text = world.services.messaging.content(tenants.c1, done.message_key).text
    said = resumes_words("nl", date(2025, 3, 18))
    assert said.startswith("Wij hervatten de invordering op 18-03-2025.")
    assert text == "Wij houden F1 staande.\n" + said
    stored = world.services.repos.invoices.get(tenants.c1, "F1")
    assert stored is not None and stored.invoice.paused_until == date(2025, 3, 17)
    assert resumes_words("en", date(2025, 3, 18)).startswith(
        "We resume collection on 18 March 2025."
    )


def test_a_decision_cut_off_before_the_pause_pauses_when_it_is_done_again(
    world: World, tenants: Tenants, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The dispute ended, then an outage before the pause: doing the decision again (the
    invoice no longer disputed) still pauses it until the day its message names, once."""
    item = _disputed(world, tenants)
    found = world.services.repos.clients.get(tenants.c1)
    assert found is not None
    dunning = world.services.dunning
    real = dunning.change_invoice
    monkeypatch.setattr(dunning, "change_invoice", _fails_once(real))
    tell = HandMessage(Channel.EMAIL, subject="Uw bezwaar", body="Wij houden F1 staande.")
    decisions = world.services.request_decisions
    with pytest.raises(ConnectionError):
        decisions.end_dispute(found[0], item.action_id, "geleverd", "user:u1", tell)
    stored = world.services.repos.invoices.get(tenants.c1, "F1")
    assert stored is not None and stored.invoice.paused_until is None
    assert stored.invoice.status is not InvoiceStatus.DISPUTED
    done = decisions.end_dispute(found[0], item.action_id, "geleverd", "user:u1", tell)
    assert done.message_key is not None
    stored = world.services.repos.invoices.get(tenants.c1, "F1")
    assert stored is not None and stored.invoice.paused_until == date(2025, 3, 17)
    sent = list(world.services.messaging.outbox.with_prefix(tenants.c1, "hand|D1|"))
    assert len(sent) == 1


def _fails_once(real: Any) -> Any:
    calls = {"n": 0}

    def change(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:
            raise ConnectionError("storage unreachable")
        return real(*args, **kwargs)

    return change
