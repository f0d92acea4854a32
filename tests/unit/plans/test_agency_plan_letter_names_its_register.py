"""wki27 left: the letters of an agency's plan (its agreement, its schedules) are the agency's
letters to the debtor, and art. 13 Wki (Bki art. 4.1) asks them to name its entry in the
register incassodienstverlening. wki27 records the number on the agency; the plan's letters
did not print it. Now its letterhead says "Register incassodienstverlening <number>" when the
number is recorded (nothing when it is not), never in the window's return line."""

from __future__ import annotations

from dataclasses import replace

from shared.domain.parties import Agency
from shared.services.plans.notices import agreement
from shared.services.plans.schedule_pdf import schedule_pdf
from tests.unit.plans.test_plan_agreement_pdf import CLIENT, DEBTOR, ON, PLAN, _read

AGENCY = Agency(
    "a1", "Incassobureau Noord B.V.", third_party_iban="NL91ABNA0417164300",
    contact_email="info@noord.example", postal_address="Vismarkt 1, 9712 CA Groningen",
)  # fmt: skip
PLAN_OF_AGENCY = replace(PLAN, agency_id="a1")


def _lines(agency: Agency) -> list[str]:
    note = agreement(PLAN_OF_AGENCY, agency.name, AGENCY.third_party_iban or "", "nl")
    pdf = schedule_pdf(
        CLIENT, DEBTOR, PLAN_OF_AGENCY, note, ON, agency=agency, client_account=CLIENT.ibans[0]
    )
    return _read(pdf)[0].splitlines()


def test_the_agency_plans_letter_names_its_register_number() -> None:
    lines = _lines(replace(AGENCY, wki_register_number="12345678"))
    assert "Register incassodienstverlening 12345678" in lines
    return_line = lines[lines.index(DEBTOR.name) - 1]
    assert return_line.startswith("Incassobureau Noord B.V., Vismarkt 1")
    assert "Register" not in return_line


def test_an_agency_without_a_recorded_number_prints_none() -> None:
    assert not [line for line in _lines(AGENCY) if "Register incassodienstverlening" in line]
