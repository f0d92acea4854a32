"""The workflow editor's form: a workflow's steps and a client's segment rules as rows of text
fields (what the page shows and what a refused form shows again, as typed), and the steps and
rules those rows make. No script in the console: a step is added in one of the blank rows,
removed with its tick, and moved by its position number."""

from __future__ import annotations

from collections.abc import Callable

from shared.domain.dunning.workflow import OffsetFrom, SegmentRule, Step, StepChannel, Workflow
from shared.domain.money import AmountError, format_cents, parse_amount
from shared.domain.parties import DebtorKind
from shared.services.dunning_setup import MAX_BUNDLE_DAYS
from shared.services.errors import Invalid

BLANK_ROWS = 2
# "id": the step's id, kept through the form so that a moved step stays the step the
# invoices in flight took (a blank row has none: a new step)
STEP_FIELDS = ("name", "channel", "fallback", "letter_by", "days", "from", "tpl_nl", "tpl_en",
               "tpl_whatsapp", "min", "b2b", "b2c", "pos", "remove", "id")  # fmt: skip
RULE_FIELDS = ("workflow", "kind", "segment", "min", "max", "pos", "remove")

Row = dict[str, str]
Field = Callable[[str], str]


class FormError(ValueError):
    """A row the editor cannot take: which row and what is wrong, for the person to mend."""


def amount_field(cents: int | None, lang: str) -> str:
    """An amount as a person types it back (no thousands separator: the parser refuses them)."""
    if not cents:
        return ""
    text = format_cents(cents)
    return text.replace(".", ",") if lang == "nl" else text


def step_rows(workflow: Workflow | None, lang: str) -> list[Row]:
    rows = []
    for n, s in enumerate(workflow.steps if workflow else (), 1):
        rows.append({
            "name": s.name, "channel": s.channel.value, "fallback": s.fallback.value if s.fallback else "",
            "letter_by": s.letter_by.value, "days": str(s.offset_days), "from": s.offset_from.value,
            "tpl_nl": s.templates.get("nl", ""), "tpl_en": s.templates.get("en", ""),
            "tpl_whatsapp": s.templates.get("whatsapp", ""),
            "min": amount_field(s.min_open_amount, lang),
            "b2b": "1" if DebtorKind.B2B in s.debtor_kinds else "",
            "b2c": "1" if DebtorKind.B2C in s.debtor_kinds else "", "pos": str(n), "remove": "",
            "id": s.step_id,
        })  # fmt: skip
    return rows + [blank_step(len(rows) + k) for k in range(1, BLANK_ROWS + 1)]


def blank_step(pos: int) -> Row:
    return {**dict.fromkeys(STEP_FIELDS, ""), "channel": "email", "letter_by": "letter",
            "days": "", "from": "due_date", "b2b": "1", "b2c": "1", "pos": str(pos)}  # fmt: skip


def rule_rows(rules: list[SegmentRule], lang: str) -> list[Row]:
    rows = [
        {"workflow": r.workflow_id, "kind": r.kind.value if r.kind else "", "segment": r.segment or "",
         "min": amount_field(r.min_open, lang), "max": amount_field(r.max_open, lang),
         "pos": str(n), "remove": ""}
        for n, r in enumerate(rules, 1)
    ]  # fmt: skip
    blanks = [{**dict.fromkeys(RULE_FIELDS, ""), "pos": str(len(rows) + k)}
              for k in range(1, BLANK_ROWS + 1)]  # fmt: skip
    return rows + blanks


def posted_rows(field: Field, count: str, names: tuple[str, ...]) -> list[Row]:
    """The rows as posted (``s3_name``…), at most 60: the form never shows more."""
    try:
        n = min(max(int(count), 0), 60)
    except ValueError:
        n = 0
    return [{name: field(f"r{i}_{name}") for name in names} for i in range(n)]


def _ordered(rows: list[Row]) -> list[tuple[int, Row]]:
    """The rows kept, by their position number (ties and blanks in the order shown), each
    with the row number the person saw."""
    kept = [(i, r) for i, r in enumerate(rows, 1) if not r.get("remove")]

    def pos(item: tuple[int, Row]) -> tuple[float, int]:
        try:
            return float(item[1].get("pos", "").replace(",", ".")), item[0]
        except ValueError:
            return float(item[0]), item[0]

    return sorted(kept, key=pos)


def steps_from(rows: list[Row], words: dict[str, str]) -> list[Step]:
    """The steps the rows make; a row without a name and without days is a blank one."""
    steps = []
    for shown, r in _ordered(rows):
        if not r["name"] and not r["days"]:
            continue
        where = words["wf_row"].format(row=shown)
        if not r["name"]:
            raise FormError(f"{where}: {words['wf_err_name']}")
        try:
            days = int(r["days"])
        except ValueError:
            raise FormError(f"{where}: {words['wf_err_days']}") from None
        try:
            channel = StepChannel(r["channel"])
            fallback = StepChannel(r["fallback"]) if r["fallback"] else None
            letter_by = StepChannel(r["letter_by"] or "letter")
            offset_from = OffsetFrom(r["from"] or "due_date")
        except ValueError:
            raise FormError(f"{where}: {words['wf_err_choice']}") from None
        try:
            minimum = parse_amount(r["min"]) if r["min"] else 0
        except AmountError:
            raise FormError(f"{where}: {words['wf_err_amount']}") from None
        kinds = frozenset(k for k in DebtorKind if r.get(k.value))
        # the Meta-approved template of a WhatsApp step rides along unchanged (whatsapp-templates)
        templates = {k: r[f"tpl_{k}"] for k in ("nl", "en", "whatsapp") if r.get(f"tpl_{k}")}
        steps.append(Step(r["name"], channel, days, offset_from, templates, minimum, kinds,
                          fallback, letter_by, step_id=_step_id(r.get("id", ""))))  # fmt: skip
    if not steps:
        raise FormError(words["wf_err_no_steps"])
    return steps


def _step_id(text: str) -> str:
    """A posted id as the API's schema allows one; anything else is no id (a new step)."""
    text = text.strip()
    ok = 0 < len(text) <= 40 and all(c.isascii() and (c.isalnum() or c in "-_") for c in text)
    return text if ok else ""


def bundle_days_from(text: str | None) -> int | None:
    """The posted bundling days: None when the form had no such field (a page from before it
    was there: the stored value stays, never reset to 0 unseen), 0 when left blank (off)."""
    if text is None:
        return None
    try:
        return int(text.strip() or "0")
    except ValueError:
        raise Invalid(
            f"bundle_days is 0 (off) to {MAX_BUNDLE_DAYS}", "bundle_days",
            code="workflow_bundle_days", params={"limit": MAX_BUNDLE_DAYS},
        ) from None  # fmt: skip


def rules_from(rows: list[Row], words: dict[str, str]) -> list[SegmentRule]:
    rules = []
    for shown, r in _ordered(rows):
        if not r["workflow"]:
            continue  # a blank row (or one whose workflow was cleared)
        where = words["wf_row"].format(row=shown)
        try:
            kind = DebtorKind(r["kind"]) if r["kind"] else None
        except ValueError:
            raise FormError(f"{where}: {words['wf_err_choice']}") from None
        try:
            low = parse_amount(r["min"]) if r["min"] else None
            high = parse_amount(r["max"]) if r["max"] else None
        except AmountError:
            raise FormError(f"{where}: {words['wf_err_amount']}") from None
        rules.append(SegmentRule(r["workflow"], kind, r["segment"] or None, low, high))
    return rules
