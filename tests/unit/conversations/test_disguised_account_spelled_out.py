"""An account a debtor still copies, written past the disguises people27 F3 knew (attack28):
spelled out one character at a time ("N L 9 1 A B N A …"), its groups on lines apart with a
blank line between (Windows line ends: four characters), or glued to the word before it
("naarNL91ABNA…"). Each was queued for the debtor (202) and saved in a template (200)."""

from __future__ import annotations

from shared.domain.dunning.foreign_ibans import ibans_in
from tests.unit.conversations.test_by_hand import BASE, env  # noqa: F401 - the fixture

ACCOUNT = "NL91ABNA0417164300"
WRITTEN = [
    "N L 9 1 A B N A 0 4 1 7 1 6 4 3 0 0",
    "N.L.9.1.A.B.N.A.0.4.1.7.1.6.4.3.0.0",
    "NL91\r\n\r\nABNA 0417 1643 00",
    "NL91 ABNA\r\n\r\n\r\n0417 1643 00",
    "naarNL91ABNA0417164300",
]


def test_each_reads_as_the_account() -> None:
    for written in WRITTEN:
        assert ibans_in([f"Maak over naar {written}, o.v.v. F-0001."]) == [ACCOUNT], written


def test_letters_and_figures_of_a_letter_are_still_no_account() -> None:
    text = (
        "Geachte heer/mevrouw,\r\n\r\nFactuur F-0001 van 12-03-2026: EUR 121,00 open, kenmerk "
        "3055 7549 5621 2681.\r\n\r\nBel 030-1234567 of mail NL-info@example.nl; dossier NL "
        "2026-00417, klantnr AB12 3456 7890 1234, order X1Y2 Z3 A4 B5 C6 D7 E8 F9."
    )
    assert ibans_in([text]) == []


def test_a_message_by_hand_with_such_an_account_is_refused(env):  # noqa: F811
    _, api, _ = env
    for written in WRITTEN:
        refused = api.call("POST", f"{BASE}/debtors/D1/messages",
                           {"channel": "sms", "body": f"Maak over naar {written}."})  # fmt: skip
        assert refused.status == 422, (written, refused.body)
        assert refused.body["error"]["details"][0]["code"] == "hand_message_foreign_iban"
