"""The refusals of a client's settings, workflows, templates, onboarding and people, in the
page's language (merged into refusal_text.REFUSALS; the same blanks in both sentences)."""

from __future__ import annotations

# code -> (Dutch, English); {names} are the refusal's params
SETTINGS_REFUSALS: dict[str, tuple[str, str]] = {
    # passwords (shared/domain/people/passwords.py)
    "password_short": (
        "Kies een wachtwoord van minstens {limit} tekens.",
        "Use at least {limit} characters.",
    ),
    "password_long": (
        "Kies een wachtwoord van hoogstens {limit} tekens.",
        "Use at most {limit} characters.",
    ),
    "password_common": (
        "Dit wachtwoord staat op een lijst van veelgebruikte of uitgelekte wachtwoorden; kies "
        "een ander.",
        "This password is on a list of common or breached passwords; choose another.",
    ),
    "password_guessable": (
        "Dit wachtwoord is hier te makkelijk te raden (uw e-mailadres of een woord uit deze "
        "toepassing); kies een ander.",
        "This password is too easy to guess here (your address or a word of this application).",
    ),
    "password_current_wrong": (
        "Het huidige wachtwoord klopt niet.",
        "The current password is not right.",
    ),
    # second factors and the account (shared/services/people/accounts.py)
    "totp_mismatch": (
        "Die code klopt niet; controleer de tijd op uw telefoon en probeer het opnieuw.",
        "That code does not match; check the time on your phone and try again.",
    ),
    "sms_code_mismatch": (
        "Die code klopt niet of is verlopen; vraag een nieuwe aan.",
        "That code does not match or has expired; ask for a new one.",
    ),
    "mobile_invalid": (
        "Vul een mobiel nummer in, zoals +31612345678.",
        "Expected a mobile number such as +31612345678.",
    ),
    "account_changed": (
        "Uw account is intussen gewijzigd; probeer het opnieuw.",
        "Your account changed meanwhile; try again.",
    ),
    # people and invitations (shared/domain/people/accounts.py, services/people/admin.py)
    "email_invalid": (
        "Vul een e-mailadres in, zoals naam@voorbeeld.nl.",
        "Expected an e-mail address such as name@example.nl.",
    ),
    "role_of_agency": (
        "Deze rol is voor de eigen mensen van de incassopartij, niet voor die van een klant.",
        "This role is for the agency's own people, not for a client's.",
    ),
    "role_needs_client": (
        "Deze rol hoort bij een klant: kies de klant.",
        "This role belongs to a client: choose the client.",
    ),
    "role_choice": ("Kies een rol.", "Choose a role."),
    "role_of_client": (
        "De mensen van een klant krijgen een rol van de klant.",
        "A client's people have a client's role.",
    ),
    "address_being_invited": (
        "Dit adres wordt al uitgenodigd; als dat is afgebroken, probeer het over een paar "
        "minuten opnieuw.",
        "This address is being invited; if that was cut short, try again in a few minutes.",
    ),
    "address_has_account": (
        "Dit adres heeft al een account.",
        "This address already has an account.",
    ),
    "invite_sandbox_domain": (
        "Deze klant is nog niet goedgekeurd door het incassobureau: tot dan nodigt u alleen "
        "adressen van uw eigen domein uit ({domain}; niet van een openbare maildienst zoals "
        "gmail.com).",
        "This client has not been approved by the agency yet: until then you invite only "
        "addresses of your own domain ({domain}; not a public mail provider's such as gmail.com).",
    ),
    "invite_sandbox_limit": (
        "Deze klant is nog niet goedgekeurd door het incassobureau en heeft de {limit} "
        "uitnodigingen verstuurd die hij tot dan mag versturen.",
        "This client has not been approved by the agency yet and has sent the {limit} "
        "invitations it may send until then.",
    ),
    "audit_range": (
        "De einddatum valt op of na de begindatum, hoogstens {limit} dagen later.",
        "'To' must be on or after 'from', at most {limit} days later.",
    ),
    "broadcast_texts": (
        "Een mededeling heeft een Nederlandse en een Engelse tekst.",
        "A broadcast needs a Dutch and an English text.",
    ),
    "broadcast_until": (
        "De einddatum valt op of na de begindatum.",
        "'Until' must be on or after 'from'.",
    ),
    # onboarding (shared/services/people/onboarding.py, services/onboarding.py)
    "client_name_number": (
        "Een klant heeft een naam en een nummer.",
        "A client needs a name and a number.",
    ),
    "client_number_taken": (
        "Klantnummer {number} is al in gebruik.",
        "Client number {number} is taken.",
    ),
    "client_onboarded_other_details": (
        "Klant {number} is al aangemeld met andere gegevens ({fields}): stuur de aanmelding "
        "met de gegevens van toen, en wijzig ze daarna bij de klant.",
        "Client {number} was onboarded with other details ({fields}): send the onboarding with "
        "the details it had, then change them on the client.",
    ),
    "onboard_without_bank_account": (
        "Klant {number} heeft een bankrekening nodig: zijn herinneringen en brieven vragen "
        "debiteuren vanaf de eerste dagelijkse run daarheen te betalen. Geef zijn IBAN op.",
        "Client {number} needs a bank account: its reminders and letters ask debtors to pay to "
        "it from the first daily run. Give its IBAN.",
    ),
    "no_bank_account": (
        "Klant {client} heeft geen eigen bankrekening (geen, of alleen een rekening die van een "
        "ander is gebleken): dit zou de debiteur vragen naar geen rekening van de klant te "
        "betalen. Registreer eerst de eigen IBAN van de klant.",
        "Client {client} has no bank account of its own (none, or only another party's proven "
        "account): this would ask the debtor to pay into no account of the client's. Register "
        "the client's own IBAN first.",
    ),
    "approve_without_bank_account": (
        "Klant {number} heeft nog geen bankrekening: zijn herinneringen en brieven zouden "
        "debiteuren vragen naar geen enkele rekening te betalen. Laat de klant eerst een rekening "
        "opgeven (Instellingen, Bankrekeningen) en keur hem daarna goed.",
        "Client {number} has no bank account yet: its reminders and letters would ask debtors "
        "to pay to no account at all. Have the client's account registered first (Settings, "
        "Bank accounts), then approve it.",
    ),
    "refuse_approved_signup": (
        "Klant {number} is al goedgekeurd: een aanmelding wordt alleen voor de goedkeuring "
        "geweigerd. Deactiveer de klant als hij moet stoppen.",
        "Client {number} is approved already: a sign-up is refused only before its approval. "
        "Deactivate the client if it should stop.",
    ),
    "signup_refusal_reason": (
        "Geef de reden van de weigering: het bedrijf krijgt haar te lezen.",
        "Give the reason for the refusal: the business is told it.",
    ),
    "signup_closed": (
        "Aanmelden kan hier niet; vraag uw incassopartij om een uitnodiging.",
        "Sign-up is closed here; ask your collection agency for an invitation.",
    ),
    "signup_company": ("Vul de bedrijfsnaam in.", "Enter the company name."),
    "signup_company_text": (
        "Geef de bedrijfsnaam op één regel, zonder link.",
        "Give the company name on one line, without a link.",
    ),
    "kvk_invalid": (
        "Een KvK-nummer heeft 8 cijfers.",
        "A KvK number has 8 digits.",
    ),
    "dunning_starts_on_invalid": (
        "Geef de dag waarop de invordering begint als datum (2026-12-14).",
        "Give the day the dunning starts as a date (2026-12-14).",
    ),
    "dunning_starts_on_too_far": (
        "De dag waarop de invordering begint ligt hoogstens {days} dagen vooruit.",
        "The day the dunning starts is at most {days} days ahead.",
    ),
    "first_steps_per_day_invalid": (
        "Geef het aantal eerste stappen per dag als getal van 1 tot {limit}, of laat het leeg.",
        "Give the first steps a day as a number from 1 to {limit}, or leave it empty.",
    ),
    "onboarded_on_invalid": (
        "Geef de dag waarop de klant is aangenomen als datum (2026-11-20).",
        "Give the day the client was taken on as a date (2026-11-20).",
    ),
    "iban_taken": (
        "IBAN {iban} is al geregistreerd voor een andere klant of incassopartij.",
        "IBAN {iban} is registered to another client or agency.",
    ),
    # IBANs (shared/domain/references/iban.py) and their ownership (account_ownership.py)
    "iban_shape": (
        "Dit is geen IBAN (verwacht: landcode, twee controlecijfers en het rekeningnummer).",
        "Not an IBAN (expected country code, two check digits and the account number).",
    ),
    "iban_country": (
        "IBAN-land {country} is geen SEPA-land.",
        "IBAN country {country} is not a SEPA country.",
    ),
    "iban_length": (
        "Een IBAN uit {country} heeft {expected} tekens, deze {found}.",
        "An IBAN from {country} has {expected} characters, this one {found}.",
    ),
    "iban_check": (
        "De controlecijfers van de IBAN kloppen niet (een tikfout?).",
        "The IBAN's check digits do not match (a typo?).",
    ),
    "iban_code_mismatch": ("De code klopt niet.", "The code does not match."),
    "iban_self_registered": (
        "De klant heeft deze rekening zelf geregistreerd, dus de eigen bevestiging bewijst "
        "niets: maak een klein bedrag over van deze rekening naar de rekening van de "
        "incassopartij met de code in de omschrijving, of vraag de incassopartij te beslissen.",
        "The client registered this account itself, so its own confirmation proves nothing: "
        "transfer a small amount from this account to the agency's account with the code in "
        "the description, or ask the agency to decide.",
    ),
    "iban_agency_own": (
        "Dit is de eigen rekening van de incassopartij (haar derdengeldenrekening): die kan "
        "aan geen klant worden gegeven.",
        "This is the agency's own account (its third-party funds): it is no client's to be given.",
    ),
    # the client's details, house style and collecting (shared/services/client_settings.py)
    "client_name_length": (
        "De naam heeft 1 tot 200 tekens.",
        "The name must have 1 to 200 characters.",
    ),
    "person_name_characters": (
        "De naam staat op één regel, zonder stuurtekens of tekens die de leesrichting omkeren.",
        "The name is one line, without control characters or characters that turn the reading "
        "direction.",
    ),
    "client_name_characters": (
        "De naam staat op één regel, zonder stuurtekens of tekens die de leesrichting omkeren.",
        "The name is one line, without control characters or characters that turn the reading "
        "direction.",
    ),
    # wki27: where a debtor who disagrees can go
    "complaint_procedure_invalid": (
        "De klachtenregeling is één regel (een webadres of een korte tekst) van hoogstens 500 "
        "tekens.",
        "The complaint procedure is one line (a web address or a short text) of at most 500 "
        "characters.",
    ),
    "disputes_committee_name": (
        "Vul de naam van de geschillencommissie in (één regel, hoogstens 200 tekens), of kies "
        "'niet aangesloten' of 'niet vastgelegd'.",
        "Fill in the name of the disputes committee (one line, at most 200 characters), or "
        "choose 'not affiliated' or 'not recorded'.",
    ),
    # review27 F2: the complaint route reaches every disputing debtor, as a template does
    "complaint_route_foreign_iban": (
        "Hier staat rekeningnummer {iban}: dat is geen rekening van de opdrachtgever of van het "
        "incassobureau. Een debiteur mag alleen naar die rekeningen worden verwezen.",
        "This names account {iban}, which is not the client's or the agency's. A debtor may "
        "only be pointed to those accounts.",
    ),
    "disputes_committee_choice": (
        "Kies of de opdrachtgever bij een geschillencommissie is aangesloten.",
        "Choose whether the client is affiliated with a disputes committee.",
    ),
    "postal_address_line": (
        "Vul straat en huisnummer, postcode en plaats van het postadres in (elk hoogstens "
        "{limit} tekens), of laat ze alle drie leeg.",
        "Fill in the postal address's street, postal code and city (each at most {limit} "
        "characters), or leave all three empty.",
    ),
    "postal_address_postcode": (
        "Een Nederlandse postcode ziet eruit als 1234 AB.",
        "A Dutch postal code looks like 1234 AB.",
    ),
    "postal_address_characters": (
        "Het postadres bevat een stuur- of schrijfrichtingsteken; typ het opnieuw.",
        "The postal address holds a control or text-direction character; type it again.",
    ),
    "postal_address_account_or_link": (
        "Het postadres noemt een rekeningnummer of een link; debiteuren lezen het in brieven.",
        "The postal address names an account or a link; debtors read it in letters.",
    ),
    "postal_address_country": (
        "{country} is geen landcode; gebruik bijvoorbeeld NL, BE of DE.",
        "{country} is not a country code; use for example NL, BE or DE.",
    ),
    "phone_length": (
        "Een telefoonnummer heeft hoogstens 30 tekens.",
        "A phone number has at most 30 characters.",
    ),
    "phone_invalid": (
        "Dat is geen telefoonnummer. Typ een nummer zoals 030 123 45 67 of, met landcode, "
        "+32 470 12 34 56.",
        "That is not a phone number. Type a number such as 030 123 45 67 or, with its country "
        "code, +32 470 12 34 56.",
    ),
    "phone_premium_rate": (
        "Een betaald informatienummer (0900, 0906, 0909) kost de debiteur meer dan een gewoon "
        "gesprek; geef een gewoon nummer op.",
        "A premium-rate number (0900, 0906, 0909) costs the debtor more than a call; give an "
        "ordinary number.",
    ),
    "language_choice": (
        "Kies Nederlands of Engels als taal.",
        "The language is Dutch or English.",
    ),
    "colour_invalid": (
        "Schrijf een kleur als #rrggbb (bijvoorbeeld #1a4f8b).",
        "A colour is written #rrggbb (for example #1a4f8b).",
    ),
    "footer_length": (
        "De voettekst heeft hoogstens 500 tekens.",
        "The footer text has at most 500 characters.",
    ),
    # attack31 F1: the footer is under every letter and e-mail a debtor reads
    "footer_foreign_iban": (
        "De voettekst noemt rekeningnummer {iban}: dat is geen bewezen rekening van de "
        "opdrachtgever of de derdengeldenrekening van het incassobureau.",
        "The footer names account {iban}, which is not one of the client's proven accounts nor "
        "the agency's third-party account.",
    ),
    "footer_foreign_link": (
        "De voettekst linkt naar {host}: dat is geen pagina van Inning en geen domein dat het "
        "incassobureau voor de opdrachtgever heeft vastgelegd.",
        "The footer links to {host}, which is neither an Inning page nor a domain the agency "
        "registered for the client.",
    ),
    "threshold_range": (
        "De drempel is een percentage van 50 tot en met 100.",
        "The threshold is a percentage from 50 to 100.",
    ),
    "dunning_minimum_amount": (
        "De ondergrens om aan te manen is een bedrag in euro's, bijvoorbeeld 5,00.",
        "The dunning minimum is an amount in euros, e.g. 5.00.",
    ),
    "dunning_minimum_limit": (
        "De ondergrens om aan te manen is ten hoogste {amount}.",
        "The dunning minimum is at most {amount}.",
    ),
    "postpone_days": (
        "Het aantal dagen is een heel getal van 0 tot en met {limit}.",
        "The days are a whole number from 0 to {limit}.",
    ),
    "channel_unknown": ("Onbekend kanaal: {channel}.", "Unknown channel: {channel}."),
    "image_kind": (
        "De afbeelding is een logo, een kop of een voet.",
        "The image is a logo, a header or a footer.",
    ),
    "image_missing": ("Kies een afbeeldingsbestand.", "Choose an image file."),
    "image_type": (
        "De afbeelding moet een PNG-, JPEG- of GIF-bestand zijn.",
        "The image must be a PNG, JPEG or GIF file.",
    ),
    "image_size": (
        "De afbeelding mag hoogstens {limit} KiB groot zijn.",
        "The image may be at most {limit} KiB.",
    ),
    # agreed collection costs for businesses (client_settings.py, agreed_costs_change.py)
    "costs_basis": (
        "Kies de staffel, een percentage of een vast bedrag.",
        "Choose the staffel, a percentage or a fixed amount.",
    ),
    "percent_range": (
        "Het percentage is een getal boven 0 en hoogstens {limit}.",
        "The percentage is a number above 0 and at most {limit}.",
    ),
    "percent_decimals": (
        "Het percentage heeft hoogstens twee decimalen.",
        "The percentage has at most two decimals.",
    ),
    "amount_euros": (
        "Het bedrag is in euro's, zoals 250,00.",
        "The amount is in euros, like 250.00.",
    ),
    "amount_positive": (
        "Het bedrag is in euro's, boven 0.",
        "The amount is in euros, above 0.",
    ),
    "amount_decimals": (
        "Het bedrag heeft hoogstens twee decimalen.",
        "The amount has at most two decimals.",
    ),
    "fixed_range": (
        "Het bedrag is in euro's, boven 0 en hoogstens {amount}.",
        "The amount is in euros, above 0 and at most {amount}.",
    ),
    "costs_announced": (
        "De incassokosten van {count} openstaande zakelijke vordering(en) ({claims}) zijn al "
        "aangekondigd in een sommatie of 14-dagenbrief op de huidige afspraak; een "
        "wijziging zou een ander bedrag vragen dan de brief noemde. Wijzig de afspraak pas als "
        "die zijn afgewikkeld.",
        "{count} open business claim(s) ({claims}) had their costs announced in a sommatie or "
        "14-day letter on the current terms; a change would ask another amount than the letter "
        "said. Change the agreed costs once they are settled.",
    ),
    # templates and workflows (shared/services/dunning_setup.py)
    "template_name": (
        "Een sjabloon heeft een naam van hoogstens {limit} tekens.",
        "A template needs a name of at most {limit} characters.",
    ),
    "template_subject_length": (
        "Het onderwerp mag hoogstens {limit} tekens hebben.",
        "The subject may be at most {limit} characters.",
    ),
    "template_text_length": (
        "De tekst mag hoogstens {limit} tekens hebben.",
        "The text may be at most {limit} characters.",
    ),
    "template_html_length": (
        "De HTML mag hoogstens {limit} tekens hebben.",
        "The HTML may be at most {limit} characters.",
    ),
    "copy_needs_name": (
        "Een kopie binnen dezelfde klant heeft een nieuwe naam nodig.",
        "A copy within the client needs a new name.",
    ),
    "workflow_id_length": (
        "Een workflow heeft een naam in Inning van hoogstens {limit} tekens.",
        "A workflow needs a name in Inning of at most {limit} characters.",
    ),
    "workflow_name_length": (
        "Een workflow heeft een naam van hoogstens {limit} tekens.",
        "A workflow needs a name of at most {limit} characters.",
    ),
    "workflow_steps": (
        "Een workflow heeft 1 tot en met {limit} stappen.",
        "A workflow has 1 to {limit} steps.",
    ),
    "workflow_bundle_days": (
        "Bundelen gaat van 0 (uit) tot en met {limit} dagen.",
        "bundle_days is 0 (off) to {limit} days.",
    ),
    "step_no_text_in_language": (
        "Stap {n} ({step}) heeft geen tekst in het {language}: wie {language} leest, krijgt deze stap helemaal in het {sent_in}.",
        "Step {n} ({step}) has no text in {language}: debtors who read {language} get this step wholly in {sent_in}.",
    ),
    "steps_same_id": (
        "Twee stappen hebben hetzelfde kenmerk.",
        "Two steps have the same id.",
    ),
    "step_name": (
        "Stap {n} heeft een naam van hoogstens {limit} tekens nodig.",
        "Step {n} needs a name of at most {limit} characters.",
    ),
    "step_days": (
        "Stap {n} ({step}): het aantal dagen ligt tussen {low} en {high}.",
        "Step {n} ({step}): days from {low} to {high}.",
    ),
    "step_fallback": (
        "Stap {n} ({step}): geen terugval via {channel}.",
        "Step {n} ({step}): no fallback by {channel}.",
    ),
    "step_letter_by": (
        "Stap {n} ({step}): een 14-dagenbrief gaat per brief of per e-mail.",
        "Step {n} ({step}): a 14-day letter goes by letter or e-mail.",
    ),
    "step_debtor_kinds": (
        "Stap {n} ({step}): kies zakelijke debiteuren, consumenten of beide.",
        "Step {n} ({step}): for business or consumer debtors, or both.",
    ),
    "step_amount_negative": (
        "Stap {n} ({step}): het bedrag vanaf waar de stap geldt is negatief.",
        "Step {n} ({step}): the amount from which it applies is negative.",
    ),
    "step_language": (
        "Stap {n} ({step}): geen taal {languages}.",
        "Step {n} ({step}): no language {languages}.",
    ),
    # activating a workflow (shared/domain/dunning/workflow.py activation_errors)
    "workflow_not_activatable": (
        "De workflow kan niet actief worden: {problems}",
        "The workflow cannot be activated: {problems}",
    ),
    "template_breaks_workflow": (
        "Een actieve workflow gebruikt dit sjabloon en zou zijn controles dan niet meer "
        "doorstaan: {problems}",
        "An active workflow uses the template and would fail its checks: {problems}",
    ),
    "active_workflow_fails": (
        "Actieve workflow {workflow}: {problem}",
        "Active workflow {workflow}: {problem}",
    ),
    "workflow_no_steps": (
        "Een workflow heeft minstens één stap.",
        "A workflow needs at least one step.",
    ),
    "step_letter_on_due_date": (
        "Stap {n} ({step}): de 14-dagenbrief kan op de vervaldatum zelf uitgaan, voordat de "
        "debiteur in verzuim is; hij mag uitgaan vanaf de dag na de vervaldatum.",
        "Step {n} ({step}): the 14-day letter can go out on the due date, before the debtor "
        "is in default; it may go out from the day after the due date.",
    ),
    "step_letter_before_due_date": (
        "Stap {n} ({step}): de 14-dagenbrief kan {days} dag(en) vóór de vervaldatum uitgaan, "
        "voordat de debiteur in verzuim is; hij mag uitgaan vanaf de dag na de vervaldatum.",
        "Step {n} ({step}): the 14-day letter can go out {days} day(s) before the due date, "
        "before the debtor is in default; it may go out from the day after the due date.",
    ),
    "step_after_handover": (
        "Stap {n} ({step}) draagt de vordering over aan het incassobureau: daarna mag geen stap "
        "meer komen ({count} komen er nog).",
        "Step {n} ({step}) hands the claim over to the agency: no step may come after it "
        "({count} do).",
    ),
    "step_letter_fallback": (
        "Stap {n} ({step}): een 14-dagenbrief kan niet terugvallen op {channel}: alleen een "
        "brief of een e-mail is een schriftelijke aanmaning (een taak voor een medewerker mag "
        "in de plaats komen, zonder dat de termijn voor de kosten begint).",
        "Step {n} ({step}): a 14-day letter cannot fall back to {channel}: only a letter or an "
        "e-mail is a written demand (a staff task may stand in, without starting the costs "
        "term).",
    ),
    "step_no_template": (
        "Stap {n} ({step}) heeft geen sjabloon.",
        "Step {n} ({step}) has no template.",
    ),
    "step_template_missing": (
        "Stap {n} ({step}): sjabloon {template} bestaat niet.",
        "Step {n} ({step}): template {template} does not exist.",
    ),
    "step_template_not_letter": (
        "Stap {n} ({step}): het sjabloon in het {language} is niet gemarkeerd als 14-dagenbrief.",
        "Step {n} ({step}): the {language} template is not marked as a 14-day letter.",
    ),
    "step_template_invalid": (
        "Stap {n} ({step}), {language}: {problem}",
        "Step {n} ({step}), {language}: {problem}",
    ),
    "rule_unknown_workflow": (
        "Regel {n}: er is geen workflow {workflow}.",
        "Rule {n}: there is no workflow {workflow}.",
    ),
    "rule_range": (
        "Regel {n}: 'Vanaf open' is hoger dan 'Tot open'.",
        "Rule {n}: 'from open' is above 'up to open'.",
    ),
    "whatsapp_template_unknown": (
        "WhatsApp-sjabloon {name} is niet beschreven: voeg het (met de goedgekeurde talen, "
        "de parameters van de tekst en de URL van de knop) toe onder WhatsApp-sjablonen "
        "voordat het kan worden verstuurd.",
        "WhatsApp template {name} is not described: add it (its approved languages, body "
        "parameters and button URL) under WhatsApp templates before it can be sent.",
    ),
    # describing a WhatsApp template Meta approved (shared/domain/conversations/whatsapp.py)
    "wat_name": (
        "De goedgekeurde naam: kleine letters, cijfers en liggende streepjes.",
        "The approved name: lower-case letters, digits and underscores.",
    ),
    "wat_no_language": (
        "Noem minstens één goedgekeurde taal.",
        "Name at least one approved language.",
    ),
    "wat_language_code": (
        "{language} is geen WhatsApp-taalcode (nl, en_US).",
        "{language} is not a WhatsApp language code (nl, en_US).",
    ),
    "wat_params_max": (
        "Hoogstens {limit} parameters.",
        "At most {limit} parameters.",
    ),
    "wat_param_expression": (
        "Parameter {n}: een uitdrukking zoals debtor.name.",
        "Parameter {n}: an expression such as debtor.name.",
    ),
    "wat_button_https": (
        "De goedgekeurde URL van de knop begint met https://.",
        "The approved button URL starts with https://.",
    ),
    "wat_button_index": (
        "Een knopnummer van 0 tot en met 9.",
        "A button index from 0 to 9.",
    ),
}
