"""handover18: a plan already running when its invoice went to a collection agency kept
collecting for the client: crfix17 refused new plans and portal payments, but the plan's
Mollie recurring payments (installment 2, EUR 100.00, pending at Mollie) and its reminders
went on after the hand-over, and ops were told to cancel such plans by hand. Handing an
invoice over now ends the plan (its collections withdrawn, what was paid booked, the debtor
told once who collects now, the timeline and action list saying why); a plan handed over
before the deploy is ended by the installment timer's next look. Twice is once."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from shared.api.console.action_text import title
from shared.domain.parties import Client
from shared.services.plans.handover_notice import Payees, to_debtor
from tests.support.mollie_stand_in import MollieWorld
from tests.unit.api.conftest import World
from tests.unit.plans.test_plan_mollie import (  # noqa: F401  (fixtures)
    actions,
    booked,
    mollie,
    plan_of,
    the_client,
    webhook,
    world,
)
from tests.unit.plans.test_plan_service import BASE, make, run_day


def hand_over(
    world: World,  # noqa: F811
    client: Client,
    numbers: tuple[str, ...],
) -> None:
    """What the dunning run's hand-over step stores: the case, then the invoices marked."""
    repos = world.services.repos
    found = repos.debtors.get(client.client_id, "D1")
    assert found is not None
    got = repos.invoices.get_many(client.client_id, list(numbers))
    invoices = [got[n].invoice for n in numbers]
    world.services.dunning.cases.hand_over(client, found[0], invoices, world.clock.now().date(),
                                           costs=0, interest=0)  # fmt: skip
    for number in numbers:
        stored = repos.invoices.get(client.client_id, number)
        assert stored is not None
        repos.invoices.save(replace(stored.invoice, handed_over_to=client.agency_id), stored)


def told_keys(
    world: World,  # noqa: F811
    plan_id: str,
) -> list[str]:
    rows = world.services.messaging.outbox.list(the_client(world).client_id)[0]
    return [m.key for m in rows if m.key.startswith(f"plan|{plan_id}|handed-over|")]


def test_the_hand_over_ends_a_running_mollie_plan_and_its_recurring_payment(
    world: World,  # noqa: F811
    mollie: MollieWorld,  # noqa: F811
) -> None:
    a = world.agency_a
    plan_id = make(a, method="direct_debit", start="2026-01-31", installments=3).body["plan_id"]
    assert a.call("POST", f"{BASE}/{plan_id}/activate").status == 200
    (first,) = mollie.posted("first")
    mollie.settle(first["id"], "paid")
    webhook(world, first["id"])
    run_day(world, date(2026, 3, 2))
    (second,) = mollie.posted("recurring")
    assert mollie.payments[second["id"]]["status"] == "pending"
    # the dunning run hands D1's invoices over to the agency on 3 March
    world.clock.at = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    client = the_client(world)
    hand_over(world, client, ("F1", "F2"))
    hook = world.services.dunning.plans_handed_over
    assert hook is not None
    hook(client, "D1")
    hook(client, "D1")  # a retried run ends nothing twice
    got = plan_of(world, plan_id)
    assert got["status"] == "cancelled"
    assert got["reason"] == (
        "handed over to a collection agency: F1, F2 to AGENCY-A, which collects them now"
    )
    assert mollie.payments[second["id"]]["status"] == "canceled"  # not collected for C1
    assert got["direct_debits"][1]["state"] == "withdrawn"
    assert not booked(world, first["id"]).reversed  # installment 1's 100.00 stays booked
    assert got["installments"][0]["paid"] == "100.00"
    # nothing more is collected, the debtor is told once, staff see why
    for day in (date(2026, 3, 3), date(2026, 3, 31), date(2026, 4, 30)):
        run_day(world, day)
    assert len(mollie.posted("recurring")) == 1
    assert told_keys(world, plan_id) == [f"plan|{plan_id}|handed-over|2026-03-03|agency-a"]
    [item] = actions(world, "plan_handed_over")
    assert "F1, F2 handed over to AGENCY-A" in item["title"]
    assert title(item["title"], "nl").startswith(
        f"Betalingsregeling {plan_id} beëindigd: F1, F2 overgedragen aan AGENCY-A; de termijnen"
    )
    kinds = [e["kind"] for e in plan_of(world, plan_id)["timeline"]]
    assert kinds.count("handover_told") == 1 and "cancelled" in kinds
    content = world.services.messaging.content(
        client.client_id, f"plan|{plan_id}|handed-over|2026-03-03|agency-a"
    )
    assert "overgedragen aan incassobureau AGENCY-A" in content.text
    assert "Wat u al betaalde, € 100,00, blijft geboekt." in content.text


def test_the_notice_asks_the_quote_the_agency_books_by(
    world: World,  # noqa: F811
    mollie: MollieWorld,  # noqa: F811
) -> None:
    """codereview18: the notice sent the debtor to the agency's account (every client of the
    agency shares it) without the quote naming the client (quote18's code): "D1 F1 F2" paid
    there is an invoice of any client numbering so, and lands on the agency's list. It asks
    what the portal and the agency's case ask, in the debtor's language."""
    a = world.agency_a
    plan_id = make(a, method="direct_debit", start="2026-01-31", installments=3).body["plan_id"]
    assert a.call("POST", f"{BASE}/{plan_id}/activate").status == 200
    world.clock.at = datetime(2026, 2, 10, 9, 0, tzinfo=UTC)
    client = the_client(world)
    repos = world.services.repos
    agency = repos.agencies.get(client.agency_id)
    assert agency is not None
    repos.agencies.save(replace(agency, third_party_iban="NL44RABO0123456789"))
    hand_over(world, client, ("F1", "F2"))
    hook = world.services.dunning.plans_handed_over
    assert hook is not None
    hook(client, "D1")
    [case] = a.call("GET", "/v1/cases").body["items"]
    quote = case["transfer_quote"]
    assert quote.endswith(" D1 F1 F2") and len(quote) > len("D1 F1 F2")  # the client's code
    content = world.services.messaging.content(
        client.client_id, f"plan|{plan_id}|handed-over|2026-02-10|agency-a"
    )
    assert f"rekening NL44RABO0123456789 onder vermelding van {quote}." in content.text
    assert plan_of(world, plan_id)["status"] == "cancelled"
    found = world.services.plans.plans.get(client.client_id, plan_id)
    assert found is not None
    paying = replace(agency, third_party_iban="NL44RABO0123456789")
    payees = Payees(paying, "agency-a", quote, client.name, "", "")
    english = to_debtor(found[0], ("F1", "F2"), payees, "en")
    assert f"account NL44RABO0123456789 quoting {quote}." in english.text


def test_a_cancel_mollie_did_not_answer_is_asked_again_by_the_next_look(
    world: World,  # noqa: F811
    mollie: MollieWorld,  # noqa: F811
) -> None:
    """failure19 M1: Mollie answered 503 when the hand-over ended the plan; the timeline said
    the cancel of installment 2's payment (100.00, pending) would be 'asked again at the next
    run', but no look asked again: Mollie collected it from the debtor on 10-3 and it was
    booked on F1 for the client, a week after the agency took F1 over."""
    a = world.agency_a
    plan_id = make(a, method="direct_debit", start="2026-01-31", installments=3).body["plan_id"]
    assert a.call("POST", f"{BASE}/{plan_id}/activate").status == 200
    (first,) = mollie.posted("first")
    mollie.settle(first["id"], "paid")
    webhook(world, first["id"])
    run_day(world, date(2026, 3, 2))
    (second,) = mollie.posted("recurring")
    world.clock.at = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    client = the_client(world)
    hand_over(world, client, ("F1", "F2"))
    hook = world.services.dunning.plans_handed_over
    assert hook is not None
    mollie.down = True
    hook(client, "D1")
    mollie.down = False
    assert plan_of(world, plan_id)["status"] == "cancelled"
    assert mollie.payments[second["id"]]["status"] == "pending"
    for day in (date(2026, 3, 4), date(2026, 3, 5)):
        run_day(world, day)
    assert mollie.payments[second["id"]]["status"] == "canceled"  # was pending, then paid
    got = plan_of(world, plan_id)
    assert [d["state"] for d in got["direct_debits"]] == ["collected", "withdrawn"]


def test_a_pause_mollie_did_not_answer_is_asked_again_by_the_next_look(
    world: World,  # noqa: F811
    mollie: MollieWorld,  # noqa: F811
) -> None:
    """failure19 M2: the same for a plan staff paused while Mollie answered 503: installment
    2's payment stayed pending at Mollie, to be collected from a debtor whose plan asks
    nothing while it is paused."""
    a = world.agency_a
    plan_id = make(a, method="direct_debit", start="2026-01-31", installments=3).body["plan_id"]
    assert a.call("POST", f"{BASE}/{plan_id}/activate").status == 200
    (first,) = mollie.posted("first")
    mollie.settle(first["id"], "paid")
    webhook(world, first["id"])
    run_day(world, date(2026, 3, 2))
    (second,) = mollie.posted("recurring")
    world.clock.at = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    mollie.down = True
    paused = a.call("POST", f"{BASE}/{plan_id}/pause", {"reason": "debtor in hospital"})
    mollie.down = False
    assert paused.status == 200
    assert mollie.payments[second["id"]]["status"] == "pending"
    for day in (date(2026, 3, 4), date(2026, 3, 5)):
        run_day(world, day)
    assert mollie.payments[second["id"]]["status"] == "canceled"  # was pending
    got = plan_of(world, plan_id)
    assert got["status"] == "paused"
    assert [d["state"] for d in got["direct_debits"]] == ["collected", "withdrawn"]
