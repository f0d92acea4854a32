"""An account written so that a reader copies it but the check did not see it is refused too
(people27 F3): "NL91-ABNA-0417-1643-00", dots, no-break or double spaces, "NL 91 …", a line
break or a zero-width space between the groups passed the foreign-account check of messages by
hand (202, queued for the debtor) and of templates (200, in every debtor's reminder), which
only knew the groups a bank statement's single spaces make."""

from __future__ import annotations

import json

from shared.domain.dunning.foreign_ibans import ibans_in
from tests.unit.conversations.test_by_hand import BASE, env  # noqa: F401 - the fixture
from tests.unit.dunning.test_template_foreign_iban import _put, _staff_key

ACCOUNT = "NL91ABNA0417164300"
DISGUISED = [
    "NL91-ABNA-0417-1643-00",
    "NL91.ABNA.0417.1643.00",
    "NL91\u00a0ABNA\u00a00417\u00a01643\u00a000",
    "NL91  ABNA  0417  1643  00",
    "NL 91 ABNA 0417 1643 00",
    "NL91\u200bABNA0417164300",
    "NL91\nABNA 0417 1643 00",
    "NL91 / ABNA / 0417164300",
    "\uff2e\uff2c\uff19\uff11ABNA0417164300",  # full-width letters and digits
]


def test_every_disguise_reads_as_the_account() -> None:
    for written in DISGUISED:
        assert ibans_in([f"Maak over naar {written}, o.v.v. F-0001."]) == [ACCOUNT], written


def test_words_and_figures_around_are_no_account() -> None:
    text = (
        "Factuur F-0001 van 12-03-2026: EUR 121,00 open, kenmerk 3055 7549 5621 2681. "
        "Bel 030-1234567 of mail NL-info@example.nl; dossier NL 2026-00417."
    )
    assert ibans_in([text]) == []


def test_a_message_by_hand_with_a_disguised_account_is_refused(env):  # noqa: F811
    _, api, _ = env
    path = f"{BASE}/debtors/D1/messages"
    for written in DISGUISED:
        refused = api.call("POST", path, {"channel": "sms", "body": f"Maak over naar {written}."})
        assert refused.status == 422, (written, refused.body)
        assert refused.body["error"]["details"][0]["code"] == "hand_message_foreign_iban"
        assert "0417164300" not in json.dumps(refused.body)


def test_a_template_with_a_disguised_account_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    from tests.unit.dunning.test_fourteen_day_letter_sent_late import _world

    _world(world, datetime(2025, 12, 1, 6, 0, tzinfo=UTC), "2025-12-01")
    staff = _staff_key(world)
    for written in DISGUISED:
        put = _put(staff, f"Maak {{{{ total|money }}}} over naar {written}.")
        assert put.status == 422, (written, put.body)
        assert put.body["error"]["details"][0]["code"] == "tpl_foreign_iban"


def test_a_quick_text_naming_an_account_is_refused_when_saved(env):  # noqa: F811
    """It was saved (201) and refused only when sent: now as a template is, at the save."""
    _, api, _ = env
    for n, written in enumerate(["NL91ABNA0417164300", *DISGUISED]):
        made = api.call("POST", f"{BASE}/quick-texts",
                        {"quick_text_id": f"q{n}", "name": "nieuw", "channel": "sms",
                         "text": f"Maak over naar {written}"})  # fmt: skip
        assert made.status == 422, (written, made.body)
        assert made.body["error"]["details"][0]["code"] == "tpl_foreign_iban"
    own = api.call("POST", f"{BASE}/quick-texts",
                   {"quick_text_id": "eigen", "name": "eigen", "channel": "sms",
                    "text": "Maak over naar {{ client.iban }}"})  # fmt: skip
    assert own.status == 201, own.body
