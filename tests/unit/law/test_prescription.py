from datetime import date

from shared.domain.law.prescription import prescription


def test_five_years_from_the_day_after_due():
    result = prescription(date(2024, 3, 15), consumer_purchase=False)
    assert result.period_starts == date(2024, 3, 16)
    assert result.last_day == date(2029, 3, 15)
    assert result.prescribed_on == date(2029, 3, 16)


def test_consumer_purchase_two_years():
    assert prescription(date(2024, 3, 15), consumer_purchase=True).prescribed_on == date(
        2026, 3, 16
    )


def test_interruption_starts_a_new_period():
    result = prescription(
        date(2020, 1, 10), consumer_purchase=True, interruptions=[date(2021, 6, 1)]
    )
    assert result.prescribed_on == date(2023, 6, 2)


def test_configured_term():
    assert prescription(date(2024, 1, 1), consumer_purchase=False, years=3).prescribed_on == date(
        2027, 1, 2
    )
