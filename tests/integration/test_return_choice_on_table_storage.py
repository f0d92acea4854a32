"""The rows that make one return undo one payment (failure13 F4, F5) and mark a credit nobody
booked sent back (newcomer13 #1), on the in-memory store and on Azurite alike: the first
chooser's insert stands, a dropped choice may be made again, a payment is given to one return
line, and a line is marked sent back only under the ETag it was read with."""

from __future__ import annotations

import uuid
from datetime import date

from shared.adapters.tables.banking_repo import SENT_BACK, ReturnChoice


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
