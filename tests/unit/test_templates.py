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
    # the part mail clients show: it must state the same (attack8 #3c)
    html=(
        "<p>Beste {{ debtor.name }}</p><p>Wij verzoeken u het bedrag binnen veertien dagen vanaf "
        "de dag nadat deze brief bij u is bezorgd te betalen. Indien u niet binnen deze termijn "
        "betaalt, bent u incassokosten van <b>{{ costs|money }}</b> verschuldigd.</p>"
        "<p>{{ payment_link }}</p>"
    ),
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


def test_the_letter_as_rendered_for_the_debtor_is_checked_text_and_html():
    """attack8 #3: what the debtor reads decides, not the sample the template was saved with."""
    from dataclasses import replace

    from shared.domain.dunning.templates import fourteen_day_letter_refused

    context = replace(sample_context("nl", fourteen_day_letter=True), debtor_number="D1")
    assert fourteen_day_letter_refused(GOOD_14, render(GOOD_14, context), context) is None
    branching = replace(GOOD_14, html="{% if debtor.number == 'D-0001' %}" + (GOOD_14.html or "")
                        + "{% else %}<p>Betaal vandaag.</p>{% endif %}")  # fmt: skip
    validate(branching)  # the sample reads the legal text
    refused = fourteen_day_letter_refused(branching, render(branching, context), context)
    assert refused is not None and refused.startswith("html: a 14-day letter must state")
    # another amount than the one the letter states is no statement of the costs
    dearer = replace(context, costs=15_000)
    text_only = replace(
        GOOD_14, html=None, text=GOOD_14.text.replace("{{ costs|money }}", "€ 40,00")
    )
    assert "collection costs' amount" in (
        fourteen_day_letter_refused(text_only, render(text_only, dearer), dearer) or ""
    )
    # a client that bears the costs itself announces none: the term and consequence remain
    free = replace(context, costs=0)
    assert fourteen_day_letter_refused(text_only, render(text_only, free), free) is None
    unmarked = replace(GOOD_14, fourteen_day_letter=False)
    assert "not marked" in (
        fourteen_day_letter_refused(unmarked, render(unmarked, context), context) or ""
    )
