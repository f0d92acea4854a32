"""A service's refusal as a sentence in the page's language.

The services refuse in English (the API's and the logs' language) and give the refusal a
``code`` with the values its sentence needs; a page translates the code at display time, so a
Dutch credit manager never reads "say why the plan is refused". A refusal without a code (or
with one this table lacks: the test checks none does) is shown as the service wrote it."""

from __future__ import annotations

from datetime import date

from shared.api.console.action_text import kind_label
from shared.api.console.code_text import word
from shared.api.console.refusal_words_case_plans import CASE_PLAN_REFUSALS
from shared.api.console.refusal_words_claims import CLAIM_REFUSALS, claim_word
from shared.api.console.refusal_words_designation import DESIGNATION_REFUSALS
from shared.api.console.refusal_words_linking import LINKING_REFUSALS
from shared.api.console.refusal_words_rates import RATE_REFUSALS
from shared.api.console.refusal_words_sender import SENDER_REFUSALS
from shared.api.console.refusal_words_settings import SETTINGS_REFUSALS
from shared.api.console.refusal_words_templates import TEMPLATE_REFUSALS
from shared.api.console.refusal_words_tenancy import TENANCY_REFUSALS
from shared.domain.day_shown import day_shown
from shared.domain.money import format_eur_en, format_eur_nl

# code -> (Dutch, English); {names} are the refusal's params, as words of the page's language
REFUSALS: dict[str, tuple[str, str]] = {
    "standing_no_day": (
        "Geef de dag waarop de status inging (het overlijden, het vonnis).",
        "Say from which day the standing holds (the death, the ruling).",
    ),
    "standing_day_in_future": (
        "De dag {day} ligt in de toekomst.",
        "The day {day} lies in the future.",
    ),
    "standing_lift_reason": (
        "Zeg waarom het faillissement of de WSNP wordt opgeheven: vergissing, akkoord, schone "
        "lei of anders geëindigd; alleen een vergissing maakt het ongedaan.",
        "Say why the bankruptcy or WSNP is lifted: a mistake, an akkoord, a clean slate or "
        "ended otherwise; only a mistake undoes it.",
    ),
    "standing_lift_not_for": (
        "De status ({standing}) wordt niet opgeheven om die reden ({reason}).",
        "The standing ({standing}) is not lifted for that reason ({reason}).",
    ),
    "credit_return_undecided": (
        "Deze bijschrijving kan zijn wat de bank terugboekte (terugboeking {action}): beslis "
        "eerst over die terugboeking.",
        "This credit may be what the bank sent back (return {action}): decide that return first.",
    ),
    "standing_agency_recorded": (
        "Het incassobureau legde deze status ({standing}) vast: alleen het incassobureau "
        "wijzigt of heft hem op.",
        "The agency recorded this standing ({standing}): only the agency changes or lifts it.",
    ),
    # a ruling's filing item releases the money held under it (shared/services/ruling_decisions.py)
    "ruling_money_admin": (
        "Afhandelen beslist over het geld dat onder deze status ({standing}) binnenkwam: dat "
        "doet een beheerder, zoals het opheffen ervan.",
        "Resolving decides the money received under this standing ({standing}): an "
        "administrator does that, as lifting it.",
    ),
    "ruling_money_agency": (
        "Het incassobureau legde deze status ({standing}) vast: alleen het incassobureau "
        "beslist over het geld dat eronder binnenkwam.",
        "The agency recorded this standing ({standing}): only the agency decides the money "
        "received under it.",
    ),
    "standing_ruling_in_force": (
        "Deze debiteur is {standing} sinds {day} en blijft dat: zijn overlijden beëindigt het "
        "faillissement niet (de curator wikkelt de boedel af). Hef het eerst op met hoe het "
        "eindigde en leg dan het overlijden vast.",
        "The debtor is {standing} since {day} and stays so: his death does not end the "
        "bankruptcy (the curator winds up the estate). Lift it first with how it ended, then "
        "record the death.",
    ),
    "standing_too_many_rulings": (
        "Deze debiteur heeft al {count} faillissementen of WSNP's die eindigden: verbeter er "
        "een (zet hem opnieuw) in plaats van er een toe te voegen.",
        "This debtor has {count} bankruptcies or WSNPs that ended on record already: correct "
        "one (set it again) instead of adding another.",
    ),
    "standing_lifted_already": (
        "De status is op {day} al opgeheven, om een andere reden; zet hem opnieuw om dat te "
        "verbeteren.",
        "The standing was lifted on {day} already, for another reason; set it again to "
        "correct that.",
    ),
    "plan_debtor_standing": (
        "Debiteur {debtor} is {standing} sinds {since}: met hem wordt geen regeling getroffen "
        "(art. 23, 26 Fw; 4:182 BW); de vorderingen gaan naar de curator, de bewindvoerder of "
        "de nalatenschap.",
        "Debtor {debtor} is {standing} since {since}: no plan is agreed with him (art. 23, 26 "
        "Fw; 4:182 BW); the claims go to the curator, the administrator or the estate.",
    ),
    "plan_natural_obligation": (
        "{invoices} van debiteur {debtor} kan niet meer worden gevorderd: na de schone lei of "
        "het akkoord is het een natuurlijke verbintenis (art. 6:3 BW). Daarover wordt geen "
        "regeling getroffen; betaalt de debiteur toch, dan wordt dat geboekt.",
        "{invoices} of debtor {debtor} can no longer be claimed: after the clean slate or the "
        "akkoord it is a natural obligation (art. 6:3 BW). No plan is agreed over it; a "
        "payment the debtor makes anyway is booked.",
    ),
    "plan_invoice_in_plan": (
        "Factuur {invoice} zit al in regeling {plan}: een factuur staat in één regeling.",
        "Invoice {invoice} is already in plan {plan}: an invoice is in one plan.",
    ),
    "plan_no_creditor_id": (
        "Opdrachtgever {client} heeft geen SEPA-incassant-ID (regelingsregels: creditor_id): "
        "vul dat eerst in.",
        "Client {client} has no SEPA creditor identifier (plan rules: creditor_id): set it first.",
    ),
    "plan_no_client_iban": (
        "Opdrachtgever {client} heeft geen IBAN om op te incasseren: vul dat eerst in.",
        "Client {client} has no IBAN to collect to: add one first.",
    ),
    "mollie_no_account": (
        "Opdrachtgever {client} incasseert via Mollie maar heeft geen Mollie-account: koppel "
        "er eerst een.",
        "Client {client} collects through Mollie but has no Mollie account: link one first.",
    ),
    "mollie_account_unreachable": (
        "Het Mollie-account dat de klant en het mandaat van deze regeling heeft ({account}) is "
        "niet meer bereikbaar: koppel het opnieuw.",
        "The Mollie account that holds this plan's customer and mandate ({account}) is no "
        "longer reachable: link it again.",
    ),
    "mollie_key_other_payment": (
        "Mollie gaf op deze betaalopdracht een betaling van {amount}, niet van dit bedrag: "
        "die opdracht wordt niet opnieuw gebruikt.",
        "Mollie answered this payment order with a payment of {amount}, not of this amount: "
        "the order is not used again.",
    ),
    "job_not_stalled": (
        "Taak {job} loopt nog (of is klaar): alleen een vastgelopen taak wordt opnieuw gestart.",
        "Job {job} is still running (or done): only a stalled job is started again.",
    ),
    "action_keeps_changing": (
        "Actiepunt {action} wordt steeds tegelijk gewijzigd; probeer het opnieuw.",
        "Action item {action} keeps changing; try again.",
    ),
    "standing_unknown": (
        "Kies een status: overleden, failliet, WSNP of normaal.",
        "Choose a standing: deceased, bankrupt, WSNP or normal.",
    ),
    "postpone_no_day": (
        "Het verzoek noemt geen dag om tot uit te stellen.",
        "The request names no day to postpone until.",
    ),
    "postpone_changed": (
        "De debiteur heeft het verzoek intussen gewijzigd: het vraagt nu uitstel tot {until}. "
        "Lees het opnieuw voordat u beslist.",
        "The debtor changed the request meanwhile: it now asks until {until}. Read it again "
        "before you decide.",
    ),
    "designation_payer_own": (
        "De betaler wees deze betaling zelf aan ({invoices}): die aanwijzing geldt (art. 6:43 "
        "lid 1 BW). Verplaats haar alleen als hij daar zelf om vroeg of als zijn omschrijving "
        "verkeerd is gelezen, en zeg dat in het formulier.",
        "The payer designated this payment himself ({invoices}): his designation holds (art. "
        "6:43 lid 1 BW). Move it only when he asked for it himself or his remittance was "
        "misread, and say so in the form.",
    ),
    "designation_payer_word_unknown": (
        "Kies of de betaler er zelf om vroeg of dat zijn omschrijving verkeerd is gelezen.",
        "Choose whether the payer asked for it himself or his remittance was misread.",
    ),
    "designation_no_reason": (
        "Zeg waarom de aanwijzing wordt gecorrigeerd ({min} tot {max} tekens): het komt in "
        "het auditlog.",
        "Say why the designation is corrected ({min} to {max} characters): it goes on the "
        "audit log.",
    ),
    "refuse_no_reason": (
        "Geef aan waarom het uitstel wordt geweigerd.",
        "Say why the postponement is refused.",
    ),
    "refuse_plan_no_reason": (
        "Geef aan waarom de regeling wordt geweigerd.",
        "Say why the plan is refused.",
    ),
    "plan_ended": ("Regeling {plan} is {status}.", "Plan {plan} is {status}."),
    "plan_not_proposal": (
        "Regeling {plan} is {status}, geen voorstel meer.",
        "Plan {plan} is {status}, not a proposal.",
    ),
    "plan_other_debtor": (
        "De regeling hoort niet bij deze debiteur.",
        "The plan is not this debtor's.",
    ),
    "plan_gone": (
        "De voorgestelde regeling bestaat niet meer (intussen verwijderd).",
        "The proposed plan is gone (deleted meanwhile).",
    ),
    "action_other_kind": (
        "Deze actie is van een andere soort ({kind}).",
        "This action is of another kind ({kind}).",
    ),
    "action_no_invoice": (
        "Deze actie noemt geen debiteur of factuur.",
        "This action names no debtor or invoice.",
    ),
    "action_resolved": ("Deze actie is al afgehandeld.", "This action is resolved already."),
    # confirming a letter sent as a business for a consumer (services.debtor_kind)
    "kind_letter_not_consumer": (
        "De debiteur is geen consument meer: er is geen brief te bevestigen.",
        "The debtor is no consumer now: there is no letter to confirm.",
    ),
    "kind_letter_cleared": (
        "Deze actie is afgehandeld zonder de brief te bevestigen: die telt niet; pas een nieuwe "
        "veertiendagenbrief maakt de incassokosten verschuldigd.",
        "This action was resolved without confirming the letter: it does not count; only a new "
        "14-day letter makes the collection costs owed.",
    ),
    "kind_letter_confirm_words": (
        "Afhandelen bevestigt de brief niet: alleen een beheerder bevestigt hem als "
        "veertiendagenbrief (met de knop daarvoor). Beschrijf wat u deed in andere woorden.",
        "Resolving does not confirm the letter: only an administrator confirms it as a 14-day "
        "letter (with its button). Say what you did in other words.",
    ),
    # a person reversing the payment a return sent back (shared/services/statement_returns.py)
    "return_reversing_other": (
        "Voor deze terugboeking is al betaling {payment} gekozen.",
        "Payment {payment} was chosen for this return already.",
    ),
    "return_payment_unfit": (
        "Betaling {payment} is geen bankbetaling van dit bedrag, ontvangen voor de terugboeking.",
        "Payment {payment} is no bank payment of this amount received before the return.",
    ),
    "return_payment_not_named": (
        "Betaling {payment} hoort niet bij deze terugboeking: de actie noemt haar niet en zij "
        "komt niet van de rekening van de betaler.",
        "Payment {payment} is not this return's: the item does not name it and it did not come "
        "from the payer's account.",
    ),
    "return_agency_decides": (
        "Alleen het incassobureau draait betaling {payment} terug: zij kwam binnen op zijn "
        "rekening, of het afschrift van de bank boekte haar en de terugboeking staat in een "
        "bestand van de opdrachtgever.",
        "Only the agency reverses payment {payment}: it arrived on the agency's account, or the "
        "bank's statement booked it and the return is in a file the client uploaded.",
    ),
    "credit_sent_back": (
        "De bank heeft dit bedrag teruggeboekt voordat het werd geboekt: het geld is er niet "
        "meer en wordt niet geboekt.",
        "The bank sent this credit back before it was booked: the money is gone and is not booked.",
    ),
    "return_payment_reversed": (
        "Betaling {payment} is al teruggedraaid.",
        "Payment {payment} is reversed already.",
    ),
    "invoices_gone": (
        "Geen van de facturen van deze actie hoort nog bij de debiteur.",
        "None of the item's invoices is the debtor's any more.",
    ),
    "unknown_invoices": ("Onbekende facturen: {invoices}.", "Unknown invoices: {invoices}."),
    "no_invoices": ("Kies minstens één factuur.", "Choose at least one invoice."),
    "statement_account_unknown": (
        "De rekening van de afschriftregel van deze actie is onbekend: van wie het geld is, "
        "is niet te zeggen.",
        "The account of this action's statement line is not known: whose money it is cannot "
        "be told.",
    ),
    "statement_account_other_client": (
        "Deze afschriftregel is geld van een andere opdrachtgever.",
        "This statement line is another client's money.",
    ),
    "pooled_line_agency_only": (
        "Deze afschriftregel is geld op de rekening van het incassobureau: het bureau boekt het.",
        "This statement line is money on the agency's account: the agency books it.",
    ),
    "invoice_not_payable": (
        "Factuur {invoices} is gecrediteerd of ingetrokken en neemt geen betaling meer aan: de "
        "afschriftregel is niet geboekt. Kies de factuur die ermee betaald is.",
        "Invoice {invoices} was credited or withdrawn and takes no payment any more: the "
        "statement line is not booked. Choose the invoice it pays.",
    ),
    "statement_line_claimed": (
        "Deze afschriftregel is al geclaimd voor opdrachtgever {client} op {invoices}, maar "
        "kon niet worden geboekt: het geld kwam één keer binnen en wordt voor één "
        "opdrachtgever geboekt. Vraag de beheerder om het na te kijken.",
        "This statement line is claimed for client {client} on {invoices} but could not be "
        "booked: the money came in once and is booked for one client. Ask the administrator "
        "to look into it.",
    ),
    "statement_line_booking": (
        "Een bevestiging claimde deze afschriftregel voor opdrachtgever {client} op "
        "{invoices} en is niet afgerond: bevestig de actie opnieuw om het te boeken en de "
        "actie af te sluiten.",
        "A confirmation claimed this statement line for client {client} on {invoices} and did "
        "not finish: confirm the action again to book it and close the action.",
    ),
    "statement_line_taken": (
        "Deze afschriftregel is al voor opdrachtgever {client} geboekt op {invoices}: het geld "
        "kwam één keer binnen en wordt voor één opdrachtgever geboekt. Herhaal die bevestiging "
        "om de actie af te sluiten.",
        "This statement line is booked for client {client} on {invoices} already: the money "
        "came in once and is booked for one client. Repeat that confirmation to close the "
        "action.",
    ),
    "first_collection_notice": (
        "De eerste incasso moet {days} dagen vooraf worden aangekondigd: begin op {day} of later.",
        "The first collection needs {days} days' notice: start on {day} or later.",
    ),
    "recurring_collection_notice": (
        "De eerste terugkerende incasso moet {days} dagen vooraf worden aangekondigd: die "
        "termijn moet op {day} of later vallen.",
        "The first recurring collection needs {days} days' notice: its installment must fall "
        "on {day} or later.",
    ),
    "moved_collection_notice": (
        "Een incasso moet {days} dagen vooraf worden aangekondigd: verplaats hem naar {day} of "
        "later.",
        "A direct debit needs {days} days' notice: move it to {day} or later.",
    ),
    "note_length": (
        "Een notitie heeft 1 tot {limit} tekens.",
        "A note has 1 to {limit} characters.",
    ),
    # a client's receipt booked again on its day (shared/services/client_receipts.py)
    "not_a_client_receipt": (
        "Betaling {payment} is niet door de opdrachtgever ontvangen: haar dag is de dag dat het "
        "geld binnenkwam (bankafschrift, Mollie) en wordt hier niet gecorrigeerd.",
        "Payment {payment} was not received by the client: its day is the day the money came "
        "(bank statement, Mollie), not corrected here.",
    ),
    # a client's receipt reversed by hand (shared/services/client_receipts.py reverse_by_hand)
    "not_a_sync_receipt": (
        "Betaling {payment} is geen ontvangst die de boekhouding van de opdrachtgever meldde: "
        "zij wordt teruggeboekt als het geld terugkomt (bankafschrift, Mollie), niet met de hand.",
        "Payment {payment} is not a receipt the client's sync reported: it is reversed when the "
        "money comes back (bank statement, Mollie), not by hand.",
    ),
    "action_not_of_receipt": (
        "Actie {action} gaat niet over betaling {payment}.",
        "Action {action} is not about payment {payment}.",
    ),
    "received_on_future": (
        "{day} ligt in de toekomst.",
        "{day} is in the future.",
    ),
    "received_on_before_invoice": (
        "{day} ligt voor de factuurdatum {invoice_date}.",
        "{day} is before the invoice date {invoice_date}.",
    ),
    "received_on_same": (
        "De betaling staat al op {day} geboekt.",
        "The payment is booked on {day} already.",
    ),
    "payment_reversed_already": (
        "Betaling {payment} is teruggeboekt.",
        "Payment {payment} was reversed.",
    ),
    # the ledger's rules (shared/domain/ledger/booking.py LedgerRuleError)
    "waive_more_interest": (
        "Op {day} staat maar {amount} aan rente open: kwijtschelden kan tot dat bedrag.",
        "Only {amount} of interest is open on {day}: waive at most that.",
    ),
    "waive_more_costs": (
        "Op {day} staat maar {amount} aan incassokosten (met btw) open: kwijtschelden kan tot "
        "dat bedrag.",
        "Only {amount} of collection costs (with VAT) is open on {day}: waive at most that.",
    ),
    # the console's invoice upload (invoice_csv.CsvRefused)
    "csv_workbook": (
        "Dit is een Excel-werkmap, geen CSV-bestand: kies in Excel 'Opslaan als', 'CSV UTF-8 "
        "(door komma's gescheiden)' of 'CSV (gescheiden door lijstscheidingsteken)', en lees "
        "dat bestand in.",
        "This is an Excel workbook, not a CSV file: in Excel choose Save as, 'CSV UTF-8 (comma "
        "delimited)' or 'CSV (semicolon delimited)', and upload that file.",
    ),
    "csv_unreadable": (
        "Dit is geen CSV-bestand dat Inning kan lezen; sla het op als 'CSV UTF-8' en lees dat in.",
        "Not a CSV file Inning can read; save it as 'CSV UTF-8' and upload that.",
    ),
    "csv_empty": (
        "Het bestand is leeg of heeft geen kopregel met kolomnamen.",
        "The file is empty or has no header row.",
    ),
    "csv_columns_twice": (
        "De kolommen {columns} geven allebei {field}: verwijder er één.",
        "The columns {columns} both give {field}: remove one of them.",
    ),
    "csv_invoice_date_term": (
        "Het bestand heeft geen factuurdatum: vul de betaaltermijn in dagen in (de factuurdatum "
        "wordt de vervaldatum min die termijn) of voeg een kolom factuurdatum toe.",
        "The file has no invoice date: give the payment term in days (the invoice date is the "
        "due date less it) or add an invoice_date (factuurdatum) column.",
    ),
    "csv_column_missing": (
        "De kolom {dutch} ({field}) ontbreekt.",
        "The column {field} ({dutch}) is missing.",
    ),
    "csv_column_missing_unread": (
        "De kolom {dutch} ({field}) ontbreekt; niet gelezen: {columns}. Geef een van die "
        "kolommen de naam {dutch}.",
        "The column {field} ({dutch}) is missing; not read: {columns}. Name one of those "
        "columns {field}.",
    ),
    "upload_too_large": (
        "Het bestand is groter dan {limit} MB.",
        "The upload is larger than {limit} MB.",
    ),
    "csv_too_many_rows": (
        "Meer dan {rows} regels: splits het bestand.",
        "More than {rows} rows: split the file.",
    ),
    "export_no_third_party_account": (
        "Het incassobureau heeft geen derdengeldenrekening vastgelegd: de MT940-export is een "
        "afschrift van die rekening. Wat u zelf ontving, staat op de afschriften van uw bank. "
        "De beheerder van het incassobureau legt de rekening vast met inning agency update.",
        "The agency has no third-party account on record: the MT940 export is a statement of "
        "that account. What you received yourself is on your own bank's statements. The "
        "agency's operator records the account with inning agency update.",
    ),
    **SETTINGS_REFUSALS,
    "iban_held_by_other": (
        "Deze rekening is de bewezen rekening van opdrachtgever {client}. Bevestig dat u haar "
        "van die opdrachtgever overneemt.",
        "This account is the proven account of client {client}. Confirm that you take it over "
        "from that client.",
    ),
    **CLAIM_REFUSALS,
    **CASE_PLAN_REFUSALS,
    **LINKING_REFUSALS,
    **TENANCY_REFUSALS,
    **DESIGNATION_REFUSALS,
    **TEMPLATE_REFUSALS,
    **RATE_REFUSALS,
    **SENDER_REFUSALS,
    # a paused plan resumed by staff while an invoice of it is disputed (hold27)
    # a person's pause reason in the words of a dispute's own pause (attack28 F4)
    "plan_reason_reserved": (
        "Een reden die met 'dispute:' begint, is voor een regeling die een betwisting pauzeerde: "
        "betwist de factuur, of geef de reden in andere woorden.",
        "A reason starting with 'dispute:' is for a plan a dispute paused: dispute the invoice "
        "instead, or word the reason otherwise.",
    ),
    "plan_invoice_disputed": (
        "Factuur {invoices} van deze regeling wordt betwist: de regeling wacht tot het bezwaar "
        "is afgehandeld (een regeling die het bezwaar pauzeerde, loopt dan vanzelf verder).",
        "Invoice {invoices} of this plan is disputed: the plan waits until the dispute is "
        "resolved or rejected (a plan the dispute paused then resumes by itself).",
    ),
    # an installment postponed past the next one, or the plan past its term (plans28,
    # attack28 F2: the last one moved to 20-11-9999 was accepted)
    "plan_move_passes_next": (
        "Termijn {number} schuift niet voorbij termijn {next} ({day}), tenzij de latere "
        "termijnen meeschuiven.",
        "Installment {number} cannot move past installment {next} ({day}) unless the later "
        "installments move too.",
    ),
    "plan_move_past_term": (
        "Een regeling loopt niet langer dan {months} maanden vanaf haar begin ({start}): de "
        "laatste termijn valt uiterlijk op {day}.",
        "A plan runs no longer than {months} months from its start ({start}): its last "
        "installment falls on {day} at the latest.",
    ),
    # a new plan's start beyond its term counted from today (roles28, plans28 L1)
    "plan_start_past_term": (
        "Een regeling begint binnen {months} maanden na vandaag ({today}): de eerste termijn "
        "valt uiterlijk op {day}.",
        "A plan starts within {months} months from today ({today}): its first installment "
        "falls on {day} at the latest.",
    ),
    # a Mollie plan's activation or retry, a settlement run's approval, while a restore's
    # money hold stands (people27 F6)
    "restore_hold": (
        "Innen en uitbetalen staan stil sinds de back-up van {restored_from} is teruggezet: "
        "de beheerder stemt eerst af met de bank (inning restore-hold confirm). Probeer het "
        "daarna opnieuw.",
        "Collections and payouts are held since the backup of {restored_from} was restored: "
        "the operator reconciles with the bank first (inning restore-hold confirm). Try again "
        "after that.",
    ),
}


# a debtor's standing and why it was lifted, as a refusal's sentence names them (newcomer13b
# #5: "Debiteur D1 is bankrupt sinds …" said the API's code in a Dutch sentence)
STANDING_WORDS = {
    "standing": {
        "deceased": ("overleden", "deceased"),
        "bankrupt": ("failliet", "bankrupt"),
        "wsnp": ("in de schuldsanering (WSNP)", "in the statutory debt scheme (WSNP)"),
        "normal": ("normaal", "normal"),
    },
    "reason": {
        "mistake": ("een vergissing", "a mistake"),
        "akkoord": ("een akkoord", "an akkoord"),
        "clean_slate": ("een schone lei", "a clean slate"),
        "ended": ("anders geëindigd", "ended otherwise"),
    },
}


def _said(name: str, value: object, lang: str, debtor: bool = False) -> str:
    if isinstance(value, list | tuple):  # each problem of a refusal that has several
        return "; ".join(_said(name, one, lang, debtor) for one in value)
    if getattr(value, "code", None) is not None:  # a domain Reason the refusal names
        return refusal(value, lang, debtor=debtor)
    if (claimed := claim_word(name, value, lang)) is not None:
        return claimed
    if isinstance(value, date) and debtor:  # the portal: the day as his letters write it
        return day_shown(value, lang)
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y") if lang == "nl" else value.isoformat()
    if name == "status":
        return word("plan_status", value, lang)
    if name == "kind":
        return kind_label(str(value), lang)
    if (said := STANDING_WORDS.get(name, {}).get(str(value))) is not None:
        return said[0] if lang == "nl" else said[1]
    if name == "amount" and isinstance(value, int):  # cents
        return format_eur_nl(value) if lang == "nl" else format_eur_en(value)
    return str(value)


# a refusal whose guidance depends on the standing it names: a WSNP ends by the debtor's death
# and his estate is then bankrupt by law (art. 350 lid 3 a, lid 5 Fw; a WSNP has a
# bewindvoerder, art. 287 Fw), so staff record the estate's bankruptcy, not a lift and a death
# (law15c F3: that let F1's interest run, 15.60 on 1-6-2026 where 9.32 is owed)
BY_STANDING: dict[tuple[str, str], tuple[str, str]] = {
    ("standing_ruling_in_force", "wsnp"): (
        "Deze debiteur is {standing} sinds {day}: door zijn overlijden eindigt de WSNP en is "
        "zijn nalatenschap van rechtswege failliet (art. 350 Fw). Hef de WSNP niet op: leg "
        "het faillissement van de nalatenschap vast vanaf de dag waarop de rechter de WSNP "
        "beëindigde; dat volgt de WSNP op en houdt de rentestop en het vastgehouden geld.",
        "The debtor is {standing} since {day}: his death ends the WSNP and leaves his estate "
        "bankrupt by law (art. 350 Fw). Do not lift the WSNP: record the estate's bankruptcy "
        "from the day the court ended the WSNP; it succeeds the WSNP and keeps its interest "
        "stop and held money.",
    ),
}


def refusal(exc: object, lang: str, *, debtor: bool = False) -> str:
    """What the page says of ``exc`` (a refusal, or a domain Reason): its code's sentence in
    ``lang`` (the one for the standing it names where that has its own), else its own text.
    ``debtor``: said to the debtor (the portal), its days in his form (``day_shown``); staff
    and the API keep ISO in English."""
    code = getattr(exc, "code", None)
    known = REFUSALS.get(code) if isinstance(code, str) else None
    if known is None:
        return str(exc)
    params = getattr(exc, "params", {})
    known = BY_STANDING.get((str(code), str(params.get("standing"))), known)
    sentence = known[0] if lang == "nl" else known[1]
    return sentence.format(**{k: _said(k, v, lang, debtor) for k, v in params.items()})
