"""The steps after a 14-day letter that went out late count from the letter as sent, and a
step that presumes its term ended never comes inside that term (letters8; art. 6:96 lid 6 BW,
docs/law.md "The 14-day letter").

The letter: an e-mail planned Thu 25-12-2025 (due date Mon 22-12, three days after), held by
the contact hours over Christmas and sent Sat 27-12. Its term by hand: received Sat 27-12,
day 14 Sat 10-1-2026, extended past the weekend (Atw) to Mon 12-1; costs owed from Tue 13-1.
Counted from the planned 25-12 the costs would have been owed from Fri 9-1."""

from __future__ import annotations

from datetime import UTC, date, datetime

from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.dunning.test_daily_run import SEEN, TEMPLATES, day
from tests.unit.dunning.test_fourteen_day_letter_sent_late import DATED

BASE = "/v1/clients/C1/invoices"
LETTER = {"name": "Veertiendagenbrief", "channel": "fourteen_day_letter", "offset_days": 3,
          "letter_by": "email", "templates": {"nl": "t-14"}}  # fmt: skip


def _world(world, after: dict[str, object]):
    SEEN.clear()
    a = world.agency_a
    world.clock.at = datetime(2025, 12, 15, 6, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", contact_email="f@c1.example")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", name="Jan")]})
    dated = {"language": "nl", "subject": "Veertiendagenbrief", "text": DATED,
             "fourteen_day_letter": True}  # fmt: skip
    for tid, body in {**TEMPLATES, "t-14": dated}.items():
        assert a.call("PUT", f"/v1/clients/C1/templates/{tid}", body).status == 200
    workflow = {"name": "W", "steps": [LETTER, after]}
    assert a.call("PUT", "/v1/clients/C1/workflows/w", workflow).status == 200
    assert a.call("POST", "/v1/clients/C1/workflows/w/activate").status == 200
    a.call("PUT", "/v1/clients/C1/segment-rules", {"rules": [{"workflow": "w"}]})
    a.call("POST", BASE, {"items": [invoice_row("F1", "D1", amount="1000.00",
                                                invoice_date="2025-11-01", due_date="2025-12-22")]})  # fmt: skip
    return a, world.services.access.client_for(world.services.access.authenticate(a.key), "C1")


def _step_taken(world, client, first: date, last: date) -> list[tuple[date | None, int]]:
    """Each morning from ``first`` to ``last``: the day and the step F1 got that morning."""
    taken: list[tuple[date | None, int]] = []
    for n in range((last - first).days + 1):
        world.clock.at = datetime(first.year, first.month, first.day, 6, 0, tzinfo=UTC)
        world.clock.advance(days=n)
        day(world, client)
        inv = world.services.repos.invoices.get(client.client_id, "F1").invoice
        if (inv.dunning_step_on, inv.dunning_step) not in [(d, s) for d, s in taken]:
            taken.append((inv.dunning_step_on, inv.dunning_step))
    return taken


def test_a_step_after_the_term_waits_for_the_term_of_the_letter_as_sent(world):
    # "Bellen" 16 days after the letter: counted from the planned 25-12 that is Sat 10-1;
    # from the letter as sent (27-12) Mon 12-1, still the term's last day: so Tue 13-1
    _, client = _world(world, {"name": "Bellen", "channel": "staff_task", "offset_days": 16,
                               "offset_from": "previous_step"})  # fmt: skip
    taken = _step_taken(world, client, date(2025, 12, 22), date(2026, 1, 14))
    assert taken == [
        (None, -1),
        (date(2025, 12, 25), 0),
        (date(2025, 12, 27), 0),
        (date(2026, 1, 13), 1),
    ]


def test_a_reminder_inside_the_term_counts_from_the_day_the_letter_went_out(world):
    # a call 7 days after the letter, meant for inside the term: from 27-12 that is Sat 3-1
    # (from the planned 25-12 it was Thu 1-1, two days too early)
    _, client = _world(world, {"name": "Bellen", "channel": "staff_task", "offset_days": 7,
                               "offset_from": "previous_step"})  # fmt: skip
    taken = _step_taken(world, client, date(2025, 12, 22), date(2026, 1, 4))
    assert taken[-1] == (date(2026, 1, 3), 1)


def test_the_hand_over_never_comes_inside_the_term_of_the_letter_as_sent(world):
    # the hand-over 20 days after the due date (17 after the planned letter): Sun 11-1,
    # inside the term of the letter as sent (to Mon 12-1): it waits for Tue 13-1
    a, client = _world(world, {"name": "Overdracht", "channel": "handover", "offset_days": 20})
    taken = _step_taken(world, client, date(2025, 12, 22), date(2026, 1, 14))
    assert taken[-1] == (date(2026, 1, 13), 1)
    claim = a.call("GET", f"{BASE}/F1/claim", on="2026-01-13").body
    assert claim["costs_owed_from"] == "2026-01-13" and claim["open"]["costs"] == "150.00"
