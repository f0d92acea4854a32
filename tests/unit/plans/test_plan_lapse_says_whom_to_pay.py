"""debtorplan26: the notice that a plan lapsed named the sum due in full and its build-up, but no
account to pay it to, nothing to quote and nobody who wrote it ("De incassoprocedure wordt
hervat." was its last line), and on the agency's plan not even that the agency collects. Now it
says whom to pay (the client, or the agency on its third-party account), what to quote (the
portal's quote: the agency's starts with the client's code) and is signed, in both languages."""

from __future__ import annotations

from typing import Any

from tests.unit.api.conftest import client_iban
from tests.unit.plans.test_agency_plan import POOLED, _lapse_id, lapsed
from tests.unit.plans.test_plan_lapse_notice_figures import _lapse_notice


def test_the_clients_plan_lapsing_says_whom_to_pay_and_is_signed() -> None:
    text = _lapse_notice(include_costs=False)
    assert (
        "€ 585,19" in text
        and f"Maak het over naar {client_iban('C1')} ten name van Client C1 onder vermelding "
        "van D1 F1."
        in text
    )
    assert text.endswith("Met vriendelijke groet,\nClient C1")


def test_and_in_english() -> None:
    text = _lapse_notice(include_costs=False, language="en")
    assert f"Transfer it to {client_iban('C1')} in the name of Client C1 quoting D1 F1." in text
    assert text.endswith("Kind regards,\nClient C1")


def test_the_agencys_plan_lapsing_names_the_agency_its_account_and_quote(world: Any) -> None:
    _, plan, tech_id = lapsed(world)
    key = f"plan|{plan['plan_id']}|lapsed-{_lapse_id(world, tech_id, plan)}"
    text = world.services.messaging.content(tech_id, key).text
    assert "Noord Incasso int deze facturen voor Client TECH. " in text
    assert f"Maak het over naar {POOLED} ten name van Noord Incasso onder vermelding van " in text
    quote = text.split("onder vermelding van ")[1].split(".\n")[0]
    assert quote.endswith("K101 24-0502") and quote != "K101 24-0502"  # the client's code first
    assert text.endswith("Met vriendelijke groet,\nNoord Incasso"), text
