"""A plan letter's payment block and EPC QR ask what its text asks (newcomer17b F2).

Since ncfix17a every plan letter's block asked the oldest installment still open, for what
was open of it, by its own due day: the "payment came back" letter that asks installments 1
and 2 (825,82) by 19-03-2027 had a QR for 412,91 "Termijn 1, uiterlijk 31-01-2027"; a weekly
plan's reminder of installment 3 (412,93) had a QR for installment 2 (412,91). Paying what the
QR asked left an installment open and the plan could lapse. Read back as the bank app and
the debtor's eyes would."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from shared.domain.parties import Language
from shared.domain.plans.schedule import Period, PlanMethod, ScheduledInstallment
from shared.domain.references.epc_qr import CreditTransfer, payload
from shared.services.plans.notices import (
    FailedCollection,
    agreement,
    debit_failed,
    payment_came_back,
    reminder,
)
from shared.services.plans.schedule_pdf import schedule_pdf
from tests.unit.plans.test_plan_agreement_pdf import CLIENT, DEBTOR, IBAN, PLAN, _read

TEXT = "Betalingskenmerk 8744 7036 8076 1250"


def _qr(cents: int, text: str = TEXT) -> str:
    return payload(CreditTransfer(CLIENT.name, IBAN, cents, text=text))


def test_a_payment_came_back_letter_asks_every_installment_it_reopened_by_its_day() -> None:
    plan = replace(PLAN, paid=0)  # one transfer of 825,82 that paid 1 and 2 came back
    reopened = (
        FailedCollection(1, 41_291, date(2027, 1, 31), date(2027, 3, 19)),
        FailedCollection(2, 41_291, date(2027, 2, 28), date(2027, 3, 19)),
    )
    note = payment_came_back(plan, reopened, IBAN, "nl")
    text, codes = _read(
        schedule_pdf(CLIENT, DEBTOR, plan, note, date(2027, 3, 5), client_account=CLIENT.ibans[0])
    )
    assert "Termijn 1 en 2, uiterlijk 19-03-2027: EUR 825,82" in text
    assert "31-01-2027: EUR 412,91" not in text
    assert codes == [_qr(82_582)]


def test_a_reminder_asks_the_installment_it_names_not_an_older_one() -> None:
    plan = replace(PLAN, paid=41_291, period=Period.WEEK, start=date(2027, 1, 7), schedule=(
        ScheduledInstallment(1, date(2027, 1, 7), 41_291),
        ScheduledInstallment(2, date(2027, 1, 14), 41_291),
        ScheduledInstallment(3, date(2027, 1, 21), 41_293),
    ))  # fmt: skip
    note = reminder(plan, plan.schedule[2], 41_293, IBAN, "nl")
    text, codes = _read(
        schedule_pdf(CLIENT, DEBTOR, plan, note, date(2027, 1, 18), client_account=CLIENT.ibans[0])
    )
    assert "Termijn 3 van uw betalingsregeling, EUR 412,93, vervalt op 21-01-2027" in text
    assert "Termijn 3, uiterlijk 21-01-2027: EUR 412,93" in text
    assert codes == [_qr(41_293)]


def test_a_failed_collection_in_english_asks_its_installment_by_the_graces_day() -> None:
    # a plan paid by transfer whose one collected installment came back: the day is the grace's
    plan = replace(PLAN, paid=0)
    failed = FailedCollection(1, 41_291, date(2027, 1, 31), date(2027, 2, 14))
    english = replace(DEBTOR, language=Language.EN)
    note = debit_failed(plan, failed, IBAN, "en")
    text, codes = _read(
        schedule_pdf(CLIENT, english, plan, note, date(2027, 2, 3), client_account=CLIENT.ibans[0])
    )
    assert "Installment 1, due 14 February 2027: EUR 412.91" in text
    assert codes == [_qr(41_291, "Payment reference 8744 7036 8076 1250")]


def test_the_agreement_still_asks_the_oldest_installment_open_and_direct_debit_none() -> None:
    note = agreement(PLAN, CLIENT.name, IBAN, "nl")
    text, codes = _read(
        schedule_pdf(CLIENT, DEBTOR, PLAN, note, date(2026, 12, 2), client_account=CLIENT.ibans[0])
    )
    assert "Termijn 1, uiterlijk 31-01-2027: EUR 412,91" in text and codes == [_qr(41_291)]
    debit = replace(PLAN, method=PlanMethod.DIRECT_DEBIT, mandate=None)
    note = reminder(debit, debit.schedule[0], 41_291, IBAN, "nl")
    _, codes = _read(
        schedule_pdf(CLIENT, DEBTOR, debit, note, date(2027, 1, 28), client_account=CLIENT.ibans[0])
    )
    assert codes == []  # the bank collects it: no QR to pay it twice
