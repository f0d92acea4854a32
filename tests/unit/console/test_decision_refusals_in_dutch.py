"""words10: a decision's own form faults and the refusal of a step that failed after the
decision was taken read Dutch on the Dutch page (they were the service's English)."""

from __future__ import annotations

import re

from shared.domain.people.authorisation import Role
from shared.services.errors import Invalid
from tests.unit.console.conftest import csrf_of, desk_for
from tests.unit.console.test_action_decisions import request, seed
from tests.unit.console.test_decisions_once import grant_fields


def _notice(page) -> str:  # type: ignore[no-untyped-def]
    found = re.search(
        r'<p class="notice error"[^>]*>(.*?)</p>', page.encoded().decode(), flags=re.S
    )
    assert found, page.encoded().decode()[:600]
    return found.group(1)


def test_a_decisions_form_faults_read_dutch(world, tenants):
    seed(world)
    item = request(world, tenants.c1, "D1", ("F1",))
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    page = staff.get(f"/actions/{item.action_id}")
    no_body = staff.post(f"/actions/{item.action_id}", grant_fields(page, body=" "))
    assert no_body.status == 422 and _notice(no_body).endswith(
        "schrijf het bericht aan de debiteur"
    )
    no_channel = staff.post(f"/actions/{item.action_id}", grant_fields(page, channel="fax"))
    assert no_channel.status == 422
    assert _notice(no_channel).endswith("kies hoe de debiteur het bericht krijgt")
    wrong = staff.post(f"/actions/{item.action_id}", {"csrf": csrf_of(page), "do": "end-dispute"})
    assert wrong.status == 422
    assert _notice(wrong).endswith("deze beslissing hoort niet bij deze soort actie")


def test_a_step_that_failed_after_the_decision_says_why_in_dutch(world, tenants, monkeypatch):
    seed(world)
    item = request(world, tenants.c1, "D1", ("F1",))
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    page = staff.get(f"/actions/{item.action_id}")

    def refused(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise Invalid("an e-mail needs a subject", field="subject", code="email_needs_subject")

    monkeypatch.setattr(world.services.by_hand, "send_by_hand", refused)
    half = staff.post(f"/actions/{item.action_id}", grant_fields(page))
    text = half.encoded().decode()
    assert half.status == 409
    assert (
        "het bericht aan de debiteur is niet verstuurd (Een e-mail heeft een onderwerp nodig.)"
        in text
    )
    assert "needs a subject" not in text
