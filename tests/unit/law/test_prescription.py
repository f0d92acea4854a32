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


def test_a_demand_after_the_claim_prescribed_revives_nothing():
    # 2020-01-10 due: prescribed on 2025-01-11; a demand in 2026 comes too late (art. 3:317 BW)
    result = prescription(
        date(2020, 1, 10), consumer_purchase=False, interruptions=[date(2026, 1, 1)]
    )
    assert result.prescribed_on == date(2025, 1, 11)
    assert result.too_late == (date(2026, 1, 1),)


def test_demands_apply_in_date_order_each_within_the_running_period():
    # consumer purchase, 2 years: 2021-06-01 interrupts (new period to 2023-06-02), 2023-01-15
    # interrupts again (to 2025-01-16); 2025-03-01 comes after that and interrupts nothing
    result = prescription(
        date(2020, 1, 10),
        consumer_purchase=True,
        interruptions=[date(2025, 3, 1), date(2023, 1, 15), date(2021, 6, 1)],
    )
    assert result.prescribed_on == date(2025, 1, 16)
    assert result.too_late == (date(2025, 3, 1),)
    # the same demands without the middle one: the last comes after 2023-06-02, too late
    gap = prescription(
        date(2020, 1, 10),
        consumer_purchase=True,
        interruptions=[date(2021, 6, 1), date(2025, 3, 1)],
    )
    assert gap.prescribed_on == date(2023, 6, 2) and gap.too_late == (date(2025, 3, 1),)


def test_a_demand_on_the_last_day_still_interrupts():
    last = prescription(date(2024, 3, 15), consumer_purchase=True).last_day
    assert prescription(
        date(2024, 3, 15), consumer_purchase=True, interruptions=[last]
    ).prescribed_on == date(2028, 3, 16)


def test_the_cli_says_a_late_demand_interrupted_nothing(capsys):
    from shared.cli.main import main

    assert main(["prescription", "2020-01-10", "--interrupted", "2026-01-01"]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == "2025-01-11"
    assert "2026-01-01" in err and "interrupts nothing" in err
