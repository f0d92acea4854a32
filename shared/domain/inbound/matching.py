"""Which debtors a message concerns, and how sure we are.

Evidence, strongest first:
- the message answers one of our messages (its In-Reply-To / References name the Message-ID
  we gave a reminder, or it carries our X-Inning-Reference that names its client): that
  reminder's debtor;
- an invoice number, betalingskenmerk or plan reference in what the sender wrote now;
- the sender's address is a debtor's address (a shared address may belong to several);
- a number that only appears in the quoted history (weak: an old reminder quoted in full
  names every invoice it listed).

A debtor is *certain* when the message answers our message to it, or when the From address is
its address on file and nothing points elsewhere (or a number of it tells it apart from other
debtors with that address); everything else is a *candidate* for a person to choose. Anyone
can type an invoice number or a forwarded "From:" line: from a sender who is not the debtor,
they make a candidate, never a certain match (else a stranger puts text on a dossier). A number found at two debtors (the same invoice number at
two clients behind one mailbox) is weak for both.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum


class Evidence(StrEnum):
    THREAD = "thread"  # answers our message to this debtor
    INVOICE = "invoice"  # names one of its invoices
    REFERENCE = "reference"  # names its betalingskenmerk
    PLAN = "plan"  # names its payment plan's reference
    SENDER = "sender"  # written from its address (the From address is on file)
    FORWARDED = "forwarded"  # a forwarded message's header names its address (anyone can type it)
    QUOTED = "quoted"  # a number of it only in the quoted history

    @property
    def strong(self) -> bool:
        return self in (Evidence.THREAD, Evidence.INVOICE, Evidence.REFERENCE, Evidence.PLAN)


@dataclass(frozen=True)
class Hit:
    """One piece of evidence: this debtor, because of this (``detail`` names the invoice,
    reference or address)."""

    client_id: str
    debtor_number: str
    evidence: Evidence
    detail: str
    invoice_number: str | None = None


@dataclass(frozen=True)
class Candidate:
    client_id: str
    debtor_number: str
    reasons: tuple[str, ...]
    invoice_numbers: tuple[str, ...] = ()
    certain: bool = False


@dataclass(frozen=True)
class Decision:
    certain: tuple[Candidate, ...]
    uncertain: tuple[Candidate, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def needs_a_person(self) -> bool:
        return not self.certain


def decide(hits: Iterable[Hit]) -> Decision:
    hits = list(hits)
    # a strong detail (an invoice number, a reference) that points at two debtors says nothing
    # about which one
    owners: dict[tuple[Evidence, str], set[tuple[str, str]]] = {}
    for h in hits:
        owners.setdefault((h.evidence, h.detail), set()).add((h.client_id, h.debtor_number))
    by_debtor: dict[tuple[str, str], list[Hit]] = {}
    notes: list[str] = []
    for h in hits:
        by_debtor.setdefault((h.client_id, h.debtor_number), []).append(h)
    certain: list[Candidate] = []
    uncertain: list[Candidate] = []
    senders = {k for k, hs in by_debtor.items() if any(h.evidence is Evidence.SENDER for h in hs)}
    for debtor, debtor_hits in sorted(by_debtor.items()):
        strong = [
            h for h in debtor_hits if h.evidence.strong and len(owners[(h.evidence, h.detail)]) == 1
        ]
        shared = [
            h for h in debtor_hits if h.evidence.strong and len(owners[(h.evidence, h.detail)]) > 1
        ]
        for h in shared:
            notes.append(f"{h.evidence.value} {h.detail} fits several debtors")
        answers_us = any(h.evidence is Evidence.THREAD for h in strong)
        is_certain = (
            answers_us
            # a number of this debtor's, written from one of its addresses on file
            or (bool(strong) and debtor in senders)
            or (
                # the only debtor with this address, and nothing in the text points elsewhere
                debtor in senders
                and len(senders) == 1
                and not _strong_elsewhere(by_debtor, owners, debtor)
            )
        )
        reasons = tuple(dict.fromkeys(f"{h.evidence.value}: {h.detail}" for h in debtor_hits))
        invoices = tuple(dict.fromkeys(h.invoice_number for h in debtor_hits if h.invoice_number))
        candidate = Candidate(debtor[0], debtor[1], reasons, invoices, is_certain)
        (certain if is_certain else uncertain).append(candidate)
    return Decision(tuple(certain), tuple(uncertain), tuple(dict.fromkeys(notes)))


def _strong_elsewhere(
    by_debtor: dict[tuple[str, str], list[Hit]],
    owners: dict[tuple[Evidence, str], set[tuple[str, str]]],
    debtor: tuple[str, str],
) -> bool:
    return any(
        h.evidence.strong and len(owners[(h.evidence, h.detail)]) == 1
        for other, hs in by_debtor.items()
        if other != debtor
        for h in hs
    )
