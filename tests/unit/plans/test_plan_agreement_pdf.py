"""The plan's agreement as posted (a debtor without e-mail gets only this PDF): its schedule,
every installment with date and amount, the plan's betalingskenmerk, and a payment block whose
EPC QR code asks the installment to pay now (newcomer17 F2: no installment was printed and the
QR asked the whole plan, EUR 1.238,75, of a plan of 412,91 / 412,91 / 412,93). The PDF is read
back as the debtor's bank app and eyes would read it."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, date, datetime

import pypdf
import zxingcpp
from PIL import Image

from shared.domain.parties import Address, Client, Debtor, DebtorKind, Language
from shared.domain.plans.plan import PaymentPlan, PlanStatus
from shared.domain.plans.rules import PlanRules
from shared.domain.plans.schedule import Period, PlanMethod, ScheduledInstallment
from shared.domain.references.epc_qr import CreditTransfer, payload
from shared.services.plans.notices import agreement
from shared.services.plans.schedule_pdf import schedule_pdf

IBAN = "NL02ABNA0123456789"
CLIENT = Client("c1", "a1", "BAKKERIJ", "Bakkerij De Korenbloem", ibans=(IBAN,))
DEBTOR = Debtor(
    "c1", "D2", DebtorKind.B2C, "Mevr. J.M. van den Berg",
    address=Address("Prinsengracht 263-II", "1016 GV", "Amsterdam"),
)  # fmt: skip
PLAN = PaymentPlan(
    client_id="c1", plan_id="PL01", debtor_number="D2", invoice_numbers=("2026-0042",),
    include_costs=True, method=PlanMethod.TRANSFER, start=date(2027, 1, 31), period=Period.MONTH,
    total=123_875, payment_reference="8744703680761250",
    schedule=(
        ScheduledInstallment(1, date(2027, 1, 31), 41_291),
        ScheduledInstallment(2, date(2027, 2, 28), 41_291),
        ScheduledInstallment(3, date(2027, 3, 31), 41_293),
    ),
    rules=PlanRules(), created_at=datetime(2026, 12, 2, 9, 0, tzinfo=UTC),
    created_by="staff@c1.example", status=PlanStatus.ACTIVE,
)  # fmt: skip
ON = date(2026, 12, 2)


def _read(pdf: bytes) -> tuple[str, list[str]]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    codes = []
    for image in (img for page in reader.pages for img in page.images):
        picture = Image.open(io.BytesIO(image.data)).convert("L")
        codes += [r.text for r in zxingcpp.read_barcodes(picture)]
    return text, codes


def _pdf(plan: PaymentPlan, debtor: Debtor = DEBTOR) -> bytes:
    language = debtor.language.value
    return schedule_pdf(
        CLIENT,
        debtor,
        plan,
        agreement(plan, CLIENT.name, IBAN, language),
        ON,
        client_account=CLIENT.ibans[0],
    )


def test_the_agreement_lists_every_installment_and_asks_the_first() -> None:
    text, codes = _read(_pdf(PLAN))
    for row in (
        "Termijn 1 31-01-2027 EUR 412,91",
        "Termijn 2 28-02-2027 EUR 412,91",
        "Termijn 3 31-03-2027 EUR 412,93",
        "Totaal van de regeling EUR 1.238,75",
        "Vermeld bij elke termijn betalingskenmerk 8744 7036 8076 1250",
        "Termijn 1, uiterlijk 31-01-2027: EUR 412,91",
        "Betalingskenmerk: 8744 7036 8076 1250",
    ):
        assert row in text, row
    assert "Totaal te betalen" not in text
    # where the text listed it: after the plan's sum, before how to pay
    lines = text.splitlines()
    sum_at = next(n for n, line in enumerate(lines) if line.startswith("Met "))
    # (a justified line: its words may stand two blanks apart in the extracted text)
    how_at = next(
        n for n, line in enumerate(lines) if " ".join(line.split()).startswith("Maak elke termijn")
    )
    assert sum_at < lines.index("Termijn 1 31-01-2027 EUR 412,91") < how_at
    first = CreditTransfer(CLIENT.name, IBAN, 41_291,
                           text="Betalingskenmerk 8744 7036 8076 1250")  # fmt: skip
    assert codes == [payload(first)]


def test_in_english_and_after_a_payment_it_asks_what_is_open_of_the_next() -> None:
    # 412,91 + 100,00 paid: installment 1 is paid, 312,91 of installment 2 is open
    paid = replace(PLAN, paid=51_291)
    english = replace(DEBTOR, language=Language.EN)
    text, codes = _read(_pdf(paid, english))
    assert "Installment 3 31 March 2027 EUR 412.93" in text
    assert "Total of the plan EUR 1,238.75" in text
    assert "Installment 2, due 28 February 2027: EUR 312.91" in text
    assert "in the name of Bakkerij De Korenbloem" in text
    second = CreditTransfer(CLIENT.name, IBAN, 31_291,
                            text="Payment reference 8744 7036 8076 1250")  # fmt: skip
    assert codes == [payload(second)]


def test_a_direct_debit_plan_lists_its_schedule_without_a_qr_code() -> None:
    # the bank collects each installment: a QR code would have him pay it twice
    debit = replace(PLAN, method=PlanMethod.DIRECT_DEBIT, mandate=None)
    text, codes = _read(_pdf(debit))
    assert "Termijn 2 28-02-2027 EUR 412,91" in text
    assert codes == [] and "Betalen" not in text


def test_an_agreement_posted_abroad_names_the_clients_country_on_its_return_line() -> None:
    """newcomer17b F3: the agreement posted to a debtor in Belgium named no country on its
    return line. From a client in Utrecht it ends with NEDERLAND (NETHERLANDS in English); a
    client in Brussels has BELGIUM there, and no Netherlands after it."""
    abroad = replace(DEBTOR, address=Address("Meir 12", "2000", "Antwerpen", "BE"))
    utrecht = replace(CLIENT, postal_address=Address("Dorpsstraat 1", "1234 AB", "Utrecht"))
    brussels = replace(CLIENT, postal_address=Address("Rue Haute 5", "1000", "Bruxelles", "BE"))

    def return_line(client: Client, debtor: Debtor) -> str:
        language = debtor.language.value
        note = agreement(PLAN, client.name, IBAN, language)
        lines = _read(schedule_pdf(client, debtor, PLAN, note, ON, client_account=client.ibans[0]))[
            0
        ].splitlines()
        return lines[lines.index(debtor.name) - 1]

    start = "Bakkerij De Korenbloem, Dorpsstraat 1, 1234 AB  UTRECHT"
    assert return_line(utrecht, abroad) == f"{start}, NEDERLAND"
    assert return_line(utrecht, replace(abroad, language=Language.EN)) == f"{start}, NETHERLANDS"
    assert return_line(utrecht, DEBTOR) == start
    brussels_line = "Bakkerij De Korenbloem, Rue Haute 5, 1000  BRUXELLES, BELGIUM"
    assert return_line(brussels, abroad) == brussels_line
