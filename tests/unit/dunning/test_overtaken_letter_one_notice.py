"""law12c #4: an extension of one invoice of a combined 14-day letter never costs the consumer a
second WIK amount (docs/law.md: "an arrangement meant in his favour never costs him a second
staffel"; "neither invoice owes more than its letter announced").

The engine's F1 (121.00) and F2 (50.00) of D1, due 10-3-2025: our 14-day letter Saturday 29-3
for both, costs owed from 17-4: one staffel over 171.00 (15 % = 25.65 < 40.00: the minimum
40.00), pro rata 40.00 x 121 / 171 = 28.30 (28.304) for F1 and 11.70 for F2. On 5-4 the
client's sync moves F1's due date to 30-4: the letter is none for F1 (law11b F1) and a new one
goes out on Thursday 1-5 (costs owed from 20-5). F1 stays a member of the notice of 29-3: F2
keeps its 11.70 (before: 40.00, back-dated to 17-4), F1's new letter owes its share 28.30
(before: 40.00 of its own), 40.00 together as the one letter of 29-3 announced (before: 80.00)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from tests.unit.api.conftest import invoice_row
from tests.unit.dunning.test_daily_run import engine, simulate  # noqa: F401

CLAIM = "/v1/clients/C1/invoices/{n}/claim"


def _open(a, n: str, on: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    body: dict[str, dict[str, str]] = a.call("GET", CLAIM.format(n=n), on=on).body
    return body["open"]


def test_an_extended_invoice_stays_in_its_letters_notice(engine) -> None:  # noqa: F811
    world, client = engine
    a = world.agency_a
    simulate(world, client, 33)  # 3-3 .. 4-4: the letter of 29-3 for F1 and F2
    assert (_open(a, "F1", "2025-04-20")["costs"], _open(a, "F2", "2025-04-20")["costs"]) == (
        "28.30", "11.70")  # fmt: skip
    world.clock.at = datetime(2025, 4, 5, 9, 0, tzinfo=UTC)
    moved = a.call("POST", "/v1/clients/C1/invoices",
                   {"items": [invoice_row("F1", "D1", due_date="2025-04-30")]})  # fmt: skip
    assert moved.body["updated"] == 1, moved.body
    # F2's share as its letter announced it, also for the days before the move's view
    f2 = _open(a, "F2", "2025-04-20")
    assert (f2["costs"], f2["total"]) == ("11.70", "62.03"), f2
    assert _open(a, "F1", "2025-04-20")["costs"] == "0.00"
    log = simulate(world, client, 50)  # 5-4 .. 24-5
    letters = [(d, n) for d, ch, debtor, n in log if debtor == "D1" and ch == "letter"]
    assert letters == [(date(2025, 5, 1), ("F1",))], log
    # the new letter states the share it will owe, not a staffel of its own
    sent = [m for m in world.services.messaging.outbox.list(client.client_id, page_size=500)[0]
            if m.channel.value == "letter" and m.invoice_numbers == ("F1",)]  # fmt: skip
    assert len(sent) == 1, sent
    text = world.services.messaging.content(client.client_id, sent[0].key).text
    assert "incassokosten van € 28,30 verschuldigd" in text, text
    assert _open(a, "F1", "2025-05-19")["costs"] == "0.00"
    # 25-5: F1 28.30 from 20-5, interest 1-5..24-5 24 d x 6 % x 121.00 / 365 = 0.48 (0.477)
    f1, f2 = _open(a, "F1", "2025-05-25"), _open(a, "F2", "2025-05-25")
    assert (f1["costs"], f1["interest"], f1["total"]) == ("28.30", "0.48", "149.78"), f1
    # F2: 11.70; interest 11-3..24-5 75 d x 6 % x 50.00 / 365 = 0.62 (0.616)
    assert (f2["costs"], f2["interest"], f2["total"]) == ("11.70", "0.62", "62.32"), f2
    stored = world.services.repos.invoices.get(client.client_id, "F1").invoice
    assert stored.overtaken_notice == date(2025, 4, 17)
