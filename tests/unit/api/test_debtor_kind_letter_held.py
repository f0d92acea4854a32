"""A business corrected to a consumer owes no costs on the business sommatie until a person
confirms it met 6:96 lid 6 (law11b F5). By hand: F1 5,000.00 due 1-12-2025, the client's
business sommatie 5-1-2026, agreed costs 15 %, nothing paid; corrected to a consumer 12-1.
On 15-2-2026 the consumer's claim is the principal and 6:119 interest only: 2-12..31-12
30 d x 6 % + 1-1..14-2 45 d x 4 % on 5,000.00 = 24.66 + 24.66 = 49.32, total 5,049.32 (was
costs 625.00 more: the staffel, 15 % of 2,500 + 10 % of 2,500). Confirmed, the costs are owed
from the letter's consumer term (posted Monday 5-1, received Wednesday 7-1, 14 days: owed from
22-1): 625.00 again, 5,674.32; cleared (the item resolved), they stay off."""

from __future__ import annotations

from datetime import UTC, date, datetime

from shared.api.console.action_text import title
from tests.unit.api.conftest import client_row, debtor_row
from tests.unit.api.test_debtor_kind_restates_payments import ROW, _items

CLAIM = "/v1/clients/C1/invoices/F1/claim"


def _corrected(world):  # type: ignore[no-untyped-def]
    a = world.agency_a
    world.clock.at = datetime(2026, 1, 6, 9, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", b2b_collection_costs_rate="15")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", kind="b2b", name="X")]})
    assert a.call("POST", "/v1/clients/C1/invoices", {"items": [ROW]}).status == 200
    assert a.call("GET", CLAIM, on="2026-01-10").body["open"]["costs"] == "750.00"
    world.clock.at = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)
    flip = a.call(
        "POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", kind="b2c", name="X")]}
    )
    assert flip.body["updated"] == 1, flip.body
    world.clock.at = datetime(2026, 2, 15, 9, 0, tzinfo=UTC)
    return a


def test_the_consumer_owes_no_costs_on_the_business_sommatie_until_confirmed(world):  # type: ignore[no-untyped-def]
    a = _corrected(world)
    claim = a.call("GET", CLAIM, on="2026-02-15").body
    assert claim["open"]["costs"] == "0.00", claim
    assert claim["open"]["interest"] == "49.32"
    assert claim["open"]["total"] == "5049.32"
    [check] = _items(a, "kind_letter_check")
    assert check["invoice_numbers"] == ["F1"]
    assert title(str(check["title"]), "nl").startswith("Debiteur D1 is nu consument: de incasso")
    done = a.call("POST", f"/v1/clients/C1/actions/{check['action_id']}/letter-qualified")
    assert done.status == 200, done.body
    assert done.body["status"] == "resolved"
    assert "F1 2026-01-22" in done.body["resolution"]
    claim = a.call("GET", CLAIM, on="2026-02-15").body
    assert claim["open"]["costs"] == "625.00"
    assert claim["open"]["total"] == "5674.32"
    # owed from the term's end, not before: on 21-1 none yet
    assert a.call("GET", CLAIM, on="2026-01-21").body["open"]["costs"] == "0.00"
    assert a.call("GET", CLAIM, on="2026-01-22").body["open"]["costs"] == "625.00"
    again = a.call("POST", f"/v1/clients/C1/actions/{check['action_id']}/letter-qualified")
    assert again.status == 200 and again.body["resolution"] == done.body["resolution"]


def test_a_cleared_item_keeps_the_costs_off(world):  # type: ignore[no-untyped-def]
    a = _corrected(world)
    [check] = _items(a, "kind_letter_check")
    cleared = a.call("POST", f"/v1/clients/C1/actions/{check['action_id']}/resolve",
                     {"resolution": "not a consumer's 14-day letter"})  # fmt: skip
    assert cleared.status == 200, cleared.body
    assert a.call("GET", CLAIM, on="2026-02-15").body["open"]["costs"] == "0.00"
    late = a.call("POST", f"/v1/clients/C1/actions/{check['action_id']}/letter-qualified")
    assert late.status == 422, late.body
    assert a.call("GET", CLAIM, on="2026-02-15").body["open"]["costs"] == "0.00"


def test_only_an_administrator_confirms_the_letter(world):  # type: ignore[no-untyped-def]
    from shared.domain.people.authorisation import Action, action_for_request

    path = "/v1/clients/C1/actions/x/letter-qualified"
    assert action_for_request("POST", path) is Action.MANAGE_SETTLEMENTS


def test_innings_own_sommatie_to_the_business_is_held_too_and_the_letter_says_so(world):  # type: ignore[no-untyped-def]
    """Inning's own 14-day step went to D1 as a business on Monday 5-1 (its term: costs from
    22-1, on the invoice); corrected 12-1: on 15-2 no costs, and a message's
    ``costs_owed_from`` names no day (it said 22-1, the invoice's own date: kindletter12 #3).
    Confirmed: 625.00 from 22-1, and the message names 22-1."""
    from dataclasses import replace

    a = world.agency_a
    world.clock.at = datetime(2026, 1, 6, 9, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", b2b_collection_costs_rate="15")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", kind="b2b", name="X")]})
    row = {k: v for k, v in ROW.items() if k != "fourteen_day_letter_on"}
    assert a.call("POST", "/v1/clients/C1/invoices", {"items": [row]}).status == 200
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    repos = world.services.repos
    stored = repos.invoices.get(client.client_id, "F1")
    repos.invoices.save(replace(stored.invoice, costs_owed_from=date(2026, 1, 22)), stored)
    assert a.call("GET", CLAIM, on="2026-02-15").body["open"]["costs"] == "750.00"
    world.clock.at = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", kind="b2c", name="X")]})
    world.clock.at = datetime(2026, 2, 15, 9, 0, tzinfo=UTC)
    claim = a.call("GET", CLAIM, on="2026-02-15").body
    assert claim["open"]["costs"] == "0.00" and claim["open"]["total"] == "5049.32", claim

    def message_day():  # type: ignore[no-untyped-def]
        debtor = repos.debtors.get(client.client_id, "D1")[0]
        invoices = repos.invoices.for_debtor(client.client_id, "D1")
        shown = world.services.dunning.context(client, debtor, invoices, date(2026, 2, 15),
                                               with_links=False)  # fmt: skip
        return shown.costs, shown.costs_owed_from

    assert message_day() == (0, None)
    [check] = _items(a, "kind_letter_check")
    done = a.call("POST", f"/v1/clients/C1/actions/{check['action_id']}/letter-qualified")
    assert done.status == 200 and "F1 2026-01-22" in done.body["resolution"], done.body
    assert a.call("GET", CLAIM, on="2026-02-15").body["open"]["costs"] == "625.00"
    assert message_day() == (62_500, date(2026, 1, 22))


def test_a_payment_made_while_held_is_allocated_again_when_confirmed(world):  # type: ignore[no-untyped-def]
    """1,000.00 paid on 1-2-2026, after the correction: held, it pays the 6:119 interest
    2-12..31-1 (30 d x 6 % + 31 d x 4 % on 5,000.00 = 24.6575 + 16.9863 = 41.64, rounded once)
    and 958.36 principal. Confirmed, the costs were owed from 22-1, so by 6:44 the payment pays
    the 625.00 costs first, then the 41.64 interest, then 333.36 principal."""
    from shared.domain.records import PaymentSource

    a = _corrected(world)
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    world.services.payments.book(client, payment_id="p1", amount=100_000,
                                 received_on=date(2026, 2, 1), source=PaymentSource.BANK,
                                 invoice_numbers=["F1"])  # fmt: skip
    paid = a.call("GET", CLAIM, on="2026-02-15").body["paid"]
    assert (paid["costs"], paid["interest"], paid["principal"]) == ("0.00", "41.64", "958.36")
    [check] = _items(a, "kind_letter_check")
    done = a.call("POST", f"/v1/clients/C1/actions/{check['action_id']}/letter-qualified")
    assert done.status == 200, done.body
    paid = a.call("GET", CLAIM, on="2026-02-15").body["paid"]
    assert (paid["costs"], paid["interest"], paid["principal"]) == ("625.00", "41.64", "333.36")


def test_a_plan_holding_the_claim_follows_the_held_costs(world):  # type: ignore[no-untyped-def]
    """A whole-claim plan agreed on 10-1 by the business, costs included: the business
    sommatie's 750.00 and 6:119a interest are in its total. Corrected to a consumer on 12-1,
    the costs are held: the plan is lowered to what the consumer's claim is, 5,000.00 and 6:119
    interest 2-12..9-1 (the plan froze it from 10-1) 30 d x 6 % + 9 d x 4 % = 24.6575 + 4.9315
    = 29.59: 5,029.59 (it went on asking 5,805.62: 750.00 costs and 55.62 6:119a interest)."""
    a = world.agency_a
    world.clock.at = datetime(2026, 1, 6, 9, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", b2b_collection_costs_rate="15")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", kind="b2b", name="X")]})
    assert a.call("POST", "/v1/clients/C1/invoices", {"items": [ROW]}).status == 200
    world.clock.at = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
    made = a.call("POST", "/v1/clients/C1/plans", {
        "debtor": "D1", "invoices": ["F1"], "start": "2026-01-31", "installments": 2,
        "include_costs": True, "agreed_by_debtor_on": "2026-01-10", "agreed_how": "phone"})  # fmt: skip
    plan = made.body["plan_id"]
    assert a.call("POST", f"/v1/clients/C1/plans/{plan}/activate").status == 200
    before = a.call("GET", f"/v1/clients/C1/plans/{plan}").body["total"]
    world.clock.at = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)
    flip = a.call(
        "POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", kind="b2c", name="X")]}
    )
    assert flip.body["updated"] == 1, flip.body
    after = a.call("GET", f"/v1/clients/C1/plans/{plan}").body["total"]
    assert (before, after) == ("5805.62", "5029.59")
    assert a.call("GET", CLAIM, on="2026-01-12").body["open"]["total"] == "5029.59"
