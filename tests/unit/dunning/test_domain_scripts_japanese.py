"""review32: a Japanese name written in katakana ("スーパー", "ラーメン") carries the prolonged
sound mark "ー", whose Unicode name starts "KATAKANA-HIRAGANA": read as a script of its own,
the one-script label was refused as a look-alike ("mixes scripts")."""

from __future__ import annotations

from shared.domain.dunning.foreign_links import domain_refused


def test_a_katakana_name_with_its_long_vowel_mark_is_one_script() -> None:
    assert domain_refused("スーパー.jp") is None
    assert domain_refused("ラーメン.jp") is None
    assert domain_refused("ラーメンshop.jp") is None  # Latin with Japanese, as a browser shows


def test_a_look_alike_is_still_refused() -> None:
    assert domain_refused("pаypal.com") is not None  # a Cyrillic "а"
    assert domain_refused("pаypalー.com") is not None
