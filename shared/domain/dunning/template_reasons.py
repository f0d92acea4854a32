"""Why a template cannot be saved or rendered, as a :class:`Reason`: the English sentence the
API and the logs keep (Jinja's own message where Jinja found the fault), with a code a page
says in its reader's language (shared/api/console/refusal_words_templates.py).

Jinja words its syntax errors in a handful of shapes; each shape becomes its parts (what was
unexpected, what was expected, which block is still open), each part a code with the token
or tag it names, so the Dutch page says the same thing with the line number kept. A message
of a shape not listed here keeps Jinja's words behind a Dutch lead."""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import StrEnum

from shared.domain.reasons import Reason


def _token(described: str) -> str | Reason:
    """A token as Jinja describes it: its kind in words, else the text it is (a name, a
    symbol), quoted as Jinja quotes it."""
    shown = f"'{described}'"
    if described == "end of print statement":
        return Reason(shown, code="tpl_token_print_end")
    if described == "begin of print statement":
        return Reason(shown, code="tpl_token_print_begin")
    if described == "end of statement block":
        return Reason(shown, code="tpl_token_block_end")
    if described == "begin of statement block":
        return Reason(shown, code="tpl_token_block_begin")
    if described == "end of template":
        return Reason(shown, code="tpl_token_template_end")
    if described == "name":
        return Reason(shown, code="tpl_token_name")
    if described == "template data / text":
        return Reason(shown, code="tpl_token_text")
    return shown


def _tags(quoted: str) -> str:
    """``'endfor' or 'else'`` as ``'endfor', 'else'`` (the same in either language)."""
    return ", ".join(re.findall(r"'[^']*'", quoted)) or quoted


_LOOKING = re.compile(r"Jinja was looking for the following tags: (.+?)\.(?= |$)")
_NESTING = re.compile(r"Jinja is expecting this tag, but currently looking for (.+?)\.(?= |$)")
_INNERMOST = re.compile(r"The innermost block that needs to be closed is '([^']*)'\.")


def _at_end_or_unknown(message: str) -> list[Reason]:
    """Jinja's message of a tag it does not know or of a template that ends too soon: its
    sentences, each a part."""
    parts: list[Reason] = []
    if found := re.match(r"Encountered unknown tag '([^']*)'\.", message):
        tag = f"'{found[1]}'"
        if nested := _NESTING.search(message):
            parts.append(
                Reason(f"{tag} is misplaced", code="tpl_misplaced_tag", params={"tag": tag})
            )
            parts.append(Reason(f"looking for {nested[1]}", code="tpl_looking_for",
                                params={"tags": _tags(nested[1])}))  # fmt: skip
        else:
            parts.append(Reason(f"unknown tag {tag}", code="tpl_unknown_tag", params={"tag": tag}))
    else:
        parts.append(Reason("unexpected end of template", code="tpl_ends_open"))
    if looking := _LOOKING.search(message):
        parts.append(Reason(f"looking for {looking[1]}", code="tpl_looking_for",
                            params={"tags": _tags(looking[1])}))  # fmt: skip
    if innermost := _INNERMOST.search(message):
        block = f"'{innermost[1]}'"
        parts.append(Reason(f"innermost open block {block}", code="tpl_innermost",
                            params={"block": block}))  # fmt: skip
    return parts


def _syntax_parts(message: str) -> list[Reason]:
    if message.startswith(("Encountered unknown tag", "Unexpected end of template.")):
        return _at_end_or_unknown(message)
    if found := re.fullmatch(r"unexpected '(.*)', expected '(.*)'", message):
        return [Reason(message, code="tpl_unexpected_instead",
                       params={"token": _token(found[1]), "expected": _token(found[2])})]  # fmt: skip
    if found := re.fullmatch(r"unexpected char (['\"].*['\"]) at \d+", message):
        return [Reason(message, code="tpl_unexpected_char", params={"char": found[1]})]
    if found := re.fullmatch(r"unexpected '(.*)'", message):
        return [Reason(message, code="tpl_unexpected", params={"token": _token(found[1])})]
    if found := re.fullmatch(r"unexpected end of template, expected '(.*)'\.", message):
        return [Reason(message, code="tpl_ends_expecting", params={"expected": _token(found[1])})]
    if found := re.fullmatch(r"expected token '(.*)', got '(.*)'", message):
        return [Reason(message, code="tpl_expected_got",
                       params={"expected": _token(found[1]), "token": _token(found[2])})]  # fmt: skip
    if found := re.fullmatch(r"Expected an expression, got '(.*)'", message):
        return [Reason(message, code="tpl_expected_expression", params={"token": _token(found[1])})]
    if message == "expected name or number":
        return [Reason(message, code="tpl_expected_name")]
    if message == "Missing end of comment tag":
        return [Reason(message, code="tpl_comment_open")]
    if message == "tag name expected":
        return [Reason(message, code="tpl_tag_name")]
    return [Reason(message, code="tpl_jinja_said", params={"detail": message})]


def syntax(message: str) -> Reason:
    """Jinja's syntax error ``message`` (its line is the error's own)."""
    return Reason(message, code="tpl_syntax", params={"parts": _syntax_parts(message)})


def undefined(message: str) -> Reason:
    """A name or attribute the sample context lacks (Jinja's UndefinedError message)."""
    english = f"unknown variable: {message}"
    if found := re.fullmatch(r"'([^']*)' is undefined", message):
        return Reason(english, code="tpl_unknown_variable", params={"name": f"'{found[1]}'"})
    if found := re.fullmatch(r"'[^']*' has no attribute '([^']*)'", message):
        return Reason(english, code="tpl_unknown_attribute", params={"name": f"'{found[1]}'"})
    return Reason(english, code="tpl_undefined", params={"detail": message})


def not_allowed(detail: str) -> Reason:
    return Reason(f"not allowed in a template: {detail}", code="tpl_not_allowed",
                  params={"detail": detail})  # fmt: skip


def too_much_work(detail: str) -> Reason:
    """The budget's refusal (a loop, a number or a text too big) or the interpreter's."""
    return Reason(f"too much work for a message: {detail}", code="tpl_too_much_work")


def too_much_work_of(kind: str) -> Reason:
    return Reason(f"too much work for a message ({kind})", code="tpl_too_much_work")


def cannot_render(detail: str) -> Reason:
    """A value the template uses the wrong way (adding text to a number, say)."""
    return Reason(detail, code="tpl_cannot_render", params={"detail": detail})


def cannot_render_kind(kind: str) -> Reason:
    return Reason(f"cannot be rendered ({kind})", code="tpl_cannot_render_kind",
                  params={"kind": kind})  # fmt: skip


def too_slow(seconds: float) -> Reason:
    return Reason(f"takes longer than {seconds:g} s to render (stopped)", code="tpl_too_slow",
                  params={"seconds": f"{seconds:g}"})  # fmt: skip


def stopped() -> Reason:
    return Reason("stopped the renderer (memory or time)", code="tpl_stopped")


def too_much_memory() -> Reason:
    return Reason("needs more memory than a message may", code="tpl_too_much_memory")


def language() -> Reason:
    return Reason("templates are written in nl or en", code="tpl_language")


def letter_part(part: StrEnum, english: str) -> Reason:
    """A statement a 14-day letter must make (fourteen_day_letter.RequiredPart or VatPart),
    named ``english`` in the API's message."""
    if part == "costs_amount":
        return Reason(english, code="tpl_letter_costs_amount")
    if part == "term_from_receipt":
        return Reason(english, code="tpl_letter_term_from_receipt")
    if part == "consequence":
        return Reason(english, code="tpl_letter_consequence")
    if part == "one_payment_term":
        return Reason(english, code="tpl_letter_one_payment_term")
    if part == "vat_amount":
        return Reason(english, code="tpl_letter_vat_amount")
    if part == "vat_statement":
        return Reason(english, code="tpl_letter_vat_statement")
    return Reason(english, code="tpl_jinja_said", params={"detail": english})


def letter_lacks(english: str, parts: Sequence[Reason], example: str) -> Reason:
    return Reason(
        english, code="tpl_letter_lacks", params={"parts": list(parts), "example": example}
    )


def letter_lacks_vat(english: str, parts: Sequence[Reason]) -> Reason:
    return Reason(english, code="tpl_letter_lacks_vat", params={"parts": list(parts)})


def part_word(part: str) -> str | Reason:
    """The part of a template (or a quick text's field) a problem is in, as a word."""
    if part == "subject":
        return Reason(part, code="tpl_in_subject")
    if part == "text":
        return Reason(part, code="tpl_in_text")
    if part == "html":
        return Reason(part, code="tpl_in_html")
    if part == "language":
        return Reason(part, code="tpl_in_language")
    if part == "template":
        return Reason(part, code="tpl_in_template")
    return part


def problem(part: str, line: int | None, reason: str, english: str) -> Reason:
    """A template's problem with where it is (``english``: the error's own text)."""
    if line:
        return Reason(english, code="tpl_problem_line",
                      params={"part": part_word(part), "line": line, "reason": reason})  # fmt: skip
    return Reason(english, code="tpl_problem", params={"part": part_word(part), "reason": reason})


def foreign_iban(masked: str) -> Reason:
    """An account written in a template that is not the client's or its agency's (attack26
    F3): where debtors pay is the administrator's, proved; the template writes
    ``{{ client.iban }}``."""
    return Reason(
        f"names the account {masked}, which is not one of the client's registered accounts or "
        "the agency's third-party account: write {{ client.iban }} (an administrator registers "
        "another account of the client)",
        code="tpl_foreign_iban",
        params={"iban": masked},
    )


def foreign_link(host: str) -> Reason:
    """A link in a template to a host that is neither the app's own pages nor a domain the
    agency registered for the client (people27 F8): a payment request elsewhere diverts the
    debtor's money without naming an account."""
    return Reason(
        f"links to {host}, which is not the portal's or the payment's link or one of the "
        "client's registered domains: write {{ payment_link }} or {{ portal_link }} (the "
        "agency registers the client's own website's domain)",
        code="tpl_foreign_link",
        params={"host": host},
    )
