"""Keys for external numbers (shared/adapters/tables/keys.py): the quick paths for a number
with nothing to escape give what the character-by-character escaping gives."""

from __future__ import annotations

import pytest

from shared.adapters.tables.keys import InvalidKey, decode, encode


@pytest.mark.parametrize(
    ("number", "key"),
    [
        ("F2024-001", "F2024-001"),
        ("K 12.3 (oud); a=b,c*~$'@:+", "K 12.3 (oud); a=b,c*~$'@:+"),
        ("2024/001", "2024!2f001"),
        ("K#12", "K!2312"),
        ("a|b", "a!7cb"),
        ("Zoë", "Zo!c3!ab"),
        ("!", "!21"),
        ("x\n", "x!0a"),
    ],
)
def test_a_number_and_its_key(number, key):
    assert encode(number) == key
    assert decode(key) == number


def test_an_empty_or_too_long_number_is_refused():
    with pytest.raises(InvalidKey):
        encode("")
    with pytest.raises(InvalidKey):
        encode("9" * 513)
    assert encode("9" * 512) == "9" * 512
