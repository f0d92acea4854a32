"""law12c #5: an agreement stored before the bank-charges setting existed (pooled11) has no
BankChargesBy column: the agency bore the charges then, the only rule, and the agreement keeps
that. Before, such a row read as "follows the agency's default", so a default set later to
``client`` cut that client's payout by charges it never agreed to bear."""

from typing import Any

import pytest

from shared.adapters.tables.codec import put_json
from shared.adapters.tables.settlement_repo import AGREEMENTS, SettlementRepository
from shared.domain.settlement.agreement import DEFAULT_RECIPIENTS, Recipient, SettlementDefaults
from shared.ports.tables import Row
from tests.unit.settlement.conftest import PAYOUT_C1

OLD_ROW = {
    "PayoutIban": PAYOUT_C1,
    "PayoutName": "C1",
    "Frequency": "daily",
    "Recipients": put_json({k: v.value for k, v in DEFAULT_RECIPIENTS.items()}),
}


@pytest.mark.parametrize(
    ("column", "borne"),
    [
        ({}, Recipient.AGENCY),  # stored before the setting: the agency's, as then
        ({"BankChargesBy": ""}, Recipient.CLIENT),  # saved as following the default
        ({"BankChargesBy": "agency"}, Recipient.AGENCY),  # its own choice
    ],
)
def test_an_agreement_keeps_the_bearer_its_row_says(
    world: Any, column: dict[str, str], borne: Recipient
) -> None:
    repo = SettlementRepository(world.store)
    world.store.upsert(AGREEMENTS, Row("agency-x", "c-older", {**OLD_ROW, **column}))
    repo.save_defaults(SettlementDefaults("agency-x", Recipient.CLIENT))
    [agreement] = repo.agreements("agency-x")
    assert agreement.charges_borne_by(repo.defaults("agency-x").bank_charges_by) is borne
