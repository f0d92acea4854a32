"""WhatsApp against a stand-in that enforces the Cloud API's documented rules
(tests/support/whatsapp_stand_in.py): a template carries exactly its approved parameters and
the payment link in its URL button, in the approved language; free text only inside the
24-hour window (131047); template trouble in the 132000 family. Each refusal is handled
clearly: the message fails with its reason on the contact log and the action list, and only
throughput trouble is retried."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from shared.adapters.blobs.store import InMemoryFileStore
from shared.adapters.channels.whatsapp_cloud import WhatsAppCloudChannel
from shared.adapters.queues.storage import InMemoryQueueSender
from shared.adapters.tables.memory import InMemoryTableStore
from shared.api.app import IntegrationApi
from shared.bootstrap import build_services
from shared.clock import FixedClock
from shared.domain.access import Scope
from shared.domain.messaging import (
    Channel,
    MessageContent,
    OutboundMessage,
    OutboxStatus,
    PermanentSendError,
    TransientSendError,
    UncertainSendError,
)
from shared.domain.parties import Agency
from tests.support.stand_in import serve
from tests.support.whatsapp_stand_in import ApprovedTemplate, WhatsappCloud
from tests.unit.api.conftest import SETTINGS, ApiClient, client_row, debtor_row, invoice_row

NOW = datetime(2025, 3, 4, 9, 0, tzinfo=UTC)  # Tuesday 10:00 Amsterdam
BUTTON = "http://localhost:7071/api/p/{{1}}"
APPROVED = ApprovedTemplate(
    "betaalherinnering",
    "nl",
    "Beste {{1}}, er staat {{2}} open. Betaal via de knop.",
    url_button=BUTTON,
)


@pytest.fixture
def cloud() -> Iterator[tuple[WhatsappCloud, WhatsAppCloudChannel]]:
    fake = WhatsappCloud(templates=[APPROVED], now=NOW)
    with serve(fake) as server:
        yield (
            fake,
            WhatsAppCloudChannel(
                token="wa-token",
                phone_number_id="10987",
                base_url=f"{server.url}/v21.0",
                http=httpx.Client(),
            ),
        )


def wa(**extra: str) -> OutboundMessage:
    return OutboundMessage("c", "k1", Channel.WHATSAPP, "D1", "+31612345678", NOW,
                           extra={"whatsapp_consent": "yes", "sending_at": NOW.isoformat(), **extra})  # fmt: skip


def template(**kw: object) -> MessageContent:
    fields: dict[str, object] = {"template": "betaalherinnering", "language": "nl",
                                 "template_params": ("J. de Vries", "€ 121,00"), "template_button": "TOKEN/pay"}  # fmt: skip
    return MessageContent(**{**fields, **kw})  # type: ignore[arg-type]


def test_a_template_with_its_parameters_and_the_payment_link_button(cloud):
    fake, channel = cloud
    result = channel.send(wa(), template())
    assert (result.provider_id or "").startswith("wamid.")
    sent = fake.delivered[0]
    assert sent["template"]["language"] == {"code": "nl", "policy": "deterministic"}
    assert fake.link_of(sent) == "http://localhost:7071/api/p/TOKEN/pay"


@pytest.mark.parametrize(
    ("content", "code", "reason"),
    [
        (template(template_params=("J. de Vries",)), 132000, "number of template parameters"),
        (template(template_button=None), 132000, "number of template parameters"),
        (template(language="en_US"), 132001, "does not exist in this language"),
        (template(template="onbekend"), 132001, "template onbekend in nl"),
        (template(template_params=("J.", "€ 1\u00a0" + " " * 6 + "x")), 132012, "format"),
    ],
)
def test_template_errors_fail_with_a_clear_reason(cloud, content, code, reason):
    _, channel = cloud
    with pytest.raises(PermanentSendError) as caught:
        channel.send(wa(), content)
    assert f"code {code}" in str(caught.value) and reason in str(caught.value)


def test_free_text_outside_the_window_is_refused_by_the_cloud_with_131047(cloud):
    fake, channel = cloud
    # our record says the debtor wrote an hour ago, but Meta has no such message: it decides
    recent = (NOW - timedelta(hours=1)).isoformat()
    with pytest.raises(PermanentSendError, match="more than 24 hours") as caught:
        channel.send(wa(last_inbound_at=recent), MessageContent(text="Dank voor uw bericht"))
    assert "code 131047" in str(caught.value)
    fake.last_inbound["31612345678"] = NOW - timedelta(hours=1)
    channel.send(wa(last_inbound_at=recent), MessageContent(text="Dank voor uw bericht"))
    assert fake.delivered[-1]["type"] == "text"
    # 25 hours later the window is closed: the client does not even try free text
    late = wa(last_inbound_at=(NOW - timedelta(hours=25)).isoformat())
    with pytest.raises(PermanentSendError, match="24 hours"):
        channel.send(late, MessageContent(text="Nog een vraag?"))


def test_paused_template_and_throughput(cloud):
    fake, channel = cloud
    fake.throttle = 1
    with pytest.raises(TransientSendError, match="130429"):
        channel.send(wa(), template())
    channel.send(wa(), template())  # the retry goes through
    APPROVED_PAUSED = ApprovedTemplate("gepauzeerd", "nl", "Hallo", status="PAUSED")
    fake.templates.append(APPROVED_PAUSED)
    with pytest.raises(PermanentSendError, match="132015"):
        channel.send(wa(), MessageContent(template="gepauzeerd"))


@pytest.mark.parametrize("fault", ["lose_answers", "gateway_errors"])
def test_a_lost_answer_after_the_cloud_took_the_message_is_uncertain(cloud, fault):
    fake, channel = cloud
    setattr(fake, fault, 1)
    with pytest.raises(UncertainSendError):
        channel.send(wa(), template())
    assert len(fake.delivered) == 1  # the debtor has it: a resend would be a second one


# -- the whole way: by hand, through the messaging service, to the stand-in ------------------
@pytest.fixture
def app(cloud):
    fake, channel = cloud
    store = InMemoryTableStore()
    clock = FixedClock(NOW)
    services = build_services(SETTINGS, clock=clock, store=store, files=InMemoryFileStore(),
                              queues=InMemoryQueueSender(), senders={Channel.WHATSAPP: channel})  # fmt: skip
    services.repos.agencies.save(Agency("agency-a", "A"))
    _, key = services.access.issue(scope=Scope.AGENCY, agency_id="agency-a")
    api = ApiClient(IntegrationApi(services), key)
    api.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    api.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", whatsapp_consent=True)]})
    api.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row("F1", "D1")]})
    principal = services.access.authenticate(key)
    assert principal is not None
    client_id = services.access.client_for(principal, "C1").client_id
    return fake, services, api, client_id


def describe(api, params: list[str]) -> None:
    reply = api.call("PUT", "/v1/clients/C1/whatsapp-templates/betaalherinnering",
                     {"languages": ["nl"], "body_params": params, "url_button_base": "http://localhost:7071/api/p/"})  # fmt: skip
    assert reply.status == 200, reply.body


def test_a_quick_text_by_hand_arrives_with_the_payment_link(app):
    fake, services, api, client_id = app
    describe(api, ["debtor.name", "total|money"])
    api.call("POST", "/v1/clients/C1/quick-texts", {"quick_text_id": "betaal", "channel": "whatsapp", "name": "Betaal",
             "text": "Betaal via {{ payment_link }}", "whatsapp_template": "betaalherinnering"})  # fmt: skip
    sent = api.call(
        "POST",
        "/v1/clients/C1/debtors/D1/messages",
        {"channel": "whatsapp", "quick_text": "betaal"},
    )
    assert sent.status == 202
    assert services.messaging.deliver(client_id, sent.body["key"]) == "sent"
    link = fake.link_of(fake.delivered[-1])
    assert link is not None and link.endswith("/pay")
    token = link.removeprefix("http://localhost:7071/api/p/").removesuffix("/pay")
    assert services.portal_links.check(token).debtor_number == "D1"
    assert services.messaging.usage(client_id, "2025-03") == {"whatsapp": 1}


def test_a_refused_template_is_failed_with_its_reason_on_the_log_and_action_list(app):
    _, services, api, client_id = app
    describe(api, ["debtor.name"])  # described with one parameter; Meta approved two
    sent = api.call("POST", "/v1/clients/C1/debtors/D1/messages",
                    {"channel": "whatsapp", "whatsapp_template": "betaalherinnering"})  # fmt: skip
    assert sent.status == 202
    assert services.messaging.deliver(client_id, sent.body["key"]) == "failed"
    record = services.messaging.outbox.get(client_id, sent.body["key"])[0]
    assert record.status is OutboxStatus.FAILED and "132000" in (record.error or "")
    log = [e.summary for e in services.repos.contacts.for_debtor(client_id, "D1")[0]]
    assert any("whatsapp failed" in s and "number of template parameters" in s for s in log)
    actions, _ = services.repos.actions.list(client_id)
    failure = [a for a in actions if a.kind == "delivery_failure"]
    assert failure and "132000" in failure[0].detail["cause"]  # the provider's answer: its cause
    assert "not sent: the provider refused it" in failure[0].title
    assert services.messaging.queues.sent[-1].delay_seconds == 0  # no retry was scheduled


def test_throughput_trouble_is_retried_later_not_failed(app):
    fake, services, api, client_id = app
    describe(api, ["debtor.name", "total|money"])
    fake.throttle = 1
    sent = api.call("POST", "/v1/clients/C1/debtors/D1/messages",
                    {"channel": "whatsapp", "whatsapp_template": "betaalherinnering"})  # fmt: skip
    assert services.messaging.deliver(client_id, sent.body["key"]) == "deferred"
    assert (
        services.messaging.outbox.get(client_id, sent.body["key"])[0].status is OutboxStatus.PENDING
    )
    assert services.messaging.deliver(client_id, sent.body["key"]) == "sent"
