"""settle32 left: the BIC checks refused a digit in the institution code (the first four
characters), which ISO 9362:2022 allows and the pain.001.001.09 / pain.008.001.08 schemas
already took. Every place a BIC is checked (the settlement agreement's payout BIC, a mandate's
BIC, the EPC QR code) now takes it, and still refuses a wrong length or character."""

from __future__ import annotations

from typing import Any

import pytest
import xmlschema

from shared.domain.plans.pain008 import pain008
from shared.domain.references.bic import is_bic, is_live_bic
from shared.domain.references.epc_qr import CreditTransfer, EpcQrError, payload
from shared.domain.settlement.agreement import AgreementError, SettlementAgreement
from shared.domain.settlement.pain001 import pain001
from tests.unit.plans.test_pain008 import XSD as PAIN008_XSD
from tests.unit.plans.test_pain008 import batch as debit_batch
from tests.unit.plans.test_pain008 import collection
from tests.unit.plans.test_plan_service import BASE, make
from tests.unit.plans.test_plan_service import plans as plans
from tests.unit.plans.test_portal_plans import IBAN
from tests.unit.settlement.test_pain001 import XSD as PAIN001_XSD
from tests.unit.settlement.test_pain001 import batch as transfer_batch
from tests.unit.settlement.test_pain001 import transfer
from tests.unit.settlement.test_settlement_api import AGREEMENT, setup

WITH_DIGITS = ("1234NL2A", "AB12NL2AXXX", "9ABCDEFG", "RABONL2U")
WRONG = (
    "RABONL2",  # 7 characters
    "RABONL2UX",  # 9
    "RABONL2UXXXX",  # 12
    "RAB1N12U",  # a digit in the country code
    "RABO-L2U",  # not a letter or digit
    "RABONL2U X",
    "ÄBCDNL2A",
    "",
)


@pytest.mark.parametrize("bic", WITH_DIGITS)
def test_a_digit_in_the_institution_code_is_a_bic(bic: str) -> None:
    assert is_bic(bic) and is_live_bic(bic)
    assert (
        payload(CreditTransfer(name="X", iban="NL91ABNA0417164300", bic=bic)).split("\n")[4] == bic
    )


@pytest.mark.parametrize("bic", WRONG)
def test_a_wrong_length_or_character_is_still_refused(bic: str) -> None:
    assert not is_bic(bic) and not is_live_bic(bic)
    if bic:  # an empty BIC is "no BIC" in the QR code (optional in version 002)
        with pytest.raises(EpcQrError):
            payload(CreditTransfer(name="X", iban="NL91ABNA0417164300", bic=bic))


def test_a_payout_bic_with_digits_is_agreed_and_validates_in_pain001() -> None:
    agreement = SettlementAgreement(
        "c1", "a1", payout_iban="NL44RABO0123456789", payout_name="Client", payout_bic="1234 nl2a"
    )
    assert agreement.payout_bic == "1234NL2A"
    for bad in ("1234NL2", "1234N12A", "1234NL0A"):  # short, digit in the country, a test BIC
        with pytest.raises(AgreementError):
            SettlementAgreement(
                "c1", "a1", payout_iban="NL44RABO0123456789", payout_name="Client", payout_bic=bad
            )
    xml = pain001(transfer_batch(transfer(1, 100, creditor_bic="1234NL2A"), debtor_bic="AB12NL2A"))
    xmlschema.XMLSchema(str(PAIN001_XSD)).validate(xml.decode())
    assert b"<BICFI>1234NL2A</BICFI>" in xml


def test_a_debtor_bic_with_digits_validates_in_pain008() -> None:
    xml = pain008(debit_batch(collection(1, debtor_bic="1234NL2A")))
    xmlschema.XMLSchema(str(PAIN008_XSD)).validate(xml)
    assert b"<BICFI>1234NL2A</BICFI>" in xml


def test_the_api_takes_such_a_payout_bic_and_refuses_a_wrong_one(world: Any) -> None:
    setup(world)
    path = "/v1/clients/C1/settlement-agreement"
    r = world.agency_a.call("PUT", path, {**AGREEMENT, "payout_bic": "1234NL2AXXX"})
    assert r.status == 200, r.body
    assert world.agency_a.call("GET", path).body["payout_bic"] == "1234NL2AXXX"
    r = world.agency_a.call("PUT", path, {**AGREEMENT, "payout_bic": "1234N12A"})
    assert r.status == 422 and r.body["error"]["details"][0]["field"] == "payout_bic", r.body


def test_the_api_takes_such_a_mandate_bic_and_refuses_a_wrong_one(plans: Any) -> None:
    world, client = plans
    a = world.agency_a
    plan_id = make(a, method="direct_debit", start="2026-01-26", installments=2).body["plan_id"]
    mandate = {"mandate_id": "MND-1", "signed_on": "2026-01-05", "iban": IBAN, "name": "Jan"}
    for bad in ("1234N12A", "1234NL2", "1234-L2A"):
        refused = a.call("PUT", f"{BASE}/{plan_id}/mandate", {**mandate, "bic": bad})
        assert refused.status == 422 and "bic" in str(refused.body), bad
    taken = a.call("PUT", f"{BASE}/{plan_id}/mandate", {**mandate, "bic": "1234NL2A"})
    assert taken.status == 200, taken.body
    stored = world.services.plans.get(client, plan_id)
    assert stored.mandate is not None and stored.mandate.bic == "1234NL2A"
