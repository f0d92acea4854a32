"""cm18 F10: a payment suggestion's reasons on the Dutch item page read "bedrag is gelijk aan
het openstaande bedrag van factuur F-1001; amount equals the open principal; naam van de
betaler komt overeen met de debiteur": six reasons the matcher writes had no Dutch words. Every
reason the matcher can write (read from its source, so a new one is caught) is Dutch now."""

from __future__ import annotations

import ast
from pathlib import Path

from shared.api.console import action_text
from shared.domain.statements import matching

MATCHING = Path(matching.__file__)
SAMPLE = "F-0001"  # what a placeholder ({inv.number}, {ref}, {score:.2f}) stands for here


def _text(node: ast.expr) -> str | None:
    """A reason as the matcher writes it, its placeholders filled with a sample value."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(str(v.value) if isinstance(v, ast.Constant) else SAMPLE for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _text(node.left), _text(node.right)
        return None if left is None or right is None else left + right
    if isinstance(node, ast.Call):  # ", ".join(numbers)
        return f"{SAMPLE}, F-0002"
    return None


def _reasons() -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(MATCHING.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr == "append":
                owner = func.value
                name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
                args = node.args[:1] if name == "reasons" else []
            elif isinstance(func, ast.Name) and func.id in ("add", "new"):
                args = node.args[2:3]
            else:
                args = []
            found |= {t for a in args if (t := _text(a))}
        elif isinstance(node, ast.Tuple) and len(node.elts) == 3:  # (invoice, weight, reason)
            said = _text(node.elts[2])
            if said and said.startswith("rule "):
                found.add(said)
    return found


def test_every_reason_the_matcher_writes_reads_dutch_on_a_dutch_page() -> None:
    reasons = _reasons()
    assert len(reasons) >= 20, sorted(reasons)  # the scan finds the matcher's reasons
    assert "amount equals the open principal" in reasons
    english = sorted(r for r in reasons if action_text.reason(r, "nl") == r)
    assert english == []
    assert action_text.reason("amount equals the open principal", "nl") == (
        "bedrag is gelijk aan de openstaande hoofdsom"
    )
    # an English page keeps the matcher's own words
    assert action_text.reason("amount equals the open principal", "en") == (
        "amount equals the open principal"
    )
