"""law13 F1, F2, F6: what follows a ruling, figured by hand (the story of
test_standing_ruling_claims: consumer D1, F1 1,000.00 due 1-12-2025, 14-day letter 5-1-2026,
150.00 costs from 22-1; at a ruling of 10-2-2026 interest 4.93 + 4.38 = 9.32: 1,159.32)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from shared.domain.records import PaymentSource
from shared.domain.standing import DebtorStanding, LiftReason, Standing, with_lift
from shared.services.plans import notices
from shared.services.plans.lapse_figures import OwedOnLapse
from tests.unit.api.conftest import invoice_row
from tests.unit.plans.lapse_keys import the_lapse
from tests.unit.plans.test_plan_breach_told import BREACH_DAY, _deliver_until_done
from tests.unit.plans.test_plan_service import BASE, make, plans  # noqa: F401
from tests.unit.standing.test_standing_ruling_claims import _at, _filing, _set, _world


def _client(w):  # type: ignore[no-untyped-def]
    a = w.agency_a
    return w.services.access.client_for(w.services.access.authenticate(a.key), "C1")


def _pay(w, amount: int, day: date) -> None:  # type: ignore[no-untyped-def]
    _at(w, day)
    w.services.payments.book(_client(w), payment_id="p1", amount=amount, received_on=day,
                             source=PaymentSource.BANK, invoice_numbers=["F1"])  # fmt: skip


def _daily_run(w, day: date) -> None:  # type: ignore[no-untyped-def]
    _at(w, day)
    w.services.dunning.run_client(_client(w).client_id, day)


def test_a_claim_paid_in_full_after_the_ruling_stays_in_the_filing_item() -> None:
    """law13 F2: p1 1,159.32 received 20-2 pays F1 in full; the WSNP of 10-2 recorded 25-3.
    F1 existed on the ruling's day: filed at 1,159.32, p1 listed for the administrator (it
    came out of the estate after the ruling, art. 23, 296 Fw). The item listed nothing."""
    w = _world()
    _pay(w, 115932, date(2026, 2, 20))
    _at(w, date(2026, 3, 25))
    _set(w, {"standing": "wsnp", "since": "2026-02-10"})
    item = _filing(w)
    assert item["invoice_numbers"] == ["F1"], item
    assert item["detail"]["to_file"] == 115932, item
    assert item["detail"]["paid_after_ruling"] == [
        {"payment": "p1", "amount": 115932, "received_on": "2026-02-20"}
    ], item


def test_a_claim_paid_in_full_after_the_ruling_is_filed_beside_an_open_one() -> None:
    """law13 F2 with F2 200.00 in the same letter (its share 30.00 of the 180.00 on
    1,200.00, interest 1.86: 231.86): both filed, 1,159.32 + 231.86 = 1,391.18."""
    w = _world()
    row = invoice_row("F2", "D1", amount="200.00", invoice_date="2025-11-01",
                      due_date="2025-12-01", fourteen_day_letter_on="2026-01-05")  # fmt: skip
    assert w.agency_a.call("POST", "/v1/clients/C1/invoices", {"items": [row]}).status == 200
    _pay(w, 115932, date(2026, 2, 20))
    _at(w, date(2026, 3, 25))
    _set(w, {"standing": "wsnp", "since": "2026-02-10"})
    item = _filing(w)
    assert item["invoice_numbers"] == ["F1", "F2"], item
    assert item["detail"]["to_file"] == 139118, item


def test_money_paid_after_the_ruling_was_recorded_is_put_before_staff_by_the_daily_run() -> None:
    """law13 F6: WSNP of 10-2 recorded 15-2 (to file 1,159.32); p1 500.00 received 20-2 on
    F1. The next daily run lists p1 on the filing item, opens it again if staff had closed
    it, and a second run changes nothing (it said to_file only, for good)."""
    w = _world()
    _at(w, date(2026, 2, 15))
    _set(w, {"standing": "wsnp", "since": "2026-02-10"})
    first = _filing(w)
    assert first["detail"] == {"standing": "wsnp", "since": "2026-02-10", "to_file": 115932}
    resolved = w.agency_a.call(
        "POST", f"/v1/clients/C1/actions/{first['action_id']}/resolve", {"resolution": "filed"}
    )
    assert resolved.status == 200, resolved.body
    _pay(w, 50000, date(2026, 2, 20))
    _daily_run(w, date(2026, 2, 21))
    item = _filing(w)
    assert item["status"] == "open", item
    assert item["detail"]["to_file"] == 115932  # the claim as it stood on the ruling's day
    assert item["detail"]["paid_after_ruling"] == [
        {"payment": "p1", "amount": 50000, "received_on": "2026-02-20"}
    ], item
    _daily_run(w, date(2026, 2, 22))
    assert _filing(w) == item


def test_a_plan_paused_for_a_ruling_that_holds_is_not_resumed() -> None:
    """law13 F1 (low): the WSNP of 20-4 paused the plan; resume was accepted (200, overdue)
    and only the next plan run paused it again."""
    w = _world()
    a = w.agency_a
    _at(w, date(2026, 3, 24))
    drafted = a.call("POST", "/v1/clients/C1/plans", {
        "debtor": "D1", "invoices": ["F1"], "start": "2026-04-15", "installments": 3,
        "include_costs": True, "agreed_by_debtor_on": "2026-03-24", "agreed_how": "phone"})  # fmt: skip
    plan = f"/v1/clients/C1/plans/{drafted.body['plan_id']}"
    assert a.call("POST", f"{plan}/activate").status == 200
    _at(w, date(2026, 4, 25))
    _set(w, {"standing": "wsnp", "since": "2026-04-20"})
    resumed = a.call("POST", f"{plan}/resume")
    assert resumed.status == 409, resumed.body
    assert (
        "is wsnp since 2026-04-20: no plan is agreed with him" in resumed.body["error"]["message"]
    )
    assert a.call("GET", plan).body["status"] == "paused"


def test_a_lapse_never_says_a_natural_obligation_is_due_again(plans) -> None:  # noqa: F811
    """law13 F1: a plan over F1 and F2 still running when its debtor's WSNP ended with a
    clean slate (its pause never written: the set was cut off before its plan step) lapses
    on 15-2. Its mail said "Het openstaande bedrag ... is weer in zijn geheel opeisbaar en de
    incassoprocedure wordt hervat" over claims that can no longer be claimed (art. 358 Fw)."""
    world, client = plans
    a = world.agency_a
    plan_id = make(a).body["plan_id"]
    assert a.call("POST", f"{BASE}/{plan_id}/activate").status == 200
    repos = world.services.repos
    debtor, etag = repos.debtors.get(client.client_id, "D1")
    ruling = DebtorStanding(Standing.WSNP, date(2026, 1, 6), date(2026, 1, 6), confirmed=True)
    ended = with_lift(ruling, date(2026, 1, 20), LiftReason.CLEAN_SLATE, "admin")
    repos.debtors.save(replace(debtor, standing=ended), etag)
    world.services.messaging.queues.take("send-email")
    _, keys = _deliver_until_done(world, BREACH_DAY)
    key, _ = the_lapse(world, client.client_id, plan_id)
    assert key in keys
    told = world.services.messaging.content(client.client_id, key)
    assert "opeisbaar" not in told.text and "due again" not in told.text, told.text
    assert (
        "F1, F2 kunnen wij na de schone lei of het akkoord niet meer van u vorderen" in (told.text)
        or "F1, F2 can no longer be claimed" in told.text
    ), told.text


def test_the_lapse_notice_names_what_is_still_claimed() -> None:
    """One of the plan's two claims a natural obligation: only the other's collection
    resumes; with none, the notice is as it was."""

    class _Plan:
        invoice_numbers = ("F1", "F2")

    plan = _Plan()
    # F2's figures on the lapse day (law13b F1: the build-up of what is still claimed)
    owed = OwedOnLapse(date(2026, 3, 8), 30000, 0, 0, 0, (), interest_runs=False)
    nl = notices.lapsed_to_debtor(plan, owed, "nl", ("F1",))  # type: ignore[arg-type]
    assert "opeisbaar" not in nl.text
    assert "Voor factuur F2 wordt de incassoprocedure hervat." in nl.text
    assert "Daarvoor bent u op 08-03-2026 € 300,00 verschuldigd:" in nl.text
    en = notices.lapsed_to_debtor(plan, owed, "en", ("F1",))  # type: ignore[arg-type]
    assert "Collection of invoice F2 resumes." in en.text and "due again" not in en.text
    plain = notices.lapsed_to_debtor(plan, owed, "nl")  # type: ignore[arg-type]
    assert "€ 300,00 weer in zijn geheel opeisbaar" in plain.text


def test_the_figures_to_file_are_kept_in_cents_and_shown_per_language() -> None:
    """newcomer13 #3: the Dutch dossier read "€ 171.12" (a plain decimal stored in the item);
    an item written before keeps its text."""
    from shared.api.console.action_text import money_detail
    from shared.domain.money import format_eur_en, format_eur_nl

    paid = [{"payment": "p1", "amount": 50000, "received_on": "2026-02-20"}]
    assert money_detail("to_file", 17112, format_eur_nl) == "€ 171,12"
    assert money_detail("to_file", 17112, format_eur_en) == "EUR 171.12"
    assert money_detail("paid_after_ruling", paid, format_eur_nl) == "p1 € 500,00 (2026-02-20)"
    assert money_detail("to_file", "171.12", format_eur_nl) is None
