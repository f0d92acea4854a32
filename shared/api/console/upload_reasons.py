"""The reasons an upload row was refused, in Dutch on the Dutch pages.

The reasons come from the API's own checks (pydantic's messages and the import service's),
which speak English to integrations; the console translates the ones it knows, shape by
shape, and shows any other reason as it is rather than guess at it."""

from __future__ import annotations

from collections.abc import Iterable

from shared.api.console.shapes import in_language, shapes
from shared.services.batch import RowError
from shared.services.invoice_upload import line_of

_DUTCH = shapes(
    (
        (r"^Field required$", lambda m: "verplicht, maar leeg"),
        (r"^Input should be a valid decimal$", lambda m: "geen bedrag (voorbeeld: 1250,50)"),
        (r"^Input should be a valid date\b.*$",
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
        (r"^invoice (.+): its 14-day letter announced the costs over the amount then.*$",
         lambda m: f"factuur {m[1]}: de veertiendagenbrief noemde de kosten over het bedrag van "
         "toen; stuur het verschil als nieuwe factuur (met een eigen brief), of verlaag met een "
         "creditnota"),
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
         lambda m: f"onbekende debiteur {m[1]}: maak de debiteur eerst aan"),
        (r"^duplicate invoice number in this batch \(first at index (\d+)\)$",
         lambda m: f"factuurnummer staat al eerder in het bestand (regel {line_of(int(m[1]))})"),
    )
)  # fmt: skip


def reason(message: str, lang: str) -> str:
    """``message`` in the page's language: Dutch where its shape is known, else as it is."""
    return in_language(message, _DUTCH, lang)


def rows_refused(errors: Iterable[RowError]) -> int:
    """Rows, not findings: a row with two faults is one refused row."""
    return len({e.index for e in errors})
