from datetime import date

from shared.domain.law.prescription import (
    ClaimKind,
    prescription,
    prescription_warning,
    term_years,
)


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


# -- the claim's kind, the new period after a demand (3:319 lid 2) ----------------------------


def test_the_term_follows_the_kind_of_claim():
    # 7:28 covers a consumer sale only: a business's claim is never one
    assert term_years(ClaimKind.CONSUMER_SALE, consumer=True) == 2
    assert term_years(ClaimKind.OTHER, consumer=True) == 5
    assert term_years(ClaimKind.CONSUMER_SALE, consumer=False) == 5
    assert term_years(None, consumer=False) == 5
    # not told: a consumer's claim is taken as a sale, the earlier (safe) warning
    assert term_years(None, consumer=True) == 2


def test_a_demand_on_a_consumer_sale_starts_two_years_again():
    # 3:319 lid 2: the new period equals the original one (2 years for 7:28), not 5
    result = prescription(
        date(2024, 3, 15), consumer_purchase=True, interruptions=[date(2025, 1, 10)]
    )
    assert result.period_starts == date(2025, 1, 11)
    assert result.prescribed_on == date(2027, 1, 11)
    assert result.interrupted_by == (date(2025, 1, 10),)


def test_a_longer_configured_term_is_cut_to_five_years_but_never_ends_earlier():
    # a 10-year term (client setting): due 2020-01-10, uninterrupted to 2030-01-11. A demand
    # of 2021-01-01 starts a new period of at most 5 years (to 2026-01-02), but the claim
    # never prescribes before the original period would have ended (3:319 lid 2, 2nd sentence)
    result = prescription(
        date(2020, 1, 10), consumer_purchase=False, years=10, interruptions=[date(2021, 1, 1)]
    )
    assert result.prescribed_on == date(2030, 1, 11)
    # a demand of 2028-06-01: 5 years from 2028-06-02 ends after the original: 2033-06-02
    later = prescription(
        date(2020, 1, 10), consumer_purchase=False, years=10, interruptions=[date(2028, 6, 1)]
    )
    assert later.prescribed_on == date(2033, 6, 2)


def test_the_warning_says_what_it_counted_and_what_to_check():
    plain = prescription_warning("F1", None, date(2025, 3, 21), 2, consumer=True, interrupted_by=())
    assert plain.startswith("Invoice F1 may prescribe on 21-03-2025: counted 2 years")
    assert "art. 7:28 BW; the claim's kind was not given" in plain
    assert "no written demand of Inning reached the debtor" in plain
    assert "acknowledgement by the debtor" in plain
    moved = prescription_warning(
        "F2", ClaimKind.OTHER, date(2030, 6, 4), 5, consumer=True,
        interrupted_by=(date(2024, 6, 3), date(2025, 6, 3)),
    )  # fmt: skip
    assert "5 years (art. 3:307 BW)" in moved and "(03-06-2025, art. 3:317" in moved


def test_the_cli_takes_the_kind_and_a_configured_term(capsys):
    import json

    from shared.cli.main import main

    assert main(["prescription", "2024-03-15", "--kind", "consumer_sale"]) == 0
    assert capsys.readouterr().out.strip() == "2026-03-16"
    assert main(["prescription", "2024-03-15", "--kind", "other"]) == 0
    assert capsys.readouterr().out.strip() == "2029-03-16"
    assert main(["prescription", "2024-03-15", "--kind", "consumer_sale", "--interrupted",
                 "2025-01-10", "--json"]) == 0  # fmt: skip
    out = json.loads(capsys.readouterr().out)
    assert out["term_years"] == 2 and out["prescribed_on"] == "2027-01-11"
    assert out["interrupted_by"] == ["2025-01-10"]
    assert main(["prescription", "2020-01-10", "--years", "10", "--interrupted", "2021-01-01"]) == 0
    assert capsys.readouterr().out.strip() == "2030-01-11"
    assert main(["prescription", "2024-03-15", "--consumer-purchase", "--kind", "other"]) != 0


def test_a_period_from_29_february_ends_with_28_february_in_a_common_year():
    # law7 minor: five years from 29-2-2024 run to the end of 28-2-2029 (no 29-2 in 2029)
    result = prescription(date(2024, 2, 28), consumer_purchase=False)
    assert result.period_starts == date(2024, 2, 29)
    assert result.last_day == date(2029, 2, 28)
    assert result.prescribed_on == date(2029, 3, 1)
    # a new period after a demand on 28-2-2028 starts on 29-2-2028: two years, to 28-2-2030
    sale = prescription(
        date(2027, 1, 31), consumer_purchase=True, interruptions=[date(2028, 2, 28)]
    )
    assert sale.prescribed_on == date(2030, 3, 1)
    # into a leap year and from 1 March nothing moves
    assert prescription(date(2023, 2, 28), consumer_purchase=True).prescribed_on == date(2025, 3, 1)
    assert prescription(date(2019, 2, 27), consumer_purchase=False).prescribed_on == date(
        2024, 2, 28
    )
