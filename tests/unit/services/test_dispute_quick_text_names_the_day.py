"""review24 N4: the dispute item's "end dispute" with a quick text (not words of its own) went
as the quick text was written, naming no day, while the invoice still paused 14 days: the
debtor did not know collection would resume on 18-03-2025. Now a quick text's words go with the
notice's sentence naming that day after them; a workflow template, which cannot carry it, is
refused (no pause the debtor was not told of)."""

from __future__ import annotations

from datetime import date

import pytest

from shared.domain.conversations.quick_texts import QuickText
from shared.domain.messaging import Channel
from shared.services.conversations.by_hand import HandMessage
from shared.services.dispute_ending import resumes_words
from shared.services.dunning_starter import save_starter
from shared.services.errors import Invalid
from tests.unit.api.conftest import World
from tests.unit.people.conftest import Tenants
from tests.unit.people.conftest import tenants as tenants
from tests.unit.services.test_dispute_item_ends import _disputed

HELD = QuickText("bezwaar-af", Channel.EMAIL, "Bezwaar afgewezen",
                 "Wij houden factuur F1 staande.", subject="Uw bezwaar")  # fmt: skip


def test_a_quick_text_ending_a_dispute_names_the_day_the_invoice_pauses_to(
    world: World, tenants: Tenants
) -> None:
    item = _disputed(world, tenants)  # 04-03-2025, debtor D1 (Dutch), F1 disputed
    found = world.services.repos.clients.get(tenants.c1)
    assert found is not None
    world.services.by_hand.create_quick_text(tenants.c1, HELD)
    tell = HandMessage(Channel.EMAIL, quick_text="bezwaar-af")
    done = world.services.request_decisions.end_dispute(
        found[0], item.action_id, "geleverd", "user:u1", tell
    )
    assert done.message_key is not None
    content = world.services.messaging.content(tenants.c1, done.message_key)
    said = resumes_words("nl", date(2025, 3, 18))
    assert content.subject == "Uw bezwaar"
    assert content.text == "Wij houden factuur F1 staande.\n" + said  # was without the day
    stored = world.services.repos.invoices.get(tenants.c1, "F1")
    assert stored is not None and stored.invoice.paused_until == date(2025, 3, 17)


def test_a_quick_text_of_another_channel_is_refused_as_by_hand_refuses_it(
    world: World, tenants: Tenants
) -> None:
    item = _disputed(world, tenants)
    found = world.services.repos.clients.get(tenants.c1)
    assert found is not None
    world.services.by_hand.create_quick_text(tenants.c1, HELD)
    tell = HandMessage(Channel.LETTER, quick_text="bezwaar-af")
    with pytest.raises(Invalid) as refused:
        world.services.request_decisions.end_dispute(found[0], item.action_id, "", "user:u1", tell)
    assert refused.value.code == "quick_text_other_channel"


def test_a_workflow_template_cannot_name_the_day_and_is_refused(
    world: World, tenants: Tenants
) -> None:
    item = _disputed(world, tenants)
    found = world.services.repos.clients.get(tenants.c1)
    assert found is not None
    save_starter(world.services.repos, tenants.c1)  # its reminder e-mail exists (was sent)
    tell = HandMessage(Channel.EMAIL, template="herinnering")
    with pytest.raises(Invalid) as refused:
        world.services.request_decisions.end_dispute(found[0], item.action_id, "", "user:u1", tell)
    assert refused.value.code == "dispute_end_names_the_day"
    stored = world.services.repos.invoices.get(tenants.c1, "F1")
    assert stored is not None and stored.invoice.paused_until is None
    assert str(stored.invoice.status.value) == "disputed"  # nothing done
