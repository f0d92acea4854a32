from datetime import UTC, datetime

import pytest

from tools.devhost.config import HostConfig, timespan_seconds
from tools.devhost.ncrontab import CronError, Schedule
from tools.devhost.routes import RouteTemplate


def at(*args: int) -> datetime:
    return datetime(*args).replace(tzinfo=UTC)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("expr", "after", "expected"),
    [
        ("0 0 6 * * *", at(2025, 3, 3, 5, 0), at(2025, 3, 3, 6, 0)),
        ("0 0 6 * * *", at(2025, 3, 3, 6, 0), at(2025, 3, 4, 6, 0)),
        ("*/15 * * * * *", at(2025, 3, 3, 5, 0, 7), at(2025, 3, 3, 5, 0, 15)),
        ("0 30 9 * * 1-5", at(2025, 3, 7, 10, 0), at(2025, 3, 10, 9, 30)),  # Fri -> Mon
        ("0 0 9 * * Mon", at(2025, 3, 3, 9, 0), at(2025, 3, 10, 9, 0)),
        ("0 0 0 1 Jan *", at(2025, 3, 3), at(2026, 1, 1)),
        ("0 0 12 29 2 *", at(2025, 3, 1), at(2028, 2, 29, 12)),
        ("5 4 * * *", at(2025, 3, 3, 4, 5), at(2025, 3, 4, 4, 5)),  # five fields: no seconds
        ("0 0 8 1,15 * *", at(2025, 3, 2), at(2025, 3, 15, 8)),
    ],
)
def test_next_occurrence(expr, after, expected):
    assert Schedule.parse(expr).next_after(after) == expected


@pytest.mark.parametrize(
    "expr", ["", "* * *", "61 * * * * *", "0 0 25 * * *", "x * * * * *", "*/0 * * * * *"]
)
def test_invalid_expressions(expr):
    with pytest.raises(CronError):
        Schedule.parse(expr)


def test_route_templates():
    r = RouteTemplate.compile("api", "items/{id:int}/{name?}")
    assert r.match("/api/items/5/x") == {"id": "5", "name": "x"}
    assert r.match("/api/items/5") == {"id": "5"}
    assert r.match("/api/items/x") is None
    catch = RouteTemplate.compile("api", "v1/{*path}")
    assert catch.match("/api/v1/a/b") == {"path": "a/b"}
    assert RouteTemplate.compile("", "hello").match("/hello") == {}


def test_host_json_parsing():
    cfg = HostConfig.from_dict(
        {
            "version": "2.0",
            "extensions": {
                "queues": {"batchSize": 8, "maxDequeueCount": 2, "visibilityTimeout": "00:00:30"}
            },
        }
    )
    assert cfg.route_prefix == "api"
    assert cfg.queues.batch_size == 8 and cfg.queues.max_dequeue_count == 2
    assert cfg.queues.visibility_timeout == 30
    assert timespan_seconds("1.02:00:00", 0) == 93600
    with pytest.raises(ValueError):
        HostConfig.from_dict({"version": "2.0", "extensions": {"queues": {"batchSize": 64}}})


# The examples of the Functions timer documentation ("NCRONTAB examples"), each with the
# occurrences that follow Friday 2025-01-03 08:00 UTC.
DOCUMENTED = [
    ("0 */5 * * * *", [at(2025, 1, 3, 8, 5), at(2025, 1, 3, 8, 10)]),  # every five minutes
    ("0 0 * * * *", [at(2025, 1, 3, 9), at(2025, 1, 3, 10)]),  # the top of every hour
    ("0 0 */2 * * *", [at(2025, 1, 3, 10), at(2025, 1, 3, 12)]),  # every two hours
    (
        "0 0 9-17 * * *",  # every hour from 9 AM to 5 PM
        [at(2025, 1, 3, h) for h in range(9, 18)] + [at(2025, 1, 4, 9)],
    ),
    ("0 30 9 * * *", [at(2025, 1, 3, 9, 30), at(2025, 1, 4, 9, 30)]),  # 9:30 every day
    (
        "0 30 9 * * 1-5",  # 9:30 every weekday: Friday, then Monday
        [at(2025, 1, 3, 9, 30), at(2025, 1, 6, 9, 30), at(2025, 1, 7, 9, 30)],
    ),
    (
        "0 30 9 * Jan Mon",  # 9:30 every Monday in January, then next January
        [at(2025, 1, d, 9, 30) for d in (6, 13, 20, 27)] + [at(2026, 1, 5, 9, 30)],
    ),
]


@pytest.mark.parametrize(("expr", "expected"), DOCUMENTED)
def test_documented_examples(expr, expected):
    schedule = Schedule.parse(expr)
    moment, seen = at(2025, 1, 3, 8, 0), []
    for _ in expected:
        moment = schedule.next_after(moment)
        seen.append(moment)
    assert seen == expected


@pytest.mark.parametrize(
    ("expr", "after", "expected"),
    [
        # both restricted: the day must be a 13th AND a Friday (2025-06-13, then 2026-02-13)
        ("0 0 9 13 * Fri", at(2025, 1, 1), at(2025, 6, 13, 9)),
        ("0 0 9 13 * Fri", at(2025, 6, 13, 9), at(2026, 2, 13, 9)),
        # the 1st of a month that is a Monday: 2025-09-01, then 2025-12-01
        ("0 0 6 1 * 1", at(2025, 3, 3), at(2025, 9, 1, 6)),
        ("0 0 6 1 * 1", at(2025, 9, 1, 6), at(2025, 12, 1, 6)),
        # a restricted day with * weekdays, and the other way round, are unaffected
        ("0 0 6 1 * *", at(2025, 3, 3), at(2025, 4, 1, 6)),
        ("0 0 6 * * 1", at(2025, 3, 4), at(2025, 3, 10, 6)),
    ],
)
def test_day_and_weekday_must_both_match(expr, after, expected):
    assert Schedule.parse(expr).next_after(after) == expected
