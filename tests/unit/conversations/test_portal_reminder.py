"""The SMS link to a reminder opens that reminder on the portal, behind the debtor's token:
the letter's PDF or the e-mail as sent (under a policy that runs nothing), never another
debtor's."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import unquote

from shared.api.portal_app import PortalApp
from tests.unit.api.conftest import debtor_row
from tests.unit.conversations.test_by_hand import BASE, env  # noqa: F401 - the fixture
from tests.unit.payments.test_portal import Browser


def _link_path(text: str) -> str:
    """The path below /api of the link in an SMS."""
    return unquote(text.split("/api", 1)[1].split()[0])


def _send(api, body):
    reply = api.call("POST", f"{BASE}/debtors/D1/messages", body)
    assert reply.status == 202, reply.body
    return reply.body["key"]


def test_the_sms_link_opens_the_letter_pdf_and_the_email_as_sent(env):  # noqa: F811
    world, api, client_id = env
    messaging = world.services.messaging
    letter = _send(
        api,
        {
            "channel": "letter",
            "subject": "Aanmaning",
            "body": "Beste {{ debtor.name }},\n\nBetaal.",
        },
    )
    assert messaging.deliver(client_id, letter) == "sent"
    sms = _send(
        api, {"channel": "sms", "body": "Uw brief: {{ reminder_link }}", "reminder": letter}
    )
    browser = Browser(PortalApp(world.services))
    entered = browser.go("GET", _link_path(messaging.content(client_id, sms).text))
    assert entered.status == 303 and entered.headers["Location"].startswith("/api/portal/reminder/")
    pdf = browser.go("GET", entered.headers["Location"].removeprefix("/api"))
    assert (
        pdf.status == 200 and pdf.content_type == "application/pdf" and pdf.raw.startswith(b"%PDF")
    )

    world.clock.at += timedelta(minutes=5)
    mail = _send(
        api,
        {
            "channel": "email",
            "subject": "Herinnering <b>",
            "body": "Beste {{ debtor.name }} <script>x()</script>",
        },
    )
    assert messaging.deliver(client_id, mail) == "sent"
    sms2 = _send(api, {"channel": "sms", "body": "Uw e-mail: {{ reminder_link }}"})  # the latest
    browser = Browser(PortalApp(world.services))
    entered = browser.go("GET", _link_path(messaging.content(client_id, sms2).text))
    page = browser.go("GET", entered.headers["Location"].removeprefix("/api"))
    assert page.status == 200 and page.content_type == "text/html"
    text = page.raw.decode()
    assert "Beste Debtor D1" in text and "<script>" not in text and "&lt;script&gt;" in text
    csp = page.headers["Content-Security-Policy"]
    assert "sandbox" in csp and "default-src 'none'" in csp and "script-src" not in csp


def test_another_debtors_token_or_a_forged_id_finds_nothing(env):  # noqa: F811
    world, api, client_id = env
    api.call("POST", f"{BASE}/debtors", {"items": [debtor_row("D2")]})
    messaging = world.services.messaging
    letter = _send(api, {"channel": "letter", "subject": "Aanmaning", "body": "Betaal."})
    sms = _send(api, {"channel": "sms", "body": "{{ reminder_link }}", "reminder": letter})
    reminder_id = messaging.content(client_id, sms).text.rsplit("/", 1)[1]
    app = PortalApp(world.services)
    other = Browser(app)
    token = world.services.portal.links.token(client_id, "D2")
    entered = other.go("GET", f"/p/{token}/reminder/{reminder_id}")
    assert entered.status == 303
    assert other.go("GET", f"/portal/reminder/{reminder_id}").status == 404
    assert other.go("GET", "/portal/reminder/!!notbase64").status == 404
    assert other.go("GET", "/portal/reminder/====").status == 404  # decodes to an empty key
    assert other.go("GET", "/portal/reminder/" + "A" * 3000).status == 404
    stranger = Browser(app)
    assert stranger.go("GET", f"/p/forged-token/reminder/{reminder_id}").status == 403
    assert stranger.go("GET", f"/portal/reminder/{reminder_id}").status == 403
