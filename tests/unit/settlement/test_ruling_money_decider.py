"""attack15 P1: the filing item of a bankruptcy decides the money received under it (art. 23
Fw: the curator may claim it back); the settlement run holds that money until the item is
resolved (law14b D). So the item is resolved only by who may decide the ruling's money, the
same rule as lifting the ruling: an administrator, and the agency for a ruling it recorded.

test_paid_after_ruling_held's world: the agency's bankruptcy of D1 of 10-2-2026, p1 500.00
received 20-2 and held. Before the fix a client's plain staff key (client_staff: no admin
flag) resolved the item (200) and the run of 9-3 paid the client 276.15 of it; so did the
client's admin over the agency's ruling he may not lift (422 standing_agency_recorded)."""

from __future__ import annotations

from datetime import date
from typing import Any

from shared.domain.people.authorisation import Role
from shared.domain.records import ActionStatus
from tests.unit.console.conftest import csrf_of, desk_for, forms_of
from tests.unit.settlement.test_paid_after_ruling_held import _paid_after_the_ruling
from tests.unit.standing.test_standing_ruling_claims import URL, _at, _filing

ITEM = "standing-D1-bankrupt-2026-02-10"


def _key(w: Any, *, admin: bool) -> Any:
    body = {"scope": "client", "client": "C1", **({"admin": True} if admin else {})}
    return w.agency_a.as_key(w.agency_a.call("POST", "/v1/keys", body).body["key"])


def _paid_out_on_9_march(w: Any) -> int | None:
    _at(w, date(2026, 3, 9))
    run = w.services.settlement_runs.run_agency("agency-a", date(2026, 3, 9))
    return None if run is None else int(run.payout_total)


def _code(reply: Any) -> str:
    return str(reply.body["error"]["details"][0]["code"])


def test_a_client_staff_key_may_not_resolve_the_filing_item() -> None:
    w, _ = _paid_after_the_ruling()
    staff = _key(w, admin=False)
    assert staff.call("POST", URL, {"standing": "normal", "reason": "mistake"}).status == 403
    done = staff.call("POST", f"/v1/clients/C1/actions/{ITEM}/resolve", {"resolution": "ok"})
    assert (done.status, _code(done)) == (403, "ruling_money_admin"), done.body
    assert _filing(w)["status"] == "open"
    assert _paid_out_on_9_march(w) is None  # p1 still held (before: 27615)
    # the same key still resolves the daily work's items (a ruling's item is the exception)
    assert staff.call("POST", "/v1/clients/C1/actions/nope/resolve",
                      {"resolution": "ok"}).status == 404  # fmt: skip


def test_a_clients_admin_may_not_resolve_the_agencys_ruling_item() -> None:
    w, _ = _paid_after_the_ruling()
    admin = _key(w, admin=True)
    lift = admin.call("POST", URL, {"standing": "normal", "reason": "mistake"})
    assert (lift.status, _code(lift)) == (422, "standing_agency_recorded")
    done = admin.call("POST", f"/v1/clients/C1/actions/{ITEM}/resolve", {"resolution": "ok"})
    assert (done.status, _code(done)) == (422, "ruling_money_agency"), done.body
    assert _paid_out_on_9_march(w) is None  # before: 27615
    # the agency decides it: released to the next run as before
    assert w.agency_a.call("POST", f"/v1/clients/C1/actions/{ITEM}/resolve",
                           {"resolution": "curator lets it stand"}).status == 200  # fmt: skip
    _at(w, date(2026, 3, 16))
    run = w.services.settlement_runs.run_agency("agency-a", date(2026, 3, 16))
    assert run is not None and run.payout_total == 276_15


def test_a_clients_admin_decides_the_ruling_he_recorded() -> None:
    """A ruling the client's admin set (not the agency's) stays his to decide, as to lift."""
    w, _ = _paid_after_the_ruling()
    admin = _key(w, admin=True)
    _at(w, date(2026, 2, 22))
    # the agency takes its ruling back as a mistake; the client's admin records it himself
    assert w.agency_a.call("POST", URL, {"standing": "normal", "reason": "mistake"}).status == 200
    assert admin.call("POST", URL, {"standing": "bankrupt", "since": "2026-02-10"}).status == 200
    item = _filing(w)
    assert item["status"] == "open", item
    done = admin.call("POST", f"/v1/clients/C1/actions/{item['action_id']}/resolve",
                      {"resolution": "kept"})  # fmt: skip
    assert done.status == 200, done.body


def test_the_console_offers_no_resolve_to_client_staff_and_refuses_it_in_bulk() -> None:
    w, _ = _paid_after_the_ruling()
    client_id = w.services.repos.clients.id_for_number("agency-a", "C1")
    staff = desk_for(w, Role.CLIENT_STAFF, client_id, "s@c1.example")
    page = staff.get(f"/actions/{ITEM}?lang=en")
    assert page.status == 200
    assert not any('value="resolve"' in f for f in forms_of(page))  # no button
    assert any('value="assign-me"' in f for f in forms_of(page))  # the daily work stays
    assert "an administrator does" in page.encoded().decode()
    forged = staff.post(f"/actions/{ITEM}?lang=en", {"csrf": csrf_of(page), "do": "resolve"})
    assert forged.status == 422 and "as lifting it" in forged.encoded().decode()
    listed = staff.get("/actions")
    bulk = staff.post("/actions", {"csrf": csrf_of(listed), "do": "resolve", "id": ITEM})
    assert bulk.status == 409  # "not done for" the item
    stored = w.services.repos.actions.get(client_id, ITEM)
    assert stored is not None and stored[0].status is ActionStatus.OPEN
    assert _paid_out_on_9_march(w) is None
    # the agency's administrator sees the button (its staff do not: lifting is an admin's too)
    agency = desk_for(w, Role.AGENCY_ADMIN, None, "a@agency-a.example")
    shown = agency.get(f"/actions/{ITEM}?client={client_id}")
    assert any('value="resolve"' in f for f in forms_of(shown)), shown.encoded().decode()[:400]
