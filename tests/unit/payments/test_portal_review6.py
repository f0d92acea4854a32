"""The portal overview after review debtor6: every figure of an invoice (invoice amount,
credited, costs with their VAT, interest, paid, open) adding up to the API's claim; the total
above and on the pay button; the 14-day term's deadline and costs; a running plan's next
installment instead of the whole claim; what a transfer must quote; a disputed invoice kept in
sight; every text in the debtor's language; an expired link that says whom to ask."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from shared.api.portal_app import PortalApp
from shared.api.portal_figures import invoice_figures
from shared.domain.day_shown import day_en
from shared.domain.money import format_eur_nl
from shared.domain.portal.tokens import PortalAccess, issue
from shared.domain.records import PaymentSource
from shared.domain.references.epc_qr import CreditTransfer, qr_svg
from shared.services.portal import transfer_text
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.payments.test_portal import Browser


@pytest.fixture
def advies(world):
    """A client that cannot deduct VAT (so the costs carry VAT it must state), with contact
    details; a consumer with two invoices past their 14-day letter, one partly credited, the
    other partly paid by transfer; an English debtor with one invoice."""
    world.clock.at = datetime(2025, 3, 20, 10, 0, tzinfo=UTC)
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row(
        "V1", vat_deductible=False, contact_email="debiteuren@advies.example",
        contact_phone="030 123 45 67")]})  # fmt: skip
    a.call("POST", "/v1/clients/V1/debtors", {"items": [
        debtor_row("D1"), debtor_row("D2", language="en")]})  # fmt: skip
    a.call("POST", "/v1/clients/V1/invoices", {"items": [
        invoice_row("A1", "D1", amount="300.00", fourteen_day_letter_on="2025-02-10"),
        invoice_row("A2", "D1", amount="80.00", fourteen_day_letter_on="2025-02-10"),
        invoice_row("E1", "D2", amount="75.00"),
    ]})  # fmt: skip
    credited = a.call("POST", "/v1/clients/V1/invoices/A1/credit",
                      {"amount": "50.00", "reference": "CN-2025-007"})  # fmt: skip
    assert credited.status == 200, credited.body
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "V1")
    world.services.payments.book(
        client, payment_id="bank-60", amount=6_000, received_on=date(2025, 3, 18),
        source=PaymentSource.BANK, invoice_numbers=["A2"],
    )  # fmt: skip
    return world, client, PortalApp(world.services)


def _enter(world, app, client, debtor: str = "D1") -> Browser:
    browser = Browser(app)
    token = world.services.portal.links.token(client.client_id, debtor)
    assert browser.go("GET", f"/p/{token}").status == 303
    return browser


def _claim(world, number: str) -> dict[str, Any]:
    body: dict[str, Any] = world.agency_a.call(
        "GET", f"/v1/clients/V1/invoices/{number}/claim"
    ).body
    return body


def _cents(text: str) -> int:
    return int(text.replace(".", ""))


def _euros(text: str) -> int:
    """'€ 1.234,56' or '− € 60,00' as signed cents."""
    sign = -1 if text.strip().startswith("−") else 1
    digits = re.sub(r"[^0-9,]", "", text).replace(",", "")
    return sign * int(digits)


def _blocks(page: str) -> dict[str, list[tuple[str, int]]]:
    """Each invoice's block on the page: its label and amount rows, in order."""
    out = {}
    for block in re.findall(r'<div class="inv">(.*?)</dl></div>', page, re.S):
        number = re.search(r'name="invoice" value="([^"]+)"', block)
        assert number is not None
        rows = re.findall(r"<div(?: class=\"open\")?><dt>(.*?)</dt><dd>(.*?)</dd></div>", block)
        out[html.unescape(number.group(1))] = [
            (html.unescape(label), _euros(html.unescape(amount))) for label, amount in rows
        ]
    return out


# -- #2: every figure, adding up to the claim ----------------------------------------------------


def test_each_invoice_shows_amount_credited_costs_vat_interest_paid_and_open(advies):
    world, client, app = advies
    page = _enter(world, app, client).page()
    blocks = _blocks(page)
    assert set(blocks) == {"A1", "A2"}
    for number, rows in blocks.items():
        claim = _claim(world, number)
        *parts, (open_label, open_cents) = rows
        assert open_label == "Open bedrag"
        assert open_cents == _cents(claim["open"]["total"])  # the API's claim, to the cent
        assert sum(c for _, c in parts) == open_cents  # and the rows add up to it
        labels = dict(parts)
        assert labels["Factuurbedrag"] == {"A1": 30_000, "A2": 8_000}[number]
        assert labels["Btw over incassokosten"] > 0  # the VAT on costs as its own line
        assert labels["Incassokosten"] + labels["Btw over incassokosten"] == _cents(
            claim["open"]["costs"]
        ) + _cents(claim["open"]["costs_vat"]) + _cents(claim["paid"]["costs"]) + _cents(
            claim["paid"]["costs_vat"]
        )
    assert dict(blocks["A1"])["Gecrediteerd CN-2025-007"] == -5_000
    assert dict(blocks["A2"])["Betaald"] == -6_000
    assert "Betaald" not in dict(blocks["A1"]) and "Gecrediteerd" not in str(blocks["A2"])
    total = sum(_cents(_claim(world, n)["open"]["total"]) for n in ("A1", "A2"))
    assert f'id="total">Totaal te betalen <strong>{format_eur_nl(total)}</strong>' in page


def test_the_rows_add_up_for_every_claim_the_ledger_gives(advies):
    """The page model itself: for each invoice of the overview, the signed rows are the open
    claim, the one the payment asks."""
    world, client, _ = advies
    token = world.services.portal.links.token(client.client_id, "D1")
    view = world.services.portal.overview(world.services.portal.enter(token, "192.0.2.1"))
    for invoice in view.invoices:
        figures = invoice_figures(invoice, view.claims[invoice.number])
        assert figures.adds_up and figures.open == view.claims[invoice.number].open.total


def test_the_pay_note_names_only_what_is_owed(world):
    """D-1001 owes no collection costs: the note under the total does not name them."""
    world.clock.at = datetime(2025, 3, 20, 10, 0, tzinfo=UTC)
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row("F1", "D1")]})
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    page = _enter(world, PortalApp(world.services), client).page()
    note = re.search(r"<p>(Online betaalt u [^<]*)</p>", page)
    assert note is not None and "incassokosten" not in note.group(1)
    assert "hoofdsom en rente" in note.group(1)


# -- #1: the total above the button and on it ------------------------------------------------------


def test_the_total_is_on_the_pay_button_and_it_pays_everything_shown(advies):
    world, client, app = advies
    browser = _enter(world, app, client)
    page = browser.page()
    assert "<table" not in page  # no table wider than a phone: a block per invoice
    total = sum(_cents(_claim(world, n)["open"]["total"]) for n in ("A1", "A2"))
    button = re.search(r'<button type="submit" name="all" value="yes">([^<]*)</button>', page)
    assert button is not None and button.group(1) == f"Betaal {format_eur_nl(total)}"
    assert page.index('id="total"') < page.index('name="all"')
    shown = re.findall(r'name="shown" value="([^"]+)"', page)
    shown_total = re.search(r'name="shown_total" value="(\d+)"', page)
    assert shown == ["A1", "A2"] and shown_total is not None
    assert int(shown_total.group(1)) == total
    response = browser.post(  # unticked A2: the main button still pays everything shown
        "/portal/pay", all="yes", invoice=["A1"], shown=shown, shown_total=shown_total.group(1)
    )
    payment_id = response.headers["Location"].rsplit("/", 1)[1]
    assert world.services.online_payments.simulation.get_payment(payment_id).amount == total
    only = browser.post("/portal/pay", invoice=["A2"])  # the second button: the ticked ones
    asked = world.services.online_payments.simulation.get_payment(
        only.headers["Location"].rsplit("/", 1)[1]
    ).amount
    assert asked == _cents(_claim(world, "A2")["open"]["total"])


# -- #5: the transfer names the amount and what to quote ---------------------------------------------


def test_a_transfer_names_the_amount_and_quotes_what_the_qr_code_carries(advies):
    world, client, app = advies
    page = _enter(world, app, client).page()
    total = sum(_cents(_claim(world, n)["open"]["total"]) for n in ("A1", "A2"))
    iban = client.ibans[0]
    assert f"Maak {format_eur_nl(total)} over naar {iban} ten name van {client.name}." in page
    quoted = re.search(r"Vermeld als omschrijving: <strong>([^<]+)</strong>", page)
    assert quoted is not None and quoted.group(1) == "D1 A1 A2" == transfer_text("D1", ["A1", "A2"])
    # the QR code on the page is the one for exactly that text and amount
    drawn = qr_svg(CreditTransfer(name=client.name[:70], iban=iban, amount=total,
                                  text=quoted.group(1)), scale=3)  # fmt: skip
    assert drawn in page


# -- #3: inside the 14-day term -------------------------------------------------------------------------


def test_inside_the_14_day_term_the_page_says_by_when_and_what_follows(world):
    world.clock.at = datetime(2025, 3, 20, 10, 0, tzinfo=UTC)
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("B1", vat_deductible=False)]})
    a.call(
        "POST",
        "/v1/clients/B1/debtors",
        {"items": [debtor_row("D1"), debtor_row("D2", language="en")]},
    )
    a.call("POST", "/v1/clients/B1/invoices", {"items": [
        invoice_row("T1", "D1", amount="500.00", fourteen_day_letter_on="2025-03-15"),
        invoice_row("T2", "D2", amount="500.00", fourteen_day_letter_on="2025-03-15"),
    ]})  # fmt: skip
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "B1")
    owed_from = world.agency_a.call("GET", "/v1/clients/B1/invoices/T1/claim").body[
        "costs_owed_from"
    ]
    assert date.fromisoformat(owed_from) > date(2025, 3, 20)
    # what the 14-day letter says for the same debtor: its costs and what paying in time costs
    found = world.services.repos.debtors.get(client.client_id, "D1")
    invoices = world.services.repos.invoices.for_debtor(client.client_id, "D1")
    letter = world.services.dunning.context(
        client,
        found[0],
        invoices,
        date(2025, 3, 20),
        announce_costs_from=date.fromisoformat(owed_from),
    )
    assert letter.pay_within_term is not None and letter.costs > 0
    app = PortalApp(world.services)
    page = _enter(world, app, client).page()
    last_day = date.fromisoformat(owed_from) - timedelta(days=1)
    notice = re.search(r'<p class="notice" id="term">([^<]*)</p>', page)
    assert notice is not None
    assert html.unescape(notice.group(1)) == (
        f"Betaal uiterlijk {last_day:%d-%m-%Y} {format_eur_nl(letter.pay_within_term)} voor factuur T1; dan bent u "
        f"geen incassokosten verschuldigd. Daarna bent u {format_eur_nl(letter.costs)} "
        f"incassokosten verschuldigd (inclusief {format_eur_nl(letter.costs_vat)} btw)."
    )
    english = _enter(world, app, client, "D2").page()
    assert "for invoice T2 by " + day_en(last_day) + " at the latest" in html.unescape(english)
    # once the term has passed, the costs are charged and shown per invoice: no notice
    world.clock.at = datetime.combine(
        date.fromisoformat(owed_from), datetime.min.time(), UTC
    ) + timedelta(hours=12)
    later = _enter(world, app, client).page()
    assert 'id="term"' not in later
    assert dict(_blocks(later)["T1"])["Incassokosten"] > 0


# -- #4: a running plan --------------------------------------------------------------------------------


def test_after_a_plan_the_overview_asks_its_next_installment_with_its_reference(world):
    world.clock.at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1", charge_interest=False)]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row("F1", "D1", amount="300.00", due_date="2026-02-01"),
        invoice_row("F2", "D1", amount="200.00", due_date="2026-02-10"),
    ]})  # fmt: skip
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    app = PortalApp(world.services)
    browser = _enter(world, app, client)
    found = re.search(r'name="csrf" value="([^"]+)"', browser.page())
    assert found is not None
    csrf = found.group(1)
    choice = {"method": "transfer", "by": "count", "installments": "4"}
    preview = browser.page("/portal/plan/preview", **choice)
    shown = re.search(r'name="shown" value="([^"]+)"', preview)
    assert shown is not None
    done = browser.go("POST", "/portal/plan/accept",
                      {"csrf": csrf, **choice, "shown": shown.group(1)})  # fmt: skip
    assert done.status == 303 and done.headers["Location"].endswith("done=plan_started")
    (plan,) = world.services.plans.of_client(client)
    first = plan.schedule[0]
    page = browser.page()
    reference = " ".join(plan.payment_reference[i : i + 4] for i in range(0, 16, 4))
    assert (
        f"Volgende termijn: {format_eur_nl(first.amount)} op {first.due_date:%d-%m-%Y} (termijn 1 van 4)."
        in page
    )
    assert f"met betalingskenmerk {reference}, zodat" in page
    # the QR code asks that installment with the plan's kenmerk, not the whole claim
    drawn = qr_svg(CreditTransfer(name=client.name[:70], iban=client.ibans[0], amount=first.amount,
                                  text=f"Betalingskenmerk {reference}"), scale=3)  # fmt: skip
    assert drawn in page
    # nothing of the plan's invoices to pay at once, postpone or tick
    assert 'name="all"' not in page and 'action="/api/portal/postpone"' not in page
    assert 'name="invoice" value="F1"' not in page
    assert (
        world.services.portal.pay_everything(
            world.services.portal.enter(browser.cookies["inning_portal"], "192.0.2.1"), "http://x"
        )
        is None
    )  # the payment link in a later reminder does not ask the whole claim either


# -- #9: a disputed invoice stays in sight -------------------------------------------------------------


def test_a_disputed_invoice_stays_listed_while_another_is_open(advies):
    world, client, app = advies
    browser = _enter(world, app, client)
    assert browser.post("/portal/dispute", invoice="A2", reason="Nooit geleverd").status == 303
    page = browser.page()
    assert set(_blocks(page)) == {"A1"}
    held = re.search(r'<h2 id="oh-h">In behandeling</h2><ul><li>([^<]*)</li>', page)
    owed = format_eur_nl(_cents(_claim(world, "A2")["open"]["total"]))  # the claim still owed
    assert held is not None and html.unescape(held.group(1)).startswith(
        f"A2 ({owed}): u heeft bezwaar"
    )


# -- #8: the debtor's language, every text --------------------------------------------------------------


def test_an_english_debtor_reads_refusals_in_english_and_a_dutch_one_404_in_dutch(advies):
    world, client, app = advies
    english = _enter(world, app, client, "D2")
    refused = english.post("/portal/postpone", until="2025-03-25")  # no invoice ticked
    text = html.unescape(refused.raw.decode())
    assert refused.status == 400 and 'lang="en"' in text
    assert "That did not work: choose at least one invoice" in text
    dutch = _enter(world, app, client)
    missing = dutch.go("GET", "/portal/nothing-here")
    assert missing.status == 404 and "Deze pagina bestaat niet." in missing.raw.decode()
    forged = dutch.go("POST", "/portal/message", {"csrf": "forged", "text": "hallo"})
    assert forged.status == 403 and "Dit formulier is niet meer geldig" in forged.raw.decode()
    assert "Not found" not in missing.raw.decode()
    gone = english.go("GET", "/portal/invoice/NOPE")
    assert gone.status == 404 and "This page does not exist." in gone.raw.decode()


# -- #13: an expired link ------------------------------------------------------------------------------


def test_an_expired_link_names_the_client_and_how_to_get_a_new_one_in_both_languages(advies):
    world, client, app = advies
    portal = world.services.portal
    generation = portal.links.generation(client.client_id, "D1")
    old = issue(portal.links.keys, PortalAccess(client.client_id, "D1", generation,
                                                world.clock.now() - timedelta(days=1)))  # fmt: skip
    response = Browser(app).go("GET", f"/p/{old}")
    page = html.unescape(response.raw.decode())
    assert response.status == 403 and "inning_portal" not in response.headers.get("Set-Cookie", "")
    assert f"<strong>{client.name}</strong>" in page  # the client's header, not "Inning"
    assert "Deze link is verlopen" in page and "This link has expired" in page
    # stored in E.164 (notice24), shown as a Dutch debtor dials it, the link E.164
    assert "debiteuren@advies.example" in page and "030 123 4567" in page
    assert 'href="tel:+31301234567"' in page
    assert f"U kunt bij {client.name} een nieuwe link aanvragen." in page
    # a revoked link, expired or not, tells nothing of whose it was
    portal.links.revoke(client.client_id, "D1")
    revoked = html.unescape(Browser(app).go("GET", f"/p/{old}").raw.decode())
    assert client.name not in revoked and "debiteuren@advies.example" not in revoked
    # nor does a link with a bad signature
    forged = Browser(app).go("GET", f"/p/{old[:-4]}AAAA")
    assert forged.status == 403 and client.name not in forged.raw.decode()
