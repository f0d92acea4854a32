"""A right-to-left override, embedding or isolate shows a debtor text in another order than
it is stored, and the account and link checks read the stored order: "Betaal op
\u202e0034617140ANBA19LN" showed NL91ABNA0417164300, "\u202b00 1643 0417 ABNA NL91\u202c"
the account in groups, "\u202eyap/em.eikkit" tikkie.me/pay, in a template (any client key
may save one), a message by hand or a footer (attack33). Such a text is now read in its
shown order too."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shared.domain.dunning.foreign_ibans import ibans_in
from shared.domain.dunning.foreign_links import hosts_in
from tests.unit.conversations.test_by_hand import BASE, env  # noqa: F401 - the fixture
from tests.unit.dunning.test_fourteen_day_letter_sent_late import _world
from tests.unit.dunning.test_template_foreign_iban import _put, _staff_key

ACCOUNT = "NL91ABNA0417164300"
ACCOUNTS = [
    "Betaal op \u202e" + ACCOUNT[::-1] + "\u202c vandaag.",
    "Betaal op \u202b00 1643 0417 ABNA NL91\u202c vandaag.",
    "Betaal op \u206700 1643 0417 ABNA NL91\u2069 vandaag.",
]
LINKS = ["Betaal via \u202e" + "tikkie.me/pay/x"[::-1] + "\u202c vandaag."]


@pytest.mark.parametrize("text", ACCOUNTS)
def test_an_account_shown_turned_around_is_found(text: str) -> None:
    assert ibans_in([text]) == [ACCOUNT]


@pytest.mark.parametrize("text", LINKS)
def test_a_link_shown_turned_around_is_found(text: str) -> None:
    assert hosts_in([text]) == ["tikkie.me"]


def test_a_template_turning_an_account_around_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    _world(world, datetime(2025, 12, 1, 6, 0, tzinfo=UTC), "2025-12-01")
    staff = _staff_key(world)
    for text, code in [*((t, "tpl_foreign_iban") for t in ACCOUNTS),
                       *((t, "tpl_foreign_link") for t in LINKS)]:  # fmt: skip
        put = _put(staff, "{{ total|money }}. " + text)
        assert put.status == 422, (text, put.body)
        assert put.body["error"]["details"][0]["code"] == code, put.body


def test_a_message_by_hand_or_a_footer_turning_an_account_around_is_refused(env) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    world, api, _ = env
    for text in ACCOUNTS + LINKS:
        sent = api.call("POST", f"{BASE}/debtors/D1/messages", {"channel": "sms", "body": text})
        assert sent.status == 422, (text, sent.body)
        footer = world.agency_a.call("POST", "/v1/clients", {"items": [
            {"number": "C1", "house_style": {"footer_text": text}}]})  # fmt: skip
        assert footer.body["rejected"] == 1, (text, footer.body)
