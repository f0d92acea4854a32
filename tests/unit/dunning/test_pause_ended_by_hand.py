"""A pause staff end by hand keeps the day it ended (misc17b): the debtor's pause was dropped
and the invoice's cleared without it, so ``held_until`` knew no hold and the steps planned in
the pause went out on consecutive days (resumed 22-04: the SMS 22-04, the 14-day letter
23-04, designed 7 days apart); the API and the dossier could not say when it ended."""

from __future__ import annotations

from datetime import date

from shared.domain.dunning.workflow import DunningState, held_until
from shared.domain.parties import Debtor, DebtorKind
from tests.unit.api.conftest import debtor_row, world  # noqa: F401
from tests.unit.dunning.test_daily_run import simulate
from tests.unit.dunning.test_pause_keeps_spacing import _client


def test_a_pause_ended_by_hand_is_lifted_the_day_it_ended() -> None:
    debtor = Debtor("C1", "D1", DebtorKind.B2C, "Jan", pause_ended_on=date(2025, 4, 22))
    assert held_until(DunningState(0, date(2025, 3, 17)), debtor) == date(2025, 4, 22)
    plain = Debtor("C1", "D1", DebtorKind.B2C, "Jan")
    state = DunningState(0, date(2025, 3, 17), pause_ended_on=date(2025, 4, 23))
    assert held_until(state, plain) == date(2025, 4, 23)
    assert held_until(DunningState(0, date(2025, 3, 17)), plain) is None


def _sent(log):  # type: ignore[no-untyped-def]
    return [(d.isoformat(), ch) for d, ch, debtor, _ in log if debtor == "D1" and ch != "email"]


def test_the_steps_after_a_debtor_s_pause_ended_by_hand_keep_their_spacing(world):  # noqa: F811
    a, client = _client(world)  # e-mail 7, SMS 12, 14-day letter 19 days after 10-03
    said: dict[str, object] = {}

    def hook(today: date) -> None:
        if today == date(2025, 3, 18):
            assert a.call("POST", "/v1/clients/C1/debtors/D1/pause", {"reason": "belt terug"}).status == 200  # fmt: skip
        if today == date(2025, 4, 22):
            said["resume"] = a.call("POST", "/v1/clients/C1/debtors/D1/resume").body
        if today == date(2025, 4, 25):  # a retry, and the client's CRM pushing the debtor
            said["again"] = a.call("POST", "/v1/clients/C1/debtors/D1/resume").body
            r = a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", name="Jan de Vries")]})  # fmt: skip
            assert r.status in (200, 207), r.body

    log = simulate(world, client, 60, hook)
    # the SMS the day it ended, the letter its designed 7 days after (was 22-04, 23-04)
    assert _sent(log) == [("2025-04-22", "sms"), ("2025-04-29", "letter")], _sent(log)
    assert said["resume"] == {"debtor": "D1", "paused": False, "pause_ended_on": "2025-04-22"}
    assert said["again"] == said["resume"]  # kept: a retry is no new end
    shown = a.call("GET", "/v1/clients/C1/debtors/D1").body
    assert shown["paused"] is False and shown["pause_ended_on"] == "2025-04-22"


def test_the_steps_after_an_invoice_s_pause_ended_early_keep_their_spacing(world):  # noqa: F811
    a, client = _client(world)

    def hook(today: date) -> None:
        if today == date(2025, 3, 18):
            r = a.call("POST", "/v1/clients/C1/invoices/F1/pause", {"until": "2025-05-10"})
            assert r.status == 200, r.body
        if today == date(2025, 4, 22):  # ended before its day
            r = a.call("POST", "/v1/clients/C1/invoices/F1/resume")
            assert r.body == {"invoice": "F1", "paused_until": None, "pause_ended_on": "2025-04-22"}

    log = simulate(world, client, 60, hook)
    assert _sent(log) == [("2025-04-22", "sms"), ("2025-04-29", "letter")], _sent(log)
    shown = a.call("GET", "/v1/clients/C1/invoices/F1").body
    assert shown["paused_until"] is None and shown["pause_ended_on"] == "2025-04-22"


def test_a_pause_that_ran_out_keeps_its_own_end_when_resumed_later(world):  # noqa: F811
    a, client = _client(world)

    def hook(today: date) -> None:
        if today == date(2025, 3, 18):
            r = a.call("POST", "/v1/clients/C1/debtors/D1/pause", {"reason": "x", "until": "2025-04-20"})  # fmt: skip
            assert r.status == 200, r.body
        if today == date(2025, 4, 23):  # ran out on 20-04: lifted 21-04, as without a resume
            r = a.call("POST", "/v1/clients/C1/debtors/D1/resume")
            assert r.body["pause_ended_on"] == "2025-04-21"

    log = simulate(world, client, 60, hook)
    # as test_pause_keeps_spacing without the resume (was: the letter 23-04, the day of it)
    assert _sent(log) == [("2025-04-21", "sms"), ("2025-04-28", "letter")], _sent(log)
