"""No step that presumes the 14-day term ran while a consumer's 14-day letter never went out
(newcomer18 F3, art. 6:96 lid 6 BW).

Hand: consumer D-7001 "Jansen, P.", p.jansen@example.nl, no postal address; 2026-2001
1,234.56 due 15-11-2026 and 2026-2003 266.66 due 17-11-2026: principal 1,501.22. The starter
workflow as it was (the 14-day step by post, no fallback): the letter became a staff task on
6-12 (2001) and 8-12 (2003), then "Bellen" 16 days later and the hand-over 14 days after that
went ahead: a case with costs 0.00, an agency collecting from a consumer who never got the
letter. Now "Bellen" and the hand-over wait, the task says so; once an address is added the
letter goes by post, its term counts from its day and the hand-over follows it with the
costs a letter makes owed: 15 % of 1,501.22 = 225.18 (one letter for both invoices, lid 7).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from shared.api.console.action_text import resolution
from shared.domain.dunning.workflow import StepChannel
from shared.services.dunning_starter import save_starter, starter_workflow
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.dunning.test_daily_run import SEEN, day

START = date(2026, 11, 16)


def _setup(world, fallback: StepChannel | None):
    SEEN.clear()
    a = world.agency_a
    world.clock.at = datetime(2026, 11, 16, 6, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", contact_email="f@c1.example")]})
    jansen = debtor_row("D-7001", name="Jansen, P.", emails=["p.jansen@example.nl"])
    jansen.pop("address")
    jansen.pop("mobile")
    assert a.call("POST", "/v1/clients/C1/debtors", {"items": [jansen]}).body["created"] == 1
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    save_starter(world.services.repos, client.client_id)
    starter = starter_workflow()
    steps = tuple(
        replace(s, fallback=fallback) if s.channel is StepChannel.FOURTEEN_DAY_LETTER else s
        for s in starter.steps
    )
    world.services.repos.dunning.save_workflow(client.client_id, replace(starter, steps=steps))
    a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row("2026-2001", "D-7001", amount="1234.56", invoice_date="2026-11-01", due_date="2026-11-15"),
        invoice_row("2026-2003", "D-7001", amount="266.66", invoice_date="2026-11-03", due_date="2026-11-17"),
    ]})  # fmt: skip
    return a, client


def _days(world, client, first: date, last: date) -> list[tuple[date, str, str, tuple[str, ...]]]:
    sent = []
    on = first
    while on <= last:
        world.clock.at = datetime(on.year, on.month, on.day, 6, 0, tzinfo=UTC)
        sent += day(world, client)
        on += timedelta(days=1)
    return sent


def _cases(a) -> list[Any]:
    return list(a.call("GET", "/v1/cases").body["items"])


def _tasks(a) -> list[Any]:
    items = a.call("GET", "/v1/clients/C1/actions").body["items"]
    return [i for i in items if i["kind"] == "staff_task"]


def test_no_hand_over_while_the_consumers_letter_never_went_out(world):
    a, client = _setup(world, None)
    sent = _days(world, client, START, date(2027, 2, 15))
    assert [s[1] for s in sent] == ["email", "email"]  # the two reminders, no letter
    assert _cases(a) == []  # was: a case with costs 0.00 on 16-1-2027
    tasks = _tasks(a)
    assert not [t for t in tasks if str(t["title"]).startswith("Bellen")]
    letters = [t for t in tasks if str(t["title"]).startswith("Veertiendagenbrief")]
    assert len(letters) == 2  # 6-12 for 2026-2001, 8-12 for 2026-2003
    for letter in letters:
        note = str(letter["detail"]["note"])
        assert "the hand-over and the steps after the letter's term wait" in note, note
        assert "add the debtor's postal address or give the step the e-mail fallback" in note
    for number in ("2026-2001", "2026-2003"):
        claim = a.call("GET", f"/v1/clients/C1/invoices/{number}/claim", on="2027-02-15").body
        assert claim["open"]["costs"] == "0.00"


def test_an_address_added_sends_the_letter_and_its_term_counts_from_its_day(world):
    a, client = _setup(world, None)
    _days(world, client, START, date(2027, 1, 6))
    assert _cases(a) == []
    jansen = debtor_row("D-7001", name="Jansen, P.", emails=["p.jansen@example.nl"])
    jansen.pop("mobile")
    reply = a.call("POST", "/v1/clients/C1/debtors", {"items": [jansen]})
    assert reply.status == 200, reply.body
    sent = _days(world, client, date(2027, 1, 7), date(2027, 3, 1))
    letters = [s for s in sent if s[1] == "letter"]
    # one letter for both invoices (lid 7), posted the morning after the address came
    assert len(letters) == 1 and letters[0][3] == ("2026-2001", "2026-2003"), sent
    posted = letters[0][0]
    assert posted == date(2027, 1, 7)
    [case] = _cases(a)
    dossier = a.call("GET", f"/v1/cases/{case['case_id']}").body["dossier"]
    assert dossier["amounts"]["costs"] == "225.18", dossier["amounts"]
    # posted Thu 7-1, received Sat 9-1, term 10-1..23-1, a Saturday: to Mon 25-1; costs from
    # Tue 26-1, "Bellen" then (16 days after the letter: 23-1, held to the term's end), the
    # hand-over 14 days later
    assert {i["costs_owed_from"] for i in dossier["invoices"]} == {"2027-01-26"}
    assert str(case["created_at"]).startswith("2027-02-09"), case


def test_the_starter_workflow_e_mails_the_letter_to_a_consumer_without_an_address(world):
    assert starter_workflow().steps[2].fallback is StepChannel.EMAIL
    a, client = _setup(world, StepChannel.EMAIL)
    save_starter(world.services.repos, client.client_id)  # the starter as it is now
    sent = _days(world, client, START, date(2027, 1, 20))
    letters = [s for s in sent if s[1] == "email" and s[0] >= date(2026, 12, 6)]
    assert letters[:2] == [
        (date(2026, 12, 6), "email", "D-7001", ("2026-2001",)),
        (date(2026, 12, 8), "email", "D-7001", ("2026-2003",)),
    ], sent
    costs: dict[tuple[str, ...], str] = {}
    for case in _cases(a):
        dossier = a.call("GET", f"/v1/cases/{case['case_id']}").body["dossier"]
        costs[tuple(case["invoice_numbers"])] = dossier["amounts"]["costs"]
    # 15 % of 1,234.56 = 185.18 and the minimum 40.00 for 266.66: 225.18 together
    assert costs == {("2026-2001",): "185.18", ("2026-2003",): "40.00"}, costs


def test_the_client_s_own_letter_imported_lets_the_steps_go_on_after_its_term(world):
    a, client = _setup(world, None)
    _days(world, client, START, date(2027, 1, 6))
    rows = [
        invoice_row(n, "D-7001", amount=amt, invoice_date=dated, due_date=due,
                    fourteen_day_letter_on="2027-01-06")
        for n, amt, dated, due in (("2026-2001", "1234.56", "2026-11-01", "2026-11-15"),
                                   ("2026-2003", "266.66", "2026-11-03", "2026-11-17"))
    ]  # fmt: skip
    reply = a.call("POST", "/v1/clients/C1/invoices", {"items": rows})
    assert reply.status == 200 and not reply.body["errors"], reply.body
    sent = _days(world, client, date(2027, 1, 7), date(2027, 3, 1))
    assert [s for s in sent if s[1] == "letter"] == []  # the client's letter counts
    [case] = _cases(a)
    dossier = a.call("GET", f"/v1/cases/{case['case_id']}").body["dossier"]
    assert dossier["amounts"]["costs"] == "225.18", dossier["amounts"]
    # posted Wed 6-1, received Fri 8-1, term 9-1..22-1: costs from 23-1, "Bellen" then, the
    # hand-over 14 days later
    assert {i["costs_owed_from"] for i in dossier["invoices"]} == {"2027-01-23"}
    assert str(case["created_at"]).startswith("2027-02-06"), case


def test_a_bounced_letter_holds_the_hand_over_and_is_not_sent_again_by_the_run(world):
    """A consumer's e-mailed letter bounced (its term taken off, letters8): the hand-over 20
    days after it waits (was: a case with costs 0.00 on 23-3-2025), and the run does not
    e-mail the same address again: a person sends it again from the delivery_failure item."""
    from shared.domain.messaging import OutboxStatus
    from tests.unit.dunning.test_daily_run import TEMPLATES

    SEEN.clear()
    a = world.agency_a
    world.clock.at = datetime(2025, 3, 3, 6, 0, tzinfo=UTC)  # Monday
    a.call("POST", "/v1/clients", {"items": [client_row("C1", contact_email="f@c1.example")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", name="Jan")]})
    for tid, body in TEMPLATES.items():
        assert a.call("PUT", f"/v1/clients/C1/templates/{tid}", body).status == 200
    workflow = {"name": "W", "steps": [
        {"name": "Veertiendagenbrief", "channel": "fourteen_day_letter", "offset_days": 3,
         "templates": {"nl": "t-14"}, "letter_by": "email"},
        {"name": "Overdracht", "channel": "handover", "offset_days": 20, "offset_from": "previous_step"},
    ]}  # fmt: skip
    assert a.call("PUT", "/v1/clients/C1/workflows/w", workflow).status == 200
    assert a.call("POST", "/v1/clients/C1/workflows/w/activate").status == 200
    a.call("PUT", "/v1/clients/C1/segment-rules", {"rules": [{"workflow": "w"}]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row(
        "F1", "D1", amount="1000.00", invoice_date="2025-02-01", due_date="2025-02-28")]})  # fmt: skip
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    first = day(world, client)
    assert [s[1] for s in first] == ["email"]
    [(message, _)] = world.services.messaging.outbox.with_prefix(client.client_id, "dun|D1|")
    world.clock.at = datetime(2025, 3, 4, 9, 0, tzinfo=UTC)
    assert world.services.messaging.record_status(
        message.provider, message.provider_id, OutboxStatus.BOUNCED, "550 5.1.1 mailbox unknown"
    )
    sent = _days(world, client, date(2025, 3, 5), date(2025, 4, 30))
    assert [s for s in sent if s[2] == "D1"] == [], sent
    assert _cases(a) == []


def test_the_letters_task_is_closed_when_the_letter_goes_out_after_all(world):
    """lawyer20 L4: the tasks "Veertiendagenbrief" (6-12 for 2026-2001, 8-12 for 2026-2003) said
    "the 14-day letter was not sent" from the letter posted on 7-1 up to the hand-over of 9-2:
    a person acting on them sent the debtor a second 14-day letter with another last day to
    pay. The letter that goes out after all resolves them, saying when (in Dutch on the
    console)."""
    a, client = _setup(world, None)
    _days(world, client, START, date(2027, 1, 6))
    jansen = debtor_row("D-7001", name="Jansen, P.", emails=["p.jansen@example.nl"])
    jansen.pop("mobile")
    assert a.call("POST", "/v1/clients/C1/debtors", {"items": [jansen]}).status == 200
    _days(world, client, date(2027, 1, 7), date(2027, 1, 8))
    letters = [t for t in _tasks(a) if str(t["title"]).startswith("Veertiendagenbrief")]
    assert len(letters) == 2
    said = "the 14-day letter went out after all on 2027-01-07 (its term counts from then)"
    assert [(t["status"], t["resolution"]) for t in letters] == [("resolved", said)] * 2, letters
    assert resolution(said, "nl", lambda _: None) == (
        "de veertiendagenbrief is alsnog verstuurd op 07-01-2027 (de termijn loopt vanaf dan)"
    )
    # the other tasks (the SMS no mobile could carry) are not the letter's to close
    assert {t["status"] for t in _tasks(a) if str(t["title"]).startswith("SMS")} == {"open"}
