"""A letter sent while the debtor counted as a business makes a consumer owe no costs until a
person confirms it met 6:96 lid 6 (law11b F5); a letter sent to him as a consumer counts.

Invoice 1,000.00 due 1-12-2025. The client's sommatie of Wednesday 3-12-2025 (as a consumer's
letter: received Friday 5-12, costs owed from 20-12); Inning's own letter to the business set
the term 22-12-2025. After the correction Inning's 14-day letter to the consumer sets 20-1-2026."""

from __future__ import annotations

from datetime import date

from shared.domain.invoices import Invoice
from shared.domain.ledger.kind_letter import LetterAsBusiness
from shared.domain.ledger.terms import costs_owed_from
from shared.domain.parties import Client

LETTER = date(2025, 12, 3)
OWN_TERM = date(2025, 12, 22)
NEW_TERM = date(2026, 1, 20)


def client() -> Client:
    return Client("c", "a", "C1", "Client")


def invoice(owed_from: date | None = None) -> Invoice:
    return Invoice("c", "F1", "D1", date(2025, 11, 1), date(2025, 12, 1), 100_000,
                   costs_owed_from=owed_from)  # fmt: skip


def test_the_clients_business_letter_is_none_for_the_consumer_until_confirmed() -> None:
    held = LetterAsBusiness(LETTER, None)
    kw = {"consumer": True, "client": client(), "letter_on": LETTER}
    assert costs_owed_from(invoice(), **kw) == date(2025, 12, 20)  # type: ignore[arg-type]
    assert costs_owed_from(invoice(), as_business=held, **kw) is None  # type: ignore[arg-type]
    confirmed = held.confirm()
    assert costs_owed_from(invoice(), as_business=confirmed, **kw) == date(2025, 12, 20)  # type: ignore[arg-type]
    # a business still owes on its sommatie: the hold is the consumer's
    business = {"consumer": False, "client": client(), "letter_on": LETTER}
    assert costs_owed_from(invoice(), as_business=held, **business) == LETTER  # type: ignore[arg-type]


def test_innings_own_term_to_the_business_is_held_and_a_new_letter_counts() -> None:
    held = LetterAsBusiness(None, OWN_TERM)
    kw = {"consumer": True, "client": client(), "letter_on": None, "as_business": held}
    assert costs_owed_from(invoice(OWN_TERM), **kw) is None  # type: ignore[arg-type]
    assert costs_owed_from(invoice(NEW_TERM), **kw) == NEW_TERM  # type: ignore[arg-type]
    kw["as_business"] = held.confirm()
    assert costs_owed_from(invoice(OWN_TERM), **kw) == OWN_TERM  # type: ignore[arg-type]


def test_a_forgone_share_owes_nothing_on_the_held_letter_but_keeps_its_notice() -> None:
    """Confirmed after the consumer paid the claim in full as told (kindletter13 #2): no costs
    of its own on the client's letter (its notice day stays 20-12 for the others' shares, the
    base counted as open that day), and a new letter to him would still count (20-1-2026)."""
    from shared.domain.ledger.terms import claim_terms

    forgone = LetterAsBusiness(LETTER, None).confirm(forgone=True)
    kw = {"consumer": True, "client": client(), "letter_on": LETTER, "as_business": forgone}
    assert costs_owed_from(invoice(), **kw) is None  # type: ignore[arg-type]
    assert costs_owed_from(invoice(NEW_TERM), **kw) == NEW_TERM  # type: ignore[arg-type]
    terms = claim_terms(invoice(), **kw)  # type: ignore[arg-type]
    assert (terms.costs_owed_from, terms.notice_from, terms.share_forgone) == (
        None,
        date(2025, 12, 20),
        True,
    )
    plain = claim_terms(invoice(), consumer=True, client=client(), letter_on=LETTER,
                        as_business=forgone.counted)  # fmt: skip
    assert (plain.costs_owed_from, plain.share_forgone) == (date(2025, 12, 20), False)


def test_the_stored_letter_reads_back_and_old_rows_read_as_nothing_forgone() -> None:
    """A held, confirmed and forgone letter each read back as written; a row of three fields
    (as written before ``forgone``, and still for a share not forgone, so an instance of the
    code before it reads it during a deploy) reads with nothing forgone."""
    from shared.adapters.tables.ledger_repo import _as_business_in, _as_business_out

    held = LetterAsBusiness(LETTER, OWN_TERM)
    for letter in (held, held.confirm(), held.confirm(forgone=True)):
        assert _as_business_in(_as_business_out(letter)) == letter
    assert _as_business_out(held.confirm()) == '["2025-12-03","2025-12-22",true]'
    assert _as_business_in('["2025-12-03", null, true]') == LetterAsBusiness(LETTER, None, True)
