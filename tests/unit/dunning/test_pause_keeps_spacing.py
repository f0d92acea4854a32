"""After a pause the steps whose day fell in it keep the workflow's spacing, as after a lifted
standing (dunning16 F5: an SMS and the 14-day letter designed a week apart went out on
consecutive days after the pause, and the SMS held by Easter Monday was closed as "openstaand
bedrag gewijzigd" and sent after the letter, when only the letter's costs term had moved)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from shared.services.dunning import still_due
from shared.services.dunning_recheck import CHANGED, COSTS_TERM_CHANGED, DEMANDED, demanded
from tests.unit.api.conftest import client_row, debtor_row, invoice_row, world  # noqa: F401
from tests.unit.dunning.test_daily_run import SEEN, TEMPLATES, simulate

STEPS = [
    {"name": "Herinnering", "channel": "email", "offset_days": 7, "templates": {"nl": "t-reminder"}},
    {"name": "SMS", "channel": "sms", "offset_days": 12, "templates": {"nl": "t-sms"}},
    {"name": "Veertiendagenbrief", "channel": "fourteen_day_letter", "offset_days": 19, "templates": {"nl": "t-14"}},
]  # fmt: skip


def _client(world):  # noqa: F811
    SEEN.clear()
    a = world.agency_a
    world.clock.at = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)
    a.call(
        "POST", "/v1/clients", {"items": [client_row("C1", contact_email="facturen@c1.example")]}
    )
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", name="Jan de Vries")]})
    for template_id, body in TEMPLATES.items():
        assert a.call("PUT", f"/v1/clients/C1/templates/{template_id}", body).status == 200
    assert a.call("PUT", "/v1/clients/C1/workflows/w", {"name": "W", "steps": STEPS}).status == 200
    assert a.call("POST", "/v1/clients/C1/workflows/w/activate").status == 200
    a.call("PUT", "/v1/clients/C1/segment-rules", {"rules": [{"workflow": "w"}]})
    a.call("POST", "/v1/clients/C1/invoices",
           {"items": [invoice_row("F1", "D1", due_date="2025-03-10", amount="400.00")]})  # fmt: skip
    return a, world.services.access.client_for(world.services.access.authenticate(a.key), "C1")


def test_the_steps_after_a_pause_keep_their_spacing_and_order(world):  # noqa: F811
    a, client = _client(world)

    def pause(today):
        if today == date(2025, 3, 18):
            r = a.call("POST", "/v1/clients/C1/debtors/D1/pause",
                       {"reason": "regeling", "until": "2025-04-20"})  # fmt: skip
            assert r.status == 200, r.body

    log = simulate(world, client, 60, pause)
    sent = [(d.isoformat(), ch) for d, ch, debtor, _ in log if debtor == "D1"]
    # the SMS planned the day after the pause (Easter Monday: held to Tuesday), the letter its
    # designed 7 days after it (was: planned and posted on 22-4, the SMS then re-planned to 23-4)
    assert sent == [("2025-03-17", "email"), ("2025-04-21", "sms"), ("2025-04-28", "letter")]
    keys = [m.key for m in world.services.messaging.outbox.list(client.client_id)[0]]
    assert len(keys) == 3  # nothing closed unsent and planned again


def test_a_reminder_whose_costs_term_alone_moved_says_so(world):  # noqa: F811
    _, client = _client(world)
    repos = world.services.repos
    stored = repos.invoices.get(client.client_id, "F1")
    extras = {DEMANDED: demanded([stored.invoice], repos.store, client.client_id, "D1")}
    # a 14-day letter set the costs term meanwhile: the amount did not move
    repos.invoices.save(replace(stored.invoice, costs_owed_from=date(2025, 5, 9)), stored)
    due, why = still_due(repos, client.client_id, "D1", ["F1"], date(2025, 4, 22), extras)
    assert due == ["F1"] and why == {"F1": COSTS_TERM_CHANGED}
    # a payment did move it
    stored = repos.invoices.get(client.client_id, "F1")
    repos.invoices.save(replace(stored.invoice, paid=10000), stored)
    due, why = still_due(repos, client.client_id, "D1", ["F1"], date(2025, 4, 22), extras)
    assert due == ["F1"] and why == {"F1": CHANGED}
