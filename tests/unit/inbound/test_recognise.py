"""Automatic answers and non-delivery reports told apart from what people write."""

from __future__ import annotations

import pytest

from shared.domain.inbound.mail import MailKind
from shared.domain.inbound.recognise import kind_of
from tests.unit.inbound.fixtures import graph_message, headers_of


def kind(name: str) -> MailKind:
    m = graph_message(name)
    return kind_of(m["from"]["emailAddress"]["address"], m["subject"], headers_of(m))


def test_real_shaped_messages():
    assert kind("out_of_office") is MailKind.AUTO_REPLY
    assert kind("ndr") is MailKind.NON_DELIVERY
    for name in ("reply_with_quote", "forwarded", "two_debtors", "attachments"):
        assert kind(name) is MailKind.CORRESPONDENCE, name


@pytest.mark.parametrize(
    "headers",
    [
        {"auto-submitted": "auto-replied"},
        {"auto-submitted": "auto-generated; type=vacation"},
        {"x-auto-response-suppress": "DR, OOF, AutoReply"},
        {"x-auto-response-suppress": "All"},
        {"precedence": "auto_reply"},
        {"precedence": "bulk"},
    ],
)
def test_automatic_by_headers(headers):
    assert kind_of("jan@devries.example", "Re: factuur", headers) is MailKind.AUTO_REPLY


def test_auto_submitted_no_is_a_person():
    assert (
        kind_of("jan@devries.example", "Re: factuur", {"auto-submitted": "no"})
        is MailKind.CORRESPONDENCE
    )


@pytest.mark.parametrize(
    "subject",
    [
        "Automatisch antwoord: Herinnering",
        "Afwezig: Herinnering factuur",
        "Automatic reply: Reminder",
        "Out of Office: Reminder",
        "Automatische Antwort: Zahlungserinnerung",
        "Abwesenheitsnotiz: Rechnung",
        "Réponse automatique : Rappel",
        "Absent du bureau : Rappel",
    ],
)
def test_automatic_by_subject_in_four_languages(subject):
    assert kind_of("jan@devries.example", subject, {}) is MailKind.AUTO_REPLY


@pytest.mark.parametrize(
    ("sender", "subject"),
    [
        ("postmaster@x.example", "Undeliverable: Herinnering"),
        ("MAILER-DAEMON@mx.example", "failure notice"),
        (
            "MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@x.example",
            "Onbestelbaar: Herinnering",
        ),
        ("mailer-daemon@googlemail.com", "Delivery Status Notification (Failure)"),
        ("postmaster@x.example", "Unzustellbar: Erinnerung"),
    ],
)
def test_non_delivery(sender, subject):
    assert kind_of(sender, subject, {}) is MailKind.NON_DELIVERY


@pytest.mark.parametrize(
    ("sender", "subject"),
    [
        ("jan@x.example", "Niet bezorgd: factuur F-1001 betaal ik niet"),
        ("jan@x.example", "Undeliverable: Herinnering"),  # a person's subject is no bounce
        ("postmaster@x.example", "Herinnering"),  # nor is any mail from postmaster
    ],
)
def test_a_subject_or_a_sender_alone_is_no_bounce(sender, subject):
    assert kind_of(sender, subject, {}) is MailKind.CORRESPONDENCE


REPORT = {"content-type": 'multipart/report; report-type=delivery-status; boundary="b"'}


def test_a_delivery_status_report_is_a_bounce_only_when_delivery_failed():
    assert (
        kind_of("mailer-daemon@y.example", "Re", REPORT, "Action: failed\nStatus: 5.1.1")
        is MailKind.NON_DELIVERY
    )
    # a null return path alone proves nothing: any server may send MAIL FROM:<> (attack6 #2)
    null_path = {**REPORT, "return-path": "<>"}
    assert kind_of("x@y.example", "Re", null_path, "Action: failed") is MailKind.CORRESPONDENCE
    assert kind_of("postmaster@y.example", "Re", null_path, "Action: failed") is (
        MailKind.NON_DELIVERY
    )
    assert (
        kind_of("mailer-daemon@y.example", "Re", REPORT, "Action: delayed\nStatus: 4.4.7")
        is MailKind.AUTO_REPLY
    )


def test_a_person_who_sends_a_report_with_our_reference_writes_correspondence():
    """A debtor chose the content type and pasted our header line: taken for a bounce, his
    14-day letter would have "never reached" him (attack5 finding 9)."""
    body = "Ik heb uw brief ontvangen, maar betaal niet.\nAction: failed\nX-Inning-Reference: inn-dun|D1"
    got = kind_of("d1@example.nl", "RE: Veertiendagenbrief", REPORT, body)
    assert got is MailKind.CORRESPONDENCE
    with_path = {**REPORT, "return-path": "<d1@example.nl>"}
    assert (
        kind_of("d1@example.nl", "RE: Veertiendagenbrief", with_path, body)
        is MailKind.CORRESPONDENCE
    )
    assert (
        kind_of("postmaster@y.example", "Delivery Status Notification (Delay)", REPORT)
        is MailKind.AUTO_REPLY
    )
    assert kind_of("postmaster@y.example", "Vertraagd: Herinnering", REPORT) is MailKind.AUTO_REPLY


def test_a_read_receipt_is_no_bounce():
    receipt = {"content-type": "multipart/report; report-type=disposition-notification"}
    assert kind_of("jan@x.example", "Gelezen: Herinnering", receipt) is MailKind.AUTO_REPLY


def test_a_question_about_absence_is_a_person():
    assert (
        kind_of("jan@x.example", "Vraag over mijn factuur tijdens afwezigheid", {})
        is MailKind.CORRESPONDENCE
    )
