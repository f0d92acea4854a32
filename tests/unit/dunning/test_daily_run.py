"""The dunning engine over simulated weeks, through the API and the services (fake clock,
in-memory storage and queues)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from shared.api.http import ApiRequest
from shared.clock import amsterdam_date
from tests.unit.api.conftest import client_row, debtor_row, invoice_row

FOURTEEN = (
    "Beste {{ debtor.name }},\n\nBetaal {{ total|money }} binnen veertien dagen vanaf de dag nadat deze brief bij u is bezorgd. "
    "Indien u niet binnen deze termijn betaalt, bent u incassokosten van {{ costs|money }} verschuldigd."
)
TEMPLATES = {
    "t-reminder": {"language": "nl", "subject": "Herinnering {% for i in invoices %}{{ i.number }} {% endfor %}",
                   "text": "Beste {{ debtor.name }}, openstaand: {{ principal|money }}. IBAN {{ client.iban }}"},
    "t-sms": {"language": "nl", "text": "Herinnering: {{ principal|money }} staat open bij {{ client.name }}"},
    "t-14": {"language": "nl", "subject": "Veertiendagenbrief", "text": FOURTEEN, "fourteen_day_letter": True},
}  # fmt: skip
WORKFLOW = {
    "name": "Particulier",
    "steps": [
        {"name": "Herinnering", "channel": "email", "offset_days": 7, "templates": {"nl": "t-reminder"}, "fallback": "letter"},
        {"name": "SMS", "channel": "sms", "offset_days": 5, "offset_from": "previous_step", "templates": {"nl": "t-sms"}},
        {"name": "Veertiendagenbrief", "channel": "fourteen_day_letter", "offset_days": 7, "offset_from": "previous_step", "templates": {"nl": "t-14"}},
        {"name": "Bellen", "channel": "staff_task", "offset_days": 16, "offset_from": "previous_step"},
    ],
}  # fmt: skip


@pytest.fixture
def engine(world):
    SEEN.clear()
    a = world.agency_a
    world.clock.at = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)
    a.call(
        "POST", "/v1/clients", {"items": [client_row("C1", contact_email="facturen@c1.example")]}
    )
    a.call(
        "POST",
        "/v1/clients/C1/debtors",
        {"items": [debtor_row("D1", name="Jan de Vries"), debtor_row("D2", name="Piet")]},
    )
    for template_id, body in TEMPLATES.items():
        assert a.call("PUT", f"/v1/clients/C1/templates/{template_id}", body).status == 200
    assert a.call("PUT", "/v1/clients/C1/workflows/particulier", WORKFLOW).status == 200
    assert a.call("POST", "/v1/clients/C1/workflows/particulier/activate").status == 200
    assert (
        a.call(
            "PUT", "/v1/clients/C1/segment-rules", {"rules": [{"workflow": "particulier"}]}
        ).status
        == 200
    )
    due = "2025-03-10"
    a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row("F1", "D1", due_date=due), invoice_row("F2", "D1", due_date=due, amount="50.00"), invoice_row("F3", "D2", due_date=due),
    ]})  # fmt: skip
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    return world, client


SEEN: set[str] = set()


def day(world, client):
    """One morning: the timer's fan-out, the client's run and the message jobs, as the queues
    would deliver them (a job deferred past a Sunday comes back the next day)."""
    services = world.services
    services.dunning.fan_out()
    jobs = [json.loads(j.body) for j in services.messaging.queues.take("dunning-run")]
    for job in jobs:
        if job["client_id"] == client.client_id:
            services.dunning.run_client(job["client_id"], date.fromisoformat(job["date"]))
    sent = []
    for channel in ("email", "sms", "letter"):
        for job in services.messaging.queues.take(f"send-{channel}"):
            body = json.loads(job.body)
            services.messaging.deliver(body["client_id"], body["key"])
            if body["key"] in SEEN:
                continue
            SEEN.add(body["key"])
            record, _ = services.messaging.outbox.get(body["client_id"], body["key"])
            sent.append(
                (
                    amsterdam_date(world.clock.now()),
                    channel,
                    record.debtor_number,
                    record.invoice_numbers,
                )
            )
    return sent


def simulate(world, client, days, hook=None):
    log = []
    for _ in range(days):
        if hook:
            hook(amsterdam_date(world.clock.now()))
        log += day(world, client)
        world.clock.advance(days=1)
    return log


def test_debtors_walk_the_workflow_with_one_message_per_step(engine):
    world, client = engine
    log = simulate(world, client, 46)
    d1 = [(d, ch) for d, ch, debtor, _ in log if debtor == "D1"]
    assert d1 == [
        (date(2025, 3, 17), "email"),
        (date(2025, 3, 22), "sms"),
        (date(2025, 3, 29), "letter"),
    ]
    first = next(entry for entry in log if entry[2] == "D1")
    assert first[3] == ("F1", "F2")  # both invoices in one message
    tasks = [a["kind"] for a in world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]]
    # one per debtor, 16 days after the letter and never inside its term (letters8): posted
    # Sat 29-3, received Wed 2-4 (no delivery on Sunday or Monday), term to Wed 16-4: on 17-4
    assert tasks.count("staff_task") == 2
    invoice = world.agency_a.call("GET", "/v1/clients/C1/invoices/F1").body
    assert invoice["status"] == "open"


def test_the_fourteen_day_letter_is_a_pdf_and_sets_when_costs_are_owed(engine):
    world, client = engine
    simulate(world, client, 27)
    stored = world.services.repos.invoices.get(client.client_id, "F1").invoice
    assert stored.costs_owed_from is not None and stored.costs_owed_from > date(
        2025, 3, 29
    ) + timedelta(days=14)
    letters = [n for (c, n) in world.services.files.blobs if c == "dossiers"]
    assert letters and letters[0].endswith(".pdf")


def test_a_payment_midway_stops_the_debtor(engine):
    world, client = engine

    def pay(today):
        if today == date(2025, 3, 20):
            world.agency_a.call("POST", "/v1/clients/C1/invoices", {"items": [
                invoice_row("F1", "D1", due_date="2025-03-10", open_amount="0.00"),
                invoice_row("F2", "D1", due_date="2025-03-10", amount="50.00", open_amount="0.00"),
            ]})  # fmt: skip

    log = simulate(world, client, 40, pay)
    assert [ch for _, ch, debtor, _ in log if debtor == "D1"] == ["email"]
    assert [ch for _, ch, debtor, _ in log if debtor == "D2"] == ["email", "sms", "letter"]


def test_a_pause_holds_and_resume_continues_where_it_was(engine):
    world, client = engine

    def pause(today):
        if today == date(2025, 3, 18):
            assert (
                world.agency_a.call(
                    "POST",
                    "/v1/clients/C1/debtors/D1/pause",
                    {"reason": "regeling", "until": "2025-04-05"},
                ).status
                == 200
            )

    log = simulate(world, client, 40, pause)
    d1 = [(d, ch) for d, ch, debtor, _ in log if debtor == "D1"]
    assert d1[0] == (date(2025, 3, 17), "email")
    assert d1[1] == (date(2025, 4, 6), "sms")  # held by the pause, then on where it was
    entries = world.agency_a.call("GET", "/v1/clients/C1/debtors/D1/contacts").body["items"]
    assert any(e["kind"] == "pause" for e in entries)


def test_running_the_same_day_twice_sends_nothing_twice(engine):
    world, client = engine
    world.clock.at = datetime(2025, 3, 17, 8, 0, tzinfo=UTC)
    services = world.services
    first = services.dunning.run_client(client.client_id, date(2025, 3, 17))
    again = services.dunning.run_client(client.client_id, date(2025, 3, 17))
    jobs = services.messaging.queues.take("send-email")
    keys = {json.loads(j.body)["key"] for j in jobs}
    assert first.steps == 2 and again.steps == 0 and len(keys) == 2
    for job in jobs + jobs:  # and each job delivered twice
        body = json.loads(job.body)
        services.messaging.deliver(body["client_id"], body["key"])
    sent = [
        m for m in services.messaging.outbox.list(client.client_id)[0] if m.status.value == "sent"
    ]
    assert len(sent) == 2


def test_runs_are_recorded_and_listed_oldest_success_first(engine):
    world, client = engine
    day(world, client)
    runs = world.agency_a.call("GET", "/v1/clients/C1/runs").body["items"]
    assert runs and runs[0]["succeeded"]
    world.agency_a.call("POST", "/v1/clients", {"items": [client_row("C2")]})
    overview = world.agency_a.call("GET", "/v1/dunning/runs").body["items"]
    assert [r["client"] for r in overview] == ["C2", "C1"]  # never ran first


def test_activation_is_refused_for_a_bad_fourteen_day_letter(engine):
    world, _ = engine
    a = world.agency_a
    bad = {
        "language": "nl",
        "subject": "x",
        "text": "Betaal binnen 14 dagen na dagtekening.",
        "fourteen_day_letter": True,
    }
    r = a.call("PUT", "/v1/clients/C1/templates/t-bad", bad)
    assert r.status == 422 and "14-day letter must state" in r.body["error"]["message"]
    broken = a.call(
        "PUT",
        "/v1/clients/C1/templates/t-broken",
        {"language": "nl", "text": "regel 1\n{{ onbekend }}"},
    )
    assert broken.status == 422 and broken.body["error"]["details"][0]["line"] == 2
    wf = {
        "name": "x",
        "steps": [
            {
                "name": "brief",
                "channel": "fourteen_day_letter",
                "offset_days": 1,
                "templates": {"nl": "t-reminder"},
            }
        ],
    }
    a.call("PUT", "/v1/clients/C1/workflows/x", wf)
    r = a.call("POST", "/v1/clients/C1/workflows/x/activate")
    assert (
        r.status == 422
        and "not marked as a 14-day letter" in r.body["error"]["details"][0]["message"]
    )


def test_preview_renders_without_sending(engine):
    world, _ = engine
    r = world.agency_a.call("POST", "/v1/clients/C1/templates/t-reminder/preview", {"debtor": "D1"})
    assert r.status == 200 and "Jan de Vries" in r.body["text"] and "€ 171,00" in r.body["text"]
    assert world.services.messaging.queues.sent == [] or all(
        m.queue == "dunning-run" for m in world.services.messaging.queues.sent
    )


def test_contact_log_export(engine):
    world, client = engine
    simulate(world, client, 20)
    request = ApiRequest(
        "GET",
        "/v1/clients/C1/contact-log.csv",
        {"x-api-key": world.agency_a.key},
        {"from": "2025-03-01", "to": "2025-03-31"},
    )
    r = world.api.handle(request)
    lines = r.encoded().decode().splitlines()
    assert lines[0].startswith("date,time,debtor,kind") and len(lines) > 1


def test_an_approaching_prescription_goes_on_the_action_list_once(engine):
    world, client = engine
    world.agency_a.call(
        "POST",
        "/v1/clients/C1/invoices",
        {"items": [invoice_row("OLD", "D2", invoice_date="2023-02-01", due_date="2023-03-20")]},
    )
    world.clock.at = datetime(2025, 3, 17, 8, 0, tzinfo=UTC)  # B2C: prescribes 2025-03-21
    day(world, client)
    world.clock.advance(days=1)
    day(world, client)
    items = [
        a
        for a in world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
        if a["kind"] == "prescription"
    ]
    assert len(items) == 1 and items[0]["invoice_numbers"] == ["OLD"]


def test_a_busy_clients_hand_over_carries_the_debtors_own_messages(engine):
    """The case's dossier read the first 1,000 records of the client's whole outbox and kept
    the debtor's: with 1,000 messages to other debtors sorting first, D1's were missing."""
    from shared.domain.messaging import Channel, OutboundMessage

    world, client = engine
    outbox = world.services.messaging.outbox
    for n in range(1_000):
        outbox.add(OutboundMessage(client.client_id, f"dun|A{n:04d}|w|0|x", Channel.EMAIL,
                                   f"A{n:04d}", "a@example.com", world.clock.now()))  # fmt: skip
    a = world.agency_a
    steps = [*WORKFLOW["steps"], {"name": "Overdracht", "channel": "handover", "offset_days": 5,
                                  "offset_from": "previous_step"}]  # fmt: skip
    a.call("PUT", "/v1/clients/C1/workflows/particulier", {"name": "Particulier", "steps": steps})
    assert a.call("POST", "/v1/clients/C1/workflows/particulier/activate").status == 200
    simulate(world, client, 55)
    [case] = [c for c in a.call("GET", "/v1/cases").body["items"] if c["debtor_number"] == "D1"]
    dossier = a.call("GET", f"/v1/cases/{case['case_id']}").body["dossier"]
    assert {m["channel"] for m in dossier["messages"]} >= {"email", "sms", "letter"}
    assert all(m["key"].startswith("dun|D1|") for m in dossier["messages"])


def test_hand_over_creates_a_case_with_the_dossier_and_the_agency_can_withdraw_it(engine):
    world, client = engine
    a = world.agency_a
    steps = [
        *WORKFLOW["steps"],
        {
            "name": "Overdracht",
            "channel": "handover",
            "offset_days": 5,
            "offset_from": "previous_step",
        },
    ]
    a.call("PUT", "/v1/clients/C1/workflows/particulier", {"name": "Particulier", "steps": steps})
    assert a.call("POST", "/v1/clients/C1/workflows/particulier/activate").status == 200
    simulate(world, client, 55)
    cases = a.call("GET", "/v1/cases").body["items"]
    mine = [c for c in cases if c["debtor_number"] == "D1"]
    assert (
        len(mine) == 1
        and mine[0]["invoice_numbers"] == ["F1", "F2"]
        and mine[0]["status"] == "open"
    )
    case = a.call("GET", f"/v1/cases/{mine[0]['case_id']}").body
    dossier = case["dossier"]
    assert [i["number"] for i in dossier["invoices"]] == ["F1", "F2"]
    assert {m["channel"] for m in dossier["messages"]} >= {"email", "sms", "letter"}
    assert dossier["contact_log"] and dossier["amounts"]["costs"] != "0.00"
    assert (
        world.services.repos.invoices.get(client.client_id, "F1").invoice.handed_over_to
        == "agency-a"
    )
    assert world.agency_b.call("GET", f"/v1/cases/{mine[0]['case_id']}").status == 404
    r = a.call(
        "POST", f"/v1/cases/{mine[0]['case_id']}/withdraw", {"reason": "debiteur onvindbaar"}
    )
    assert r.status == 200 and r.body["status"] == "withdrawn"
    assert world.services.repos.invoices.get(client.client_id, "F1").invoice.handed_over_to is None
    kinds = [x["kind"] for x in a.call("GET", "/v1/clients/C1/actions").body["items"]]
    assert "case_withdrawn" in kinds
    told = [
        m
        for m in world.services.messaging.outbox.list(client.client_id)[0]
        if m.key.startswith("case-")
    ]
    assert {m.to for m in told} == {"facturen@c1.example"} and len(told) >= 2
    assert (
        a.call("POST", f"/v1/cases/{mine[0]['case_id']}/withdraw", {"reason": "nog eens"}).status
        == 422
    )


def test_reminder_carries_the_invoice_pdf_and_templates_get_the_qr_code(engine):
    world, client = engine
    a = world.agency_a
    pdf = b"%PDF-1.4 invoice F1"
    r = world.api.handle(
        ApiRequest("PUT", "/v1/clients/C1/invoices/F1/pdf", {"x-api-key": a.key}, {}, pdf)
    )
    assert r.status == 201
    assert (
        world.api.handle(
            ApiRequest("PUT", "/v1/clients/C1/invoices/F1/pdf", {"x-api-key": a.key}, {}, b"nope")
        ).status
        == 400
    )
    world.clock.at = datetime(2025, 3, 17, 8, 0, tzinfo=UTC)
    world.services.dunning.run_client(client.client_id, date(2025, 3, 17))
    jobs = [json.loads(j.body) for j in world.services.messaging.queues.take("send-email")]
    d1 = next(j for j in jobs if "|D1|" in j["key"])
    content = world.services.messaging.content(d1["client_id"], d1["key"])
    assert [att.data for att in content.attachments] == [pdf]
    # where the mail sends the debtor for the PDFs when it cannot carry them (misc17a 2)
    assert "/api/p/" in content.attachments_at
    a.call(
        "PUT",
        "/v1/clients/C1/templates/t-qr",
        {"language": "nl", "text": "x", "html": "<div>{{ qr_svg|safe }}</div>"},
    )
    preview = a.call("POST", "/v1/clients/C1/templates/t-qr/preview", {"debtor": "D2"}).body
    assert "<svg" in (preview["html"] or "")


def test_notes_and_a_manual_workflow_override(engine):
    world, client = engine
    a = world.agency_a
    r = a.call(
        "POST",
        "/v1/clients/C1/debtors/D1/notes",
        {"text": "Gebeld: betaalt vrijdag", "channel": "phone"},
    )
    assert r.status == 201
    log = a.call("GET", "/v1/clients/C1/debtors/D1/contacts", system="false").body["items"]
    assert log[0]["summary"] == "Gebeld: betaalt vrijdag"
    a.call(
        "POST",
        "/v1/clients/C1/debtors",
        {"items": [debtor_row("D1", name="Jan de Vries", workflow="geen-zo-workflow")]},
    )
    world.clock.at = datetime(2025, 3, 17, 8, 0, tzinfo=UTC)
    record = world.services.dunning.run_client(client.client_id, date(2025, 3, 17))
    assert record.steps == 1  # only D2: D1's override names no active workflow


def test_a_large_client_is_run_in_shards_that_together_cover_every_debtor(engine):
    world, _ = engine
    a = world.agency_a
    a.call(
        "POST",
        "/v1/clients",
        {"items": [client_row("C1", contact_email="facturen@c1.example", dunning_shards=3)]},
    )
    world.clock.at = datetime(2025, 3, 17, 8, 0, tzinfo=UTC)
    assert world.services.dunning.fan_out() == 3
    jobs = [json.loads(j.body) for j in world.services.messaging.queues.take("dunning-run")]
    steps = sum(
        world.services.dunning.run_client(
            j["client_id"], date.fromisoformat(j["date"]), j["shard"], j["shards"]
        ).steps
        for j in jobs
    )
    assert steps == 2  # D1 and D2, each once, whichever shard they fell in


def test_a_debtor_with_hundreds_of_invoices_at_one_step_is_dunned(engine):
    """newcomer7 finding 2: 400 to 600 invoices at one step made the message's bookkeeping
    larger than one Table Storage property; the client's run failed every day into poison."""
    world, client = engine
    a = world.agency_a
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D9", name="Groothandel")]})
    rows = [invoice_row(f"2025-INV-{n:06d}", "D9", due_date="2025-03-10", amount="12.10")
            for n in range(600)]  # fmt: skip
    for start in (0, 300):
        reply = a.call("POST", "/v1/clients/C1/invoices", {"items": rows[start : start + 300]})
        assert reply.body["created"] == 300, reply.body
    log = simulate(world, client, 15)
    d9 = [(d, ch, numbers) for d, ch, debtor, numbers in log if debtor == "D9"]
    assert [(d, ch) for d, ch, _ in d9] == [(date(2025, 3, 17), "email")]
    assert len(d9[0][2]) == 600  # one message for all of them
    runs = a.call("GET", "/v1/clients/C1/runs").body["items"]
    assert runs and all(r["succeeded"] for r in runs), runs
