"""The 503 page said "try again in a few seconds" whatever the wait (provfix32's leftover): a
Mollie account paused for an hour told the debtor seconds. It now says the real wait when it
is known: seconds under a minute, else the time to come back on the debtor's clock
(Europe/Amsterdam, summer time included), with the day when that is not today."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shared.api.outage import UNAVAILABLE_TEXT, unavailable_text

WINTER = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # 10:00 in Amsterdam (UTC+1)
SUMMER = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)  # 11:00 in Amsterdam (UTC+2)


@pytest.mark.parametrize(
    ("now", "wait", "lang", "said"),
    [
        (WINTER, 3600, "nl", "Probeer het om 11:00 uur opnieuw."),
        (SUMMER, 3600, "nl", "Probeer het om 12:00 uur opnieuw."),
        (WINTER, 5399.2, "en", "Please try again at 11:30."),  # rounded up to the minute
        (SUMMER, 90, "en", "Please try again at 11:02."),
        (WINTER, 45, "nl", "Probeer het over 45 seconden opnieuw."),
        (WINTER, 45, "en", "Please try again in 45 seconds."),
        # past midnight in Amsterdam: the day is said (22:30 UTC in summer is 00:30 there)
        (datetime(2026, 7, 1, 21, 0, tzinfo=UTC), 5400, "nl",
         "Probeer het op 02-07-2026 om 00:30 uur opnieuw."),
        (datetime(2026, 1, 5, 22, 0, tzinfo=UTC), 86_400, "en",
         "Please try again on 6 January 2026 at 23:00."),
    ],
)  # fmt: skip
def test_a_known_wait_is_said_as_the_dutch_time_to_come_back(now, wait, lang, said):
    assert said in unavailable_text(lang, wait, now)


def test_an_unknown_or_short_wait_stays_a_few_seconds():
    assert unavailable_text("nl", None, WINTER) == UNAVAILABLE_TEXT["nl"]
    assert unavailable_text("en", 5, WINTER) == UNAVAILABLE_TEXT["en"]
    assert unavailable_text("fr", None, WINTER) == UNAVAILABLE_TEXT["nl"]
