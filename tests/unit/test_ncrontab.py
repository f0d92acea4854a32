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
