"""Pure rules: quick texts fit their channel and are checked like templates; the 24-hour
WhatsApp window; an approved template's parameters and payment-link button."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.domain.conversations.quick_texts import QuickText, check, layout_errors, sms_warnings
from shared.domain.conversations.whatsapp import (
    WhatsappTemplate,
    button_param,
    clean_param,
    definition_errors,
    in_service_window,
)
from shared.domain.dunning.templates import TemplateError, render, sample_context
from shared.domain.messaging import Channel
from shared.services.conversations.whatsapp_templates import fill

NOW = datetime(2025, 3, 4, 9, 0, tzinfo=UTC)


def qt(channel: Channel, text: str, subject: str = "", **kw: object) -> QuickText:
    return QuickText("q1", channel, "Naam", text, subject=subject, **kw)  # type: ignore[arg-type]


def test_a_quick_text_renders_the_workflow_variables_and_its_own_reminder_link():
    checked = check(qt(Channel.SMS, "Beste {{ debtor.name }}, zie {{ reminder_link }}"), render)
    assert checked.sample.text.startswith("Beste J. de Vries, zie https://")
    assert checked.sms_parts == 1 and checked.warnings == ()


@pytest.mark.parametrize(
    ("quick", "field", "reason"),
    [
        (qt(Channel.SMS, "Hoi", subject="Onderwerp"), "subject", "sms message has no subject"),
        (qt(Channel.WHATSAPP, "Hoi", subject="Onderwerp"), "subject", "no subject"),
        (qt(Channel.EMAIL, "Hoi"), "subject", "needs a subject"),
        (qt(Channel.SMS, "Hoi", whatsapp_template="t"), "whatsapp_template", "only a WhatsApp"),
        (qt(Channel.ROBOCALL, "Hoi"), "channel", "quick texts are for"),
        (qt(Channel.SMS, "x" * 1_531), "text", "at most 1530"),
    ],
)
def test_only_the_layout_that_fits_the_channel(quick, field, reason):
    assert any(f == field and reason in r for f, r in layout_errors(quick))
    with pytest.raises(TemplateError) as caught:
        check(quick, render)
    assert caught.value.part == field


def test_unknown_variable_refused_with_line_like_a_template():
    with pytest.raises(TemplateError) as caught:
        check(qt(Channel.EMAIL, "Beste\n{{ debiteur }}", subject="Herinnering"), render)
    assert caught.value.part == "text" and caught.value.line == 2
    with pytest.raises(TemplateError, match=r"not allowed|unsafe|attribute"):
        check(qt(Channel.SMS, "{{ ''.__class__.__mro__ }}"), render)


def test_sms_parts_warning():
    assert sms_warnings(Channel.SMS, "a" * 160) == (1, ())
    parts, warnings = sms_warnings(Channel.SMS, "a" * 700)
    assert parts == 5 and "5 parts" in warnings[0]
    parts, warnings = sms_warnings(Channel.SMS, "€ ✓")
    assert parts == 1 and "GSM" in warnings[0]
    assert sms_warnings(Channel.EMAIL, "x" * 1000) == (None, ())


def test_the_24_hour_window():
    assert not in_service_window(None, NOW)
    assert in_service_window(NOW - timedelta(hours=23, minutes=59), NOW)
    assert not in_service_window(NOW - timedelta(hours=24), NOW)
    assert not in_service_window(NOW - timedelta(days=3), NOW)


def test_approved_language_and_parameters_with_the_payment_link_in_the_button():
    t = WhatsappTemplate(
        "betaalherinnering",
        ("nl", "en_US"),
        ("debtor.name", "total|money"),
        "https://inning.example/api/p/",
    )
    assert t.language_for("en") == "en_US" and t.language_for("nl") == "nl"
    assert WhatsappTemplate("x", ("nl",)).language_for("en") == "nl"
    context = sample_context()
    from dataclasses import replace

    context = replace(context, payment_link="https://inning.example/api/p/TOKEN/pay")
    filled = fill(t, "nl", context, render)
    assert filled.params == ("J. de Vries", "€ 212,18")
    assert filled.button == "TOKEN/pay" and filled.language == "nl"
    with pytest.raises(TemplateError, match="approved button URL"):
        button_param(t, "https://elsewhere.example/pay")
    with pytest.raises(TemplateError, match="no payment link"):
        button_param(t, "")


def test_parameters_are_made_acceptable_to_meta():
    assert clean_param("regel 1\nregel 2\tx") == "regel 1 regel 2 x"
    assert clean_param("a" + " " * 9 + "b") == "a    b"
    assert clean_param("  ") == "-"


def test_definition_errors():
    bad = WhatsappTemplate("Bad Name", ("nederlands",), ("{{ x }}",), "http://x")
    fields = {f for f, _ in definition_errors(bad)}
    assert fields == {"name", "languages", "body_params", "url_button_base"}
    assert definition_errors(WhatsappTemplate("ok_1", ("nl",), ("debtor.name",))) == []
