"""The daily run's follow_closed racing a client's withdrawal of a case's last invoice
(failure10 F8): the case is withdrawn once, told once, and the request answers 200 (the
withdrawal was saved and followed; a 422 is not retried and reads as refused)."""

from __future__ import annotations

from tests.unit.dunning.test_case_follow_after_crash import _daily_run
from tests.unit.dunning.test_case_follows_credit import _agency_items, _agency_mail
from tests.unit.dunning.test_case_withdrawal_by_client import handed_over
from tests.unit.dunning.test_daily_run import engine  # noqa: F401


def test_a_withdrawal_racing_the_daily_run_answers_ok_and_tells_once(engine):  # noqa: F811
    world, client = engine
    a = world.agency_a
    case_id = handed_over(world, client)
    repos = world.services.repos
    assert a.call("POST", "/v1/clients/C1/invoices/F1/credit").status == 200  # F2 is left
    cases = world.services.dunning.cases
    real = cases.withdraw
    raced: list[int] = []

    def withdraw(*args, **kw):  # type: ignore[no-untyped-def]
        if not raced:  # the daily run's follow_closed goes first, between the read and this
            raced.append(1)
            _daily_run(world, client)
        return real(*args, **kw)

    cases.withdraw = withdraw  # type: ignore[method-assign]
    # F2 withdrawn: the request read the case open with F2 only, the run withdraws it meanwhile
    r = a.call("POST", "/v1/clients/C1/invoices/F2/withdraw")
    assert raced
    assert repos.cases.get("agency-a", case_id)[0].status == "withdrawn"
    assert len(_agency_mail(world, client, f"case-{case_id}-withdrawn-agency")) == 1
    assert len([i for i in _agency_items(world, "case_withdrawn") if case_id in i["title"]]) == 1
    assert r.status == 200, r.body  # the invoice is withdrawn and the agency told
