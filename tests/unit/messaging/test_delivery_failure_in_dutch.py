"""words9b: a message that could not be sent says on the action list what happened, in the
page's language (a Dutch credit manager read "Pingen answered 503: ..."); the provider's own
answer is the item's technical cause."""

from __future__ import annotations

from shared.api.console.action_text import title
from shared.domain.messaging import Channel, MessageContent, PermanentSendError, TransientSendError
from tests.unit.messaging.provider_away import retried_until_given_up
from tests.unit.messaging.test_delivery import env as env
from tests.unit.messaging.test_delivery import message, run_jobs


def test_a_message_not_sent_says_what_happened_in_dutch_and_keeps_the_providers_answer(env):
    world, client, channel, queues, service = env
    answer = 'Pingen refused (422): {"errors":[{"detail":"address not deliverable"}]}'
    channel.outcomes = [PermanentSendError(answer)]
    service.enqueue(message(client), MessageContent(subject="x"))
    assert run_jobs(service, queues) == ["failed"]
    (item,) = world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    assert item["kind"] == "delivery_failure"
    assert item["detail"]["cause"] == answer  # the technical cause, for whoever digs deeper
    assert title(item["title"], "nl") == (
        "E-mail aan debiteur D1 niet verstuurd: de aanbieder weigerde het; een brief sturen?"
    )
    assert "Pingen" not in item["title"] and "send a letter?" in item["title"]


def test_a_message_given_up_on_says_so_in_dutch(env):
    world, client, channel, queues, service = env
    channel.outcomes = [TransientSendError("CM answered 503: Service Unavailable")] * 10
    service.enqueue(
        message(client, channel=Channel.SMS, to="+31612345678"), MessageContent(text="x")
    )
    runs = retried_until_given_up(world, lambda: run_jobs(service, queues, "send-sms"), 16)
    outcomes = [o for run in runs for o in run]
    assert outcomes[-1] == "failed"
    (item,) = world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    assert item["detail"]["cause"].endswith("CM answered 503: Service Unavailable")
    assert title(item["title"], "nl") == (
        "Sms aan debiteur D1 niet verstuurd: de aanbieder was bij 6 pogingen niet bereikbaar "
        "of bezet; controleer het mobiele nummer"
    )
