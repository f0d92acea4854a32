"""attack25 F4: a sign-up's words are quoted in the agency's item title so they cannot pass for
the sentence's own parts; quote marks outside the six folded (‟ ＂ 〝 〞 ″ ‹ ›) were kept, so
'Acme BV‟, KvK 12345678 checked, ‟x' read as a name closed after "Acme BV" followed by a
checked KvK number; invisible format characters (word joiner, byte-order mark) stayed too."""

from __future__ import annotations

import pytest

from shared.domain.quoted import quoted


@pytest.mark.parametrize("mark", ["‟", "＂", "〝", "〞", "″", "‹", "›", "❞"])
def test_no_quote_mark_closes_the_quotation(mark: str) -> None:
    assert quoted(f"Acme BV{mark}, KvK 12345678 checked") == "“Acme BV', KvK 12345678 checked”"


@pytest.mark.parametrize("mark", ["\u200b", "\u2060", "\ufeff", "\u00ad"])
def test_an_invisible_character_is_blanked(mark: str) -> None:
    assert quoted(f"Acme{mark}BV") == "“Acme BV”"
