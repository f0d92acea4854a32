"""The collection agency's payment plan on its own case (agencyplan26; newcomer24 F4).

Before: every plan route refused an invoice handed over to the agency (``invoice_handed_over``)
and no route let the agency make one, so a debtor whose invoice was at the agency could get a
plan from nobody in Inning. Now the agency makes it on its open case (``POST
/v1/cases/{case}/plans``), the debtor pays it to the agency's third-party account under the
plan's own betalingskenmerk, the money is booked on the case's claim by 6:44 BW (costs,
interest, principal) and the agency's settlement pays the client its share."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from shared.domain.parties import Agency
from shared.domain.statements.mt940_writer import OutLine, write_mt940
from shared.services.onboarding import register_agency
from tests.unit.api.conftest import client_iban, client_row, debtor_row, invoice_row, verify_ibans

POOLED = client_iban("POOL")
PAYER = "NL02RABO0123456789"
PAYOUT = "NL44RABO0123456789"


def _at(world: Any, day: date, hour: int = 9) -> None:
    world.clock.at = datetime(day.year, day.month, day.day, hour, 0, tzinfo=UTC)


def _case(world: Any) -> str:
    """Client TECH (no third-party matching: only its case opens the agency's account to
    it), consumer K101 with invoice 24-0502 of 1,000.00, 14-day letter of 10 February 2025
    (WIK 150.00 owed from the 27th), handed over to the agency on 3 March 2025."""
    register_agency(world.services.repos,
                    Agency("agency-a", "Noord Incasso", POOLED, contact_email="desk@noord.example"))  # fmt: skip
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("TECH", contact_email="tech@example.nl")]})
    verify_ibans(a, "TECH")
    a.call("POST", "/v1/clients/TECH/debtors", {"items": [debtor_row("K101", name="J. de Vries")]})
    reply = a.call("POST", "/v1/clients/TECH/invoices", {"items": [invoice_row(
        "24-0502", "K101", amount="1000.00", fourteen_day_letter_on="2025-02-10")]})  # fmt: skip
    assert reply.status == 200, reply.body
    repos = world.services.repos
    tech_id = repos.clients.id_for_number("agency-a", "TECH")
    tech = repos.clients.get(tech_id)[0]
    stored = repos.invoices.get(tech_id, "24-0502")
    debtor = repos.debtors.get(tech_id, "K101")[0]
    world.services.dunning.cases.hand_over(tech, debtor, [stored.invoice], date(2025, 3, 3),
                                           costs=15_000, interest=0)  # fmt: skip
    repos.invoices.save(replace(stored.invoice, handed_over_to="agency-a"), stored)
    agreement = {"payout_iban": PAYOUT, "payout_name": "Client TECH BV", "frequency": "daily",
                 "starts_on": "2020-01-01", "commission_percent": "10"}  # fmt: skip
    assert a.call("PUT", "/v1/clients/TECH/settlement-agreement", agreement).status == 200
    [case] = a.call("GET", "/v1/cases").body["items"]
    return str(case["case_id"])


def _plan(world: Any, case: str) -> dict[str, Any]:
    reply = world.agency_a.call("POST", f"/v1/cases/{case}/plans",
                                {"start": "2025-03-10", "installments": 3,
                                 "agreed_by_debtor_on": "2025-03-03", "agreed_how": "phone"})  # fmt: skip
    assert reply.status == 201, reply.body
    plan = reply.body
    reply = world.agency_a.call("POST", f"/v1/cases/{case}/plans/{plan['plan_id']}/activate")
    assert reply.status == 200, reply.body
    return dict(reply.body)


def _pay(world: Any, day: date, cents: int, reference: str, eref: str) -> Any:
    line = OutLine(day, cents, "", counterparty_iban=PAYER, counterparty_name="J DE VRIES",
                   reference=reference, end_to_end_id=eref)  # fmt: skip
    _at(world, day, 18)
    data = write_mt940(POOLED, [line], opening=0, opening_date=day, statement_id=eref).encode()
    return world.services.statements.ingest(f"agency-a/{eref}.sta", data)


def _allocations(world: Any, payment: str) -> dict[str, int]:
    items = world.agency_a.call("GET", "/v1/clients/TECH/payments").body["items"]
    [paid] = [p for p in items if p["payment_id"] == payment]
    out: dict[str, int] = {}
    for a in paid["allocations"]:
        out[a["component"]] = out.get(a["component"], 0) + a["amount"]
    return out


def test_the_agency_makes_a_plan_on_its_case_and_its_installment_is_booked_and_settled(
    world: Any,
) -> None:
    case = _case(world)
    claim = world.agency_a.call("GET", "/v1/clients/TECH/invoices/24-0502/claim", on="2025-03-03")
    assert claim.body["open"]["costs"] == "150.00" and claim.body["open"]["principal"] == "1000.00"
    plan = _plan(world, case)
    # the whole claim as the case books it on the day: principal, WIK costs and interest
    assert plan["total"] == claim.body["open"]["total"]
    assert (plan["status"], plan["party"], plan["case"]) == ("active", "agency", case)
    amounts = [i["amount"] for i in plan["installments"]]
    assert [i["due_date"] for i in plan["installments"]] == [
        "2025-03-10",
        "2025-04-10",
        "2025-05-10",
    ]
    # the agreement names the agency as the party and its account as where to pay
    tech_id = world.services.repos.clients.id_for_number("agency-a", "TECH")
    text = world.services.messaging.content(tech_id, f"plan|{plan['plan_id']}|agreement").text
    assert "Uw betalingsregeling met Noord Incasso" in text or "Noord Incasso" in text
    assert "Noord Incasso int deze facturen van Client TECH" in text, text
    assert POOLED in text.replace(" ", "") and "Client TECH" in text

    assert (plan["total"], amounts) == ("1154.93", ["384.97", "384.97", "384.99"])

    report = _pay(world, date(2025, 3, 10), 38_497, plan["payment_reference"], "E-1")
    assert (report.booked, report.suggested, report.unmatched) == (1, 0, 0), report
    [payment] = world.agency_a.call("GET", "/v1/clients/TECH/payments").body["items"]
    # art. 6:44 BW: costs 150.00, then interest 4.93, then 230.04 of the principal
    assert _allocations(world, payment["payment_id"]) == {
        "costs": 15_000, "interest": 493, "principal": 23_004,
    }  # fmt: skip
    after = world.agency_a.call("GET", f"/v1/cases/{case}/plans/{plan['plan_id']}").body
    assert after["installments"][0]["status"] == "paid", after["installments"]

    # the agency's settlement pays the client its share of the case money: the client's part
    # is interest + principal 234.97, commission 10% 23.50, VAT 21% on it and on the costs the
    # agency keeps (150.00): 36.44; payout 234.97 - 23.50 - 36.44 = 175.03
    _at(world, date(2025, 3, 11), 5)
    run = world.services.settlement_runs.run_agency("agency-a", date(2025, 3, 11))
    assert run is not None
    _, settlements = world.services.settlements.run("agency-a", run.run_id)
    (s,) = settlements
    t = s.totals
    assert (t.received, t.to_agency, t.to_client) == (38_497, 15_000, 23_497)
    assert (t.commission, t.fee_vat, t.payout) == (2_350, 3_644, 17_503)

    # the other two installments pay the principal; the plan completes, the claim is paid
    for n, day, cents in ((2, date(2025, 4, 10), 38_497), (3, date(2025, 5, 9), 38_499)):
        assert _pay(world, day, cents, plan["payment_reference"], f"E-{n}").booked == 1
    items = world.agency_a.call("GET", "/v1/clients/TECH/payments").body["items"]
    assert sorted(_allocations(world, p["payment_id"]).get("principal", 0) for p in items) == [
        23_004, 38_497, 38_499,
    ]  # fmt: skip
    done = world.agency_a.call("GET", f"/v1/cases/{case}/plans/{plan['plan_id']}").body
    assert done["status"] == "completed"
    claim = world.agency_a.call("GET", "/v1/clients/TECH/invoices/24-0502/claim", on="2025-05-10")
    assert claim.body["open"]["total"] == "0.00"


def _code(reply: Any) -> str:
    return str(reply.body["error"]["details"][0]["code"])


def _client_key(world: Any) -> Any:
    key = world.agency_a.call(
        "POST", "/v1/keys", {"scope": "client", "client": "TECH", "admin": True}
    )
    return world.agency_a.as_key(key.body["key"])


def test_the_client_reads_the_agencys_plan_and_changes_nothing(world: Any) -> None:
    case = _case(world)
    plan = _plan(world, case)
    tech = _client_key(world)
    # its own plan over the handed-over invoice is refused as before
    own = tech.call("POST", "/v1/clients/TECH/plans", {"debtor": "K101", "invoices": ["24-0502"],
                                                       "start": "2025-03-10", "installments": 3})  # fmt: skip
    assert (own.status, _code(own)) == (422, "invoice_handed_over"), own.body
    # it reads the agency's plan, on its case and among its plans
    assert (
        tech.call("GET", f"/v1/cases/{case}/plans").body["items"][0]["plan_id"] == plan["plan_id"]
    )
    listed = tech.call("GET", "/v1/clients/TECH/plans").body["items"]
    assert [(p["plan_id"], p["party"]) for p in listed] == [(plan["plan_id"], "agency")]
    # and changes nothing, by the case's route or by its own
    made = tech.call("POST", f"/v1/cases/{case}/plans", {"start": "2025-03-10", "installments": 2})
    assert (made.status, _code(made)) == (403, "plan_of_agency"), made.body
    for path, body in (
        (f"/v1/clients/TECH/plans/{plan['plan_id']}/cancel", {"reason": "not ours"}),
        (f"/v1/clients/TECH/plans/{plan['plan_id']}/pause", {"reason": "not ours"}),
        (f"/v1/cases/{case}/plans/{plan['plan_id']}/cancel", {"reason": "not ours"}),
    ):
        reply = tech.call("POST", path, body)
        assert (reply.status, _code(reply)) == (403, "plan_of_agency"), (path, reply.body)
    moved = tech.call("POST", f"/v1/clients/TECH/plans/{plan['plan_id']}/installments/1/postpone",
                      {"to": "2025-03-20"})  # fmt: skip
    assert moved.status == 403, moved.body
    still = world.agency_a.call("GET", f"/v1/cases/{case}/plans/{plan['plan_id']}").body
    assert still["status"] == "active"


def test_another_agency_does_not_find_the_case(world: Any) -> None:
    case = _case(world)
    other = world.agency_b.call(
        "POST", f"/v1/cases/{case}/plans", {"start": "2025-03-10", "installments": 3}
    )
    assert other.status == 404, other.body
    plan = _plan(world, case)
    assert world.agency_b.call("GET", f"/v1/cases/{case}/plans/{plan['plan_id']}").status == 404
    reply = world.agency_b.call("POST", f"/v1/cases/{case}/plans/{plan['plan_id']}/cancel",
                                {"reason": "not ours"})  # fmt: skip
    assert reply.status == 404


def test_no_plan_on_a_withdrawn_case(world: Any) -> None:
    case = _case(world)
    draft = world.agency_a.call(
        "POST", f"/v1/cases/{case}/plans", {"start": "2025-03-10", "installments": 3}
    )
    assert draft.status == 201
    reply = world.agency_a.call(
        "POST", f"/v1/cases/{case}/withdraw", {"reason": "client asked it back"}
    )
    assert reply.status == 200, reply.body
    made = world.agency_a.call(
        "POST", f"/v1/cases/{case}/plans", {"start": "2025-03-10", "installments": 3}
    )
    assert (made.status, _code(made)) == (422, "case_not_open"), made.body
    started = world.agency_a.call(
        "POST", f"/v1/cases/{case}/plans/{draft.body['plan_id']}/activate"
    )
    assert (started.status, _code(started)) == (422, "case_not_open"), started.body


def test_the_agencys_plan_is_not_ended_by_its_own_hand_over(world: Any) -> None:
    """The daily look ends a plan over an invoice handed over (handover18): not the agency's,
    whose ground is that hand-over."""
    case = _case(world)
    plan = _plan(world, case)
    tech_id = world.services.repos.clients.id_for_number("agency-a", "TECH")
    _at(world, date(2025, 3, 5))
    world.services.plans.process(tech_id, plan["plan_id"], date(2025, 3, 5))
    assert world.services.plans.end_handed_over(
        world.services.repos.clients.get(tech_id)[0], "K101"
    ) == []  # fmt: skip
    after = world.agency_a.call("GET", f"/v1/cases/{case}/plans/{plan['plan_id']}").body
    assert after["status"] == "active", after


def lapsed(world: Any) -> tuple[str, dict[str, Any], str]:
    """The agency's plan on its case, nothing paid: past installment 1's grace (and the
    statements' wait) it lapses; (case, plan, the client's id)."""
    case = _case(world)
    plan = _plan(world, case)
    tech_id = world.services.repos.clients.id_for_number("agency-a", "TECH")
    for day in (date(2025, 3, 20), date(2025, 4, 1), date(2025, 4, 12)):
        _at(world, day)
        world.services.plans.process(tech_id, plan["plan_id"], day)
    return case, plan, tech_id


def test_a_lapse_goes_to_the_agencys_list_not_the_clients(world: Any) -> None:
    case, plan, tech_id = lapsed(world)
    after = world.agency_a.call("GET", f"/v1/cases/{case}/plans/{plan['plan_id']}").body
    assert after["status"] == "cancelled", after
    agency_items, _ = world.services.repos.actions.list("@agency-a")
    client_items, _ = world.services.repos.actions.list(tech_id)
    assert [i.kind for i in agency_items if i.kind == "plan_breached"] == ["plan_breached"]
    assert [i for i in client_items if i.kind == "plan_breached"] == []
    [breached] = [i for i in agency_items if i.kind == "plan_breached"]
    assert breached.detail["client_id"] == tech_id and breached.debtor_number == "K101"
    mail = world.services.messaging.outbox.get(
        tech_id, f"plan|{plan['plan_id']}|lapsed-{_lapse_id(world, tech_id, plan)}-client"
    )
    assert mail is not None and mail[0].to == "desk@noord.example"
    # the mail tells the agency to take the case up again, not of the client's dunning
    told = world.services.messaging.content(tech_id, mail[0].key).text
    assert "hervat de incasso van de zaak" in told and "aanmaningen" not in told, told


def _lapse_id(world: Any, client_id: str, plan: dict[str, Any]) -> str:
    items, _ = world.services.repos.actions.list("@agency-a")
    [item] = [i for i in items if i.kind == "plan_breached"]
    return str(item.action_id)


def test_the_debtors_portal_shows_the_agencys_plan_on_the_handed_over_invoice(world: Any) -> None:
    from shared.api.portal_app import PortalApp
    from shared.domain.references.betalingskenmerk import display
    from tests.unit.payments.test_portal import Browser

    case = _case(world)
    plan = _plan(world, case)
    tech_id = world.services.repos.clients.id_for_number("agency-a", "TECH")
    browser = Browser(PortalApp(world.services))
    token = world.services.portal.links.token(tech_id, "K101")
    assert browser.go("GET", f"/p/{token}").status == 303
    section = browser.page().split('id="ho-h"')[1].split("</section>")[0]
    assert (
        "Met Noord Incasso heeft u een betalingsregeling: € 1.154,93 in 3 termijnen, nog open "
        "€ 1.154,93." in section
    ), section
    assert "Volgende termijn: termijn 1, € 384,97, uiterlijk 10-03-2025." in section
    # not "interest runs until you pay": the plan froze it
    assert "De rente loopt door" not in section
    assert (
        f"Maak de termijnen over naar {POOLED} ten name van Noord Incasso, onder vermelding van "
        f"betalingskenmerk {display(plan['payment_reference'])}." in section
    )
    # paid, the next one is installment 2
    _pay(world, date(2025, 3, 10), 38_497, plan["payment_reference"], "E-1")
    _at(world, date(2025, 3, 11))
    section = browser.page().split('id="ho-h"')[1].split("</section>")[0]
    assert "Volgende termijn: termijn 2, € 384,97, uiterlijk 10-04-2025." in section, section


def test_a_withdrawn_case_ends_the_agencys_plan_and_the_debtor_pays_the_client_again(
    world: Any,
) -> None:
    case = _case(world)
    plan = _plan(world, case)
    tech_id = world.services.repos.clients.id_for_number("agency-a", "TECH")
    reply = world.agency_a.call(
        "POST", f"/v1/cases/{case}/withdraw", {"reason": "client asked it back"}
    )
    assert reply.status == 200, reply.body
    after = world.agency_a.call("GET", f"/v1/cases/{case}/plans/{plan['plan_id']}").body
    assert (after["status"], after["reason"]) == ("cancelled", f"case withdrawn: {case}")
    key = next(r.rk for r in world.store.query("Outbox", pk=tech_id).rows if "cancelled" in r.rk)
    text = world.services.messaging.content(tech_id, _decoded(key)).text
    tech = world.services.repos.clients.get(tech_id)[0]
    assert tech.ibans[0] in text.replace(" ", "") and POOLED not in text.replace(" ", ""), text
    # a repeat of the withdrawal's telling ends nothing twice
    found = world.services.repos.cases.get("agency-a", case)
    assert world.services.dunning.cases.plans_withdrawn(tech, found[0]) == []


def _decoded(rk: str) -> str:
    from shared.adapters.tables.keys import decode

    return decode(rk)


def test_the_agency_moves_an_installment_and_the_debtor_gets_the_new_schedule(world: Any) -> None:
    case = _case(world)
    plan = _plan(world, case)
    path = f"/v1/cases/{case}/plans/{plan['plan_id']}/installments/1/postpone"
    moved = world.agency_a.call("POST", path, {"to": "2025-03-24"})
    assert moved.status == 200, moved.body
    assert [i["due_date"] for i in moved.body["installments"]][:2] == ["2025-03-24", "2025-04-10"]
    tech_id = world.services.repos.clients.id_for_number("agency-a", "TECH")
    rows = world.store.query("Outbox", pk=tech_id).rows
    assert any("schedule" in _decoded(r.rk) for r in rows)
    assert (
        world.agency_a.call("POST", path.replace("/1/", "/0/"), {"to": "2025-03-24"}).status == 400
    )
    tech = _client_key(world)
    refused = tech.call("POST", path, {"to": "2025-03-25"})
    assert (refused.status, _code(refused)) == (403, "plan_of_agency")


def test_only_a_reference_with_the_agency_plans_mark_costs_a_read(
    world: Any, monkeypatch: Any
) -> None:
    """The pooled account's lines are looked up as agency plans' only when their reference
    carries the mark: an invoice's betalingskenmerk (99 in 100) costs no read of
    ``PlanReferences`` (issue #13: at most 5 storage requests a statement line)."""
    from shared.adapters.tables.plans_repo import PlanRepository
    from shared.domain.references import betalingskenmerk
    from shared.domain.statements.model import StatementLine
    from shared.services.plans.agency_party import clients_of_agency_plans

    case = _case(world)
    plan = _plan(world, case)
    assert plan["payment_reference"][1:3] == "99"
    asked: list[str] = []
    real = PlanRepository.by_reference

    def counted(self: PlanRepository, reference: str) -> tuple[str, str] | None:
        asked.append(reference)
        return real(self, reference)

    monkeypatch.setattr(PlanRepository, "by_reference", counted)
    other = betalingskenmerk.generate("123456789012345")  # an invoice's, say: no mark
    lines = [
        StatementLine(date(2025, 3, 10), None, 38_497, "EUR", reference=ref)
        for ref in (plan["payment_reference"], other, plan["payment_reference"])
    ]
    tech_id = world.services.repos.clients.id_for_number("agency-a", "TECH")
    assert clients_of_agency_plans(world.store, "agency-a", lines) == {tech_id}
    assert asked == [plan["payment_reference"]]  # once, and never for the unmarked reference
    assert clients_of_agency_plans(world.store, "agency-b", lines[:1]) == set()
