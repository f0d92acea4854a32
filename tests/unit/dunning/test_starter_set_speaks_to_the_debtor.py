"""The starter workflow's messages as two consumers read them (debtor24 D1-D3).

Hand: client C1 with the starter set; consumers D-8001 (Dutch) and D-8002 (English), each
with 2026-3001/3011 121.00 due 2026-11-02 and 2026-3002/3012 49.95, all due 2026-11-02 (principal
170.95, no betalingskenmerk: two invoices). The daily runs from 2026-11-02 to 2026-12-01: the
reminder on 9-11 (due + 7, both invoices), the SMS, the 14-day letter.

Before: the reminder ended "Wilt u dit overmaken naar NL..?" with nothing to quote while the
portal and the letter say "Vermeld als omschrijving: D-8001 2026-3001 2026-3002"; the letter's
sentence asked "nog € 170,95 open ... dit bedrag" under a table asking "Totaal te betalen
EUR 171,63" (0.68 interest to 09-12, the term's last day: letter 23-11); and D-8002, whose portal is English, got all
three in Dutch (the starter set had no English text).
"""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, timedelta

from pypdf import PdfReader

from shared.services.dunning_starter import save_starter
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.dunning.test_daily_run import SEEN, day


def _run(world):
    SEEN.clear()
    a = world.agency_a
    world.clock.at = datetime(2026, 11, 2, 6, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", contact_email="f@c1.example")]})
    rows = [
        debtor_row("D-8001", name="J. de Vries"),
        debtor_row("D-8002", name="J. Smith", language="en"),
    ]
    assert a.call("POST", "/v1/clients/C1/debtors", {"items": rows}).body["created"] == 2
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    save_starter(world.services.repos, client.client_id)
    a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row("2026-3001", "D-8001", amount="121.00", invoice_date="2026-10-03", due_date="2026-11-02"),
        invoice_row("2026-3002", "D-8001", amount="49.95", invoice_date="2026-10-03", due_date="2026-11-02"),
        invoice_row("2026-3011", "D-8002", amount="121.00", invoice_date="2026-10-03", due_date="2026-11-02"),
        invoice_row("2026-3012", "D-8002", amount="49.95", invoice_date="2026-10-03", due_date="2026-11-02"),
    ]})  # fmt: skip
    on = date(2026, 11, 2)
    while on <= date(2026, 12, 1):
        world.clock.at = datetime(on.year, on.month, on.day, 6, 0, tzinfo=UTC)
        day(world, client)
        on += timedelta(days=1)
    messages = world.services.messaging
    out: dict[tuple[str, str], list[object]] = {}
    records = sorted(
        messages.outbox.list(client.client_id, page_size=200)[0], key=lambda r: r.created_at
    )
    for record in records:
        out.setdefault((record.debtor_number, record.channel.value), []).append(
            messages.content(client.client_id, record.key)
        )
    return out


def _pdf_text(content) -> str:
    (pdf,) = [a for a in content.attachments if a.name.endswith(".pdf")]
    return " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages).split()
    )


def test_the_starter_messages_quote_what_the_portal_quotes_and_ask_one_amount(world):
    out = _run(world)
    nl_mail = out[("D-8001", "email")][0]
    assert "onder vermelding van de omschrijving D-8001 2026-3001 2026-3002?" in nl_mail.text
    nl_letter = out[("D-8001", "letter")][0]
    body = " ".join(nl_letter.text.split())
    pdf = _pdf_text(nl_letter)
    table = re.search(r"Totaal te betalen EUR ([\d.,]+)", pdf)
    assert table is not None, pdf
    asked = f"€ {table[1]}"
    # the letter's sentence asks the amount its table, QR code and portal ask
    assert f"Wij verzoeken u {asked} binnen veertien dagen" in body, body
    assert "staat nog € 170,95 open, met de wettelijke rente tot en met de laatste dag" in body
    assert asked == "€ 171,63"  # 170.95 + 0.68 interest to 09-12, the term's last day


def test_an_english_debtor_reads_the_starter_messages_in_english(world):
    out = _run(world)
    mail = out[("D-8002", "email")][0]
    assert mail.subject.startswith("Reminder: 2026-3011"), mail.subject
    assert mail.text.startswith("Dear J. Smith,")
    assert "quoting the description D-8002 2026-3011 2026-3012." in mail.text
    sms = out[("D-8002", "sms")][0]
    assert " is still open on invoices 2026-3011, 2026-3012. Pay via " in sms.text  # wki27: named
    letter = out[("D-8002", "letter")][0]
    body = " ".join(letter.text.split())
    assert "within fourteen days from the day after you receive this letter" in body
    assert "collection costs of EUR 40.00" in body, body
    assert "Ondanks" not in body and "Wij verzoeken" not in body


def test_the_starter_messages_keep_their_paragraphs(world):
    """debtor24 D11: the templates render with trim_blocks, which drops the line break after
    a block tag: the request to transfer followed the invoice list, the links the request and
    the greeting the links on the next line, no blank line between them."""
    out = _run(world)
    nl = out[("D-8001", "email")][0].text
    assert ": € 49,95\n\nWilt u dit overmaken" in nl
    assert "2026-3002?\n\nDirect betalen met iDEAL" in nl
    assert "\n\nMet vriendelijke groet,\nClient C1" in nl and "\n\n\n" not in nl
    en = out[("D-8002", "email")][0].text
    assert ": EUR 49.95\n\nPlease transfer" in en and "\n\nKind regards," in en
    letter = out[("D-8002", "letter")][0].text
    # the 14-day letter says whom to pay and what to quote, and the portal, in its text (texts26)
    assert "plus the statutory interest.\n\nPlease transfer EUR " in letter
    assert " quoting " in letter and "\n\n\n" not in letter
    assert (
        "\n\nYour overview, pay with iDEAL, ask for postponement or dispute an invoice: " in letter
    )
    assert "\n\nKind regards," in letter
