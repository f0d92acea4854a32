"""review24 N4 (texts26): the dispute item's "end dispute" form offered a message that named no
day and said only "closed by the day collection goes on (in 14 days)": the person sending it
did not see the words the debtor would read after his. Now the form shows that sentence, in
the debtor's language, with the Amsterdam day (04-03-2025 + 14: 18-03-2025), and the debtor
gets exactly the person's words and that sentence."""

from __future__ import annotations

import html
from datetime import date

from shared.domain.people.authorisation import Role
from shared.services.dispute_ending import resumes_words
from tests.unit.console.conftest import csrf_of, desk_for
from tests.unit.console.test_action_decisions import form_with, seed, told


def _item(world, tenants, number: str):  # type: ignore[no-untyped-def]
    seed(world)  # 04-03-2025 10:00 Amsterdam; D1 Dutch (F1, F2), D2 English (E1)
    reply = world.agency_a.call(
        "POST", f"/v1/clients/C1/invoices/{number}/dispute", {"reason": "never came"}
    )
    assert reply.status == 200, reply.body
    listed = world.services.action_desk.listed(tenants.c1, kind="dispute", assignee="", resolved=False)  # fmt: skip
    (item,) = list(listed)
    return item


def test_the_form_shows_the_sentence_the_debtor_reads_after_the_message(world, tenants):  # type: ignore[no-untyped-def]
    item = _item(world, tenants, "F2")
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    page = staff.get(f"/actions/{item.action_id}?lang=en")
    form = html.unescape(form_with(page, "end-dispute"))
    said = resumes_words("nl", date(2025, 3, 18))
    assert said.startswith("Wij hervatten de invordering op 18-03-2025.")
    assert f"After your message follows: <q>{said}</q>" in form
    done = staff.post(f"/actions/{item.action_id}", {
        "csrf": csrf_of(page), "do": "end-dispute", "reason": "",
        "channel": "email", "subject": "Uw bezwaar", "body": "Wij houden F2 staande."})  # fmt: skip
    assert done.status == 303, done.encoded()
    assert told(world, tenants.c1, "D1") == ["Wij houden F2 staande.\n" + said]


def test_an_english_debtor_is_shown_the_english_sentence(world, tenants):  # type: ignore[no-untyped-def]
    item = _item(world, tenants, "E1")
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    form = html.unescape(form_with(staff.get(f"/actions/{item.action_id}"), "end-dispute"))
    assert "Na uw bericht volgt: <q>We resume collection on 18 March 2025." in form
