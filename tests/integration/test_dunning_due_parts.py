"""A dunning run's due schedule rows read in parts (failure31 F3), on both table stores: each
part at most ``limit`` rows after the key the previous one ended on, the key to go on after
while more may be due, every due row read once over the chain, none due later; the marks of
the chain's follow-up jobs taken away together."""

from __future__ import annotations

import uuid
from datetime import date

from shared.services.repositories import Repositories

TODAY = date(2026, 3, 17)


def test_the_due_rows_are_read_in_parts_each_once(repos: Repositories) -> None:
    client_id = "cl-" + uuid.uuid4().hex[:8]
    dunning = repos.dunning
    due = [(date(2026, 3, d), f"D{n}", f"F/{n}") for n, d in enumerate([2, 9, 9, 16, 17, 17, 17])]
    later = dunning.schedule_key(date(2026, 3, 18), "D9", "F9")
    moves = [(None, dunning.schedule_key(on, d, i)) for on, d, i in due] + [(None, later)]
    dunning.reschedule(client_id, moves)
    assert dunning.mark_once(client_id, "more|20260317|0|a")  # beside the schedule: not due
    read: list[str] = []
    after: str | None = None
    parts = 0
    while True:
        part, after = dunning.due_part(client_id, TODAY, after, 3)
        parts += 1
        assert len(part) <= 3
        read += [e.invoice_number for e in part]
        if after is None:
            break
    assert read == [i for _, _, i in due] and parts == 3
    assert dunning.due_part(client_id, TODAY, None, 7) == (dunning.due(client_id, TODAY), None)
    assert dunning.mark_once(client_id, "more|20260317|0|b")
    dunning.unmark_all(client_id, "more|20260317|0|")
    assert not dunning.marked(client_id, "more|20260317|0|a")
    assert not dunning.marked(client_id, "more|20260317|0|b")


def test_a_backlogs_day_marks_are_listed_and_the_earlier_days_go(repos: Repositories) -> None:
    """golive33: the first steps a shard gave on a day, read back in one range read (the
    marks of another shard and of other kinds not among them), the earlier days' taken away."""
    from shared.adapters.tables.keys import encode
    from shared.services.dunning_spread import DaySlots

    client_id = "cl-" + uuid.uuid4().hex[:8]
    dunning = repos.dunning
    assert dunning.mark_once(client_id, "spread|0|20260316|D1")
    assert dunning.mark_once(client_id, "spread|1|20260317|D2")
    assert dunning.mark_once(client_id, "more|20260317|0|a")
    slots = DaySlots(repos, client_id, TODAY, 0, 2, 3)
    assert (slots.limit, slots.left()) == (2, 2)
    assert slots.take("D3") and slots.take("D/4") and not slots.take("D5")
    assert slots.take("D3")  # given today already
    slots.forget_earlier()
    wanted = sorted(f"20260317|{encode(n)}" for n in ("D3", "D/4"))
    assert dunning.marks(client_id, "spread|0|") == wanted  # 16-3's gone
    again = DaySlots(repos, client_id, TODAY, 0, 2, 3)
    assert again.left() == 0 and not again.take("D6") and again.take("D3")
    assert dunning.marks(client_id, "spread|1|") == ["20260317|D2"]
    assert dunning.marked(client_id, "more|20260317|0|a")
