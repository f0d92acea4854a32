"""Plan e-mails are signed by the plan's party, and the agency's plan speaks for the agency
(plans27; review26 F5).

Before: the agreement, reminders and new schedules ended without a name, and the agency's plan
went out from the client's mailbox (``sender`` tech@example.nl) while it told the debtor to pay
"Noord Incasso ... niet aan Client TECH". Now its mail is from the agency's address (its tenant:
``SENT_AS`` agency), replies go to it, and it is signed "Noord Incasso"; the client's own plan
is signed by the client and sent from its mailbox as before."""

from __future__ import annotations

from typing import Any

from shared.domain.messaging import AS_AGENCY, SENT_AS
from tests.unit.plans.test_agency_plan import _case, _plan
from tests.unit.plans.test_plan_service import BASE, make
from tests.unit.plans.test_plan_service import plans as plans


def test_the_agencys_plan_mail_is_from_and_signed_by_the_agency(world: Any) -> None:
    case = _case(world)
    plan = _plan(world, case)
    tech_id = world.services.repos.clients.id_for_number("agency-a", "TECH")
    key = f"plan|{plan['plan_id']}|agreement"
    [(message, _)] = world.services.messaging.outbox.with_prefix(tech_id, key)
    assert (message.sender, message.reply_to) == ("desk@noord.example", "desk@noord.example")
    assert message.extra.get(SENT_AS) == AS_AGENCY
    text = world.services.messaging.content(tech_id, key).text
    assert text.rstrip().endswith("Met vriendelijke groet,\nNoord Incasso"), text[-200:]


def test_the_clients_plan_mail_is_signed_by_the_client(plans: Any) -> None:
    world, client = plans
    a = world.agency_a
    plan_id = make(a).body["plan_id"]
    assert a.call("POST", f"{BASE}/{plan_id}/activate").status == 200
    key = f"plan|{plan_id}|agreement"
    [(message, _)] = world.services.messaging.outbox.with_prefix(client.client_id, key)
    assert message.sender == "ar@c1.example" and SENT_AS not in message.extra
    text = world.services.messaging.content(client.client_id, key).text
    assert text.rstrip().endswith(f"\n{client.name}"), text[-200:]
    assert "Met vriendelijke groet," in text or "Kind regards," in text


def test_the_agencys_reminder_names_whose_account_in_both_languages(world: Any) -> None:
    """The reminder named the agency's third-party account without its holder: a debtor who
    had only ever paid the client read an unknown account."""
    from datetime import date

    from shared.services.plans import notices
    from tests.unit.plans.test_agency_plan import _at, _pay

    case = _case(world)
    plan = _plan(world, case)
    tech_id = world.services.repos.clients.id_for_number("agency-a", "TECH")
    assert _pay(world, date(2025, 3, 10), 38_497, plan["payment_reference"], "E-1").booked == 1
    _at(world, date(2025, 4, 7))
    world.services.plans.process(tech_id, plan["plan_id"], date(2025, 4, 7))
    key = f"plan|{plan['plan_id']}|remind|2@2025-04-10"
    text = world.services.messaging.content(tech_id, key).text
    assert "ten name van Noord Incasso onder vermelding van" in text, text
    assert text.rstrip().endswith("Met vriendelijke groet,\nNoord Incasso")
    stored, _ = world.services.plans.plans.get(tech_id, plan["plan_id"])
    english = notices.reminder(
        stored, stored.schedule[1], 38_497, "NL00POOL", "en", "Noord Incasso"
    )
    assert "to NL00POOL in the name of Noord Incasso quoting" in english.text
