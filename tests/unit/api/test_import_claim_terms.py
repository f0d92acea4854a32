"""attack7 #2, #4, #5, #7 and law7 F7: the invoice import may not rewrite a claim's legal terms
behind the law's back. A claim kind or due date that would lift a prescription hold, a higher
amount after the 14-day letter announced the costs, a letter date Inning's own letter record
contradicts: refused per row, naming the field and what to do instead. A claim kind or due
date after a letter or a hold is an administrator's act, logged and audited. interest_from on
or before the due date: refused (no default yet, 6:119/6:119a BW). Unchanged re-sends and
changes before the milestones pass as before."""

from __future__ import annotations

from datetime import UTC, date, datetime

from shared.domain.people.audit import Event
from tests.unit.api.conftest import World, client_row, debtor_row, invoice_row
from tests.unit.dunning import test_letter_received_on as returned
from tests.unit.dunning.test_daily_run import SEEN, TEMPLATES, day
from tests.unit.dunning.test_letter_receipt_check import _failed_letter
from tests.unit.dunning.test_prescription_watch import at, engine  # noqa: F401

INVOICES = "/v1/clients/C1/invoices"


def _plain(a):
    return a.as_key(a.call("POST", "/v1/keys", {"scope": "client", "client": "C1"}).body["key"])


def _client_id(world: World) -> str:
    found = world.services.repos.clients.id_for_number("agency-a", "C1")
    assert found
    return found


def _log(world: World, debtor: str = "D1") -> list[str]:
    entries, _ = world.services.repos.contacts.for_debtor(_client_id(world), debtor)
    return [e.summary for e in entries]


def _audited(world: World) -> list[tuple[str, str, str]]:
    kit = world.services.people.kit
    return [(e.subject, e.actor, e.detail["change"])
            for e in kit.people.audit.between(f"client:{_client_id(world)}", "0", "z")
            if e.event is Event.CLAIM_TERMS_CHANGED]  # fmt: skip


def _invoice(world: World, number: str = "F1"):
    stored = world.services.repos.invoices.get(_client_id(world), number)
    assert stored is not None
    return stored.invoice


def _held(world: World, client, today: date) -> set[str]:
    found = world.services.repos.debtors.get(client.client_id, "D1")
    assert found is not None
    debtor = found[0]
    watch = world.services.dunning.prescriptions
    return watch.held(client.client_id, debtor, [_invoice(world)], today)


# -- the prescription hold (attack7 #2) ---------------------------------------------------------
HELD_SALE = invoice_row("F1", "D1", invoice_date="2022-05-01", due_date="2022-06-01",
                        amount="500.00")  # fmt: skip


def test_a_claim_kind_that_would_lift_the_hold_is_refused_to_every_key(engine) -> None:  # noqa: F811
    world, client = engine  # today 2025-03-03: the consumer sale of 2022 is held (2 years)
    a = world.agency_a
    assert a.call("POST", INVOICES, {"items": [HELD_SALE]}).status == 200
    assert _held(world, client, date(2025, 3, 3)) == {"F1"}
    for key in (_plain(a), a):  # the agency's own key neither: releasing is its own route
        reply = key.call("POST", INVOICES, {"items": [{**HELD_SALE, "claim_kind": "other"}]})
        assert reply.status == 200 and reply.body["updated"] == 0, reply.body
        [error] = reply.body["errors"]
        assert error["field"] == "claim_kind" and "/prescription" in error["message"]
    assert _invoice(world).claim_kind is None and _held(world, client, date(2025, 3, 3)) == {"F1"}
    assert at(world, client, date(2025, 3, 3)) == []  # still nothing goes out
    # the CRM's nightly re-send of the same row keeps working
    again = _plain(a).call("POST", INVOICES, {"items": [HELD_SALE]}).body
    assert again["unchanged"] == 1 and again["rejected"] == 0, again


def test_a_due_date_that_would_lift_the_hold_is_refused(engine) -> None:  # noqa: F811
    world, client = engine
    a = world.agency_a
    row = {**HELD_SALE, "claim_kind": "other"}  # five years: held from 2027-06-02
    assert a.call("POST", INVOICES, {"items": [row]}).status == 200
    world.clock.at = datetime(2027, 7, 1, 8, 0, tzinfo=UTC)
    assert _held(world, client, date(2027, 7, 1)) == {"F1"}
    later = {**row, "invoice_date": "2024-05-01", "due_date": "2024-06-01"}
    reply = _plain(a).call("POST", INVOICES, {"items": [later]})
    [error] = reply.body["errors"]
    assert error["field"] == "due_date" and "prescription" in error["message"], reply.body
    assert _invoice(world).due_date == date(2022, 6, 1)
    assert _held(world, client, date(2027, 7, 1)) == {"F1"}


def test_before_the_hold_the_claim_kind_and_due_date_change_as_before(engine) -> None:  # noqa: F811
    world, _ = engine
    a = world.agency_a
    row = invoice_row("F1", "D1", invoice_date="2025-01-01", due_date="2025-02-01",
                      amount="500.00")  # fmt: skip
    assert a.call("POST", INVOICES, {"items": [row]}).status == 200
    moved = {**row, "due_date": "2025-02-15", "claim_kind": "other"}
    reply = _plain(a).call("POST", INVOICES, {"items": [moved]}).body
    assert reply["updated"] == 1 and reply["rejected"] == 0, reply
    assert _invoice(world).due_date == date(2025, 2, 15) and _audited(world) == []


# -- after a 14-day letter: an administrator's act, logged and audited --------------------------
LETTERED = invoice_row("F1", "D1", amount="500.00", invoice_date="2025-01-01",
                       due_date="2025-01-10", fourteen_day_letter_on="2025-03-01")  # fmt: skip
UNLETTERED = invoice_row("F2", "D1", amount="500.00", invoice_date="2025-01-01",
                         due_date="2025-01-10")  # fmt: skip


def _lettered(world: World):
    world.clock.at = datetime(2025, 4, 10, 9, 0, tzinfo=UTC)
    a = world.agency_a
    assert a.call("POST", "/v1/clients", {"items": [client_row("C1")]}).status == 200
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    reply = a.call("POST", INVOICES, {"items": [LETTERED, UNLETTERED]})
    assert reply.body["created"] == 2, reply.body
    return a


def _costs(a, number: str = "F1") -> str:
    body = a.call("GET", f"{INVOICES}/{number}/claim", on="2025-04-10").body
    return str(body["open"]["costs"])


def test_claim_kind_after_the_letter_only_by_an_administrator_and_on_the_record(
    world: World,
) -> None:
    a = _lettered(world)
    service = {**LETTERED, "claim_kind": "other"}
    reply = _plain(a).call("POST", INVOICES, {"items": [service]}).body
    [error] = reply["errors"]
    assert error["field"] == "claim_kind" and "administrator" in error["message"], reply
    assert _invoice(world).claim_kind is None and _audited(world) == []
    done = a.call("POST", INVOICES, {"items": [service]}).body
    assert done["updated"] == 1 and done["rejected"] == 0, done
    assert _invoice(world).claim_kind is not None
    [line] = [s for s in _log(world) if "claim kind" in s]
    assert "not given -> other" in line and "14-day letter" in line
    [(subject, actor, change)] = _audited(world)
    assert subject == "F1" and actor.startswith("key:") and "other" in change
    # sent again: unchanged, recorded once
    assert a.call("POST", INVOICES, {"items": [service]}).body["unchanged"] == 1
    assert len(_audited(world)) == 1


def test_a_due_date_after_the_letter_is_refused_to_a_plain_key(world: World) -> None:
    a = _lettered(world)
    reply = _plain(a).call("POST", INVOICES, {"items": [{**LETTERED, "due_date": "2025-01-05"}]})
    [error] = reply.body["errors"]
    assert error["field"] == "due_date" and "administrator" in error["message"]
    assert _invoice(world).due_date == date(2025, 1, 10)


def test_no_higher_amount_after_the_letter_announced_the_costs(world: World) -> None:
    a = _lettered(world)
    before = _costs(a)
    assert before == "75.00"  # 15 % of 500.00 (the staffel's first step), owed by now
    for key in (_plain(a), a):
        reply = key.call("POST", INVOICES, {"items": [{**LETTERED, "amount": "3000.00"}]})
        [error] = reply.body["errors"]
        assert error["field"] == "amount" and "new invoice" in error["message"], reply.body
    assert _invoice(world).amount == 50000 and _costs(a) == before
    # lower stays possible, and a claim without a letter takes a higher amount as before
    lower = _plain(a).call("POST", INVOICES, {"items": [
        {**LETTERED, "amount": "400.00"}, {**UNLETTERED, "amount": "3000.00"}]}).body  # fmt: skip
    assert lower["updated"] == 2 and lower["rejected"] == 0, lower
    assert _invoice(world).amount == 40000 and _invoice(world, "F2").amount == 300000


def test_no_higher_amount_after_innings_own_letter(world: World) -> None:
    SEEN.clear()
    a = world.agency_a
    world.clock.at = datetime(2025, 3, 3, 6, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", contact_email="f@c1.example")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", name="Jan")]})
    for tid, body in TEMPLATES.items():
        a.call("PUT", f"/v1/clients/C1/templates/{tid}", body)
    wf = {"name": "W", "steps": [
        {"name": "Veertiendagenbrief", "channel": "fourteen_day_letter", "offset_days": 3,
         "templates": {"nl": "t-14"}}]}  # fmt: skip
    assert a.call("PUT", "/v1/clients/C1/workflows/w", wf).status == 200
    assert a.call("POST", "/v1/clients/C1/workflows/w/activate").status == 200
    a.call("PUT", "/v1/clients/C1/segment-rules", {"rules": [{"workflow": "w"}]})
    row = invoice_row("F1", "D1", amount="1000.00", invoice_date="2025-02-01",
                      due_date="2025-02-28")  # fmt: skip
    a.call("POST", INVOICES, {"items": [row]})
    assert a.key is not None
    principal = world.services.access.authenticate(a.key)
    assert principal is not None
    client = world.services.access.client_for(principal, "C1")
    day(world, client)  # the 14-day letter, posted 03-03: 150.00 announced
    assert _invoice(world).costs_owed_from is not None
    world.clock.at = datetime(2025, 4, 2, 9, 0, tzinfo=UTC)
    reply = _plain(a).call("POST", INVOICES, {"items": [{**row, "amount": "3000.00"}]})
    assert reply.body["errors"][0]["field"] == "amount", reply.body
    claim = a.call("GET", f"{INVOICES}/F1/claim", on="2025-04-02").body
    assert claim["open"]["costs"] == "150.00"


# -- the 14-day letter date against Inning's own letter (attack7 #5) -----------------------------
ROW = invoice_row("F1", "D1", amount="1000.00", invoice_date="2025-02-01", due_date="2025-02-28")


def test_a_returned_letter_is_not_made_received_by_import(world: World) -> None:
    a = returned._returned_letter(world)  # Inning's letter of 03-03 reported undeliverable
    world.clock.at = datetime(2025, 4, 2, 9, 0, tzinfo=UTC)
    for key in (_plain(a), a):
        reply = key.call("POST", INVOICES, {"items": [{**ROW, "fourteen_day_letter_on": "2025-03-01"}]})  # fmt: skip
        [error] = reply.body["errors"]
        assert error["field"] == "fourteen_day_letter_on", reply.body
        assert "fourteen-day-letter-received" in error["message"]
    claim = a.call("GET", f"{INVOICES}/F1/claim", on="2025-04-02").body
    assert claim["open"]["costs"] == "0.00"


def test_a_failed_letter_is_not_made_sent_by_import(world: World) -> None:
    a = _failed_letter(world)  # the print provider refused it: no letter exists
    world.clock.at = datetime(2025, 4, 2, 9, 0, tzinfo=UTC)
    reply = _plain(a).call("POST", INVOICES, {"items": [{**ROW, "fourteen_day_letter_on": "2025-03-03"}]})  # fmt: skip
    [error] = reply.body["errors"]
    assert error["field"] == "fourteen_day_letter_on" and "send it again" in error["message"]
    claim = a.call("GET", f"{INVOICES}/F1/claim", on="2025-04-02").body
    assert claim["open"]["costs"] == "0.00"


def test_a_letter_backdated_before_the_return_needs_an_administrator(world: World) -> None:
    """attack8 #4: Inning's letter of 03-03 is reported undeliverable on 03-07 (costs 0.00);
    on 04-02 a staff key imports "its own letter" of 03-04: refused (was 150.00 owed at once);
    a letter of the import's own day is the client's new letter; an administrator may record
    the earlier date, and that is logged and audited."""
    a = returned._returned_letter(world)
    world.clock.at = datetime(2025, 4, 2, 9, 0, tzinfo=UTC)
    staff = _plain(a)
    for backdated in ("2025-03-04", "2025-03-07", "2025-04-01"):
        reply = staff.call("POST", INVOICES, {"items": [{**ROW, "fourteen_day_letter_on": backdated}]})  # fmt: skip
        [error] = reply.body["errors"]
        assert error["field"] == "fourteen_day_letter_on", reply.body
        assert "administrator" in error["message"] and "2025-03-07" in error["message"]
    claim = a.call("GET", f"{INVOICES}/F1/claim", on="2025-04-02").body
    assert (claim["costs_owed_from"], claim["open"]["costs"]) == (None, "0.00")
    assert _audited(world) == []
    done = a.call("POST", INVOICES, {"items": [{**ROW, "fourteen_day_letter_on": "2025-03-04"}]})
    assert done.body["updated"] == 1 and done.body["rejected"] == 0, done.body
    [(subject, actor, change)] = _audited(world)
    assert subject == "F1" and actor.startswith("key:") and "none -> 2025-03-04" in change
    assert any("reported undelivered on 2025-03-07" in s for s in _log(world))


def test_a_new_letter_of_the_import_day_after_the_return_is_the_clients(world: World) -> None:
    a = returned._returned_letter(world)
    world.clock.at = datetime(2025, 4, 2, 9, 0, tzinfo=UTC)
    reply = _plain(a).call("POST", INVOICES, {"items": [{**ROW, "fourteen_day_letter_on": "2025-04-02"}]})  # fmt: skip
    assert reply.body["updated"] == 1 and reply.body["rejected"] == 0, reply.body
    claim = a.call("GET", f"{INVOICES}/F1/claim", on="2025-04-30").body
    assert claim["costs_owed_from"] == "2025-04-23" and _audited(world) == []


def test_the_clients_own_letter_date_is_taken_as_before(world: World) -> None:
    a = _lettered(world)  # F2 has no letter of Inning's: the client sent its own
    reply = _plain(a).call("POST", INVOICES, {"items": [{**UNLETTERED, "fourteen_day_letter_on": "2025-03-01"}]})  # fmt: skip
    assert reply.body["updated"] == 1 and reply.body["rejected"] == 0, reply.body
    assert _costs(a, "F2") == "75.00"


# -- interest only in default (attack7 #7, law7 F7) ---------------------------------------------
def test_interest_from_on_or_before_the_due_date_is_refused(world: World) -> None:
    a = world.agency_a
    world.clock.at = datetime(2025, 3, 1, 10, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    rows = [invoice_row(n, "D1", amount="1000.00", invoice_date="2025-01-01",
                        due_date="2025-01-31", interest_from=start)
            for n, start in (("F1", "2025-01-02"), ("F2", "2025-01-31"), ("F3", "2025-02-01"))]  # fmt: skip
    reply = _plain(a).call("POST", INVOICES, {"items": rows}).body
    assert reply["created"] == 1 and [e["index"] for e in reply["errors"]] == [0, 1], reply
    assert all("on or before due_date" in e["message"] for e in reply["errors"])
    # F3 from the day after the due date: 1-2 .. 28-2 = 28 d x 6 % x 1,000.00 / 365 = 4.60
    claim = a.call("GET", f"{INVOICES}/F3/claim", on="2025-03-01").body
    assert claim["open"]["interest"] == "4.60"
