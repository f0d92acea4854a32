"""Logging's ``extra=`` never collides with the operation's fields: logging raises a KeyError
inside the caller when an extra names an attribute the record factory already set, and once a
whole dunning run went to the poison queue for a log line (the run's client id was both)."""

from __future__ import annotations

import ast
import logging
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from shared.telemetry import context, metrics, setup

ROOT = Path(__file__).resolve().parent.parent.parent.parent  # the repository
LOG_METHODS = {"debug", "info", "warning", "error", "exception", "critical", "log"}


@pytest.fixture
def record_factory() -> Iterator[None]:
    before = logging.getLogRecordFactory()
    setup._install_record_factory()
    try:
        yield
    finally:
        logging.setLogRecordFactory(before)


def test_a_dunning_run_logs_inside_its_own_operation(record_factory, caplog):
    run = SimpleNamespace(client_id="C1", run_id="r1", steps=3, messages=2, errors=[],
                          succeeded=True)  # fmt: skip
    caplog.set_level(logging.INFO, logger="inning")
    with context.operation("run_dunning_client", client_id="C1", run_id="r1"):
        metrics.dunning_run(run)  # raised KeyError: "Attempt to overwrite 'client_id'"
    line = next(r for r in caplog.records if r.getMessage().startswith("dunning run r1"))
    assert (line.client_id, line.run_id, line.due, line.queued) == ("C1", "r1", 3, 2)


def test_outside_an_operation_the_fields_come_from_the_call(record_factory, caplog):
    caplog.set_level(logging.INFO, logger="inning")
    metrics.dunning_run(SimpleNamespace(client_id="C2", run_id="r2", steps=0, messages=0,
                                        errors=[], succeeded=True))  # fmt: skip
    line = next(r for r in caplog.records if r.getMessage().startswith("dunning run r2"))
    assert line.client_id == "C2"


def _log_calls_with_raw_extra(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr not in LOG_METHODS:
            continue
        for keyword in node.keywords:
            value = keyword.value
            guarded = isinstance(value, ast.Call) and (
                getattr(value.func, "id", None) == "log_extra"
                or getattr(value.func, "attr", None) == "log_extra"
            )
            if keyword.arg == "extra" and not guarded:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_every_log_call_passes_its_extra_through_log_extra():
    offenders = [
        hit
        for folder in ("shared", "functions", "tools")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for hit in _log_calls_with_raw_extra(path)
    ]
    assert offenders == []
