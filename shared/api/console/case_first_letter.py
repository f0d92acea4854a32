"""What the law asks of the agency's first letter on a case handed over (lawyer26 F1).

Inning sends the debtor no hand-over notice (handed24, newcomer24 F8): the agency's first
letter, written outside Inning, is the first the debtor hears of it. The ``new_case`` item's
page says what that letter must hold, read from the case's dossier as it was handed over:

- whom it comes from and for whom, the claim built up (principal, interest, costs apart), how
  to reach the agency, its entry in the register and how to object: the Wki's quality rules
  (art. 13 Wki; Bki art. 4.1: inform the debtor completely, correctly and of one's own accord;
  register incassodienstverlening, art. 2 Wki; an advocaat or gerechtsdeurwaarder is exempt
  from the register, not from the rules);
- the collection costs: the hand-over adds none (the staffel pays for every out-of-court
  collection act, the agency's too: art. 6:96 lid 2 sub c, lid 5 BW, Besluit BIK art. 2). For a
  consumer they are owed only after a 14-day letter's term ran out unpaid (lid 6): where the
  client's letter did that, no new term is needed (HR 13-6-2014, ECLI:NL:HR:2014:1405); where its
  term still runs, not before its day; where none went out, only after the agency's own 14-day
  letter, one for all the claims without one (lid 7; the term from the day after receipt: HR
  25-11-2016, ECLI:NL:HR:2016:2704). A business owes them without a reminder (lid 4);
- its letter interrupts prescription once it reaches the debtor (art. 3:317 BW); Inning knows
  of it only when its day is recorded (``POST …/invoices/{invoice}/prescription``);
- no contact at night, on Sundays or public holidays (Bki art. 4.2).

Staff pages keep ISO dates (shared/domain/day_shown.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from shared.domain.money import Cents, cents_from_decimal, format_eur_en, format_eur_nl


@dataclass(frozen=True)
class Costs:
    """The case's invoices by where their collection costs stand on ``today``."""

    owed: dict[str, date]  # the day they became owed
    term_runs: dict[str, date]  # the day they become owed if the term runs out unpaid
    no_letter: list[str]  # no 14-day letter set a term (or it was undone)


def _day(value: object) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _cents(value: object) -> Cents:
    try:
        return cents_from_decimal(Decimal(str(value))) if value not in (None, "") else 0
    except (InvalidOperation, ValueError):
        return 0


def costs_of(dossier: Mapping[str, Any], today: date) -> Costs:
    owed: dict[str, date] = {}
    runs: dict[str, date] = {}
    none: list[str] = []
    for invoice in dossier.get("invoices") or []:
        if not isinstance(invoice, dict):
            continue
        number = str(invoice.get("number", ""))
        day = _day(invoice.get("costs_owed_from"))
        if day is None:
            none.append(number)
        elif day <= today:
            owed[number] = day
        else:
            runs[number] = day
    return Costs(owed, runs, none)


def _numbers(numbers: list[str] | dict[str, date]) -> str:
    return ", ".join(sorted(numbers))


def first_letter(dossier: Mapping[str, Any], today: date, lang: str, *,
                 agency_iban: str | None, quote: str,
                 register: str | None = None,
                 register_ended: date | None = None) -> list[str]:  # fmt: skip
    """The paragraphs of the item's "your first letter" notice, in ``lang`` (nl or en);
    ``register``: the agency's number in the register incassodienstverlening (None: not
    recorded, which the notice warns of: a warning, no refusal, as Inning cannot tell an
    agency without an entry from one that did not record it, and a lawyer or bailiff needs
    none); ``register_ended``: that entry's last day, once passed (wki28)."""
    nl = lang == "nl"
    money = format_eur_nl if nl else format_eur_en
    client = str((dossier.get("client") or {}).get("name") or "")
    debtor = dossier.get("debtor") or {}
    consumer = debtor.get("kind") != "b2b"
    amounts = dossier.get("amounts") or {}
    costs = _cents(amounts.get("costs"))
    where = costs_of(dossier, today)
    said: list[str] = []
    if nl:
        said.append(
            f"Inning stuurt de debiteur geen bericht over de overdracht: uw eerste brief is het "
            f"eerste wat hij van u hoort. Vermeld daarin dat {client} de vordering aan u "
            "overdroeg en dat u namens haar int; de facturen met hoofdsom, rente en "
            "incassokosten elk apart; uw naam, adres, telefoon en e-mail, uw inschrijving in het "
            "register incassodienstverlening en hoe hij kan klagen of de vordering betwisten "
            "(art. 13 Wki, Bki art. 4.1)"
            + (
                f"; en dat hij betaalt op {agency_iban} onder vermelding van {quote}."
                if agency_iban
                else "."
            )
        )
    else:
        said.append(
            f"Inning sends the debtor no notice of the hand-over: your first letter is the first "
            f"he hears of you. Say in it that {client} handed the claim over to you and that you "
            "collect it on its behalf; the invoices with principal, interest and collection "
            "costs each apart; your name, address, phone and e-mail, your entry in the register "
            "incassodienstverlening and how he can complain or dispute the claim (art. 13 Wki, "
            "Bki art. 4.1)"
            + (f"; and that he pays to {agency_iban} quoting {quote}." if agency_iban else ".")
        )
    if register and register_ended:
        said.append(_register_ended(register, register_ended, nl, consumer))
    else:
        said.append(_register(register, nl))
    if not consumer:
        said.append(
            "Een zakelijke debiteur: de incassokosten zijn zonder aanmaning verschuldigd, "
            "minstens € 40,00 (art. 6:96 lid 4 BW); de overdracht maakt ze niet hoger."
            if nl
            else "A business debtor: the collection costs are owed without a reminder, at "
            "least EUR 40.00 (art. 6:96 lid 4 BW); the hand-over does not raise them."
        )
    else:
        if where.owed:
            since = ", ".join(f"{n} {d.isoformat()}" for n, d in sorted(where.owed.items()))
            most = (
                (f" Vraag niet meer dan {money(costs)}" if nl else f" Ask no more than {money(costs)}")
                if costs > 0
                else (" Het dossier rekent er geen; vraag ze niet alsnog"
                      if nl else " The dossier charges none; do not add them")
            )  # fmt: skip
            said.append(
                f"Incassokosten verschuldigd na de veertiendagenbrief van {client} (sinds: "
                f"{since}); een nieuwe veertiendagenbrief is daarvoor niet nodig (HR 13-6-2014, "
                f"ECLI:NL:HR:2014:1405).{most}: de staffel betaalt al het werk buiten de rechter "
                "om, ook het uwe (art. 6:96 lid 5 BW, Besluit art. 2)."
                if nl
                else f"Collection costs owed after {client}'s 14-day letter (since: {since}); no "
                f"new 14-day letter is needed for them (HR 13-6-2014, ECLI:NL:HR:2014:1405)."
                f"{most}: the staffel pays for all out-of-court work, yours too (art. 6:96 lid 5 "
                "BW, Besluit art. 2)."
            )
        if where.term_runs:
            day = min(where.term_runs.values())
            last = (day - timedelta(days=1)).isoformat()
            said.append(
                f"De termijn van de veertiendagenbrief op {_numbers(where.term_runs)} loopt nog "
                f"tot en met {last}: vraag daarop geen incassokosten voor {day.isoformat()}, en "
                "geen als de debiteur binnen de termijn betaalt (art. 6:96 lid 6 BW)."
                if nl
                else f"The 14-day letter's term on {_numbers(where.term_runs)} runs up to and "
                f"including {last}: ask no collection costs on them before {day.isoformat()}, "
                "and none if the debtor pays within the term (art. 6:96 lid 6 BW)."
            )
        if where.no_letter:
            said.append(
                f"Op {_numbers(where.no_letter)} ging geen veertiendagenbrief uit: een consument "
                "is daarop geen incassokosten verschuldigd tot u zelf een veertiendagenbrief "
                "stuurt, met het bedrag van de kosten en veertien dagen vanaf de dag nadat hij "
                "bij hem is bezorgd, voor al deze facturen in één brief (art. 6:96 lid 6 en 7 "
                "BW; HR 25-11-2016, ECLI:NL:HR:2016:2704)."
                if nl
                else f"No 14-day letter went out on {_numbers(where.no_letter)}: a consumer owes "
                "no collection costs on them until you send a 14-day letter yourself, with the "
                "costs' amount and fourteen days from the day after it reaches him, one letter "
                "for all of these invoices (art. 6:96 lid 6 and 7 BW; HR 25-11-2016, "
                "ECLI:NL:HR:2016:2704)."
            )
    said.append(
        "Uw brief stuit de verjaring zodra hij de debiteur bereikt (art. 3:317 BW): bewaar het "
        "bewijs van verzending en bezorging, en leg de dag van bezorging per factuur vast "
        "(POST …/invoices/{factuur}/prescription, interrupted_on), anders waarschuwt Inning "
        "voor de verjaring zonder uw brief. Neem geen contact op voor 07:00 of na 20:00, op "
        "zondag of op een feestdag (Bki art. 4.2)."
        if nl
        else "Your letter interrupts prescription once it reaches the debtor (art. 3:317 BW): "
        "keep the proof of sending and delivery, and record the day it arrived on each invoice "
        "(POST …/invoices/{invoice}/prescription, interrupted_on), or Inning warns of "
        "prescription as if it had not gone. Make no contact before 07:00 or after 20:00, "
        "on a Sunday or a public holiday (Bki art. 4.2)."
    )
    return said


def _register(number: str | None, nl: bool) -> str:
    """The register line of the first-letter notice (wki27; lawyer26 F7): the number to name,
    or that Inning has none."""
    if number:
        return (
            f"Uw inschrijving in het register incassodienstverlening: {number}. Vermeld dit "
            "nummer in uw brief (art. 2 en 13 Wki)."
            if nl
            else f"Your entry in the register incassodienstverlening: {number}. Name this "
            "number in your letter (art. 2 and 13 Wki)."
        )
    return (
        "Let op: uw nummer in het register incassodienstverlening staat niet in Inning. Wie "
        "beroepsmatig int bij een consument (ook een eenmanszaak), moet bij Justis zijn "
        "ingeschreven (art. 2 Wki; een advocaat of gerechtsdeurwaarder niet) en noemt de "
        "inschrijving in zijn brieven. Leg het vast met `inning agency update <bureau> "
        "--wki-register <nummer>`."
        if nl
        else "Note: your number in the register incassodienstverlening is not recorded in "
        "Inning. Whoever collects professionally from a consumer (a sole trader too) must be "
        "registered with Justis (art. 2 Wki; an advocaat or gerechtsdeurwaarder need not) and "
        "names the entry in its letters. Record it with `inning agency update <agency> "
        "--wki-register <number>`."
    )


def _register_ended(number: str, until: date, nl: bool, consumer: bool) -> str:
    """The register line once the entry's last day passed (wki28): never named as valid; a
    consumer gets no letter until the registration is renewed (art. 2 Wki)."""
    record = "inning agency update <{}> --wki-registered-until {}"
    if nl:
        said = (
            f"Let op: uw inschrijving in het register incassodienstverlening ({number}) was "
            f"geldig tot en met {until:%d-%m-%Y}. "
        )
        said += (
            "Zonder vernieuwde inschrijving mag u niet bij een consument innen (art. 2 Wki): "
            "stuur deze debiteur geen brief; Inning houdt uw brieven aan consumenten en nieuwe "
            "overdrachten van consumenten aan."
            if consumer
            else "Een zakelijke debiteur valt niet onder de Wki: u kunt hem schrijven, zonder "
            "het nummer als geldige inschrijving te noemen."
        )
        return (
            said + f" Leg de nieuwe einddatum vast met `{record.format('bureau', 'JJJJ-MM-DD')}`."
        )
    said = (
        f"Note: your entry in the register incassodienstverlening ({number}) was valid until "
        f"{until.isoformat()}. "
    )
    said += (
        "Without a renewed registration you may not collect from a consumer (art. 2 Wki): send "
        "this debtor no letter; Inning holds your letters to consumers and new consumer "
        "hand-overs."
        if consumer
        else "A business debtor is not covered by the Wki: you may write to him, without naming "
        "the number as a valid entry."
    )
    return said + f" Record the new last day with `{record.format('agency', 'YYYY-MM-DD')}`."
