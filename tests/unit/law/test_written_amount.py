"""An amount a person types beside the Dutch amounts a page writes (newcomer18 F7): what
cannot be read two ways is read, a bare "1.000" stays refused."""

from __future__ import annotations

import pytest

from shared.domain.money import AmountError, parse_written_amount


@pytest.mark.parametrize(
    ("typed", "cents"),
    [
        ("300,00", 30000),
        ("300.5", 30050),
        ("1.628,76", 162876),
        ("€ 1.628,76", 162876),
        ("€1.628,76", 162876),
        ("400 EUR", 40000),
        ("1,250.00", 125000),
        ("1 250,00", 125000),
        ("1.250.000,00", 125000000),
        ("1250", 125000),
    ],
)
def test_read(typed: str, cents: int) -> None:
    assert parse_written_amount(typed) == cents


@pytest.mark.parametrize("typed", ["1.000", "1,250", "€", "-5", "1.2345,00", "12.34.56", ""])
def test_refused(typed: str) -> None:
    with pytest.raises(AmountError):
        parse_written_amount(typed)
