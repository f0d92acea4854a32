"""The Dutch banks' ``:86:`` information field, split into its parts.

mt-940 leaves ``:86:`` as one string. The banks wrap it at 65 characters, even inside a tag
name, so lines are joined without a separator before the tags are looked for (SEPA-style
exports). Free text (older exports, SNS/ASN, ABN AMRO legacy) is joined with one space where a
line ended short of the width, and without one where the bank filled the line and cut it
mid-word or mid-number (a betalingskenmerk "50000" / "56789012345" is one number again).

Dialects:
- slash tags (ING, Rabobank, ABN AMRO SEPA): ``/EREF/../CNTP/iban/bic/name/city/``,
  Rabobank's ``/EREF/<id>/PREF/../TRCD/593/RTRN/AC04/BENM//NAME/..``,
  ``/BENM//NAME/../REMI/..``, ``/TRTP/../IBAN/../NAME/../REMI/..``; ``/REMI/USTD//text/`` or
  ``/REMI/STRD/CUR/kenmerk/``; Rabobank's ``/CDTRREFTP//CD/SCOR/ISSR/CUR/CDTRREF/kenmerk``;
- SNS, ASN and RegioBank: ``<IBAN> <name>`` then the description;
- Knab: description, then ``REK: <IBAN>/NAAM: <name>``; read before the slash tags, as the
  description is the payer's and may start with "/CNTP/.."; only where the bank says the
  statement is Knab's (its header's BIC, the account's IBAN): a "REK: x/NAAM: y" in a file
  that names no bank, or another bank, is the payer's text and names nobody;
- Triodos: ``000>10..>20..>21..>31<account>``;
- German GVC (``166?00..?20..?30..?31..?32..``);
- anything else: the text is the remittance.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise

from shared.domain.references import iban as iban_check
from shared.domain.references.finder import read_reference
from shared.domain.references.iban_in_text import iban_spans, without_ibans
from shared.domain.statements.details_abn_labels import read_abn_labels, structured_reference

CODEWORDS = (
    "RTRN", "CREF", "EREF", "PREF", "IREF", "MARF", "CSID", "CNTP", "REMI", "PURP", "ULTC",
    "ULTD", "ULTB", "EXCH", "CHGS", "BENM", "ORDP", "BUSP", "ID", "NAME", "ADDR", "ISDT",
    "TRTP", "IBAN", "BIC", "CDTRREFTP", "CDTRREF", "CD", "ISSR", "SUM",
    # ABN AMRO's SEPA batch bookings: /NRTX/ the number of transactions in the batch, /PIND/
    # its payment indicator (BRUTO, NETTO), after /PREF/ (the batch's PmtInfId), which
    # would otherwise swallow them ("109180-911/NRTX/162/PIND/BRUTO")
    "NRTX", "PIND",
    # ING: /OCMT/ the original amount (what the payer sent), /CHGS/ the charges the bank kept
    "OCMT",
    # Rabobank: its own transaction code ("/TRCD/541/", a returned transfer "/TRCD/593/")
    "TRCD",
)  # fmt: skip
_CODE = re.compile(r"/(" + "|".join(sorted(CODEWORDS, key=len, reverse=True)) + r")/")
_GVC = re.compile(r"^\d{3}\?")
WRAP = 65  # a :86: line's width (SWIFT 6*65x)
# ISO reasons a bank writes as the first word of a free-text :86: when a payment comes back
# (ING's "unstructured" MT940 setting: "MS03 NL20INGB... INGBNL2A name e2e-id text"; ING's
# appendix "redenen niet-boeking": the SEPA table and the coded ones of the generic table).
# Only codes of that shape (letters and digits, none a Dutch word) and not RF01 (read as a
# creditor reference's start)
RETURN_REASONS = frozenset({
    "AC01", "AC03", "AC04", "AC06", "AC13", "AG01", "AG02", "AM01", "AM02", "AM04", "AM05",
    "AM06", "AM07", "AM09", "AM10", "BE01", "BE04", "BE05", "BE06", "CNOR", "DNOR", "DT01",
    "ED01", "ED03", "ED05", "FF01", "FF05", "FOCR", "MD01", "MD02", "MD04", "MD05", "MD06",
    "MD07", "MS02", "MS03", "PY01", "RC01", "RC07", "RR01", "RR02", "RR03", "RR04", "SL01",
    "SL02", "TM01", "XT78", "XT79", "XT80", "XT87",
})  # fmt: skip
# the reasons a bank writes after its /RTRN/ in a structured :86: (MT940 :86: /RTRN/, as in
# camt.053's RtrInf/Rsn/Cd): the SEPA return codes above and the recall reasons of a camt.056
# (SEPA Credit Transfer rulebook: a duplicate, a technical problem, fraud, the customer's
# request)
RETURN_CODES = RETURN_REASONS | frozenset({
    "DUPL", "TECH", "FRAD", "CUST", "UPAY", "AC02", "AC05", "AM03", "ARDT", "AGNT", "CURR",
    "LEGL", "NOAS", "NOOR", "MD08",
})  # fmt: skip
_LEADING_REASON = re.compile(r"^\s*([A-Z]{2}[A-Z0-9]{2})\s+(\S+)")
# ING counts the tag in its first line's 65 characters, Rabobank does not
FIRST_WRAP_WITH_TAG = WRAP - len(":86:")


class MalformedDetails(ValueError):
    pass


@dataclass(frozen=True)
class Details:
    counterparty_iban: str | None = None
    counterparty_name: str | None = None
    counterparty_bic: str | None = None
    remittance: str | None = None
    reference: str | None = None
    end_to_end_id: str | None = None
    return_reason: str | None = None
    batch_id: str | None = None  # /PREF/: the payment information id of a batch booking
    # ING's /OCMT/ and /CHGS/: the amount the payer sent and the bank's charges kept of it,
    # each with its currency ("EUR250,00")
    original_amount: tuple[str, Decimal] | None = None
    charges: tuple[str, Decimal] | None = None
    # codes the payer wrote inside his end-to-end id ("OCMT", "CNTP"): kept as his text, none
    # read; the line says so for a person
    payer_codes: tuple[str, ...] = ()
    # the same per payer-written value (EREF, PREF, NAME, ADDR): (("NAME", ("REMI",)),)
    payer_texts: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # a bank's "/RTRN/<reason>/" found after its /NAME/ inside a value the payer wrote (his
    # name, end-to-end id or remittance, opened by his own '//'): the return reason of a
    # debit (the payer cannot hide his payment's return: attack13 F1); a credit ignores it.
    # Also the ISO reason a free text starts with outside ING's layout (attack25 F3)
    return_in_text: str | None = None
    # an IBAN found in the payer's own text where the bank named no account: what he wrote,
    # anybody's (iban24); a hint for matching, never the payer's account
    iban_in_text: str | None = None
    # the reference the text was read with before leftover33 where that differs (a kenmerk of
    # zeros): the line's former identity (``StatementLine.referenced_before``)
    reference_before: str | None = None


def _clean(text: str | None) -> str | None:
    if not text:
        return None
    cleaned = " ".join(text.split()).strip(" /")  # split() takes newlines as spaces too
    return cleaned or None


def _unwrap(text: str, *, first_line_of_field: bool = True) -> str:
    """Free-text lines as one text: a line the bank filled to its width was cut there and
    goes on without a separator; a shorter one ended at a space (the scan strips trailing
    spaces, so a space at the cut shows as a short line). ``first_line_of_field``: the text
    starts on the ``:86:`` line itself, which may count the tag in its width."""
    rows = text.replace("\r", "").split("\n")
    out = [rows[0]]
    for n, (prev, row) in enumerate(pairwise(rows)):
        full = len(prev) >= WRAP or (
            n == 0 and first_line_of_field and len(prev) == FIRST_WRAP_WITH_TAG
        )
        out.append(row if full else " " + row)
    return "".join(out)


def _iban(text: str | None) -> str | None:
    """An IBAN as the bank wrote it. The shape is checked, not the check digits: sanitised
    exports carry made-up IBANs, and a payer's account is an identifier either way."""
    if not text:
        return None
    candidate = iban_check.normalise(text)
    return candidate if re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}", candidate) else None


# the codes the banks write after /REMI/ (Rabobank an empty /REMI/ first and /ISDT/, ABN AMRO
# /EREF/, ING /PURP/ /ULTC/ /ULTD/). Any other code there is the payer's own text: SEPA's
# remittance (140 characters) allows '/', so "/OCMT/EUR1000,00//CHGS/EUR900,00/" in it is
# what the payer typed, not the bank's figures (attack11 A2)
AFTER_REMI = frozenset({"REMI", "ISDT", "EREF", "PURP", "ULTC", "ULTD"})
# the banks whose :86: carries the original amount and charges of a credit (ING's structured
# MT940: /OCMT/ and /CHGS/); another bank's are not read
CHARGES_BANKS = frozenset({"INGB"})
MONEY_CODES = ("OCMT", "CHGS")
# the banks whose :86: is ING's structured layout: /CNTP/ then nothing of the bank's own
# before /REMI/
ING_LAYOUT = frozenset({"INGB"})


# Rabobank writes its party blocks after the end-to-end id with one slash and an empty value
# ("/EREF/<id>/ORDP//NAME/..", "/BENM//")
_PARTY_BLOCKS = frozenset({"ORDP", "BENM"})
# codes that carry a bank's figure or party: found inside a payer's end-to-end id they are
# his text, and a person is told (short codes such as /ID/ or /CD/ occur in invoice numbers)
SAID_BY_THE_BANK = frozenset(CODEWORDS) - {"ID", "CD", "ISSR", "SUM", "ADDR"}
# values the payer (or his bank, from what he typed) writes, '/' allowed, so the codes inside
# them are his text: the end-to-end id and a batch's payment information id (SEPA
# identifiers: 35 characters, no '//'), his name and address
PAYER_WRITTEN = frozenset({"EREF", "PREF", "NAME", "ADDR"})
# the codes a bank writes right after such a value (Rabobank "/NAME/../ADDR/../REMI/", ABN
# AMRO "/NAME/../REMI/" or "/MARF/", a returned transfer's "/NAME/../RTRN/AC04/REMI/" (ABN
# AMRO's SEPA MT940 spec 2.3.4), ABN AMRO's batch "/PREF/<id>/NRTX/"), each with its place in
# the bank's layout: the value ends at the first of them that the bank does not write again
# before its next code in that order; one that comes again there is the payer's text
# ("/NAME/J/REMI/INV-1/REMI/F-1": the name is "J/REMI/INV-1"). A code past the bank's next one
# is inside the remittance or the end-to-end id (codereview12 #2: "/RTRN/" in the remittance
# of a return made the bank's "/RTRN/AC04" part of the name, and the return no return), and
# so is one with a space before it, as a bank writes its code straight after the value it
# closes ("/NAME/Jan/REMI/F-1 /REMI/ x": the name is "Jan"). Where the bank writes no
# such code after it (an empty remittance left out), the two read the same: the payer's
# text then is what it says, and a person is told
_FOLLOWERS: dict[str, dict[str, int]] = {
    "NAME": {"ADDR": 0, "RTRN": 1, "MARF": 2, "CSID": 2, "REMI": 3, "EREF": 4, "ISDT": 4},
    "ADDR": {"RTRN": 1, "MARF": 2, "CSID": 2, "REMI": 3, "EREF": 4, "ISDT": 4},
    "PREF": {"NRTX": 0},
}
# the banks whose free-text :86: may be the labelled layout ("SEPA OVERBOEKING  IBAN: ..
# NAAM: .. OMSCHRIJVING: .. KENMERK: ..") of ABN AMRO's internet-banking download
ABN_LABELS = frozenset({"ABNA"})
# Knab's SEPA layout writes its /REMI/ straight after the end-to-end id ("/NAME/<name>/EREF/
# <id>/REMI/<text>", "/CSID/../MARF/../EREF/<id>/REMI/.."), where ABN AMRO ends with the id:
# the id ends at that /REMI/ unless the bank's comes again (bankfiles24: the id swallowed the
# remittance, "3111211AA002222/REMI/201604-00 5")
KNAB_EREF_FOLLOWERS: dict[str, dict[str, int]] = {"EREF": {"REMI": 0}}
# the banks that write a return's /RTRN/ after the payer's name (ABN AMRO "/NAME/../RTRN/AC04/
# REMI/", SEPA MT940 spec 2.3.4; Rabobank's older layout after /NAME/ and /ADDR/): a '//' the
# payer typed in his name can open a value that swallows it. ING writes its /RTRN/ first,
# before any of his
RTRN_AFTER_NAME = frozenset({"ABNA", "RABO"})
# Rabobank's own codes right after the end-to-end id (its MT940 day exports of 2025): its
# batch reference /PREF/, its transaction code /TRCD/ and a returned transfer's /RTRN/, in
# this order, each once, then /ORDP// or /BENM// ("/EREF/<id>/PREF/<batch>/TRCD/593/RTRN/AC04
# /BENM//NAME/.."; a credit "/EREF/<id>/TRCD/541/ORDP//NAME/.."). The payer's id (35
# characters, '/' allowed) ends where they start: before, the id ran to the '//' and took
# the bank's "/TRCD/593/RTRN/AC04" as its text, and a returned transfer was booked as the
# debtor's payment (newcomer14 #1)
RABO_AFTER_ID = {"PREF": 0, "TRCD": 1, "RTRN": 2}
RABO_LAYOUT = frozenset({"RABO"})
_TRCD_VALUE = re.compile(r"\d{2,5}(?:/|$)")  # the code's number (then "/INIT//" at most)
_RTRN = re.compile(r"/RTRN/([A-Z0-9]{4})(?=/|$)")
# the banks that close a line's :86: with their own "/IBAN/<payer>/BIC/<bic>/EREF/<id>" (ABN
# AMRO's SEPA MT940 layout): an /EREF/ or /PREF/ the payer opened with a '//' in his name
# runs to the end and swallows it (attack13b G1: a storno of a plan's collection not found)
EREF_LAST = frozenset({"ABNA"})
_CLOSING_EREF = re.compile(r"/BIC/[A-Z0-9]{8}(?:[A-Z0-9]{3})?/EREF/([^/]*(?:/[^/]+)*?)/*$")
# the payer's texts as a person reads their names in a warning
PAYER_TEXTS = {"EREF": "end-to-end id", "PREF": "batch reference (/PREF/)", "NAME": "name",
               "ADDR": "address"}  # fmt: skip


def _cut_end(joined: str, start: int, empty_codes: frozenset[str] | None) -> int:
    """The first '//' from ``start`` (the end of the string without one). Where the '//' is a
    code's closing slash and an empty value (Rabobank's ``/ORDP//``, ``/REMI//REMI/``,
    ``/REMI//ISDT/``), the value ends before that code: of ``empty_codes`` (None: any)."""
    cut = joined.find("//", start)
    if cut < 0:
        return len(joined)
    for m in _CODE.finditer(joined, start, cut + 1):
        if m.end() == cut + 1 and (empty_codes is None or m.group(1) in empty_codes):
            return m.start()
    return cut


def _payer_end(
    joined: str, code: str, start: int, later: list[re.Match[str]], bank: str | None
) -> int | None:
    """Where the payer-written value of ``code`` starting at ``start`` ends (None: ``code``
    is the bank's own). ``later``: the codes after it in the text."""
    if code == "CNTP":
        return _cntp_name_end(joined, start, later, bank)
    if code not in PAYER_WRITTEN:
        return None
    end = _cut_end(joined, start, _PARTY_BLOCKS if code in ("EREF", "PREF") else None)
    if bank in RABO_LAYOUT and code in ("EREF", "PREF"):
        banks = _rabobank_codes_at(joined, code, [m for m in later if m.start() < end], end)
        if banks is not None:
            return banks
    followers = (KNAB_EREF_FOLLOWERS if bank == "KNAB" and code == "EREF" else _FOLLOWERS).get(
        code, {}
    )
    # the codes up to the first '//' (Rabobank's "USTD//", "/REMI//"): past it the bank's
    # layout has gone on for sure, and a code there is the payer's remittance or the bank's
    before = [m for m in later if m.start() < end]
    again: dict[int, bool] = {}
    for n, m in enumerate(before):
        if m.group(1) in followers and not _comes_again(joined, before, n, followers, again):
            return m.start()
    return end


def _rabobank_codes_at(joined: str, code: str, codes: list[re.Match[str]], end: int) -> int | None:
    """Where Rabobank's own codes after the value of ``code`` (:data:`RABO_AFTER_ID`) start:
    at the first code from which every code up to the value's '//' (``end``) is one of them,
    in the bank's order, each once, with its /TRCD/ and a number. A code the payer wrote in
    his id breaks that order or comes again ("/EREF/X/RTRN/AC04/TRCD/541/ORDP//": the id is
    "X/RTRN/AC04", no return). None: not that layout (an older export without /TRCD/)."""
    place = RABO_AFTER_ID.get(code, -1)
    for n, first in enumerate(codes):
        tail = codes[n:]
        places = [RABO_AFTER_ID.get(m.group(1), -1) for m in tail]
        if min(places) <= place or any(a >= b for a, b in pairwise(places)):
            continue
        trcd = next((k for k, m in enumerate(tail) if m.group(1) == "TRCD"), None)
        if trcd is None:
            continue
        stop = tail[trcd + 1].start() if trcd + 1 < len(tail) else end
        if _TRCD_VALUE.match(joined[tail[trcd].end() : stop]):
            return first.start()
    return None


def _comes_again(
    joined: str,
    codes: list[re.Match[str]],
    n: int,
    followers: dict[str, int],
    again: dict[int, bool],
) -> bool:
    """Whether the bank's code ``codes[n]`` is written again where the bank could still write
    it: before the bank's next code in its layout (``followers``: one of a later place that
    does not itself come again), and straight after a value, not after a space. Past that it
    is inside the remittance or the end-to-end id: the payer's, never the name's end.
    ``again``: the answers so far, by index (a long :86: full of codes stays linear-ish)."""
    if n not in again:
        code = codes[n].group(1)
        place = followers[code]
        again[n] = False
        for k in range(n + 1, len(codes)):
            other = codes[k].group(1)
            if followers.get(other, -1) > place and not _comes_again(
                joined, codes, k, followers, again
            ):
                break
            if other == code and not joined[: codes[k].start()].endswith((" ", "\t")):
                again[n] = True
                break
    return again[n]


def _cntp_name_end(
    joined: str, start: int, later: list[re.Match[str]], bank: str | None
) -> int | None:
    """ING's ``/CNTP/<IBAN>/<BIC>/<name>/<city>/`` then ``/`` and its next code. The name and
    city are the payer's (SEPA's Dbtr/Nm and address: '/' and '//' allowed), and ING writes
    no code of its own between /CNTP/ and /REMI/ (its order: ../CSID/, /CNTP/, /REMI/,
    /PURP/..), so at ING everything up to its /REMI/ (the first after the BIC that follows
    a '/') is the payer's text (attack12b F1: a name ``J JANSEN//OCMT/EUR1000,00//CHGS/..``
    chooses its own '//').
    Without /REMI/, and at another bank, the name and city run to the first '//' after the
    BIC (which may be empty), or to a /REMI/ written before that '//': a layout that puts its
    /REMI/ straight after the name or city, with no closing '/' (``../Jansen BV/REMI/USTD//
    F-1/``), ends them there, as at the banks that write /NAME/ (misc13: the name swallowed
    the remittance up to its ``USTD//`` and the invoice number was lost). None without
    either: not ING's layout, read as before."""
    iban_end = joined.find("/", start)
    bic_end = joined.find("/", iban_end + 1) if iban_end >= 0 else -1
    if bic_end < 0:
        return None
    remis = [m for m in later if m.group(1) == "REMI" and m.start() > bic_end]
    if bank in ING_LAYOUT:
        # ING closes the city with '/' before its own "/REMI/": "<city>//REMI/"; a bare
        # "/REMI/" inside the name is the payer's (stmt12: "J/REMI/INV-1")
        remi = next((m for m in remis if joined[m.start() - 1] == "/"), None)
        if remi is not None:
            return remi.start()
    cut = joined.find("//", bic_end + 1)
    if remis and (cut < 0 or remis[0].start() < cut):
        return remis[0].start()
    return cut if cut >= 0 else None


def _slash_codes(
    joined: str, bank: str | None
) -> tuple[list[re.Match[str]], tuple[tuple[str, tuple[str, ...]], ...]]:
    """The codes read as the bank's, in the order written (:func:`_values` gives each its
    value up to the next one), and per payer-written value (:data:`PAYER_WRITTEN`, the name
    in ING's /CNTP/) the bank's codes found inside it (kept as its text). Once /REMI/ starts, only :data:`AFTER_REMI` codes
    end it; any other is part of the text."""
    found = list(_CODE.finditer(joined))
    matches: list[re.Match[str]] = []
    in_remittance = False
    until, field = -1, ""
    inside: dict[str, list[str]] = {}
    for n, m in enumerate(found):
        code = m.group(1)
        if m.start() < until:
            inside.setdefault(field, []).append(code)
            continue
        if in_remittance and code not in AFTER_REMI:
            continue
        if code == "CNTP" and any(x.group(1) in ("IBAN", "NAME") for x in matches):
            # the bank named the payer with its own /IBAN/ or /NAME/ (ABN AMRO, Rabobank;
            # ING writes neither before its /CNTP/): a /CNTP/ after it is the payer's text
            # after a '//' he wrote in his name (attack12b F2), never his account
            inside.setdefault("NAME", []).append(code)
            continue
        matches.append(m)
        in_remittance = in_remittance or code == "REMI"
        end = _payer_end(joined, code, m.end(), found[n + 1 :], bank)
        if end is not None:
            until, field = end, "NAME" if code == "CNTP" else code
    said = tuple(
        (f, codes)
        for f, found_in in inside.items()
        if (codes := tuple(dict.fromkeys(c for c in found_in if c in SAID_BY_THE_BANK)))
    )
    return matches, said


def _values(joined: str, matches: list[re.Match[str]]) -> list[tuple[str, str]]:
    return [
        (m.group(1), joined[m.end() : matches[i + 1].start() if i + 1 < len(matches) else None])
        for i, m in enumerate(matches)
    ]


def _slash_tags(codes: list[tuple[str, str]]) -> dict[str, str]:
    tags: dict[str, str] = {}
    for code, value in codes:
        if not tags.get(code, "").strip("/ "):
            # the first non-empty value: Rabobank writes "/REMI//REMI/text", an empty one first
            tags[code] = value
    return tags


_MONEY = re.compile(r"^\s*([A-Z]{3})\s*(\d{1,15}(?:,\d{0,2})?)\s*$")


def _money(value: str | None) -> tuple[str, Decimal] | None:
    """``EUR250,00`` (SWIFT's currency and amount with a decimal comma); ``None`` otherwise."""
    m = _MONEY.match((value or "").strip("/ "))
    return (m.group(1), Decimal(m.group(2).replace(",", "."))) if m else None


def _split_slash(joined: str, bank: str | None) -> Details:
    matches, payer_texts = _slash_codes(joined, bank)
    codes = _values(joined, matches)
    tags = _slash_tags(codes)
    first: dict[str, int] = {}
    for m in matches:
        first.setdefault(m.group(1), m.start())
    cntp_at = first.get("CNTP")
    # the original amount and charges: only where the bank writes them, each once (a second
    # one is a payer's text in a field before /REMI/, such as his end-to-end id), and before
    # /CNTP/: what follows it up to /REMI/ is the payer's name and town (attack12b F1), and a
    # code in the remittance is his text (attack11 A2)
    money = bank in CHARGES_BANKS and all(
        sum(1 for c, _ in codes if c == code) == 1 and (cntp_at is None or first[code] < cntp_at)
        for code in MONEY_CODES
    )
    iban = bic = name = None
    if "CNTP" in tags:
        iban, bic, name = _cntp(tags["CNTP"])
    name = name or tags.get("NAME")
    iban = iban or _iban(tags.get("IBAN"))
    bic = bic or _clean(tags.get("BIC"))
    remittance = reference = None
    if "REMI" in tags:
        remi = tags["REMI"]
        if remi.startswith("STRD/"):
            parts = remi.split("/")
            # STRD/CUR/<kenmerk>/ (or STRD/ISO/<RF...>/)
            reference = parts[2] if len(parts) > 2 else None
        elif remi.startswith("USTD/"):
            remittance = remi[len("USTD/") :].lstrip("/")
        else:
            remittance = remi
    reference = reference or _clean(tags.get("CDTRREF"))
    return Details(
        counterparty_iban=iban,
        counterparty_name=_clean(name),
        counterparty_bic=_clean(bic),
        remittance=_clean(remittance),
        reference=_clean(reference),
        end_to_end_id=_end_to_end(joined, matches, tags, bank),
        return_reason=_clean(tags.get("RTRN")),
        batch_id=_batch_id(tags, bank),
        original_amount=_money(tags.get("OCMT")) if money else None,
        charges=_money(tags.get("CHGS")) if money else None,
        payer_codes=dict(payer_texts).get("EREF", ()),
        payer_texts=payer_texts,
        return_in_text=_return_in_text(joined, matches, bank) if "RTRN" not in tags else None,
    )


def _batch_id(tags: dict[str, str], bank: str | None) -> str | None:
    """The batch booking's payment information id (/PREF/). Rabobank writes a /PREF/ also
    after a single transfer's own /EREF/ (the block it was sent in, often the same id: a
    Rabobank customer's transfer "/EREF/OO9B../PREF/OO9B../TRCD/541/"): that line is one
    payer's payment, not a batch's sum; its batch booking has a /PREF/ and no /EREF/."""
    if bank in RABO_LAYOUT and "EREF" in tags:
        return None
    return _clean(tags.get("PREF"))


def _end_to_end(
    joined: str, matches: list[re.Match[str]], tags: dict[str, str], bank: str | None
) -> str | None:
    """The line's end-to-end id (None: none, or ``NOTPROVIDED``). At a bank that closes the
    :86: with its own /EREF/ (:data:`EREF_LAST`), one the payer opened (an /EREF/ or /PREF/
    after a '//' he typed in his name) does not hide it: the bank's closing one wins."""
    value = tags.get("EREF")
    if bank in EREF_LAST:
        opened = next(
            (
                m
                for m in matches
                if m.group(1) in ("EREF", "PREF") and joined[m.start() - 1 : m.start()] == "/"
            ),
            None,
        )
        closing = _CLOSING_EREF.search(joined, opened.end()) if opened is not None else None
        if closing is not None:
            value = closing.group(1)
    if value is None or value.strip("/") == "NOTPROVIDED":
        return None
    return _clean(value)


def _return_in_text(joined: str, matches: list[re.Match[str]], bank: str | None) -> str | None:
    """The bank's return reason where the reading of the codes put it inside a payer's value
    (:attr:`Details.return_in_text`): the first "/RTRN/<known reason>/" after the bank's
    /NAME/, at a bank that writes it there. Before /NAME/ it is the payer's end-to-end id,
    unless Rabobank's own codes after the id put it there (:func:`_rabobank_codes_at`: then
    it is the line's ``return_reason``)."""
    if bank not in RTRN_AFTER_NAME:
        return None
    name = next((m for m in matches if m.group(1) == "NAME"), None)
    if name is None:
        return None
    for m in _RTRN.finditer(joined, name.end()):
        if m.group(1) in RETURN_CODES:
            return m.group(1)
    return None


def _with_said(
    said: tuple[tuple[str, tuple[str, ...]], ...], field: str, code: str
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``said`` with ``code`` found in the payer's ``field`` (each once)."""
    codes = dict(said)
    if code in codes.get(field, ()):
        return said
    codes[field] = (*codes.get(field, ()), code)
    return tuple(codes.items())


def _cntp(value: str) -> tuple[str | None, str | None, str | None]:
    """ING's ``<IBAN>/<BIC>/<name>/<city>/``: the IBAN, the BIC and the name. The name may
    hold '/' (the payer's text): the city is what follows its last '/'."""
    parts = value.split("/", 2)
    iban = _iban(parts[0]) if parts else None
    bic = parts[1] or None if len(parts) > 1 else None
    rest = parts[2] if len(parts) > 2 else ""
    if rest.endswith("/"):
        # the bank closes the city with '/' before its next code: name and city, then
        rest = rest[:-1]
        name = rest.rsplit("/", 1)[0] if "/" in rest else rest
    else:
        name = rest.split("/", 1)[0]  # as before: no closing slash, no city told apart
    return iban, bic, name or None


def _split_gvc(text: str) -> Details:
    joined = text.replace("\n", "")
    if re.search(r"\?(?!\d{2})", joined):
        raise MalformedDetails("structured :86: has a '?' that is not followed by a two-digit code")
    fields: dict[str, str] = {}
    for code, value in re.findall(r"\?(\d{2})([^?]*)", joined):
        fields[code] = fields.get(code, "") + value
    remittance = "".join(fields.get(f"{n}", "") for n in [*range(20, 30), *range(60, 64)])
    return Details(
        counterparty_iban=_iban(fields.get("31")),
        counterparty_name=_clean((fields.get("32", "") + fields.get("33", "")) or None),
        counterparty_bic=_clean(fields.get("30")),
        remittance=_clean(remittance),
    )


def split_details(
    text: str, *, bank: str | None = None, extra: str | None = None, file_bank: str | None = None
) -> Details:
    """``text``: the raw ``:86:`` value; ``bank``: the account's bank code (INGB, RABO, ...);
    ``extra``: the ``:61:`` supplementary details (Rabobank puts the payer's IBAN there,
    SNS/ASN the payer's name); ``file_bank``: the bank the file's own header names (ING's
    ``0000 01INGBNL2AXXXX00001``), whose layout the lines are in."""
    raw = text.strip("\n")
    joined = raw.replace("\r", "").replace("\n", "")
    if _GVC.match(joined):
        details = _split_gvc(raw)
    elif _knab_layout(bank):
        # before the slash tags: at Knab the payer's description comes first, and one that
        # starts "/CNTP/<IBAN>/.." or "/EREF/.." is his text, never the bank's (attack14 A1)
        if _KNAB_SEPA.match(joined) and _KNAB_BANK_LINE.search(joined):
            # either layout's reading is one the payer can write: an older line's description
            # starting "/TRTP/../IBAN/<anybody's>/NAME/<anybody>/REMI/" before the bank's REK:
            # line, or a SEPA remittance with "REK: <IBAN>/NAAM:" in it (attack25 F1: read as
            # SEPA, the typed account and name were the payer's); neither names him
            details = _free(raw)
        elif _KNAB_SEPA.match(joined):
            details = _split_slash(joined.lstrip(), bank)
        elif "REK:" in joined and "NAAM:" in joined:
            details = _split_knab(raw)
        else:
            details = _free(raw)
    elif _CODE.search(joined) and joined.lstrip().startswith("/"):
        details = _split_slash(joined, bank)
    elif (
        bank in ABN_LABELS
        and (labels := read_abn_labels(raw, WRAP, FIRST_WRAP_WITH_TAG)) is not None
    ):
        details = _abn_labelled(labels)
    elif bank == "TRIO" or re.match(r"^\d{3}>", joined):
        parts = dict(re.findall(r">(\d{2})([^>]*)", joined))
        payer = _iban(parts.get("21"))
        if payer is not None:
            # Triodos's IBAN export: >20 the payer's BIC, >21 the payer's IBAN, >22 its name,
            # >23 onwards address and description (>31 is the account's own number there)
            details = Details(
                counterparty_iban=payer,
                counterparty_bic=_clean(parts.get("20")),
                counterparty_name=_clean(parts.get("22")),
                remittance=_clean("".join(parts.get(str(n), "") for n in range(23, 30))),
            )
        else:
            details = Details(
                remittance=_clean("".join(parts.get(str(n), "") for n in range(20, 30))),
                counterparty_iban=_iban(parts.get("31")),
            )
    elif bank in ("SNSB", "ASNB", "RBRB") and (
        m := re.match(r"^\s*([A-Z]{2}\d{2}[A-Z0-9]{11,30})\s+(.*)", raw)
    ):
        first, _, rest = raw.partition("\n")
        name = first[m.end(1) :].strip()
        details = Details(
            counterparty_iban=_iban(m.group(1)),
            counterparty_name=_clean(name),
            remittance=_clean(_unwrap(rest, first_line_of_field=False)),
        )
    else:
        details = _free(raw, ing_layout=bank == "INGB" or file_bank == "INGB")
    return _with_extra(details, extra, bank)


def _abn_labelled(fields: dict[str, str]) -> Details:
    """ABN AMRO's labelled layout (:mod:`details_abn_labels`): its fields as the slash
    layout's; the remittance is the description, else the structured kenmerk's text."""
    e2e = fields.get("KENMERK")
    kenmerk = fields.get("BETALINGSKENM.")
    return Details(
        counterparty_iban=_iban(fields.get("IBAN")),
        counterparty_name=_clean(fields.get("NAAM")),
        counterparty_bic=_clean(fields.get("BIC")),
        remittance=_clean(fields.get("OMSCHRIJVING") or kenmerk),
        reference=structured_reference(kenmerk),
        end_to_end_id=None if e2e is None or e2e == "NOTPROVIDED" else _clean(e2e),
    )


def _free(raw: str, *, ing_layout: bool = False) -> Details:
    """A free-text :86:: the text is the remittance. ING's unstructured layout ("<IBAN> <BIC>
    <name> ...", a return "AC04 <IBAN> <BIC> ..."): the reason and the IBAN at its start are
    the bank's fields (:data:`_ING_UNSTRUCTURED`). At another bank (or a file that names
    none) no layout starts with a return reason: "AC04 <IBAN> ..." there may be the payer's
    own description (attack25 F3: a payer's credit read as a return, the account he typed
    as its counterparty), so the reason counts for a debit only (``return_in_text``, which
    the payer cannot write) and the IBAN is text, a hint (iban24)."""
    text = _unwrap(raw)
    reason = _leading_reason(text, ing_layout=ing_layout)
    if not ing_layout:
        return Details(remittance=_clean(text), return_in_text=reason)
    m = _LEADING_REASON.match(text) if reason is not None else None
    account = _iban(m.group(2)) if m is not None else None
    if account is None and (ing := _ING_UNSTRUCTURED.match(raw)):
        # read on the bank's lines (a BIC at a full line's end runs on into the name once
        # unwrapped); only what the text scan finds first too (an IBAN's check digits): a
        # line keeps the identity it was booked under (:func:`line_identities`)
        spans = iban_spans(text)
        first = _iban(text[spans[0][0] : spans[0][1]]) if spans else None
        account = first if first == _iban(ing.group(1)) else None
    return Details(remittance=_clean(text), return_reason=reason, counterparty_iban=account)


# ING's unstructured MT940 (its "ongestructureerd" export, and its layout before 2014): the
# bank's counterparty IBAN and BIC first (after the counterparty's old account number, or the
# kind of a direct debit, "Europese Incasso, doorlopend"), then the name and the description:
# the payer's text comes after them
_ING_UNSTRUCTURED = re.compile(
    r"^\s*(?:\d{7,10}\s+)?(?:Europese Incasso,?\s+\w+\s+)?"
    r"([A-Z]{2}\d{2}[A-Z0-9]{11,30})\s+[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?(?:\s|$)"
)


def _knab_layout(bank: str | None) -> bool:
    """Whether the :86: is Knab's: only from what the bank writes, the statement's account
    at Knab (the file's header BIC, the account's IBAN). A "REK: <IBAN>/NAAM: <name>" line
    can be the payer's own description wrapped to a line's start, so in a file that names
    no bank (or another) it is text: read as Knab's it named the payer's chosen account
    and name as the counterparty and hid the bank's own /IBAN/ or /CNTP/ (docs15). Knab
    writes no slash tags in that layout: a :86: of its without the REK: line (its own costs,
    interest) is text. Since 2016 Knab writes ABN AMRO's SEPA layout instead, starting with
    the bank's ``/TRTP/`` (:data:`_KNAB_SEPA`)."""
    return bank == "KNAB"


# Knab's SEPA layout (files from 2016 on): "/TRTP/<kind>/IBAN/<iban>/BIC/<bic>/NAME/<name>
# /EREF/<id>/REMI/<text>", a Knab account as /BBAN/<number>; the bank's own tag comes first,
# where in the older layout the payer's description does (bankfiles24: read as text, the
# payer's name, IBAN and remittance were lost in every Knab file of the last ten years). The
# bank's party (/IBAN/, /BBAN/ or /NAME/) before the first /REMI/ tells it from an older
# line whose description the payer began with "/TRTP/" (attack14 A1); and it wins over a
# "REK: <IBAN>/NAAM:" line, which in this layout is the payer's remittance wrapped to a line's
# start: read as Knab's older layout it named the account and name he typed as the payer
_KNAB_SEPA = re.compile(r"\s*/TRTP/(?:(?!/REMI/).)*?/(?:IBAN|BBAN|NAME)/", re.DOTALL)


_KNAB_PAYER = re.compile(r"REK:\s*([A-Z0-9]+)\s*/\s*NAAM:\s*(.*)$")
# the older layout's bank line anywhere in a :86: (where it may be, see :func:`_split_knab`)
_KNAB_BANK_LINE = re.compile(r"REK:\s*[A-Z0-9]+\s*/\s*NAAM:")
# Knab wraps :86: at 65 characters a line, the first line's counted with its ":86:" tag
_KNAB_WIDTH, _KNAB_FIRST_WIDTH = 65, 61
# the most a payer's name holds (SEPA Nm: 70 characters): the bank's line wraps it once
_NAME_MAX = 70


def _split_knab(raw: str) -> Details:
    """Knab: the payer's description, then the bank's ``REK: <IBAN>/NAAM: <name>`` on a line
    of its own, after the description, the name wrapped onto the next line where it fills
    the bank's line. The description and the name are the payer's text (':' and '/' are
    SEPA characters): a "REK: <IBAN>/NAAM: x" in either names no account. In the
    description (attack13 F4), also where it wraps to a line's start: the bank's line is the
    last that starts with REK:; unless that last line is the wrap of the name of a bank's
    line before it (that line filled to the width and the two together a name of at most
    70 characters): a name over 35 characters that runs on with "REK: <IBAN>/NAAM: x"
    starts the next line with it (returns14)."""
    rows = raw.replace("\r", "").split("\n")
    starts = [n for n, row in enumerate(rows) if _KNAB_PAYER.match(row.lstrip())]
    if not starts:  # the bank's line not at a line's start: as it reads, the last
        flat = raw.replace("\n", " ")
        found = list(re.finditer(r"REK:\s*([A-Z0-9]+)\s*/\s*NAAM:", flat))
        at = found[-1].start() if found else len(flat)
        before, bank_line = flat[:at], flat[at:]
    else:
        bank = starts[-1]
        if bank == len(rows) - 1 and bank - 1 in starts and _name_runs_on(rows, bank - 1):
            bank -= 1  # the last line is the name of the bank's line before it, run on
            cut = " " if len(rows[bank]) < _width(bank) else ""  # a space the wrap fell on
            before, bank_line = " ".join(rows[:bank]), rows[bank] + cut + rows[bank + 1]
        else:
            before, bank_line = _knab_joined(rows, 0, bank), _knab_joined(rows, bank, len(rows))
    m = _KNAB_PAYER.match(bank_line.lstrip())
    return Details(
        counterparty_iban=_iban(m.group(1)) if m else None,
        counterparty_name=_clean(m.group(2)) if m else None,
        remittance=_clean(before),
    )


def _width(row: int) -> int:
    return _KNAB_FIRST_WIDTH if row == 0 else _KNAB_WIDTH


def _knab_joined(rows: list[str], start: int, end: int) -> str:
    """``rows[start:end]`` as one text: a line Knab filled to its width was cut there and
    goes on without a space (a name over 35 characters cut mid-word, "…J" / "ANSEN": newcomer14b
    #4), a shorter one ended at a space (stripped from the line's end)."""
    out = ""
    for n in range(start, end):
        if n > start:
            out += "" if len(rows[n - 1]) >= _width(n - 1) else " "
        out += rows[n]
    return out


def _name_runs_on(rows: list[str], at: int) -> bool:
    """Whether the bank's line ``rows[at]`` wrapped its name onto the next (the last) line:
    it fills Knab's width (a space the wrap fell on is stripped from the line's end) and
    the name read on both lines is a name's length."""
    m = _KNAB_PAYER.match(rows[at].lstrip())
    return (
        m is not None
        and len(rows[at]) >= _width(at) - 1
        and len((m.group(2) + rows[at + 1]).strip()) <= _NAME_MAX
    )


def _leading_reason(text: str, *, ing_layout: bool) -> str | None:
    """The ISO return reason a free-text :86: starts with (ING unstructured: "AC04 <IBAN>
    ..."). In ING's layout, or where an IBAN follows it as in ING's layout: another bank's
    description that happens to start with such a code stays a description."""
    m = _LEADING_REASON.match(text)
    if m is None or m.group(1) not in RETURN_REASONS:
        return None
    if ing_layout or _iban(m.group(2)) is not None:
        return m.group(1)
    return None


def id_candidates(text: str | None) -> list[str]:
    """The words of a free-text :86: that may be the end-to-end id of a returned payment
    (ING's unstructured layout writes it after the name, untagged): long words with a digit
    of at most 35 characters that are no IBAN, at most eight. Only for looking up what we sent, never for booking."""
    if not text:
        return []
    out: list[str] = []
    for word in text.split():
        word = word.strip(".,;")
        # SEPA's EndToEndId is at most 35 characters
        if (
            not 6 <= len(word) <= 35
            or not any(c.isdigit() for c in word)
            or _iban(word) is not None
        ):
            continue
        if word not in out and word not in RETURN_REASONS:
            out.append(word)
    return out[:8]


def _with_extra(details: Details, extra: str | None, bank: str | None) -> Details:
    """Fill what ``:86:`` lacked from the ``:61:`` supplementary details and the text."""
    iban = details.counterparty_iban
    name = details.counterparty_name
    payer_texts = details.payer_texts
    if extra:
        first, _, second = extra.strip().partition("\n")
        banks = _iban(first.split()[0] if first.split() else None)
        if banks is not None and iban is not None and banks != iban:
            # the bank's own account of the payer (Rabobank, SNS/ASN: in :61:) wins over an
            # IBAN found in :86:, which the payer's text can carry (attack12b F2); a person
            # is told
            payer_texts = _with_said(payer_texts, "NAME", "CNTP")
        iban = banks or iban
        if bank in ("SNSB", "ASNB", "RBRB") and not name:
            name = _clean(second) or name
    in_text = None
    if iban is None and details.remittance:
        # only what is an IBAN (a SEPA country's length and check digits, or the Dutch shape):
        # an invoice number such as FA2024000012345 has an IBAN's shape and must stay text.
        # The payer wrote it: anybody's account (a victim's, another debtor's), so it is kept
        # apart from the bank's field and is never learned, proved or paid to (iban24)
        spans = iban_spans(details.remittance)
        in_text = _iban(details.remittance[spans[0][0] : spans[0][1]]) if spans else None
    reference, before = details.reference, None
    if reference is None and details.remittance:
        # not in an IBAN of the text: its digits may pass a short kenmerk's check
        reference, before = read_reference(without_ibans(details.remittance, iban or in_text))
    return Details(
        counterparty_iban=iban,
        counterparty_name=name,
        counterparty_bic=details.counterparty_bic,
        remittance=details.remittance,
        reference=reference,
        reference_before=before,
        end_to_end_id=details.end_to_end_id,
        return_reason=details.return_reason,
        batch_id=details.batch_id,
        original_amount=details.original_amount,
        charges=details.charges,
        payer_codes=details.payer_codes,
        payer_texts=payer_texts,
        return_in_text=details.return_in_text,
        iban_in_text=in_text,
    )
