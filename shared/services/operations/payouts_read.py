"""The settlement payouts an agency's files show, for ``inning restore-hold paid`` (ops28).

After a restore the operator records the transfers the bank made after the restored night
(:mod:`shared.services.operations.paid_after_restore`). Typed by hand, an end-to-end id of 35
characters and an amount per client invites a slip; these read them from the files the agency
has instead:

- the run's pain.001 (the file Inning generated and the agency uploaded to its bank): every
  transfer it asked for, by ``EndToEndId`` and ``InstdAmt``. It says what was asked, not what
  the bank did.
- a camt.053 of the payout (third-party) account: every booked debit whose end-to-end id is a
  settlement's (``R<date>-...``), netted against a credit of the same id (a payout the
  beneficiary's bank sent back, or a reversal): what the bank paid.

Given both, a payout is one the pain.001 asked for and the camt.053 shows debited with the
same amount; the rest is listed with why. Only settlement ids are read (the account carries
other debits: fees, the agency's own transfers), only euros, only booked entries.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from defusedxml import ElementTree as SafeET

from shared.domain.money import Cents, format_eur_nl, parse_amount

MAX_BYTES = 50 * 1024 * 1024  # a payout account's month is a few MB
_SETTLEMENT_ID = re.compile(r"R\d{8}-[A-Za-z0-9-]+")


class PayoutFileError(ValueError):
    """A file that is not what it should be (named, with why)."""


@dataclass
class PayoutsFound:
    """What the files say the bank paid: ``paid`` (end-to-end id -> cents) and what was left
    out, each with why (``left``: end-to-end id -> reason)."""

    paid: dict[str, Cents] = field(default_factory=dict)
    left: dict[str, str] = field(default_factory=dict)
    account: str | None = None  # the payout account (pain.001 debtor / camt.053 statement)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(node: Element, name: str) -> Iterator[Element]:
    return (c for c in node if _local(c.tag) == name)


def _child(node: Element, *path: str) -> Element | None:
    found: Element | None = node
    for name in path:
        if found is None:
            return None
        found = next(_children(found, name), None)
    return found


def _text(node: Element, *path: str) -> str:
    found = _child(node, *path)
    return (found.text or "").strip() if found is not None else ""


def _iter(node: Element, name: str) -> Iterator[Element]:
    return (n for n in node.iter() if _local(n.tag) == name)


def _root(data: bytes, what: str, body: str) -> Element:
    if len(data) > MAX_BYTES:
        raise PayoutFileError(f"{what}: over {MAX_BYTES // 1024 // 1024} MiB")
    try:
        root: Element = SafeET.fromstring(data)
    except SafeET.ParseError as exc:
        raise PayoutFileError(f"{what}: not well-formed XML ({exc})") from None
    except Exception as exc:  # defusedxml's refusals (a DTD, entities) name themselves
        raise PayoutFileError(f"{what}: refused ({type(exc).__name__})") from None
    if _local(root.tag) != "Document" or _child(root, body) is None:
        raise PayoutFileError(f"{what}: not a {what} file (no {body})")
    return root


def _cents(text: str, what: str, where: str) -> Cents:
    try:
        return parse_amount(text)
    except ValueError:
        raise PayoutFileError(f"{what}: {where}: not an amount: {text!r}") from None


def payouts_in_pain001(data: bytes) -> PayoutsFound:
    """Every transfer of a pain.001 (credit transfer initiation) by end-to-end id."""
    root = _root(data, "pain.001", "CstmrCdtTrfInitn")
    found = PayoutsFound()
    for info in _iter(root, "PmtInf"):
        found.account = found.account or _text(info, "DbtrAcct", "Id", "IBAN") or None
        for tx in _children(info, "CdtTrfTxInf"):
            e2e = _text(tx, "PmtId", "EndToEndId")
            amount = _child(tx, "Amt", "InstdAmt")
            if amount is None or amount.get("Ccy", "EUR") != "EUR":
                found.left[e2e or "?"] = "not a euro amount"
                continue
            if not _SETTLEMENT_ID.fullmatch(e2e):
                found.left[e2e or "?"] = "not a settlement's end-to-end id"
                continue
            if e2e in found.paid:
                raise PayoutFileError(f"pain.001: {e2e} appears twice")
            found.paid[e2e] = _cents(amount.text or "", "pain.001", e2e)
    return found


def payouts_in_camt053(data: bytes) -> PayoutsFound:
    """Every booked euro debit of a settlement's end-to-end id, less what came back under
    the same id; an id whose net is nothing is left out ("returned")."""
    root = _root(data, "camt.053", "BkToCstmrStmt")
    net: dict[str, Cents] = {}
    found = PayoutsFound()
    for statement in _iter(root, "Stmt"):
        found.account = found.account or _text(statement, "Acct", "Id", "IBAN") or None
        for entry in _children(statement, "Ntry"):
            status = _text(entry, "Sts") or _text(entry, "Sts", "Cd")
            if status and status != "BOOK":
                continue  # pending or information only: not (yet) paid
            for e2e, cents, debit in _transactions(entry):
                if not _SETTLEMENT_ID.fullmatch(e2e):
                    continue
                net[e2e] = net.get(e2e, 0) + (cents if debit else -cents)
    for e2e, cents in sorted(net.items()):
        if cents > 0:
            found.paid[e2e] = cents
        else:
            found.left[e2e] = "debited and returned (nothing paid on balance)"
    return found


def _transactions(entry: Element) -> Iterator[tuple[str, Cents, bool]]:
    """An entry's transactions: (end-to-end id, cents, debit). A batch entry lists each in
    its ``TxDtls`` (with its own amount); a single one may carry only the entry's amount."""
    entry_debit = _text(entry, "CdtDbtInd") == "DBIT"
    if _text(entry, "RvslInd").lower() == "true":
        entry_debit = not entry_debit  # a reversal undoes the entry it names
    entry_amount = _child(entry, "Amt")
    details = list(_iter(entry, "TxDtls"))
    for tx in details:
        e2e = _text(tx, "Refs", "EndToEndId")
        amount = _child(tx, "Amt")
        if amount is None:
            amount = _child(tx, "AmtDtls", "TxAmt", "Amt")
        if amount is None and len(details) == 1:
            amount = entry_amount
        if amount is None or amount.get("Ccy", "EUR") != "EUR":
            continue
        indicator = _text(tx, "CdtDbtInd")
        debit = entry_debit if not indicator else indicator == "DBIT"
        yield e2e, _cents(amount.text or "", "camt.053", e2e or "an entry"), debit


def payouts_read(pain: bytes | None, camt: bytes | None) -> PayoutsFound:
    """The payouts to record from the agency's pain.001, its payout account's camt.053, or
    both (then the pain.001's transfers the camt.053 shows debited in full)."""
    if pain is None and camt is None:
        raise PayoutFileError("give the run's pain.001, the payout account's camt.053, or both")
    if camt is None:
        assert pain is not None
        return payouts_in_pain001(pain)
    debited = payouts_in_camt053(camt)
    if pain is None:
        return debited
    asked = payouts_in_pain001(pain)
    if asked.account and debited.account and asked.account != debited.account:
        raise PayoutFileError(
            f"the pain.001 pays from {asked.account}, the camt.053 is of {debited.account}"
        )
    found = PayoutsFound(left={**asked.left}, account=asked.account or debited.account)
    for e2e, cents in sorted(asked.paid.items()):
        if e2e in debited.left:
            found.left[e2e] = debited.left[e2e]
        elif e2e not in debited.paid:
            found.left[e2e] = "in the pain.001, not debited in the camt.053"
        elif debited.paid[e2e] != cents:
            found.left[e2e] = (
                f"the pain.001 asks {format_eur_nl(cents)}, the camt.053 debited "
                f"{format_eur_nl(debited.paid[e2e])}"
            )
        else:
            found.paid[e2e] = cents
    for e2e in sorted(set(debited.paid) - set(asked.paid)):
        found.left[e2e] = "debited in the camt.053, not in this pain.001 (give its own file)"
    return found
