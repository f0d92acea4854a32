"""lawyer26 F4: the starter 14-day letter of a client that charges no interest said "bent u
incassokosten van € 150,00 verschuldigd, vermeerderd met de rente" / "plus the interest": a
consequence the ledger never applies (the Bki: no pressure with a measure that will not be
taken). Now the sentence follows what the claims are charged. And the starter SMS named no
invoice ("Client C1: er staat nog € 1.001,15 open. Betaal via ..."): it names the invoice
numbers, the first few and a count of the rest, so many invoices keep it within its parts.

Consumer D-1, F1 1,000.00 due 15-11-2026, the starter workflow run daily to 20-12-2026 (the
reminder, the SMS, the 14-day letter by e-mail: no postal address)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest

from shared.domain.conversations.quick_texts import SMS_PARTS_WARNING
from shared.domain.dunning.templates import InvoiceLine, render, sample_context
from shared.domain.sms import sms_parts
from shared.services.dunning_starter import STARTER_TEMPLATES, save_starter
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.dunning.test_daily_run import SEEN
from tests.unit.dunning.test_dispute_ended_resumes_dunning import _days


def _texts(world: Any, language: str, **client: Any) -> tuple[str, str]:
    """The SMS and the 14-day letter D-1 got from C1 (``client``: its settings)."""
    SEEN.clear()
    a = world.agency_a
    world.clock.at = datetime(2026, 11, 16, 6, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", **client)]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [
        debtor_row("D-1", name="Jansen, P.", address=None, language=language)]})  # fmt: skip
    found = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    save_starter(world.services.repos, found.client_id)
    a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row("F1", "D-1", amount="1000.00", invoice_date="2026-11-01", due_date="2026-11-15"),
    ]})  # fmt: skip
    _days(world, found, date(2026, 11, 16), date(2026, 12, 20))
    messaging = world.services.messaging
    sent = messaging.outbox.list(found.client_id)[0]
    (sms,) = [m for m in sent if m.key.startswith("dun|D-1|standaard|1|")]
    (letter,) = [m for m in sent if m.key.startswith("dun|D-1|standaard|2|")]
    return str(messaging.content_of(sms).text), str(messaging.content_of(letter).text)


@pytest.mark.parametrize(
    ("language", "threat", "costs"),
    [("nl", "vermeerderd met de", "bent u incassokosten van € 150,00 verschuldigd."),
     ("en", "plus the", "you owe collection costs of EUR 150.00.")],
)  # fmt: skip
def test_a_client_charging_no_interest_threatens_none(
    world: Any, language: str, threat: str, costs: str
) -> None:
    _, letter = _texts(world, language, charge_interest=False)
    assert costs in letter
    assert threat not in letter  # was: "..., vermeerderd met de rente."


def test_a_client_charging_interest_still_says_so(world: Any) -> None:
    _, letter = _texts(world, "nl")
    assert "incassokosten van € 150,00 verschuldigd, vermeerderd met de wettelijke rente." in letter


@pytest.mark.parametrize(("language", "named"), [("nl", "open voor factuur F1."), ("en", "open on invoice F1.")])  # fmt: skip
def test_the_starter_sms_names_the_invoice(world: Any, language: str, named: str) -> None:
    sms, _ = _texts(world, language)
    assert named in sms  # was: "Client C1: er staat nog € ... open. Betaal via ..."


def test_a_letter_without_costs_and_interest_threatens_neither() -> None:
    context = replace(
        sample_context("nl", fourteen_day_letter=True), costs=0, charges_interest=False
    )
    text = render(STARTER_TEMPLATES["veertiendagenbrief"], context).text
    assert "Indien u niet binnen deze termijn betaalt" not in text
    shown = render(
        STARTER_TEMPLATES["veertiendagenbrief"], replace(context, charges_interest=True)
    ).text
    assert "Indien u niet binnen deze termijn betaalt, loopt de rente door." in shown


@pytest.mark.parametrize(("template", "rest"), [("sms", "en 26 andere"), ("sms_en", "and 26 more")])
def test_many_invoices_keep_the_sms_within_its_parts(template: str, rest: str) -> None:
    invoices = tuple(
        InvoiceLine(f"2026-{n:06d}", date(2026, 1, 1), date(2026, 2, 1), 1_000) for n in range(30)
    )
    text = render(STARTER_TEMPLATES[template], replace(sample_context(), invoices=invoices)).text
    assert "2026-000000, 2026-000001, 2026-000002, 2026-000003, 2026-000004" not in text
    assert "2026-000000, 2026-000001, 2026-000002, 2026-000003 " + rest in text
    assert sms_parts(text) <= SMS_PARTS_WARNING
