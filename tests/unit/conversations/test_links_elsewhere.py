"""A dunning text links nowhere but the message's own links and the client's registered
domains (people27 F8): a message by hand "Betaal via https://tikkie.me/pay/..." was queued for
the debtor (202), so a client's staff key could divert money without naming an account. Now a
link elsewhere is refused like a foreign account (attack26 F3): when a template, quick text or
WhatsApp description is saved (422 tpl_foreign_link), by hand (422
hand_message_foreign_link), and the daily run sends none (a dunning_failure item)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from shared.domain.conversations.whatsapp import WhatsappTemplate
from shared.domain.dunning.foreign_links import foreign_hosts, hosts_in
from shared.domain.dunning.templates import MessageTemplate
from tests.unit.conversations import test_workflow_whatsapp as workflow
from tests.unit.conversations.test_by_hand import BASE, env  # noqa: F401 - the fixture
from tests.unit.dunning.test_daily_run import FOURTEEN
from tests.unit.dunning.test_fourteen_day_letter_sent_late import _mornings, _world
from tests.unit.dunning.test_template_foreign_iban import _put, _staff_key

ELSEWHERE = [
    "https://tikkie.me/pay/Bakkerij/x8Kd",
    "tikkie.me/pay/x8Kd",
    "www.betaal-snel.nl",
    "HTTP://PAY.EVIL.IO/x",
    "bakkerij.nl.evil.io/betaal",  # the client's domain as a subdomain of another
    "betaalverzoek.link",
]


def test_links_are_read_with_and_without_a_scheme() -> None:
    for written in ELSEWHERE:
        assert foreign_hosts([f"Betaal via {written} vandaag."], ["bakkerij.nl"]) != [], written
    words = (
        "Geachte J. de Vries, zie bijlage.De factuur F-0001 (EUR 12.50) is o.a. i.v.m. "
        "{{ client.iban }} open; mail info@bakkerij-korenbloem.example of bel 030-1234567."
    )
    assert hosts_in([words]) == []
    # the payment QR code's SVG names its namespace: no link (a letter of the 14-day step)
    assert hosts_in(['<svg xmlns="http://www.w3.org/2000/svg"><path d="M0 0h1"/></svg>']) == []
    own = "Zie https://www.bakkerij.nl/voorwaarden en shop.bakkerij.nl/x of bakkerij.nl."
    assert foreign_hosts([own], ["bakkerij.nl"]) == []
    portal = "https://inning.example/api/p/TOKEN/pay"
    assert foreign_hosts([f"Betaal via {portal}"], [], [portal]) == []


def test_a_message_by_hand_linking_elsewhere_is_refused(env):  # noqa: F811
    _, api, _ = env
    path = f"{BASE}/debtors/D1/messages"
    for written in ELSEWHERE:
        refused = api.call("POST", path, {"channel": "sms", "body": f"Betaal via {written}"})
        assert refused.status == 422, (written, refused.body)
        assert refused.body["error"]["details"][0]["code"] == "hand_message_foreign_link"
    # the portal's own link, by variable, goes
    ok = api.call("POST", path, {"channel": "sms", "body": "Betaal via {{ payment_link }}"})
    assert ok.status == 202, ok.body


def test_a_registered_domain_passes_and_only_the_agency_registers_it(env):  # noqa: F811
    world, api, _ = env
    path = f"{BASE}/debtors/D1/messages"
    body = {"channel": "sms", "body": "Voorwaarden: https://www.bakkerij.nl/voorwaarden"}
    assert api.call("POST", path, body).status == 422
    assert api.call("GET", f"{BASE}/link-domains").body == {"domains": []}  # none before
    staff = _staff_key(world)
    assert staff.call("PUT", f"{BASE}/link-domains", {"domains": ["tikkie.me"]}).status == 404
    bad = api.call("PUT", f"{BASE}/link-domains", {"domains": ["info@bakkerij.nl"]})
    assert bad.status == 422 and bad.body["error"]["details"][0]["code"] == "link_domain_invalid"
    put = api.call("PUT", f"{BASE}/link-domains", {"domains": ["WWW.Bakkerij.nl"]})
    assert put.status == 200 and put.body == {"domains": ["bakkerij.nl"]}, put.body
    assert staff.call("GET", f"{BASE}/link-domains").body == {"domains": ["bakkerij.nl"]}
    assert api.call("POST", path, body).status == 202
    elsewhere = {"channel": "sms", "body": "Betaal via https://tikkie.me/pay/x"}
    assert api.call("POST", path, elsewhere).status == 422
    assert world.agency_b.call("GET", f"{BASE}/link-domains").status == 404


def test_a_quick_text_linking_elsewhere_is_refused_when_saved(env):  # noqa: F811
    _, api, _ = env
    made = api.call("POST", f"{BASE}/quick-texts",
                    {"quick_text_id": "q1", "name": "tikkie", "channel": "sms",
                     "text": "Betaal via tikkie.me/pay/x8Kd"})  # fmt: skip
    assert made.status == 422, made.body
    assert made.body["error"]["details"][0]["code"] == "tpl_foreign_link"
    own = api.call("POST", f"{BASE}/quick-texts",
                   {"quick_text_id": "q2", "name": "eigen", "channel": "sms",
                    "text": "Betaal via {{ payment_link }} of zie {{ reminder_link }}"})  # fmt: skip
    assert own.status == 201, own.body


def test_a_template_linking_elsewhere_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    _world(world, datetime(2025, 12, 1, 6, 0, tzinfo=UTC), "2025-12-01")
    staff = _staff_key(world)
    for text, more in (
        ("Betaal {{ total|money }} via https://tikkie.me/pay/x.", {}),
        ("Betaal via {{ 'tikkie' }}.me/pay/x.", {}),  # built by the template: the sample
        ("Betaal {{ total|money }}.", {"html": '<a href="https://pay.evil.io/x">Betaal</a>'}),
    ):
        put = _put(staff, text, **more)
        assert put.status == 422, (text, more, put.body)
        [detail] = put.body["error"]["details"]
        assert detail["code"] == "tpl_foreign_link", detail
    assert _put(staff, "Betaal {{ total|money }} via {{ payment_link }}.").status == 200


def test_a_description_linking_elsewhere_is_refused(env):  # noqa: F811
    world, api, _ = env
    base = world.services.settings.public_base_url
    put = api.call("PUT", f"{BASE}/whatsapp-templates/betaal",
                   {"languages": ["nl"], "body_params": ["debtor.name", '"tikkie.me/pay/x"'],
                    "url_button_base": f"{base}/api/p/"})  # fmt: skip
    assert put.status == 422, put.body
    assert put.body["error"]["details"][0]["code"] == "tpl_foreign_link"
    ok = api.call("PUT", f"{BASE}/whatsapp-templates/betaal",
                  {"languages": ["nl"], "body_params": ["debtor.name", "payment_link"],
                   "url_button_base": f"{base}/api/p/"})  # fmt: skip
    assert ok.status == 200, ok.body


def test_a_description_kept_from_before_is_not_sent_by_hand(env):  # noqa: F811
    world, api, client_id = env
    world.services.by_hand.conversations.save_whatsapp_template(
        client_id, WhatsappTemplate("betaal", ("nl",), ("debtor.name", '"tikkie.me/pay/x"'))
    )
    sent = api.call("POST", f"{BASE}/debtors/D1/messages",
                    {"channel": "whatsapp", "whatsapp_template": "betaal"})  # fmt: skip
    assert sent.status == 422, sent.body
    assert sent.body["error"]["details"][0]["code"] == "hand_message_foreign_link"


def test_the_daily_run_sends_no_message_linking_elsewhere(world) -> None:  # type: ignore[no-untyped-def]
    _, client = _world(world, datetime(2025, 12, 1, 6, 0, tzinfo=UTC), "2025-12-01")
    # kept from before the check, or linked only for a debtor the sample is not
    letter = FOURTEEN + "{% if debtor.number == 'D1' %} Betaal via tikkie.me/pay/x.{% endif %}"
    world.services.repos.dunning.save_template(
        client.client_id, "t-14", MessageTemplate("nl", "Veertiendagenbrief", letter, None, True)
    )
    _mornings(world, client, date(2025, 12, 4), date(2025, 12, 4))
    assert world.services.messaging.outbox.with_prefix(client.client_id, "dun|D1|") == []
    actions, _ = world.services.repos.actions.list(client.client_id)
    [refused] = [i for i in actions if i.kind == "dunning_failure"]
    assert "tikkie.me" in refused.title and refused.debtor_number == "D1"


def test_the_daily_run_sends_no_parameter_linking_elsewhere(world):
    client_id = workflow._setup(world, describe=False)
    world.services.by_hand.conversations.save_whatsapp_template(
        client_id,
        WhatsappTemplate("betaalherinnering", ("nl", "en_US"), ("debtor.name", '"tikkie.me/x"')),
    )
    world.services.dunning.run_client(client_id, date(2025, 3, 4))
    records, _ = world.services.messaging.outbox.list(client_id)
    assert records == []
    actions, _ = world.services.repos.actions.list(client_id)
    assert any(a.kind == "dunning_failure" and "tikkie.me" in a.title for a in actions), [
        a.title for a in actions
    ]
