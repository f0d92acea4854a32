import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.domain.references import belgian, betalingskenmerk, iban, iso11649
from shared.domain.references.finder import ReferenceKind, find_references

VALID_KENMERKEN = [
    "5000056789012345",  # Betaalvereniging spec example, C = 5
    "5010002167010010",  # Belastingdienst test vectors
    "9001041146812501",
    "1223453462 2567",  # spec example, 14 digits with length code 2 (spaces ignored)
    "1234567",  # 7 digits carry no check digit
]


@pytest.mark.parametrize("ref", VALID_KENMERKEN)
def test_valid_kenmerken(ref):
    assert betalingskenmerk.is_valid(ref)


@pytest.mark.parametrize(
    "ref",
    ["6000056789012345", "12345678", "123456789012345", "1233453462256", "abcdefghijklmnop", ""],
)
def test_invalid_kenmerken(ref):
    assert not betalingskenmerk.is_valid(ref)


def test_generate_from_15_digits():
    assert betalingskenmerk.generate("000056789012345") == "5000056789012345"
    with pytest.raises(ValueError):
        betalingskenmerk.generate("12345")


def test_check_digit_remainder_rules():
    # remainder 1 -> 10 -> 1; remainder 0 -> 11 -> 0
    bodies: dict[int, str] = {}
    for n in range(2000):
        body = f"{n:015d}"
        total = sum(int(d) * betalingskenmerk.WEIGHTS[i % 10] for i, d in enumerate(reversed(body)))
        bodies.setdefault(total % 11, body)
    assert betalingskenmerk.check_digit(bodies[1]) == 1
    assert betalingskenmerk.check_digit(bodies[0]) == 0


@given(st.integers(min_value=0, max_value=10**15 - 1))
def test_every_generated_kenmerk_validates(n):
    ref = betalingskenmerk.from_number(n)
    assert len(ref) == 16 and betalingskenmerk.is_valid(ref)


def test_belgian_structured_communication():
    assert belgian.is_valid("+++010/8068/17183+++")
    assert belgian.generate("1234567890") == "+++123/4567/89002+++"
    assert belgian.generate("0000000000") == "+++000/0000/00097+++"
    assert not belgian.is_valid("+++010/8068/17184+++")


def test_rf_reference():
    assert iso11649.is_valid("RF18 5390 0754 7034")
    assert iso11649.generate("1234567890123456") == "RF941234567890123456"
    assert not iso11649.is_valid("RF19539007547034")


def test_iban():
    assert iban.iban_error("NL91 ABNA 0417 1643 00") is None
    assert "check digits" in (iban.iban_error("NL91ABNA0417164301") or "")
    assert "18 characters" in (iban.iban_error("NL91ABNA041716430") or "")
    assert iban.mask("NL91ABNA0417164300") == "NL91****4300"


def test_finder_recognises_each_kind_in_free_text():
    text = (
        "/REMI/STRD/CUR/5000056789012345/ and Factuur 2024-0012 betalingskenmerk "
        "5010 0021 6701 0010, BE +++010/8068/17183+++ ref RF18 5390 0754 7034 thanks"
    )
    found = [(r.kind, r.value) for r in find_references(text)]
    assert found == [
        (ReferenceKind.BETALINGSKENMERK, "5000056789012345"),
        (ReferenceKind.BETALINGSKENMERK, "5010002167010010"),
        (ReferenceKind.BELGIAN, "010806817183"),
        (ReferenceKind.RF, "RF18539007547034"),
    ]


def test_finder_ignores_numbers_whose_check_fails():
    assert find_references("order 6000056789012345 paid") == []
