import pytest

from shared.domain.sms import is_gsm7, sms_parts


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
