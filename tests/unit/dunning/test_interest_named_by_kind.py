"""law15 F2: the debtor is told what kind of interest he is charged. Interest at the client's
agreed 12 % was shown as "Wettelijke rente" in the portal and the letter PDF; an agreed rate
is owed instead of the statutory one (art. 6:119 lid 3, 6:119a lid 8 BW) and is "overeengekomen
rente"; a business's statutory interest is "wettelijke handelsrente" (6:119a), a consumer's
"wettelijke rente" (6:119).

Business B1, B-1 1,000.00 due 31-1-2025, on 10-2-2025 (2-1 .. 2-10, 6:119a counts the day of
payment: 10 days): agreed 12 %: 1000 x 12 % x 10/365 = 3.2877 -> 3.29; statutory handelsrente
11.15 % (2025 H1): 1000 x 11.15 % x 10/365 = 3.0548 -> 3.05. Consumer D1, F1 121.00 due
31-1-2025, 6 % on 10-2 (2-1 .. 2-9, 9 days): 121 x 6 % x 9/365 = 0.179 -> 0.18; agreed 12 %:
0.358 -> 0.36."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pypdf
import pytest

import shared.services.dunning as dunning_module
from shared.api.portal_app import PortalApp
from shared.domain.interest_words import interest_word
from shared.domain.ledger.model import InterestRule
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.dunning.test_daily_run import SEEN, day
from tests.unit.dunning.test_fourteen_day_letter_amounts import LETTER, WORKFLOW
from tests.unit.plans.test_portal_plans import enter


def _text(html: str) -> str:
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize(
    ("kind", "agreed", "language", "line"),
    [
        ("b2b", "12", "nl", "Overeengekomen rente € 3,29"),
        ("b2b", "12", "en", "Agreed interest EUR 3.29"),
        ("b2b", None, "nl", "Wettelijke handelsrente € 3,05"),
        ("b2b", None, "en", "Statutory commercial interest EUR 3.05"),
        ("b2c", None, "nl", "Wettelijke rente € 0,18"),
        ("b2c", "12", "nl", "Overeengekomen rente € 0,36"),
    ],
)
def test_the_portal_names_the_interest_by_its_kind(
    world: Any, kind: str, agreed: str | None, language: str, line: str
) -> None:
    world.clock.at = datetime(2025, 2, 10, 9, 0, tzinfo=UTC)
    a = world.agency_a
    terms = {"contractual_interest_rate": agreed} if agreed else {}
    a.call("POST", "/v1/clients", {"items": [client_row("C1", **terms)]})
    debtor = debtor_row("X1", name="Bouw BV", kind=kind, language=language)
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor]})
    amount = "1000.00" if kind == "b2b" else "121.00"
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row("X-1", "X1", amount=amount)]})
    page = _text(enter(world, PortalApp(world.services), "X1").page("/portal/"))
    assert line in page, page[:1200]
    if agreed or kind == "b2b":
        assert "Wettelijke rente" not in page and "Statutory interest " not in page


def test_the_letter_pdf_names_agreed_interest_so(world: Any, monkeypatch: Any) -> None:
    """A consumer's 14-day letter for a client with an agreed 12 %: F1 121.00 due 31-1-2025,
    posted Mon 3-2, term to Wed 19-2: 121 x 12 % x 18/365 (2-1 .. 2-18) = 0.716 -> 0.72 in the
    PDF's table, named "Overeengekomen rente"."""
    SEEN.clear()
    pdfs: list[bytes] = []
    real_letter = dunning_module.render_letter  # type: ignore[attr-defined]

    def letter(spec: Any) -> bytes:
        pdfs.append(real_letter(spec))
        return pdfs[-1]

    monkeypatch.setattr(dunning_module, "render_letter", letter)
    a = world.agency_a
    world.clock.at = datetime(2025, 2, 3, 8, 0, tzinfo=UTC)
    client = client_row("C1", contact_email="f@c1.example", contractual_interest_rate="12")
    a.call("POST", "/v1/clients", {"items": [client]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", name="Jan")]})
    template = {"language": "nl", "subject": "V", "text": LETTER, "fourteen_day_letter": True}
    assert a.call("PUT", "/v1/clients/C1/templates/t-14", template).status == 200
    assert a.call("PUT", "/v1/clients/C1/workflows/w", WORKFLOW).status == 200
    assert a.call("POST", "/v1/clients/C1/workflows/w/activate").status == 200
    a.call("PUT", "/v1/clients/C1/segment-rules", {"rules": [{"workflow": "w"}]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row("F1", "D1")]})
    c1 = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    for n in range(3):
        world.clock.at = datetime(2025, 2, 3, 8, 0, tzinfo=UTC) + timedelta(days=n)
        day(world, c1)
    [pdf] = pdfs
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert re.search(r"Overeengekomen rente\s*EUR 0,72", text), text
    assert "Wettelijke rente" not in text


def test_claims_of_different_kinds_together_are_plain_interest() -> None:
    both = [InterestRule.CONSUMER, InterestRule.COMMERCIAL]
    assert interest_word(both, "nl") == "Rente" and interest_word(both, "en") == "Interest"
    # an agreed rate beside one statutory kind names both (misc16 #1: the statutory rate is
    # charged on the days it is the higher, test_interest_named_by_days.py)
    mixed = [InterestRule.CONSUMER, InterestRule.CONTRACTUAL]
    assert interest_word(mixed, "nl") == "Overeengekomen en wettelijke rente"
    assert interest_word([InterestRule.CONSUMER] * 2, "nl") == "Wettelijke rente"


def test_the_plan_preview_names_agreed_interest_so(world: Any) -> None:
    """The portal's payment plan preview sums the interest of the plan's invoices: B-1 at the
    agreed 12 %, 3.29 on 10-2-2025 as above, "Overeengekomen rente"."""
    world.clock.at = datetime(2025, 2, 10, 9, 0, tzinfo=UTC)
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1", contractual_interest_rate="12")]})
    debtor = debtor_row("B1", name="Bouw BV", kind="b2b")
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor]})
    invoice = invoice_row("B-1", "B1", amount="1000.00")
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice]})
    browser = enter(world, PortalApp(world.services), "B1")
    choice = {"method": "transfer", "by": "count", "installments": "2"}
    preview = _text(browser.page("/portal/plan/preview", **choice))
    assert "Overeengekomen rente € 3,29" in preview, preview[:1500]
    assert "Wettelijke rente" not in preview
