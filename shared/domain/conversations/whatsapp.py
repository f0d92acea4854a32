"""WhatsApp's rules for a business writing to a person (Cloud API, as Meta documents them).

- Free-form messages only inside the customer-service window: 24 hours from the person's
  last message to the business. Outside it only an approved template may be sent.
- A template is approved per name and language; a send names both, and carries exactly the
  parameters the approved text has: the body's ``{{1}}``, ``{{2}}`` ... in order, and for a
  URL button with a variable the part after the approved fixed URL.

Here a client's approved template is described once (:class:`WhatsappTemplate`): each body
parameter is an expression over the message variables (``debtor.name``, ``total|money``, the
same sandboxed engine as every template), and the URL button's variable is the payment link's
tail after the URL the client had approved, so the payment link is a real parameter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.domain.dunning.templates import MessageTemplate, RenderedMessage, TemplateError
from shared.domain.reasons import Reason

SERVICE_WINDOW = timedelta(hours=24)
MAX_BODY_PARAMS = 20
# Meta: a parameter's text may hold no newline or tab and not more than 4 spaces in a row
_NO_NEWLINES = re.compile(r"[\r\n\t]+")
_SPACES = re.compile(r" {5,}")
NAME = re.compile(r"^[a-z0-9_]{1,512}$")
LANGUAGE = re.compile(r"^[a-z]{2,3}(_[A-Z]{2})?$")
# Meta approves https URLs; a local host (development, tests) serves plain http
_BUTTON_SCHEMES = ("https://", "http://localhost", "http://127.0.0.1")
_SEPARATOR = "\u241e"  # between rendered parameters; no template writes it


def in_service_window(last_inbound: datetime | None, at: datetime) -> bool:
    """May free text be sent at ``at``? Only within 24 hours of the person's last message."""
    return last_inbound is not None and at - SERVICE_WINDOW < last_inbound <= at + timedelta(
        minutes=5
    )


def window_closes(last_inbound: datetime | None) -> datetime | None:
    return last_inbound + SERVICE_WINDOW if last_inbound else None


@dataclass(frozen=True)
class WhatsappTemplate:
    """A template the client had approved by Meta, and how Inning fills it."""

    name: str  # as approved (lower case, digits, underscores)
    languages: tuple[str, ...]  # approved language codes, e.g. ("nl",) or ("nl", "en_US")
    body_params: tuple[str, ...] = ()  # one expression per {{n}}, in order
    url_button_base: str | None = None  # the approved fixed part; the rest is the parameter
    url_button_index: int = 0

    def language_for(self, debtor_language: str) -> str:
        """The approved language closest to the debtor's: exact, then same language with a
        region (``en`` -> ``en_US``), else the first approved (a template only approved in
        Dutch goes out in Dutch)."""
        for code in self.languages:
            if code == debtor_language:
                return code
        for code in self.languages:
            if code.split("_")[0] == debtor_language:
                return code
        return self.languages[0]


def definition_errors(t: WhatsappTemplate) -> list[tuple[str, str]]:
    errors: list[tuple[str, str]] = []
    if not NAME.match(t.name):
        errors.append(("name", Reason("the approved name: lower-case letters, digits and "
                                      "underscores", code="wat_name")))  # fmt: skip
    if not t.languages:
        errors.append(("languages", Reason("name at least one approved language",
                                           code="wat_no_language")))  # fmt: skip
    for code in t.languages:
        if not LANGUAGE.match(code):
            errors.append(("languages", Reason(
                f"{code!r} is not a WhatsApp language code (nl, en_US)",
                code="wat_language_code", params={"language": repr(code)},
            )))  # fmt: skip
    if len(t.body_params) > MAX_BODY_PARAMS:
        errors.append(("body_params", Reason(f"at most {MAX_BODY_PARAMS} parameters",
                       code="wat_params_max", params={"limit": MAX_BODY_PARAMS})))  # fmt: skip
    for i, expr in enumerate(t.body_params, start=1):
        if not expr.strip() or "{{" in expr or "}}" in expr or "{%" in expr:
            errors.append(("body_params", Reason(f"parameter {i}: an expression such as debtor.name",
                           code="wat_param_expression", params={"n": i})))  # fmt: skip
    if t.url_button_base is not None and not t.url_button_base.startswith(_BUTTON_SCHEMES):
        errors.append(("url_button_base", Reason("the approved button URL starts with https://",
                                                 code="wat_button_https")))  # fmt: skip
    if not 0 <= t.url_button_index <= 9:
        errors.append(("url_button_index", Reason("a button index from 0 to 9",
                                                  code="wat_button_index")))  # fmt: skip
    return errors


def params_template(t: WhatsappTemplate, language: str) -> MessageTemplate:
    """The body parameters as one template, rendered in one sandboxed call."""
    text = _SEPARATOR.join("{{ " + expr + " }}" for expr in t.body_params)
    return MessageTemplate("en" if language.startswith("en") else "nl", "", text, None)


def split_params(t: WhatsappTemplate, rendered: RenderedMessage) -> tuple[str, ...]:
    if not t.body_params:
        return ()
    values = rendered.text.split(_SEPARATOR)
    if len(values) != len(t.body_params):
        raise TemplateError("body_params", Reason(
            "a parameter rendered the separator itself", code="wa_param_separator"))  # fmt: skip
    return tuple(clean_param(v) for v in values)


def clean_param(value: str) -> str:
    """A value as Meta accepts a parameter: no newlines or tabs, no long runs of spaces."""
    value = _NO_NEWLINES.sub(" ", value).strip()
    value = _SPACES.sub("    ", value)
    if not value:
        return "-"  # an empty parameter is refused; a dash keeps the sentence readable
    return value


def button_param(t: WhatsappTemplate, payment_link: str) -> str | None:
    """The URL button's variable: the payment link after the approved fixed part."""
    if t.url_button_base is None:
        return None
    if not payment_link:
        raise TemplateError("url_button_base", Reason(
            "the debtor has no payment link to put in the button", code="wa_button_no_link"))  # fmt: skip
    if not payment_link.startswith(t.url_button_base) or payment_link == t.url_button_base:
        raise TemplateError("url_button_base", Reason(
            f"the payment link does not start with the approved button URL {t.url_button_base}",
            code="wa_button_other_url", params={"url": t.url_button_base}))  # fmt: skip
    return payment_link[len(t.url_button_base) :]
