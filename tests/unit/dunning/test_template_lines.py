"""Every save-time check of a template that concerns a line says which line (Jinja's rewritten
traceback carries it), so the editor can show the problem beside it."""

from __future__ import annotations

import pytest

from shared.domain.dunning.templates import MessageTemplate, TemplateError, validate


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("Beste {{ debtor.name }},\n\nregel 3\n{{ 7 ** 100000 }}\n", 4, "too much work"),
        ("a\nb\n{{ debtor.nope }}\n", 3, "unknown variable"),
        ("a\n{{ debtor.name }}\n{{ debtor.name.__class__ }}", 3, "not allowed"),
        ("a\nb\n{{ invoices|join(1, 2, 3) }}", 3, "positional arguments"),
        ("x\n{% for i in range(100000) %}{% endfor %}", 2, "range over"),
        ("one\n{{ foo }}", 2, "unknown variable"),
        ("a\n{% if %}", 2, "Expected an expression"),
    ],
)
def test_a_problem_carries_its_line(text: str, line: int, reason: str) -> None:
    with pytest.raises(TemplateError) as caught:
        validate(MessageTemplate("nl", "Onderwerp", text))
    assert caught.value.part == "text" and caught.value.line == line
    assert reason.lower() in caught.value.reason.lower()


def test_a_problem_of_the_subject_is_the_subjects() -> None:
    with pytest.raises(TemplateError) as caught:
        validate(MessageTemplate("nl", "{{ nope }}", "tekst"))
    assert caught.value.part == "subject" and caught.value.line == 1
