"""The dossier's timeline and message form in the page's language.

Services write a contact-log entry's summary in English, and the API returns it so
(integrations read it; an entry outlives any wording of it). The console translates, on Dutch
pages and in the Dutch contact-log report (:mod:`report_words`), the summaries whose shape it
knows, shape by shape (the design of :mod:`action_text`); words people typed (a note, a
reason, a subject) stay as they were written, and a summary of unknown shape is shown as it
is rather than guessed at."""

from __future__ import annotations

import re

from shared.api.console.code_text import channel_at_start, word
from shared.api.console.prescription_text import SUMMARIES as PRESCRIPTION_SUMMARIES
from shared.api.console.shapes import in_language, shapes
from shared.domain.money import format_eur_nl, parse_amount
from shared.services.case_names import case_name_of_id

_CHANNELS = r"(email|sms|whatsapp|letter|robocall)"


def _ch(code: str) -> str:
    return word("channel", code, "nl")


# a plan's status where its reminder is closed unsent (reminder_check.not_due)
_PLAN_ENDED_NL = {"cancelled": "geannuleerd", "completed": "voltooid", "paused": "gepauzeerd",
                  "draft": "een concept", "gone": "verwijderd"}  # fmt: skip

# the parts of a claim a waiver lets go (booking.waive: costs, with their VAT, or interest)
_WAIVED = {"costs": "incassokosten", "interest": "rente"}


def _invoices(numbers: str) -> str:
    return "geen factuur" if numbers == "no invoice" else numbers


def _terms_nl(changed: str) -> str:
    """ "claim kind other -> consumer_sale, due date 2025-01-10 -> 2025-01-05" in Dutch."""
    return (
        changed.replace("claim kind", "soort vordering")
        .replace("due date", "vervaldatum")
        .replace("not given", "niet opgegeven")
        .replace("consumer_sale", "koop")
        .replace("other", "overig")
    )


_SUMMARIES = shapes(
    (
        # a staff decision on a claim's prescription (services.prescription_watch.record)
        *PRESCRIPTION_SUMMARIES,
        # payments (shared.domain.records.payment_received, services.payments, online_payments)
        (r"^Payment of (.+) received \((\w+)\) for (.+)$",
         lambda m: f"Betaling van {m[1]} ontvangen ({_ch(m[2])}) voor {_invoices(m[3])}"),
        # a client's receipt a person took off (shared/services/client_receipts.py)
        (r"^Payment of (.+?) reversed: the client's receipt reversed by hand: (.*)$",
         lambda m: f"Betaling van {m[1]} teruggeboekt: de ontvangst van de opdrachtgever met "
                   f"de hand teruggedraaid: {m[2]}"),
        (r"^Payment of (.+?) reversed: (.*)$", lambda m: f"Betaling van {m[1]} teruggeboekt: {m[2]}"),
        (r"^Refund of (.+) on an online payment \((\d+) this year\)$",
         lambda m: f"Terugbetaling van {m[1]} op een online betaling ({m[2]} dit jaar)"),
        (r"^Chargeback of (.+) on an online payment \((\d+) this year\)$",
         lambda m: f"Chargeback van {m[1]} op een online betaling ({m[2]} dit jaar)"),
        (r"^Chargeback of (.+) reversed by the bank: the online payment counts again$",
         lambda m: f"Chargeback van {m[1]} door de bank teruggedraaid: de online betaling telt weer"),
        # invoices (services.invoice_status, services.dunning)
        (r"^Invoice (.+) credited$", lambda m: f"Factuur {m[1]} gecrediteerd"),
        (r"^Invoice (.+) credited \(credit note (.+)\)$",
         lambda m: f"Factuur {m[1]} gecrediteerd (creditnota {m[2]})"),
        (r"^Credit note (.+?): (€ [\d.]+,\d\d) of invoice (.+?) credited on (\d{4}-\d\d-\d\d)(?:: (.*))?$",
         lambda m: f"Creditnota {m[1]}: {m[2]} van factuur {m[3]} gecrediteerd op {m[4]}"
         + (f": {m[5]}" if m[5] else "")),
        # a discount (services.invoice_status._log_credit_note): English on the Dutch timeline
        # and contact-log report (newcomer19 F9)
        (r"^Discount (.+?): (€ [\d.]+,\d\d) off invoice (.+?) from (\d{4}-\d\d-\d\d)(?:: (.*))?$",
         lambda m: f"Korting {m[1]}: {m[2]} op factuur {m[3]} vanaf {m[4]}"
         + (f": {m[5]}" if m[5] else "")),
        (r"^Invoice (.+) withdrawn$", lambda m: f"Factuur {m[1]} ingetrokken"),
        # a client's upload lowered an open amount (services.imports.Lowered)
        (r"^Invoice (.+?): the client reported (€ [\d.]+,\d\d) received directly \(open (€ [\d.]+,\d\d) -> (€ [\d.]+,\d\d) in its books\); booked as paid to the client$",
         lambda m: f"Factuur {m[1]}: de opdrachtgever meldt {m[2]} rechtstreeks ontvangen "
                   f"(openstaand {m[3]} -> {m[4]} in haar administratie); geboekt als betaald aan de opdrachtgever"),
        # the claim ledger's staff changes (services.ledger.service: waive, write_off)
        (r"^Waived (€ [\d.]+,\d\d) of the (costs|interest) on (.+?): (.*)$",
         lambda m: f"{m[1]} van de {_WAIVED[m[2]]} op {m[3]} kwijtgescholden: {m[4]}"),
        (r"^Claim (.+?) written off as uncollectable: (.*)$",
         lambda m: f"Vordering {m[1]} afgeboekt als oninbaar: {m[2]}"),
        (r"^Invoice (.+) resumed$", lambda m: f"Factuur {m[1]} hervat"),
        (r"^Invoice (.+) paused until (\d{4}-\d\d-\d\d)$",
         lambda m: f"Factuur {m[1]} gepauzeerd tot {m[2]}"),
        (r"^Invoice (.+) paused$", lambda m: f"Factuur {m[1]} gepauzeerd"),
        (r"^Invoice (\S+) disputed: (.*)$", lambda m: f"Factuur {m[1]} betwist: {m[2]}"),
        (r"^Dispute on invoice (.+) resolved$", lambda m: f"Betwisting van factuur {m[1]} opgelost"),
        (r"^Promise to pay invoice (.+) by (\d{4}-\d\d-\d\d)$",
         lambda m: f"Betaaltoezegging voor factuur {m[1]} uiterlijk {m[2]}"),
        # the debtor's dunning (services.dunning)
        (r"^Paused: (.*) until (\d{4}-\d\d-\d\d)$", lambda m: f"Gepauzeerd: {m[1]} tot {m[2]}"),
        (r"^Paused: (.*)$", lambda m: f"Gepauzeerd: {m[1]}"),
        (r"^Resumed$", lambda m: "Hervat"),
        (r"^(.+) \(task for staff\)$", lambda m: f"{m[1]} (taak voor een medewerker)"),
        (r"^portal link opened from the console$", lambda m: "portaallink geopend vanuit de console"),
        (r"^portal link handed out through the API$", lambda m: "portaallink uitgegeven via de API"),
        # a case by its name, not its id of the client's internal id (reasons20's left)
        (r"^Handed over to the collection agency \(case (.+)\)$",
         lambda m: f"Overgedragen aan het incassobureau (zaak {case_name_of_id(m[1])})"),
        (r"^Case (\S+) withdrawn by the (client|agency): (.*)$",
         lambda m: f"Zaak {case_name_of_id(m[1])} ingetrokken door "
                   f"{'de opdrachtgever' if m[2] == 'client' else 'het incassobureau'}: {m[3]}"),
        (r"^Invoice (.+?) left case (\S+) \((credited|withdrawn)\); the agency was told$",
         lambda m: f"Factuur {m[1]} uit zaak {case_name_of_id(m[2])} "
                   f"({'gecrediteerd' if m[3] == 'credited' else 'ingetrokken'}); het incassobureau is ingelicht"),
        (r"^Invoice (.+?) of case (\S+) lowered \((.*)\); the agency was told$",
         lambda m: f"Factuur {m[1]} van zaak {case_name_of_id(m[2])} verlaagd "
                   f"({m[3].replace('credit note ', 'creditnota ', 1)}); het incassobureau is ingelicht"),
        # what the agency of a case is told besides (services.cases: receipt_told, dispute_told)
        (r"^Invoice (.+?) of case (\S+): EUR (\d+\.\d\d) paid to the client directly; the agency was told$",
         lambda m: f"Factuur {m[1]} van zaak {case_name_of_id(m[2])}: {format_eur_nl(parse_amount(m[3]))} "
                   "rechtstreeks aan de opdrachtgever betaald; het incassobureau is ingelicht"),
        (r"^Invoice (.+?) of case (\S+): EUR (\d+\.\d\d) received by the client taken back; the agency was told$",
         lambda m: f"Factuur {m[1]} van zaak {case_name_of_id(m[2])}: {format_eur_nl(parse_amount(m[3]))} "
                   "door de opdrachtgever ontvangen teruggedraaid; het incassobureau is ingelicht"),
        # a withdrawn business case's costs restored by a person (law28, withdrawn_case_costs.py)
        (r"^Collection costs of the hand-over restored on (.+): owed from (\d{4})-(\d\d)-(\d\d) \(case (\S+), withdrawn before it kept them\)$",
         lambda m: f"Incassokosten van de overdracht hersteld op {m[1]}: verschuldigd vanaf "
                   f"{m[4]}-{m[3]}-{m[2]} (zaak {case_name_of_id(m[5])}, ingetrokken voordat die bleven staan)"),
        (r"^Case (\S+) open again: EUR (\d+\.\d\d) on invoice (.+?) came back while disputed; the agency was told$",
         lambda m: f"Zaak {case_name_of_id(m[1])} weer open: {format_eur_nl(parse_amount(m[2]))} op factuur "
                   f"{m[3]} teruggeboekt terwijl zij betwist is; het incassobureau is ingelicht"),
        (r"^Invoice (.+?) of case (\S+): EUR (\d+\.\d\d) received by the client taken back while disputed; the agency was told$",
         lambda m: f"Factuur {m[1]} van zaak {case_name_of_id(m[2])}: {format_eur_nl(parse_amount(m[3]))} "
                   "door de opdrachtgever ontvangen teruggedraaid terwijl zij betwist is; het incassobureau is ingelicht"),
        (r"^Invoice (.+?) of case (\S+): EUR (\d+\.\d\d) of EUR (\d+\.\d\d) received by the client taken back; the agency was told$",
         lambda m: f"Factuur {m[1]} van zaak {case_name_of_id(m[2])}: {format_eur_nl(parse_amount(m[3]))} van "
                   f"{format_eur_nl(parse_amount(m[4]))} door de opdrachtgever ontvangen teruggedraaid; "
                   "het incassobureau is ingelicht"),
        (r"^Invoice (.+?) of case (\S+): EUR (\d+\.\d\d) received by the client corrected \(the same payment\); the agency was told$",
         lambda m: f"Factuur {m[1]} van zaak {case_name_of_id(m[2])}: {format_eur_nl(parse_amount(m[3]))} "
                   "door de opdrachtgever ontvangen gecorrigeerd (dezelfde betaling); het incassobureau is ingelicht"),
        (r"^Invoice (.+?) of case (\S+) disputed; the agency was told$",
         lambda m: f"Factuur {m[1]} van zaak {case_name_of_id(m[2])} betwist; het incassobureau is ingelicht"),
        (r"^Dispute on invoice (.+?) of case (\S+) ended; the agency was told$",
         lambda m: f"Betwisting van factuur {m[1]} van zaak {case_name_of_id(m[2])} beëindigd; "
                   "het incassobureau is ingelicht"),
        # payment plans (services.plans)
        (r"^Payment plan (\S+) lapsed; dunning resumes$",
         lambda m: f"Betalingsregeling {m[1]} vervallen; de incasso loopt weer"),
        (r"^Payment plan (\S+) agreed: (\d+) installments$",
         lambda m: f"Betalingsregeling {m[1]} afgesproken: {m[2]} termijnen"),
        (r"^Payment plan (\S+) reopened after a reversal$",
         lambda m: f"Betalingsregeling {m[1]} heropend na een terugboeking"),
        (r"^Payment plan (\S+) completed$", lambda m: f"Betalingsregeling {m[1]} voltooid"),
        (r"^Payment plan (\S+) paused(?: \((.*)\))?$",
         lambda m: f"Betalingsregeling {m[1]} gepauzeerd"
                   + (f" ({plan_reason(m[2], 'nl')})" if m[2] else "")),
        (r"^Payment plan (\S+) resumed(?: \((.*)\))?$",
         lambda m: f"Betalingsregeling {m[1]} hervat" + (f" ({m[2]})" if m[2] else "")),
        (r"^Payment plan (\S+) cancelled(?: \((.*)\))?$",
         lambda m: f"Betalingsregeling {m[1]} geannuleerd" + (f" ({m[2]})" if m[2] else "")),
        (r"^Direct debit of installment (\S+) failed \((.*)\)$",
         lambda m: f"Incasso van termijn {m[1]} mislukt ({m[2]})"),
        # a plan's reminder closed unsent (services.plans.reminder_check)
        (rf"^{_CHANNELS} not sent: installment (\d+) is paid$",
         lambda m: f"{channel_at_start(m[1])} niet verstuurd: termijn {m[2]} is betaald"),
        (rf"^{_CHANNELS} not sent: installment (\d+) is no longer due on (\S+)$",
         lambda m: f"{channel_at_start(m[1])} niet verstuurd: termijn {m[2]} valt niet meer op {m[3]}"),
        (rf"^{_CHANNELS} not sent: the plan is (\w+)$",
         lambda m: f"{channel_at_start(m[1])} niet verstuurd: de regeling is "
                   f"{_PLAN_ENDED_NL.get(m[2], m[2])}"),
        # a message closed unsent as its account is no longer the client's (named_account)
        (rf"^{_CHANNELS} not sent: the client has no bank account of its own$",
         lambda m: f"{channel_at_start(m[1])} niet verstuurd: de opdrachtgever heeft geen eigen bankrekening"),
        (rf"^{_CHANNELS} not sent: the account it names is no longer the client's$",
         lambda m: f"{channel_at_start(m[1])} niet verstuurd: de rekening erin is niet meer die van de opdrachtgever"),
        # messages (services.messaging, conversations.by_hand, inbound.filing, portal)
        (rf"^{_CHANNELS} by hand queued: (.*); waits for the contact hours until (\S+)$",
         lambda m: f"{channel_at_start(m[1])} met de hand klaargezet: {m[2]}; wacht op de contacturen tot {m[3]}"),
        (rf"^{_CHANNELS} by hand queued: (.*)$",
         lambda m: f"{channel_at_start(m[1])} met de hand klaargezet: {m[2]}"),
        (rf"^{_CHANNELS} sent via (\S+): (.*) \(sandbox, meant for (.+)\)$",
         lambda m: f"{channel_at_start(m[1])} verstuurd via {m[2]}: {m[3]} (sandbox, bedoeld voor {m[4]})"),
        (rf"^{_CHANNELS} sent via (\S+): (.*)$",
         lambda m: f"{channel_at_start(m[1])} verstuurd via {m[2]}: {m[3]}"),
        (rf"^{_CHANNELS} failed: (.*)$", lambda m: f"{channel_at_start(m[1])} mislukt: {m[2]}"),
        (rf"^{_CHANNELS} (bounced|undeliverable)(?:: (.*))?$",
         lambda m: f"{channel_at_start(m[1])} {word('delivery', m[2], 'nl')}" + (f": {m[3]}" if m[3] else "")),
        (r"^robocall result: (.*)$", lambda m: f"Resultaat belcomputer: {m[1]}"),
        (r"^WhatsApp received: (.*)$", lambda m: f"WhatsApp ontvangen: {m[1]}"),
        (r"^WhatsApp opt-out received \(STOP\): no more WhatsApp messages$",
         lambda m: "WhatsApp-afmelding ontvangen (STOP): geen WhatsApp-berichten meer"),
        (r"^WhatsApp opt-out of this number \(STOP, (\S+)\) applies: no more WhatsApp messages$",
         lambda m: f"WhatsApp-afmelding van dit nummer (STOP, {m[1]}) geldt: geen WhatsApp-berichten meer"),
        (r"^WhatsApp opt-in received \(START\): WhatsApp messages again$",
         lambda m: "WhatsApp-aanmelding ontvangen (START): weer WhatsApp-berichten"),
        (r"^WhatsApp opt-in received \(START\): the STOP is lifted; no WhatsApp consent at this client \(there was none when the STOP came\)$",
         lambda m: "WhatsApp-aanmelding ontvangen (START): de STOP is opgeheven; geen toestemming voor "
                   "WhatsApp bij deze opdrachtgever (die was er niet toen de STOP kwam)"),
        (r"^WhatsApp consent withdrawn again: the debtor sent STOP on (\S+); it stays withdrawn until he sends START$",
         lambda m: f"WhatsApp-toestemming opnieuw ingetrokken: de debiteur stuurde op {m[1]} STOP; "
                   "die blijft ingetrokken tot hij START stuurt"),
        (r"^Invoice (.+): (.+) by (\S+) after the (14-day letter|prescription hold) \(import\)$",
         lambda m: f"Factuur {m[1]}: {_terms_nl(m[2])} door {m[3]} na "
                   f"{'de veertiendagenbrief' if m[4] == '14-day letter' else 'de verjaringsstop'} (import)"),
        (r"^(E-mail received|Automatic reply) from (\S+): (.*) \((\d+) attachment\(s\)\)$",
         lambda m: f"{'E-mail ontvangen' if m[1] == 'E-mail received' else 'Automatisch antwoord'}"
                   f" van {m[2]}: {m[3]} ({m[4]} bijlage(n))"),
        (r"^(E-mail received|Automatic reply) from (\S+): (.*)$",
         lambda m: f"{'E-mail ontvangen' if m[1] == 'E-mail received' else 'Automatisch antwoord'}"
                   f" van {m[2]}: {m[3]}"),
        (r"^Message through the portal: (.*)$", lambda m: f"Bericht via het portaal: {m[1]}"),
        (r"^Asked for postponement until (\S+): (.*)$",
         lambda m: f"Uitstel gevraagd tot {m[1]}: {m[2]}"),
        # the debtor's standing (services.debtor_standing: set, lifted), its codes as words
        (r"^Standing set: (\w+) since (\d{4}-\d\d-\d\d)$",
         lambda m: f"Status vastgelegd: {word('standing', m[1], 'nl')} sinds {m[2]}"),
        (r"^Standing lifted: (\w+) \((\w+)\)$",
         lambda m: f"Status opgeheven: {word('standing', m[1], 'nl')} "
                   f"({word('lift_reason', m[2], 'nl')})"),
        # a debtor's message marked as his acknowledgement (services.message_acknowledgements)
        (r"^Message of (\S+) marked as the debtor's acknowledgement of (.+) \(prescription\)$",
         lambda m: f"Bericht van {m[1]} gemarkeerd als erkenning door de debiteur van {m[2]} (verjaring)"),
        (r"^Message of (\S+) no longer marked as the debtor's acknowledgement of (.+) \(prescription\)$",
         lambda m: f"Bericht van {m[1]} niet langer gemarkeerd als erkenning door de debiteur van {m[2]} (verjaring)"),
    ),
    re.S,
)  # fmt: skip

_EUR_NL = r"(-?€ [\d.]+,\d\d)"


def _eur_en(amount: str) -> str:
    """``€ 1.234,56`` (the services' ``format_eur_nl`` in a summary) as an English page
    writes it elsewhere: ``EUR 1,234.56``."""
    found = re.fullmatch(r"(-?)€ ([\d.]+),(\d\d)", amount)
    if found is None:
        return amount
    return f"{found[1]}EUR {found[2].replace('.', ',')}.{found[3]}"


# on English pages: the amounts and codes the services write into a summary, in the page's
# notation and words (the rest is English already; words people typed stay as written)
_SUMMARIES_EN = shapes(
    (
        (rf"^Payment of {_EUR_NL} received \((\w+)\) for (.+)$",
         lambda m: f"Payment of {_eur_en(m[1])} received ({word('channel', m[2], 'en')}) for {m[3]}"),
        (rf"^(Payment|Refund|Chargeback) of {_EUR_NL} (.*)$",
         lambda m: f"{m[1]} of {_eur_en(m[2])} {m[3]}"),
        (rf"^Credit note (.+?): {_EUR_NL} of invoice (.*)$",
         lambda m: f"Credit note {m[1]}: {_eur_en(m[2])} of invoice {m[3]}"),
        (rf"^Discount (.+?): {_EUR_NL} off invoice (.*)$",
         lambda m: f"Discount {m[1]}: {_eur_en(m[2])} off invoice {m[3]}"),
        (rf"^Waived {_EUR_NL} of the (.*)$", lambda m: f"Waived {_eur_en(m[1])} of the {m[2]}"),
        (rf"^Invoice (.+?): the client reported {_EUR_NL} received directly \(open {_EUR_NL} -> {_EUR_NL} (.*)$",
         lambda m: f"Invoice {m[1]}: the client reported {_eur_en(m[2])} received directly "
                   f"(open {_eur_en(m[3])} -> {_eur_en(m[4])} {m[5]}"),
        (r"^Standing set: (\w+) since (\d{4}-\d\d-\d\d)$",
         lambda m: f"Standing set: {word('standing', m[1], 'en')} since {m[2]}"),
        (r"^Standing lifted: (\w+) \((\w+)\)$",
         lambda m: f"Standing lifted: {word('standing', m[1], 'en')} "
                   f"({word('lift_reason', m[2], 'en')})"),
    ),
    re.S,
)  # fmt: skip


# why a channel cannot be used now (services.conversations.by_hand.channels_for)
_REASONS: dict[str, str] = {
    "no e-mail address": "geen e-mailadres",
    "no mobile number": "geen mobiel nummer",
    "no postal address": "geen postadres",
    "no WhatsApp consent (or STOP received)": "geen toestemming voor WhatsApp (of STOP ontvangen)",
    "no message from the debtor in the last 24 hours: an approved template only":
        "geen bericht van de debiteur in de laatste 24 uur: alleen een goedgekeurde template",
    "outside the 24-hour window and no approved template described":
        "buiten het venster van 24 uur en geen goedgekeurde template beschreven",
    "the client does not use this channel": "de opdrachtgever gebruikt dit kanaal niet",
}  # fmt: skip


# a plan paused because the debtor's standing holds it (services.plans: STANDING_PAUSE)
_STANDING_PAUSE = re.compile(
    r"^debtor's standing: (deceased|bankrupt|wsnp)( \(proposed by the bank's return\))?$"
)
_STANDING_WORD = {
    "nl": {"deceased": "overleden", "bankrupt": "failliet", "wsnp": "in de WSNP"},
    "en": {"deceased": "deceased", "bankrupt": "bankrupt", "wsnp": "in the WSNP"},
}


# why Inning ended a plan itself (domain.plans.plan.BREACH, services.plans.handover_end), in
# Dutch: the plan page read "geannuleerd: breach: installments not paid within the tolerance"
# (cm18 F13)
_BREACH = "breach: installments not paid within the tolerance"
_HANDED_OVER = re.compile(
    r"^handed over to a collection agency: (.+) to (.+), which collects them now$"
)


def plan_reason(text: str, lang: str) -> str:
    """Why a plan is paused or ended, in the page's language: the debtor's standing, a
    breach, a hand-over (as the plan service words them) translated; a reason staff typed
    stays as they typed it."""
    if lang == "nl" and text == _BREACH:
        return "niet nagekomen: termijnen niet binnen de marge betaald"
    if lang == "nl" and (handed := _HANDED_OVER.match(text)):
        return f"overgedragen aan een incassobureau: {handed[1]} aan {handed[2]}, dat ze nu int"
    found = _STANDING_PAUSE.match(text)
    if found is None:
        return text
    word = _STANDING_WORD.get(lang, _STANDING_WORD["en"])[found[1]]
    if lang == "nl":
        return f"status van de debiteur: {word}" + (
            " (voorgesteld na een terugboeking door de bank)" if found[2] else ""
        )
    return f"the debtor's standing: {word}" + (
        " (proposed by the bank's return)" if found[2] else "")  # fmt: skip


def summary(text: str, lang: str) -> str:
    """A contact-log entry's summary; on Dutch pages translated when its shape is known, on
    English pages with its amounts and codes in the page's notation (newcomer14 #4)."""
    if lang == "nl":
        return in_language(text, _SUMMARIES, lang)
    for pattern, render in _SUMMARIES_EN:
        if found := pattern.match(text):
            return render(found)
    return text


def channel_reason(text: str, lang: str) -> str:
    """Why a channel cannot be used now, as the message form shows it."""
    return _REASONS.get(text, text) if lang == "nl" else text


# who wrote an entry, as the services record it (review debtor6 #11): the portal's name for
# the debtor (shared.services.portal.PORTAL), an API key by its id
_PORTAL = "debtor (portal)"
_BY_PORTAL = {"nl": "debiteur (portaal)", "en": "debtor (portal)"}
_API_KEY = {"nl": "API-sleutel {name}", "en": "API key {name}"}


def author(recorded: str, lang: str, people: dict[str, str], keys: dict[str, str]) -> str:
    """An entry's author for the page: a console person by name (``people``: ``user:<id>``
    to name or e-mail), the debtor in the page's language, an API key by its label (``keys``:
    key id to label, the client's own keys only) or, without one, as "API-sleutel <id>"."""
    if recorded in people:
        return people[recorded]
    if recorded == _PORTAL:
        return _BY_PORTAL.get(lang, _BY_PORTAL["en"])
    if recorded in keys:
        label = _API_KEY.get(lang, _API_KEY["en"])
        return label.format(name=keys[recorded] or f"{recorded[:8]}…")
    return recorded
