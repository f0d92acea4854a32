"""Which messages no person wrote: automatic answers (out-of-office, "we received your
mail") and non-delivery reports.

Automatic answers are recognised by the headers RFC 3834 and Exchange define, and otherwise by
the subjects Outlook, Gmail and the usual helpdesks put on them in Dutch, English, German and
French. They are logged but never pause anything: an out-of-office is not a dispute."""

from __future__ import annotations

import re
from collections.abc import Mapping

from shared.domain.inbound.mail import MailKind

# RFC 3834 section 5: "no" means a person sent it; anything else (auto-replied,
# auto-generated, auto-notified) is automatic
_AUTO_SUBMITTED_HUMAN = "no"
# Exchange asks recipients' auto-responders not to answer with these; an auto-reply carries
# "All" or "OOF, AutoReply"
_SUPPRESS_AUTOMATIC = {"all", "oof", "autoreply", "autoresponse"}
_PRECEDENCE = {"auto_reply", "auto-reply", "bulk", "junk", "list"}

_AUTO_SUBJECT = re.compile(
    r"^\s*(?:"
    r"(?:automatic reply|auto(?:matic)?[- ]?(?:reply|response)|autoreply|out of (?:the )?office|ooo\b)"
    r"|(?:automatisch antwoord|automatisch bericht|afwezig(?:heid)?|niet aanwezig|buiten kantoor|met vakantie)"
    r"|(?:automatische antwort|abwesenheit(?:snotiz)?|nicht im büro|außer haus)"
    r"|(?:réponse automatique|absent(?:e)? du bureau|absence)"
    r")",
    re.IGNORECASE,
)
_NDR_SUBJECT = re.compile(
    r"^\s*(?:undeliverable|undelivered mail|delivery status notification \(failure\)"
    r"|mail delivery (?:failed|failure|system)|returned mail|delivery has failed|failure notice"
    r"|onbestelbaar|niet bezorgd|kan niet worden bezorgd|unzustellbar|non remis|non distribuable"
    r"|échec de la remise)",
    re.IGNORECASE,
)
_NDR_SENDER = re.compile(
    r"^(?:mailer-daemon|postmaster|microsoftexchange[0-9a-f]*)@", re.IGNORECASE
)
# RFC 3464 section 2.3.3: "failed" is a bounce; "delayed", "delivered", "relayed" and
# "expanded" are not
_ACTION = re.compile(r"^\s*Action:\s*([a-z]+)", re.IGNORECASE | re.MULTILINE)
_DELAY_SUBJECT = re.compile(
    r"\bdelay(?:ed)?\b|vertraagd|verzögert|retardée?|\bwarning\b", re.IGNORECASE
)


def kind_of(sender: str, subject: str, headers: Mapping[str, str], body: str = "") -> MailKind:
    """Non-delivery report, automatic answer, or correspondence (``headers`` by lower-case
    name, ``body`` the text as read).

    A non-delivery report is a delivery-status report (RFC 3464) that says a delivery failed,
    or a message from the mail system (mailer-daemon, postmaster, Exchange) with a bounce's
    subject. A subject alone never is: a debtor who writes "Niet bezorgd: ..." disputes a
    delivery and is a person. A delay notice or a read receipt is no bounce."""
    content_type = headers.get("content-type", "").lower()
    if "report-type=disposition-notification" in content_type:
        return MailKind.AUTO_REPLY  # a read receipt (RFC 8098)
    if "report-type=delivery-status" in content_type and is_mail_system(sender, headers):
        actions = {a.lower() for a in _ACTION.findall(body)}
        # the status part readable: only a failure is a bounce; Exchange keeps the status
        # part apart from the body, then the subject tells a delay notice
        failed = "failed" in actions if actions else _DELAY_SUBJECT.search(subject) is None
        return MailKind.NON_DELIVERY if failed else MailKind.AUTO_REPLY
    if _NDR_SENDER.match(sender) and _NDR_SUBJECT.match(subject):
        return MailKind.NON_DELIVERY
    if is_automatic(subject, headers):
        return MailKind.AUTO_REPLY
    return MailKind.CORRESPONDENCE


def is_mail_system(sender: str, headers: Mapping[str, str] | None = None) -> bool:
    """Mail the mail system wrote: from its own addresses (mailer-daemon, postmaster, Exchange
    Online's MicrosoftExchange...). A content type is the sender's to choose: a debtor who
    sends a "report" with our reference pasted in (attack5 finding 9) is a person writing, and
    his mail no bounce. Nor does a null return path (``Return-Path: <>``) prove anything: any
    mail server may send ``MAIL FROM:<>`` (attack6 finding 2); ``headers`` is kept for the
    callers that pass it."""
    del headers
    return bool(_NDR_SENDER.match(sender.strip()))


# what the receiving mail system concluded about the report's sender (RFC 8601), as Exchange
# Online stamps it: "spf=fail ... dmarc=fail ... compauth=fail"; "none" and "softfail" prove
# nothing either way (a tenant's own NDRs carry no verdict at all)
_FAILED_CHECK = re.compile(r"\b(?:spf|dkim|dmarc|compauth)\s*=\s*fail\b", re.IGNORECASE)


def failed_authentication(headers: Mapping[str, str] | None) -> bool:
    """Whether the receiving system found the message's sender forged: an SPF, DKIM, DMARC or
    composite-authentication failure in ``Authentication-Results`` (attack7 finding 9)."""
    if not headers:
        return False
    verdicts = " ".join(
        value for name, value in headers.items() if name.lower() == "authentication-results"
    )
    return bool(_FAILED_CHECK.search(verdicts))


def from_sending_system(
    reporter: str, sending_mailbox: str, headers: Mapping[str, str] | None = None
) -> bool:
    """Whether a non-delivery report comes from the mail system that sent our message: a mail
    system's address (postmaster, mailer-daemon, MicrosoftExchange...) of the sending
    mailbox's own domain (Exchange Online writes the NDRs of its tenant's mail as postmaster@
    or MicrosoftExchange...@ the sender's accepted domain; an SMTP relay as its own
    mailer-daemon). The same address of any other domain is anyone's to write: a debtor with
    a domain of his own writes as its mailer-daemon (attack6 finding 2), so such a report is
    doubtful and goes to staff, never clearing anything by itself. So is a report whose
    sender the receiving system found forged (``headers``: :func:`failed_authentication`):
    anyone can write postmaster@ the client's own domain where it has no anti-spoofing."""
    return (
        bool(_NDR_SENDER.match(reporter.strip()))
        and same_domain(reporter, sending_mailbox)
        and not failed_authentication(headers)
    )


def reads_as_bounce(sender: str, subject: str) -> bool:
    """The mail system's own address and a bounce's subject ("Undeliverable: ...")."""
    return bool(_NDR_SENDER.match(sender.strip()) and _NDR_SUBJECT.match(subject))


def same_domain(sender: str, recipient: str) -> bool:
    """Whether a report comes from the domain of the address it says bounced: a debtor with a
    domain of his own can write as postmaster@ it, so such a "bounce" is his word, not the
    mail system's (session5)."""
    a = sender.strip().lower().rpartition("@")[2]
    b = recipient.strip().lower().rpartition("@")[2]
    return bool(a) and a == b


def is_automatic(subject: str, headers: Mapping[str, str]) -> bool:
    auto = headers.get("auto-submitted", "").strip().lower()
    if auto and auto.split(";")[0].strip() != _AUTO_SUBMITTED_HUMAN:
        return True
    suppress = {
        p.strip().lower()
        for p in headers.get("x-auto-response-suppress", "").split(",")
        if p.strip()
    }
    if suppress & _SUPPRESS_AUTOMATIC:
        return True
    if headers.get("precedence", "").strip().lower() in _PRECEDENCE:
        return True
    if (
        headers.get("x-autoreply", "").strip().lower() in ("yes", "true")
        or "x-autorespond" in headers
    ):
        return True
    return _AUTO_SUBJECT.match(subject) is not None
