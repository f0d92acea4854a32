"""Prescription's sentences (verjaring: the action list's warnings and holds, the contact log's
record of a staff decision) in Dutch, shape by shape (the design of :mod:`action_text`).

The watch (shared/services/prescription_watch.py, shared/domain/law/prescription.py) writes
them in English for the API; a Dutch page shows them in Dutch. Each title is the sentence of
one of four writers (a warning before the date, the hold past it, a claim under a bankruptcy
or WSNP, a date that rests on unproven demands) with one of three phrases saying what the date
was counted from: each shape reads that phrase, and a phrase it does not know is kept as it
is rather than guessed at."""

from __future__ import annotations

import re

from shared.api.console.shapes import Render

_DAY = r"(\d\d-\d\d-\d{4})"

# the term a claim prescribes in (law.prescription._counted's first part)
_TERMS: tuple[tuple[re.Pattern[str], Render], ...] = (
    (re.compile(r"^2 years as a consumer sale \(art\. 7:28 BW; the claim's kind was not given\)$"),
     lambda m: "2 jaar als consumentenkoop (art. 7:28 BW; de soort vordering is niet opgegeven)"),
    (re.compile(r"^2 years as a consumer sale \(art\. 7:28 BW\)$"),
     lambda m: "2 jaar als consumentenkoop (art. 7:28 BW)"),
    (re.compile(r"^(\d+) years \(art\. 3:307 BW\)$"), lambda m: f"{m[1]} jaar (art. 3:307 BW)"),
)  # fmt: skip

# what the date was counted from (law.prescription._counted's second part)
_FROM: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(
        r"^from the day after the debtor acknowledged the claim by his own act Inning holds "
        r"\(a payment he made on it, a payment plan he agreed to, his written proposal or "
        rf"request in the portal, a message of his marked as one; {_DAY}, art\. 3:318 and "
        r"3:319 BW\)$"),
     "vanaf de dag nadat de debiteur de vordering erkende met een eigen handeling die Inning "
     "vastlegde (een betaling van hem erop, een betalingsregeling waarmee hij zelf instemde, zijn "
     "schriftelijke voorstel of verzoek in het portaal, een bericht van hem dat als erkenning is "
     "gemarkeerd; {0}, art. 3:318 en 3:319 BW)"),
    (re.compile(rf"^from the day after the last written demand reached the debtor \({_DAY}, "
                r"art\. 3:317 and 3:319 BW\)$"),
     "vanaf de dag nadat de laatste schriftelijke aanmaning de debiteur bereikte ({0}, "
     "art. 3:317 en 3:319 BW)"),
    (re.compile(r"^from its due date; no written demand of Inning reached the debtor$"),
     "vanaf de vervaldatum; geen schriftelijke aanmaning van Inning bereikte de debiteur"),
)  # fmt: skip

_COUNTED = re.compile(r"^counted (.+?) (from .*)$")


def counted_nl(text: str) -> str:
    """What "counted <term> from <start>" reads in Dutch; as it is for a part of no known shape."""
    found = _COUNTED.match(text)
    if found is None:
        return text
    term = next((render(m) for p, render in _TERMS if (m := p.match(found[1]))), None)
    start = next((dutch.format(*m.groups()) for p, dutch in _FROM if (m := p.match(found[2]))),
                 None)  # fmt: skip
    return text if term is None or start is None else f"geteld {term} {start}"


_RULING_NL = {"in the WSNP": "in de WSNP", "bankrupt": "failliet"}
_WHO_NL = {"administrator (bewindvoerder)": "de bewindvoerder", "curator": "de curator"}
_HOW_NL = {"letter": "brief", "e-mail": "e-mail"}


def _unproven_nl(what: str) -> str:
    """ "Inning's letter of 01-02-2024, e-mail of 03-04-2024, the client's letter of
    02-12-2024" in Dutch (without "Inning's": the sentence says who sent them)."""
    what = what.removeprefix("Inning's ").replace(
        "the client's letter of ", "brief van de opdrachtgever van "
    )
    return re.sub(r"\b(letter|e-mail) of ", lambda m: f"{_HOW_NL[m[1]]} van ", what)


def _sent_by_nl(what: str) -> str:
    """Who sent the demands of an unproven warning, in Dutch."""
    if "the client's letter of " not in what:
        return "wat Inning stuurde"
    if what.startswith("the client's letter of "):
        return "wat de opdrachtgever stuurde"
    return "wat Inning en de opdrachtgever stuurden"


def _said_nl(said: str) -> str:
    """What staff recorded on a claim's prescription (PrescriptionWatch.record), in Dutch."""
    return re.sub(
        rf"interrupted on {_DAY} \(recorded by staff\)",
        lambda m: f"gestuit op {m[1]} (vastgelegd door medewerker)",
        said,
    ).replace(
        "released for dunning past its prescription date",
        "vrijgegeven voor aanmanen na de verjaringsdatum",
    )


# the action list's titles of kind "prescription" (prescription_warning, filed_warning,
# unproven_warning in shared/domain/law/prescription.py)
TITLES: tuple[tuple[str, Render], ...] = (
    (rf"^Invoice (.+?) may prescribe on {_DAY}: (counted .+)\. Check demands the client sent "
     r"itself and any acknowledgement by the debtor \(a payment plan, a part payment\); the "
     r"collection agency (.+) holds the claim and was warned: it sends the written demand or "
     r"goes to court, not the client$",
     lambda m: f"Factuur {m[1]} verjaart mogelijk op {m[2]}: {counted_nl(m[3])}. Ga na of de "
               "opdrachtgever zelf aanmaningen stuurde en of de debiteur de vordering erkende "
               f"(een betalingsregeling, een deelbetaling); incassobureau {m[4]} heeft de "
               "vordering in behandeling en is gewaarschuwd: het stuurt de schriftelijke "
               "aanmaning of gaat naar de rechter, niet de opdrachtgever"),
    (rf"^Invoice (.+?) may have prescribed on {_DAY}: (counted .+); a demand now cannot revive "
     r"it \(art\. 3:317 BW\)\. The collection agency (.+) holds the claim and was warned: it "
     r"decides, not the client, whether a demand or an acknowledgement by the debtor \(a payment "
     r"plan he agreed to, a part payment, art\. 3:318 BW\) interrupted it or the claim is "
     r"released \(art\. 3:322 BW: the debtor must invoke prescription himself\)$",
     lambda m: f"Factuur {m[1]} is mogelijk verjaard op {m[2]}: {counted_nl(m[3])}; een "
               "aanmaning kan de vordering nu niet meer doen herleven (art. 3:317 BW). "
               f"Incassobureau {m[4]} heeft de vordering in behandeling en is gewaarschuwd: het "
               "beslist, niet de opdrachtgever, of een aanmaning of een erkenning door de "
               "debiteur (een betalingsregeling waarmee hij instemde, een deelbetaling, art. "
               "3:318 BW) de verjaring stuitte of de factuur wordt vrijgegeven (art. 3:322 BW: de "
               "debiteur moet zelf een beroep op verjaring doen)"),
    (rf"^Invoice (.+?) may prescribe on {_DAY}: (counted .+)\. Check demands the client sent "
     r"itself and any acknowledgement by the debtor \(a payment plan, a part payment\); if none "
     r"interrupted it, send a written demand or go to court$",
     lambda m: f"Factuur {m[1]} verjaart mogelijk op {m[2]}: {counted_nl(m[3])}. Ga na of de "
               "opdrachtgever zelf aanmaningen stuurde en of de debiteur de vordering erkende "
               "(een betalingsregeling, een deelbetaling); heeft niets de verjaring gestuit, stuur "
               "dan een schriftelijke aanmaning of ga naar de rechter"),
    (rf"^Invoice (.+?) may have prescribed on {_DAY}: (counted .+); a demand now cannot revive "
     r"it \(art\. 3:317 BW\)\. Dunning holds it \(no 14-day letter, no costs, no hand-over\): if "
     r"a demand the client sent itself or an acknowledgement by the debtor \(a payment plan he "
     r"agreed to, a part payment, art\. 3:318 BW\) interrupted it, record that with its date; "
     r"otherwise a person decides whether to release it \(art\. 3:322 BW: the debtor must "
     r"invoke prescription himself\)$",
     lambda m: f"Factuur {m[1]} is mogelijk verjaard op {m[2]}: {counted_nl(m[3])}; een "
               "aanmaning kan de vordering nu niet meer doen herleven (art. 3:317 BW). Het "
               "aanmanen staat stil (geen veertiendagenbrief, geen incassokosten, geen "
               "overdracht): heeft een aanmaning die de opdrachtgever zelf stuurde of een "
               "erkenning door de debiteur (een betalingsregeling waarmee hij instemde, een "
               "deelbetaling, art. 3:318 BW) de verjaring gestuit, leg dat dan vast met de datum; "
               "anders beslist een medewerker of de factuur wordt vrijgegeven (art. 3:322 BW: de "
               "debiteur moet zelf een beroep op verjaring doen)"),
    (rf"^Invoice (.+?) (may have prescribed on|may prescribe on) {_DAY}: (counted .+)\. Debtor "
     rf"(in the WSNP|bankrupt) since {_DAY}: pursued only by filing it with the "
     r"(administrator \(bewindvoerder\)|curator) \((art\. 299, 328 Fw|art\. 26, 110 Fw)\), no "
     r"demand or suit; filing interrupts prescription \(art\. 3:316 BW\): record its day"
     r"(; otherwise a person decides \(art\. 3:322 BW\))?$",
     lambda m: f"Factuur {m[1]} "
               f"{'is mogelijk verjaard' if m[2].startswith('may have') else 'verjaart mogelijk'}"
               f" op {m[3]}: {counted_nl(m[4])}. Debiteur is {_RULING_NL[m[5]]} sinds {m[6]}: "
               f"de vordering wordt alleen geïnd door haar in te dienen bij {_WHO_NL[m[7]]} "
               f"({m[8]}), zonder aanmaning of rechtszaak; indienen stuit de verjaring (art. "
               "3:316 BW): leg de dag ervan vast"
               + ("; anders beslist een medewerker (art. 3:322 BW)" if m[9] else "")),
    (rf"^Invoice (.+?) (prescribes on|may have prescribed on) {_DAY} \((\d+) years\) unless "
     r"((?:Inning's|the client's) .+) can be proven to have reached the debtor \(art\. 3:317 and 3:37 lid 3 BW\): "
     r"the collection agency (.+) holds the claim and was warned: it sends a registered "
     r"stuitingsbrief \(aangetekend and by ordinary post\) before that date, not the client; "
     r"check demands the client sent itself and any acknowledgement by the debtor$",
     lambda m: f"Factuur {m[1]} "
               f"{'verjaart' if m[2] == 'prescribes on' else 'is mogelijk verjaard'} op {m[3]} "
               f"({m[4]} jaar), tenzij bewezen kan worden dat {_sent_by_nl(m[5])} de debiteur "
               f"bereikte ({_unproven_nl(m[5])}; art. 3:317 en 3:37 lid 3 BW): incassobureau "
               f"{m[6]} heeft de vordering in behandeling en is gewaarschuwd: het stuurt vóór die "
               "datum een stuitingsbrief (aangetekend en per gewone post), niet de "
               "opdrachtgever; ga na of de opdrachtgever zelf aanmaningen stuurde en of de "
               "debiteur de vordering erkende"),
    (rf"^Invoice (.+?) (prescribes on|may have prescribed on) {_DAY} \((\d+) years\) unless "
     r"((?:Inning's|the client's) .+) can be proven to have reached the debtor \(art\. 3:317 and 3:37 lid 3 BW\): "
     r"send a registered stuitingsbrief \(aangetekend and by ordinary post\) before that date, "
     r"or check demands the client sent itself and any acknowledgement by the debtor$",
     lambda m: f"Factuur {m[1]} "
               f"{'verjaart' if m[2] == 'prescribes on' else 'is mogelijk verjaard'} op {m[3]} "
               f"({m[4]} jaar), tenzij bewezen kan worden dat {_sent_by_nl(m[5])} de debiteur "
               f"bereikte ({_unproven_nl(m[5])}; art. 3:317 en 3:37 lid 3 BW): stuur vóór die "
               "datum een stuitingsbrief (aangetekend en per gewone post), of ga na of de "
               "opdrachtgever zelf aanmaningen stuurde en of de debiteur de vordering erkende"),
)  # fmt: skip

# the contact log's record of a staff decision (PrescriptionWatch.record)
SUMMARIES: tuple[tuple[str, Render], ...] = (
    (r"^Prescription of invoice (.+?): (.+?)(; reason: .*)?$",
     lambda m: f"Verjaring van factuur {m[1]}: {_said_nl(m[2])}"
               + (f"; reden: {m[3][len('; reason: '):]}" if m[3] else "")),
)  # fmt: skip
