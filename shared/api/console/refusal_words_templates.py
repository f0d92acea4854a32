"""Why a message template (or a quick text) fails its check, in Dutch and English: the codes
of shared/domain/dunning/template_reasons.py. Jinja's syntax errors are said part by part
(what was unexpected, what was expected, which block is still open) with the token or tag
as the author typed it; the line number stays with the problem. Braces a sentence shows are
doubled: the sentences are format strings."""

from __future__ import annotations

# code -> (Dutch, English)
TEMPLATE_REFUSALS: dict[str, tuple[str, str]] = {
    # where the problem is
    "tpl_problem_line": (
        "In {part}, regel {line}: {reason}",
        "In the {part}, line {line}: {reason}",
    ),
    "tpl_problem": ("In {part}: {reason}", "In the {part}: {reason}"),
    "tpl_in_subject": ("het onderwerp", "subject"),
    "tpl_in_text": ("de tekst", "text"),
    "tpl_in_html": ("de HTML", "HTML"),
    "tpl_in_language": ("de taal", "language"),
    "tpl_in_template": ("het sjabloon", "template"),
    # Jinja's syntax errors
    "tpl_syntax": ("fout in de opbouw: {parts}.", "syntax error: {parts}."),
    "tpl_unexpected": ("{token} hoort hier niet", "unexpected {token}"),
    "tpl_unexpected_instead": (
        "{token} hoort hier niet, {expected} wel",
        "unexpected {token}, expected {expected}",
    ),
    "tpl_unexpected_char": ("het teken {char} hoort hier niet", "unexpected character {char}"),
    "tpl_ends_expecting": (
        "het sjabloon houdt op waar {expected} moet staan",
        "the template ends where {expected} was expected",
    ),
    "tpl_ends_open": (
        "het sjabloon houdt op terwijl een blok nog open is",
        "the template ends while a block is still open",
    ),
    "tpl_expected_got": (
        "hier hoort {expected}, maar er staat {token}",
        "expected {expected}, got {token}",
    ),
    "tpl_expected_expression": (
        "hier hoort een variabele of waarde, maar er staat {token}",
        "an expression (a variable or a value) belongs here, got {token}",
    ),
    "tpl_expected_name": (
        "na de punt hoort een naam of een getal",
        "a name or a number belongs after the dot",
    ),
    "tpl_comment_open": (
        "een opmerking ({{# …) wordt niet gesloten met #}}",
        "a comment ({{# …) is not closed with #}}",
    ),
    "tpl_tag_name": (
        "na {{% hoort de naam van een opdracht (if, for, set …)",
        "a tag name (if, for, set …) belongs after {{%",
    ),
    "tpl_unknown_tag": ("{tag} is hier geen geldige opdracht", "{tag} is not a known tag here"),
    "tpl_misplaced_tag": (
        "{tag} staat op de verkeerde plek (verkeerd genest)",
        "{tag} is in the wrong place (wrongly nested)",
    ),
    "tpl_looking_for": ("verwacht werd een van {tags}", "one of {tags} was expected"),
    "tpl_innermost": (
        "het binnenste blok dat nog gesloten moet worden is {block}",
        "the innermost block still to be closed is {block}",
    ),
    "tpl_jinja_said": ("Jinja meldt: {detail}", "Jinja says: {detail}"),
    # the tokens Jinja names by their kind
    "tpl_token_print_end": (
        "het einde van een uitdrukking (}}}})",
        "'end of print statement' (}}}})",
    ),
    "tpl_token_print_begin": (
        "het begin van een uitdrukking ({{{{)",
        "'begin of print statement' ({{{{)",
    ),
    "tpl_token_block_end": ("het einde van een opdracht (%}})", "'end of statement block' (%}})"),
    "tpl_token_block_begin": (
        "het begin van een opdracht ({{%)",
        "'begin of statement block' ({{%)",
    ),
    "tpl_token_template_end": ("het einde van het sjabloon", "'end of template'"),
    "tpl_token_name": ("een naam", "a name"),
    "tpl_token_text": ("gewone tekst", "text"),
    # rendering against the sample debtor
    "tpl_unknown_variable": (
        "onbekende variabele {name} (zie de lijst met variabelen)",
        "unknown variable {name} (see the list of variables)",
    ),
    "tpl_unknown_attribute": (
        "onbekend onderdeel {name} (zie de lijst met variabelen)",
        "unknown attribute {name} (see the list of variables)",
    ),
    "tpl_undefined": ("onbekende variabele (Jinja meldt: {detail})", "unknown variable: {detail}"),
    "tpl_not_allowed": (
        "dit mag niet in een sjabloon (Jinja meldt: {detail})",
        "not allowed in a template: {detail}",
    ),
    "tpl_too_much_work": (
        "te veel werk voor één bericht: een lus, getal of tekst is te groot",
        "too much work for a message: a loop, a number or a text is too big",
    ),
    "tpl_too_slow": (
        "het opmaken duurt langer dan {seconds} s en is gestopt",
        "takes longer than {seconds} s to render (stopped)",
    ),
    "tpl_stopped": (
        "het opmaken is gestopt (geheugen of tijd op)",
        "stopped the renderer (memory or time)",
    ),
    "tpl_too_much_memory": (
        "dit bericht vraagt meer geheugen dan een bericht mag",
        "needs more memory than a message may",
    ),
    "tpl_cannot_render": (
        "een waarde wordt hier verkeerd gebruikt (Python meldt: {detail})",
        "a value is used the wrong way here: {detail}",
    ),
    "tpl_cannot_render_kind": (
        "het sjabloon kan niet worden opgemaakt ({kind})",
        "cannot be rendered ({kind})",
    ),
    "tpl_language": (
        "een sjabloon is in het Nederlands (nl) of het Engels (en) geschreven",
        "templates are written in nl or en",
    ),
    # where debtors pay is the administrator's (attack26 F3)
    "tpl_foreign_iban": (
        "noemt rekening {iban}, die geen geregistreerde rekening van de opdrachtgever of de "
        "derdengeldenrekening van het incassobureau is: schrijf {{{{ client.iban }}}} (een "
        "beheerder registreert een andere rekening van de opdrachtgever)",
        "names the account {iban}, which is not one of the client's registered accounts or the "
        "agency's third-party account: write {{{{ client.iban }}}} (an administrator registers "
        "another account of the client)",
    ),
    # nor elsewhere through a link (people27 F8)
    "tpl_foreign_link": (
        "linkt naar {host}, dat niet de link naar het portaal of de betaallink is en geen "
        "geregistreerd domein van de opdrachtgever: schrijf {{{{ payment_link }}}} of "
        "{{{{ portal_link }}}} (het incassobureau registreert het domein van de eigen website "
        "van de opdrachtgever)",
        "links to {host}, which is not the portal's or the payment's link or one of the "
        "client's registered domains: write {{{{ payment_link }}}} or {{{{ portal_link }}}} "
        "(the agency registers the client's own website's domain)",
    ),
    "link_domain_invalid": (
        "{domain} is geen domeinnaam zoals bakkerij.nl",
        "{domain} is not a domain name like bakkerij.nl",
    ),
    # what a 14-day letter must say (art. 6:96 lid 6 BW; Besluit BIK art. 2 lid 3)
    "tpl_letter_lacks": (
        "een veertiendagenbrief moet noemen: {parts} (gebruik {{{{ costs|money }}}} voor het "
        "bedrag). Bijvoorbeeld: {example}",
        "a 14-day letter must state: {parts} (use {{{{ costs|money }}}} for the amount). For "
        "example: {example}",
    ),
    "tpl_letter_lacks_vat": (
        "de veertiendagenbrief van een opdrachtgever die de btw niet kan verrekenen moet noemen: "
        "{parts} (gebruik {{{{ costs_vat|money }}}} voor de btw en zeg dat die wordt berekend "
        "omdat de opdrachtgever haar niet kan verrekenen, Besluit BIK art. 2 lid 3; "
        "{{% if costs_vat %}} houdt haar uit andere brieven)",
        "the 14-day letter of a client that cannot deduct VAT must state: {parts} (use "
        "{{{{ costs_vat|money }}}} for the VAT and say that it is charged because the client "
        "cannot deduct it, Besluit BIK art. 2 lid 3; {{% if costs_vat %}} keeps it out of other "
        "letters)",
    ),
    "tpl_letter_costs_amount": ("het bedrag van de incassokosten", "the collection costs' amount"),
    "tpl_letter_term_from_receipt": (
        "de termijn van veertien dagen, gerekend vanaf de dag na ontvangst",
        "the term of fourteen days counted from the day after receipt",
    ),
    "tpl_letter_one_payment_term": (
        "één termijn om te betalen, de veertien dagen na ontvangst (geen kortere, geen vanaf "
        "de dagtekening, geen vaste datum, geen termijn van een andere brief of factuur)",
        "one term to pay in, the fourteen days from receipt (no fewer days, none from the "
        "letter's date, no fixed date, none of another letter or invoice)",
    ),
    "tpl_letter_consequence": (
        "wat er gebeurt als de debiteur niet op tijd betaalt",
        "what happens if the debtor does not pay in time",
    ),
    "tpl_letter_vat_amount": ("het btw-bedrag", "the VAT amount"),
    "tpl_letter_vat_statement": (
        "de mededeling dat de opdrachtgever de btw niet kan verrekenen",
        "the statement that the client cannot deduct the VAT",
    ),
    # a quick text's layout for its channel (shared/domain/conversations/quick_texts.py)
    "qt_channel": (
        "Snelteksten zijn er voor {channels}.",
        "Quick texts are for {channels}.",
    ),
    "qt_choose_channel": (
        "Kies e-mail, sms, WhatsApp of brief.",
        "Choose e-mail, SMS, WhatsApp or letter.",
    ),
    "qt_id": (
        "1 tot 64 letters, cijfers, '-' of '_'.",
        "1 to 64 letters, digits, '-' or '_'.",
    ),
    "qt_name": (
        "Geef de sneltekst een naam die medewerkers herkennen.",
        "Give the quick text a name staff recognise.",
    ),
    "qt_text_empty": ("De tekst is leeg.", "The text is empty."),
    "qt_whatsapp_only": (
        "Alleen een WhatsApp-sneltekst noemt een WhatsApp-sjabloon.",
        "Only a WhatsApp quick text names a WhatsApp template.",
    ),
    "qt_text_too_long": (
        "Hoogstens {limit} tekens voor {channel}.",
        "At most {limit} characters for {channel}.",
    ),
    "qt_language": (
        "Een sneltekst is in het Nederlands (nl) of het Engels (en) geschreven.",
        "Quick texts are written in nl or en.",
    ),
    "qt_sms_parts": (
        "Deze sms gaat in {parts} delen (elk deel wordt gerekend).",
        "This SMS is sent in {parts} parts (each billed).",
    ),
    "qt_not_gsm7": (
        "Tekens buiten het GSM-alfabet: 70 tekens per deel in plaats van 160.",
        "Characters outside the GSM alphabet: 70 characters per part instead of 160.",
    ),
    # filling an approved WhatsApp template for a debtor (shared/domain/conversations/whatsapp.py)
    "wa_template_unfilled": (
        "WhatsApp-sjabloon {name}: {problem}",
        "WhatsApp template {name}: {problem}",
    ),
    "wa_param_separator": (
        "een parameter bevat het scheidingsteken zelf",
        "a parameter rendered the separator itself",
    ),
    "wa_button_no_link": (
        "de debiteur heeft geen betaallink voor de knop",
        "the debtor has no payment link to put in the button",
    ),
    "wa_button_other_url": (
        "de betaallink begint niet met de goedgekeurde URL van de knop {url}",
        "the payment link does not start with the approved button URL {url}",
    ),
}
