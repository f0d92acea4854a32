"""Message templates: Jinja2 in a sandbox, per language, checked when saved.

A template is rejected at save time with the line and the reason: a syntax error, a variable
that does not exist (strict undefined, rendered against a complete sample context), or, for a
14-day letter, a missing required part (the costs amount, the term counted from the day
after receipt, the consequence of not paying; see the law module) in its text or its HTML,
and for a client that cannot deduct VAT the VAT in the costs and the statement saying why it
is charged. The sample proves little about what a real debtor reads (a template can branch on
the debtor), so the 14-day letter that is sent is checked again as rendered for its debtor
(:func:`fourteen_day_letter_refused`); the save check tells the author early.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import lru_cache
from typing import Any, Protocol

from jinja2 import StrictUndefined, TemplateSyntaxError, UndefinedError
from jinja2.exceptions import SecurityError

from shared.domain.day_shown import day_shown
from shared.domain.dunning import template_reasons
from shared.domain.dunning.template_budget import (
    BudgetedEnvironment,
    BudgetExceeded,
    render_bounded,
)
from shared.domain.inbound.text import html_to_text
from shared.domain.interest_words import interest_name
from shared.domain.law.fourteen_day_letter import (
    EXAMPLE,
    RequiredPart,
    missing_parts,
    missing_vat_parts,
)
from shared.domain.ledger.model import InterestRule
from shared.domain.money import Cents, format_eur_en, format_eur_nl
from shared.domain.sentence_end import end_once


class TemplateError(ValueError):
    """A template's fault: the ``part`` (subject, text, html), the ``line`` where there is one,
    and the ``reason``, an English sentence that is usually a :class:`Reason` (with a code a
    page says in its reader's language, template_reasons.py); ``code`` and ``params`` say the
    whole, the part and line with it."""

    def __init__(self, part: str, message: str, line: int | None = None) -> None:
        where = f"{part}, line {line}" if line else part
        super().__init__(f"{where}: {message}")
        self.part = part
        self.line = line
        self.reason = message
        said = template_reasons.problem(part, line, message, str(self))
        self.code, self.params = said.code, said.params


@dataclass(frozen=True)
class MessageTemplate:
    language: str
    subject: str
    text: str
    html: str | None = None
    fourteen_day_letter: bool = False


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    text: str
    html: str | None
    # the template's language: what the rest of the message (a mail's notes, a letter's
    # labels and payment block) is written in, so that one message speaks one language even
    # when the step had no text in the debtor's ("": not from a template, the debtor's)
    language: str = ""


@dataclass(frozen=True)
class InvoiceLine:
    number: str
    invoice_date: date
    due_date: date
    open_amount: Cents


@dataclass(frozen=True)
class TemplateContext:
    debtor_name: str
    debtor_number: str
    client_name: str
    client_iban: str
    client_contact: str
    invoices: tuple[InvoiceLine, ...]
    costs: Cents = 0  # collection costs with the VAT on them, as the ledger charges them
    # interest accrued to the letter's day; in a 14-day letter to its term's last day (the
    # interest in ``pay_within_term``)
    interest: Cents = 0
    costs_owed_from: date | None = None
    payment_link: str = ""
    portal_link: str = ""
    betalingskenmerk: str = ""
    qr_svg: str = ""
    letter_date: date | None = None
    primary_color: str = "#1f4e79"
    accent_color: str = "#f2a900"
    logo_url: str | None = None
    header_image_url: str | None = None
    footer_image_url: str | None = None
    footer_text: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    # the VAT part of ``costs``: only for a client that cannot deduct VAT (Besluit BIK art. 2
    # lid 3), which must say so in the letter
    costs_vat: Cents = 0
    # a 14-day letter: what paid within its term owes no costs (principal and the interest up
    # to the term's last day; art. 6:96 lid 6 BW); None: the total
    pay_within_term: Cents | None = None
    # what the debtor's payments went to before the principal (costs, their VAT and interest:
    # art. 6:44 BW): a late payment of the invoice amount leaves that much principal open
    paid_to_interest: Cents = 0
    # the kinds of interest the invoices' claims were charged (statutory, commercial, agreed,
    # an agreed rate and the statutory one where that was higher on some days): what the
    # letter's amounts table and ``interest_name`` call the interest (interest_words.py)
    interest_rules: tuple[InterestRule, ...] = ()
    # whether the claims are charged interest at all (a client that charges none, or bears the
    # costs, has every claim under InterestRule.NONE): a letter must not threaten interest the
    # ledger never applies (lawyer26 F4); True where the caller does not know (a sample)
    charges_interest: bool = True

    @property
    def principal(self) -> Cents:
        return sum(i.open_amount for i in self.invoices)

    @property
    def payable(self) -> Cents:
        """What the message asks to be paid: in a 14-day letter ``pay_within_term`` (the costs
        it announces are not owed yet), else everything the ledger says is open."""
        if self.pay_within_term is not None:
            return self.pay_within_term
        return self.principal + self.costs + self.interest

    def variables(self, language: str = "nl") -> dict[str, Any]:
        """The template's variables, the interest's name in ``language`` (the template's)."""
        return {
            "debtor": {"name": self.debtor_name, "number": self.debtor_number},
            "client": {"name": self.client_name, "iban": self.client_iban, "contact": self.client_contact,
                       "primary_color": self.primary_color, "accent_color": self.accent_color, "logo_url": self.logo_url,
                       "header_image_url": self.header_image_url, "footer_image_url": self.footer_image_url, "footer_text": self.footer_text},
            "invoices": [
                {"number": i.number, "invoice_date": i.invoice_date, "due_date": i.due_date, "open_amount": i.open_amount}
                for i in self.invoices
            ],
            "principal": self.principal,
            "costs": self.costs,
            "costs_excl_vat": self.costs - self.costs_vat,
            "costs_vat": self.costs_vat,
            "interest": self.interest,
            # what the interest is, lower case, for a sentence of the client's own ("vermeerderd
            # met de {{ interest_name }}"): the kinds really charged, so an agreed rate is no
            # "wettelijke rente" (interest_words.py; misc16 #1)
            "interest_name": interest_name(self.interest_rules, language),
            "charges_interest": self.charges_interest,
            # in a 14-day letter the costs are announced, not owed (art. 6:96 lid 6 BW): its
            # total is what, paid within the term, settles the claim; the total with the
            # costs is what the debtor will owe after it
            "total": self.payable,
            "total_with_costs": self.principal + self.costs + self.interest,
            "costs_owed_from": self.costs_owed_from,
            "payment_link": self.payment_link,
            "portal_link": self.portal_link,
            "betalingskenmerk": self.betalingskenmerk,
            "qr_svg": self.qr_svg,
            "letter_date": self.letter_date,
            "pay_within_term": self.payable,
            "paid_to_interest": self.paid_to_interest,
            # the debtor paid at least the invoice amount: what is open is the interest (and
            # costs) of paying late, not an unpaid invoice, and a message should say so
            "invoice_amount_paid": 0 < self.principal <= self.paid_to_interest,
            **self.extra,
        }  # fmt: skip


# the sample's costs for a client that cannot deduct VAT: EUR 40.00 + 21 % VAT
SAMPLE_COSTS_VAT = 840


def sample_context(
    language: str = "nl", *, vat_not_deductible: bool = False, fourteen_day_letter: bool = False
) -> TemplateContext:
    """A complete context for checking templates and for previews without a debtor; with
    ``vat_not_deductible`` the costs carry 21 % VAT, as for a client that cannot deduct it;
    ``fourteen_day_letter``: the costs are announced, not owed (``total`` without them)."""
    vat = SAMPLE_COSTS_VAT if vat_not_deductible else 0
    return TemplateContext(
        debtor_name="J. de Vries" if language == "nl" else "J. Smith",
        debtor_number="D-0001",
        client_name="Bakkerij De Korenbloem",
        client_iban="NL02ABNA0123456789",
        client_contact="info@korenbloem.example",
        invoices=(
            InvoiceLine("F-0001", date(2025, 1, 1), date(2025, 1, 31), 12_100),
            InvoiceLine("F-0002", date(2025, 2, 1), date(2025, 3, 3), 4_995),
        ),
        costs=4_000 + vat,
        costs_vat=vat,
        interest=123,
        costs_owed_from=date(2025, 3, 20),
        payment_link="https://pay.example/abc",
        portal_link="https://portal.example/abc",
        betalingskenmerk="5000 0567 8901 2345",
        qr_svg="<svg></svg>",
        letter_date=date(2025, 3, 4),
        # principal 170.95 + interest 1.23 to the term's end
        pay_within_term=17_218 if fourteen_day_letter else None,
    )


@lru_cache(maxsize=8)
def _environment(language: str, autoescape: bool) -> BudgetedEnvironment:
    """One environment per language and escaping, shared (its compiled templates with it)."""
    env = BudgetedEnvironment(
        undefined=StrictUndefined, autoescape=autoescape, trim_blocks=True, lstrip_blocks=True
    )
    env.filters["money"] = format_eur_nl if language == "nl" else format_eur_en
    env.filters["date"] = lambda d: day_shown(d, language)
    return env


def render(template: MessageTemplate, context: TemplateContext) -> RenderedMessage:
    variables = context.variables(template.language)
    parts: dict[str, str | None] = {}
    for name, source, escape in (
        ("subject", template.subject, False),
        ("text", template.text, False),
        ("html", template.html, True),
    ):
        if source is None:
            parts[name] = None
            continue
        env = _environment(template.language, escape)
        try:
            # "... namens {{ client.name }}." of a client named "De Linde B.V." (newcomer20 F6)
            parts[name] = end_once(render_bounded(env, source, variables).strip())
        except BudgetExceeded as exc:
            raise TemplateError(
                name, template_reasons.too_much_work(str(exc)), _traceback_line(exc)
            ) from exc
        except (RecursionError, MemoryError, OverflowError) as exc:
            raise TemplateError(
                name, template_reasons.too_much_work_of(type(exc).__name__), _traceback_line(exc)
            ) from exc
        except TemplateSyntaxError as exc:
            raise TemplateError(
                name, template_reasons.syntax(exc.message or "syntax error"), exc.lineno
            ) from exc
        except UndefinedError as exc:
            raise TemplateError(
                name,
                template_reasons.undefined(exc.message or ""),
                _traceback_line(exc) or _line_of(source, exc),
            ) from exc
        except SecurityError as exc:
            raise TemplateError(
                name, template_reasons.not_allowed(str(exc)), _traceback_line(exc)
            ) from exc
        except (TypeError, ValueError, AttributeError) as exc:
            raise TemplateError(
                name, template_reasons.cannot_render(str(exc)), _traceback_line(exc)
            ) from exc
    return RenderedMessage(
        parts["subject"] or "", parts["text"] or "", parts["html"], template.language
    )


def _traceback_line(exc: BaseException) -> int | None:
    """The template line an error was raised on: Jinja rewrites a render's traceback so the
    template's own frames carry the file name ``<template>`` and the template's line number
    (the innermost such frame is the line that failed)."""
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _line_of(source: str, exc: UndefinedError) -> int | None:
    """Jinja does not say where an undefined name was used; find the first line naming it."""
    name = (exc.message or "").split("'")[1] if "'" in (exc.message or "") else ""
    for number, line in enumerate(source.splitlines(), start=1):
        if name and name in line:
            return number
    return None


# the missing parts in words a person writing the letter understands
_PART_WORDS = {
    RequiredPart.COSTS_AMOUNT: "the collection costs' amount",
    RequiredPart.TERM_FROM_RECEIPT: "the term of fourteen days counted from the day after receipt",
    RequiredPart.CONSEQUENCE: "what happens if the debtor does not pay in time",
    RequiredPart.ONE_PAYMENT_TERM: (
        "one term to pay in, the fourteen days from receipt (no fewer days, none from the "
        "letter's date, no fixed date, none of another letter or invoice)"
    ),
}


def _letter_parts(rendered: RenderedMessage) -> list[tuple[str, str]]:
    """What a debtor may read of a letter: its text and, in an e-mail with one, its HTML
    part as text (the part mail clients show; attack8 #3c)."""
    parts = [("text", rendered.text)]
    if rendered.html is not None:
        parts.append(("html", html_to_text(rendered.html)))
    return parts


def validate(template: MessageTemplate, *, vat_not_deductible: bool = False) -> RenderedMessage:
    """Render against the sample context; a 14-day letter must also contain its legal parts
    in its text and its HTML, and with ``vat_not_deductible`` (the client's letter) also the
    VAT and why it is charged."""
    if template.language not in ("nl", "en"):
        raise TemplateError("language", template_reasons.language())
    context = sample_context(template.language, fourteen_day_letter=template.fourteen_day_letter)
    rendered = render(template, context)
    if template.fourteen_day_letter:
        money = format_eur_nl if template.language == "nl" else format_eur_en
        for part, shown in _letter_parts(rendered):
            missing = missing_parts(shown, template.language, money(context.costs))
            if missing:
                raise TemplateError(part, _parts_error(missing, template.language))
        if vat_not_deductible:
            vat_context = sample_context(
                template.language, vat_not_deductible=True, fourteen_day_letter=True
            )
            for part, vat_text in _letter_parts(render(template, vat_context)):
                missing_vat = [
                    *missing_parts(vat_text, template.language, money(vat_context.costs)),
                    *missing_vat_parts(vat_text, template.language, money(vat_context.costs_vat)),
                ]
                if missing_vat:
                    raise TemplateError(part, vat_statement_error(missing_vat))
    return rendered


def _parts_error(missing: Sequence[RequiredPart], language: str) -> str:
    names = ", ".join(_PART_WORDS[m] for m in missing)
    example = EXAMPLE.get(language, EXAMPLE["nl"])
    english = (
        f"a 14-day letter must state: {names} (use {{{{ costs|money }}}} for the amount). "
        f"For example: {example}"
    )
    parts = [template_reasons.letter_part(m, _PART_WORDS[m]) for m in missing]
    return template_reasons.letter_lacks(english, parts, example)


class TemplateValidator(Protocol):
    """The save-time check (:func:`validate`, or the sandbox's in a worker process)."""

    def __call__(
        self, template: MessageTemplate, *, vat_not_deductible: bool = False
    ) -> RenderedMessage: ...


def vat_statement_error(missing: Sequence[StrEnum]) -> str:
    names = ", ".join(m.value for m in missing)
    english = (
        f"the 14-day letter of a client that cannot deduct VAT must state: {names} (use "
        "{{ costs_vat|money }} for the VAT and say that it is charged because the client cannot "
        "deduct it, Besluit BIK art. 2 lid 3; {% if costs_vat %} keeps it out of other letters)"
    )
    parts = [template_reasons.letter_part(m, m.value) for m in missing]
    return template_reasons.letter_lacks_vat(english, parts)


def fourteen_day_letter_refused(
    template: MessageTemplate, rendered: RenderedMessage, context: TemplateContext
) -> str | None:
    """Why the 14-day letter ``rendered`` for a real debtor (``context``) may not go out, or
    ``None``: the checks of :func:`validate` on what this debtor would read, text and HTML.
    Costs are owed only after a letter that states the amount, the fourteen days counted from
    receipt and what not paying means (art. 6:96 lid 6 BW); a template swapped after its
    workflow was activated, or one that says so to the sample debtor only, must not start the
    costs term (attack8 #3)."""
    if not template.fourteen_day_letter:
        return "the template is not marked as a 14-day letter"
    money = format_eur_nl if template.language == "nl" else format_eur_en
    for part, shown in _letter_parts(rendered):
        # a client that bears the costs itself announces none to the debtor: no amount to find
        missing = [
            m
            for m in missing_parts(shown, template.language, money(context.costs))
            if context.costs > 0 or m is not RequiredPart.COSTS_AMOUNT
        ]
        if missing:
            return f"{part}: {_parts_error(missing, template.language)}"
        if context.costs_vat > 0:
            # a letter without the VAT statement would lose the VAT, or all the costs
            missing_vat = missing_vat_parts(shown, template.language, money(context.costs_vat))
            if missing_vat:
                return f"{part}: {vat_statement_error(missing_vat)}"
    return None
