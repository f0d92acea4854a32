import pytest

from shared.domain.sms import fold_to_gsm, is_gsm7, longest_start, sms_parts


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("€" * 80, 1),
        ("€" * 81, 2),
        ("ł" * 70, 1),
        ("ł" * 71, 2),
    ],
)
def test_parts(text, parts):
    assert sms_parts(text) == parts


def test_gsm7_detection():
    assert is_gsm7("Betaal € 12,50 via https://pay.example/abc")
    assert not is_gsm7("Zoë betaalt 😀")


def test_folding_keeps_what_has_no_gsm7_look_alike():
    assert fold_to_gsm("Zoë’s “financiële” – ok…") == 'Zoe\'s "financiele" - ok...'
    assert fold_to_gsm("😀 Привет") == "😀 Привет"


def test_the_longest_start_fits_its_parts_and_is_cut_at_a_word():
    around = "x" * 300
    start = longest_start(around, "woord " * 40, 3, "...")
    assert sms_parts(around + start) == 3 and start.endswith("woord...")
    assert sms_parts(around + start[:-3] + " woord...") > 3  # one word more would not fit
    assert longest_start(around, "kort", 3) == "kort"
    # one emoji makes the whole UCS-2: 201 units in 3 parts, the 300 around do not fit
    assert longest_start(around, "😀 ok", 3) == ""
    assert longest_start("x" * 460, "a", 3) == ""
