"""The sending-mailbox rule (sender33, shared/domain/sending_mailbox.py): a client's mail goes
from its contact e-mail only once that is verified; until then from the agency's mailbox with
the client's address to reply to; a code lives 24 hours, is used once, dies after 5 wrong."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from shared.domain.people.factors import same
from shared.domain.sending_mailbox import (
    CODE_LIFETIME,
    MAX_ATTEMPTS,
    MAX_CODES_A_DAY,
    CodeRefused,
    SenderCheck,
    after_wrong,
    check_code,
    hashed_value,
    is_verified,
    mail_from,
    may_mail_code,
    new_code,
    with_code,
)

NOW = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)
TODAY = date(2026, 12, 4)
AGENCY = "incasso@agency.example"


def test_an_address_nobody_changed_is_verified_a_checked_one_is_not() -> None:
    assert is_verified("ar@c1.example", None)
    assert not is_verified("ar@c1.example", SenderCheck("ar@c1.example"))
    assert not is_verified(None, None)  # nothing to send from


def test_the_from_is_the_verified_address_else_the_agencys_with_reply_to() -> None:
    verified = mail_from("ar@c1.example", "ar@c1.example", contact_email="ar@c1.example",
                         check=None, linked_mailbox=None, agency_mailbox=AGENCY)  # fmt: skip
    assert (verified.sender, verified.reply_to, verified.as_agency) == (
        "ar@c1.example", "ar@c1.example", False)  # fmt: skip
    asked = "director@agency.example"
    unverified = mail_from(asked, asked, contact_email=asked, check=SenderCheck(asked),
                           linked_mailbox=None, agency_mailbox=AGENCY)  # fmt: skip
    assert (unverified.sender, unverified.reply_to, unverified.as_agency) == (AGENCY, asked, True)
    # no Reply-To asked: replies still reach the address the mail meant to come from
    assert mail_from(asked, None, contact_email=asked, check=SenderCheck(asked),
                     linked_mailbox=None, agency_mailbox=AGENCY).reply_to == asked  # fmt: skip
    # the mailbox the client linked (proven by Microsoft's sign-in) and the agency's own pass
    linked = mail_from("box@c1.example", None, contact_email=asked, check=SenderCheck(asked),
                       linked_mailbox="Box@c1.example", agency_mailbox=AGENCY)  # fmt: skip
    assert not linked.as_agency


def test_a_code_is_bound_to_client_and_address_and_lives_a_day() -> None:
    code = new_code()
    assert len(code) == 6 and code.isdigit()
    assert hashed_value("c1", "A@x.example", code) != hashed_value("c2", "a@x.example", code)
    check = with_code(SenderCheck("a@x.example"), "h1", NOW, TODAY)
    assert check.expires_at == NOW + CODE_LIFETIME and check.codes_that_day == 1
    check_code(check, "a@x.example", "h1", NOW, same)  # right: no refusal
    for contact, given, at, reason in (
        ("b@x.example", "h1", NOW, "sender_code_stale"),  # the address changed since
        ("a@x.example", "h2", NOW, "sender_code_wrong"),
        ("a@x.example", "h1", NOW + CODE_LIFETIME, "sender_code_expired"),
    ):
        with pytest.raises(CodeRefused) as refused:
            check_code(check, contact, given, at, same)
        assert refused.value.reason.code == reason
    with pytest.raises(CodeRefused) as none:
        check_code(SenderCheck("a@x.example"), "a@x.example", "h1", NOW, same)
    assert none.value.reason.code == "sender_code_none"


def test_wrong_tries_void_the_code_even_the_right_one_after() -> None:
    check = with_code(SenderCheck("a@x.example"), "h1", NOW, TODAY)
    for _ in range(MAX_ATTEMPTS):
        check = after_wrong(check)
    assert check.code_hash is None
    with pytest.raises(CodeRefused) as refused:
        check_code(check, "a@x.example", "h1", NOW + timedelta(minutes=1), same)
    assert refused.value.reason.code == "sender_code_none"


def test_codes_a_day_are_limited_and_a_new_day_counts_afresh() -> None:
    check = SenderCheck("a@x.example")
    for n in range(MAX_CODES_A_DAY):
        assert may_mail_code(check, TODAY)
        check = with_code(check, f"h{n}", NOW, TODAY)
    assert not may_mail_code(check, TODAY)
    assert may_mail_code(check, TODAY + timedelta(days=1))
    assert with_code(check, "h", NOW, TODAY + timedelta(days=1)).codes_that_day == 1


def test_a_new_address_keeps_the_days_count_but_no_code() -> None:
    from shared.domain.sending_mailbox import for_address

    check = with_code(SenderCheck("a@x.example"), "h1", NOW, TODAY)
    moved = for_address(check, " B@x.example ")
    assert (moved.address, moved.code_hash, moved.codes_that_day, moved.day) == (
        "b@x.example", None, 1, TODAY)  # fmt: skip
    assert for_address(None, "b@x.example") == SenderCheck("b@x.example")
