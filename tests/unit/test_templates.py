import pytest

from shared.domain.dunning.templates import (
    MessageTemplate,
    TemplateError,
    render,
    sample_context,
    validate,
)

GOOD_14 = MessageTemplate(
    language="nl",
    subject="Laatste herinnering {{ invoices|length }} facturen",
    text=(
        "Beste {{ debtor.name }},\n"
        "{% for i in invoices %}{{ i.number }} {{ i.open_amount|money }}\n{% endfor %}"
        "Wij verzoeken u het bedrag binnen veertien dagen vanaf de dag nadat deze brief bij u is bezorgd te betalen.\n"
        "Indien u niet binnen deze termijn betaalt, bent u incassokosten van {{ costs|money }} verschuldigd.\n"
        "Betaal via {{ payment_link }}"
    ),
    html="<p>Beste {{ debtor.name }}</p><p>{{ payment_link }}</p>",
    fourteen_day_letter=True,
)


def test_renders_with_money_dates_and_loops():
    rendered = render(GOOD_14, sample_context("nl"))
    assert "F-0001 € 121,00" in rendered.text and "€ 40,00" in rendered.text
    assert rendered.subject == "Laatste herinnering 2 facturen"


def test_html_is_escaped_text_is_not():
    template = MessageTemplate("nl", "x", "{{ debtor.name }}", "<p>{{ debtor.name }}</p>")
    context = sample_context("nl")
    context = context.__class__(**{**context.__dict__, "debtor_name": "<b>Jan & co</b>"})
    rendered = render(template, context)
    assert rendered.text == "<b>Jan & co</b>" and "&lt;b&gt;Jan &amp; co&lt;/b&gt;" in (
        rendered.html or ""
    )


def test_valid_fourteen_day_letter_passes():
    assert validate(GOOD_14).text


def test_syntax_error_reports_part_and_line():
    with pytest.raises(TemplateError) as info:
        validate(MessageTemplate("nl", "ok", "line one\n{% for x in invoices %}\nno end"))
    assert info.value.part == "text" and info.value.line is not None


def test_unknown_variable_is_refused_with_its_line():
    with pytest.raises(TemplateError) as info:
        validate(MessageTemplate("nl", "ok", "Beste {{ debtor.name }}\nTotaal {{ totaal }}"))
    assert "unknown variable" in str(info.value) and info.value.line == 2


def test_sandbox_blocks_python_internals():
    with pytest.raises(TemplateError, match=r"not allowed|unknown"):
        validate(MessageTemplate("nl", "x", "{{ debtor.__class__.__mro__ }}"))


def test_fourteen_day_letter_without_its_parts_cannot_be_saved():
    bad = MessageTemplate(
        "nl",
        "x",
        "Betaal binnen 14 dagen na dagtekening {{ payment_link }}",
        fourteen_day_letter=True,
    )
    with pytest.raises(TemplateError, match=r"the collection costs. amount"):
        validate(bad)
