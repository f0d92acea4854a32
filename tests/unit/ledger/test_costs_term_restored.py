"""Costs a returned 14-day letter took back come back with the term (law6 finding 2).

Consumer D1, due 2025-02-28; the workflow posts the 14-day letter on Mon 03-03 (costs owed
from 03-20). A payment on 03-25 fixes the costs; on 03-28 the letter is reported returned:
the claim is restated without them (right, law5 finding 3). Then the term comes back (staff
confirm receipt, with or without the day it reached him, or the client pushes a new letter)
and the costs must be owed again (was: 0.00 for good, because a claim whose costs a
restatement took back counted as fixed at nothing).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from shared.domain.messaging import OutboxStatus
from shared.domain.records import PaymentSource
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.dunning.test_daily_run import SEEN, TEMPLATES, day

BASE = "/v1/clients/C1/invoices"


def _returned_letter(world, amounts, paid_on):  # type: ignore[no-untyped-def]
    """The letter over ``amounts`` (F1, F2 ...), ``paid_on``: invoice -> cents received
    03-25 naming it; the letter reported returned on 03-28."""
    SEEN.clear()
    a = world.agency_a
    world.clock.at = datetime(2025, 3, 3, 6, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", contact_email="f@c1.example")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", name="Jan")]})
    for tid, body in TEMPLATES.items():
        a.call("PUT", f"/v1/clients/C1/templates/{tid}", body)
    wf = {"name": "W", "steps": [
        {"name": "Veertiendagenbrief", "channel": "fourteen_day_letter", "offset_days": 3,
         "templates": {"nl": "t-14"}},
        {"name": "Bellen", "channel": "staff_task", "offset_days": 40,
         "offset_from": "previous_step"}]}  # fmt: skip
    assert a.call("PUT", "/v1/clients/C1/workflows/w", wf).status == 200
    assert a.call("POST", "/v1/clients/C1/workflows/w/activate").status == 200
    a.call("PUT", "/v1/clients/C1/segment-rules", {"rules": [{"workflow": "w"}]})
    rows = [
        invoice_row(f"F{i + 1}", "D1", amount=x, invoice_date="2025-02-01", due_date="2025-02-28")
        for i, x in enumerate(amounts)
    ]
    a.call("POST", BASE, {"items": rows})
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    day(world, client)
    [(message, _)] = world.services.messaging.outbox.with_prefix(client.client_id, "dun|D1|")
    world.clock.at = datetime(2025, 3, 25, 9, 0, tzinfo=UTC)
    for n, cents in paid_on.items():
        world.services.payments.book(client, payment_id=f"bank-{n}", amount=cents,
                                     received_on=date(2025, 3, 25), source=PaymentSource.BANK,
                                     invoice_numbers=[n])  # fmt: skip
    world.clock.at = datetime(2025, 3, 28, 9, 0, tzinfo=UTC)
    world.services.messaging.record_status(message.provider, message.provider_id,
                                           OutboxStatus.UNDELIVERABLE, "retour afzender")  # fmt: skip
    world.clock.at = datetime(2025, 4, 2, 9, 0, tzinfo=UTC)
    return a, client


def _claim(a, n, on):  # type: ignore[no-untyped-def]
    return a.call("GET", f"{BASE}/{n}/claim", on=on).body


def test_receipt_confirmed_brings_the_costs_back_and_the_payment_pays_them(world):  # type: ignore[no-untyped-def]
    a, client = _returned_letter(world, ["1000.00"], {"F1": 20_000})
    c = _claim(a, "F1", "2025-03-28")  # after the report: no costs, 196.05 on the principal
    assert (c["open"]["costs"], c["paid"]["principal"]) == ("0.00", "196.05")
    r = a.call("POST", f"{BASE}/F1/fourteen-day-letter-received", None)
    assert (r.status, r.body["costs_term_restored"]) == (200, ["F1"])
    c = _claim(a, "F1", "2025-04-20")
    # the letter's own term (3:37 lid 3): 15 % x 1,000 = 150.00 owed from 03-20; the 200.00
    # of 03-25 pays them first (6:44): costs 150.00, interest 24 d x 6 % x 1,000 / 365 =
    # 3.9452 -> 3.95, principal 46.05
    assert c["costs_owed_from"] == "2025-03-20"
    assert c["paid"] == {"principal": "46.05", "costs": "150.00", "costs_vat": "0.00",
                         "interest": "3.95"}  # fmt: skip
    # interest round once: 3.9452 + 26 d x 6 % x 953.95 / 365 = 4.0773 -> 8.02, less 3.95
    assert c["open"] == {"principal": "953.95", "costs": "0.00", "costs_vat": "0.00",
                         "interest": "4.07", "total": "958.02"}  # fmt: skip
    # the payment's row and the invoice follow the ledger
    row = world.services.repos.payments.get(client.client_id, "bank-F1")
    assert sorted((x.component, x.amount) for x in row.allocations) == [
        ("costs", 15_000),
        ("interest", 395),
        ("principal", 4_605),
    ]
    assert world.services.repos.invoices.get(client.client_id, "F1").invoice.paid == 4_605
    # confirming again changes nothing more
    assert a.call("POST", f"{BASE}/F1/fourteen-day-letter-received", None).status == 200
    assert _claim(a, "F1", "2025-04-20")["open"]["total"] == "958.02"


@pytest.mark.parametrize("how", ["received_on", "new letter"])
def test_a_later_term_counts_the_payment_inside_it(world, how):  # type: ignore[no-untyped-def]
    a, _ = _returned_letter(world, ["1000.00"], {"F1": 20_000})
    if how == "received_on":  # term 04-01 .. 04-14, costs from 04-15
        r = a.call("POST", f"{BASE}/F1/fourteen-day-letter-received",
                   {"received_on": "2025-03-31"})  # fmt: skip
        assert r.status == 200, r.body
        owed_from, on = "2025-04-15", "2025-04-20"
    else:  # the client sends a new letter itself on 04-01: costs from 04-18
        r = a.call("POST", BASE, {"items": [invoice_row(
            "F1", "D1", amount="1000.00", invoice_date="2025-02-01", due_date="2025-02-28",
            fourteen_day_letter_on="2025-04-01")]})  # fmt: skip
        assert r.status == 200, r.body
        owed_from, on = "2025-04-18", "2025-04-30"
    c = _claim(a, "F1", on)
    # the 200.00 of 03-25 came before the term ended: base 1,000 - 200 = 800.00 -> 120.00
    assert (c["costs_owed_from"], c["open"]["costs"], c["paid"]["costs"]) == (
        owed_from,
        "120.00",
        "0.00",
    )


def test_two_invoices_share_the_restored_costs_and_one_credited_leaves_the_other(world):  # type: ignore[no-untyped-def]
    # 500.00 on F2 on 03-25 fixed F2's 337.50 of the one notice; returned, then confirmed
    # with the day it reached him: both terms 04-01 .. 04-14, costs from 04-15
    a, _ = _returned_letter(world, ["3000.00", "3000.00"], {"F2": 50_000})
    r = a.call("POST", f"{BASE}/F1/fourteen-day-letter-received", {"received_on": "2025-03-31"})
    assert (r.status, r.body["costs_term_restored"]) == (200, ["F1", "F2"])
    f1, f2 = _claim(a, "F1", "2025-04-20"), _claim(a, "F2", "2025-04-20")
    # the 500.00 came inside the new term: one notice over 3,000 + 2,500 = 5,500.00:
    # 375 + 250 + 5 % x 500 = 650.00, F1 650 x 3,000 / 5,500 = 354.55, F2 295.45
    # (was: 650.00 all on F1, F2 0.00)
    assert (f1["open"]["costs"], f2["open"]["costs"]) == ("354.55", "295.45")
    assert f2["paid"]["costs"] == "0.00"
    world.clock.at = datetime(2025, 4, 20, 9, 0, tzinfo=UTC)
    r = a.call("POST", f"{BASE}/F1/credit", {"amount": "3000.00", "reference": "CN-1"})
    assert r.status == 200, r.body
    # F1 was never owed: the notice is F2 alone, base 2,500.00 -> 375.00 (was 0.00)
    assert _claim(a, "F2", "2025-04-20")["open"]["costs"] == "375.00"
