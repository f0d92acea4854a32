"""Action items in the page's language: their kind, the names of their details, their title
and the matcher's reasons.

Services write an item's title and reasons in English (integrations read them through the API,
and an item outlives any wording of it); the console shows a credit manager the kind as a word,
each detail under a label, and translates the titles and reasons whose shape it knows. Anything
else is shown as it is rather than guessed at."""

from __future__ import annotations

import re
from collections.abc import Callable

from shared.api.console.code_text import channel_at_start, word
from shared.api.console.prescription_text import TITLES as PRESCRIPTION_TITLES
from shared.api.console.shapes import in_language, shapes
from shared.api.console.statement_refusal_text import refusal
from shared.domain.money import format_eur_nl
from shared.domain.statements import charges_said
from shared.domain.statements.matching import readable_reason
from shared.services.case_names import case_name_of_id

KINDS: dict[str, tuple[str, str]] = {
    "unmatched_credit": ("Onbekende betaling", "Unmatched payment"),
    "payment_suggestion": ("Betaling controleren", "Check payment"),
    # money on the agency's pooled account for an invoice its client never handed over
    # (statements.CLIENT_MONEY, booked24): the client's, to pay on or book once handed over
    "client_money": ("Geld van de opdrachtgever", "Client's money"),
    "collection_batch": ("Verzamelbetaling incasso", "Direct debit batch credit"),
    "unmatched_return": ("Onbekende terugboeking", "Unmatched return"),
    "payment_reversed": ("Betaling teruggeboekt", "Payment reversed"),
    "overpayment": ("Te veel betaald", "Overpayment"),
    "discount_capped": ("Korting beperkt tot wat openstond", "Discount capped at what was open"),
    "foreign_currency": ("Vreemde valuta", "Foreign currency"),
    "missing_statement": ("Afschrift ontbreekt", "Missing statement"),
    "balance_mismatch": ("Saldo klopt niet", "Balance mismatch"),
    "statement_quarantined": ("Afschrift geweigerd", "Statement refused"),
    "statement_warning": ("Afschrift: waarschuwing", "Statement warning"),
    "dispute": ("Betwisting", "Dispute"),
    "dispute_untold": (
        "Betwisting beëindigd, debiteur niet ingelicht",
        "Dispute ended, debtor not told",
    ),
    "staff_task": ("Taak", "Task"),
    "dunning_failure": ("Aanmaning geweigerd", "Dunning step refused"),
    "no_workflow": ("Geen workflow", "No dunning workflow"),
    # a client without an account is not dunned (shared/services/dunning_account_hold.py)
    "no_bank_account": ("Geen bankrekening", "No bank account"),
    # a restore holds what moves money (shared/services/operations/money_hold.py)
    "restore_hold": (
        "Uitbetalingen en incasso's aangehouden na herstel",
        "Payouts and collections held after a restore",
    ),
    # payments before a client's settlement agreement (shared/services/settlement/before_agreement.py)
    "settlement_before_agreement": (
        "Betalingen van vóór de afrekenovereenkomst",
        "Payments from before the settlement agreement",
    ),
    "below_dunning_minimum": ("Te weinig open om aan te manen", "Below the dunning minimum"),
    "prescription": ("Verjaring", "Prescription"),
    "delivery_failure": ("Niet bezorgd", "Not delivered"),
    "verify_delivery": ("Bezorging nagaan", "Verify delivery"),
    "message_not_sent": ("Bericht blijft wachten", "Message not going out"),
    "bounce_unconfirmed": ("Onbestelbaar-melding nagaan", "Check bounce report"),
    "mailbox_capacity": ("Mailbox vol", "Mailbox limit"),
    "debtor_reply": ("Antwoord van debiteur", "Debtor's reply"),
    "debtor_message": ("Bericht van debiteur", "Message from debtor"),
    "unassigned_whatsapp": ("WhatsApp zonder debiteur", "WhatsApp without debtor"),
    "postponement_request": ("Verzoek om uitstel", "Postponement request"),
    "plan_approval": ("Betalingsregeling voorgesteld", "Payment plan proposed"),
    "plan_postponement_request": ("Termijn verschuiven", "Move an installment"),
    "plan_breached": ("Regeling niet nagekomen", "Plan breached"),
    "plan_lapsed_but_paid": ("Vervallen regeling toch betaald", "Lapsed plan paid after all"),
    "plan_paid_claim_open": ("Regeling betaald, vordering open", "Plan paid, claim open"),
    "plan_claim_raised": ("Vordering in regeling verhoogd", "Claim in plan raised"),
    "plan_overpayment": ("Regeling: te veel geïncasseerd", "Plan overpayment"),
    "plan_mandate_invalid": ("Machtiging ongeldig", "Mandate invalid"),
    "plan_debit_failed": ("Incasso mislukt", "Direct debit failed"),
    # a debtor deceased, bankrupt or in the WSNP (shared/services/debtor_standing.py)
    "debtor_standing": ("Debiteur overleden of insolvent", "Debtor deceased or insolvent"),
    "debtor_standing_proposed": ("Debiteur overleden? (bank)", "Debtor deceased? (bank)"),
    "debtor_standing_lifted": ("Status debiteur opgeheven", "Debtor's standing lifted"),
    "debtor_standing_ended": (
        "Faillissement of WSNP geëindigd",
        "Bankruptcy or WSNP ended",
    ),
    "direct_debit_file": ("Incassobestand", "Direct debit file"),
    "direct_debit_failure": ("Incassobestand niet gemaakt", "Direct debit file failed"),
    "direct_debit_missed": ("Incassobestand te laat", "Direct debit file too late"),
    "direct_debit_withdrawn": ("Incasso intrekken", "Withdraw direct debit"),
    "unmatched_status_report": ("Onbekende bankterugmelding", "Unmatched bank report"),
    "refund_failed": ("Terugbetaling mislukt", "Refund failed"),
    "refund_threshold": ("Veel terugbetalingen", "Many refunds"),
    "mollie_payment_missing": ("Mollie-betaling onbekend", "Mollie payment missing"),
    "mollie_test_payment": ("Mollie-testbetaling niet geboekt", "Mollie test payment not booked"),
    "signup_kvk_shared": ("KvK-nummer bij twee aanmeldingen", "KvK number in two sign-ups"),
    # a verified sign-up until approved or refused (shared/services/people/signup_waiting.py)
    "signup_waiting": ("Aanmelding wacht op goedkeuring", "Sign-up waiting for approval"),
    "new_case": ("Nieuwe zaak", "New case"),
    "case_withdrawn": ("Zaak ingetrokken", "Case withdrawn"),
    "case_withdrawn_confirmation": ("Zaak ingetrokken (bevestiging)", "Case withdrawn (confirmed)"),
    "case_invoice_left": ("Factuur uit zaak", "Invoice left the case"),
    "case_invoice_lowered": ("Factuur in zaak verlaagd", "Invoice in case lowered"),
    "case_invoice_disputed": ("Factuur in zaak betwist", "Invoice in case disputed"),
    "case_invoice_dispute_ended": ("Betwisting in zaak beëindigd", "Dispute in case ended"),
    "settlement_approval": ("Afrekening goedkeuren", "Approve settlement"),
    "settlement_blocked": ("Afrekening geblokkeerd", "Settlement blocked"),
    # money paid after a debtor's ruling, kept back (shared/services/settlement/runs.py)
    "settlement_held": ("Afdracht aangehouden", "Settlement held back"),
    "settlement_claim_back": ("Terugvorderen van opdrachtgever", "Claim back from client"),
    "statutory_rates_stale": ("Rentetabel verouderd", "Interest table stale"),
    "holiday_table_ending": ("Feestdagentabel loopt af", "Holiday table ending"),
    # the agency's yearly Wki registration (shared/services/wki_registration_watch.py)
    "wki_registration_ending": ("Wki-registratie verloopt", "Wki registration ending"),
    "wki_registration_ended": ("Wki-registratie verlopen", "Wki registration ended"),
    "wki_registration_until_missing": (
        "Einddatum Wki-registratie ontbreekt",
        "Wki registration end not recorded",
    ),
    # its collection from consumers held once the registration ended (wki28,
    # shared/services/wki_registration_status.py)
    "wki_consumer_collection_held": (
        "Innen bij consumenten aangehouden (Wki)",
        "Collection from consumers held (Wki)",
    ),
    "inbound_mail_unreadable": ("E-mail niet gelezen", "E-mail unreadable"),
    "inbound_mailbox_unreadable": ("Mailbox niet leesbaar", "Mailbox unreadable"),
    "inbound_mailbox_shared": ("Mailbox gedeeld", "Mailbox shared"),
    "unmatched_email": ("E-mail zonder debiteur", "E-mail without debtor"),
    "mailbox_dispute": ("Mailbox betwist", "Mailbox disputed"),
    "account_dispute": ("Rekening betwist", "Account disputed"),
    "account_claim": (
        "Rekening door twee opdrachtgevers geclaimd",
        "Account claimed by two clients",
    ),
    "account_taken_over": (
        "Rekening door het bureau aan een andere opdrachtgever gegeven",
        "Account given to another client by the agency",
    ),
    "plan_rest": ("Rest na betalingsregeling", "Rest after a payment plan"),
    "plan_handed_over": (
        "Betalingsregeling beëindigd: overgedragen aan incasso",
        "Payment plan ended: handed over to the agency",
    ),
    "kind_letter_check": (
        "Consument: brief als bedrijf controleren",
        "Consumer: check the letter sent as a business",
    ),
    "poison": ("Vastgelopen bericht", "Stuck message"),
    "inbound_mail": ("Binnengekomen e-mail", "Inbound e-mail"),
    # credits that come back (shared/services/statement_credits_back.py)
    "reversal_credit": ("Storno bijgeschreven", "Reversal credit"),
    "returned_transfer": ("Overboeking teruggekomen", "Returned transfer"),
    # money the client's books report received (shared/services/client_receipts.py)
    "client_receipt": ("Betaald aan opdrachtgever", "Paid to the client"),
    # lines of a client's own upload dated before it (shared/services/statements.py DATED)
    "client_dated_payments": (
        "Betaaldatum van opdrachtgever nagaan",
        "Check the client's payment dates",
    ),
}

DETAILS: dict[str, tuple[str, str]] = {
    "standing": ("Status", "Standing"),
    "since": ("Sinds", "Since"),
    "to_file": ("In te dienen (op de dag van het vonnis)", "To file (on the ruling's day)"),
    "paid_after_ruling": (
        "Betaald na het vonnis (art. 23 Fw: de curator kan het terugvorderen)",
        "Paid after the ruling (art. 23 Fw: the curator may claim it back)",
    ),
    "to_file_resolved": (
        "In te dienen toen dit werd afgehandeld",
        "To file when this was resolved",
    ),
    "to_file_change": (
        "Verschil: de ingediende vordering bij de curator of bewindvoerder corrigeren",
        "Difference: correct the claim filed with the curator or administrator",
    ),
    # a ruling's claims disputed on its day: filed for verification (art. 110-119 Fw)
    "disputed": ("Betwist (ter verificatie indienen)", "Disputed (file for verification)"),
    "lifted_on": ("Opgeheven op", "Lifted on"),
    "held": (
        "Aangehouden op de derdengeldenrekening (betaald na het vonnis, art. 23 Fw)",
        "Held on the third-party account (paid after the ruling, art. 23 Fw)",
    ),
    "plans": ("Regelingen", "Plans"),
    "account": ("Rekening", "Account"),
    "statement": ("Afschrift", "Statement"),
    "line_id": ("Regel", "Line"),
    "double_of": ("Zelfde als regel", "Same as line"),
    # a claim released when finished later (shared/services/claimed_lines.py NOT_BOOKED_ON)
    "not_booked_on": (
        "Niet geboekt op (gecrediteerd of ingetrokken): kies de factuur die het betaalt",
        "Not booked on (credited or withdrawn): choose the invoice it pays",
    ),
    "amount": ("Bedrag", "Amount"),
    "payer_iban": ("IBAN betaler", "Payer's IBAN"),
    "payer_name": ("Naam betaler", "Payer's name"),
    "remittance": ("Omschrijving", "Description"),
    "reference": ("Betalingskenmerk", "Payment reference"),
    "reasons": ("Redenen", "Reasons"),
    "reason": ("Reden", "Reason"),
    "booking_date": ("Boekdatum", "Booking date"),
    "date": ("Datum", "Date"),
    "until": ("Tot", "Until"),
    "text": ("Tekst", "Text"),
    "note": ("Toelichting", "Note"),
    "step": ("Stap", "Step"),
    "plan_id": ("Regeling", "Plan"),
    "installment": ("Termijn", "Installment"),
    "to": ("Naar", "To"),
    "reporter": ("Gemeld door", "Reported by"),
    "mail": ("E-mail", "E-mail"),
    "subject": ("Onderwerp", "Subject"),
    "candidates": ("Mogelijke debiteuren", "Possible debtors"),
    "prescribes_on": ("Verjaart op", "Prescribes on"),
    "term_years": ("Termijn (jaren)", "Term (years)"),
    "claim_kind": ("Soort vordering", "Claim kind"),
    "cause": ("Oorzaak", "Cause"),
    "queue": ("Wachtrij", "Queue"),
    "case_id": ("Zaak", "Case"),
    # the names of further details the services write (newcomer4 finding 4, the sweep)
    "debtor": ("Debiteur", "Debtor"),
    "channel": ("Kanaal", "Channel"),
    "key": ("Berichtsleutel", "Message key"),
    "count": ("Aantal", "Count"),
    "year": ("Jaar", "Year"),
    "open": ("Open", "Open"),
    # a discount capped at what was open on its day (shared/services/ledger/discounts.py)
    "credit_note": ("Creditnota", "Credit note"),
    "discount": ("Korting", "Discount"),
    "granted": ("Laat los", "Lets go"),
    "discount_day": ("Kortingsdatum", "Discount's day"),
    # a lapsed plan's figures on the lapse day, as the debtor was told (plans/lapse_figures.py)
    "principal": ("Hoofdsom", "Principal"),
    "interest": ("Rente", "Interest"),
    "costs": ("Incassokosten", "Collection costs"),
    "costs_vat": ("Btw over de incassokosten", "VAT on the collection costs"),
    "costs_owed_from": ("Incassokosten verschuldigd vanaf", "Collection costs owed from"),
    "not_claimed": (
        "Niet gevorderd (natuurlijke verbintenis, art. 6:3 BW)",
        "Not claimed (natural obligation, art. 6:3 BW)",
    ),
    "currency": ("Valuta", "Currency"),
    "counterparty_iban": ("IBAN tegenpartij", "Counterparty's IBAN"),
    "counterparty_name": ("Naam tegenpartij", "Counterparty's name"),
    "credits": ("Bijschrijvingen", "Credits"),
    "debits": ("Afschrijvingen", "Debits"),
    "difference": ("Verschil", "Difference"),
    # a statement whose lines do not add up to its balances (statements._check_balances)
    "opening": ("Beginsaldo (centen)", "Opening balance (cents)"),
    "entries": ("Som van de regels (centen)", "Sum of the lines (cents)"),
    "closing": ("Eindsaldo (centen)", "Closing balance (cents)"),
    "file": ("Bestand", "File"),
    "accounts": ("Rekeningen", "Accounts"),
    "held_back": ("Afschriften tegengehouden", "Statements held back"),
    "client": ("Opdrachtgever", "Client"),
    "kvk_number": ("KvK-nummer", "KvK number"),
    "email": ("E-mailadres", "E-mail address"),
    "earlier": ("Eerdere aanmelding", "Earlier sign-up"),
    "received_at": ("Ontvangen", "Received"),
    "bytes": ("Grootte (bytes)", "Size (bytes)"),
    # a refused statement file's report (StatementError.as_dict, newcomer16 #6: "error" stood
    # there as its raw key)
    "error": ("Reden", "Reason"),
    "errors": ("Redenen", "Reasons"),
    "line": ("Regel", "Line"),
    "field": ("Veld", "Field"),
    "lines": ("Regels", "Lines"),
    "line_count": ("Aantal regels", "Number of lines"),
    "end_to_end_id": ("End-to-end-kenmerk", "End-to-end id"),
    "bank_reference": ("Kenmerk van de bank", "Bank's reference"),
    "end_to_end_ids": ("End-to-end-kenmerken", "End-to-end ids"),
    "collection_date": ("Incassodatum", "Collection date"),
    "credited_invoice": ("Gecrediteerde factuur", "Credited invoice"),
    "payment_id": ("Betaling", "Payment"),
    "bank_payment_id": ("Betaling van de bank", "Bank payment"),
    "bank_amount": ("Bedrag van de bank", "Bank amount"),
    "bank_date": ("Datum van de bank", "Bank date"),
    # the client's receipt part of which its books no longer count (client_receipts.py)
    "taken_from": ("Deels teruggedraaid van", "Partly taken back from"),
    "unallocated": ("Niet toegewezen", "Unallocated"),
    "overpaid": ("Te veel betaald", "Overpaid"),
    "method": ("Betaalwijze", "Method"),
    "run_id": ("Afdrachtrun", "Settlement run"),
    "how": ("Oplossing", "How"),
    "decision": ("Besluit", "Decision"),
    "interrupted_by": ("Gestuit door", "Interrupted by"),
    "covered_until": ("Gedekt tot", "Covered until"),
    "newest_rate_from": ("Nieuwste rente vanaf", "Newest rate from"),
    "version": ("Versie", "Version"),
    "mailbox": ("Mailbox", "Mailbox"),
    "inbound_mail": ("E-mail", "E-mail"),
    "sender": ("Afzender", "Sender"),
    "last_received": ("Laatst ontvangen", "Last received"),
    "day": ("Dag", "Day"),
    "by": ("Door", "By"),
    "proof": ("Bewijs", "Proof"),
    "claimant_client": ("Claimende opdrachtgever", "Claiming client"),
    "owner_client": ("Huidige opdrachtgever", "Current client"),
    "also_claimed_by": ("Ook geclaimd door", "Also claimed by"),
    "client_id": ("Opdrachtgever", "Client"),
    "from": ("Van", "From"),
    "clients": ("Opdrachtgevers", "Clients"),
    "invoices": ("Facturen", "Invoices"),
    "return_reason": ("Reden terugboeking", "Return reason"),
    # a return found by its payer's account (shared/services/statement_returns.py)
    "payments": ("Betalingen", "Payments"),
    "reversed_already": ("Al teruggedraaid", "Reversed already"),
    "reversing": ("Terug te draaien betaling", "Payment to reverse"),
    "unbooked_lines": ("Niet geboekte betalingen (acties)", "Credits not booked (items)"),
    # a settlement's claim back (shared/services/settlement/runs.py)
    "owed": ("Verschuldigd (centen)", "Owed (cents)"),
    # what the bank kept of a credit booked less its charges (shared/services/statements.py)
    "charges": ("Ingehouden bankkosten (centen)", "Bank charges kept (cents)"),
    "kept_by_client": (
        "Zelf ontvangen door opdrachtgever (centen)",
        "Received by the client itself (cents)",
    ),
    "settlement_id": ("Afdracht", "Settlement"),
    "minimum": ("Minimum", "Minimum"),
    "debtors": ("Debiteuren", "Debtors"),
}


def _more_nl(accounts: str) -> str:
    """``A, B and 3 more`` (a held-back item's accounts) in Dutch."""
    return re.sub(r" and (\d+) more$", r" en \1 andere", accounts)


def _eur_nl(text: str) -> str:
    """``EUR 1,234.56`` (``format_eur_en``) as a Dutch page writes it: ``€ 1.234,56``."""
    found = re.fullmatch(r"(-?)EUR ([\d,]+)\.(\d\d)", text)
    if found is None:
        return text
    return f"{found[1]}€ {found[2].replace(',', '.')},{found[3]}"


def _plain_eur_nl(amount: str) -> str:
    """``1234.56`` (``format_cents``) as ``€ 1.234,56``; another shape as it is."""
    found = re.fullmatch(r"(-?)(\d+)\.(\d\d)", amount)
    if found is None:
        return amount
    cents = int(found[2]) * 100 + int(found[3])
    return format_eur_nl(-cents if found[1] else cents)


def _case(case_id: str) -> str:
    """A case by its name ("PRDNXZB K101", reasons20's left); one whose id gives no name by
    its id."""
    return case_name_of_id(case_id)


def _debtor(case_id: str, debtor: str) -> str:
    """ " (debiteur D1)" after a case named by its id; a case's name says the debtor already."""
    return f" (debiteur {debtor})" if case_name_of_id(case_id) == case_id else ""


# why an invoice left its case or was lowered (services.invoice_status: its case_listener)
_WHY_NL = {"credited": "gecrediteerd", "withdrawn": "ingetrokken", "withdrew": "ingetrokken"}


def _why_nl(why: str) -> str:
    return _WHY_NL.get(why, re.sub(r"^credit note ", "creditnota ", why))


def _corrected_how_nl(how: str) -> str:
    """How a client's receipt was corrected (services.case_corrections), in Dutch."""
    bank = re.fullmatch(
        r"the bank's statement of (.+)'s own account books it on (\d{4})-(\d\d)-(\d\d)", how
    )
    if bank:
        return f"het bankafschrift van de eigen rekening van {bank[1]} boekt haar op {bank[4]}-{bank[3]}-{bank[2]}"
    again = re.fullmatch(
        r"it is booked again on (\d{4})-(\d\d)-(\d\d), the day (.+)'s books give", how
    )
    if again:
        return f"zij is opnieuw geboekt op {again[3]}-{again[2]}-{again[1]}, de dag uit de boekhouding van {again[4]}"
    return how


_MESSAGE_NL = {"reminder": "herinnering", "payment-plan message": "regelingsbericht",
               "letter": "brief", "message": "boodschap"}  # fmt: skip

# where a statement's warning points: a CAMT entry, an MT940 line
_WHERE_NL = {"entry": "post", "line": "regel"}
# a payer-written value of :86: in which bank codes were found (details_nl.PAYER_TEXTS)
_PAYER_TEXT_NL = {
    "end-to-end id": "het betalingskenmerk (end-to-end-id)",
    "batch reference (/PREF/)": "de batchreferentie (/PREF/)",
    "name": "de naam",
    "address": "het adres",
}
# why a statement's original amount and charges were not believed (charges_said)
_CHARGES_DOUBT_NL = {
    charges_said.NOT_THE_CURRENCY: "niet in de valuta van het afschrift, en er is geen koers gelezen",
    charges_said.NOT_ADDING_UP: "het een min het ander is niet wat er binnenkwam",
    charges_said.IMPLAUSIBLE: f"kosten van meer dan {charges_said.MAX_CHARGE_PERCENT}% of "
    f"{format_eur_nl(charges_said.MAX_CHARGE_CENTS)} gelden niet als die van de bank",
}
_OWES_NL = {
    "it received debtors' money itself and owes the agency's share of it":
        "zij ontving zelf geld van debiteuren en is het deel van het incassobureau verschuldigd",
    "it was paid too much": "er is te veel afgedragen",
}  # fmt: skip


def _plan_why_nl(why: str) -> str:
    """Why a debtor's proposal waits for a person (plans/self_service.py), in Dutch."""
    if why == "the client approves debtors' plans":
        return "de opdrachtgever keurt regelingen van debiteuren zelf goed"
    lapsed = re.fullmatch(r"an earlier plan lapsed on (\d{4})-(\d\d)-(\d\d)", why)
    if lapsed:
        return f"een eerdere regeling verviel op {lapsed[3]}-{lapsed[2]}-{lapsed[1]}"
    if why.startswith("could not start at once: "):
        return "kon niet meteen starten: " + why[len("could not start at once: ") :]
    return why


def _came_back_nl(why: str) -> str:
    """Why a payment came back (PaymentService.reverse's reasons), in Dutch; a person's own
    note (a reversal by hand) as it is."""
    bank = re.fullmatch(r"(direct debit )?returned by the bank \((.*)\)", why)
    if bank:
        return f"{'incasso ' if bank[1] else ''}teruggeboekt door de bank ({bank[2]})"
    mollie = re.fullmatch(r"(refund|chargeback) through Mollie", why)
    if mollie:
        return f"{'terugbetaling' if mollie[1] == 'refund' else 'chargeback'} via Mollie"
    return in_language(why, _REASONS, "nl")  # a booking undone (statements_redo.UNDONE)


# a message that was not sent (shared/services/messaging.py _failed): what happened, the
# next step it suggests and, for a 14-day letter, what that means for the costs
_NOT_SENT_NL = {"the provider refused it": "de aanbieder weigerde het",
                "the debtor has no (or withdrew) WhatsApp consent":
                    "de debiteur gaf geen toestemming voor WhatsApp (of trok die in)"}  # fmt: skip
_HINT_NL = {"send a letter?": "een brief sturen?", "check the mobile number":
            "controleer het mobiele nummer", "use SMS or e-mail?": "sms of e-mail gebruiken?",
            "check the postal address": "controleer het postadres",
            "call by hand?": "zelf bellen?"}  # fmt: skip
_NEVER_SENT = re.compile(
    r"^\. The 14-day letter was never sent: no collection costs for (.+?) \(the costs term is "
    r"cleared\); a new letter that goes out starts its own term(?:; the costs charged on (.+) "
    r"are taken back and the payments allocated again)?$"
)


def _not_sent_nl(m: re.Match[str]) -> str:
    busy = re.fullmatch(r"the provider was not reachable or busy at (\d+) attempts", m[3])
    happened = (f"de aanbieder was bij {busy[1]} pogingen niet bereikbaar of bezet" if busy
                else _NOT_SENT_NL.get(m[3], m[3]))  # fmt: skip
    note = ""
    if m[5] and (never := _NEVER_SENT.match(m[5])):
        note = (f". De veertiendagenbrief is nooit verstuurd: geen incassokosten voor {never[1]} "
                "(de termijn voor de kosten vervalt); een nieuwe brief die uitgaat, start een "
                "eigen termijn")  # fmt: skip
        if never[2]:
            note += (f"; de kosten die op {never[2]} zijn berekend, worden teruggenomen en de "
                     "betalingen opnieuw toegerekend")  # fmt: skip
    elif m[5]:
        note = m[5]
    return (f"{channel_at_start(m[1])} aan debiteur {m[2]} niet verstuurd: {happened}; "
            f"{_HINT_NL.get(m[4], m[4])}{note}")  # fmt: skip


_SWEPT_NL = {"reminder": "Een herinnering", "payment-plan message": "Een bericht over de regeling",
             "letter": "Een brief", "message": "Een bericht"}  # fmt: skip
_STANDING_NL = {"deceased": "overleden", "bankrupt": "failliet", "wsnp": "in de WSNP"}
_ENDED_NL = {
    "akkoord": "boek wat het akkoord op de vorderingen van het vonnis betaalt en schrijf de rest "
    "af (art. 160 Fw); ze worden niet aangemaand",
    "clean_slate": "de vorderingen van het vonnis zijn natuurlijke verbintenissen (art. 358 Fw): "
    "schrijf ze af; er wordt niets geïncasseerd",
    "ended": "boek wat de uitdeling op de vorderingen van het vonnis betaalde en hervat dan hun "
    "aanmaning (art. 195 Fw); tot dan zijn ze gepauzeerd",
}
_STANDING_TODO_NL = {
    "deceased": "schrijf de nalatenschap of de erfgenamen aan (4:182 BW), niet de debiteur",
    "bankrupt": "dien de vorderingen in bij de curator (art. 26, 110 Fw)",
    "wsnp": "dien de vorderingen in bij de WSNP-bewindvoerder (art. 299, 358 Fw)",
}


_TITLES = shapes(
    (
        # prescription's warnings and holds (shared/domain/law/prescription.py)
        *PRESCRIPTION_TITLES,
        (r"^Settlement run (\S+): (\d+) payment\(s\) of (.+?) held on the third-party account: .*$",
         lambda m: f"Afdrachtrun {m[1]}: {m[2]} betaling(en) van {m[3]} aangehouden op de "
         "derdengeldenrekening: ontvangen na het faillissement of de WSNP van de debiteur "
         "(art. 23 Fw); vrijgegeven zodra het indieningsitem is afgehandeld"),
        # a message closed unsent when its account was no longer the client's (named_account)
        (r"^(email|sms|whatsapp|letter|robocall) to debtor (\S+) not sent: the account it names "
         r"is no longer the client's; send the (reminder|payment-plan message|letter|message) "
         r"again with the client's own account$",
         lambda m: f"{word('channel', m[1], 'nl')} aan debiteur {m[2]} niet verstuurd: de "
         f"rekening erin is niet meer die van de opdrachtgever; verstuur "
         f"{_SWEPT_NL[m[3]].lower()} opnieuw met de eigen rekening van de opdrachtgever"),
        (r"^(email|sms|whatsapp|letter|robocall) to debtor (\S+) not sent: (.+?); "
         r"(send a letter\?|check the mobile number|use SMS or e-mail\?|check the postal address|call by hand\?)(.*)$",
         _not_sent_nl),
        # the outbox sweep's message_not_sent (services/outbox_sweep.py _give_up)
        (r"^A (reminder|payment-plan message|letter|message) by (email|sms|whatsapp|letter|robocall) "
         r"to debtor (\S+) has not gone out: its job was queued (\d+) times and the message is "
         r"still waiting; check the (\S+) queue and its poison queue, then send it again or "
         r"resolve this item$",
         lambda m: f"{_SWEPT_NL[m[1]]} per {word('channel', m[2], 'nl')} aan debiteur {m[3]} is "
                   f"niet uitgegaan: de taak is {m[4]} keer opnieuw in de wachtrij gezet en het "
                   f"bericht wacht nog; kijk in de wachtrij {m[5]} en haar poison-wachtrij, "
                   "verstuur het dan opnieuw of handel dit punt af"),
        (r"^Debtor (\S+)'s (bankrupt|wsnp) since (\S+) ended \((akkoord|clean_slate|ended)\): .*$",
         lambda m: f"Het {'faillissement' if m[2] == 'bankrupt' else 'WSNP-traject'} van debiteur "
                   f"{m[1]} sinds {m[3]} is geëindigd: {_ENDED_NL[m[4]]}"),
        (r"^Debtor (\S+) is (deceased|bankrupt|wsnp) since (\S+): .*$",
         lambda m: f"Debiteur {m[1]} is {_STANDING_NL[m[2]]} sinds {m[3]}: {_STANDING_TODO_NL[m[2]]}"),
        (r"^The bank says debtor (\S+) died \((.*)\): confirm the standing deceased with its day, or lift it; nothing is sent or collected meanwhile$",
         lambda m: f"Volgens de bank is debiteur {m[1]} overleden ({m[2]}): bevestig de status overleden met de "
                   "datum, of hef hem op; intussen gaat er niets uit en wordt er niets geïncasseerd"),
        (r"^Debtor (\S+)'s standing was lifted: cancel the payment plan\(s\) paused for it over claims it left natural obligations \((.*)\)$",
         lambda m: f"De status van debiteur {m[1]} is opgeheven: annuleer de regeling(en) die ervoor "
                   f"gepauzeerd zijn over vorderingen die nu natuurlijke verbintenissen zijn ({m[2]})"),
        (r"^Debtor (\S+)'s standing was lifted: resume or postpone the payment plan\(s\) paused for it \((.*)\)$",
         lambda m: f"De status van debiteur {m[1]} is opgeheven: hervat of verschuif de regeling(en) die "
                   f"ervoor gepauzeerd zijn ({m[2]})"),
        (r"^Debtor (\S+) is a consumer now: the costs of (.+) rest on a letter sent while he "
         r"counted as a business; they are not owed until a person confirms it was a 14-day "
         r"letter as 6:96 lid 6 asks \(the staffel amount, 14 days from receipt\), or a new "
         r"14-day letter's term ends$",
         lambda m: f"Debiteur {m[1]} is nu consument: de incassokosten van {m[2]} rusten op een "
                   "brief die hij als bedrijf kreeg; ze zijn niet verschuldigd tot iemand "
                   "bevestigt dat het een veertiendagenbrief was zoals art. 6:96 lid 6 vraagt "
                   "(het staffelbedrag, 14 dagen na ontvangst), of de termijn van een nieuwe "
                   "veertiendagenbrief verloopt"),
        (r"^Sign-up (\S+) waits for approval: e-mail address (\S+) verified; given by the "
         r"sign-up, not checked: KvK (\d{8}), company name (“[^“”]*”)\. .*$",
         lambda m: f"Aanmelding {m[1]} wacht op goedkeuring: e-mailadres {m[2]} bevestigd; "
                   f"opgegeven door de aanmelder, niet gecontroleerd: KvK {m[3]}, bedrijfsnaam "
                   f"{m[4]}. Tot dan bereikt niets haar debiteuren. Goedkeuren kan pas met haar "
                   "bankrekening: de opdrachtgever voegt die toe onder Instellingen, "
                   f"Bankrekeningen; keur de aanmelding daarna goed (POST /v1/clients/{m[1]}/"
                   "approve), of weiger haar door de opdrachtgever te deactiveren"),
        # (an item written before notice24)
        (r"^Sign-up (\S+) \((.+), KvK (\d{8}), (\S+)\) waits for approval: .*$",
         lambda m: f"Aanmelding {m[1]} ({m[2]}, KvK {m[3]}, {m[4]}) wacht op goedkeuring: tot "
                   "dan bereikt niets haar debiteuren. Goedkeuren kan pas met haar bankrekening: "
                   "de opdrachtgever voegt die toe onder Instellingen, Bankrekeningen; keur de "
                   f"aanmelding daarna goed (POST /v1/clients/{m[1]}/approve), of weiger haar "
                   "door de opdrachtgever te deactiveren"),
        (r"^Unmatched payment of (.+)$", lambda m: f"Onbekende betaling van {m[1]}"),
        (r"^Payment plan (\S+): a restatement raised its claims to (.+) while the plan asks (.+); "
         r"the plan is left as agreed: agree a new plan or collect the rest after it$",
         lambda m: f"Betalingsregeling {m[1]}: een herberekening verhoogde de vordering tot {m[2]}, "
                   f"terwijl de regeling {m[3]} vraagt; de regeling blijft zoals afgesproken: spreek "
                   "een nieuwe regeling af of vorder de rest na de regeling"),
        (r"^Payment plan (\S+) ended: (.+) handed over to (.+); its installments are no longer "
         r"collected or reminded, what was paid stays booked; the debtor kept it: he may pay up "
         r"to and including (\d{4})-(\d{2})-(\d{2}), claim nothing before$",
         lambda m: f"Betalingsregeling {m[1]} beëindigd: {m[2]} overgedragen aan {m[3]}; de "
                   "termijnen worden niet meer geïncasseerd of herinnerd, wat betaald is blijft "
                   f"geboekt; de debiteur kwam de regeling na: hij mag betalen tot en met "
                   f"{m[6]}-{m[5]}-{m[4]}, vorder niets eerder"),
        (r"^Payment plan (\S+) ended: (.+) handed over to (.+); its installments are no longer "
         r"collected or reminded, what was paid stays booked$",
         lambda m: f"Betalingsregeling {m[1]} beëindigd: {m[2]} overgedragen aan {m[3]}; de "
                   "termijnen worden niet meer geïncasseerd of herinnerd, wat betaald is blijft "
                   "geboekt"),
        (r"^Check payment of (.+)$", lambda m: f"Controleer betaling van {m[1]}"),
        # banks28: a credit the same in every field as an earlier line of the day
        (r"^Possible double payment of (.+)$", lambda m: f"Mogelijk dubbele betaling van {m[1]}"),
        (r"^Client's money on the agency's account: (.+)$",
         lambda m: f"Geld van de opdrachtgever op de rekening van het bureau: {m[1]}"),
        (r"^Dispute on invoice (.+)$", lambda m: f"Betwisting van factuur {m[1]}"),
        (r"^Overpayment of (.+) \(invoice (.+) credited\)$",
         lambda m: f"Te veel betaald: {m[1]} (factuur {m[2]} gecrediteerd)"),
        (r"^Overpayment of (.+)$", lambda m: f"Te veel betaald: {m[1]}"),
        (r"^Discount (.+) of (.+) on invoice (\S+) lets go only the (.+) of principal open on "
         r"(\S+?)( after payment (.+) received before it was booked)?: (.+) of it was paid "
         r"already, not refunded$",
         lambda m: f"Korting {m[1]} van {m[2]} op factuur {m[3]} laat alleen de {m[4]} hoofdsom "
                   f"los die op {m[5]} openstond"
                   + (f", na betaling {m[7]} die eerder binnenkwam maar later geboekt werd"
                      if m[6] else "")
                   + f": {m[8]} ervan was al betaald en wordt niet terugbetaald"),
        (r"^Message from debtor (.+)$", lambda m: f"Bericht van debiteur {m[1]}"),
        (r"^Debtor (\S+) proposes payment plan (\S+): (\d+) installments, EUR (\d+)\.(\d\d) \((.*)\)$",
         lambda m: f"Debiteur {m[1]} stelt betalingsregeling {m[2]} voor: {m[3]} termijnen, "
                   f"€ {m[4]},{m[5]} ({_plan_why_nl(m[6])})"),
        (r"^Debtor (\S+) asks to postpone (.+) until (\S+)$",
         lambda m: f"Debiteur {m[1]} vraagt uitstel voor {m[2]} tot {m[3]}"),
        (r"^E-mail from (\S+) may concern: (.*)$",
         lambda m: f"E-mail van {m[1]} gaat mogelijk over: {evidence(m[2], 'nl')}"),
        (r"^E-mail from (\S+) matches no debtor: link it by hand$",
         lambda m: f"E-mail van {m[1]} past bij geen debiteur: koppel hem met de hand"),
        # one sender's messages counted on one item, and a day's rest (inbound/strangers.py)
        (r"^(\d+) e-mails from (\S+) match no debtor: link them by hand$",
         lambda m: f"{m[1]} e-mails van {m[2]} passen bij geen debiteur: koppel ze met de hand"),
        (r"^(\d+) more e-mail\(s\) from unknown senders on (\d{4})-(\d\d)-(\d\d): "
         r"each is in the inbound mail list$",
         lambda m: f"Nog {m[1]} e-mail(s) van onbekende afzenders op {m[4]}-{m[3]}-{m[2]}: "
                   "elk staat in de lijst binnengekomen e-mail"),
        (r"^Handle the e-mail from (\S+): (.*)$",
         lambda m: f"Behandel de e-mail van {m[1]}: {m[2]}"),
        (r"^(.+): debtor (\S+)$", lambda m: f"{m[1]}: debiteur {m[2]}"),
        (r"^Debtor (\S+) owes (.+), below the dunning minimum of (.+): no reminder is sent; write it off or keep it$",
         lambda m: f"Debiteur {m[1]} is nog {_eur_nl(m[2])} schuldig, minder dan het minimum om aan te manen "
                   f"({_eur_nl(m[3])}): er gaat geen herinnering uit; boek het af of laat het staan"),
        (r"^(\d+) debtor\(s\) with open invoices have no dunning workflow \((no segment rule matches them|no workflow is active)\): nothing is sent to them; activate a workflow or set the segment rules$",
         lambda m: f"{m[1]} debiteur(en) met open facturen hebben geen workflow ("
                   f"{'geen debiteurgroep past bij hen' if m[2].startswith('no segment') else 'er is geen workflow actief'}"
                   "): zij krijgen niets; activeer een workflow of stel de debiteurgroepen in"),
        (r"^Client (.+) has no bank account of its own: every IBAN registered for it is another party's proven account \(GET /v1/clients/\{client\}/ibans: disputed\), so its reminders and letters are held; register the client's own IBAN to resume them$",
         lambda m: f"Opdrachtgever {m[1]} heeft geen eigen bankrekening: elk IBAN dat voor haar "
                   "is geregistreerd, is gebleken van een ander te zijn (GET /v1/clients/{client}/ibans: "
                   "disputed), dus herinneringen en brieven zijn aangehouden; registreer het eigen IBAN "
                   "van de opdrachtgever om ze te hervatten"),
        (r"^Client (.+) has no bank account: its reminders and letters are held, as they would ask debtors to pay to no account; add its IBAN to resume them$",
         lambda m: f"Opdrachtgever {m[1]} heeft geen bankrekening: herinneringen en brieven zijn "
                   "aangehouden, want zij zouden debiteuren vragen te betalen naar geen rekening; "
                   "voeg het IBAN toe om ze te hervatten"),
        (r"^Dunning step for debtor (\S+) refused: (.*)$",
         lambda m: f"Aanmaningsstap voor debiteur {m[1]} geweigerd: {m[2]}"),
        (r"^The direct debit file for (\S+) was not made in time \((\d+) collections\): nothing was sent to the bank; each installment is collected again on a later day$",
         lambda m: f"Het incassobestand voor {m[1]} is niet op tijd gemaakt ({m[2]} incasso's): "
                   "er is niets naar de bank gegaan; elke termijn wordt op een latere dag opnieuw geïncasseerd"),
        (r"^Statement of account (\S+) in file (.+) not booked: (.*); the file's other (\d+) statement\(s\) were booked\. Register \S+ as an account of its client and upload the file again \(what was booked is not booked twice\), or resolve this item if the account is none of the agency's business \(a savings account exported with the others\)$",
         lambda m: f"Afschrift van rekening {m[1]} in bestand {m[2]} niet geboekt: {m[3]}; de "
                   f"{m[4]} andere afschrift(en) van het bestand zijn geboekt. Registreer {m[1]} "
                   "als rekening van de opdrachtgever en upload het bestand opnieuw (wat geboekt "
                   "is, wordt niet nog eens geboekt), of handel dit punt af als de rekening het "
                   "bureau niet aangaat (een spaarrekening die met de andere is gedownload)"),
        (r"^(\d+) statement\(s\) in file (.+) not booked: account\(s\) (.+) belong to no client of the agency; the file's other (\d+) statement\(s\) were booked\. Register the account as an account of its client and upload the file again \(what was booked is not booked twice\), or resolve this item if the account is none of the agency's business \(a savings account exported with the others\)$",
         lambda m: f"{m[1]} afschrift(en) in bestand {m[2]} niet geboekt: rekening(en) "
                   f"{_more_nl(m[3])} horen bij geen opdrachtgever van het bureau; de {m[4]} "
                   "andere afschrift(en) van het bestand zijn geboekt. Registreer de rekening "
                   "als rekening van haar opdrachtgever en upload het bestand opnieuw (wat "
                   "geboekt is, wordt niet nog eens geboekt), of handel dit punt af als de "
                   "rekening het bureau niet aangaat (een spaarrekening die met de andere is "
                   "gedownload)"),
        (r"^(\d+) statement\(s\) in file (.+) not booked: account\(s\) (.+) are no IBAN, so no client can have them registered \((.*)\); the file's other (\d+) statement\(s\) were booked\. Resolve this item once their lines are booked by hand or the file was uploaded again as the bank delivered it \(what was booked is not booked twice\)$",
         lambda m: f"{m[1]} afschrift(en) in bestand {m[2]} niet geboekt: rekening(en) "
                   f"{_more_nl(m[3])} zijn geen IBAN, dus geen opdrachtgever kan ze laten "
                   f"registreren ({refusal(m[4], 'nl')}); de {m[5]} andere afschrift(en) van "
                   "het bestand zijn geboekt. Handel dit punt af als hun regels met de hand "
                   "zijn geboekt of het bestand opnieuw is geüpload zoals de bank het gaf (wat "
                   "geboekt is, wordt niet nog eens geboekt)"),
        (r"^(\d+) statement\(s\) in file (.+), uploaded for client (.+), not booked: account\(s\) (.+) are no verified account of that client; the file's other (\d+) statement\(s\) were booked\. The file is the client's writing, not the bank's: never upload it through the agency\. Book the agency's account or another client's from the bank's own statement; an account of the client's own is first registered and proven for the client, who then uploads the file again$",
         lambda m: f"{m[1]} afschrift(en) in bestand {m[2]}, geüpload voor opdrachtgever {m[3]}, "
                   f"niet geboekt: rekening(en) {_more_nl(m[4])} zijn geen geverifieerde "
                   f"rekening van die opdrachtgever; de {m[5]} andere afschrift(en) van het "
                   "bestand zijn geboekt. Het bestand is door de opdrachtgever geschreven, niet "
                   "door de bank: upload het nooit via het bureau. Boek de rekening van het "
                   "bureau of van een andere opdrachtgever van het eigen afschrift van de bank; "
                   "een eigen rekening van de opdrachtgever wordt eerst voor haar geregistreerd "
                   "en bewezen, daarna uploadt zij het bestand opnieuw"),
        (r"^Statement file (.+) refused: (.*)$",
         lambda m: f"Afschriftbestand {m[1]} geweigerd: {refusal(m[2], 'nl')}"),
        (r"^Returned payment of (.+) \((\S+)\) without a booked original$",
         lambda m: f"Teruggeboekte betaling van {m[1]} ({m[2]}) zonder geboekte betaling"),
        (r"^Returned payment of (.+) \((\S+)\) without an end-to-end id: (\d+) booked payments of that payer's account and amount fit; reverse the one it returned$",
         lambda m: f"Teruggeboekte betaling van {m[1]} ({m[2]}) zonder end-to-end-kenmerk: "
                   f"{m[3]} geboekte betalingen van die rekening en dat bedrag passen; draai "
                   "de teruggeboekte terug"),
        (r"^Returned payment of (.+) \((\S+)\) without an end-to-end id: a credit of that payer's account and amount that was not booked fits it as well as the booked payment; check which one went back$",
         lambda m: f"Teruggeboekte betaling van {m[1]} ({m[2]}) zonder end-to-end-kenmerk: een "
                   "niet geboekte betaling van die rekening en dat bedrag past even goed als de "
                   "geboekte; ga na welke is teruggegaan"),
        (r"^Returned payment of (.+) \((\S+)\) without an end-to-end id: the booked payment of that payer's account and amount quoted another reference and text; reverse it only if it is the one that went back$",
         lambda m: f"Teruggeboekte betaling van {m[1]} ({m[2]}) zonder end-to-end-kenmerk: de "
                   "geboekte betaling van die rekening en dat bedrag noemde een ander kenmerk en "
                   "een andere omschrijving; draai haar alleen terug als zij is teruggegaan"),
        (r"^Returned payment of (.+) \((\S+)\): end-to-end id (.+) names (\S+) payment\(s\) of that amount and account$",
         lambda m: f"Teruggeboekte betaling van {m[1]} ({m[2]}): kenmerk {m[3]} past bij "
                   f"{'geen' if m[4] == 'no' else m[4]} betaling(en) van dat bedrag en die rekening"),
        (r"^Debtor (\S+) had (\d+) refunds in (\d+)$",
         lambda m: f"Debiteur {m[1]} kreeg {m[2]} terugbetalingen in {m[3]}"),
        # further titles the services write (the console's Dutch sweep)
        (r"^Debtor (\S+) replied on WhatsApp$", lambda m: f"Debiteur {m[1]} antwoordde via WhatsApp"),
        (r"^A WhatsApp from (\S+) that no single client's message explains$",
         lambda m: f"Een WhatsApp van {m[1]} die bij geen bericht van één opdrachtgever past"),
        (r"^(email|sms|whatsapp|letter|robocall) to debtor (\S+) (bounced|undeliverable|failed): (.*)$",
         lambda m: f"{channel_at_start(m[1])} aan debiteur {m[2]} {word('delivery', m[3], 'nl')}: "
                   f"{'geen reden opgegeven' if m[4] == 'no reason given' else m[4]}"),
        (r"^A report that the (reminder|payment-plan message|letter|message) to debtor (\S+) did not arrive came from (\S+), the recipient's own domain: check whether it reached him before you send it again$",
         lambda m: f"Een melding dat de {_MESSAGE_NL[m[1]]} aan debiteur {m[2]} niet aankwam, kwam van "
                   f"{m[3]}, het eigen domein van de ontvanger: ga na of die hem bereikte voor u "
                   "hem opnieuw stuurt"),
        (r"^Payment of (.+) came back \((.*)\)$", lambda m: f"Betaling van {m[1]} teruggekomen ({_came_back_nl(m[2])})"),
        (r"^New case from (.+): debtor (\S+), (.+)$",
         lambda m: f"Nieuwe zaak van {m[1]}: debiteur {m[2]}, {m[3]}"),
        (r"^Case (\S+) withdrawn; (.+) was told$", lambda m: f"Zaak {_case(m[1])} ingetrokken; {m[2]} is ingelicht"),
        (r"^The agency withdrew case (\S+) \(debtor (\S+)\): (.*)$",
         lambda m: f"Het incassobureau trok zaak {_case(m[1])} in{_debtor(m[1], m[2])}: {m[3]}"),
        (r"^(.+) withdrew case (\S+) \(debtor (\S+)\): (.*)$",
         lambda m: f"{m[1]} trok zaak {_case(m[2])} in{_debtor(m[2], m[3])}: {m[4]}"),
        # an invoice leaving its case, or lowered in it (services.cases: _left_told, _tell_lowered)
        (r"^(.+) (credited|withdrew) invoice (\S+) \(EUR (\S+) when handed over\) of case (\S+) \(debtor (\S+)\): stop collecting it\. Still in the case: (.*)\.$",
         lambda m: f"{m[1]} heeft factuur {m[3]} ({_plain_eur_nl(m[4])} bij de overdracht) van zaak "
                   f"{_case(m[5])}{_debtor(m[5], m[6])} {_why_nl(m[2])}: niet meer innen. Nog in de zaak: {m[7]}."),
        (r"^(.+) booked (.+) on invoice (\S+) of case (\S+) \(debtor (\S+)\): its principal open is now EUR (\S+); collect no more than that\.$",
         lambda m: f"{m[1]} boekte {_why_nl(m[2])} op factuur {m[3]} van zaak {_case(m[4])}{_debtor(m[4], m[5])}: "
                   f"de open hoofdsom is nu {_plain_eur_nl(m[6])}; int niet meer dan dat."),
        # what else the agency of a case is told (services.cases: receipt_told, dispute_told)
        (r"^(.+) received EUR (\S+) from the debtor itself on invoice (\S+) of case (\S+) \(debtor (\S+)\) on (\d{4})-(\d\d)-(\d\d): booked to costs EUR (\S+), interest EUR (\S+), principal EUR (\S+); its principal open is now EUR (\S+); do not collect this money again\.$",
         lambda m: f"{m[1]} ontving {_plain_eur_nl(m[2])} rechtstreeks van de debiteur op factuur {m[3]} "
                   f"van zaak {_case(m[4])}{_debtor(m[4], m[5])} op {m[8]}-{m[7]}-{m[6]}: geboekt op kosten "
                   f"{_plain_eur_nl(m[9])}, rente {_plain_eur_nl(m[10])} en hoofdsom {_plain_eur_nl(m[11])}; "
                   f"de open hoofdsom is nu {_plain_eur_nl(m[12])}; vorder dit geld niet nog eens."),
        (r"^The earlier payment of EUR (\S+) that (.+) received on invoice (\S+) of case (\S+) \(debtor (\S+)\) on (\d{4})-(\d\d)-(\d\d) was taken back: collect it again; its principal open is now EUR (\S+)\.$",
         lambda m: f"De eerdere betaling van {_plain_eur_nl(m[1])} die {m[2]} ontving op factuur {m[3]} "
                   f"van zaak {_case(m[4])}{_debtor(m[4], m[5])} op {m[8]}-{m[7]}-{m[6]} is teruggedraaid: "
                   f"vorder dit bedrag weer; de open hoofdsom is nu {_plain_eur_nl(m[9])}."),
        (r"^Corrected: the payment of EUR (\S+) that (.+) received itself on invoice (\S+) of case (\S+) \(debtor (\S+)\), told as received on (\d{4})-(\d\d)-(\d\d): (.+)\. The same payment: nothing was taken back, do not collect it again\.$",
         lambda m: f"Gecorrigeerd: de betaling van {_plain_eur_nl(m[1])} die {m[2]} rechtstreeks ontving op "
                   f"factuur {m[3]} van zaak {_case(m[4])}{_debtor(m[4], m[5])}, gemeld als ontvangen op "
                   f"{m[8]}-{m[7]}-{m[6]}: {_corrected_how_nl(m[9])}. Het is dezelfde betaling: er is niets "
                   "teruggedraaid, vorder dit bedrag niet opnieuw."),
        (r"^Partly taken back: of the payment of EUR (\S+) that (.+) received itself on invoice (\S+) of case (\S+) \(debtor (\S+)\) on (\d{4})-(\d\d)-(\d\d), EUR (\S+) was taken back and EUR (\S+) stands: collect EUR (\S+) again, not more\.$",
         lambda m: f"Deels teruggedraaid: van de betaling van {_plain_eur_nl(m[1])} die {m[2]} rechtstreeks "
                   f"ontving op factuur {m[3]} van zaak {_case(m[4])}{_debtor(m[4], m[5])} op {m[8]}-{m[7]}-{m[6]} "
                   f"is {_plain_eur_nl(m[9])} teruggedraaid en blijft {_plain_eur_nl(m[10])} staan: vorder "
                   f"{_plain_eur_nl(m[11])} weer, niet meer."),
        # the agency's yearly Wki registration (law28, shared/services/wki_registration_watch.py)
        (r"^Wki registration (.+?): the day it ends is not recorded\. Justis registers for one year, renewed yearly; record its last day with `(.+)` to be reminded in time\.$",
         lambda m: f"Wki-registratie {m[1]}: de einddatum staat niet in Inning. Justis schrijft in voor "
                   f"één jaar, elk jaar te vernieuwen; leg de laatste dag vast met `{m[2]}` om op tijd "
                   "herinnerd te worden."),
        (r"^Wki registration (.+?) was valid until (\d{4})-(\d\d)-(\d\d): without a renewed registration you may not collect from consumers \(art\. 2 Wki\)\. Check Justis's register and record the new last day with `(.+)`\.$",
         lambda m: f"Wki-registratie {m[1]} was geldig tot en met {m[4]}-{m[3]}-{m[2]}: zonder vernieuwde "
                   "registratie mag u niet bij consumenten innen (art. 2 Wki). Kijk in het register van "
                   f"Justis en leg de nieuwe laatste dag vast met `{m[5]}`."),
        (r"^Wki registration (.+?) is valid until (\d{4})-(\d\d)-(\d\d) \((\d+) days\): renew it with Justis now \(a decision can take 13 weeks\), then record the new last day with `(.+)`\.$",
         lambda m: f"Wki-registratie {m[1]} is geldig tot en met {m[4]}-{m[3]}-{m[2]} (nog {m[5]} dagen): "
                   "vernieuw haar nu bij Justis (een besluit kan 13 weken duren) en leg daarna de nieuwe "
                   f"laatste dag vast met `{m[6]}`."),
        # its collection from consumers held (wki28, shared/services/wki_registration_status.py)
        (r"^Wki registration (.+?) was valid until (\d{4})-(\d\d)-(\d\d): your collection from consumers is held \(your plan letters to consumers, new consumer hand-overs\); business cases go on\. Renew it with Justis, then record the new last day with `(.+)`\.$",
         lambda m: f"Wki-registratie {m[1]} was geldig tot en met {m[4]}-{m[3]}-{m[2]}: uw innen bij "
                   "consumenten is aangehouden (uw brieven over betalingsregelingen aan consumenten, "
                   "nieuwe overdrachten van consumenten); zakelijke zaken gaan door. Vernieuw de "
                   f"registratie bij Justis en leg daarna de nieuwe laatste dag vast met `{m[5]}`."),
        # a receipt taken back on a disputed invoice: one item (law28, case_disputed_take_back.py)
        (r"^Case (\S+) \(debtor (\S+)\) is open again: the payment of EUR (\S+) on invoice (\S+) received on (\d{4})-(\d\d)-(\d\d) came back on (\d{4})-(\d\d)-(\d\d), and the invoice is disputed again: (.*)\. Do not collect it until (.+) ends the dispute; its principal open is now EUR (\S+)\.$",
         lambda m: f"Zaak {_case(m[1])}{_debtor(m[1], m[2])} is weer open: de betaling van {_plain_eur_nl(m[3])} "
                   f"op factuur {m[4]} ontvangen op {m[7]}-{m[6]}-{m[5]} is teruggeboekt op {m[10]}-{m[9]}-{m[8]}, "
                   f"en de factuur wordt weer betwist: {m[11]}. Int haar niet tot {m[12]} de betwisting "
                   f"beëindigt; de open hoofdsom is nu {_plain_eur_nl(m[13])}."),
        (r"^The payment of EUR (\S+) that (.+) received itself on invoice (\S+) of case (\S+) \(debtor (\S+)\) on (\d{4})-(\d\d)-(\d\d) was taken back on (\d{4})-(\d\d)-(\d\d), and the invoice is (disputed again|still disputed): (.*)\. Do not collect it until (.+) ends the dispute; its principal open is now EUR (\S+)\.$",
         lambda m: f"De betaling van {_plain_eur_nl(m[1])} die {m[2]} rechtstreeks ontving op factuur {m[3]} "
                   f"van zaak {_case(m[4])}{_debtor(m[4], m[5])} op {m[8]}-{m[7]}-{m[6]} is teruggedraaid op "
                   f"{m[11]}-{m[10]}-{m[9]}, en de factuur wordt {'weer' if m[12] == 'disputed again' else 'nog'} "
                   f"betwist: {m[13]}. Int haar niet tot {m[14]} de betwisting beëindigt; de open hoofdsom "
                   f"is nu {_plain_eur_nl(m[15])}."),
        (r"^Invoice (\S+) of case (\S+) \(debtor (\S+)\) is disputed: (.*)\. Stop collecting it until (.+) ends the dispute\.$",
         lambda m: f"Factuur {m[1]} van zaak {_case(m[2])}{_debtor(m[2], m[3])} wordt betwist: {m[4]}. "
                   f"Int haar niet verder tot {m[5]} de betwisting beëindigt."),
        (r"^(.+) ended the dispute on invoice (\S+) of case (\S+) \(debtor (\S+)\): it may be collected again\.$",
         lambda m: f"{m[1]} heeft de betwisting van factuur {m[2]} van zaak {_case(m[3])}{_debtor(m[3], m[4])} "
                   "beëindigd: u mag haar weer innen."),
        (r"^Payouts and collections held after a restore of the (\S+) backup, until the operator has reconciled with the bank$",
         lambda m: f"Uitbetalingen en incasso's aangehouden na het terugzetten van de back-up van {m[1]}, "
                   "tot de beheerder met de bank heeft afgestemd"),
        (r"^Mailbox (\S+) reached (\d+) messages today; the rest waits for tomorrow$",
         lambda m: f"Mailbox {m[1]} zit vandaag aan {m[2]} berichten; de rest wacht tot morgen"),
        (r"^A transfer with a client's account code came from a payer whose name is not the client's$",
         lambda m: "Een overboeking met de rekeningcode van een opdrachtgever kwam van een betaler "
                   "met een andere naam dan die van de opdrachtgever"),
        (r"^A second client proves an account another client holds or claims$",
         lambda m: "Een tweede opdrachtgever bewijst een rekening die een andere opdrachtgever heeft of claimt"),
        (r"^An account is claimed by a second party with proof$",
         lambda m: "Een tweede partij claimt een rekening, met bewijs"),
        (r"^A mailbox is linked by a second client$",
         lambda m: "Een tweede opdrachtgever heeft een mailbox gekoppeld"),
        (r"^Reminder to debtor (\S+) closed unsent \((.*)\); plan it for (.+) by hand$",
         lambda m: f"Herinnering aan debiteur {m[1]} onverzonden gesloten ({m[2]}); "
                   f"plan {m[3]} met de hand in"),
        # a statement's warnings: action titles, and the payments page's file problems
        (r"^Statement (.+) for (\S+): opening \+ lines differs from closing by (.+)$",
         lambda m: f"Afschrift {m[1]} van {m[2]}: beginsaldo plus regels wijkt {m[3]} af van het eindsaldo"),
        (r"^Opening balance of (\S+) on (\S+) is (.+), the last statement closed at (.+): a statement may be missing$",
         lambda m: f"Beginsaldo van {m[1]} op {m[2]} is {m[3]}, het vorige afschrift eindigde op {m[4]}: "
                   "er ontbreekt misschien een afschrift"),
        (r"^Statement (.+) for (\S+) is in (\S+), not euros: (\d+) line\(s\) not booked; book them by hand at the bank's rate$",
         lambda m: f"Afschrift {m[1]} van {m[2]} is in {m[3]}, niet in euro: {m[4]} regel(s) niet geboekt; "
                   "boek ze met de hand tegen de koers van de bank"),
        (r"^entry (\d+) has status (\S+); only booked entries are read$",
         lambda m: f"post {m[1]} heeft status {m[2]}; alleen geboekte posten worden gelezen"),
        (r"^(entry|line) ([\d.]+): the bank kept (.+) charges of a credit of (.+) \((.+) arrived\): the payer is credited the (.+) sent; the charges are the account holder's cost$",
         lambda m: f"{_WHERE_NL[m[1]]} {m[2]}: de bank hield {m[3]} kosten in op een bijschrijving "
                   f"van {m[4]} ({m[5]} ontvangen): de betaler krijgt de {m[6]} die hij stuurde; "
                   "de kosten zijn voor de rekeninghouder (boek ze als bankkosten)"),
        (r"^(entry|line) ([\d.]+): the statement names (.+) sent and (.+) charges for a credit of (.+) \((.+)\): the payer is credited the (.+) that arrived; check the credit with the bank and book a difference by hand$",
         lambda m: f"{_WHERE_NL[m[1]]} {m[2]}: het afschrift noemt {m[3]} verstuurd en {m[4]} "
                   f"kosten voor een bijschrijving van {m[5]} ({_CHARGES_DOUBT_NL.get(m[6], m[6])}): "
                   f"de betaler krijgt de {m[7]} die binnenkwam; ga de bijschrijving na met de "
                   "bank en boek een verschil met de hand"),
        (r"^(entry|line) ([\d.]+): the payer's (end-to-end id|batch reference \(/PREF/\)|name|address) contains (.+): read as his text, not as the bank's; the credit is booked as it arrived; check the payment with the bank$",
         lambda m: f"{_WHERE_NL[m[1]]} {m[2]}: {_PAYER_TEXT_NL[m[3]]} van de betaler "
                   f"bevat {m[4]}: gelezen als zijn tekst, niet als die van de bank; de "
                   "bijschrijving is geboekt zoals ze binnenkwam; ga de betaling na met de bank"),
        (r"^(entry|line) ([\d.]+): (.+) charges of a credit of (.+) were (borne by the payer \(Br DEBT\)|taken by (\S+) before the credit reached the account): the payer is credited only the (.+) that arrived; the (.+) stays open: claim it from the payer or waive it$",
         lambda m: f"{_WHERE_NL[m[1]]} {m[2]}: {m[3]} kosten van een bijschrijving van {m[4]} "
                   + ("zijn volgens het bestand voor de betaler (Br DEBT)" if m[6] is None
                      else f"zijn ingehouden door {m[6]} voordat het geld de rekening bereikte")
                   + f": de betaler krijgt alleen de {m[7]} die binnenkwam; de {m[8]} blijft "
                   "open: vorder het van de betaler of scheld het kwijt"),
        (r"^entry (\d+): transaction (\d+) of (\d+) gives no amount in (\S+): booked as one line of (.+), not split per payer; split it by hand$",
         lambda m: f"post {m[1]}: transactie {m[2]} van {m[3]} noemt geen bedrag in {m[4]}: "
                   f"geboekt als één regel van {m[5]}, niet per betaler gesplitst; splits hem met de hand"),
        (r"^entry (\d+): its (\d+) transactions add up to (.+), not the entry's (.+): booked as one line of (.+), not split per payer; split it by hand$",
         lambda m: f"post {m[1]}: de {m[2]} transacties tellen op tot {m[3]}, niet tot de {m[4]} "
                   f"van de post: geboekt als één regel van {m[5]}, niet per betaler gesplitst; "
                   "splits hem met de hand"),
        (r"^entry (\d+): amount missing \(Ntry/Amt\); (.*)$",
         lambda m: f"post {m[1]}: het bedrag ontbreekt (Ntry/Amt); vraag de bank het afschrift "
                   "opnieuw aan te maken: een post zonder bedrag kan niet geboekt worden"),
        # a run's approval and a run waiting for the account (shared/services/settlement/runs.py
        # _ask_approval, settlement_blocked): the agency's Today showed them in English
        (r"^Settlement run (\S+): (\d+) statements, (\d+) payouts, (.+?) awaiting approval"
         r"(?:; (\d+) client\(s\) owe (.+) back \(no payout for them\))?$",
         lambda m: f"Afdrachtrun {m[1]}: {m[2]} afrekeningen, {m[3]} overboekingen, {m[4]} wacht "
                   "op goedkeuring"
                   + (f"; {m[5]} opdrachtgever(s) moeten {m[6]} terugbetalen (geen overboeking "
                      "voor hen)" if m[5] else "")),
        (r"^Settlement run (\S+) needs the third-party account \(derdengeldenrekening\) to pay "
         r"out; until it is finished it takes in its clients' later payments and refunds$",
         lambda m: f"Afdrachtrun {m[1]} heeft de derdengeldenrekening nodig om uit te betalen; "
                   "tot hij klaar is, neemt hij de latere betalingen en terugbetalingen van zijn "
                   "opdrachtgevers op"),
        # what a client owes after a settlement (shared/services/settlement/runs.py)
        (r"^Client (\S+) owes (.+) back \((.+); settlement (\S+)\): claim it back; until then it is set off against its next payout$",
         lambda m: f"Opdrachtgever {m[1]} moet {m[2]} terugbetalen ({_OWES_NL.get(m[3], m[3])}; "
                   f"afdracht {m[4]}): vorder het terug; tot dan wordt het verrekend met de "
                   "volgende afdracht"),
        # money the client's books report received (shared/services/client_receipts.py)
        (r"^The client's books report (.+) more paid on invoice (.+) than was booked: booked as received by the client on (\d{4})-(\d\d)-(\d\d); check the day and the amount with the client$",
         lambda m: f"De boekhouding van de opdrachtgever meldt {m[1]} meer betaald op factuur "
                   f"{m[2]} dan geboekt was: geboekt als ontvangen door de opdrachtgever op "
                   f"{m[5]}-{m[4]}-{m[3]}; ga de dag en het bedrag na bij de opdrachtgever"),
        # a client's receipt its books no longer count (client_receipts.py take_back)
        (r"^The client's books now report (.+) paid on invoice (.+): the (.+) booked as received by the client on (\d{4})-(\d\d)-(\d\d) is no longer in them and was taken back; check it with the client$",
         lambda m: f"De boekhouding van de opdrachtgever meldt nu {m[1]} betaald op factuur "
                   f"{m[2]}: de {m[3]} geboekt als ontvangen door de opdrachtgever op "
                   f"{m[6]}-{m[5]}-{m[4]} staat er niet meer in en is teruggedraaid; ga het na "
                   "bij de opdrachtgever"),
        (r"^The client's books now report (.+) paid on invoice (.+): (.+) of the (.+) booked as received by the client on (\d{4})-(\d\d)-(\d\d) is no longer in them and was taken back \((.+) of it stands\); check it with the client$",
         lambda m: f"De boekhouding van de opdrachtgever meldt nu {m[1]} betaald op factuur "
                   f"{m[2]}: {m[3]} van de {m[4]} geboekt als ontvangen door de opdrachtgever "
                   f"op {m[7]}-{m[6]}-{m[5]} staat er niet meer in en is teruggedraaid ({m[8]} "
                   "ervan blijft staan); ga het na bij de opdrachtgever"),
        (r"^The client's books now report (.+) paid on invoice (.+), (.+) less than was booked as received by the client: check it with the client and reverse or re-book the client's receipt$",
         lambda m: f"De boekhouding van de opdrachtgever meldt nu {m[1]} betaald op factuur "
                   f"{m[2]}, {m[3]} minder dan geboekt was als ontvangen door de "
                   "opdrachtgever: ga het na bij de opdrachtgever en draai de ontvangst van de "
                   "opdrachtgever terug of boek die opnieuw"),
        # a bank line on the client's own account beside a sync's receipt (client_receipts.py)
        (r"^The bank's statement of the client's own account books (.+) on (\d{4})-(\d\d)-(\d\d) on an invoice the client's books already reported (.+) paid on \(booked as received by the client on (\d{4})-(\d\d)-(\d\d)\): if it is the same money, reverse the client's receipt$",
         lambda m: f"Het afschrift van de eigen rekening van de opdrachtgever boekt {m[1]} op "
                   f"{m[4]}-{m[3]}-{m[2]} op een factuur waarop de boekhouding van de "
                   f"opdrachtgever al {m[5]} betaald meldde (geboekt als ontvangen door de "
                   f"opdrachtgever op {m[8]}-{m[7]}-{m[6]}): is het hetzelfde geld, draai dan de "
                   "ontvangst van de opdrachtgever terug"),
        # a client's own statement upload (shared/services/statements.py DATED, CLIENT_RETURN)
        (r"^(\d+) line\(s\) of file (.+), which the client uploaded, for (\S+) are dated before (\d{4})-(\d\d)-(\d\d): booked on \S+, the day of the upload; a file the client wrote is not the bank's word on the day a debtor paid\. Check the days with the bank's statement$",
         lambda m: f"{m[1]} regel(s) van bestand {m[2]}, door de opdrachtgever geüpload, voor "
                   f"{m[3]} zijn gedateerd vóór {m[6]}-{m[5]}-{m[4]}: geboekt op die dag, de dag "
                   "van de upload; een bestand dat de opdrachtgever zelf schreef is niet het "
                   "woord van de bank over de dag waarop een debiteur betaalde. Ga de data na "
                   "met het afschrift van de bank"),
        (r"^Returned payment of (.+) \((.*)\) in a file the client uploaded: the payment it names was booked from the bank's statement and is not undone on the client's word; check the return with the bank's statement$",
         lambda m: f"Terugboeking van {m[1]} ({m[2]}) in een bestand dat de opdrachtgever "
                   "uploadde: de betaling die zij noemt is geboekt van het afschrift van de bank "
                   "en wordt niet teruggedraaid op het woord van de opdrachtgever; ga de "
                   "terugboeking na met het afschrift van de bank"),
        # credits that come back (shared/services/statement_credits_back.py)
        (r"^Reversal credit of (.+) in a file the client uploaded: the return it undoes was booked from the bank's statement and is not undone on the client's word; check the reversal with the bank's statement$",
         lambda m: f"Storno van {m[1]} in een bestand dat de opdrachtgever uploadde: de "
                   "terugboeking die hij ongedaan maakt is geboekt van het afschrift van de bank "
                   "en wordt niet ongedaan gemaakt op het woord van de opdrachtgever; ga de "
                   "storno na met het afschrift van de bank"),
        (r"^Reversal credit of (.+): the bank undid an earlier debit of this account; no return of ours it names could be booked again: check and book it \(or refund it\)$",
         lambda m: f"Storno van {m[1]} bijgeschreven: de bank draaide een eerdere afschrijving van "
                   "deze rekening terug; geen terugboeking van ons die hij noemt kon opnieuw "
                   "geboekt worden: controleer en boek hem (of betaal hem terug)"),
        (r"^Returned transfer of (.+) \((\S+): (.+)\): money sent from this account came back; pay it again to the right account, or book it$",
         lambda m: f"Overboeking van {m[1]} teruggekomen ({m[2]}: {m[3]}): geld dat van deze "
                   "rekening is verstuurd kwam terug; betaal het opnieuw naar de juiste rekening, "
                   "of boek het"),
    )
)  # fmt: skip

_REASONS = shapes(
    (
        (r"^no candidate invoice found$", lambda m: "geen passende factuur gevonden"),
        (r"^not booked: automatic booking is switched off for this client$",
         lambda m: "niet geboekt: automatisch boeken staat uit voor deze opdrachtgever"),
        (r"^not booked: runner-up scores (\S+), too close$",
         lambda m: f"niet geboekt: de tweede kandidaat scoort {m[1].replace('.', ',')}, te dichtbij"),
        (r"^not booked: score (\S+) below (\S+)$",
         lambda m: f"niet geboekt: score {m[1].replace('.', ',')} lager dan {m[2].replace('.', ',')}"),
        # the wording before newcomer32 F6, on the items written then
        (r"^not booked: more lookups needed than a line may make$",
         lambda m: "niet geboekt: te veel zoekvragen nodig voor één regel"),
        (r"^not booked: more to look up than one line may \(many numbers in its text, or a payer account of many debtors\): check the suggestion$",
         lambda m: "niet geboekt: meer op te zoeken dan één regel mag (veel nummers in de "
                   "omschrijving, of een rekening van veel debiteuren): controleer de suggestie"),
        (r"^rule reference: payment reference (\S+) of invoice (.+)$",
         lambda m: f"regel kenmerk: betalingskenmerk {m[1]} van factuur {m[2]}"),
        (r"^rule number: invoice number (.+) in the description$",
         lambda m: f"regel nummer: factuurnummer {m[1]} in de omschrijving"),
        (r"^rule number: invoice numbers (.+) in the description$",
         lambda m: f"regel nummer: factuurnummers {m[1]} in de omschrijving"),
        (r"^rule number without prefix/year: (\S+) is the tail of invoice (.+)$",
         lambda m: f"regel nummer zonder voorvoegsel/jaar: {m[1]} is het einde van factuur {m[2]}"),
        (r"^rule number with one typo: invoice number (.+) with one character off$",
         lambda m: f"regel nummer met één tikfout: factuurnummer {m[1]} op één teken na"),
        (r"^rule number with one typo: payer and amount agree$",
         lambda m: "regel nummer met één tikfout: betaler en bedrag kloppen"),
        (r"^invoice number (.+) with one character off$",
         lambda m: f"factuurnummer {m[1]} op één teken na"),
        (r"^amount equals the open amount of invoice (.+)$",
         lambda m: f"bedrag is gelijk aan het openstaande bedrag van factuur {m[1]}"),
        (r"^amount equals the open amount$", lambda m: "bedrag is gelijk aan het openstaande bedrag"),
        # statements.NO_CLIENT_MATCHES (newcomer19 F10); the words before it as they were
        (r"^no client allows matching on the agency's account and the text quotes no client "
         r"code of an open case: .*$",
         lambda m: "geen opdrachtgever staat koppelen op de rekening van het incassobureau toe en "
                   "de omschrijving noemt geen code van een opdrachtgever met een lopende zaak: "
                   "boek de betaling op de opdrachtgever en de facturen die ze betaalt, of laat "
                   "de opdrachtgever koppelen toestaan (allow_third_party_matching, POST "
                   "/v1/clients)"),
        (r"^no client allows matching$",
         lambda m: "geen opdrachtgever staat koppelen op de rekening van het incassobureau toe"),
        # cm18 F10: these stood in English on the Dutch item ("amount equals the open principal")
        (r"^amount equals the open principal$",
         lambda m: "bedrag is gelijk aan de openstaande hoofdsom"),
        (r"^amount equals what the letter asked for these invoices$",
         lambda m: "bedrag is gelijk aan wat de brief voor deze facturen vroeg"),
        (r"^amount is part of the open amount$", lambda m: "bedrag is een deel van het openstaande bedrag"),
        (r"^amount exceeds the open amount$", lambda m: "bedrag is hoger dan het openstaande bedrag"),
        (r"^payer account (\S+) is known for this debtor$",
         lambda m: f"rekening {m[1]} van de betaler is bekend bij deze debiteur"),
        (r"^payer account is known for this debtor$",
         lambda m: "rekening van de betaler is bekend bij deze debiteur"),
        (r"^payer name matches the debtor$", lambda m: "naam van de betaler komt overeen met de debiteur"),
        (r"^payer name resembles the debtor$", lambda m: "naam van de betaler lijkt op de debiteur"),
        (r"^known payer: the exact open amount of one set of their invoices$",
         lambda m: "bekende betaler: precies het openstaande bedrag van één set van zijn facturen"),
        (r"^looks the same as a line read before; it may be a second transfer or that line sent "
         r"again: check the account and book it if it is new$",
         lambda m: "lijkt gelijk aan een eerder gelezen regel; het kan een tweede overboeking zijn "
                   "of die regel opnieuw gestuurd: controleer de rekening en boek het als het nieuw "
                   "is"),
        (r"^the same in every field as an earlier line of that day \(payer, amount, text, reference, "
         r"the bank's reference\): the debtor paid twice, or the bank booked one transfer twice; "
         r"check the account: confirming books a second payment \(an overpayment where the "
         r"invoice is paid\), a double of the bank is to be dismissed$",
         lambda m: "in alles gelijk aan een eerdere regel van die dag (betaler, bedrag, omschrijving, "
                   "kenmerk, referentie van de bank): de debiteur betaalde twee keer, of de bank "
                   "boekte één overboeking twee keer; controleer de rekening: bevestigen boekt een "
                   "tweede betaling (een te veel betaald bedrag als de factuur betaald is), een "
                   "dubbele boeking van de bank wordt afgewezen"),
        (r"^a line of a file the client uploaded, not of the bank's delivery$",
         lambda m: "een regel uit een bestand dat de opdrachtgever uploadde, niet uit de "
                   "levering van de bank"),
        (r"^not the known-payer rule: another open invoice fits the amount too$",
         lambda m: "niet de regel bekende betaler: een andere open factuur past ook bij het bedrag"),
        (r"^rule known payer: the exact open amount of the only open invoice of this debtor "
         r"with that amount, no reference pointing elsewhere$",
         lambda m: "regel bekende betaler: precies het openstaande bedrag van de enige open factuur "
                   "van deze debiteur met dat bedrag, geen kenmerk dat elders heen wijst"),
        (r"^rule known payer, letter's total: exactly what the letter over (.+) asked \(principal "
         r"and interest to its term's last day\), no other invoice or set of this debtor "
         r"fitting, no reference pointing elsewhere$",
         lambda m: f"regel bekende betaler, totaal van de brief: precies wat de brief over {m[1]} "
                   "vroeg (hoofdsom en rente tot de laatste dag van de termijn), geen andere "
                   "factuur of set van deze debiteur die past, geen kenmerk dat elders heen wijst"),
        (r"^rule reference: payment reference (\S+) of the payment plan over (.+)$",
         lambda m: f"regel kenmerk: betalingskenmerk {m[1]} van de betalingsregeling over {m[2]}"),
        (r"^not the known-payer rule: the description points elsewhere$",
         lambda m: "niet de regel bekende betaler: de omschrijving wijst elders heen"),
        # reasons20: these stood in English on the Dutch item (matching.match_line, statements)
        (r"^not booked: the text names more than one client's code$",
         lambda m: "niet geboekt: de omschrijving noemt de code van meer dan één opdrachtgever"),
        (r"^not booked: the text names invoices of more than one client of this account and "
         r"no client's code$",
         lambda m: "niet geboekt: de omschrijving noemt facturen van meer dan één opdrachtgever "
                   "van deze rekening en geen code van een opdrachtgever"),
        (r"^not booked: the text names invoices of more than one client of this account and "
         r"its code is more than one's$",
         lambda m: "niet geboekt: de omschrijving noemt facturen van meer dan één opdrachtgever "
                   "van deze rekening en de code is van meer dan één"),
        (r"^not booked: the payer's account is known to more than one client here$",
         lambda m: "niet geboekt: de rekening van de betaler is hier bekend bij meer dan één "
                   "opdrachtgever"),
        # pooled22: a pooled line naming an invoice its client kept (matching.NOT_HANDED)
        (r"^not booked: the text names invoice (.+), which its client did not hand over to "
         r"the agency: the money is the client's, not the agency's; pay it on to the client, "
         r"or book it once the client hands the invoice over$",
         lambda m: f"niet geboekt: de omschrijving noemt factuur {m[1]}, die de opdrachtgever "
                   "niet aan het bureau overdroeg: het geld is van de opdrachtgever, niet van "
                   "het bureau; maak het over aan de opdrachtgever, of boek het zodra de "
                   "opdrachtgever de factuur overdraagt"),
        # booked24: the same, the invoice found among the payer's known ones (PAYER_NOT_HANDED)
        (r"^not booked: the payer's account is known for invoice (.+), which its client did "
         r"not hand over to the agency: the money may be the client's, not the agency's; pay "
         r"it on to the client, or book it once the client hands the invoice over$",
         lambda m: f"niet geboekt: de rekening van de betaler is bekend bij factuur {m[1]}, die "
                   "de opdrachtgever niet aan het bureau overdroeg: het geld kan van de "
                   "opdrachtgever zijn, niet van het bureau; maak het over aan de "
                   "opdrachtgever, of boek het zodra de opdrachtgever de factuur overdraagt"),
        (r"^not booked: the invoice changed since it was indexed$",
         lambda m: "niet geboekt: de factuur is gewijzigd sinds ze werd geïndexeerd"),
        (r"^booked on an invoice that was credited, withdrawn or paid otherwise while the "
         r"payment was being booked: the booking was undone, a person decides$",
         lambda m: "geboekt op een factuur die gecrediteerd, ingetrokken of anders betaald werd "
                   "terwijl de betaling werd geboekt: de boeking is teruggedraaid, een mens "
                   "beslist"),
    )
)  # fmt: skip


def kind_label(kind: str, lang: str) -> str:
    """The kind as a word; an unknown kind with its underscores as spaces."""
    known = KINDS.get(kind)
    if known is None:
        return kind.replace("_", " ")
    return known[0] if lang == "nl" else known[1]


def detail_label(key: str, lang: str) -> str:
    known = DETAILS.get(key)
    if known is None:
        return key.replace("_", " ")
    return known[0] if lang == "nl" else known[1]


# details kept in cents (an integer): a ruling's filing figure, a plan's open figures and a
# lapsed plan's build-up; one kept as text (an item written before) shows as it is
CENTS = frozenset({
    "to_file", "to_file_resolved", "to_file_change", "open", "principal", "interest", "costs",
    "costs_vat", "discount", "granted",
})  # fmt: skip


def money_detail(key: str, value: object, money: Callable[[int], str]) -> str | None:
    """A ruling's filing figures (shared.services.debtor_standing) and a plan's figures, kept
    in cents, in the page's notation (nl "€ 1.159,32", en "EUR 1,159.32"); None for any other
    detail. An item written before they were kept in cents shows its text as it is."""
    if key in CENTS and isinstance(value, int) and not isinstance(value, bool):
        return money(value)
    if key in ("paid_after_ruling", "held") and isinstance(value, list):
        return "; ".join(
            f"{str(x['debtor']) + ' ' if x.get('debtor') else ''}{x.get('payment')} "
            f"{money(int(x.get('amount', 0)))} ({x.get('received_on')})"
            for x in value
            if isinstance(x, dict)
        )
    return None


def title(text: str, lang: str) -> str:
    shown = in_language(text, _TITLES, lang)
    # a refused statement file's reason stands alone on the payments page
    return refusal(text, lang) if shown == text else shown


# statements.matching.shown_number: an invoice of a client on a pooled account
_OF_CLIENT = re.compile(r" of client ([A-Z]{7})\b")


# an item's ``how``: what an operator runs, the command itself as written (services.settlement.runs)
_HOWS = shapes(
    (
        (r"^record it with (`[^`]+`) \(docs/operations\.md section (\d+)\); the next run finishes this one$",
         lambda m: f"leg de derdengeldenrekening vast met {m[1]} (docs/operations.md, hoofdstuk "
                   f"{m[2]}); de volgende run rondt deze af"),
    )
)  # fmt: skip


def case_of(case_id: str, lang: str) -> str:
    """An item's ``case_id`` as people know the case on a Dutch page: by its name."""
    return _case(case_id) if lang == "nl" else case_id


def how(text: str, lang: str) -> str:
    """An item's ``how`` in the page's language; a command in it stays as it is."""
    return in_language(text, _HOWS, lang)


def reason(text: str, lang: str) -> str:
    readable = readable_reason(text)
    shown = in_language(readable, _REASONS, lang)
    if lang == "nl" and shown != readable:
        shown = _OF_CLIENT.sub(r" van opdrachtgever \1", shown)
    return shown


# why an e-mail may concern a debtor (shared/domain/inbound/matching.py Evidence), in Dutch
_EVIDENCE_NL = {"thread": "antwoord op ons bericht", "invoice": "factuur",
                "reference": "betalingskenmerk", "plan": "regeling", "sender": "afzender",
                "forwarded": "doorgestuurd", "quoted": "geciteerd"}  # fmt: skip
_EVIDENCE = re.compile(r"\b(" + "|".join(_EVIDENCE_NL) + r")(?=: )")


def evidence(text: str, lang: str) -> str:
    """``invoice: F-0001; sender: …`` with the evidence named in the page's language."""
    return _EVIDENCE.sub(lambda m: _EVIDENCE_NL[m[1]], text) if lang == "nl" else text


def candidate(found: object, lang: str) -> str:
    """A debtor an e-mail may concern (the item's ``candidates``): its number and why."""
    if not isinstance(found, dict):
        return str(found)
    why = ", ".join(evidence(str(r), lang) for r in found.get("reasons") or ())
    return f"{found.get('debtor', '')} ({why})" if why else str(found.get("debtor", ""))


# why a confirmed kind letter's share was not claimed (debtor_kind.py), in Dutch
_NOT_CLAIMED_NL = (
    ("; costs not claimed, paid in full as told while the letter was held: ",
     "; geen kosten gevorderd, volledig betaald zoals gezegd terwijl de brief werd "
     "aangehouden: "),
    ("; costs not claimed, a natural obligation after a clean slate or akkoord (art. 6:3 BW): ",
     "; geen kosten gevorderd, een natuurlijke verbintenis na een schone lei of akkoord "
     "(art. 6:3 BW): "),
)  # fmt: skip


def _not_claimed_nl(text: str) -> str:
    for english, dutch in _NOT_CLAIMED_NL:
        text = text.replace(english, dutch)
    return text


# what became of a disputed invoice ended outside its item (ended_items.py)
_OUTCOME_NL = {"open again": "weer open", "paid": "betaald", "credited": "gecrediteerd",
               "withdrawn": "ingetrokken"}  # fmt: skip


def _outcomes_nl(text: str) -> str:
    """Dutch of "F1 open again, F2 paid", invoice by invoice."""
    parts = re.findall(r"(\S+) (open again|paid|credited|withdrawn)(?:, |$)", text)
    if not parts:
        return text
    return ", ".join(f"{n} {_OUTCOME_NL[w]}" for n, w in parts)


# the decisions on a debtor's request (request_decisions.py), as a Dutch resolution names them
_DECIDED_NL = {"grant": "uitstel toekennen", "refuse": "uitstel weigeren",
               "end-dispute": "betwisting beëindigen", "approve-plan": "regeling goedkeuren",
               "refuse-plan": "regeling weigeren",
               "send-letter-again": "veertiendagenbrief opnieuw versturen",
               "credit-invoice": "factuur crediteren", "withdraw-invoice": "factuur intrekken"}  # fmt: skip
_RESOLUTIONS = shapes(
    (
        (r"^booked as spare money: no claim takes it \((.+)\)$",
         lambda m: f"geboekt als overbetaling: geen vordering neemt het ({m[1]})"),
        (r"^booked on (.+)$", lambda m: f"geboekt op {m[1]}"),
        (r"^reversed payment (\S+): (.+)$", lambda m: f"betaling {m[1]} teruggedraaid: {m[2]}"),
        (r"^sent back by the bank \((.+)\) on (\d{4})-(\d\d)-(\d\d)$",
         lambda m: f"door de bank teruggeboekt ({m[1]}) op {m[4]}-{m[3]}-{m[2]}"),
        (r"^the return undid payment (\S+) when it was read again$",
         lambda m: f"de terugboeking draaide betaling {m[1]} terug toen zij opnieuw werd gelezen"),
        (r"^booked by another delivery of the statement$",
         lambda m: "geboekt door een andere aflevering van het afschrift"),
        (r"^replayed onto (.+)$", lambda m: f"opnieuw aangeboden aan {m[1]}"),
        (r"^resolved$", lambda m: "afgehandeld"),
        (r"^confirmed as a 14-day letter \(6:96 lid 6\); costs owed from: (.+)$",
         lambda m: f"bevestigd als veertiendagenbrief (art. 6:96 lid 6); kosten verschuldigd "
                   f"vanaf: {_not_claimed_nl(m[1])}"),
        (r"^being confirmed as a 14-day letter \(6:96 lid 6\), not finished: its retry or "
         r"the daily run finishes it; the costs stay held until then(.*)$",
         lambda m: "wordt bevestigd als veertiendagenbrief (art. 6:96 lid 6), nog niet "
                   "afgerond: een nieuwe poging of de dagelijkse run rondt het af; tot dan "
                   f"blijven de kosten aangehouden{m[1]}"),
        (r"^closed: the debtor is a business again, his letter counts as a sommatie: "
         r"(\d{4})-(\d\d)-(\d\d)$",
         lambda m: f"gesloten: de debiteur is weer een bedrijf, zijn brief telt als sommatie: "
                   f"{m[3]}-{m[2]}-{m[1]}"),
        (r"^postponement granted until (.+)$", lambda m: f"uitstel toegekend tot {m[1]}"),
        (r"^postponement refused: (.+)$", lambda m: f"uitstel geweigerd: {m[1]}"),
        (r"^dispute ended$", lambda m: "betwisting beëindigd"),
        (r"^dispute ended: (.+)$", lambda m: f"betwisting beëindigd: {m[1]}"),
        (r"^plan (\S+) approved$", lambda m: f"betalingsregeling {m[1]} goedgekeurd"),
        (r"^14-day letter sent again for (.+)$",
         lambda m: f"veertiendagenbrief opnieuw verstuurd voor {m[1]}"),
        (r"^plan (\S+) refused: (.+)$", lambda m: f"betalingsregeling {m[1]} geweigerd: {m[2]}"),
        (r"^closed without a decision: (.+)$", lambda m: f"gesloten zonder besluit: {m[1]}"),
        (r"^closed without a decision$", lambda m: "gesloten zonder besluit"),
        (r"^closed with (\S+) not finished(?:: (.+))?$",
         lambda m: f"gesloten, besluit '{_DECIDED_NL.get(m[1], m[1])}' niet afgerond"
         + (f": {m[2]}" if m[2] else "")),
        (r"^closed without approving: (.+)$", lambda m: f"gesloten zonder goedkeuren: {m[1]}"),
        (r"^closed without approving$", lambda m: "gesloten zonder goedkeuren"),
        (r"^the bank's statement of the client's own account books this money \((.+)\)$",
         lambda m: f"het afschrift van de eigen rekening van de opdrachtgever boekt dit geld "
                   f"({m[1]})"),
        (r"^the client's receipt reversed by hand: (.+)$",
         lambda m: f"ontvangst van de opdrachtgever met de hand teruggedraaid: {m[1]}"),
        (r"^booked again as received by the client on (\d{4})-(\d\d)-(\d\d): (.+)$",
         lambda m: f"opnieuw geboekt als ontvangen door de opdrachtgever op "
                   f"{m[3]}-{m[2]}-{m[1]}: {m[4]}"),
        (r"^the 14-day letter went out after all on (\d{4})-(\d\d)-(\d\d) \(its term counts from then\)$",
         lambda m: f"de veertiendagenbrief is alsnog verstuurd op {m[3]}-{m[2]}-{m[1]} (de termijn "
                   "loopt vanaf dan)"),
        (r"^dispute over without this item: (.+)$",
         lambda m: f"betwisting voorbij buiten dit item om: {_outcomes_nl(m[1])}"),
        (r"^handed over to (.+) \(case (\S+)\)$",
         lambda m: f"overgedragen aan {m[1]} (zaak {_case(m[2])})"),
        # (not a plan's "handed over to a collection agency: …", said in its own words)
        (r"^handed over to (?!a collection agency: )(.+)$", lambda m: f"overgedragen aan {m[1]}"),
        (r"^dispute settled by crediting (.+?)(?:: (.+))?$",
         lambda m: f"betwisting afgehandeld door {m[1]} te crediteren" + (f": {m[2]}" if m[2] else "")),
        (r"^dispute settled by withdrawing (.+?)(?:: (.+))?$",
         lambda m: f"betwisting afgehandeld door {m[1]} in te trekken" + (f": {m[2]}" if m[2] else "")),
        (r"^a bank account was added: the dunning resumes$",
         lambda m: "er is een bankrekening toegevoegd: de invordering gaat verder"),
        # the agency's new_case item closed by its case's end (services.case_items)
        (r"^case paid$", lambda m: "zaak betaald"),
        (r"^case withdrawn by the agency$", lambda m: "zaak ingetrokken door het incassobureau"),
        (r"^case withdrawn by (.+)$", lambda m: f"zaak ingetrokken door {m[1]}"),
        # a sign-up's waiting item (services.people.signup_waiting)
        (r"^approved by (\S+)$", lambda m: f"goedgekeurd door {m[1]}"),
        (r"^refused \(deactivated\) by (\S+?)(?:: (.+))?$",
         lambda m: f"geweigerd (gedeactiveerd) door {m[1]}" + (f": {m[2]}" if m[2] else "")),
    )
)  # fmt: skip
# who resolved it, as the services write it: "(user:u…)" for a person, "(key:…)" for a key
_AUTHOR = re.compile(r"^(.*) \(((?:user|key):[^()\s]+)\)$", re.S)


def resolution(text: str, lang: str, name_of: Callable[[str], str | None]) -> str:
    """How an item was resolved, in the page's language, with the person's name instead of
    the internal id the service wrote ("booked on F1 (user:u19…)": newcomer5 finding 5); an
    API key or a person no longer known is named as such."""
    found = _AUTHOR.match(text)
    what, who = (found[1], found[2]) if found else (text, None)
    shown = in_language(what, _RESOLUTIONS, lang)
    if who is None:
        return shown
    name = name_of(who)
    if name is None:
        name = (
            ("een API-sleutel" if lang == "nl" else "an API key")
            if who.startswith("key:")
            else ("een collega" if lang == "nl" else "a colleague")
        )
    return f"{shown} ({name})"
