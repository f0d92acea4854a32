"""The refusals of the claim work in the page's language: plans and their online payments,
settlements, cases, letters, dunning, invoices, the debtor portal, messages by hand, inbound
mail, reports and the action list's replays (refusal_text.py merges them into REFUSALS).

Dutch as a Dutch credit-management product writes it: "u", dates dd-mm-jjjj and amounts as
``€ 1.234,50`` (refusal_text.py renders the params)."""

from __future__ import annotations

from shared.api.console.code_text import word
from shared.api.console.contact_text import channel_reason

# code -> (Dutch, English); {names} are the refusal's params
CLAIM_REFUSALS: dict[str, tuple[str, str]] = {
    # a plan's steps its status does not allow (shared/domain/plans/plan.py PlanStateError,
    # plans/service.py PlanConflict); {status} is the plan's status as a word
    "plan_only_drafts_change": (
        "Regeling {plan} is {status}; alleen een concept kan nog worden gewijzigd.",
        "Plan {plan} is {status}; only drafts change.",
    ),
    "plan_only_drafts_deleted": (
        "Regeling {plan} is {status}; alleen een concept kan worden verwijderd.",
        "Plan {plan} is {status}; only drafts are deleted.",
    ),
    # the debtor's consent to a plan staff make (plans/service.py, law10 F3)
    "plan_consent_both": (
        "Geef zowel de dag waarop de debiteur met de regeling instemde als hoe (of geen van beide).",
        "Give both the day the debtor agreed to the plan and how (or neither).",
    ),
    "plan_consent_future": (
        "De dag waarop de debiteur instemde ligt in de toekomst.",
        "The day the debtor agreed lies in the future.",
    ),
    "plan_consent_prescribed": (
        "Factuur {invoice} staat stil omdat de vordering mogelijk is verjaard; een instemming "
        "van de debiteur van vóór vandaag legt een beheerder vast met de reden (verjaring "
        "bij de factuur), of geef de dag van vandaag.",
        "Invoice {invoice} is held as it may have prescribed; a consent of the debtor dated "
        "before today is recorded by an admin with its reason (prescription on the invoice), "
        "or give today's day.",
    ),
    # a plan over a claim the prescription watch holds (plans/service.py, law17 P1)
    "plan_invoice_prescribed": (
        "Factuur {invoice} staat stil omdat de vordering mogelijk is verjaard; een regeling "
        "erover komt er alleen met de instemming van de debiteur zelf (geef de dag van vandaag "
        "en hoe hij instemde) of nadat een beheerder zijn handeling of de vrijgave met de "
        "reden vastlegde (verjaring bij de factuur).",
        "Invoice {invoice} is held as it may have prescribed; a plan over it takes the "
        "debtor's own consent (give today's day and how he agreed) or an admin's record of "
        "his act or release with its reason (prescription on the invoice).",
    ),
    "plan_mandate_prescribed": (
        "Factuur {invoice} staat stil omdat de vordering mogelijk is verjaard; een machtiging "
        "die de debiteur vóór vandaag tekende legt u vast nadat een beheerder zijn handeling "
        "met de reden vastlegde (verjaring bij de factuur), of geef de dag van vandaag.",
        "Invoice {invoice} is held as it may have prescribed; a mandate signed before today "
        "is recorded after an admin recorded the debtor's act with its reason (prescription "
        "on the invoice), or give today's day.",
    ),
    "plan_not_draft": (
        "Regeling {plan} is {status}, geen concept meer.",
        "Plan {plan} is {status}, not a draft.",
    ),
    "plan_transfer_no_mandate": (
        "Regeling {plan} wordt per overboeking betaald en heeft geen machtiging nodig.",
        "Plan {plan} is paid by transfer; it takes no mandate.",
    ),
    "plan_mandate_on_draft": (
        "Regeling {plan} is {status}; een machtiging hoort bij een concept.",
        "Plan {plan} is {status}; a mandate goes on a draft.",
    ),
    "plan_needs_mandate": (
        "Een regeling met automatische incasso heeft een getekende machtiging nodig voordat "
        "zij start.",
        "A direct-debit plan needs a signed mandate before activation.",
    ),
    "plan_pause_no_reason": (
        "Geef aan waarom de regeling wordt gepauzeerd.",
        "A pause needs a reason.",
    ),
    "plan_cannot_pause": (
        "Regeling {plan} is {status} en kan niet worden gepauzeerd.",
        "Plan {plan} is {status}; it cannot pause.",
    ),
    "plan_not_paused": (
        "Regeling {plan} is {status}, niet gepauzeerd.",
        "Plan {plan} is {status}, not paused.",
    ),
    "plan_cancel_no_reason": (
        "Geef aan waarom de regeling wordt geannuleerd.",
        "A cancellation needs a reason.",
    ),
    "plan_cannot_cancel": (
        "Regeling {plan} is {status} en kan niet worden geannuleerd.",
        "Plan {plan} is {status}; it cannot cancel.",
    ),
    "plan_schedule_total": (
        "Een nieuw termijnschema moet optellen tot het totaal van de regeling.",
        "A new schedule must add up to the plan's total.",
    ),
    "plan_cannot_retry": (
        "Regeling {plan} is {status}; er wordt geen termijn opnieuw geïncasseerd.",
        "Plan {plan} is {status}; nothing is collected again.",
    ),
    "installment_not_failed": (
        "Termijn {number} is niet mislukt.",
        "Installment {number} did not fail.",
    ),
    "mollie_not_available": (
        "Incasso via Mollie is hier niet beschikbaar.",
        "Collection through Mollie is not available here.",
    ),
    "plan_changed": (
        "Regeling {plan} is intussen gewijzigd; open hem opnieuw.",
        "Plan {plan} changed meanwhile; read it again.",
    ),
    "plan_keeps_changing": (
        "Regeling {plan} wordt steeds tegelijk door iets anders gewijzigd; probeer het opnieuw.",
        "Plan {plan} keeps changing; try again.",
    ),
    # a plan's installments paid online and moved in the portal (plans/pay_online.py,
    # plans/self_service.py) and the portal's own forms (services/portal.py, portal_app.py)
    "installment_paid": (
        "Termijn {number} is al betaald.",
        "Installment {number} is paid already.",
    ),
    "installment_paid_processing": (
        "Termijn {number} is al betaald; de betaling wordt verwerkt.",
        "Installment {number} is paid already; the payment is being processed.",
    ),
    "installment_not_payable_now": (
        "Deze termijn kan nu niet online worden betaald.",
        "This installment cannot be paid online now.",
    ),
    "pay_installment_first": ("Betaal eerst termijn {number}.", "Pay installment {number} first."),
    "payment_being_prepared": (
        "Uw betaling wordt klaargezet; probeer het zo opnieuw.",
        "Your payment is being prepared; try again in a moment.",
    ),
    "payment_not_started": (
        "De betaling kon niet worden gestart; probeer het later opnieuw.",
        "The payment could not be started; try again later.",
    ),
    # a portal page older than what is open (newcomer16 #1, #3): shown again, never carried
    # out over what the debtor did not see
    "plan_shown_changed": (
        "Het openstaande bedrag is veranderd sinds u het schema zag: bekijk het nieuwe schema "
        "hieronder en ga opnieuw akkoord als het u past.",
        "What is open changed since you saw the schedule: see the new schedule below and "
        "agree again if it suits you.",
    ),
    "plan_accept_under_way": (
        "Uw akkoord wordt nog verwerkt; uw regeling staat zo dadelijk op deze pagina.",
        "Your agreement is still being processed; your plan will be on this page shortly.",
    ),
    # an invoice handed over to a collection agency: the agency collects it (misc17b); said
    # to the debtor in the portal and to staff making or starting a plan (codereview17 F2)
    "invoice_handed_over": (
        "Factuur {invoice} is overgedragen aan {agency}: het incassobureau int deze, dus "
        "betaling, uitstel of een betalingsregeling loopt via het incassobureau, niet hier.",
        "Invoice {invoice} was handed over to {agency}: the collection agency collects it, so "
        "payment, a postponement or a payment plan goes through the collection agency, not here.",
    ),
    "pay_page_changed": (
        "Wat er openstaat is veranderd sinds u de pagina opende: controleer het bedrag "
        "hieronder en betaal opnieuw.",
        "What is open changed since you opened the page: check the amount below and pay again.",
    ),
    # a running plan's invoice is not postponed (newcomer16 #2): its installments are moved
    "postpone_in_plan": (
        "Factuur {invoices} valt onder uw betalingsregeling: verschuif een termijn op de "
        "pagina van uw regeling (Een termijn uitstellen).",
        "Invoice {invoices} is in your payment plan: move an installment on your plan's page "
        "(Postpone an installment).",
    ),
    "postpone_grant_in_plan": (
        "Factuur {invoices} valt onder lopende regeling {plan} (eerstvolgende termijn "
        "{due}): uitstel van de factuur zou de debiteur zeggen dat hij niet eerder hoeft te "
        "betalen. Weiger het verzoek, of verschuif een termijn van de regeling.",
        "Invoice {invoices} is in running plan {plan} (next installment {due}): postponing "
        "the invoice would tell the debtor he need not pay before then. Refuse the request, "
        "or move an installment of the plan.",
    ),
    "no_plan_offered": (
        "Voor wat openstaat kan geen betalingsregeling worden aangeboden.",
        "No payment plan can be offered for what is open.",
    ),
    "mandate_not_agreed": (
        "Geef toestemming voor de machtiging om per automatische incasso te betalen.",
        "Agree to the direct debit mandate to pay by direct debit.",
    ),
    "plan_not_running_move": (
        "Alleen termijnen van een lopende regeling kunnen worden verschoven.",
        "Only a running plan's installments can be moved.",
    ),
    "installment_not_open": (
        "Termijn {number} staat niet open.",
        "Installment {number} is not open.",
    ),
    "installment_later_date": (
        "Kies een latere datum dan die van de termijn.",
        "Choose a later date than the installment's.",
    ),
    "nothing_open_invoices": (
        "Op deze facturen staat niets meer open.",
        "Nothing is open on these invoices.",
    ),
    "nothing_open_installment": (
        "Op deze termijn staat niets meer open.",
        "Nothing is open on this installment.",
    ),
    "segment_too_long": (
        "Een debiteurgroep heeft ten hoogste {limit} tekens.",
        "A segment has at most {limit} characters.",
    ),
    "reason_too_long": (
        "De reden is langer dan {limit} tekens.",
        "The reason is longer than {limit} characters.",
    ),
    "postpone_range": (
        "Uitstel kan vanaf morgen tot ten hoogste {days} dagen.",
        "A postponement runs from tomorrow up to {days} days.",
    ),
    "dispute_no_reason": ("Zeg waarom u de factuur betwist.", "Say why the invoice is disputed."),
    "requests_per_day": (
        "Ten hoogste {limit} verzoeken per dag; probeer het morgen opnieuw.",
        "At most {limit} requests a day; please try again tomorrow.",
    ),
    "moves_per_day": (
        "Ten hoogste {limit} keer uitstel per dag; probeer het morgen opnieuw.",
        "At most {limit} postponements a day; please try again tomorrow.",
    ),
    "payments_per_day": (
        "Ten hoogste {limit} nieuwe betalingen per dag; probeer het morgen opnieuw of maak het bedrag over.",
        "At most {limit} new payments a day; please try again tomorrow or pay by transfer.",
    ),
    "message_empty": ("Het bericht is leeg.", "The message is empty."),
    "messages_per_day": (
        "Ten hoogste {limit} berichten per dag; probeer het morgen opnieuw.",
        "At most {limit} messages a day; please try again tomorrow.",
    ),
    "choose_date": ("Kies een datum.", "Choose a date."),
    "unknown_outcome": (
        "Onbekende uitkomst van de betaling: {outcome}.",
        "Unknown outcome {outcome}.",
    ),
    "mollie_key_missing": (
        "Voor opdrachtgever {client} is geen Mollie-sleutel ingesteld ({setting}).",
        "No Mollie key is configured for client {client} ({setting}).",
    ),
    # settlements (settlement/service.py)
    "agreement_other_client": (
        "De afrekenafspraak noemt een andere opdrachtgever.",
        "The agreement names another client.",
    ),
    "settlement_building": (
        "Afrekening {run} wordt nog opgesteld; probeer het straks opnieuw.",
        "Settlement {run} is still being built; try again shortly.",
    ),
    # the action list's decisions (request_decisions.py, poison.py)
    "dispute_gone": (
        "Geen van de facturen van deze actie is nog betwist.",
        "None of the item's invoices is disputed any more.",
    ),
    "dispute_end_names_the_day": (
        "Een bericht dat de betwisting beëindigt, noemt de dag waarop de invordering verder gaat: "
        "schrijf het bericht of kies een sneltekst (een sjabloon of een WhatsApp-sjabloon kan "
        "die dag niet noemen).",
        "A message ending a dispute names the day collection resumes: write it or pick a quick "
        "text (a template or a WhatsApp template cannot say it).",
    ),
    "poison_original_gone": (
        "Het oorspronkelijke bericht wordt niet meer bewaard; het kan niet opnieuw worden "
        "verwerkt.",
        "The original message is no longer kept; it cannot be replayed.",
    ),
    "poison_undecodable": (
        "Het bericht kon niet worden gelezen; opnieuw verwerken zou weer mislukken.",
        "The message could not be decoded; replaying it would fail again.",
    ),
    "blob_message_unreadable": (
        "Het bericht over het ingelezen bestand is onleesbaar; het kan niet opnieuw worden "
        "verwerkt.",
        "The blob trigger message is unreadable; it cannot be replayed.",
    ),
    "blob_gone": (
        "Bestand {blob} bestaat niet meer; lees het bestand opnieuw in.",
        "File {blob} is gone; upload the file again.",
    ),
    "send_uncertain": (
        "Het bericht per {channel} aan debiteur {debtor} is mogelijk al verstuurd. Vraag het na "
        "bij de aanbieder en handel deze actie dan af, of verstuur het bericht opnieuw als het "
        "niet is verstuurd.",
        "The {channel} to debtor {debtor} may have gone out already. Check with the provider, "
        "then resolve this item, or send it again if it did not go out.",
    ),
    # money a client pays back to the third-party account (shared/domain/settlement/repayment.py)
    "repayment_reference": (
        "Het kenmerk heeft 1 tot 35 tekens uit de SEPA-tekenset (letters, cijfers, spatie en "
        "/ - ? : ( ) . , ' +), zoals het bankafschrift het toont.",
        "The reference must be 1 to 35 characters of SEPA's set (letters, digits, space and "
        "/ - ? : ( ) . , ' +), as the bank statement shows it.",
    ),
    "repayment_positive": (
        "Een terugbetaling is een bedrag boven nul.",
        "A repayment is a positive amount.",
    ),
    "repayment_before_settlement": (
        "De ontvangstdatum ligt vóór de afrekening die wordt terugbetaald ({day}).",
        "The day of receipt lies before the settlement it repays ({day}).",
    ),
    "repayment_too_old": (
        "De ontvangstdatum ligt meer dan een jaar terug: noem de afrekening die wordt "
        "terugbetaald.",
        "The day of receipt lies more than a year ago: name the settlement it repays.",
    ),
    "repayment_reference_other_amount": (
        "Kenmerk {reference} is al vastgelegd voor {amount}: een terugbetaling wordt eenmaal "
        "per kenmerk vastgelegd.",
        "Reference {reference} is recorded already for {amount}: a repayment is recorded once "
        "per reference.",
    ),
    "repayment_above_owed": (
        "Het bedrag is hoger dan wat de opdrachtgever terug moet betalen ({amount}).",
        "The amount is more than the client owes back ({amount}).",
    ),
    # cases handed over (cases.py)
    "case_withdrawn_already": ("Deze zaak is al ingetrokken.", "This case was withdrawn already."),
    # the 14-day letter sent again, received, undelivered (letter_*.py, dunning.py)
    "letter_again_not_fourteen_day": (
        "Alleen een veertiendagenbrief kan op deze manier opnieuw worden verstuurd.",
        "Only a 14-day letter can be sent again this way.",
    ),
    "letter_again_not_failed": (
        "De veertiendagenbrief is {letter_status}: alleen een brief waarvan het verzenden "
        "mislukte of die terugkwam, kan opnieuw worden verstuurd.",
        "The 14-day letter is {letter_status}: only one that failed or came back can be sent "
        "again.",
    ),
    "letter_step_gone": (
        "De workflow heeft de stap van deze veertiendagenbrief niet meer.",
        "The workflow no longer has this 14-day letter's step.",
    ),
    "letter_nothing_due": (
        "Geen van de facturen van de brief staat nog open voor aanmaning ({why}).",
        "None of the letter's invoices is still due ({why}).",
    ),
    "letter_no_address": (
        "De debiteur heeft geen postadres of e-mailadres waar de brief heen kan; voeg er eerst "
        "een toe.",
        "The debtor has no postal address or e-mail the letter can go to; add one first.",
    ),
    "step_no_template_for_language": (
        "Stap {step} heeft geen sjabloon in het {language}.",
        "Step {step} has no template in {language}.",
    ),
    "letter_refused": (
        "Stap {step}: de veertiendagenbrief is niet verstuurd: {refused}",
        "Step {step}: the 14-day letter was not sent: {refused}",
    ),
    "message_foreign_iban": (
        "Stap {step}: het bericht noemt rekening {iban}, die niet van de opdrachtgever of het "
        "incassobureau is; niet verstuurd (schrijf {{{{ client.iban }}}} in het sjabloon)",
        "Step {step}: the message names the account {iban}, not the client's or the agency's; "
        "not sent (write {{{{ client.iban }}}} in the template)",
    ),
    "hand_message_foreign_iban": (
        "Het bericht noemt rekening {iban}, die niet van de opdrachtgever of het incassobureau "
        "is; niet verstuurd (schrijf {{{{ client.iban }}}} voor de rekening van de opdrachtgever)",
        "The message names the account {iban}, not the client's or the agency's; not sent "
        "(write {{{{ client.iban }}}} for the client's account)",
    ),
    # a link elsewhere diverts the money without an account (people27 F8)
    "message_foreign_link": (
        "Stap {step}: het bericht linkt naar {host}, dat niet de link naar het portaal of de "
        "betaallink is en geen geregistreerd domein van de opdrachtgever; niet verstuurd",
        "Step {step}: the message links to {host}, not the portal's or the payment's link or "
        "one of the client's registered domains; not sent",
    ),
    "hand_message_foreign_link": (
        "Het bericht linkt naar {host}, dat niet de link naar het portaal of de betaallink is "
        "en geen geregistreerd domein van de opdrachtgever; niet verstuurd (schrijf "
        "{{{{ payment_link }}}} of {{{{ portal_link }}}})",
        "The message links to {host}, not the portal's or the payment's link or one of the "
        "client's registered domains; not sent (write {{{{ payment_link }}}} or "
        "{{{{ portal_link }}}})",
    ),
    "not_dunning_message": (
        "{key} is geen bericht van een aanmaningsstap.",
        "{key} is no dunning step's message.",
    ),
    "letter_parties_gone": (
        "Veertiendagenbrief {key}: de opdrachtgever of de debiteur bestaat niet meer.",
        "14-day letter {key}: its client or debtor is gone.",
    ),
    "letter_step_removed": (
        "Veertiendagenbrief {key}: de stap in de workflow bestaat niet meer.",
        "14-day letter {key}: its workflow step is gone.",
    ),
    "letter_never_sent": (
        "De veertiendagenbrief is nooit verstuurd (het verzenden mislukte) en kan dus niet zijn "
        "ontvangen: verstuur hem opnieuw.",
        "The 14-day letter was never sent (its sending failed), so it cannot have been "
        "received: send it again.",
    ),
    "received_before_delivery": (
        "De ontvangstdatum ligt vóór {day}, de eerste dag waarop de post een brief kan bezorgen "
        "die op {posted} is verstuurd.",
        "The day of receipt lies before {day}, the first day the post can deliver a letter "
        "posted on {posted}.",
    ),
    "received_before_posted": (
        "De ontvangstdatum ligt vóór de dag waarop de brief is verstuurd ({day}).",
        "The day of receipt lies before the letter was posted ({day}).",
    ),
    "received_in_future": (
        "De ontvangstdatum ligt in de toekomst.",
        "The day of receipt lies in the future.",
    ),
    "debtor_keeps_changing": (
        "Debiteur {debtor} wordt steeds tegelijk door iets anders gewijzigd; probeer het opnieuw.",
        "Debtor {debtor} keeps changing; try again.",
    ),
    "claims_keep_changing": (
        "Tijdens het bevestigen van de brief bij actiepunt {action} worden de vorderingen steeds "
        "tegelijk gewijzigd (er wordt een betaling geboekt); probeer het opnieuw, of de "
        "dagelijkse run maakt het af.",
        "While the letter of action item {action} was being confirmed its claims kept changing "
        "(a payment being booked); try again, or the daily run finishes it.",
    ),
    "invoice_keeps_changing": (
        "Factuur {invoice} wordt steeds tegelijk door iets anders gewijzigd; probeer het opnieuw.",
        "Invoice {invoice} keeps changing; try again.",
    ),
    "pause_until_past": (
        "Een pauze loopt tot een dag vanaf vandaag ({today}), of zonder dag tot hervatten.",
        "A pause is until a day from today ({today}) on, or without a day until resumed.",
    ),
    "promise_too_far": (
        "Een betaalbelofte geldt voor een dag van vandaag tot en met {day}; spreek voor langer "
        "een betalingsregeling af.",
        "A promise to pay is for a day from today to {day}; for longer, agree a payment plan.",
    ),
    # invoices credited, their PDFs, bank statements (invoice_status.py, invoice_pdfs.py,
    # payment_overview.py)
    "credit_after_today": (
        "De datum van de creditnota ({day}) ligt na vandaag ({today}).",
        "The credit note's date {day} is after today ({today}).",
    ),
    "credit_before_invoice": (
        "De datum van de creditnota ({day}) ligt vóór de factuurdatum ({invoice_day}).",
        "The credit note's date {day} is before the invoice's date ({invoice_day}).",
    ),
    "partial_credit_no_ledger": (
        "Gedeeltelijk crediteren kan alleen met het vorderingenoverzicht, en dat staat hier "
        "niet aan.",
        "Partial credits need the claim ledger, which is not on here.",
    ),
    "credit_above_principal": (
        "De hoofdsom van de factuur is {amount}: meer crediteren kan niet.",
        "The invoice's principal is {amount}: no more can be credited.",
    ),
    "pdf_not_pdf": (
        "Het bestand is geen pdf: kies de factuur als pdf-bestand.",
        "The invoice PDF must be a PDF file.",
    ),
    "pdf_too_large": (
        "Een factuur-pdf is ten hoogste {mib} MiB.",
        "An invoice PDF may be at most {mib} MiB.",
    ),
    "statement_empty": ("Het bestand is leeg.", "The file is empty."),
    "statement_too_large": (
        "Een afschriftbestand is ten hoogste {mb} MB.",
        "A statement file is at most {mb} MB.",
    ),
    # the invoice's and the claim's own rules (shared/domain/invoices.py InvoiceRuleError,
    # shared/domain/ledger/booking.py LedgerRuleError)
    "invoice_in_status": (
        "Factuur {invoice} is {invoice_status}.",
        "Invoice {invoice} is {invoice_status}.",
    ),
    "invoice_not_disputed": (
        "Factuur {invoice} is niet betwist.",
        "Invoice {invoice} is not disputed.",
    ),
    "invoice_paid": ("Factuur {invoice} is al betaald.", "Invoice {invoice} is paid."),
    "dispute_message_too_long": (
        "Het bericht aan de debiteur is te lang (ten hoogste {limit} tekens).",
        "The message to the debtor is too long (at most {limit} characters).",
    ),
    "dispute_needs_reason": (
        "Geef aan waarom de factuur wordt betwist.",
        "A dispute needs a reason.",
    ),
    "credit_note_other_amount": (
        "Creditnota {reference} is al geboekt voor {amount}: een creditnota wordt eenmaal per "
        "kenmerk geboekt. Geef de nieuwe creditnota een eigen kenmerk.",
        "Credit note {reference} was booked for {amount}: a credit note is booked once per "
        "reference. Give a new credit note a reference of its own.",
    ),
    "credit_note_other_kind": (
        "Creditnota {reference} is al geboekt als {note_kind}: een creditnota wordt eenmaal per "
        "kenmerk geboekt, als één soort. Geef een creditnota van de andere soort een eigen "
        "kenmerk.",
        "Credit note {reference} was booked as a {note_kind}: a credit note is booked once per "
        "reference, as one kind. Give a credit note of the other kind a reference of its own.",
    ),
    "partial_credit_below_principal": (
        "Een gedeeltelijke creditering moet lager zijn dan de hoofdsom van de factuur.",
        "A partial credit must be below the invoice's principal.",
    ),
    "partial_credit_range": (
        "Een gedeeltelijke creditering is meer dan nul en minder dan de hoofdsom ({amount}); "
        "crediteer anders de hele factuur.",
        "A partial credit must be above 0 and below the claim's principal ({amount}); credit "
        "the whole invoice instead.",
    ),
    "discount_above_open": (
        "Een korting laat vallen wat nog verschuldigd is: op {day} staat {amount} aan hoofdsom "
        "open. Wat de debiteur betaalde wordt terugbetaald, niet als korting gegeven.",
        "A discount lets go of what is still owed: {amount} of principal is open on {day}. "
        "What the debtor paid is refunded, not discounted.",
    ),
    "payment_exceeds_open": (
        "De betaling is hoger dan de openstaande hoofdsom.",
        "The payment exceeds the open principal.",
    ),
    "no_claim": ("Factuur {invoice} heeft geen vordering.", "No claim for invoice {invoice}."),
    "claim_closed": (
        "De vordering van factuur {invoice} is afgesloten.",
        "The claim of invoice {invoice} is closed.",
    ),
    "nothing_open_invoice": (
        "Op factuur {invoice} staat niets meer open.",
        "Nothing is open on invoice {invoice}.",
    ),
    "waive_what": (
        "Alleen incassokosten of rente kunnen worden kwijtgescholden.",
        "Only costs or interest can be waived.",
    ),
    "waive_positive": (
        "Het bedrag om kwijt te schelden moet meer dan nul zijn.",
        "The amount to waive must be positive.",
    ),
    "waive_stop_interest_costs": (
        "Alleen een kwijtschelding van rente kan de verdere rente stoppen.",
        "Only a waiver of interest can stop further interest.",
    ),
    # a message by hand (conversations/by_hand.py)
    "hand_no_source": (
        "Kies een sneltekst of een sjabloon, of schrijf zelf een tekst.",
        "Give a quick text, a template or a text of your own.",
    ),
    "hand_sources_twice": (
        "Kies één van: een sneltekst, een sjabloon of een eigen tekst, niet meer dan één.",
        "Give one of a quick text, a template or a text of your own, not more than one.",
    ),
    "wa_template_not_described": (
        "WhatsApp-sjabloon {template} is voor deze opdrachtgever niet beschreven.",
        "WhatsApp template {template} is not described for this client.",
    ),
    "quick_text_exists": (
        "Sneltekst {quick_text} bestaat al.",
        "Quick text {quick_text} exists already.",
    ),
    "staff_cannot_write": (
        "Medewerkers kunnen niet schrijven per {channel}.",
        "Staff cannot write by {channel}.",
    ),
    "channel_not_now": (
        "Een bericht per {channel} aan debiteur {debtor} kan nu niet: {channel_reason}.",
        "A message by {channel} to debtor {debtor} is not possible now: {channel_reason}.",
    ),
    "wa_window_closed": (
        "De debiteur heeft de afgelopen 24 uur niet via WhatsApp geschreven: alleen een "
        "goedgekeurd sjabloon kan worden verstuurd.",
        "The debtor has not written on WhatsApp in the last 24 hours: only an approved "
        "template may be sent.",
    ),
    "email_needs_subject": ("Een e-mail heeft een onderwerp nodig.", "An e-mail needs a subject."),
    "no_subject_on_channel": (
        "Een bericht per {channel} heeft geen onderwerp.",
        "A message by {channel} has no subject.",
    ),
    "quick_text_other_channel": (
        "Sneltekst {quick_text} is voor {quick_channel}, niet voor {channel}.",
        "Quick text {quick_text} is for {quick_channel}, not {channel}.",
    ),
    "fourteen_day_by_hand": (
        "De veertiendagenbrief wordt alleen door de workflow verstuurd, niet met de hand.",
        "The 14-day letter is sent by the workflow only, not by hand.",
    ),
    "hand_text_too_long": ("Ten hoogste {limit} tekens.", "At most {limit} characters."),
    "hand_too_many_invoices": ("Ten hoogste {limit} facturen.", "At most {limit} invoices."),
    "hand_invoices_not_debtors": (
        "Geen facturen van deze debiteur: {invoices}.",
        "Not invoices of this debtor: {invoices}.",
    ),
    "idempotency_reused": (
        "Deze Idempotency-Key is al voor een ander bericht gebruikt.",
        "This Idempotency-Key was used for another message.",
    ),
    "reminder_not_sent": (
        "Er is geen brief of e-mail {reminder} aan deze debiteur verstuurd.",
        "No letter or e-mail {reminder} was sent to this debtor.",
    ),
    "reminder_none_yet": (
        "De tekst verwijst naar de herinnering, maar er is nog geen brief of e-mail aan deze "
        "debiteur verstuurd.",
        "The text links to the reminder, but no letter or e-mail was sent to this debtor yet.",
    ),
    # inbound mail linked to debtors (inbound/linking.py)
    "mail_state_unknown": (
        "Kies ongekoppeld, gekoppeld of geen van beide.",
        "The state is unlinked, linked or absent.",
    ),
    "continuation_foreign": (
        "Dit is geen vervolg van deze lijst; open de lijst opnieuw.",
        "Not a continuation of this list; open the list again.",
    ),
    "link_no_debtor": ("Noem ten minste één debiteur.", "Name at least one debtor."),
    "auto_reply_no_answer": (
        "Een automatisch antwoord wordt alleen opgeborgen: het krijgt geen antwoord en "
        "pauzeert niets.",
        "An automatic reply is filed, never answered and never pauses.",
    ),
    "unknown_answer_template": (
        "Onbekend antwoordsjabloon {template}; kies uit {templates}.",
        "Unknown template {template}; use one of {templates}.",
    ),
    "debtors_not_found": (
        "Debiteur(en) niet gevonden: {debtors}.",
        "Debtor(s) not found: {debtors}.",
    ),
    # the dossier's own checks (console/page_dossier.py)
    "invoice_not_debtors": (
        "Factuur {invoice} is niet van deze debiteur.",
        "Invoice {invoice} is not this debtor's.",
    ),
    "pause_no_reason": ("Geef een reden voor de pauze.", "A pause needs a reason."),
    "date_needed": ("Kies een datum.", "A date is needed."),
    "date_shape": ("Dit is geen geldige datum; kies een datum.", "A date is YYYY-MM-DD."),
    "unknown_action": ("Onbekende handeling.", "Unknown action."),
    "choose_channel": (
        "Kies e-mail, sms, WhatsApp of brief.",
        "Choose e-mail, SMS, WhatsApp or letter.",
    ),
    # reports (reports/service.py)
    "report_no_workbook": (
        "Kies eerst een Excel-werkmap (.xlsx).",
        "Choose a workbook (.xlsx) first.",
    ),
    "report_kind_unknown": ("Kies een rapport uit: {kinds}.", "Report must be one of {kinds}."),
    "report_format_unknown": (
        "Kies een bestandsvorm uit: {formats}.",
        "Format must be one of {formats}.",
    ),
    "report_end_before_start": (
        "De einddatum ligt vóór de begindatum.",
        "The end date lies before the start date.",
    ),
    "report_too_long": (
        "Een rapport beslaat ten hoogste {days} dagen.",
        "A report covers at most {days} days.",
    ),
    "sheet_name_invalid": (
        "Een werkbladnaam heeft ten hoogste 31 tekens en geen van [ ] : * ? / \\.",
        "A sheet name has at most 31 characters and none of [ ] : * ? / \\.",
    ),
    # the client's own workbook for its reports (reports/writers.py TemplateError)
    "workbook_unreadable": (
        "Dit is geen Excel-werkmap (.xlsx) die Inning kan lezen.",
        "Not an Excel workbook (.xlsx) Inning can read.",
    ),
    "workbook_too_large": (
        "De werkmap is groter dan {mb} MB.",
        "The workbook is larger than {mb} MB.",
    ),
    "workbook_parts": (
        "De werkmap heeft meer dan {parts} onderdelen.",
        "The workbook has more than {parts} parts.",
    ),
    "workbook_unpacked": (
        "De werkmap is uitgepakt groter dan {mb} MB.",
        "The workbook unpacks to more than {mb} MB.",
    ),
    "workbook_sheets_large": (
        "De werkbladen van de werkmap bevatten meer dan {mb} MB; een sjabloon heeft zijn opmaak "
        "nodig, niet zijn gegevens.",
        "The workbook's sheets hold more than {mb} MB; a template needs its layout, not its data.",
    ),
    "workbook_packed_tight": (
        "Een onderdeel van de werkmap ({part}) is verdacht sterk ingepakt.",
        "A part of the workbook ({part}) is packed suspiciously tight.",
    ),
    # a claim's prescription interrupted or released (prescription_watch.py)
    "interruption_nothing": (
        "Geef de dag waarop de stuiting de debiteur bereikte, een vrijgave, of beide.",
        "Give the day the interruption reached the debtor, a release, or both.",
    ),
    "interruption_day_range": (
        "De dag van de stuiting moet na de vervaldatum liggen en niet in de toekomst.",
        "The day of the interruption must lie after the due date and not in the future.",
    ),
    "release_not_prescribed": (
        "Er is niets vrij te geven: de vordering is niet over haar verjaringsdatum heen; een "
        "vrijgave is voor een vastgehouden vordering.",
        "Nothing to release: the claim is not past its prescription date; a release is given "
        "for a held claim.",
    ),
    # a debtor's message marked as his acknowledgement (domain/law/acknowledgement.py)
    "ack_not_debtors_message": (
        "Alleen een bericht dat de debiteur zelf stuurde (portaal, e-mail, WhatsApp) kan zijn "
        "erkenning zijn; een automatisch antwoord of een bericht aan hem niet.",
        "Only a message the debtor sent (portal, e-mail, WhatsApp) can be his acknowledgement; "
        "an automatic reply or a message sent to him cannot.",
    ),
    "ack_no_invoices": (
        "Kies de facturen die de debiteur in het bericht erkent.",
        "Choose the invoices the debtor acknowledges in the message.",
    ),
    "ack_not_debtors_invoice": (
        "Factuur {invoice} is niet van deze debiteur.",
        "Invoice {invoice} is not this debtor's.",
    ),
    # staff's upload row changing an invoice in collection (claim_terms_changes.py
    # in_collection_refusal): the amount by a credit note, a date only by an administrator's row
    "invoice_in_collection_amount": (
        "Factuur {invoice} is in incasso ({in_collection}): een bestand van een medewerker of een "
        "medewerkerssleutel wijzigt het bedrag niet. Verlaag het met een creditnota (dossier "
        "van de debiteur: Factuur crediteren), trek de factuur in, of laat een beheerder de "
        "regel inlezen (de wijziging wordt dan vastgelegd).",
        "Invoice {invoice} is in collection ({in_collection}): an upload by staff or a staff key does "
        "not change its amount. Lower it by a credit note (the debtor's file: Credit the "
        "invoice), withdraw the invoice, or have an administrator upload the row (the change "
        "is then on the record).",
    ),
    "invoice_in_collection_date": (
        "Factuur {invoice} is in incasso ({in_collection}): een bestand van een medewerker of een "
        "medewerkerssleutel wijzigt de {date_field} niet. Vraag een beheerder (van uw "
        "organisatie of van het incassobureau) de regel in te lezen (de wijziging wordt dan "
        "vastgelegd), of trek de factuur in.",
        "Invoice {invoice} is in collection ({in_collection}): an upload by staff or a staff key does "
        "not change its {date_field}. Ask an administrator (yours or the agency's) to upload "
        "the row (the change is then on the record), or withdraw the invoice.",
    ),
    # wki28: the agency's registration ended, so a consumer's hand-over waits (art. 2 Wki)
    "handover_wki_registration_ended": (
        "De overdracht van consument {debtor} wacht: de Wki-registratie van {agency} was geldig "
        "tot en met {until}, en zonder vernieuwde registratie mag het niet bij consumenten innen "
        "(art. 2 Wki)",
        "The hand-over of consumer {debtor} waits: the Wki registration of {agency} was valid "
        "until {until}, and it may not collect from consumers until renewed (art. 2 Wki)",
    ),
}

# why an invoice is in collection (claim_terms_changes.IN_COLLECTION_WHY) and which of its
# dates a refused row changed
_IN_COLLECTION = {
    "handed_over": ("overgedragen als incassozaak", "handed over as a collection case"),
    "money_booked": ("er is geld op geboekt", "money booked on it"),
    "dunning_started": ("herinneringen gestart", "dunning started"),
    "held_by_plan": ("valt onder een betalingsregeling", "held by a payment plan"),
}
_DATE_FIELD = {"invoice_date": ("factuurdatum", "invoice date"),
               "due_date": ("vervaldatum", "due date")}  # fmt: skip

# what a claim refusal's params name, in the page's language (the others: refusal_text.py)
_OUTBOX_STATUS = {
    "pending": ("nog niet verstuurd", "not sent yet"),
    "inprogress": ("onderweg", "being sent"),
    "sent": ("verstuurd", "sent"),
    "delivered": ("bezorgd", "delivered"),
    "read": ("gelezen", "read"),
    "bounced": ("onbestelbaar", "bounced"),
    "undeliverable": ("niet bezorgd", "undeliverable"),
    "failed": ("mislukt", "failed"),
    "uncertain": ("mogelijk verstuurd", "perhaps sent"),
}


# a partial credit note's kind (booking.CORRECTION_NOTE, DISCOUNT_NOTE)
_NOTE_KIND = {
    "correction": ("correctie (de factuur was te hoog)", "correction (the invoice was too high)"),
    "discount": ("korting", "discount"),
}


def claim_word(name: str, value: object, lang: str) -> str | None:
    """A claim refusal's param ``name`` as words of ``lang``, or None when it is no word."""
    if name in ("channel", "quick_channel"):
        return word("channel", value, lang)
    if name in ("language", "sent_in"):
        return word("language", value, lang)
    if name == "invoice_status":
        return word("invoice_status", value, lang)
    if name == "channel_reason":
        return channel_reason(str(value), lang)
    if name in ("in_collection", "date_field"):
        table = _IN_COLLECTION if name == "in_collection" else _DATE_FIELD
        said = table.get(str(value))
        return None if said is None else said[0] if lang == "nl" else said[1]
    if name == "note_kind":  # a partial credit note's (booking.credit_note_kinds)
        said = _NOTE_KIND.get(str(value))
        return None if said is None else said[0] if lang == "nl" else said[1]
    if name == "letter_status":
        code = str(getattr(value, "value", value))
        known = _OUTBOX_STATUS.get(code)
        return code if known is None else known[0] if lang == "nl" else known[1]
    return None
