"""The rows that make one return undo one payment (failure13 F4, F5) and mark a credit nobody
booked sent back (newcomer13 #1), on the in-memory store and on Azurite alike: the first
chooser's insert stands, a dropped choice may be made again, a payment is given to one return
line, and a line is marked sent back only under the ETag it was read with."""

from __future__ import annotations

import uuid
from datetime import date

from shared.adapters.tables.banking_repo import SENT_BACK, ReturnChoice, SentBack


def test_a_returns_choice_is_made_once_and_a_payment_given_to_one_line(repos):
    banking, tag = repos.banking, uuid.uuid4().hex[:8]
    line, other = f"line-{tag}-1", f"line-{tag}-2"
    mine, theirs = ReturnChoice(f"c{tag}", "bank-a-1"), ReturnChoice(f"d{tag}", "bank-b-1")
    assert banking.return_choice(line) is None
    assert banking.choose_for_return(line, mine) == mine
    assert banking.choose_for_return(line, theirs) == mine  # another client's chooser loses
    banking.drop_return_choice(line, theirs)  # not the stored one: nothing dropped
    assert banking.return_choice(line) == mine
    banking.drop_return_choice(line, mine)
    assert banking.choose_for_return(line, theirs) == theirs
    assert banking.returned_by(mine.client_id, mine.payment_id) is None
    assert banking.claim_returned(mine.client_id, mine.payment_id, line) == line
    assert banking.claim_returned(mine.client_id, mine.payment_id, other) == line
    assert banking.returned_by(mine.client_id, mine.payment_id) == line


def test_a_credit_line_is_marked_sent_back_only_as_it_was_read(repos):
    banking, tag = repos.banking, uuid.uuid4().hex[:8]
    account = f"NL02ABNA{tag}"
    banking.claim_line(account, "credit-1", 12_100, date(2025, 3, 20), "act-1")
    stale = banking.line(account, "credit-1")
    assert stale is not None
    claimed, mine = banking.claim_for_booking(
        account, "credit-1", stale, client_id="C1", payment_id="bank-credit-1",
        invoices=["F-1"], amount=12_100, booked_on=date(2025, 3, 20),
    )  # fmt: skip
    assert mine and claimed is not None
    assert not banking.send_back(account, stale, "return-1")  # a confirm claimed it since
    assert banking.send_back(account, claimed, "return-1")
    marked = banking.line(account, "credit-1")
    assert marked is not None
    assert (marked.status, marked.returned_by, marked.action_id) == (SENT_BACK, "return-1", "act-1")


def test_what_a_return_sent_back_and_a_bookings_designation_are_kept(repos):
    """returns14 #2, #3: the note of the credit a return sent back, beside its choice; a
    booking written down with its designation (none decided is an empty one, not unknown)."""
    banking, tag = repos.banking, uuid.uuid4().hex[:8]
    assert banking.sent_back_by(f"return-{tag}") is None
    sent = SentBack(f"credit-{tag}", f"c{tag}", "act-1")
    banking.note_sent_back(f"return-{tag}", sent)
    assert banking.sent_back_by(f"return-{tag}") == sent
    assert banking.return_choice(f"return-{tag}") is None  # the choice's row is its own
    account = f"NL02ABNA{tag}"
    for line, named in (("line-1", ["F-1"]), ("line-2", []), ("line-3", None)):
        banking.claim_line(account, line, 100_00, date(2025, 3, 3), f"act-{line}")
        record = banking.line(account, line)
        assert record is not None
        banking.write_intent(account, record, client_id="C1", payment_id=f"bank-{line}",
                             invoices=["F-1"], amount=100_00, booked_on=date(2025, 3, 3),
                             designated=named)  # fmt: skip
        written = banking.line(account, line)
        assert written is not None
        assert written.designated == (None if named is None else tuple(named))


def test_a_persons_claim_keeps_its_designation(repos):
    """knab14: a person's confirm writes its designation down with its claim, on a new row
    (no line read) and under the ETag of the line it read alike."""
    banking, tag = repos.banking, uuid.uuid4().hex[:8]
    account = f"NL02ABNA{tag}"
    for line, named, read in (("line-1", ["F-1"], False), ("line-2", [], False),
                              ("line-3", None, False), ("line-4", ["F-1"], True),
                              ("line-5", [], True)):  # fmt: skip
        record = None
        if read:
            banking.claim_line(account, line, 100_00, date(2025, 3, 3), f"act-{line}")
            record = banking.line(account, line)
            assert record is not None
        claimed, mine = banking.claim_for_booking(
            account, line, record, client_id="C1", payment_id=f"bank-{line}", invoices=["F-1"],
            amount=100_00, booked_on=date(2025, 3, 3), designated=named,
        )  # fmt: skip
        expected = None if named is None else tuple(named)
        assert mine and claimed is not None and claimed.designated == expected
        written = banking.line(account, line)
        assert written is not None and written.designated == expected
