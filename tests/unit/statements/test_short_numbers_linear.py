"""A remittance full of short numbers costs the matcher no seconds (attack19 F5): each short
number searched the whole text before it with a $-anchored pattern from every start (951
characters 0.45 s of CPU, 3,801 characters 28 s). The number joined before it is found walking
back from its end, the same number the pattern found."""

from __future__ import annotations

import random
import re
import time

from shared.domain.statements.matching import _joined_end, short_numbers

BEFORE = re.compile(r"[0-9A-Za-z](?:[0-9A-Za-z]|[-/.](?=[0-9A-Za-z]))*$")


def test_a_text_of_short_numbers_costs_no_seconds() -> None:
    text = "A" * 1200 + " " + "B1 " * 350  # 5 s of CPU before
    started = time.process_time()
    assert short_numbers(text) == [("1", "B1")]
    assert time.process_time() - started < 0.5


def test_the_joined_number_is_the_one_the_pattern_found() -> None:
    chance = random.Random(19)
    for _ in range(20_000):
        text = "".join(chance.choice("aZ09-/. \nxé") for _ in range(chance.randint(0, 12)))
        found = BEFORE.search(text)
        assert _joined_end(text) == (found.group() if found else None), repr(text)


def test_the_numbers_read_before_are_read() -> None:
    assert short_numbers("factuur 2026-7 en F12") == [("7", "20267"), ("12", "F12")]
    assert short_numbers("betaling 09.2021/01, nr. 5") == [("1", "09202101"), ("5", "5")]
    assert short_numbers("7 dozen op 7.9.2021") == []
