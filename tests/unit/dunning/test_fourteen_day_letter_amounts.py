"""A 14-day letter asks for what, paid within its term, owes no costs (art. 6:96 lid 6 BW;
HR 25-11-2016, ECLI:NL:HR:2016:2704): its ``total``, its EPC QR code and the amounts table of
the posted PDF carry the principal and the interest to the term's last day; the costs it must
announce are ``costs`` (and stand below the PDF's total with that day), ``total_with_costs`` is
what the debtor owes after the term (law4 finding 1).

Hand computation: consumer, F1 121.00 due Fri 2025-01-31, letter posted Mon 2025-02-03
(3 days after the due date), delivered Wed 02-05 (two post days, no Sunday delivery), term
02-06 ... Wed 02-19, costs owed from 02-20. Interest 6 % (2025 H1) from 02-01: to 02-03 is
121 x 0.06 x 2/365 = 0.0398 -> 0.04; to 02-19 is 121 x 0.06 x 18/365 = 0.358 -> 0.36. Costs:
15 % of 121.00 = 18.15, the minimum 40.00. Paid within the term: 121.36 (interest 0.36, what
the letter's text and its PDF both state); after: 121.36 + 40.00 = 161.36 on 02-20, the
`total_with_costs` (law15 F1: it said 161.04, the interest to the letter's day 0.04 beside a
total with the interest to the term's end), and more interest from there."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import shared.services.dunning as dunning_module
from shared.domain.dunning.templates import render as real_render
from shared.domain.records import PaymentSource
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.dunning.test_daily_run import SEEN, day

LETTER = (
    "Beste {{ debtor.name }}, betaal {{ total|money }} binnen veertien dagen vanaf de dag nadat "
    "deze brief bij u is bezorgd. Indien u niet binnen deze termijn betaalt, bent u "
    "incassokosten van {{ costs|money }} verschuldigd; het totaal is dan "
    "{{ total_with_costs|money }} plus rente. Rente {{ interest|money }}. "
    "{{ qr_svg }}"
)
WORKFLOW = {"name": "W", "steps": [
    {"name": "14", "channel": "fourteen_day_letter", "offset_days": 3, "templates": {"nl": "t-14"}},
    {"name": "Bellen", "channel": "staff_task", "offset_days": 30, "offset_from": "previous_step"}]}  # fmt: skip


def test_the_letter_its_pdf_and_its_qr_ask_for_what_avoids_the_costs(world, monkeypatch):
    SEEN.clear()
    specs: list[Any] = []
    qr_amounts: list[int] = []
    texts: list[str] = []
    real_letter = dunning_module.render_letter  # type: ignore[attr-defined]
    real_qr = dunning_module.qr_svg  # type: ignore[attr-defined]

    # spies around the real renderers: what the printer and the QR code receive
    def letter(spec: Any) -> bytes:
        specs.append(spec)
        return real_letter(spec)

    def qr(transfer: Any, **kwargs: Any) -> str:
        qr_amounts.append(transfer.amount)
        return real_qr(transfer, **kwargs)

    monkeypatch.setattr(dunning_module, "render_letter", letter)
    monkeypatch.setattr(dunning_module, "qr_svg", qr)
    a = world.agency_a
    world.clock.at = datetime(2025, 2, 3, 8, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", contact_email="f@c1.example")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", name="Jan")]})
    template = {"language": "nl", "subject": "Veertiendagenbrief", "text": LETTER, "fourteen_day_letter": True}  # fmt: skip
    assert a.call("PUT", "/v1/clients/C1/templates/t-14", template).status == 200
    assert a.call("PUT", "/v1/clients/C1/workflows/w", WORKFLOW).status == 200
    assert a.call("POST", "/v1/clients/C1/workflows/w/activate").status == 200
    assert (
        a.call("PUT", "/v1/clients/C1/segment-rules", {"rules": [{"workflow": "w"}]}).status == 200
    )
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row(
        "F1", "D1", amount="121.00", invoice_date="2025-01-01", due_date="2025-01-31")]})  # fmt: skip
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    svc = world.services.dunning
    original = svc.render

    def render(template: Any, context: Any) -> Any:
        texts.append(real_render(template, context).text)
        return original(template, context)

    svc.render = render  # type: ignore[method-assign]
    sent = []
    for n in range(3):
        world.clock.at = datetime(2025, 2, 3, 8, 0, tzinfo=UTC) + timedelta(days=n)
        sent += day(world, client)
    assert [ch for _, ch, _, _ in sent] == ["letter"]
    [spec] = specs
    assert (spec.total, spec.interest, spec.costs) == (12_136, 36, 4_000)
    assert spec.costs_from == date(2025, 2, 20)
    assert qr_amounts and set(qr_amounts) == {12_136}
    text = texts[-1]
    assert "betaal € 121,36 binnen veertien dagen" in text, text
    assert "incassokosten van € 40,00" in text and "totaal is dan € 161,36 plus rente" in text
    # the text's interest is the PDF's
    assert "Rente € 0,36." in text


def test_the_preview_for_a_debtor_announces_the_costs_the_letter_will(world):
    """debtor6 #7: the preview for a real debtor said "incassokosten van € 0,00" (no term
    announced), while the letter the run sends announces 40.00 (the case above, today 02-03)."""
    a = world.agency_a
    world.clock.at = datetime(2025, 2, 3, 8, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", contact_email="f@c1.example")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", name="Jan")]})
    template = {"language": "nl", "subject": "Veertiendagenbrief", "text": LETTER, "fourteen_day_letter": True}  # fmt: skip
    assert a.call("PUT", "/v1/clients/C1/templates/t-14", template).status == 200
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row(
        "F1", "D1", amount="121.00", invoice_date="2025-01-01", due_date="2025-01-31")]})  # fmt: skip
    response = a.call("POST", "/v1/clients/C1/templates/t-14/preview", {"debtor": "D1"})
    assert response.status == 200, response.body
    text = response.body["text"]
    assert "betaal € 121,36 binnen veertien dagen" in text, text
    assert "incassokosten van € 40,00" in text and "totaal is dan € 161,36 plus rente" in text


FIGURES = (
    "Beste {{ debtor.name }}, betaal {{ total|money }} binnen veertien dagen vanaf de dag nadat "
    "deze brief bij u is bezorgd. Hoofdsom {{ principal|money }}, rente {{ interest|money }}. "
    "Indien u niet binnen deze termijn betaalt, bent u incassokosten van {{ costs|money }} "
    "verschuldigd; het totaal is dan {{ total_with_costs|money }}."
)


def test_a_letters_figures_are_of_one_day_and_add_up(world, monkeypatch):
    """law15 F1. Consumer F1 1,000.00 due Fri 2025-01-31 pays 500.00 on 02-02 (art. 6:44 BW:
    interest 1000 x 6 % x 1/365 = 0.16 first, principal 499.84, 500.16 open). Letter posted Mon
    02-03, received Wed 02-05, term to Wed 02-19, costs owed from 02-20. Interest 6 %: 0.16
    on 02-01 was paid, 500.16 x 6 % x 17/365 (02-02 .. 02-18) = 1.398 -> 1.40 to the term's
    last day; costs 15 % of 500.00 = 75.00 (the 0.16 paid on interest counts as paid on the
    principal for the costs' base, ledger/costs.costs_base). Within the term: 500.16 +
    1.40 = 501.56; after it 501.56 + 75.00 = 576.56. It said interest 0.09 (to the letter's
    day) and 575.25 with the costs: 500.16 + 0.09 is not 501.56."""
    SEEN.clear()
    specs: list[Any] = []
    texts: list[str] = []
    real_letter = dunning_module.render_letter  # type: ignore[attr-defined]

    def letter(spec: Any) -> bytes:
        specs.append(spec)
        return real_letter(spec)

    monkeypatch.setattr(dunning_module, "render_letter", letter)
    a = world.agency_a
    world.clock.at = datetime(2025, 2, 1, 8, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", contact_email="f@c1.example")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", name="Jan")]})
    template = {"language": "nl", "subject": "V", "text": FIGURES, "fourteen_day_letter": True}
    assert a.call("PUT", "/v1/clients/C1/templates/t-14", template).status == 200
    assert a.call("PUT", "/v1/clients/C1/workflows/w", WORKFLOW).status == 200
    assert a.call("POST", "/v1/clients/C1/workflows/w/activate").status == 200
    rules = {"rules": [{"workflow": "w"}]}
    assert a.call("PUT", "/v1/clients/C1/segment-rules", rules).status == 200
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row(
        "F1", "D1", amount="1000.00", invoice_date="2025-01-01", due_date="2025-01-31")]})  # fmt: skip
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    svc = world.services.dunning
    original = svc.render

    def render(template: Any, context: Any) -> Any:
        texts.append(real_render(template, context).text)
        return original(template, context)

    svc.render = render  # type: ignore[method-assign]
    for n in range(3):
        world.clock.at = datetime(2025, 2, 1, 8, 0, tzinfo=UTC) + timedelta(days=n)
        if n == 1:
            world.services.payments.book(client, payment_id="p1", amount=500_00,
                                         received_on=date(2025, 2, 2), source=PaymentSource.BANK,
                                         invoice_numbers=["F1"])  # fmt: skip
        day(world, client)
    [text] = texts
    assert "betaal € 501,56 binnen veertien dagen" in text, text
    assert "Hoofdsom € 500,16, rente € 1,40." in text, text
    assert "incassokosten van € 75,00 verschuldigd; het totaal is dan € 576,56." in text, text
    [spec] = specs
    assert (spec.total, spec.interest, spec.costs) == (501_56, 1_40, 75_00)
    assert spec.costs_from == date(2025, 2, 20)
