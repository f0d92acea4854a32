"""CAMT.053 batch entries and credits that come back, read from real files (review newcomer6,
findings 1 and 2; viafintech's camt_parser fixtures, MIT)."""

from __future__ import annotations

from shared.domain.statements.batches import (
    is_batch_credit,
    may_be_own_collection,
    names_batch,
    own_collection_file,
)
from shared.domain.statements.parse import parse_statement_file
from tests.conftest import STATEMENTS

VIAFINTECH = STATEMENTS / "camt053" / "viafintech"


def _lines(name: str):
    (statement,) = parse_statement_file((VIAFINTECH / name).read_bytes())
    return statement.lines


def test_a_batch_entry_listing_its_collections_keeps_the_batch_on_each():
    # one <Ntry> of 250.00, Btch/PmtInfId of an Inning-shaped pain.008, two TxDtls of 125.00
    lines = _lines("variant_own_sdd_batch_with_txdtls.xml")
    assert [(x.amount, x.end_to_end_id) for x in lines] == [
        (12500, "E2E-PLAN1-0002"),
        (12500, "E2E-PLAN2-0002"),
    ]
    assert {x.batch_id for x in lines} == {"SDD20261126ABCDEF123456-RCUR"}
    assert all(x.batch_part and names_batch(x) and not is_batch_credit(x) for x in lines)
    own = own_collection_file(lines[0].batch_id)
    assert own is not None and (own.message_id, own.sequence) == ("SDD20261126ABCDEF123456", "RCUR")


def test_a_batch_booked_as_one_sum_is_no_part():
    # ING NL: a batch debit entry with Btch/PmtInfId and no TxDtls
    (batch,) = [x for x in _lines("valid_example_with_batch.xml") if x.batch_id]
    assert batch.amount < 0 and not batch.batch_part and not names_batch(batch)


def test_postfinance_lists_other_peoples_batch_per_payer_and_its_returned_transfers():
    lines = _lines("valid_example_v4.xml")
    # the ESR "Sammelgutschrift" names no payment information id: ten payers' credits
    assert not any(x.batch_id for x in lines)
    # three transfers came back (RRTN, RtrInf NARR): money in with a return reason
    back = [x for x in lines if x.amount > 0 and x.is_return]
    assert sorted(x.amount for x in back) == [2000, 4000, 5000]
    assert {x.return_reason for x in back} == {"NARR"} and not any(x.reversal for x in back)
    # the two direct-debit returns: debits flagged as reversal, reason MD06
    undone = [x for x in lines if x.amount < 0 and x.reversal]
    assert [x.return_reason for x in undone] == ["MD06", "MD06"]


def test_only_an_id_shaped_like_our_collections_is_looked_up():
    lines = _lines("variant_own_sdd_batch_with_txdtls.xml")
    from dataclasses import replace

    ours = replace(lines[0], end_to_end_id="9b8d627a803e5c5aeed2-1-1", batch_id=None)
    assert may_be_own_collection(ours)
    assert not may_be_own_collection(lines[0])  # E2E-PLAN1-0002: a payer's own id
    assert not may_be_own_collection(replace(ours, amount=-ours.amount))


def test_the_items_of_credits_that_come_back_read_dutch_on_dutch_pages():
    from shared.api.console.action_text import detail_label, kind_label, title

    reversal = (
        "Reversal credit of € 50,00: the bank undid an earlier debit of this account; no return "
        "of ours it names could be booked again: check and book it (or refund it)"
    )
    assert title(reversal, "nl").startswith("Storno van € 50,00 bijgeschreven: de bank draaide")
    returned = (
        "Returned transfer of € 20,00 (AC04: account closed): money sent from this account came "
        "back; pay it again to the right account, or book it"
    )
    assert title(returned, "nl").startswith("Overboeking van € 20,00 teruggekomen (AC04: account")
    assert title(returned, "en") == returned
    assert kind_label("reversal_credit", "nl") == "Storno bijgeschreven"
    assert kind_label("returned_transfer", "nl") == "Overboeking teruggekomen"
    assert detail_label("return_reason", "nl") == "Reden terugboeking"
