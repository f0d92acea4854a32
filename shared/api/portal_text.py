"""What the portal says, in Dutch and English."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

TEXT: dict[str, dict[str, str]] = {
    "nl": {
        "title": "Uw openstaande facturen",
        "greeting": "Beste {name},",
        "intro": "Hieronder ziet u wat er openstaat bij {client}. Betaal direct met iDEAL of een andere methode, of laat ons weten wat er speelt.",
        "nothing": "Er staat niets meer open. Dank u wel!",
        "nothing_disputed": "U hoeft nu niets te betalen: over {numbers} heeft u bezwaar gemaakt, en zolang wij dat bekijken vragen wij daarvoor geen betaling. U hoort van ons.",
        "invoice": "Factuur", "date": "Factuurdatum", "due": "Vervaldatum", "open": "Open bedrag",
        "choose": "Kies", "pdf": "PDF",
        "principal": "Hoofdsom", "costs": "Incassokosten", "interest": "Wettelijke rente", "total": "Totaal",
        "pay_selected": "Betaal de gekozen facturen", "pay_all": "Betaal alles",
        "pay_note": "Online betaalt u het hele openstaande bedrag van de gekozen facturen: hoofdsom, incassokosten en rente zoals hierboven per factuur staat.",
        "transfer": "Liever zelf overmaken?",
        "transfer_text": "Maak het bedrag over naar {iban} ten name van {client}",
        "reference": "met betalingskenmerk", "qr": "Scan deze code met uw bank-app om te betalen.",
        "plan": "Betalen in termijnen", "plan_link": "Bekijk of u in termijnen kunt betalen, of uw lopende regeling",
        "postpone": "Uitstel vragen", "postpone_until": "Tot en met", "reason": "Toelichting",
        "postpone_send": "Vraag uitstel aan",
        "dispute": "Een factuur betwisten", "dispute_reason": "Waarom klopt deze factuur niet?",
        "dispute_send": "Verstuur bezwaar",
        "message": "Bericht aan {client}", "message_text": "Uw bericht", "message_send": "Verstuur bericht",
        "contact": "Contact", "language": "English",
        "done_postponed": "Uw uitstel is toegekend. U ontvangt tot die datum geen herinneringen voor deze facturen. Hebt u op die datum niet betaald, dan gaat de incasso verder, met de incassokosten die wij u eerder hebben aangekondigd.",
        "done_requested": "Uw verzoek om uitstel is ontvangen. U hoort van ons.",
        "done_disputed": "Uw bezwaar is ontvangen. Voor deze factuur sturen we geen herinneringen zolang we het bekijken.",
        "done_message": "Uw bericht is verstuurd.",
        "status_title": "Status van uw betaling",
        "status_paid": "Uw betaling is gelukt. Dank u wel!",
        "status_open": "Uw betaling is nog niet afgerond. Deze pagina ververst vanzelf.",
        "status_failed": "Uw betaling is niet gelukt. U kunt het opnieuw proberen.",
        "back": "Terug naar uw overzicht",
        "denied_title": "Deze link werkt niet (meer)",
        "denied": "De link is verlopen of ongeldig. Gebruik de link in het meest recente bericht, of neem contact op met de afzender.",
        "throttled": "Te veel pogingen. Probeer het over tien minuten opnieuw.",
        "error": "Dat lukte niet: {reason}",
        "simulation": "",
    },
    "en": {
        "title": "Your open invoices",
        "greeting": "Dear {name},",
        "intro": "Below is what is open with {client}. Pay at once with iDEAL or another method, or let us know what is going on.",
        "nothing": "Nothing is open any more. Thank you!",
        "nothing_disputed": "There is nothing to pay now: you disputed {numbers}, and while we look into it we ask no payment for it. You will hear from us.",
        "invoice": "Invoice", "date": "Invoice date", "due": "Due date", "open": "Open amount",
        "choose": "Choose", "pdf": "PDF",
        "principal": "Principal", "costs": "Collection costs", "interest": "Statutory interest", "total": "Total",
        "pay_selected": "Pay the chosen invoices", "pay_all": "Pay everything",
        "pay_note": "Online you pay the whole open amount of the chosen invoices: principal, collection costs and interest as shown per invoice above.",
        "transfer": "Rather transfer it yourself?",
        "transfer_text": "Transfer the amount to {iban} in the name of {client}",
        "reference": "with payment reference", "qr": "Scan this code with your banking app to pay.",
        "plan": "Pay in installments", "plan_link": "See whether you can pay in installments, or your running plan",
        "postpone": "Ask for postponement", "postpone_until": "Until", "reason": "Explanation",
        "postpone_send": "Ask for postponement",
        "dispute": "Dispute an invoice", "dispute_reason": "Why is this invoice wrong?",
        "dispute_send": "Send dispute",
        "message": "Message to {client}", "message_text": "Your message", "message_send": "Send message",
        "contact": "Contact", "language": "Nederlands",
        "done_postponed": "Your postponement is granted. You will get no reminders for these invoices until then. If you have not paid by that date, collection continues, with the collection costs we announced to you before.",
        "done_requested": "Your request for postponement was received. We will get back to you.",
        "done_disputed": "Your dispute was received. We send no reminders for this invoice while we look into it.",
        "done_message": "Your message was sent.",
        "status_title": "Status of your payment",
        "status_paid": "Your payment succeeded. Thank you!",
        "status_open": "Your payment is not complete yet. This page refreshes by itself.",
        "status_failed": "Your payment did not succeed. You can try again.",
        "back": "Back to your overview",
        "denied_title": "This link does not work (any more)",
        "denied": "The link has expired or is invalid. Use the link in the most recent message, or contact the sender.",
        "throttled": "Too many attempts. Try again in ten minutes.",
        "error": "That did not work: {reason}",
        "simulation": "",
    },
}  # fmt: skip

# What the portal's use cases refuse with (shared/services/portal.py, plans/self_service.py),
# in Dutch for a Dutch page: the debtor reads one language, not a Dutch prefix on English.
_REASONS_NL: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"choose at least one invoice"), "kies ten minste één factuur"),
    (re.compile(r"a postponement runs from tomorrow up to (\d+) days"),
     r"uitstel loopt van morgen tot ten hoogste \1 dagen"),
    (re.compile(r"say why the invoice is disputed"), "zeg waarom u de factuur betwist"),
    (re.compile(r"the reason is longer than (\d+) characters"),
     r"de reden is langer dan \1 tekens"),
    (re.compile(r"no such invoices(?: for this debtor)?"), "deze facturen zijn niet gevonden"),
    (re.compile(r"nothing is open on these invoices"), "op deze facturen staat niets meer open"),
    (re.compile(r"at most (\d+) requests a day; please try again tomorrow"),
     r"ten hoogste \1 verzoeken per dag; probeer het morgen opnieuw"),
    (re.compile(r"the message is empty"), "het bericht is leeg"),
    (re.compile(r"at most (\d+) messages a day; please try again tomorrow"),
     r"ten hoogste \1 berichten per dag; probeer het morgen opnieuw"),
    (re.compile(r"choose a date"), "kies een datum"),
    (re.compile(r"no payment plan can be offered for what is open"),
     "voor wat openstaat kan geen betalingsregeling worden aangeboden"),
    (re.compile(r"give the account holder's name"), "vul de naam van de rekeninghouder in"),
    (re.compile(r"type the account holder's name as the bank has it, in Latin letters"),
     "vul de naam van de rekeninghouder in zoals de bank die heeft, in Latijnse letters"),
    (re.compile(r"only a running plan's installments can be moved"),
     "alleen termijnen van een lopende regeling kunnen worden verschoven"),
    (re.compile(r"installment (\d+) is not open"), r"termijn \1 staat niet open"),
    (re.compile(r"choose a later date than the installment's"),
     "kies een latere datum dan die van de termijn"),
)  # fmt: skip


# a refusal's Dutch: a template for ``re.sub`` (groups as \\1), or a function of the match
Dutch = str | Callable[[re.Match[str]], str]


def reason(lang: str, text: str, first: Sequence[tuple[re.Pattern[str], Dutch]] = ()) -> str:
    """A refusal in the page's language (known ones, those of ``first`` before the portal's
    own; anything else as it was written)."""
    if lang != "nl":
        return text
    for pattern, dutch in (*first, *_REASONS_NL):
        if pattern.fullmatch(text):
            return pattern.sub(dutch, text)
    return text
