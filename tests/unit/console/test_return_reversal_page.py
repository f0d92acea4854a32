"""The item of a bank return no payment was found for offers to reverse the booked payment it
sent back (newcomer12 #1): the payments that fit, each with its day, amount and invoices; the
chosen one is reversed through the API's service (the invoice reopens, the item is resolved),
in Dutch and English; it takes booked money off, so it needs ``reverse_receipts`` (agency staff,
the client's admin, misc13): the client's daily staff and a reader are offered nothing and may do
nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime

from shared.domain.people.authorisation import Role
from shared.domain.records import ActionItem, ActionStatus, PaymentSource, Receiver
from tests.unit.console.conftest import csrf_of, desk_for
from tests.unit.figures.test_console_figures import seed

NOW = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)


def _return_item(world, client_id: str, pooled: tuple[str, ...] = ()) -> None:  # type: ignore[no-untyped-def]
    """``pooled``: the payments received on the agency's pooled account instead."""
    seed(world)
    client = world.services.repos.clients.get(client_id)[0]
    for pid in ("bank-a-1", "bank-b-1"):
        world.services.payments.book(
            client, payment_id=pid, amount=2100, received_on=date(2025, 3, 1),
            source=PaymentSource.BANK, invoice_numbers=["F2"],
            # a return on the client's own list is of its own account (the pooled account's
            # are the agency's: statement_returns.ReturnedPayments)
            received_by=Receiver.THIRD_PARTY if pid in pooled else Receiver.CLIENT,
        )  # fmt: skip
    world.services.repos.actions.add(ActionItem(
        client_id, "a-ret", "unmatched_return",
        "Returned payment of € 21,00 (AC04) without an end-to-end id: 2 booked payments of "
        "that payer's account and amount fit; reverse the one it returned", NOW,
        detail={"amount": -2100, "date": "2025-03-03", "return_reason": "AC04",
                "end_to_end_id": None, "payer_iban": "NL02RABO0123456789",
                "payer_name": "D1 BV", "payments": ["bank-a-1", "bank-b-1"]},
    ))  # fmt: skip


def test_admins_reverse_the_payment_a_return_sent_back(world, tenants):  # type: ignore[no-untyped-def]
    _return_item(world, tenants.c1)
    staff = desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "s@c1.example")
    page = staff.get("/actions/a-ret?lang=nl")
    body = page.encoded().decode()
    assert page.status == 200 and "Teruggeboekte betaling terugdraaien" in body
    assert 'value="bank-a-1"' in body and 'value="bank-b-1"' in body and "01-03-2025" in body
    assert "2 geboekte betalingen van die rekening en dat bedrag passen" in body
    short = staff.post("/actions/a-ret", {"csrf": csrf_of(page), "do": "reverse-payment",
                                          "payment": "bank-b-1", "note": ""})  # fmt: skip
    assert short.status == 400
    done = staff.post("/actions/a-ret", {"csrf": csrf_of(page), "do": "reverse-payment",
                                         "payment": "bank-b-1", "note": "bank: AC04 of 3-3"})  # fmt: skip
    assert done.status == 303
    payments = world.services.repos.payments
    assert payments.get(tenants.c1, "bank-b-1").reversed
    assert not payments.get(tenants.c1, "bank-a-1").reversed
    item = world.services.repos.actions.get(tenants.c1, "a-ret")[0]
    assert item.status is ActionStatus.RESOLVED and item.detail["reversing"] == "bank-b-1"
    shown = staff.get("/actions/a-ret?lang=nl").encoded().decode()
    assert "betaling bank-b-1 teruggedraaid: bank: AC04 of 3-3" in shown
    assert "Teruggeboekte betaling terugdraaien" not in shown  # resolved: no form


def test_a_reader_is_offered_no_reversal(world, tenants):  # type: ignore[no-untyped-def]
    _return_item(world, tenants.c1)
    reader = desk_for(world, Role.READ_ONLY, tenants.c1, "r@c1.example")
    page = reader.get("/actions/a-ret?lang=en")
    assert page.status == 200 and "Reverse the returned payment" not in page.encoded().decode()
    tried = reader.post("/actions/a-ret", {"csrf": csrf_of(page), "do": "reverse-payment",
                                           "payment": "bank-a-1", "note": "try it"})  # fmt: skip
    assert tried.status == 403
    assert not world.services.repos.payments.get(tenants.c1, "bank-a-1").reversed


def test_agency_staff_may_reverse_it(world, tenants):  # type: ignore[no-untyped-def]
    _return_item(world, tenants.c1)
    staff = desk_for(world, Role.AGENCY_STAFF, None, "s@agency.example")
    page = staff.get(f"/actions/a-ret?lang=en&client={tenants.c1}")
    assert page.status == 200 and "Reverse the returned payment" in page.encoded().decode()
    done = staff.post("/actions/a-ret", {"csrf": csrf_of(page), "do": "reverse-payment",
                                         "client": tenants.c1, "payment": "bank-a-1",
                                         "note": "bank: AC04 of 3-3"})  # fmt: skip
    assert done.status == 303
    assert world.services.repos.payments.get(tenants.c1, "bank-a-1").reversed


def test_the_clients_daily_staff_are_offered_no_reversal(world, tenants):  # type: ignore[no-untyped-def]
    """misc13: undoing booked money is ``reverse_receipts``, not the daily work's ``write``."""
    _return_item(world, tenants.c1)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    page = staff.get("/actions/a-ret?lang=nl")
    body = page.encoded().decode()
    assert page.status == 200 and "Teruggeboekte betaling terugdraaien" not in body
    tried = staff.post("/actions/a-ret", {"csrf": csrf_of(page), "do": "reverse-payment",
                                          "payment": "bank-a-1", "note": "bank: AC04"})  # fmt: skip
    assert tried.status == 403
    assert not world.services.repos.payments.get(tenants.c1, "bank-a-1").reversed


def test_a_payment_the_return_does_not_name_is_refused_in_the_pages_words(world, tenants):  # type: ignore[no-untyped-def]
    """attack13 F2: the choice is the return's own payments; another is refused, said in nl
    and en, and nothing is reversed."""
    _return_item(world, tenants.c1)
    client = world.services.repos.clients.get(tenants.c1)[0]
    world.services.payments.book(
        client, payment_id="bank-c-1", amount=2100, received_on=date(2025, 3, 1),
        source=PaymentSource.BANK, invoice_numbers=["F2"], received_by=Receiver.CLIENT,
    )  # fmt: skip
    staff = desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "s@c1.example")
    for lang, said in (
        ("nl", "hoort niet bij deze terugboeking"),
        ("en", "the item does not name it"),
    ):
        page = staff.get(f"/actions/a-ret?lang={lang}")
        tried = staff.post(f"/actions/a-ret?lang={lang}", {
            "csrf": csrf_of(page), "do": "reverse-payment", "other_payment": "bank-c-1",
            "note": "try it"})  # fmt: skip
        assert tried.status == 422 and said in tried.encoded().decode()
    assert not world.services.repos.payments.get(tenants.c1, "bank-c-1").reversed


def test_a_clients_admin_is_offered_only_what_he_may_reverse(world, tenants):  # type: ignore[no-untyped-def]
    """codereview13 #9: bank-a-1 arrived on the agency's pooled account: the service refuses
    a client's person it (return_agency_decides), so the form offers him only bank-b-1; the
    agency's staff are offered both."""
    _return_item(world, tenants.c1, pooled=("bank-a-1",))
    admin = desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "a@c1.example")
    body = admin.get("/actions/a-ret?lang=en").encoded().decode()
    assert "Reverse the returned payment" in body and 'value="bank-b-1"' in body
    assert 'value="bank-a-1"' not in body
    staff = desk_for(world, Role.AGENCY_STAFF, None, "s@agency.example")
    body = staff.get(f"/actions/a-ret?lang=en&client={tenants.c1}").encoded().decode()
    assert 'value="bank-a-1"' in body and 'value="bank-b-1"' in body


def test_a_return_of_the_agencys_payments_only_is_the_agencys(world, tenants):  # type: ignore[no-untyped-def]
    """Both on the pooled account: no form for the client's admin (it could only be refused),
    the page says the agency reverses it, nl and en; his post is still refused."""
    _return_item(world, tenants.c1, pooled=("bank-a-1", "bank-b-1"))
    admin = desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "a@c1.example")
    for lang, title, said in (
        ("en", "Reverse the returned payment", "The agency reverses this payment"),
        ("nl", "Teruggeboekte betaling terugdraaien", "Het incassobureau draait deze betaling"),
    ):
        page = admin.get(f"/actions/a-ret?lang={lang}")
        body = page.encoded().decode()
        assert title not in body and 'value="bank-a-1"' not in body and said in body
    tried = admin.post("/actions/a-ret", {"csrf": csrf_of(page), "do": "reverse-payment",
                                          "payment": "bank-a-1", "note": "bank: AC04"})  # fmt: skip
    assert tried.status == 422
    assert not world.services.repos.payments.get(tenants.c1, "bank-a-1").reversed
    staff = desk_for(world, Role.AGENCY_STAFF, None, "s@agency.example")
    body = staff.get(f"/actions/a-ret?lang=en&client={tenants.c1}").encoded().decode()
    assert "Reverse the returned payment" in body and "The agency reverses" not in body
