"""After a payment plan ends (cancelled by staff, or lapsed) the steps whose day fell while it
held the invoice keep the workflow's spacing, as after a pause (codereview16b F2: the plan left
nothing for the spacing rule; the SMS planned the day of the cancel was closed unsent, the
14-day letter went out the next day and the SMS two days after the letter)."""

from __future__ import annotations

from datetime import date

from shared.domain.dunning.workflow import DunningState, held_until
from shared.domain.parties import Debtor, DebtorKind
from tests.unit.api.conftest import world  # noqa: F401
from tests.unit.dunning.test_daily_run import simulate
from tests.unit.dunning.test_pause_keeps_spacing import _client


def test_a_plan_that_ended_is_lifted_the_day_after_like_a_pause() -> None:
    debtor = Debtor("C1", "D1", DebtorKind.B2C, "Jan")
    state = DunningState(0, date(2025, 3, 17), plan_ended_on=date(2025, 4, 20))
    assert held_until(state, debtor) == date(2025, 4, 21)
    assert held_until(DunningState(0, date(2025, 3, 17)), debtor) is None


def test_the_steps_after_a_cancelled_plan_keep_their_spacing(world):  # noqa: F811
    a, client = _client(world)  # e-mail 7, SMS 12, 14-day letter 19 days after 10-03
    made: dict[str, str] = {}

    def hook(today: date) -> None:
        if today == date(2025, 3, 18):
            r = a.call("POST", "/v1/clients/C1/plans", {
                "debtor": "D1", "invoices": ["F1"], "start": "2025-03-31", "installments": 2})  # fmt: skip
            assert r.status == 201, r.body
            made["id"] = r.body["plan_id"]
            assert a.call("POST", f"/v1/clients/C1/plans/{made['id']}/activate").status == 200
        if today == date(2025, 4, 20):
            r = a.call("POST", f"/v1/clients/C1/plans/{made['id']}/cancel",
                       {"reason": "debiteur wil anders betalen"})  # fmt: skip
            assert r.status == 200, r.body

    log = simulate(world, client, 60, hook)
    dunned = [(d.isoformat(), ch) for d, ch, debtor, _ in log if debtor == "D1" and ch != "email"]
    # as after the pause until 20-04: the SMS the day after, the letter its designed 7 days
    # after it (was: the letter 21-04, the SMS again 23-04)
    assert dunned == [("2025-04-21", "sms"), ("2025-04-28", "letter")], dunned
    keys = [m.key for m in world.services.messaging.outbox.list(client.client_id)[0]]
    assert len([k for k in keys if k.startswith("dun|D1|")]) == 3, keys  # none closed, re-planned
