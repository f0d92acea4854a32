"""The answer a debtor gets when staff file the message with a template ("we are handling
your message"), and the thread headers that keep that answer in the debtor's conversation."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from string import Template


@dataclass(frozen=True)
class AnswerTemplate:
    template_id: str
    language: str
    subject_prefix: str
    text: str


# the defaults every client has; ${debtor_name} and ${client_name} are filled in
ANSWERS: dict[tuple[str, str], AnswerTemplate] = {
    ("in-behandeling", "nl"): AnswerTemplate(
        "in-behandeling",
        "nl",
        "Re: ",
        "Beste ${debtor_name},\n\nDank voor uw bericht. Wij hebben het ontvangen en nemen het in "
        "behandeling. Zolang wij uw bericht behandelen, ontvangt u geen herinneringen van ons.\n\n"
        "Met vriendelijke groet,\n${client_name}",
    ),
    ("in-behandeling", "en"): AnswerTemplate(
        "in-behandeling",
        "en",
        "Re: ",
        "Dear ${debtor_name},\n\nThank you for your message. We have received it and are handling "
        "it. While we do, you will not receive reminders from us.\n\nKind regards,\n${client_name}",
    ),
}
DEFAULT_ANSWER = "in-behandeling"


def answer_template(template_id: str, language: str) -> AnswerTemplate | None:
    """The template in the debtor's language, or in Dutch when that is all there is."""
    return ANSWERS.get((template_id, language)) or ANSWERS.get((template_id, "nl"))


def template_ids() -> list[str]:
    return sorted({t for t, _ in ANSWERS})


def render_answer(template: AnswerTemplate, debtor_name: str, client_name: str) -> str:
    return Template(template.text).safe_substitute(debtor_name=debtor_name, client_name=client_name)


def reply_subject(template: AnswerTemplate, subject: str) -> str:
    prefixes = ("re:", "antw:", "aw:", "réf:")
    if subject.strip().lower().startswith(prefixes):
        return subject.strip()
    return f"{template.subject_prefix}{subject.strip()}".strip()


def outbound_message_id(client_id: str, key: str, sender: str | None) -> str:
    """The Message-ID Inning gives an e-mail it sends (RFC 5322 msg-id). A debtor's mail
    program copies it into In-Reply-To and References when the debtor answers, so the answer
    finds its reminder. Derived from the outbox key: the same message always gets the same id."""
    digest = hashlib.sha256(f"{client_id}\n{key}".encode()).hexdigest()[:32]
    domain = (sender or "").rpartition("@")[2].strip().lower() or "inning.invalid"
    return f"<inn.{digest}@{domain}>"


def thread_ids(in_reply_to: str, references: str) -> list[str]:
    """The msg-ids an answer points back to, nearest first (In-Reply-To, then References
    from the newest)."""
    found = re.findall(r"<[^<>\s]+>", in_reply_to) + list(
        reversed(re.findall(r"<[^<>\s]+>", references))
    )
    return list(dict.fromkeys(found))


def references_for(in_reply_to_id: str, references: str) -> str:
    """The References header of an answer to a message (RFC 5322 3.6.4): its References, then
    its Message-ID."""
    ids = [i for i in references.split() if i] + [in_reply_to_id]
    return " ".join(dict.fromkeys(ids))
