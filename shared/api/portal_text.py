"""What the portal says, in Dutch and English."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from shared.api.console.refusal_text import REFUSALS, refusal
from shared.domain.interest_words import interest_texts

TEXT: dict[str, dict[str, str]] = {
    "nl": {
        "title": "Uw openstaande facturen",
        "greeting": "Beste {name},",
        "intro": "Hieronder ziet u wat er openstaat bij {client}. Betaal direct met iDEAL of een andere methode, of laat ons weten wat er speelt.",
        "nothing": "Er staat niets meer open. Dank u wel!",
        "nothing_claimed": "U hoeft niets te betalen: wij vorderen niets meer van u.",
        "nothing_disputed": "U hoeft nu niets te betalen: over {numbers} heeft u bezwaar gemaakt, en zolang wij dat bekijken vragen wij daarvoor geen betaling. U hoort van ons.",
        "invoice": "Factuur", "date": "Factuurdatum", "due": "Vervaldatum", "open": "Open bedrag",
        "choose": "Kies", "pdf": "PDF",
        "principal": "Hoofdsom", "costs": "Incassokosten", "total": "Totaal",
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
        "done_kept": "Uw uitstel is toegekend. Voor een of meer van deze facturen gold al een langere pauze: die blijft staan. U ontvangt tot die datum in elk geval geen herinneringen voor deze facturen. Loopt de pauze af en hebt u niet betaald, dan gaat de incasso verder, met de incassokosten die wij u eerder hebben aangekondigd.",
        "done_postponed_no_costs": "Uw uitstel is toegekend. U ontvangt tot die datum geen herinneringen voor deze facturen. Hebt u op die datum niet betaald, dan gaat de incasso verder.",
        "done_kept_no_costs": "Uw uitstel is toegekend. Voor een of meer van deze facturen gold al een langere pauze: die blijft staan. U ontvangt tot die datum in elk geval geen herinneringen voor deze facturen. Loopt de pauze af en hebt u niet betaald, dan gaat de incasso verder.",
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
        # the overview per invoice (portal_figures.py): what makes up the open amount
        "inv_amount": "Factuurbedrag", "inv_credited": "Gecrediteerd", "inv_paid_before": "Eerder betaald", "inv_paid": "Betaald",
        "inv_waived": "Kwijtgescholden", "costs_vat": "Btw over incassokosten",
        "due_on": "Vervaldatum {due}",
        "total_due": "Totaal te betalen", "pay_amount": "Betaal {amount}",
        "pay_chosen": "Betaal alleen de aangevinkte facturen",
        "pay_note_parts": "Online betaalt u het hele openstaande bedrag van de facturen: {parts}, zoals hierboven per factuur staat.",
        "part_principal": "hoofdsom", "part_costs": "incassokosten", "part_costs_vat": "btw over de incassokosten",
        "part_interest": "rente", "and": "en",
        "transfer_amount": "Maak {amount} over naar {iban} ten name van {client}.",
        "transfer_quote_reference": "Vermeld het betalingskenmerk",
        "transfer_quote_text": "Vermeld als omschrijving",
        "term": "Betaal uiterlijk {day} {amount} {what}; dan bent u geen incassokosten verschuldigd. Daarna bent u {costs} incassokosten verschuldigd{vat}.",
        "term_one": "voor factuur {numbers}", "term_many": "voor de facturen {numbers}",
        "term_vat": " (inclusief {vat} btw)",
        "plan_title": "Uw betalingsregeling",
        "plan_next": "Volgende termijn: {amount} op {due} (termijn {number} van {count}).",
        "plan_transfer": "Maak {amount} over naar {iban} ten name van {client} met betalingskenmerk {reference}, zodat de betaling bij uw regeling hoort.",
        "plan_debit": "Wij schrijven {amount} af van uw rekening {iban}.",
        "plan_covers": "De regeling geldt voor: {invoices}. Daarvoor betaalt u alleen de termijnen; wilt u een termijn verschuiven, kijk dan bij uw regeling.",
        "plan_done": "Alle termijnen van uw regeling zijn betaald.",
        "plan_open": "Bekijk uw regeling of verschuif een termijn",
        "plan_qr": "Scan deze code met uw bank-app om deze termijn te betalen.",
        "plan_pay": "Betaal termijn {number} online ({amount})",
        "plan_pay_note": "Met iDEAL of een andere betaalmethode; de betaling telt meteen voor uw regeling.",
        "on_hold": "In behandeling",
        "not_claimable": "Niet meer te vorderen",
        "not_claimable_clean_slate": "{number} ({amount}): na de schone lei kunnen wij dit bedrag niet meer van u vorderen. Wij vragen er geen betaling voor en sturen er geen herinneringen over.",
        "not_claimable_akkoord": "{number} ({amount}): na het akkoord kunnen wij dit bedrag niet meer van u vorderen. Wij vragen er geen betaling voor en sturen er geen herinneringen over.",
        "not_claimable_note": "Dit is een natuurlijke verbintenis (art. 6:3 BW): u hoeft het niet te betalen. Betaalt u het toch, dan is dat geen onverschuldigde betaling: wij boeken het op de factuur en betalen het niet terug.",
        "on_hold_disputed": "{number} ({amount}): u heeft bezwaar gemaakt. Zolang wij dat bekijken, vragen wij voor deze factuur geen betaling. U hoort van ons.",
        "handed_over": "Overgedragen aan een incassobureau",
        "handed_over_text": "{numbers}: overgedragen aan {agency}. {agency} int deze facturen nu voor {client}: u kunt ze hier niet betalen. Betaal ze niet aan {client}, maar aan {agency}.",
        "handed_over_pay": "Maak over naar {iban} ten name van {agency}, onder vermelding van {reference}.",
        "handed_over_ask": "Wat u moet betalen en vragen over deze facturen: neem contact op met {agency} ({email}).",
        "handed_over_ask_plain": "Wat u moet betalen en vragen over deze facturen: neem contact op met {agency}.",
        "handed_over_open": "Openstaand op {day}: {total}: hoofdsom {principal}, incassokosten {costs}, rente {interest}. De rente loopt door tot u betaalt; {agency} kan u een ander bedrag noemen als u intussen heeft betaald.",
        "handed_over_costs_vat": "{costs} (waarvan btw {vat})",
        "handed_over_letter": "U ontvangt over deze facturen geen herinneringen meer van {client}. {agency} stuurt u zelf een brief met wat u moet betalen en hoe het bedrag is opgebouwd.",
        "nothing_handed_over": "U hoeft hier niets te betalen: wat nog openstaat, int het incassobureau.",
        "not_found_title": "Niet gevonden", "not_found": "Deze pagina bestaat niet.",
        "standing_title": "Neem contact op met het incassobureau",
        "standing": "Over deze facturen kunt u hier niets betalen of regelen. Neem contact op met het incassobureau; het bespreekt met u hoe het verder gaat.",
        "sandbox_title": "Dit portaal is nog niet open",
        "sandbox": "Het incassobureau heeft deze opdrachtgever nog niet goedgekeurd. U kunt hier daarom niets inzien of betalen. Betaal niet via een link of rekening die u met dit portaal is gestuurd.",
        "expired_form_title": "Dit formulier is verlopen",
        "expired_form": "Dit formulier is niet meer geldig. Open uw overzicht opnieuw en probeer het nog eens.",
        "expired_title": "Deze link is verlopen",
        "expired": "De link die u gebruikte is verlopen. U kunt bij {client} een nieuwe link aanvragen.",
        "expired_new": "Stuur een e-mail naar {email} met uw naam, of bel {phone}: u krijgt een nieuwe link.",
        "expired_new_email": "Stuur een e-mail naar {email} met uw naam: u krijgt een nieuwe link.",
        "expired_new_phone": "Bel {phone}: u krijgt een nieuwe link.",
        "expired_new_none": "Het meest recente bericht van {client} bevat een nieuwe link.",
    },
    "en": {
        "title": "Your open invoices",
        "greeting": "Dear {name},",
        "intro": "Below is what is open with {client}. Pay at once with iDEAL or another method, or let us know what is going on.",
        "nothing": "Nothing is open any more. Thank you!",
        "nothing_claimed": "There is nothing for you to pay: we claim nothing from you any more.",
        "nothing_disputed": "There is nothing to pay now: you disputed {numbers}, and while we look into it we ask no payment for it. You will hear from us.",
        "invoice": "Invoice", "date": "Invoice date", "due": "Due date", "open": "Open amount",
        "choose": "Choose", "pdf": "PDF",
        "principal": "Principal", "costs": "Collection costs", "total": "Total",
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
        "done_kept": "Your postponement is granted. One or more of these invoices were already on hold for longer: that hold stays. In any case you will get no reminders for these invoices until that date. When the hold ends and you have not paid, collection continues, with the collection costs we announced to you before.",
        "done_postponed_no_costs": "Your postponement is granted. You will get no reminders for these invoices until then. If you have not paid by that date, collection continues.",
        "done_kept_no_costs": "Your postponement is granted. One or more of these invoices were already on hold for longer: that hold stays. In any case you will get no reminders for these invoices until that date. When the hold ends and you have not paid, collection continues.",
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
        "inv_amount": "Invoice amount", "inv_credited": "Credited", "inv_paid_before": "Paid earlier", "inv_paid": "Paid",
        "inv_waived": "Waived", "costs_vat": "VAT on collection costs",
        "due_on": "Due date {due}",
        "total_due": "Total to pay", "pay_amount": "Pay {amount}",
        "pay_chosen": "Pay only the ticked invoices",
        "pay_note_parts": "Online you pay the whole open amount of the invoices: {parts}, as shown per invoice above.",
        "part_principal": "principal", "part_costs": "collection costs", "part_costs_vat": "VAT on the collection costs",
        "part_interest": "interest", "and": "and",
        "transfer_amount": "Transfer {amount} to {iban} in the name of {client}.",
        "transfer_quote_reference": "Quote the payment reference",
        "transfer_quote_text": "Quote as the description",
        "term": "Pay {amount} {what} by {day} at the latest; then you owe no collection costs. After that you owe {costs} collection costs{vat}.",
        "term_one": "for invoice {numbers}", "term_many": "for invoices {numbers}",
        "term_vat": " (including {vat} VAT)",
        "plan_title": "Your payment plan",
        "plan_next": "Next installment: {amount} on {due} (installment {number} of {count}).",
        "plan_transfer": "Transfer {amount} to {iban} in the name of {client} with payment reference {reference}, so that the payment is matched to your plan.",
        "plan_debit": "We collect {amount} from your account {iban} by direct debit.",
        "plan_covers": "The plan covers: {invoices}. For these you pay only the installments; to move an installment, see your plan.",
        "plan_done": "Every installment of your plan is paid.",
        "plan_open": "See your plan or move an installment",
        "plan_qr": "Scan this code with your banking app to pay this installment.",
        "plan_pay": "Pay installment {number} online ({amount})",
        "plan_pay_note": "With iDEAL or another payment method; the payment counts for your plan at once.",
        "on_hold": "Being looked into",
        "not_claimable": "No longer claimed",
        "not_claimable_clean_slate": "{number} ({amount}): after the clean slate we can no longer claim this amount from you. We ask no payment for it and send no reminders about it.",
        "not_claimable_akkoord": "{number} ({amount}): after the akkoord we can no longer claim this amount from you. We ask no payment for it and send no reminders about it.",
        "not_claimable_note": "This is a natural obligation (art. 6:3 of the Dutch Civil Code): you do not have to pay it. If you pay it anyway, it is not an undue payment: we book it on the invoice and do not pay it back.",
        "on_hold_disputed": "{number} ({amount}): you disputed this invoice. While we look into it we ask no payment for it. You will hear from us.",
        "handed_over": "Handed over to a collection agency",
        "handed_over_text": "{numbers}: handed over to {agency}. {agency} now collects these invoices for {client}: you cannot pay them here. Do not pay them to {client}, but to {agency}.",
        "handed_over_pay": "Transfer to {iban} in the name of {agency}, quoting {reference}.",
        "handed_over_ask": "What to pay and questions about these invoices: contact {agency} ({email}).",
        "handed_over_ask_plain": "What to pay and questions about these invoices: contact {agency}.",
        "handed_over_open": "Open on {day}: {total}: principal {principal}, collection costs {costs}, interest {interest}. Interest runs until you pay; {agency} may name another amount if you paid in the meantime.",
        "handed_over_costs_vat": "{costs} (of which VAT {vat})",
        "handed_over_letter": "You will receive no more reminders about these invoices from {client}. {agency} will send you its own letter saying what to pay and how the amount is made up.",
        "nothing_handed_over": "There is nothing to pay here: what is still open is collected by the collection agency.",
        "not_found_title": "Not found", "not_found": "This page does not exist.",
        "standing_title": "Please contact the collection agency",
        "standing": "Nothing about these invoices can be paid or arranged here. Please contact the collection agency; it will discuss with you how to proceed.",
        "sandbox_title": "This portal is not open yet",
        "sandbox": "The collection agency has not approved this client yet, so nothing can be viewed or paid here. Do not pay through a link or account sent to you with this portal.",
        "expired_form_title": "This form has expired",
        "expired_form": "This form is no longer valid. Open your overview again and try once more.",
        "expired_title": "This link has expired",
        "expired": "The link you used has expired. You can ask {client} for a new link.",
        "expired_new": "Send an e-mail to {email} with your name, or call {phone}: you will get a new link.",
        "expired_new_email": "Send an e-mail to {email} with your name: you will get a new link.",
        "expired_new_phone": "Call {phone}: you will get a new link.",
        "expired_new_none": "The most recent message from {client} carries a new link.",
    },
}  # fmt: skip
# the interest row of an invoice, named by its claim's kind (portal_figures; law15 F2)
for _lang, _said in TEXT.items():
    _said.update(interest_texts(_lang))

# What the portal's use cases refuse with (shared/services/portal.py, plans/self_service.py),
# in Dutch for a Dutch page: the debtor reads one language, not a Dutch prefix on English.
_REASONS_NL: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"no such invoices(?: for this debtor)?"), "deze facturen zijn niet gevonden"),
    (re.compile(r"give the account holder's name"), "vul de naam van de rekeninghouder in"),
    (re.compile(r"type the account holder's name as the bank has it, in Latin letters"),
     "vul de naam van de rekeninghouder in zoals de bank die heeft, in Latijnse letters"),
    (re.compile(r"type the account holder's name without '//'"),
     "vul de naam van de rekeninghouder in zonder '//'"),
)  # fmt: skip


# a refusal's Dutch: a template for ``re.sub`` (groups as \\1), or a function of the match
Dutch = str | Callable[[re.Match[str]], str]


def refused(lang: str, exc: Exception, first: Sequence[tuple[re.Pattern[str], Dutch]] = ()) -> str:
    """A form's refusal in the page's language, as the clause after "Dat lukte niet:": a
    coded one by its sentence (the console's, console/refusal_text.py), else by its shape."""
    code = getattr(exc, "code", None)
    if isinstance(code, str) and code in REFUSALS:
        said = refusal(exc, lang, debtor=True)
        return said[:1].lower() + said[1:].rstrip(".")
    return reason(lang, str(exc), first)


def reason(lang: str, text: str, first: Sequence[tuple[re.Pattern[str], Dutch]] = ()) -> str:
    """A refusal in the page's language (known ones, those of ``first`` before the portal's
    own; anything else as it was written)."""
    if lang != "nl":
        return text
    for pattern, dutch in (*first, *_REASONS_NL):
        if pattern.fullmatch(text):
            return pattern.sub(dutch, text)
    return text
