"""The reasons an upload row was refused, in Dutch on the Dutch pages.

The reasons come from the API's own checks (pydantic's messages and the import service's),
which speak English to integrations; the console translates the ones it knows, shape by
shape, and shows any other reason as it is rather than guess at it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from shared.api.console.code_text import word
from shared.api.console.invoice_csv import DUTCH
from shared.api.console.refusal_text import refusal
from shared.api.console.shapes import in_language, shapes
from shared.domain.money import format_eur_nl
from shared.domain.reasons import CodedError
from shared.services.batch import RowError
from shared.services.claim_terms_changes import IN_COLLECTION_WHY
from shared.services.invoice_upload import line_of

_DUTCH = shapes(
    (
        (r"^Field required$", lambda m: "verplicht, maar leeg"),
        (r"^Input should be a valid decimal$", lambda m: "geen bedrag (voorbeeld: 1250,50)"),
        (r"^(?:Input should be a valid date|expected a date as YYYY-MM-DD)\b.*$",
         lambda m: "geen datum (voorbeeld: 31-12-2025 of 2025-12-31)"),
        (r"^Decimal input should have no more than (\d+) decimal places?$",
         lambda m: f"hoogstens {m[1]} cijfers achter de komma"),
        (r"^Decimal input should have no more than (\d+) digits in total$",
         lambda m: f"hoogstens {m[1]} cijfers"),
        (r"^Input should be greater than (\S+)$", lambda m: f"moet groter zijn dan {m[1]}"),
        (r"^Input should be greater than or equal to (\S+)$",
         lambda m: f"moet minstens {m[1]} zijn"),
        (r"^String should have at most (\d+) characters?$",
         lambda m: f"hoogstens {m[1]} tekens"),
        (r"^String should have at least (\d+) characters?$",
         lambda m: f"minstens {m[1]} tekens"),
        (r"^Input should be 'consumer_sale' or 'other'$",
         lambda m: "soort vordering: koop (consumentenkoop, 2 jaar) of overig (dienst, huur, "
         "abonnement: 5 jaar)"),
        (r"^(?:Value error, )?'(.+)' is below zero: a credit note is not an invoice; .*$",
         lambda m: f"'{m[1]}' is negatief: een creditnota is geen factuur; lees de factuur in die "
         "hij crediteert en boek de creditnota daarop (dossier van de debiteur: Factuur "
         "crediteren)"),
        (r"^(?:Value error, )?'(.+)' is below zero: an amount here is never negative$",
         lambda m: f"'{m[1]}' is negatief: een bedrag is hier nooit kleiner dan nul"),
        (r"^(?:Value error, )?'(.+)' is not an amount in euros with at most two decimals: .*$",
         lambda m: f"'{m[1]}' is geen bedrag met hoogstens twee cijfers achter de komma: een "
         "scheidingsteken voor duizendtallen? schrijf twaalfhonderdvijftig euro als 1250 of "
         "1250,00 (of 1.250,00)"),
        (r"^Extra inputs are not permitted$", lambda m: "meer cellen dan kolommen"),
        (r"^must lie between (\S+) and (\S+)$", lambda m: f"moet tussen {m[1]} en {m[2]} liggen"),
        (r"^due_date is before invoice_date$", lambda m: "de vervaldatum ligt vóór de factuurdatum"),
        (r"^fourteen_day_letter_on is on or before due_date.*$",
         lambda m: "de veertiendagenbrief ligt op of vóór de vervaldatum"),
        (r"^interest_from is on or before due_date.*$",
         lambda m: "rente vanaf ligt op of vóór de vervaldatum (nog geen verzuim)"),
        (r"^contract_date is after due_date.*$",
         lambda m: "de contractdatum ligt na de vervaldatum"),
        (r"^open_amount exceeds amount$",
         lambda m: "het openstaande bedrag is hoger dan het factuurbedrag"),
        (r"^invoice (.+): its 14-day letter announced the costs over the amount then.*"
         r"invoice date and due date \((\S+), due (\S+)\).*$",
         lambda m: f"factuur {m[1]}: de veertiendagenbrief noemde de kosten over het bedrag van "
         "toen; stuur het verschil als nieuwe factuur met de factuur- en vervaldatum van deze "
         f"factuur ({_day(m[2])}, vervaldatum {_day(m[3])}) en een eigen veertiendagenbrief, "
         "zodat de kosten samen met die van deze vordering worden berekend (één staffel over "
         "het hele bedrag; later gedateerd krijgt het verschil een eigen staffel), of verlaag "
         "met een creditnota"),
        (r"^invoice (.+) is held as past its prescription date; this change would lift the hold.*$",
         lambda m: f"factuur {m[1]} staat stil omdat hij verjaard kan zijn; deze wijziging zou "
         "dat opheffen: een beheerder beslist dat (verjaring vrijgeven of stuiting vastleggen)"),
        (r"^invoice (.+): its (claim kind|due date) changes after the (14-day letter|prescription hold) only by an administrator.*$",
         lambda m: f"factuur {m[1]}: {'de soort vordering' if m[2] == 'claim kind' else 'de vervaldatum'} "
         f"wijzigt na {'de veertiendagenbrief' if m[3] == '14-day letter' else 'de verjaringsstop'} "
         "alleen door een beheerder"),
        (r"^invoice (.+): Inning sent its own 14-day letter on (\S+); the import cannot assert a letter of that day or before.*$",
         lambda m: f"factuur {m[1]}: Inning verstuurde zelf een veertiendagenbrief op {m[2]}; een "
         "brief van die dag of eerder kan niet via het inlezen"),
        (r"^unknown debtor (.+): create the debtor first$",
         lambda m: f"onbekende debiteur {m[1]}: geef de naam in een kolom Naam (en de soort) "
         "en lees het bestand opnieuw in, dan maakt het inlezen de debiteur aan"),
        # a new debtor the upload makes from its row (invoice_csv.new_debtors, newcomer16 #5)
        (r"^unknown debtor (.+): give its name in a column Naam .*$",
         lambda m: f"onbekende debiteur {m[1]}: geef de naam in een kolom Naam (en de soort: een "
         "kolom Soort, zakelijk of consument, of de keuze op het formulier), dan maakt het "
         "inlezen de debiteur aan"),
        (r"^new debtor (.+) has no kind: .*$",
         lambda m: f"nieuwe debiteur {m[1]} heeft geen soort: voeg een kolom Soort toe "
         "(zakelijk of consument) of kies de soort van nieuwe debiteuren op het formulier"),
        (r"^new debtor (.+) is given other details than on line (\d+): .*$",
         lambda m: f"nieuwe debiteur {m[1]} heeft hier andere gegevens dan op regel {m[2]}: één "
         "naam, soort, e-mailadres en adres per debiteurnummer"),
        (r"^new debtor (.+) has (\S+) '(.*)' here but '(.*)' on line (\d+): .*$",
         lambda m: f"nieuwe debiteur {m[1]} heeft hier {m[2]} '{_kind(m[3])}' maar op regel "
         f"{m[5]} '{_kind(m[4])}': één naam, soort, e-mailadres en adres per debiteurnummer; "
         f"maak {m[2]} op deze regel gelijk of laat het leeg"),
        (r"^debtor (.+) is stored as '(.*)', not '(.*)' as this row names it: .*$",
         lambda m: f"debiteur {m[1]} staat in Inning als '{m[2]}', niet als '{m[3]}' zoals deze "
         "regel hem noemt: controleer het debiteurnummer (het inlezen wijzigt nooit een "
         "debiteur die al in Inning staat; zet zijn naam uit Inning in de kolom Naam als het "
         "nummer klopt)"),
        (r"^Input should be 'b2b' or 'b2c'$",
         lambda m: "soort debiteur: zakelijk of consument"),
        (r"^not an e-mail address: (.*)$", lambda m: f"geen e-mailadres: {m[1]}"),
        (r"^a Dutch postal code looks like 1234 AB$",
         lambda m: "een Nederlandse postcode ziet eruit als 1234 AB"),
        (r"^not a country: (.+?); expected an ISO 3166-1 alpha-2 code .*$",
         lambda m: f"geen land: {m[1]}; schrijf de landcode (NL, BE, DE) of de naam van het "
         "land (Nederland, België, Duitsland)"),
        (r"^duplicate invoice number in this batch \(first at index (\d+)\)$",
         lambda m: f"factuurnummer staat al eerder in het bestand (regel {line_of(int(m[1]))})"),
        # the import's own rules on a stored invoice (shared/services/imports.py, the invoice's
        # rules in shared/domain/invoices.py) and its storage's answers
        (r"^invoice (.+) belongs to debtor (.+); credit it and send a new invoice instead of moving it$",
         lambda m: f"factuur {m[1]} hoort bij debiteur {m[2]}: een factuur verhuist niet; "
         "crediteer haar en stuur een nieuwe factuur"),
        (r"^not a valid betalingskenmerk, RF creditor reference or Belgian structured reference$",
         lambda m: "geen geldig betalingskenmerk, RF-referentie of Belgische gestructureerde "
         "mededeling"),
        (r"^a betalingskenmerk of zeros is no reference: a bank reads it as none; .*$",
         lambda m: "een betalingskenmerk van nullen is geen kenmerk: een bank leest het als "
         "geen; laat het leeg, dan geeft Inning de factuur een kenmerk"),
        (r"^Input should be 'EUR'$", lambda m: "alleen bedragen in euro (EUR)"),
        (r"^open amount exceeds the invoice amount$",
         lambda m: "het openstaande bedrag is hoger dan het factuurbedrag"),
        (r"^amount must be positive$", lambda m: "het bedrag moet groter zijn dan 0"),
        (r"^amount is below what has already been paid$",
         lambda m: "het bedrag is lager dan wat al is betaald"),
        (r"^paid must be between 0 and the amount$",
         lambda m: "het betaalde bedrag ligt tussen 0 en het factuurbedrag"),
        (r"^due date is before the invoice date$",
         lambda m: "de vervaldatum ligt vóór de factuurdatum"),
        (r"^amount is not above the (\d+) cents of credit notes booked on invoice (.+); credit the whole invoice instead$",
         lambda m: f"het bedrag is niet hoger dan de creditnota's op factuur {m[2]} "
         f"({format_eur_nl(int(m[1]))}): crediteer de hele factuur"),
        (r"^invoice (.+) is (open|partially_paid|paid|credited|disputed|withdrawn)$",
         lambda m: f"factuur {m[1]} is {word('invoice_status', m[2], 'nl')}"),
        (r"^invoice (.+): a 14-day letter of (\S+) is asserted after Inning's 14-day letter of (\S+) was reported (failed|undelivered) on (\S+); .*$",
         lambda m: f"factuur {m[1]}: een veertiendagenbrief van {_day(m[2])} wordt gemeld nadat "
         f"de veertiendagenbrief van Inning van {_day(m[3])} op {_day(m[5])} als "
         f"{'mislukt' if m[4] == 'failed' else 'onbestelbaar'} werd gemeld; een brief van vóór "
         "die dag, of van vóór vandaag, legt een beheerder vast (hij maakt de incassokosten "
         "verschuldigd)"),
        (r"^changed concurrently by another request; retry$",
         lambda m: "tegelijk door een ander verzoek gewijzigd: lees het bestand opnieuw in"),
        (r"^not stored, retry: (\w+)$",
         lambda m: f"niet opgeslagen ({m[1]}): lees het bestand opnieuw in"),
        (r"^not stored: (.+)$", lambda m: f"niet opgeslagen ({m[1]}): lees het bestand opnieuw in"),
    )
)  # fmt: skip


def _kind(value: str) -> str:
    """A debtor kind of an English reason in the words of a Dutch page."""
    return {"b2b": "zakelijk", "b2c": "consument"}.get(value, value)


def _day(iso: str) -> str:
    """An ISO day of an English reason as a Dutch page writes it."""
    try:
        return date.fromisoformat(iso).strftime("%d-%m-%Y")
    except ValueError:
        return iso


def field_word(field: str | None, lang: str) -> str:
    """The field a row was refused for, on a Dutch page by the CSV's Dutch column name."""
    if not field:
        return ""
    if lang == "nl" and (dutch := _COLUMNS.get(field)) is not None:
        return dutch
    return field


# each field by the first Dutch column name the upload reads for it (invoice_csv.DUTCH)
_COLUMNS = {field: name for name, field in reversed(DUTCH.items())}


def reason(message: str, lang: str) -> str:
    """``message`` in the page's language: Dutch where its shape is known, else as it is; a
    coded refusal in its code's words in either language (a console points to its buttons,
    not to the API's paths)."""
    if (coded := _coded(message)) is not None:
        return refusal(coded, lang)
    return in_language(message, _DUTCH, lang)


# the row reasons a code words (claim_terms_changes.in_collection_refusal): a row keeps only its
# English text (previews and jobs store it so), read back into the refusal's code and params
_IN_COLLECTION = re.compile(
    r"^invoice (.+) is in collection \((.+?)\): an import by staff or a staff key does not "
    r"change its (amount|invoice date|due date);"
)


def _coded(message: str) -> CodedError | None:
    found = _IN_COLLECTION.match(message)
    if found is None or found[2] not in IN_COLLECTION_WHY:
        return None
    params = {"invoice": found[1], "in_collection": IN_COLLECTION_WHY[found[2]]}
    if found[3] == "amount":
        return CodedError(message, code="invoice_in_collection_amount", params=params)
    date_field = found[3].replace(" ", "_")
    return CodedError(message, code="invoice_in_collection_date",
                      params={**params, "date_field": date_field})  # fmt: skip


def rows_refused(errors: Iterable[RowError]) -> int:
    """Rows, not findings: a row with two faults is one refused row."""
    return len({e.index for e in errors})
