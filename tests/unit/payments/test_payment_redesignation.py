"""A bank payment a person booked on the wrong claim is moved to the claim its payer named
(law13 F5; art. 6:43 lid 1 / 6:30 BW).

Consumer D1: F2 500.00 due 1-12-2025, 14-day letter 5-1-2026 (received 7-1, term to 21-1; costs
15 % x 500.00 = 75.00 from 22-1); F1 1,000.00 due 1-1-2026, no letter. The debtor's mother pays
506.00 on 15-1, remittance "F2"; staff confirm the line on F1 by mistake. By hand, booked as
named: F2 500.00 + 6:119 interest 30 d x 6 % (2.47) + 14 d x 4 % (0.77) = 503.24, paid inside the
term: no costs; 2.76 over to F1 by 6:43 lid 2 (interest 13 d x 4 % 1.42, principal 1.34). On 1-2:
F2 0.00, F1 998.66 + 17 d x 4 % 1.86 = 1,000.52 in all. Was: F1 496.35, F2 579.16 (75.00 costs it
never owed): 1,075.51, and no route could correct it (reverse / received-on: 422).
The ledger splits the 3.24 of F2's interest over its two rate periods at 3.23 (one cent more of
principal on F1, 998.65 + 1.87): the debtor's total is the hand's 1,000.52.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from shared.domain.people.audit import Event
from shared.domain.people.authorisation import Action, action_for_request
from shared.domain.records import PaymentSource
from tests.unit.api.conftest import client_row, debtor_row, invoice_row

BASE = "/v1/clients/C1/invoices"
PATH = "/v1/clients/C1/payments/stmt-line-1/designation"
# the payer's remittance named F2 (booked on F1 as if he had named it): his word is that it
# was misread, which a designation of his needs to be moved (law14 F5)
BODY = {"invoices": ["F2"], "reason": "the remittance named F2", "payer_word": "misread"}


def _booked_on_f1(world: Any) -> Any:
    a = world.agency_a
    world.clock.at = datetime(2026, 1, 6, 9, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1"), client_row("C2")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1"), debtor_row("D2")]})
    a.call("POST", "/v1/clients/C2/debtors", {"items": [debtor_row("D1")]})
    rows = [
        invoice_row("F2", "D1", amount="500.00", invoice_date="2025-11-01",
                    due_date="2025-12-01", fourteen_day_letter_on="2026-01-05"),
        invoice_row("F1", "D1", amount="1000.00", invoice_date="2025-12-01",
                    due_date="2026-01-01"),
        invoice_row("G1", "D2", amount="100.00", invoice_date="2025-12-01",
                    due_date="2026-01-01"),
    ]  # fmt: skip
    assert not a.call("POST", BASE, {"items": rows}).body.get("errors")
    other = [invoice_row("H1", "D1", amount="100.00", invoice_date="2025-12-01",
                         due_date="2026-01-01")]  # fmt: skip
    assert not a.call("POST", "/v1/clients/C2/invoices", {"items": other}).body.get("errors")
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    world.clock.at = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
    world.services.payments.book(
        client, payment_id="stmt-line-1", amount=50600, received_on=date(2026, 1, 15),
        source=PaymentSource.BANK, invoice_numbers=["F1"], payer_iban="NL91ABNA0417164300",
    )  # fmt: skip
    world.clock.at = datetime(2026, 1, 16, 9, 0, tzinfo=UTC)
    return client


def _open(world: Any, number: str) -> dict[str, str]:
    body = world.agency_a.call("GET", f"{BASE}/{number}/claim", on="2026-02-01").body
    return dict(body["open"])


def _events(world: Any, client: Any) -> int:
    claims = world.services.ledger.ledger.for_debtor(client.client_id, "D1")
    return sum(len(c.events) for c in claims.values())


def _audited(world: Any, client: Any) -> list[Any]:
    audit = world.services.people.kit.people.audit
    return [e for e in audit.between(f"client:{client.client_id}", "0", "z")
            if e.event is Event.PAYMENT_REDESIGNATED]  # fmt: skip


def test_the_payment_goes_to_the_claim_its_payer_named_as_from_its_day(world):
    """Corrected on 1-2, when the debtor asks why F2 still shows 579.16."""
    client = _booked_on_f1(world)
    world.clock.at = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)
    assert _open(world, "F2")["costs"] == "75.00"  # the mistake: costs F2 never owed
    assert (_open(world, "F1")["total"], _open(world, "F2")["total"]) == ("496.35", "579.16")
    reply = world.agency_a.call("PUT", PATH, BODY)
    assert reply.status == 200, reply.body
    assert reply.body["designated"] == ["F2"]
    f1, f2 = _open(world, "F1"), _open(world, "F2")
    assert f2 == {"principal": "0.00", "costs": "0.00", "costs_vat": "0.00",
                  "interest": "0.00", "total": "0.00"}  # fmt: skip
    assert (f1["principal"], f1["interest"], f1["total"]) == ("998.65", "1.87", "1000.52")
    paid = world.agency_a.call("GET", f"{BASE}/F2/claim", on="2026-02-01").body["paid"]
    assert (paid["principal"], paid["costs"], paid["interest"]) == ("500.00", "0.00", "3.23")
    row = world.services.repos.payments.get(client.client_id, "stmt-line-1")
    assert sorted({a.invoice_number for a in row.allocations}) == ["F1", "F2"]
    assert row.booked_to == ("F1", "F2") and row.unallocated == 0
    assert world.services.repos.invoices.get(client.client_id, "F2").invoice.status.value == "paid"
    (event,) = _audited(world, client)
    assert event.subject == "stmt-line-1" and event.detail["booked_on_before"] == "F1"
    assert (event.detail["designated"], event.detail["booked_on"]) == ("F2", "F1,F2")
    # the same request again is the same change: nothing more on the ledger or the audit log
    before = _events(world, client)
    again = world.agency_a.call("PUT", PATH, BODY)
    assert again.status == 200 and again.body == reply.body
    assert _events(world, client) == before and len(_audited(world, client)) == 1
    assert _open(world, "F1")["total"] == "1000.52"


def test_corrected_the_day_after_the_costs_go_and_the_interest_runs_as_from_its_day(world):
    """Corrected on 16-1: F2 never owed the costs; F1's interest runs on 998.65 from 15-1 (the
    day 15-1 fixed on the correction's day is rounded apart from what accrues after it: a cent
    under the hand's 1,000.52, the ledger's cents after a restatement). Was 6 cents under: the
    money taken off F1 read as a return, so F1 bore interest on 495.42 for the day 15-1."""
    client = _booked_on_f1(world)
    assert world.agency_a.call("PUT", PATH, BODY).status == 200
    f1, f2 = _open(world, "F1"), _open(world, "F2")
    assert f2["total"] == "0.00" and f2["costs"] == "0.00"
    assert f1["principal"] == "998.65"
    assert abs(float(f1["total"]) - 1000.52) <= 0.011  # 1,000.51
    for day, interest in (("2026-01-17", "0.22"), ("2026-01-20", "0.55")):  # 0.11 a day
        body = world.agency_a.call("GET", f"{BASE}/F1/claim", on=day).body
        assert body["open"]["interest"] == interest, day
    assert world.services.repos.invoices.get(client.client_id, "F2").invoice.status.value == "paid"


def test_a_stale_version_is_refused(world):
    _booked_on_f1(world)
    first = world.api.handle(_put(world, BODY, {}))
    assert first.status == 200
    etag = first.headers["ETag"]
    # another person moves it back to F1 meanwhile: a correction over the version read is
    # refused
    back = world.api.handle(_put(world, {**BODY, "invoices": ["F1"]}, {"if-match": etag}))
    assert back.status == 200 and back.headers["ETag"] != etag
    stale = world.api.handle(_put(world, BODY, {"if-match": etag}))
    assert stale.status == 412
    assert _open(world, "F2")["costs"] == "75.00"  # on F1 again, as the second person said


def _put(world: Any, body: dict[str, Any], headers: dict[str, str]) -> Any:
    import json

    from shared.api.http import ApiRequest

    key = {"x-api-key": world.agency_a.key}
    return ApiRequest("PUT", PATH, {**key, **headers}, {}, json.dumps(body).encode())  # lower


def test_another_debtor_s_or_client_s_invoices_are_refused(world):
    client = _booked_on_f1(world)
    a = world.agency_a
    other_debtor = a.call("PUT", PATH, {**BODY, "invoices": ["F2", "G1"]})
    assert other_debtor.status == 422
    assert other_debtor.body["error"]["details"][0]["code"] == "designation_other_debtor"
    other_client = a.call("PUT", PATH, {**BODY, "invoices": ["H1"]})  # C2's invoice
    assert other_client.status == 422
    assert other_client.body["error"]["details"][0]["code"] == "designation_unknown_invoices"
    # C1's payment is not C2's to move
    assert a.call("PUT", "/v1/clients/C2/payments/stmt-line-1/designation", BODY).status == 404
    assert a.call("PUT", "/v1/clients/C1/payments/nope/designation", BODY).status == 404
    world.services.payments.reverse(client, "stmt-line-1", "the bank returned it", tell=False)
    came_back = a.call("PUT", PATH, BODY)
    assert came_back.status == 422
    assert came_back.body["error"]["details"][0]["code"] == "designation_payment_reversed"
    assert _audited(world, client) == []


def test_agency_staff_and_client_admins_correct_it_not_plain_client_keys(world):
    _booked_on_f1(world)
    assert action_for_request("PUT", PATH) is Action.REVERSE_RECEIPTS
    a = world.agency_a
    plain = a.call("POST", "/v1/keys", {"scope": "client", "client": "C1"}).body["key"]
    refused = a.as_key(plain).call("PUT", PATH, BODY)
    assert refused.status == 403
    assert _open(world, "F2")["costs"] == "75.00"
    admin = a.call("POST", "/v1/keys", {"scope": "client", "client": "C1", "admin": True})
    assert a.as_key(admin.body["key"]).call("PUT", PATH, BODY).status == 200
    assert _open(world, "F2")["total"] == "0.00"


def test_a_payout_made_is_corrected_by_the_next_settlement_not_rewritten(world):
    """The 506.00 was settled (and paid out) on F1 on 16-1; corrected on 17-1, the settlement
    of 18-1 moves it per invoice as ``reallocated`` lines, and the one of 16-1 stands."""
    from shared.domain.parties import Agency
    from shared.domain.settlement.records import RunStatus
    from shared.services.onboarding import register_agency
    from tests.unit.settlement.conftest import THIRD_PARTY
    from tests.unit.settlement.test_money_the_client_received import _agreement, _csv, _settle

    client = _booked_on_f1(world)
    _agreement(world, client.client_id)
    # paid out: without the account the run of 16-1 would wait and take the correction in
    register_agency(world.services.repos, Agency("agency-a", "Acme Incasso", THIRD_PARTY))
    run, first = _settle(world, "agency-a", date(2026, 1, 16))
    assert run.status is RunStatus.AWAITING_APPROVAL and run.payout_total > 0
    settled = [r for r in _csv(world, first["C1"].csv) if "stmt-line-1" in r]
    world.clock.at = datetime(2026, 1, 17, 9, 0, tzinfo=UTC)
    assert world.agency_a.call("PUT", PATH, BODY).status == 200
    _, second = _settle(world, "agency-a", date(2026, 1, 18))
    fixes = [r for r in _csv(world, second["C1"].csv) if r[0] == "correction"]
    moved = {(r[3], r[4]): r[6] for r in fixes if r[2] == "stmt-line-1"}
    assert moved == {("F1", "principal"): "-503.23", ("F2", "interest"): "3.23",
                     ("F2", "principal"): "500.00"}  # fmt: skip
    assert {r[7] for r in fixes} == {"reallocated"}
    assert [r for r in _csv(world, first["C1"].csv) if "stmt-line-1" in r] == settled


def test_the_dossier_offers_the_correction_to_whom_the_route_allows(world):
    from shared.domain.people.authorisation import Role
    from tests.unit.console.conftest import csrf_of, desk_for

    client = _booked_on_f1(world)
    cid = client.client_id
    url = "/dossier/D1/payment/stmt-line-1"
    staff = desk_for(world, Role.CLIENT_STAFF, cid, "s@c1.example")
    dossier = staff.get("/dossier/D1?lang=en").encoded().decode()
    assert "/dossier/D1/payment/stmt-line-1" in dossier  # every reader sees the payment
    page = staff.get(f"{url}?lang=en")
    assert 'value="designate"' not in page.encoded().decode()
    refused = staff.post(url, {"csrf": csrf_of(page), "invoices": "F2", "reason": "named F2"})
    assert refused.status == 403
    agency = desk_for(world, Role.AGENCY_STAFF, None, "staff@agency-a.example")
    page = agency.get(f"{url}?lang=nl&client={cid}")
    html = page.encoded().decode()
    assert "Aanwijzing corrigeren" in html and 'value="designate"' in html
    version = html.split('name="version" value="', 1)[1].split('"', 1)[0]
    form = {"csrf": csrf_of(page), "client": cid, "invoices": "F2",
            "reason": "de moeder noemde F2", "version": version.replace("&#34;", '"'),
            "payer_word": "misread"}  # fmt: skip
    done = agency.post(f"{url}?client={cid}", form)
    assert done.status == 303, done.encoded().decode()[:2000]
    assert _open(world, "F2")["total"] == "0.00"
    shown = agency.get(f"{url}?lang=nl&client={cid}&done=desig_designated").encoded().decode()
    assert "De aanwijzing is gecorrigeerd" in shown
    # the same form again (its version is stale now) is refused with the page's sentence
    stale = agency.post(f"{url}?client={cid}&lang=nl", form)
    assert stale.status == 409
    assert "Iemand anders heeft deze betaling intussen gewijzigd" in stale.encoded().decode()
    other = agency.post(f"{url}?client={cid}&lang=nl", {**form, "invoices": "G1", "version": ""})
    assert other.status == 422
    assert "is van een andere debiteur" in other.encoded().decode()


def test_the_dossier_form_asks_why_and_audits_the_person_by_his_id(world):
    """codereview13 #8: posted with no reason the form moved the money and audited '-' (the
    API demands 3 characters), and it named the person `user:u…` where his other entries say
    `u…`: one rule for the reason (the service's), the person's id as every console act."""
    from shared.domain.people.authorisation import Role
    from tests.unit.console.conftest import csrf_of, desk_for

    client = _booked_on_f1(world)
    cid = client.client_id
    url = "/dossier/D1/payment/stmt-line-1"
    agency = desk_for(world, Role.AGENCY_STAFF, None, "staff@agency-a.example")
    page = agency.get(f"{url}?lang=nl&client={cid}")
    html = page.encoded().decode()
    version = html.split('name="version" value="', 1)[1].split('"', 1)[0]
    form = {"csrf": csrf_of(page), "client": cid, "invoices": "F2", "reason": "  ",
            "version": version.replace("&#34;", '"'), "payer_word": "misread"}  # fmt: skip
    refused = agency.post(f"{url}?client={cid}&lang=nl", form)
    assert refused.status == 422, refused.status
    assert "Zeg waarom de aanwijzing wordt gecorrigeerd (3 tot 1000 tekens)" in \
        refused.encoded().decode()  # fmt: skip
    assert _open(world, "F2")["costs"] == "75.00" and not _audited(world, client)
    # the API's schema refuses it with the same bounds (REASON_MIN), before the service does
    reply = world.agency_a.call("PUT", PATH, {**BODY, "reason": "ok"})
    assert (reply.status, reply.body["error"]["field"]) == (422, "reason"), reply.body
    done = agency.post(f"{url}?client={cid}", {**form, "reason": "de moeder noemde F2"})
    assert done.status == 303, done.encoded().decode()[:2000]
    (event,) = _audited(world, client)
    user = world.services.people.kit.people.users.by_email("staff@agency-a.example")[0]
    assert (event.actor, event.detail["reason"]) == (user.user_id, "de moeder noemde F2")


@pytest.mark.parametrize(("fixed", "back"), [(16, 21), (17, 25), (20, 30)])
def test_corrected_then_returned_reads_as_never_paid(world: Any, fixed: int, back: int) -> None:
    """Corrected to F2 on ``fixed``-1, the 506.00 returned by the bank (storno) on ``back``-1:
    nothing was paid. On 1-2 F1 is 1,000.00 + 30 d x 4 % = 3.29 interest (1,003.29), F2 500.00
    + 75.00 costs (not paid in its term after all) + 2.47 + 31 d x 4 % 1.70 = 579.16, whatever
    the days. Was: F1's interest of the days between the payment and the correction charged
    twice, 0.11 a day (1,003.34 / 1,003.40 / 1,003.56; codereview13 #1)."""
    client = _booked_on_f1(world)
    world.clock.at = datetime(2026, 1, fixed, 9, 0, tzinfo=UTC)
    assert world.agency_a.call("PUT", PATH, BODY).status == 200
    world.clock.at = datetime(2026, 1, back, 9, 0, tzinfo=UTC)
    world.services.payments.reverse(client, "stmt-line-1", "storno", tell=False)
    assert _open(world, "F1")["total"] == "1003.29"
    assert _open(world, "F2")["total"] == "579.16"


def test_there_and_back_on_one_day_is_audited_each_time(world: Any) -> None:
    """codereview13 #7: F1 -> F2 -> F1 -> F2 on one day moved the money three times and left
    two audit entries: the third's id was the first's (payment, designation, day)."""
    client = _booked_on_f1(world)
    world.clock.at = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)
    assert world.agency_a.call("PUT", PATH, BODY).status == 200
    back = {**BODY, "invoices": ["F1"], "reason": "oops, F1 after all"}
    assert world.agency_a.call("PUT", PATH, back).status == 200
    third = world.agency_a.call("PUT", PATH, {**BODY, "reason": "really F2"})
    assert third.status == 200 and third.body["designated"] == ["F2"]
    assert world.agency_a.call("PUT", PATH, {**BODY, "reason": "really F2"}).status == 200
    reasons = sorted(e.detail["reason"] for e in _audited(world, client))
    assert reasons == ["oops, F1 after all", "really F2", "the remittance named F2"], reasons


def test_a_credited_invoice_is_refused_in_the_designations_own_words(world: Any) -> None:
    """newcomer13b #7: naming a credited invoice was refused with the statement confirm's
    sentence ("the statement line is not booked"), though no line is involved."""
    from shared.api.console.refusal_text import refusal
    from shared.services.errors import Invalid

    client = _booked_on_f1(world)
    assert world.agency_a.call("POST", f"{BASE}/F2/credit").status == 200
    reply = world.agency_a.call("PUT", PATH, BODY)
    assert reply.status == 422 and "designation_invoice_closed" in str(reply.body)
    try:
        world.services.redesignation.redesignate(client, "stmt-line-1", ["F2"], "u1", "named F2")
    except Invalid as exc:
        assert refusal(exc, "nl").startswith("Factuur F2 is gecrediteerd of ingetrokken")
        assert "statement line" not in refusal(exc, "en")
    else:
        raise AssertionError("a credited invoice took the payment")
