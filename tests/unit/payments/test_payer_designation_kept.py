"""A payment its payer designated himself moves to another claim only on his word (law14 F5;
art. 6:43 lid 1 BW: it goes where he designated it, and the creditor may not make it serve
another debt; 6:44 lid 2 only lets the creditor refuse a payment).

Consumer D1: F2 500.00 due 1-12-2025, F1 1,000.00 due 1-1-2026. 15-1-2026: 506.00 by bank
naming F2 (designated F2: interest 3.23 + principal 500.00, 2.77 over to F1). On 1-2 staff PUT
F1 "client prefers the larger bill": refused 422 ``designation_payer_own``, F2 stays paid (was:
200, F1 took 506.00 and F2 reopened at 500.00 + 4.16 interest, to be dunned). With
``payer_word`` (he asked for it himself, or his remittance was misread) it moves, and the new
designation is his. A person's own tick, or money nobody designated, is corrected without."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from shared.domain.records import PaymentSource
from tests.unit.api.conftest import client_row, debtor_row, invoice_row

PATH = "/v1/clients/C1/payments/p1/designation"
MOVE = {"invoices": ["F1"], "reason": "client prefers the larger bill"}


def _paid(world: Any, designated: list[str] | None) -> Any:
    a = world.agency_a
    world.clock.at = datetime(2026, 1, 6, 9, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    rows = [
        invoice_row("F2", "D1", amount="500.00", invoice_date="2025-11-01", due_date="2025-12-01"),
        invoice_row("F1", "D1", amount="1000.00", invoice_date="2025-12-01", due_date="2026-01-01"),
    ]  # fmt: skip
    assert not a.call("POST", "/v1/clients/C1/invoices", {"items": rows}).body.get("errors")
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    world.clock.at = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
    world.services.payments.book(
        client, payment_id="p1", amount=50_600, received_on=date(2026, 1, 15),
        source=PaymentSource.BANK, invoice_numbers=["F2"], payer_iban="NL91ABNA0417164300",
        designated=designated,
    )  # fmt: skip
    world.clock.at = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)
    return client


def _open(world: Any, number: str) -> str:
    body = world.agency_a.call("GET", f"/v1/clients/C1/invoices/{number}/claim", on="2026-02-01")
    return str(body.body["open"]["total"])


def test_the_payers_own_designation_is_not_moved_without_his_word(world):
    client = _paid(world, None)  # booked on F2 as he named it
    assert _open(world, "F2") == "0.00"
    reply = world.agency_a.call("PUT", PATH, MOVE)
    assert reply.status == 422, reply.body
    assert reply.body["error"]["details"][0]["code"] == "designation_payer_own"
    assert _open(world, "F2") == "0.00"
    row = world.services.repos.payments.get(client.client_id, "p1")
    assert row.designated == ("F2",) and not row.designated_by_staff


def test_on_his_word_it_moves_and_stays_his(world):
    client = _paid(world, None)
    reply = world.agency_a.call("PUT", PATH, {**MOVE, "payer_word": "asked"})
    assert reply.status == 200, reply.body
    assert _open(world, "F2") == "504.16"  # 500.00 + 30 d x 6 % + 31 d x 4 % on 1-2
    row = world.services.repos.payments.get(client.client_id, "p1")
    assert row.designated == ("F1",) and not row.designated_by_staff
    # now his designation again: back to F2 on staff's say-so alone is refused too
    back = world.agency_a.call("PUT", PATH, {**MOVE, "invoices": ["F2"]})
    assert back.status == 422, back.body


def test_a_persons_own_tick_is_corrected_without_the_payers_word(world):
    client = _paid(world, [])  # confirmed on F2 by a person; the payer named nothing
    reply = world.agency_a.call("PUT", PATH, MOVE)
    assert reply.status == 200, reply.body
    row = world.services.repos.payments.get(client.client_id, "p1")
    assert row.designated == ("F1",) and row.designated_by_staff
    # staff's own correction stays correctable by staff
    again = world.agency_a.call("PUT", PATH, {**MOVE, "invoices": ["F2"]})
    assert again.status == 200, again.body


def test_an_unknown_word_is_refused_by_the_schema(world):
    _paid(world, None)
    reply = world.agency_a.call("PUT", PATH, {**MOVE, "payer_word": "client"})
    assert reply.status == 422 and reply.body["error"]["field"] == "payer_word", reply.body


def test_the_dossier_form_asks_for_his_word_and_says_why_it_refuses(world):
    from shared.domain.people.authorisation import Role
    from tests.unit.console.conftest import csrf_of, desk_for

    client = _paid(world, None)
    cid = client.client_id
    url = "/dossier/D1/payment/p1"
    agency = desk_for(world, Role.AGENCY_STAFF, None, "staff@agency-a.example")
    page = agency.get(f"{url}?lang=en&client={cid}")
    html = page.encoded().decode()
    assert "The payer asked for these invoices himself" in html
    version = html.split('name="version" value="', 1)[1].split('"', 1)[0]
    form = {"csrf": csrf_of(page), "client": cid, "invoices": "F1", "payer_word": "",
            "reason": "client prefers it", "version": version.replace("&#34;", '"')}  # fmt: skip
    refused = agency.post(f"{url}?client={cid}&lang=en", form)
    assert refused.status == 422
    assert "The payer designated this payment himself (F2)" in refused.encoded().decode()
    assert _open(world, "F2") == "0.00"
    done = agency.post(f"{url}?client={cid}", {**form, "payer_word": "asked"})
    assert done.status == 303, done.encoded().decode()[:2000]
    assert _open(world, "F2") == "504.16"


def test_the_payers_invoices_in_another_order_are_no_change(world):
    """codereview14 F0: his own (F2, F1) sent back as (F1, F2), as the console posts its ticks
    in page order, is no change: it stays his, so a later move still needs his word (was: saved
    as staff's, and the next PUT moved the money to F3 without his word)."""
    client = _paid(world, None)
    a = world.agency_a
    rows = [invoice_row("F3", "D1", amount="200.00", invoice_date="2025-11-01",
                        due_date="2025-12-01")]  # fmt: skip
    assert not a.call("POST", "/v1/clients/C1/invoices", {"items": rows}).body.get("errors")
    payments = world.services.repos.payments
    read = payments.get_versioned(client.client_id, "p1")
    assert read is not None
    payments.save_if(replace(read[0], designated=("F2", "F1")), read[1])
    same = a.call("PUT", PATH, {"invoices": ["F1", "F2"], "reason": "tidy up"})
    assert same.status == 200, same.body
    row = payments.get(client.client_id, "p1")
    assert row.designated == ("F2", "F1") and not row.designated_by_staff
    moved = a.call("PUT", PATH, {"invoices": ["F3"], "reason": "client prefers F3"})
    assert moved.status == 422, moved.body
    assert moved.body["error"]["details"][0]["code"] == "designation_payer_own"
    assert payments.get(client.client_id, "p1").designated == ("F2", "F1")
