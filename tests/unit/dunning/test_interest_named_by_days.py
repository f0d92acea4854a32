"""misc16 #1: an agreed rate's interest is named by the kinds really charged. The ledger charges
the higher of the agreed and the statutory rate on each day (6:119 lid 3, 6:119a lid 8 BW),
yet every claim under an agreed rate was called "Overeengekomen rente", also over days on
which the statutory rate was charged.

Business B1, B-1 1,000.00 due 31-5-2025, interest from 1-6, on 10-7-2025 (6:119a counts the
payment day: 1-6 .. 10-7, 40 days). Statutory handelsrente 11.15 % to 30-6, 10.15 % from 1-7.
- agreed 11 %: June at 11.15 % (the higher), 1000 x 11.15 % x 30/365 = 9.1644; July at the
  agreed 11 %, 1000 x 11 % x 10/365 = 3.0137; 12.178 -> 12.18: both kinds.
- agreed 8 %: the statutory rate every day: 9.1644 + 1000 x 10.15 % x 10/365 = 2.7808;
  11.945 -> 11.95: all "wettelijke handelsrente".
- agreed 12 %: 1000 x 12 % x 40/365 = 13.15: all agreed.
Consumer D1, F1 121.00 due 20-12-2024 under an agreed 6.5 %: the statutory 7 % is the higher
in December 2024, the agreed rate from 1-1-2025 (statutory 6 %).
"""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from typing import Any

import pypdf
import pytest

import shared.services.dunning as dunning_module
from shared.api.portal_app import PortalApp
from shared.domain.dunning.templates import MessageTemplate, render, sample_context
from shared.domain.interest_charged import kinds_charged
from shared.domain.interest_words import interest_word
from shared.domain.ledger.model import ClaimTerms, Component, EventKind, InterestRule, LedgerEvent
from shared.services.dunning_setup import template_variables
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.dunning.test_daily_run import SEEN, day
from tests.unit.dunning.test_fourteen_day_letter_amounts import WORKFLOW
from tests.unit.dunning.test_interest_named_by_kind import _text
from tests.unit.plans.test_portal_plans import enter

AGREED, COMMERCIAL, CONSUMER = (
    InterestRule.CONTRACTUAL,
    InterestRule.COMMERCIAL,
    InterestRule.CONSUMER,
)


def _terms(rate: str, *, consumer: bool = False, principal: int = 100_000) -> ClaimTerms:
    return ClaimTerms(
        invoice_number="B-1", debtor_number="B1", due_date=date(2025, 5, 31),
        principal=principal, consumer=consumer, interest_from=date(2025, 6, 1),
        interest_rule=AGREED, contractual_rate=Fraction(rate) / 100,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("rate", "on", "kinds"),
    [
        ("11", date(2025, 7, 10), (AGREED, COMMERCIAL)),  # June statutory, July agreed
        ("11", date(2025, 6, 20), (COMMERCIAL,)),  # June only: the statutory rate was higher
        ("8", date(2025, 7, 10), (COMMERCIAL,)),  # never the agreed rate
        ("12", date(2025, 7, 10), (AGREED,)),  # always the agreed rate
        ("11.15", date(2025, 6, 20), (AGREED,)),  # equal: the agreed rate is owed
        ("11", date(2025, 5, 31), (AGREED,)),  # nothing charged yet: the terms' kind
    ],
)
def test_an_agreed_rate_is_named_by_the_days_it_was_charged(
    rate: str, on: date, kinds: tuple[InterestRule, ...]
) -> None:
    assert kinds_charged(_terms(rate), [], on) == kinds


def test_days_without_interest_decide_nothing() -> None:
    """Agreed 11 %, paid in full on 20-6: interest ran only in June (statutory 11.15 %), so
    the interest left open on 10-7 is statutory however the rates stood in July."""
    paid = LedgerEvent(
        seq=1, on=date(2025, 6, 20), kind=EventKind.ALLOCATED, component=Component.PRINCIPAL,
        amount=100_000, payment_id="P1",
    )  # fmt: skip
    assert kinds_charged(_terms("11"), [paid], date(2025, 7, 10)) == (COMMERCIAL,)


def test_a_consumer_claim_names_the_statutory_rate_where_that_was_charged() -> None:
    terms = ClaimTerms(
        invoice_number="F1", debtor_number="D1", due_date=date(2024, 12, 20), principal=12_100,
        consumer=True, interest_from=date(2024, 12, 21), interest_rule=AGREED,
        contractual_rate=Fraction(65, 1000),
    )  # fmt: skip
    assert kinds_charged(terms, [], date(2024, 12, 31)) == (CONSUMER,)
    assert kinds_charged(terms, [], date(2025, 1, 9)) == (AGREED, CONSUMER)


def test_both_kinds_are_named_together() -> None:
    assert interest_word([AGREED, COMMERCIAL], "nl") == (
        "Overeengekomen rente en wettelijke handelsrente"
    )
    assert interest_word([AGREED, CONSUMER], "en") == "Agreed and statutory interest"
    # a claim's kinds and another claim's of the same debtor: still one agreed and one
    # statutory kind
    assert interest_word([AGREED, COMMERCIAL, COMMERCIAL], "nl").startswith("Overeengekomen")
    assert interest_word([CONSUMER, COMMERCIAL], "nl") == "Rente"


@pytest.mark.parametrize(
    ("agreed", "line", "wrong"),
    [
        ("11", "Overeengekomen rente en wettelijke handelsrente € 12,18", None),
        ("8", "Wettelijke handelsrente € 11,95", "Overeengekomen"),
        ("12", "Overeengekomen rente € 13,15", "handelsrente"),
    ],
)
def test_the_portal_names_the_kinds_really_charged(
    world: Any, agreed: str, line: str, wrong: str | None
) -> None:
    world.clock.at = datetime(2025, 7, 10, 9, 0, tzinfo=UTC)
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1", contractual_interest_rate=agreed)]})
    debtor = debtor_row("B1", name="Bouw BV", kind="b2b")
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor]})
    invoice = invoice_row("B-1", "B1", amount="1000.00", invoice_date="2025-05-01",
                          due_date="2025-05-31")  # fmt: skip
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice]})
    browser = enter(world, PortalApp(world.services), "B1")
    page = _text(browser.page("/portal/"))
    assert line in page, page[:1500]
    if wrong:
        assert wrong not in page
    # the plan preview sums the same claim: the same name
    choice = {"method": "transfer", "by": "count", "installments": "2"}
    preview = _text(browser.page("/portal/plan/preview", **choice))
    assert line in preview, preview[:1500]


def test_templates_have_the_interest_name() -> None:
    """A client's own sentence need not say "wettelijke rente": ``interest_name`` is the name
    of what was charged, lower case, in the template's language."""
    assert "interest_name" in template_variables("nl")
    template = MessageTemplate("nl", "S", "vermeerderd met de {{ interest_name }}.")
    context = sample_context("nl")
    for rules, said in [
        ((CONSUMER,), "wettelijke rente"),
        ((AGREED,), "overeengekomen rente"),
        ((AGREED, COMMERCIAL), "overeengekomen rente en wettelijke handelsrente"),
    ]:
        shown = render(template, replace(context, interest_rules=rules)).text
        assert shown == f"vermeerderd met de {said}."
    english = MessageTemplate("en", "S", "plus {{ interest_name }}")
    assert render(english, replace(context, interest_rules=(AGREED,))).text == (
        "plus agreed interest"
    )


LETTER = (
    "Beste {{ debtor.name }}, betaal {{ total|money }} binnen veertien dagen vanaf de dag nadat "
    "deze brief bij u is bezorgd. Indien u niet binnen deze termijn betaalt, bent u "
    "incassokosten van {{ costs|money }} verschuldigd, vermeerderd met de {{ interest_name }}. "
    "{{ qr_svg }}"
)


def test_the_letter_names_both_kinds_in_its_table_and_its_text(
    world: Any, monkeypatch: Any
) -> None:
    """Consumer D1, F1 121.00 due 20-12-2024, agreed 6.5 %: the 14-day letter of Mon 23-12
    counts interest to its term's last day in January 2025; December's at the statutory 7 %,
    January's at the agreed rate (statutory 6 %)."""
    SEEN.clear()
    pdfs: list[bytes] = []
    texts: list[str] = []
    real_letter = dunning_module.render_letter  # type: ignore[attr-defined]

    def letter(spec: Any) -> bytes:
        texts.append(" ".join(spec.paragraphs))
        pdfs.append(real_letter(spec))
        return pdfs[-1]

    monkeypatch.setattr(dunning_module, "render_letter", letter)
    a = world.agency_a
    world.clock.at = datetime(2024, 12, 23, 8, 0, tzinfo=UTC)
    client = client_row("C1", contact_email="f@c1.example", contractual_interest_rate="6.5")
    a.call("POST", "/v1/clients", {"items": [client]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", name="Jan")]})
    template = {"language": "nl", "subject": "V", "text": LETTER, "fourteen_day_letter": True}
    assert a.call("PUT", "/v1/clients/C1/templates/t-14", template).status == 200
    assert a.call("PUT", "/v1/clients/C1/workflows/w", WORKFLOW).status == 200
    assert a.call("POST", "/v1/clients/C1/workflows/w/activate").status == 200
    a.call("PUT", "/v1/clients/C1/segment-rules", {"rules": [{"workflow": "w"}]})
    invoice = invoice_row("F1", "D1", invoice_date="2024-11-20", due_date="2024-12-20")
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice]})
    c1 = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    for n in range(3):
        world.clock.at = datetime(2024, 12, 23, 8, 0, tzinfo=UTC) + timedelta(days=n)
        day(world, c1)
    [pdf] = pdfs
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert re.search(r"Overeengekomen en wettelijke rente\s*EUR 0,\d\d", text), text
    assert "vermeerderd met de overeengekomen en wettelijke rente." in texts[0], texts[0]
