"""standing13: what a lifted or kept ruling means for the debtor.

Consumer D1, F1 1,000.00 invoiced 1-11-2025, due 1-12-2025, 14-day letter 5-1-2026, costs
150.00 from 22-1. WSNP since 10-2-2026, recorded 25-3. 6:119 2-12..31-12 30 d x 6 % = 4.93,
1-1..9-2 40 d x 4 % = 4.38: 9.32 at the ruling, 1,159.32 in all (tests/unit/standing/
test_standing_ruling_claims.py figures the same claim).

1. After a clean slate (art. 358 lid 1 Fw) or an akkoord (art. 160 Fw) what remains is a
   natural obligation (art. 6:3 BW): no plan over it (409, plan_natural_obligation), the API
   names it; a payment made anyway is booked (6:3 lid 2, 6:5 BW).
2. A ruling that ended is shown when a later standing was lifted as a mistake, with every
   lift: who, when, why.
3. A claim of before the ruling that reaches Inning after it is in the ruling's one filing
   item, with its figure (art. 110 Fw)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from shared.api.console.action_text import title as title_text
from shared.api.console.refusal_text import refusal
from shared.domain.plans.schedule import Period, PlanMethod
from shared.domain.records import ActionStatus, PaymentSource
from shared.services.plans.service import PlanConflict, PlanRequest
from tests.unit.api.conftest import invoice_row
from tests.unit.standing.test_standing_ruling_claims import URL, _at, _filing, _plan, _set, _world


def _client(w: Any) -> Any:
    return w.services.access.client_for(w.services.access.authenticate(w.agency_a.key), "C1")


def _key_id(w: Any) -> str:
    return str(w.services.access.authenticate(w.agency_a.key).key_id)


def _clean_slate(w: Any) -> None:
    """WSNP since 10-2-2026 recorded 25-3; the scheme ends with a clean slate on 1-4."""
    _at(w, date(2026, 3, 25))
    _set(w, {"standing": "wsnp", "since": "2026-02-10"})
    _at(w, date(2026, 4, 1))
    _set(w, {"standing": "normal", "reason": "clean_slate"})


def _open(w: Any, number: str, on: str) -> dict[str, str]:
    reply = w.agency_a.call("GET", f"/v1/clients/C1/invoices/{number}/claim", on=on)
    assert reply.status == 200, reply.body
    return dict(reply.body["open"])


def test_no_plan_is_drafted_over_a_natural_obligation_after_a_clean_slate() -> None:
    w = _world()
    _clean_slate(w)
    _at(w, date(2026, 4, 2))
    refused = _plan(w)
    assert refused.status == 409, refused.body
    assert "F1 of debtor D1 cannot be claimed any more" in refused.body["error"]["message"]
    # the console says it in the reader's language (refusal_text, code plan_natural_obligation)
    request = PlanRequest("D1", ("F1",), True, PlanMethod.TRANSFER, date(2026, 4, 15),
                          Period.MONTH, installments=2)  # fmt: skip
    with pytest.raises(PlanConflict) as caught:
        w.services.plans.create(_client(w), request, "staff")
    assert caught.value.code == "plan_natural_obligation"
    assert refusal(caught.value, "nl").startswith(
        "F1 van debiteur D1 kan niet meer worden gevorderd: na de schone lei"
    )
    assert refusal(caught.value, "en").startswith("F1 of debtor D1 can no longer be claimed")
    # nor is the claim claimed: 9.32 of interest (the ruling's day) and 150.00 costs on 1-6,
    # not a cent more (a claim revived by the lift would be 1,000.00 + 150.00 + 9.32 +
    # 111 d x 4 % x 1,000.00 = 12.16 after 10-2)
    on_june = _open(w, "F1", "2026-06-01")
    assert (on_june["interest"], on_june["costs"], on_june["total"]) == (
        "9.32",
        "150.00",
        "1159.32",
    ), on_june


def test_a_draft_of_before_the_ruling_is_not_started_after_an_akkoord() -> None:
    w = _world()
    _at(w, date(2026, 3, 24))
    draft = _plan(w)
    assert draft.status == 201, draft.body
    _at(w, date(2026, 3, 25))
    _set(w, {"standing": "bankrupt", "since": "2026-02-10"})
    _at(w, date(2026, 4, 1))
    _set(w, {"standing": "normal", "reason": "akkoord"})
    started = w.agency_a.call("POST", f"/v1/clients/C1/plans/{draft.body['plan_id']}/activate")
    assert started.status == 409, started.body
    assert "cannot be claimed any more" in started.body["error"]["message"], started.body
    assert w.agency_a.call("GET", f"/v1/clients/C1/plans/{draft.body['plan_id']}").body[
        "status"] == "draft"  # fmt: skip


def test_a_plan_over_a_claim_after_the_ruling_is_agreed_as_ever() -> None:
    """F2 1,000.00 of 1-3-2026 arose after the WSNP of 10-2: the clean slate does not touch
    it (art. 299 lid 1 Fw), a plan over it is drafted."""
    w = _world()
    _at(w, date(2026, 3, 1))
    row = invoice_row(
        "F2", "D1", amount="1000.00", invoice_date="2026-03-01", due_date="2026-03-31"
    )
    assert w.agency_a.call("POST", "/v1/clients/C1/invoices", {"items": [row]}).status == 200
    _clean_slate(w)
    _at(w, date(2026, 4, 2))
    drafted = w.agency_a.call("POST", "/v1/clients/C1/plans", {
        "debtor": "D1", "invoices": ["F2"], "start": "2026-04-15", "installments": 2,
        "include_costs": True, "agreed_by_debtor_on": "2026-04-02", "agreed_how": "phone"})  # fmt: skip
    assert drafted.status == 201, drafted.body
    got = w.agency_a.call("GET", URL).body
    assert got["not_claimable"] == [{"invoice": "F1", "why": "clean_slate"}], got


def test_a_payment_made_anyway_is_booked_on_the_natural_obligation() -> None:
    """6:3 lid 2 / 6:5 BW: no undue payment. 200.00 by transfer on 10-4 stands on F1: costs
    150.00 and interest 9.32 first (6:44 BW), 40.68 of the principal; 959.32 remains."""
    w = _world()
    _clean_slate(w)
    _at(w, date(2026, 4, 10))
    w.services.payments.book(_client(w), payment_id="p1", amount=20_000,
                             received_on=date(2026, 4, 10), source=PaymentSource.BANK,
                             invoice_numbers=["F1"])  # fmt: skip
    after = _open(w, "F1", "2026-06-01")
    assert after["total"] == "959.32", after
    got = w.agency_a.call("GET", URL).body
    assert got["not_claimable"] == [{"invoice": "F1", "why": "clean_slate"}], got


def test_a_ruling_kept_under_a_standing_lifted_as_a_mistake_is_shown_with_every_lift() -> None:
    w = _world()
    _clean_slate(w)
    _at(w, date(2026, 4, 2))
    _set(w, {"standing": "bankrupt", "since": "2026-04-02"})  # the wrong debtor
    _at(w, date(2026, 4, 3))
    _set(w, {"standing": "normal", "reason": "mistake"})
    got = w.agency_a.call("GET", URL).body
    key = _key_id(w)
    assert (got["standing"], got["lift_reason"]) == ("normal", "mistake"), got
    assert got["rulings"] == [{
        "standing": "wsnp", "since": "2026-02-10", "confirmed": True, "recorded_by_agency": True,
        "in_force": False,
        "lifted_on": "2026-04-01", "lift_reason": "clean_slate", "lifted_by": key,
    }], got  # fmt: skip
    assert got["lifts"] == [
        {"standing": "wsnp", "since": "2026-02-10", "confirmed": True,
         "lifted_on": "2026-04-01", "reason": "clean_slate", "by": key},
        {"standing": "bankrupt", "since": "2026-04-02", "confirmed": True,
         "lifted_on": "2026-04-03", "reason": "mistake", "by": key},
    ], got  # fmt: skip
    assert got["not_claimable"] == [{"invoice": "F1", "why": "clean_slate"}], got


def test_a_ruling_in_force_is_listed_as_in_force() -> None:
    w = _world()
    _at(w, date(2026, 3, 25))
    _set(w, {"standing": "wsnp", "since": "2026-02-10"})
    got = w.agency_a.call("GET", URL).body
    assert [(r["standing"], r["in_force"]) for r in got["rulings"]] == [("wsnp", True)], got
    assert got["lifts"] == [] and got["not_claimable"] == [], got


def _late_claim(w: Any) -> None:
    """F3 1,000.00 invoiced 1-11-2025, due 1-12-2025, no letter: a claim of before the ruling
    the client's sync pushes on 1-4. At the ruling 9.32 of interest (as F1), no costs."""
    row = invoice_row("F3", "D1", amount="1000.00", invoice_date="2025-11-01",
                      due_date="2025-12-01")  # fmt: skip
    reply = w.agency_a.call("POST", "/v1/clients/C1/invoices", {"items": [row]})
    assert reply.status == 200 and not reply.body.get("errors"), reply.body


def test_a_claim_of_the_ruling_pushed_after_it_is_added_to_the_filing_item() -> None:
    w = _world()
    _at(w, date(2026, 3, 25))
    _set(w, {"standing": "wsnp", "since": "2026-02-10"})
    assert _filing(w)["detail"]["to_file"] == 115932
    _at(w, date(2026, 4, 1))
    for _ in range(2):  # pushed again by the next sync: the same one item
        _late_claim(w)
        item = _filing(w)  # (one item of the kind, or it fails)
        # F1 1,159.32 + F3 1,000.00 + 9.32 = 2,168.64 on the ruling's day
        assert item["invoice_numbers"] == ["F1", "F3"], item
        assert item["detail"]["to_file"] == 216864, item
        assert item["status"] == "open"
    f3 = _open(w, "F3", "2026-06-01")
    assert (f3["interest"], f3["costs"]) == ("9.32", "0.00"), f3


def test_a_filing_item_staff_closed_is_opened_again_for_a_late_claim() -> None:
    w = _world()
    _at(w, date(2026, 3, 25))
    _set(w, {"standing": "bankrupt", "since": "2026-02-10"})
    client_id = _client(w).client_id
    item, etag = w.services.repos.actions.get(client_id, _filing(w)["action_id"])
    w.services.repos.actions.save(
        item.__class__(**{**item.__dict__, "status": ActionStatus.RESOLVED,
                          "resolution": "filed F1"}), etag)  # fmt: skip
    _at(w, date(2026, 4, 1))
    _late_claim(w)
    again = _filing(w)
    assert again["status"] == "open", again
    assert again["invoice_numbers"] == ["F1", "F3"] and again["detail"]["to_file"] == 216864


def test_a_plan_paused_for_the_ruling_is_not_resumed_over_its_natural_obligation() -> None:
    """A plan agreed on 24-3 runs; the WSNP (since 10-2) recorded on 25-3 pauses it; the clean
    slate of 1-4 leaves F1 a natural obligation: staff cancel the plan, it is not resumed."""
    w = _world()
    _at(w, date(2026, 3, 24))
    draft = _plan(w)
    plan = f"/v1/clients/C1/plans/{draft.body['plan_id']}"
    assert w.agency_a.call("POST", f"{plan}/activate").status == 200
    _at(w, date(2026, 3, 25))
    _set(w, {"standing": "wsnp", "since": "2026-02-10"})
    assert w.agency_a.call("GET", plan).body["status"] == "paused"
    _at(w, date(2026, 4, 1))
    _set(w, {"standing": "normal", "reason": "clean_slate"})
    resumed = w.agency_a.call("POST", f"{plan}/resume")
    assert resumed.status == 409, resumed.body
    assert "F1 of debtor D1 cannot be claimed any more" in resumed.body["error"]["message"]
    assert w.agency_a.call("GET", plan).body["status"] == "paused"
    items = w.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    (lifted,) = [x for x in items if x["kind"] == "debtor_standing_lifted"]
    assert lifted["title"] == (
        "Debtor D1's standing was lifted: cancel the payment plan(s) paused for it over claims "
        f"it left natural obligations ({draft.body['plan_id']})"
    ), lifted
    assert title_text(lifted["title"], "nl").startswith(
        "De status van debiteur D1 is opgeheven: annuleer de regeling(en)"
    )


def _ended_item(w: Any) -> dict[str, Any]:
    items = w.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    found = [x for x in items if x["kind"] == "debtor_standing_ended"]
    assert len(found) == 1, found
    return dict(found[0])


def test_a_claim_of_the_ruling_pushed_after_a_clean_slate_is_one_of_its_claims() -> None:
    w = _world()
    _clean_slate(w)
    _at(w, date(2026, 4, 2))
    _late_claim(w)
    # F3 is a natural obligation as F1: on the item to write off, not claimable, and no
    # interest after the ruling: 9.32 on 1-6 (4.93 + 4.38), not 9.32 + 111 d x 4 % = 21.48
    assert _ended_item(w)["invoice_numbers"] == ["F1", "F3"]
    got = w.agency_a.call("GET", URL).body
    assert [x["invoice"] for x in got["not_claimable"]] == ["F1", "F3"], got
    assert _open(w, "F3", "2026-06-01")["interest"] == "9.32"


def test_a_claim_of_a_ruling_ended_otherwise_pushed_after_its_lift_is_paused_as_the_others() -> (
    None
):
    w = _world()
    _at(w, date(2026, 3, 25))
    _set(w, {"standing": "wsnp", "since": "2026-02-10"})
    _at(w, date(2026, 4, 1))
    _set(w, {"standing": "normal", "reason": "ended"})
    _at(w, date(2026, 4, 2))
    _late_claim(w)
    f3 = "/v1/clients/C1/invoices/F3"
    assert w.agency_a.call("GET", f3).body["paused_until"] == "9999-12-31"
    assert _ended_item(w)["invoice_numbers"] == ["F1", "F3"]
    # the WSNP's period 10-2..31-3 bears none, from the lift it runs: 6:119 2-12..31-12
    # 30 d x 6 % x 1,000.00 = 4.9315, 1-1..9-2 40 d x 4 % = 4.3836, 1-4..31-5 61 d x 4 % =
    # 6.6849: 16.00 (rounded once; with the scheme's 50 days it would be 21.48)
    assert _open(w, "F3", "2026-06-01")["interest"] == "16.00"
    # staff booked the distribution and resume it; the next sync pushes it again: it stays
    assert w.agency_a.call("POST", f"{f3}/resume").status == 200
    _at(w, date(2026, 4, 3))
    _late_claim(w)
    assert w.agency_a.call("GET", f3).body["paused_until"] is None
    assert _ended_item(w)["invoice_numbers"] == ["F1", "F3"]
