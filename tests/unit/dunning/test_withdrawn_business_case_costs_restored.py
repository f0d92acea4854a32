"""law28 (disputes27's left item): business cases withdrawn before disputes27's deploy kept
0.00 costs (K061 1,000.00: 0.00, where the hand-over made 150.00 owed). They are not restated
by themselves: the client took the case back and has collected on the figure without costs,
so restating would move what the client was told (shared/services/withdrawn_case_costs.py).
`inning agency withdrawn-costs <agency>` lists them; `--restore <case>` restores one on a
person's decision: the hand-over as the sommatie day of its open claims without money booked,
once, noted on the debtor's log. A consumer's case, and one withdrawn since the deploy, are
not listed."""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from typing import Any

from shared.services.cases import CaseService
from tests.unit.api.conftest import world  # noqa: F401 (fixture)
from tests.unit.dunning.test_business_handed_over_owes_costs import _run


def _command(world: Any, monkeypatch: Any, capsys: Any, restore: str | None = None) -> Any:  # noqa: F811
    import shared.cli.app_settings as app_settings
    from shared.cli.admin_commands import cmd_agency_withdrawn_costs

    monkeypatch.setattr(app_settings, "cli_services", lambda: world.services)
    args = argparse.Namespace(agency_id="agency-a", restore=restore, json=True)
    assert cmd_agency_withdrawn_costs(args) == 0
    return json.loads(capsys.readouterr().out)


def _costs(a: Any, number: str) -> str:
    claim = a.call("GET", f"/v1/clients/C1/invoices/{number}/claim", on="2026-11-20").body
    return str(claim["open"]["costs"])


def _k061_withdrawn_before(world: Any, monkeypatch: Any) -> tuple[Any, dict[str, str]]:  # noqa: F811
    """K061's case withdrawn on 12-11-2026 by the code before disputes27 (costs day lost)."""
    a = _run(world)
    cases = {c["debtor_number"]: c["case_id"] for c in a.call("GET", "/v1/cases").body["items"]}
    world.clock.at = datetime(2026, 11, 12, 9, 0, tzinfo=UTC)
    monkeypatch.setattr(CaseService, "_hand_over_kept", lambda self, client, case: None)
    assert a.call("POST", f"/v1/cases/{cases['K061']}/withdraw", {"reason": "zelf"}).status == 200
    monkeypatch.undo()
    return a, cases


def test_a_case_withdrawn_before_is_listed_and_restored_once(world, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    a = _run(world)
    cases = {c["debtor_number"]: c["case_id"] for c in a.call("GET", "/v1/cases").body["items"]}
    world.clock.at = datetime(2026, 11, 12, 9, 0, tzinfo=UTC)
    with monkeypatch.context() as before:  # withdrawn by the code before disputes27
        before.setattr(CaseService, "_hand_over_kept", lambda self, client, case: None)
        for debtor in ("K061", "P1"):
            reply = a.call("POST", f"/v1/cases/{cases[debtor]}/withdraw", {"reason": "zelf"})
            assert reply.status == 200, reply.body
    reply = a.call("POST", f"/v1/cases/{cases['K062']}/withdraw", {"reason": "zelf"})  # after
    assert reply.status == 200, reply.body
    assert _costs(a, "2026-0061") == "0.00"  # what the old withdrawal left
    assert _costs(a, "2026-0062") == "40.00"  # kept by disputes27's withdrawal

    listed = _command(world, monkeypatch, capsys)["cases"]
    assert [(c["case_id"], c["debtor_number"]) for c in listed] == [(cases["K061"], "K061")]
    assert listed[0]["handed_over_on"] == "2026-11-03"
    assert listed[0]["claims"] == [
        {"invoice_number": "2026-0061", "owed_from": "2026-11-03", "left": None}
    ]

    done = _command(world, monkeypatch, capsys, restore=cases["K061"])
    assert done == {"case_id": cases["K061"], "restored": ["2026-0061"]}
    assert _costs(a, "2026-0061") == "150.00"  # was 0.00
    again = _command(world, monkeypatch, capsys, restore=cases["K061"])
    assert again["restored"] == []
    assert _command(world, monkeypatch, capsys)["cases"] == []
    assert _costs(a, "2026-0063") == "0.00"  # the consumer: no 14-day letter, no costs
    log = a.call("GET", "/v1/clients/C1/debtors/K061/contacts").body["items"]
    assert sum("Collection costs of the hand-over restored on 2026-0061" in e["summary"]
               for e in log) == 1  # fmt: skip


def test_a_claim_with_money_booked_since_is_left_to_a_person(world, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    from datetime import date

    from shared.domain.records import PaymentSource

    a, cases = _k061_withdrawn_before(world, monkeypatch)
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    world.services.payments.book(
        client, payment_id="p-61", amount=10_000, received_on=date(2026, 11, 13),
        source=PaymentSource.MOLLIE, invoice_numbers=["2026-0061"], external_id="tr_61",
    )  # fmt: skip
    [case] = _command(world, monkeypatch, capsys)["cases"]
    assert case["claims"][0]["left"].startswith("money booked since")
    assert _command(world, monkeypatch, capsys, restore=cases["K061"])["restored"] == []
    assert _costs(a, "2026-0061") == "0.00"


def test_the_log_line_reads_dutch() -> None:
    from shared.api.console import contact_text
    from shared.domain.statements.client_code import client_code
    from shared.services.case_names import case_id_of

    case_id = case_id_of("cla9d17f58cbc6", "K061", ["2026-0061"])
    line = (f"Collection costs of the hand-over restored on 2026-0061: owed from 2026-11-03 "
            f"(case {case_id}, withdrawn before it kept them)")  # fmt: skip
    assert contact_text.summary(line, "nl") == (
        "Incassokosten van de overdracht hersteld op 2026-0061: verschuldigd vanaf 03-11-2026 "
        f"(zaak {client_code('cla9d17f58cbc6')} K061, ingetrokken voordat die bleven staan)"
    )


def test_a_claim_a_payment_plan_holds_is_left_to_a_person(world, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """review28: the client took K061 back and agreed a plan with the debtor on the figure
    without costs (1,000.00 in 4 installments, none paid yet). Listed as restorable, the
    restore put 150.00 of costs on the claim the plan holds: the plan still asked 1,000.00 and
    nobody was told, so a debtor who kept his plan was dunned for 150.00 after it."""
    a, cases = _k061_withdrawn_before(world, monkeypatch)
    plan = a.call("POST", "/v1/clients/C1/plans", {
        "debtor": "K061", "invoices": ["2026-0061"], "start": "2026-11-30", "installments": 4,
    })  # fmt: skip
    assert plan.status == 201, plan.body
    plan_id = plan.body["plan_id"]
    assert a.call("POST", f"/v1/clients/C1/plans/{plan_id}/activate").status == 200
    [case] = _command(world, monkeypatch, capsys)["cases"]
    assert case["claims"][0]["left"].startswith(f"held by payment plan {plan_id}")
    assert _command(world, monkeypatch, capsys, restore=cases["K061"])["restored"] == []
    assert _costs(a, "2026-0061") == "0.00"


def test_a_disputed_claim_is_left_until_its_dispute_ends(world, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """review28: a disputed claim was listed "disputed: the client closed it on the figure
    without costs", the words of a paid or credited claim, for one that is open and waits."""
    a, cases = _k061_withdrawn_before(world, monkeypatch)
    reply = a.call("POST", "/v1/clients/C1/invoices/2026-0061/dispute", {"reason": "kapot"})
    assert reply.status == 200, reply.body
    [case] = _command(world, monkeypatch, capsys)["cases"]
    assert case["claims"][0]["left"] == "disputed: restore it once the dispute has ended"
    assert _command(world, monkeypatch, capsys, restore=cases["K061"])["restored"] == []
