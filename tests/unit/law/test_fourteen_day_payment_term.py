"""law15 F4: the fourteen days from receipt must be the term to *pay* in. The check passed a
letter whose demand to pay ran from the letter's date, or gave 5 days, or ran from receipt of
the invoice, when another sentence said "binnen 14 dagen na ontvangst van deze brief" about
questions or contact; the run sent it and the consumer owed the costs (F1 121.00, letter Mon
3-2-2025: 40.00 from 20-2). Art. 6:96 lid 6 BW; HR 25-11-2016, ECLI:NL:HR:2016:2704: a payment
term that is shorter, or counted from the letter's date, is no 14-day letter and no costs are
owed at all. The valid wordings letters use keep passing (below)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from shared.api.console.refusal_text import refusal
from shared.domain.dunning.templates import (
    MessageTemplate,
    TemplateError,
    fourteen_day_letter_refused,
    render,
    sample_context,
    validate,
)
from shared.domain.law.fourteen_day_letter import RequiredPart, missing_parts
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.dunning.test_daily_run import SEEN, day
from tests.unit.dunning.test_fourteen_day_letter_amounts import WORKFLOW

COSTS = "€ 40,00"
IF_NOT = (
    " Indien u niet binnen deze termijn betaalt, bent u incassokosten van € 40,00 verschuldigd."
)
IF_NOT_EN = " If you do not pay within this term, you owe collection costs of € 40,00."


@pytest.mark.parametrize(
    "text",
    [
        # the lawyer's letters: the fourteen days from receipt are for the phone call or contact
        "Betaal € 121,00 binnen 14 dagen na dagtekening van deze brief. Indien u niet betaalt, "
        "bent u incassokosten van € 40,00 verschuldigd. Heeft u vragen? Bel ons binnen 14 "
        "dagen na ontvangst van deze brief.",
        "Wij verzoeken u binnen 14 dagen na ontvangst van deze brief contact op te nemen. "
        "Betaal € 121,00 binnen 5 dagen. Indien u niet betaalt, bent u incassokosten van € 40,00 "
        "verschuldigd.",
        "Betaal € 121,00 uiterlijk op 10-02-2025. Indien u niet betaalt, bent u incassokosten van "
        "€ 40,00 verschuldigd. Reageert u niet binnen veertien dagen na ontvangst van deze "
        "brief, dan dragen wij de zaak over.",
        # the receipt of another document: a term that ran out long ago
        "Betaal € 121,00 binnen 14 dagen na ontvangst van onze factuur." + IF_NOT,
        "Betaal € 121,00 binnen 14 dagen na ontvangst van onze eerste herinnering van 5 januari."
        + IF_NOT,
        "Betaal € 121,00 binnen 14 dagen nadat u onze factuur heeft ontvangen." + IF_NOT,
        # fourteen working days end after the fourteen days the costs are counted from
        "Betaal € 121,00 binnen 14 werkdagen na ontvangst van deze brief." + IF_NOT,
    ],
)
def test_a_letter_without_the_term_to_pay_in_is_refused(text: str) -> None:
    assert missing_parts(text, "nl", COSTS) == [RequiredPart.TERM_FROM_RECEIPT]


@pytest.mark.parametrize(
    "text",
    [
        # the fourteen days to pay are there, but another demand to pay says otherwise
        "Betaal € 121,00 binnen 14 dagen na ontvangst van deze brief. Wij verzoeken u het bedrag "
        "binnen 5 dagen over te maken." + IF_NOT,
        "Wij verzoeken u € 121,00 binnen veertien dagen na ontvangst van deze brief te betalen, "
        "uiterlijk op 19-02-2025." + IF_NOT,
        "Betaal binnen 14 dagen na ontvangst van deze brief. Maak het bedrag vóór 10 februari "
        "over." + IF_NOT,
        "Betaal binnen 14 dagen na ontvangst van deze brief. Het bedrag moet binnen 14 dagen na "
        "dagtekening op onze rekening staan." + IF_NOT,
        "Betaal binnen 14 dagen na ontvangst van deze brief. Wij verzoeken u het bedrag binnen "
        "een week te voldoen." + IF_NOT,
    ],
)
def test_a_second_payment_term_is_refused(text: str) -> None:
    assert missing_parts(text, "nl", COSTS) == [RequiredPart.ONE_PAYMENT_TERM]


@pytest.mark.parametrize(
    ("text", "missing"),
    [
        (
            "Please pay € 121,00 within 14 days of the date of this letter. If you do not pay, "
            "you owe collection costs of € 40,00. Questions? Call us within 14 days of receiving "
            "this letter.",
            [RequiredPart.TERM_FROM_RECEIPT],
        ),
        (
            "Please pay € 121,00 within 14 days of receipt of our invoice." + IF_NOT_EN,
            [RequiredPart.TERM_FROM_RECEIPT],
        ),
        (
            "Please contact us within 14 days of receiving this letter. Please pay € 121,00 "
            "within 5 days." + IF_NOT_EN,
            [RequiredPart.TERM_FROM_RECEIPT],
        ),
        (
            "Please pay within 14 days of receiving this letter, and in any case by 10 February "
            "2025." + IF_NOT_EN,
            [RequiredPart.ONE_PAYMENT_TERM],
        ),
        (
            "Please pay within 14 days of receiving this letter. We ask you to transfer the "
            "amount within 7 days." + IF_NOT_EN,
            [RequiredPart.ONE_PAYMENT_TERM],
        ),
    ],
)
def test_the_same_in_english(text: str, missing: list[RequiredPart]) -> None:
    assert missing_parts(text, "en", COSTS) == missing


@pytest.mark.parametrize(
    "text",
    [
        # wordings of real 14-day letters (sommaties of incasso offices and creditors)
        "Wij verzoeken u het verschuldigde bedrag van € 121,00 binnen 14 dagen na ontvangst van "
        "deze brief over te maken op rekeningnummer NL02ABNA0123456789 onder vermelding van "
        "factuur F1." + IF_NOT,
        "Wij geven u de gelegenheid om het bedrag van € 121,00 binnen veertien dagen, te rekenen "
        "vanaf de dag na ontvangst van deze brief, te voldoen." + IF_NOT,
        "Wij sommeren u het openstaande bedrag binnen 14 dagen na ontvangst van deze sommatie "
        "aan ons te voldoen." + IF_NOT,
        "Indien u het bedrag van € 121,00 niet binnen 14 dagen na ontvangst van deze brief "
        "betaalt, bent u buitengerechtelijke incassokosten van € 40,00 verschuldigd.",
        "Indien het bedrag niet binnen veertien dagen na de dag van ontvangst van deze aanmaning "
        "is voldaan, worden incassokosten van € 40,00 in rekening gebracht.",
        "U dient het openstaande saldo binnen 14 dagen nadat u deze brief heeft ontvangen te "
        "voldoen." + IF_NOT,
        "Wij verzoeken u vriendelijk doch dringend het bedrag binnen 14 dagen na ontvangst van "
        "deze brief op onze rekening te storten." + IF_NOT,
        "De betalingstermijn is veertien dagen na ontvangst van deze brief." + IF_NOT,
        "Betaal binnen 14 kalenderdagen na ontvangst van deze brief." + IF_NOT,
        # other sentences that name dates and days of the past, a due date, or contact
        "Op 1 januari 2025 stuurden wij u factuur F1 met vervaldatum 31-01-2025. Deze factuur "
        "had binnen 30 dagen na factuurdatum betaald moeten zijn. Wij verzoeken u € 121,00 "
        "binnen 14 dagen na ontvangst van deze brief te betalen."
        + IF_NOT
        + " Heeft u vragen? Bel ons binnen 5 dagen.",
        "Betaal factuur F1 van 01-01-2025 binnen 14 dagen na ontvangst van deze brief."
        + IF_NOT
        + " Na ontvangst van uw betaling sluiten wij het dossier.",
        "Betaal binnen 14 dagen na ontvangst van deze brief. De termijn van uw factuur van "
        "30 dagen is verstreken." + IF_NOT,
    ],
)
def test_valid_wordings_pass(text: str) -> None:
    assert missing_parts(text, "nl", COSTS) == []


@pytest.mark.parametrize(
    "text",
    [
        "Please pay the amount of € 121,00 within 14 days of receipt of this letter." + IF_NOT_EN,
        "Please pay within 14 calendar days of receiving this letter." + IF_NOT_EN,
        "We ask you to transfer € 121,00 within fourteen days after receiving this letter."
        + IF_NOT_EN,
        "If you do not pay € 121,00 within 14 days from the day after you receive this letter, "
        "you owe collection costs of € 40,00.",
        "Your invoice of 1 January 2025 was due on 31 January 2025. Please pay within 14 days of "
        "receiving this letter." + IF_NOT_EN + " Questions? Call us within 5 days.",
    ],
)
def test_valid_english_wordings_pass(text: str) -> None:
    assert missing_parts(text, "en", COSTS) == []


# the letter passes the sample debtor but demands 5 days of the debtor D1 (the run checks what
# he reads, attack8 #3)
BRANCHING = (
    "Beste {{ debtor.name }}, betaal {{ total|money }} binnen 14 dagen na ontvangst van deze "
    "brief.{% if debtor.number == 'D1' %} Maak het bedrag binnen 5 dagen over.{% endif %} Indien "
    "u niet binnen deze termijn betaalt, bent u incassokosten van {{ costs|money }} verschuldigd."
)


def test_the_run_checks_the_payment_term_the_debtor_reads() -> None:
    template = MessageTemplate("nl", "V", BRANCHING, fourteen_day_letter=True)
    sample = sample_context("nl", fourteen_day_letter=True)
    assert fourteen_day_letter_refused(template, render(template, sample), sample) is None
    debtor = replace(sample, debtor_number="D1")
    refused = fourteen_day_letter_refused(template, render(template, debtor), debtor) or ""
    assert refused.startswith("text: a 14-day letter must state: one term to pay in"), refused


FROM_DATE = (
    "Beste {{ debtor.name }}, betaal {{ total|money }} binnen 14 dagen na dagtekening van deze "
    "brief. Indien u niet betaalt, bent u incassokosten van {{ costs|money }} verschuldigd. "
    "Heeft u vragen? Bel ons binnen 14 dagen na ontvangst van deze brief."
)
FIVE_DAYS = (
    "Beste {{ debtor.name }}, wij verzoeken u binnen 14 dagen na ontvangst van deze brief "
    "contact op te nemen. Betaal {{ total|money }} binnen 5 dagen. Indien u niet betaalt, bent "
    "u incassokosten van {{ costs|money }} verschuldigd."
)
SECOND_TERM = (
    "Beste {{ debtor.name }}, betaal {{ total|money }} binnen 14 dagen na ontvangst van deze "
    "brief, uiterlijk op {{ letter_date|date }}. Indien u niet betaalt, bent u incassokosten van "
    "{{ costs|money }} verschuldigd."
)


@pytest.mark.parametrize(
    ("letter", "english", "dutch"),
    [
        (FROM_DATE, "the term of fourteen days counted from the day after receipt",
         "de termijn van veertien dagen, gerekend vanaf de dag na ontvangst"),
        (FIVE_DAYS, "the term of fourteen days counted from the day after receipt",
         "de termijn van veertien dagen, gerekend vanaf de dag na ontvangst"),
        (SECOND_TERM, "one term to pay in, the fourteen days from receipt",
         "één termijn om te betalen, de veertien dagen na ontvangst"),
    ],
)  # fmt: skip
def test_such_a_template_is_refused_with_its_code(
    world: object, letter: str, english: str, dutch: str
) -> None:
    a = world.agency_a  # type: ignore[attr-defined]
    a.call("POST", "/v1/clients", {"items": [client_row("C1", contact_email="f@c1.example")]})
    template = {"language": "nl", "subject": "V", "text": letter, "fourteen_day_letter": True}
    saved = a.call("PUT", "/v1/clients/C1/templates/t-14", template)
    assert saved.status == 422, saved.body
    [detail] = saved.body["error"]["details"]
    assert (detail["code"], detail["field"]) == ("tpl_letter_lacks", "text")
    assert english in detail["message"]
    # the console says the same in Dutch
    with pytest.raises(TemplateError) as refused:
        validate(MessageTemplate("nl", "V", letter, fourteen_day_letter=True))
    assert refused.value.code == "tpl_problem"
    assert dutch in refusal(refused.value, "nl")


def test_a_letter_that_turns_wrong_for_its_debtor_is_not_sent_and_owes_no_costs(
    world: object,
) -> None:
    """F1 121.00 due 31-1-2025; the run's letter on Mon 3-2 would demand 5 days of D1: it is not
    sent, and on 3-3 no costs are owed."""
    SEEN.clear()
    w: object = world
    a = w.agency_a  # type: ignore[attr-defined]
    w.clock.at = datetime(2025, 2, 3, 8, 0, tzinfo=UTC)  # type: ignore[attr-defined]
    a.call("POST", "/v1/clients", {"items": [client_row("C1", contact_email="f@c1.example")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", name="Jan")]})
    template = {"language": "nl", "subject": "V", "text": BRANCHING, "fourteen_day_letter": True}
    assert a.call("PUT", "/v1/clients/C1/templates/t-14", template).status == 200
    assert a.call("PUT", "/v1/clients/C1/workflows/w", WORKFLOW).status == 200
    assert a.call("POST", "/v1/clients/C1/workflows/w/activate").status == 200
    a.call("PUT", "/v1/clients/C1/segment-rules", {"rules": [{"workflow": "w"}]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row(
        "F1", "D1", amount="121.00", invoice_date="2025-01-01", due_date="2025-01-31")]})  # fmt: skip
    services = w.services  # type: ignore[attr-defined]
    client = services.access.client_for(services.access.authenticate(a.key), "C1")
    sent = []
    for n in range(3):
        w.clock.at = datetime(2025, 2, 3, 8, 0, tzinfo=UTC) + timedelta(days=n)  # type: ignore[attr-defined]
        sent += day(w, client)
    assert sent == []
    claim = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2025-03-03").body
    assert claim["open"]["costs"] == "0.00", claim["open"]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        # law15b #1: days for something else than paying, in a sentence that speaks of payment
        ("Kunt u niet in één keer betalen, neem dan binnen een week contact met ons op.", "nl"),
        ("Na uw betaling ontvangt u binnen 5 werkdagen een bevestiging.", "nl"),
        ("Heeft u al betaald, laat het ons dan binnen 3 dagen weten.", "nl"),
        ("Een overboeking wordt doorgaans binnen 1 werkdag bijgeschreven.", "nl"),
        ("Tot en met 3 februari 2025 hebben wij uw betaling niet ontvangen.", "nl"),
        ("If you cannot pay in one go, contact us within a week.", "en"),
    ],
)
def test_days_for_contact_or_a_confirmation_are_no_second_payment_term(
    text: str, language: str
) -> None:
    """The letter gives the fourteen days to pay in; a week to ask for an arrangement, the
    days of the agency's confirmation or a statement of the past do not make them ambiguous
    (the 14-day letter is refused for none of them: clients' templates kept sending)."""
    base = {
        "nl": "Wij verzoeken u het bedrag binnen veertien dagen na ontvangst van deze brief te "
        "betalen." + IF_NOT,
        "en": "Please pay the amount within fourteen days of receipt of this letter." + IF_NOT_EN,
    }[language]
    assert missing_parts(base + " " + text, language, COSTS) == []


@pytest.mark.parametrize(
    ("text", "language"),
    [
        # codereview15b F4: a demand to pay joined to another action keeps the other's days
        ("Neem binnen 7 dagen contact met ons op of betaal het openstaande bedrag.", "nl"),
        ("Bevestig binnen 5 dagen dat u het bedrag heeft overgemaakt.", "nl"),
        ("Uiterlijk 10 februari moet u ons e-mailen en betalen.", "nl"),
        ("Wij verzoeken u binnen 5 dagen het bedrag te betalen en ons dit te e-mailen.", "nl"),
        ("Contact us within 7 days or pay the amount.", "en"),
        ("Please confirm within 5 days that you have transferred the amount.", "en"),
    ],
)
def test_a_demand_to_pay_joined_to_another_action_is_a_second_term(
    text: str, language: str
) -> None:
    """7 or 5 days, or 10 February, to contact-or-pay or to confirm a transfer, after the
    fourteen days from receipt: the debtor is told to pay sooner (art. 6:96 lid 6 BW), no
    14-day letter."""
    base = {
        "nl": "Betaal € 121,00 binnen 14 dagen na ontvangst van deze brief. ",
        "en": "Please pay € 121,00 within 14 days of receipt of this letter. ",
    }[language]
    if_not = IF_NOT if language == "nl" else IF_NOT_EN
    assert missing_parts(base + text + if_not, language, COSTS) == [RequiredPart.ONE_PAYMENT_TERM]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        # a paying verb in a condition tells the debtor nothing to do
        ("Laat het ons binnen 3 dagen weten als u al heeft betaald.", "nl"),
        ("Als u niet kunt betalen neem dan binnen een week contact met ons op.", "nl"),
        ("Let us know within 3 days if you have already paid.", "en"),
    ],
)
def test_a_paying_verb_in_a_condition_is_no_second_term(text: str, language: str) -> None:
    base = {
        "nl": "Betaal € 121,00 binnen 14 dagen na ontvangst van deze brief." + IF_NOT,
        "en": "Please pay € 121,00 within 14 days of receipt of this letter." + IF_NOT_EN,
    }[language]
    assert missing_parts(base + " " + text, language, COSTS) == []
