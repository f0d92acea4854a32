"""A held business letter confirmed after money came in (kindletter13).

Base case (test_debtor_kind_letter_held): the client's business sommatie of Monday 5-1-2026,
received Wednesday 7-1, term 8-1..21-1: a consumer's costs, once the letter is confirmed, are
owed from 22-1. Consumer interest (6:119) 2-12-2025..14-2-2026: 30 d x 6 % + 45 d x 4 %.

- #1 a part payment while held, confirmed: the WIK over the principal unpaid when the term
  ended, and the payments since allocated by 6:44 (costs, interest, principal).
- #2 every claim of the item paid in full as told while held: the confirm decides the item
  (was refused ``kind_letter_paid``, the item left open for ever), reopens nothing, and its
  resolution says why no costs are claimed.
- #3 one letter over F1 + F2 where only F1 was paid as told: F2 owes its share of the one
  WIK amount over both (was: the confirm refused, F2 0.00); and a debtor corrected back to a
  business before the confirm owes the business terms, his item closed with the day (it stayed
  open with nothing to decide)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from shared.api.console.action_text import resolution
from shared.domain.records import PaymentSource
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.api.test_debtor_kind_letter_held import CLAIM, _corrected
from tests.unit.api.test_debtor_kind_restates_payments import _items


def _pay(world, a, pid: str, cents: int, on: date, invoice: str = "F1") -> None:  # type: ignore[no-untyped-def]
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    world.services.payments.book(client, payment_id=pid, amount=cents, received_on=on,
                                 source=PaymentSource.BANK, invoice_numbers=[invoice])  # fmt: skip


def _confirm(a):  # type: ignore[no-untyped-def]
    [check] = [c for c in _items(a, "kind_letter_check") if c["status"] == "open"]
    return a.call("POST", f"/v1/clients/C1/actions/{check['action_id']}/letter-qualified")


def test_paid_in_term_and_after_it_then_confirmed(world):  # type: ignore[no-untyped-def]
    """1,000.00 on 15-1 (inside the term) and 1,000.00 on 1-2 (after it), F1 5,000.00.
    Held: 15-1 pays interest 2-12..14-1 30 d x 6 % + 14 d x 4 % on 5,000.00 = 24.6575 + 7.6712
    = 32.33 and 967.67 principal; 1-2 pays interest 15-1..31-1 17 d x 4 % on 4,032.33 = 7.51
    and 992.49 principal. Confirmed: costs owed from 22-1 over the principal unpaid then,
    5,000.00 - 1,000.00 (the interest paid in the term counts against the principal, the
    documented base, in the debtor's favour) = 4,000.00: 15 % x 2,500 + 10 % x 1,500 = 525.00.
    By 6:44 the 1-2 payment pays those 525.00 first, then the interest 15-1..31-1 (7.51), then
    467.49 principal: paid 525.00 / 39.84 / 1,435.16."""
    a = _corrected(world)
    _pay(world, a, "p1", 100_000, date(2026, 1, 15))
    _pay(world, a, "p2", 100_000, date(2026, 2, 1))
    held = a.call("GET", CLAIM, on="2026-02-15").body
    assert held["open"]["costs"] == "0.00", held
    assert (held["paid"]["interest"], held["paid"]["principal"]) == ("39.84", "1960.16")
    assert _confirm(a).status == 200
    claim = a.call("GET", CLAIM, on="2026-02-15").body
    assert claim["costs_owed_from"] == "2026-01-22"
    paid = claim["paid"]
    assert (paid["costs"], paid["interest"], paid["principal"]) == ("525.00", "39.84", "1435.16")
    assert claim["open"]["costs"] == "0.00" and claim["open"]["principal"] == "3564.84"


def test_a_claim_paid_as_told_is_confirmed_without_costs_and_the_item_decided(world):  # type: ignore[no-untyped-def]
    """Told 5,049.32 on 15-2 (5,000.00 + 49.32 interest), he pays it. Confirmed: the item is
    resolved, the claim stays paid (was: refused, the item open until someone cleared it; and
    before that reopened at 625.34)."""
    a = _corrected(world)
    _pay(world, a, "p1", 504_932, date(2026, 2, 15))
    done = _confirm(a)
    assert done.status == 200, done.body
    assert done.body["status"] == "resolved"
    said = str(done.body["resolution"])
    assert "F1 -" in said and "paid in full as told while the letter was held: F1" in said
    nl = resolution(said, "nl", lambda _: None)
    assert "volledig betaald zoals gezegd terwijl de brief werd aangehouden: F1" in nl, nl
    claim = a.call("GET", CLAIM, on="2026-02-20").body
    assert claim["open"]["total"] == "0.00" and claim["paid"]["costs"] == "0.00", claim
    again = _confirm_again(a)
    assert again.status == 200 and again.body["resolution"] == said
    assert a.call("GET", CLAIM, on="2026-02-20").body["open"]["total"] == "0.00"
    [event] = _audited(world)  # once, the retry writing none again
    assert event.detail["owed"] == "F1 -" and event.detail["not_claimed"] == "F1", event
    assert event.subject == "D1"


def _audited(world):  # type: ignore[no-untyped-def]
    from shared.domain.people.audit import Event

    client_id = world.services.repos.clients.id_for_number("agency-a", "C1")
    kit = world.services.people.kit
    return [e for e in kit.people.audit.between(f"client:{client_id}", "0", "z")
            if e.event is Event.KIND_LETTER_CONFIRMED]  # fmt: skip


def _confirm_again(a):  # type: ignore[no-untyped-def]
    [check] = _items(a, "kind_letter_check")
    return a.call("POST", f"/v1/clients/C1/actions/{check['action_id']}/letter-qualified")


def _two_invoices(world):  # type: ignore[no-untyped-def]
    a = world.agency_a
    world.clock.at = datetime(2026, 1, 6, 9, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", b2b_collection_costs_rate="15")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", kind="b2b", name="X")]})
    rows = [invoice_row(n, "D1", amount="2500.00", invoice_date="2025-11-01",
                        due_date="2025-12-01", fourteen_day_letter_on="2026-01-05")
            for n in ("F1", "F2")]  # fmt: skip
    assert a.call("POST", "/v1/clients/C1/invoices", {"items": rows}).status == 200
    world.clock.at = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)
    flip = a.call("POST", "/v1/clients/C1/debtors",
                  {"items": [debtor_row("D1", kind="b2c", name="X")]})  # fmt: skip
    assert flip.body["updated"] == 1, flip.body
    world.clock.at = datetime(2026, 2, 15, 9, 0, tzinfo=UTC)
    return a


def _claim(a, n: str):  # type: ignore[no-untyped-def]
    return a.call("GET", f"/v1/clients/C1/invoices/{n}/claim", on="2026-02-15").body


def test_one_letter_over_two_invoices_only_one_paid_as_told(world):  # type: ignore[no-untyped-def]
    """F1 + F2 2,500.00 each in one business sommatie. Held on 15-2 each is told 2,500.00 +
    interest 2,500 x (30 d x 6 % + 45 d x 4 %)/365 = 24.66: 2,524.66; he pays F1's. Confirmed:
    the letter's one WIK amount over the principal unpaid when its term ended, 2,500.00 +
    2,500.00 = 5,000.00: 375.00 + 250.00 = 625.00, split 312.50 + 312.50. F1 was paid as told:
    its 312.50 are not claimed, it stays paid; F2 owes 312.50 (its share, not a staffel over
    2,500.00 alone: 375.00). Was: the confirm refused for the whole letter, F2 0.00."""
    a = _two_invoices(world)
    assert _claim(a, "F1")["open"]["total"] == "2524.66"
    _pay(world, a, "p1", 252_466, date(2026, 2, 15))
    done = _confirm(a)
    assert done.status == 200, done.body
    assert "F1 -, F2 2026-01-22" in str(done.body["resolution"])
    f1, f2 = _claim(a, "F1"), _claim(a, "F2")
    assert f1["open"]["total"] == "0.00" and f1["paid"]["costs"] == "0.00", f1
    assert f2["open"]["costs"] == "312.50", f2
    assert f2["open"]["total"] == "2837.16"  # 2,500.00 + 312.50 + 24.66


def test_one_letter_over_two_invoices_one_paid_in_part(world):  # type: ignore[no-untyped-def]
    """F1 paid 1,000.00 on 1-2 (after the term), F2 nothing. Confirmed: both owe from 22-1,
    one amount over 5,000.00 = 625.00, 312.50 each. F1's 1,000.00 by 6:44: costs 312.50, the
    interest 2-12..31-1 2,500 x (30 d x 6 % + 31 d x 4 %)/365 = 12.33 + 8.49 = 20.82, then
    666.68 principal."""
    a = _two_invoices(world)
    _pay(world, a, "p1", 100_000, date(2026, 2, 1))
    assert _confirm(a).status == 200
    f1, f2 = _claim(a, "F1"), _claim(a, "F2")
    paid = f1["paid"]
    assert (paid["costs"], paid["interest"], paid["principal"]) == ("312.50", "20.82", "666.68")
    assert f2["open"]["costs"] == "312.50", f2


def test_corrected_back_to_a_business_before_the_confirm(world):  # type: ignore[no-untyped-def]
    """F1 5,000.00, corrected to a consumer 12-1, back to a business 20-1 (before anyone
    confirmed): the business sommatie counts as the business's again, the client's agreed 15 %:
    750.00 costs, and 6:119a interest. The item asking whether the letter met 6:96 lid 6 for
    him as a consumer is closed with the day (it stayed open, its confirm refused)."""
    a = _corrected(world)
    world.clock.at = datetime(2026, 1, 20, 9, 0, tzinfo=UTC)
    back = a.call("POST", "/v1/clients/C1/debtors",
                  {"items": [debtor_row("D1", kind="b2b", name="X")]})  # fmt: skip
    assert back.body["updated"] == 1, back.body
    world.clock.at = datetime(2026, 2, 15, 9, 0, tzinfo=UTC)
    claim = a.call("GET", CLAIM, on="2026-02-15").body
    assert claim["open"]["costs"] == "750.00", claim
    [check] = _items(a, "kind_letter_check")
    assert check["status"] == "resolved", check  # nothing left to decide: it was left open
    said = str(check["resolution"])
    assert (
        said == "closed: the debtor is a business again, his letter counts as a sommatie: "
        "2026-01-20"
    )
    assert resolution(said, "nl", lambda _: None).endswith("telt als sommatie: 20-01-2026")
    refused = a.call("POST", f"/v1/clients/C1/actions/{check['action_id']}/letter-qualified")
    assert refused.status == 422
    assert refused.body["error"]["details"][0]["code"] == "kind_letter_not_consumer"


def test_a_confirm_cut_off_between_the_claims_is_finished_alike_by_its_retry(world, monkeypatch):  # type: ignore[no-untyped-def]
    """The combined letter again (F1 paid as told): the confirm stores F1's letter as forgone
    and times out before F2's. Its retry confirms F2 and keeps F1 as it was: F1 paid, F2
    312.50, one resolution."""
    a = _two_invoices(world)
    _pay(world, a, "p1", 252_466, date(2026, 2, 15))
    ledger = world.services.ledger.ledger
    real = ledger.set_as_business
    calls: list[str] = []

    def cut_after_one(client_id: str, debtor: str, invoice: str, held, *etag):  # type: ignore[no-untyped-def]
        if calls:
            raise TimeoutError("storage timed out")
        calls.append(invoice)
        return real(client_id, debtor, invoice, held, *etag)

    with monkeypatch.context() as m:
        m.setattr(ledger, "set_as_business", cut_after_one)
        assert _confirm(a).status == 503
    assert calls == ["F1"]
    again = _confirm_again(a)
    assert again.status == 200, again.body
    assert "F1 -, F2 2026-01-22" in str(again.body["resolution"])
    f1, f2 = _claim(a, "F1"), _claim(a, "F2")
    assert f1["open"]["total"] == "0.00" and f2["open"]["costs"] == "312.50", (f1, f2)


def test_a_plan_agreed_inside_the_term_while_held_keeps_the_costs_off_while_kept(world):  # type: ignore[no-untyped-def]
    """The one case where money paid while the letter was held leaves costs 0.00 after the
    confirmation, by the rule for every 14-day letter (docs/law.md, arrangements): a whole-
    claim plan agreed on 15-1, inside the term (8-1..21-1), holds the costs while it is kept.
    Its total 5,000.00 + 6:119 interest 2-12..14-1 (30 d x 6 % + 14 d x 4 % = 24.66 + 7.67)
    = 5,032.33 in five instalments of 1,006.46 (the last 1,006.49); the first paid 31-1;
    confirmed 15-2: the plan stays 5,032.33, no costs while it runs (its lapse makes them owed)."""
    a = world.agency_a
    world.clock.at = datetime(2026, 1, 6, 9, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", b2b_collection_costs_rate="15")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", kind="b2b", name="X")]})
    row = invoice_row("F1", "D1", amount="5000.00", invoice_date="2025-11-01",
                      due_date="2025-12-01", fourteen_day_letter_on="2026-01-05")  # fmt: skip
    assert a.call("POST", "/v1/clients/C1/invoices", {"items": [row]}).status == 200
    world.clock.at = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", kind="b2c", name="X")]})
    world.clock.at = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
    made = a.call("POST", "/v1/clients/C1/plans", {
        "debtor": "D1", "invoices": ["F1"], "start": "2026-01-31", "installments": 5,
        "include_costs": True, "agreed_by_debtor_on": "2026-01-15", "agreed_how": "phone"})  # fmt: skip
    plan = made.body["plan_id"]
    assert made.body["total"] == "5032.33"
    assert a.call("POST", f"/v1/clients/C1/plans/{plan}/activate").status == 200
    world.clock.at = datetime(2026, 1, 31, 9, 0, tzinfo=UTC)
    _pay(world, a, "i1", 100_646, date(2026, 1, 31))
    world.clock.at = datetime(2026, 2, 15, 9, 0, tzinfo=UTC)
    assert _confirm(a).status == 200
    shown = a.call("GET", f"/v1/clients/C1/plans/{plan}").body
    assert (shown["total"], shown["status"], shown["paid"]) == ("5032.33", "active", "1006.46")
    claim = a.call("GET", CLAIM, on="2026-02-15").body
    assert claim["open"]["costs"] == "0.00" and claim["costs_owed_from"] is None, claim


def test_one_letter_over_two_invoices_one_credited(world):  # type: ignore[no-untyped-def]
    """F1 credited in full while held (a credited claim was never owed: it neither counts nor
    carries costs), F2 paid 1,000.00 on 1-2. Confirmed: the staffel over F2's 2,500.00 alone,
    375.00, paid first by the 1-2 payment, then interest 20.82, principal 604.18; the
    resolution names no costs day for F1 (it said 22-1)."""
    a = _two_invoices(world)
    credit = a.call("POST", "/v1/clients/C1/invoices/F1/credit",
                    {"amount": "2500.00", "reference": "CN1"})  # fmt: skip
    assert credit.status == 200, credit.body
    _pay(world, a, "p1", 100_000, date(2026, 2, 1), "F2")
    done = _confirm(a)
    assert done.status == 200
    assert "costs owed from: F1 -, F2 2026-01-22 (" in str(done.body["resolution"])
    paid = _claim(a, "F2")["paid"]
    assert (paid["costs"], paid["interest"], paid["principal"]) == ("375.00", "20.82", "604.18")
    assert _claim(a, "F1")["open"]["total"] == "0.00"
