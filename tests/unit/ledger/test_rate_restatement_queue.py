"""A rate table's upload queues the restatement, one message per client, and answers at once;
a message handled twice restates once; a worker whose cache holds the old table restates with
the new one; a payment booked on the old table by such a worker after the upload is corrected
by the second pass (rates10).

The claim of test_rate_table_restatement.py: consumer F1 1,000.00 due 31-5-2026, 300.00 paid
1-9-2026 on the stale table (10.08 interest); 3.50 % from 1-7-2026 put in force on 1-12 gives
9.23 and 709.23 open. A worker that read the table at 8:58 books 100.00 received 1-12 at 9:05
with the old 4 %: 17.16 interest paid in all, 617.16 open; the second pass makes it what a
booking on the new table gives, 15.42 (709.23 x 3.5 % x 91/365 = 6.19 more) and 615.42."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from shared.bootstrap import build_services
from shared.domain.law.interest_rates import rate_table_csv
from shared.domain.people.audit import Event
from shared.domain.records import PaymentSource
from shared.services.container import Services
from shared.services.rate_restatement import (
    FUNCTION_TIMEOUT_SECONDS,
    RESTATE_QUEUE,
    SECOND_PASS_SECONDS,
)
from shared.services.rates import CACHE_SECONDS
from tests.support.code_scan import ROOT
from tests.support.rate_tables import table_before_july_2026
from tests.unit.api.conftest import SETTINGS, World, client_row
from tests.unit.ledger.test_rate_table_restatement import _booked, _claim, deliver

# written for the shipped table that ended at 2026-01-01 (tests/support/rate_tables.py)
pytestmark = pytest.mark.usefixtures("shipped_before_july_2026")

NEWER = rate_table_csv(table_before_july_2026()) + "2026-07-01,3.50,9.65\n"
UPLOAD = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _upload(world: World) -> int:
    world.clock.at = UPLOAD
    return world.services.statutory_rates.upload(NEWER.encode(), author="test").clients_queued


def _another_worker(world: World) -> Services:
    """A second worker over the same storage, with a rate cache of its own."""
    return build_services(SETTINGS, clock=world.clock, store=world.store,
                          files=world.services.files, queues=world.services.queues,
                          senders={})  # fmt: skip


def _pay(services: Services, world: World, payment_id: str, cents: int, on: date) -> None:
    a = world.agency_a
    assert a.key is not None
    principal = services.access.authenticate(a.key)
    assert principal is not None
    client = services.access.client_for(principal, "C1")
    services.payments.book(client, payment_id=payment_id, amount=cents, received_on=on,
                           source=PaymentSource.BANK, invoice_numbers=["F1"])  # fmt: skip


def _client_audit(world: World) -> list[tuple[str, str]]:
    client_id = world.services.repos.clients.id_for_number("agency-a", "C1")
    return [
        (e.detail["restatement"], e.detail["claims_restated"])
        for e in world.services.people.kit.people.audit.between(f"client:{client_id}", "0", "z")
        if e.event is Event.STATUTORY_RATES_CHANGED
    ]


def test_the_upload_answers_at_once_with_the_clients_queued(world):
    _booked(world)
    world.agency_a.call("POST", "/v1/clients", {"items": [client_row("C2")]})
    world.agency_b.call("POST", "/v1/clients", {"items": [client_row("C9")]})
    assert _upload(world) == 3  # every client of every agency: the table is the platform's
    queued = world.services.queues.take(RESTATE_QUEUE)  # type: ignore[attr-defined]
    assert [m.delay_seconds for m in queued] == [0, 0, 0]
    assert {json.loads(m.body)["since"] for m in queued} == {"2026-07-01"}
    world.services.queues.sent.extend(queued)  # type: ignore[attr-defined]
    # nothing restated on the request: the claim is as booked until its message is handled
    assert _claim(world, "2026-09-01")["paid"]["interest"] == "10.08"
    assert deliver(world) == 3
    assert _claim(world, "2026-09-01")["paid"]["interest"] == "9.23"


def test_the_api_says_how_many_clients_are_queued(world):
    from dataclasses import replace

    _booked(world)
    world.services.settings = replace(world.services.settings, operator_agency="agency-a")
    world.clock.at = UPLOAD
    put = world.agency_a.call("PUT", "/v1/statutory-rates", raw=NEWER.encode())
    assert (put.status, put.body["clients_queued"]) == (200, 1)
    again = world.agency_a.call("PUT", "/v1/statutory-rates", raw=NEWER.encode())
    assert (again.body["version"], again.body["clients_queued"]) == (put.body["version"], 1)


def test_a_message_handled_twice_restates_once(world):
    from shared.services.queue_jobs import restate_client_rates

    _booked(world)
    _upload(world)
    [message] = world.services.queues.take(RESTATE_QUEUE)  # type: ignore[attr-defined]
    for _ in range(2):  # delivered again: the host lost the first completion
        restate_client_rates(world.services, message.body.encode())
    claim = _claim(world, "2026-09-01")
    assert (claim["paid"]["interest"], claim["open"]["principal"]) == ("9.23", "709.23")
    assert _client_audit(world) == [("first pass", "1")]  # one entry, not one per delivery
    second = world.services.queues.take(RESTATE_QUEUE)  # type: ignore[attr-defined]
    assert {m.delay_seconds for m in second} == {SECOND_PASS_SECONDS}
    world.services.queues.sent.extend(second)  # type: ignore[attr-defined]
    deliver(world, later=True)  # found nothing booked on the old table: no second entry
    assert _client_audit(world) == [("first pass", "1")]
    assert _claim(world, "2026-09-01")["paid"]["interest"] == "9.23"


def test_a_worker_whose_cache_holds_the_old_table_restates_with_the_new_one(world):
    from shared.services.queue_jobs import restate_client_rates

    _booked(world)
    other = _another_worker(world)
    world.clock.at = UPLOAD - timedelta(minutes=2)
    assert other.statutory_rates.table().newest.effective_from == date(2026, 1, 1)
    _upload(world)
    [message] = world.services.queues.take(RESTATE_QUEUE)  # type: ignore[attr-defined]
    restate_client_rates(other, message.body.encode())  # its cache is 2 minutes old
    assert _claim(world, "2026-09-01")["paid"]["interest"] == "9.23"


def test_a_payment_booked_on_the_old_table_after_the_upload_is_corrected_by_the_second_pass(
    world,
):
    _booked(world)
    other = _another_worker(world)
    world.clock.at = UPLOAD - timedelta(minutes=2)
    other.statutory_rates.table()  # read before the upload, kept for ten minutes
    _upload(world)
    assert deliver(world) == 1  # the first pass: p1 restated
    world.clock.at = UPLOAD + timedelta(minutes=5)
    _pay(other, world, "p2", 10_000, date(2026, 12, 1))  # on the old table, in its cache
    booked = _claim(world, "2026-12-01")
    # 9.23 + 7.93 at the old 4 %: the 0.85 the restatement took off the first months again,
    # and 7.07 on the next three
    assert (booked["paid"]["interest"], booked["open"]["total"]) == ("17.16", "617.16")
    world.clock.at = UPLOAD + timedelta(seconds=SECOND_PASS_SECONDS)
    assert deliver(world, later=True) == 1
    claim = _claim(world, "2026-12-01")
    assert claim["paid"]["interest"] == "15.42"  # 9.23 + 6.19 at 3.50 %
    assert claim["paid"]["principal"] == "384.58"  # 290.77 + 93.81
    assert claim["open"]["total"] == "615.42"
    assert _client_audit(world) == [("first pass", "1"), ("second pass", "1")]


def test_the_second_pass_comes_after_the_cache_window_and_a_function_timeout():
    host = json.loads(Path(ROOT, "host.json").read_text())
    hours, minutes, seconds = map(int, host["functionTimeout"].split(":"))
    assert hours * 3600 + minutes * 60 + seconds <= FUNCTION_TIMEOUT_SECONDS
    assert SECOND_PASS_SECONDS >= CACHE_SECONDS + FUNCTION_TIMEOUT_SECONDS
    assert SECOND_PASS_SECONDS <= 7 * 24 * 3600  # a queue message is invisible at most 7 days


def test_the_cli_says_how_many_clients_are_queued(world, monkeypatch, tmp_path, capsys):
    from shared.cli import app_settings
    from shared.cli.main import main

    _booked(world)
    monkeypatch.setattr(app_settings, "cli_services", lambda *a, **k: world.services)
    (tmp_path / "rates.csv").write_text(NEWER)
    world.clock.at = UPLOAD
    assert main(["rates", "update", str(tmp_path / "rates.csv")]) == 0
    out = capsys.readouterr().out
    assert "the claims it changes are restated on the rate-restatement queue: 1 client(s) " in out
    assert "each again after 20 minutes" in out
    assert main(["rates", "update", str(tmp_path / "rates.csv"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["clients_queued"] == 1  # queued again
