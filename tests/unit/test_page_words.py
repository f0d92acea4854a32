"""The page words tests look for short strings in: a random token never gives one."""

from __future__ import annotations

from tests.support.page_words import words


def test_a_token_holding_the_string_is_no_word_of_it() -> None:
    page = (
        '<script nonce="xF1_Qz-8F1aa9F1">0</script><input name="csrf" value="F1-a8_kQ0F1">'
        '<a href="/p/-F1-k9Zq0_aF1.abc">x</a><img src="data:image/png;base64,AB/F1/+Q==">'
    )
    assert "F1" not in words(page)


def test_the_string_a_person_reads_or_a_link_names_is_a_word() -> None:
    assert "F1" in words("<p>Factuur F1, F2.</p>")
    assert "F1" in words(b'<a href="/api/portal/invoice/F1">open</a>')
    assert "G-77" in words("<td>G-77</td>") and "G" not in words("<td>G-77</td>")
