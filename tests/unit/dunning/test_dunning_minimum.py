"""newcomer9 finding G: a consumer who pays the invoice amount a few days late leaves cents of
interest open (art. 6:44 BW takes interest first), and the workflow used to dun them up to a
14-day letter and a hand-over. Below the client's dunning minimum (default EUR 5.00) no step
goes out and nothing is handed over; staff get one action item to write the rest off or keep
it, and the ledger still holds every cent."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from shared.domain.records import PaymentSource
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.dunning import test_daily_run
from tests.unit.dunning.test_daily_run import TEMPLATES, WORKFLOW, simulate

HANDING_OVER = {**WORKFLOW, "steps": [
    *WORKFLOW["steps"],  # type: ignore[list-item]
    {"name": "Overdracht", "channel": "handover", "offset_days": 14, "offset_from": "previous_step"},
]}  # fmt: skip


def _paid_late(world, **client_settings):
    """D1 (a consumer) owes F1 EUR 20.00 due 2025-03-10 and pays EUR 20.00 on 2025-03-31:
    the statutory interest of those days is taken first, a few cents stay open. D2 owes
    F3 EUR 121.00 and pays nothing (the control: it is dunned as before)."""
    test_daily_run.SEEN.clear()
    a = world.agency_a
    world.clock.at = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)
    row = client_row("C1", contact_email="facturen@c1.example", **client_settings)
    assert a.call("POST", "/v1/clients", {"items": [row]}).status in (200, 201)
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1"), debtor_row("D2")]})
    for template_id, body in TEMPLATES.items():
        assert a.call("PUT", f"/v1/clients/C1/templates/{template_id}", body).status == 200
    assert a.call("PUT", "/v1/clients/C1/workflows/particulier", HANDING_OVER).status == 200
    assert a.call("POST", "/v1/clients/C1/workflows/particulier/activate").status == 200
    rules = {"rules": [{"workflow": "particulier"}]}
    assert a.call("PUT", "/v1/clients/C1/segment-rules", rules).status == 200
    a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row("F1", "D1", due_date="2025-03-10", amount="20.00"),
        invoice_row("F3", "D2", due_date="2025-03-10"),
    ]})  # fmt: skip
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    world.clock.at = datetime(2025, 3, 31, 5, 0, tzinfo=UTC)
    world.services.payments.book(
        client, payment_id="bank-1", amount=2_000, received_on=date(2025, 3, 31),
        source=PaymentSource.BANK, invoice_numbers=["F1"],
    )  # fmt: skip
    left = world.services.repos.invoices.get(client.client_id, "F1").invoice.open_amount
    assert 0 < left < 100, left  # cents of principal: the payment went to interest first
    return world, client


def test_cents_left_by_a_late_payment_are_not_dunned_nor_handed_over(world):
    world, client = _paid_late(world)
    sent = simulate(world, client, 90)
    # main: D1 got the SMS, the 14-day letter (by post, for cents) and was handed over
    assert [s for s in sent if s[2] == "D1"] == []
    assert {s[1] for s in sent if s[2] == "D2"} >= {"email", "sms"}  # the control is dunned
    actions = world.services.repos.actions.list(client.client_id)[0]
    handed = [a for a in actions if a.debtor_number == "D1" and a.kind != "below_dunning_minimum"]
    assert handed == []  # no call task, no hand-over
    [item] = [a for a in actions if a.kind == "below_dunning_minimum"]  # once in 90 runs
    assert item.debtor_number == "D1" and item.invoice_numbers == ("F1",)
    assert "below the dunning minimum of EUR 5.00" in item.title
    # nothing dropped: the claim is still open in the ledger, for a person to write off
    claims = world.services.dunning.ledger.open_claims(client, ["F1"], date(2025, 4, 1))
    assert claims["F1"].open.total > 0


def test_a_client_that_chases_every_cent_sets_the_minimum_to_zero(world):
    world, client = _paid_late(world, dunning_minimum_amount="0.00")
    sent = simulate(world, client, 30)
    assert any(s[2] == "D1" for s in sent)  # its choice: the cents are dunned
    actions = world.services.repos.actions.list(client.client_id)[0]
    assert not [a for a in actions if a.kind == "below_dunning_minimum"]


@pytest.mark.parametrize("minimum", ["5.00", "25.00"])
def test_the_client_setting_is_read_back(world, minimum):
    a = world.agency_a
    row = client_row("C1", dunning_minimum_amount=minimum)
    assert a.call("POST", "/v1/clients", {"items": [row]}).status in (200, 201)
    [out] = [c for c in a.call("GET", "/v1/clients").body["items"] if c["number"] == "C1"]
    assert out["dunning_minimum_amount"] == minimum


def test_a_remainder_of_late_interest_is_not_called_unpaid_principal(world):
    """The DE1 case: a business paid its invoice of EUR 1,452.00 in full, three weeks late;
    the commercial interest was taken first and that much is open. The demo's reminder (what
    clients copy) used to say "hoofdsom ... open" as if the invoice were unpaid."""
    from tools.demo import DEMO_TEMPLATES

    demo = DEMO_TEMPLATES["herinnering"]
    body = {"language": "nl", "subject": demo.subject, "text": demo.text}
    world, client = _paid_late(world)
    a = world.agency_a
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("B1", kind="b2b")]})
    assert a.call("PUT", "/v1/clients/C1/templates/t-reminder", body).status == 200
    a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row("F9", "B1", due_date="2025-03-10", amount="1452.00")]})  # fmt: skip
    world.services.payments.book(
        client, payment_id="bank-9", amount=145_200, received_on=date(2025, 3, 31),
        source=PaymentSource.BANK, invoice_numbers=["F9"],
    )  # fmt: skip
    left = world.services.repos.invoices.get(client.client_id, "F9").invoice.open_amount
    assert left > 500  # above the minimum: the reminder goes
    sent = simulate(world, client, 2)
    assert [s[3] for s in sent if s[2] == "B1"] == [("F9",)]
    [(record, _)] = [
        r for r in world.services.messaging.outbox.with_prefix(client.client_id, "dun|B1|")
    ]
    text = world.services.messaging.content(client.client_id, record.key).text
    assert "hoofdsom" not in text  # main: "(hoofdsom € 9,..., rente € 0,..)"
    assert "factuurbedrag na de vervaldatum betaald" in text and "rente" in text


def test_a_small_invoice_nobody_paid_any_of_is_dunned_as_any_other(world):
    """The minimum is for what is left of a payment or a credit: an invoice of EUR 3.00 that
    was never paid is dunned (a client with many small invoices would else never see one)."""
    world, client = _paid_late(world)
    world.agency_a.call(
        "POST",
        "/v1/clients/C1/invoices",
        {"items": [invoice_row("F9", "D2", due_date="2025-03-10", amount="3.00")]},
    )
    world.agency_a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D3")]})
    world.agency_a.call(
        "POST",
        "/v1/clients/C1/invoices",
        {"items": [invoice_row("F7", "D3", due_date="2025-03-10", amount="3.00")]},
    )
    sent = simulate(world, client, 30)
    assert {s[1] for s in sent if s[2] == "D3"} >= {"email"}
    assert [s for s in sent if s[2] == "D1"] == []
