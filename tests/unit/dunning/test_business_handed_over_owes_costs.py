"""A business claim handed over without a 14-day letter owes its collection costs (art. 6:96
lid 4 BW: for a commercial transaction the costs, at least EUR 40, are owed without a reminder
once the debtor is in default; lid 6's 14-day letter is a consumer's protection only).

newcomer26: workflow "direct" (one hand-over step), business debtor K061: the case's dossier,
the claim API and the portal said costs 0.00. Now: 1,000.00 owes the staffel 150.00 and 250.00
the minimum 40.00 (15 % would be 37.50), in the case's dossier and in the claim read after the
hand-over; a consumer's claim in the same workflow stays without costs (no letter, no costs).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.dunning.test_daily_run import SEEN, day


def _run(world):
    SEEN.clear()
    a = world.agency_a
    world.clock.at = datetime(2026, 11, 2, 6, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", contact_email="f@c1.example")]})
    debtors = [debtor_row("K061", kind="b2b", name="Bedrijf 61 BV"),
               debtor_row("K062", kind="b2b", name="Bedrijf 62 BV"),
               debtor_row("P1", name="Jansen, P.")]  # fmt: skip
    assert a.call("POST", "/v1/clients/C1/debtors", {"items": debtors}).body["created"] == 3
    workflow = {"name": "Direct", "steps": [
        {"name": "Overdracht", "channel": "handover", "offset_days": 3},
    ]}  # fmt: skip
    assert a.call("PUT", "/v1/clients/C1/workflows/direct", workflow).status == 200
    assert a.call("POST", "/v1/clients/C1/workflows/direct/activate").status == 200
    a.call("PUT", "/v1/clients/C1/segment-rules", {"rules": [{"workflow": "direct"}]})
    rows = [invoice_row(n, d, amount=amt, invoice_date="2026-10-01", due_date="2026-10-31")
            for n, d, amt in (("2026-0061", "K061", "1000.00"), ("2026-0062", "K062", "250.00"),
                              ("2026-0063", "P1", "1000.00"))]  # fmt: skip
    reply = a.call("POST", "/v1/clients/C1/invoices", {"items": rows})
    assert reply.status == 200 and not reply.body["errors"], reply.body
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    on = date(2026, 11, 2)
    while on <= date(2026, 11, 10):
        world.clock.at = datetime(on.year, on.month, on.day, 6, 0, tzinfo=UTC)
        day(world, client)
        on += timedelta(days=1)
    return a


def test_a_business_claim_handed_over_without_a_letter_owes_the_staffel(world):
    a = _run(world)
    cases = {c["debtor_number"]: c for c in a.call("GET", "/v1/cases").body["items"]}
    assert set(cases) == {"K061", "K062", "P1"}, cases
    costs = {}
    for number, case in cases.items():
        dossier = a.call("GET", f"/v1/cases/{case['case_id']}").body["dossier"]
        costs[number] = dossier["amounts"]["costs"]
        days = {i["costs_owed_from"] for i in dossier["invoices"]}
        # owed from the hand-over (due 31-10, handed over 3 days later: 3-11), not back to
        # the default day: money booked before it keeps its allocation; none for a consumer
        assert days == ({None} if number == "P1" else {"2026-11-03"}), (number, days)
    # was 0.00 and 0.00; the consumer never got a 14-day letter: nothing
    assert costs == {"K061": "150.00", "K062": "40.00", "P1": "0.00"}, costs
    for number, owed in (("2026-0061", "150.00"), ("2026-0062", "40.00"), ("2026-0063", "0.00")):
        claim = a.call("GET", f"/v1/clients/C1/invoices/{number}/claim", on="2026-11-10").body
        assert claim["open"]["costs"] == owed, (number, claim["open"])


def test_a_business_case_withdrawn_keeps_the_costs_of_its_hand_over(world):
    """newfix26 F6: withdrawn, the case's invoices lost ``handed_over_to`` and with it the
    costs day: K061's 150.00 fell to 0.00 and the client collecting again claimed none. The
    costs were made in engaging collection while the business was in default (6:96 lid 2 sub
    c, lid 4 BW): the client taking the case back does not undo them. A consumer's claim,
    without a 14-day letter, still owes none."""
    a = _run(world)
    cases = {c["debtor_number"]: c for c in a.call("GET", "/v1/cases").body["items"]}
    for debtor in ("K061", "P1"):
        reply = a.call("POST", f"/v1/cases/{cases[debtor]['case_id']}/withdraw",
                       {"reason": "de klant int zelf"})  # fmt: skip
        assert reply.status == 200, reply.body
    claim = a.call("GET", "/v1/clients/C1/invoices/2026-0061/claim", on="2026-11-20").body
    assert claim["open"]["costs"] == "150.00", claim["open"]  # was 0.00 after the withdrawal
    assert claim["costs_owed_from"] == "2026-11-03"
    consumer = a.call("GET", "/v1/clients/C1/invoices/2026-0063/claim", on="2026-11-20").body
    assert consumer["open"]["costs"] == "0.00"
