"""A statement line's reference is looked up in ``PlanReferences`` only when a plan could own
it: a plan's reference is a 16-digit betalingskenmerk with its check digit. An RF reference, a
digit run or a number with a typo cost no read (issue #13: at most 5 storage requests a line;
the lookup of every reference matching no invoice had taken it to 5.2 to 5.4)."""

from __future__ import annotations

from typing import Any

import pytest

from shared.adapters.tables.memory import InMemoryTableStore
from shared.adapters.tables.plans_repo import REFERENCES
from shared.domain.references import betalingskenmerk
from shared.services.plan_designation import could_be_a_plans, plan_of_reference


class _Counted(InMemoryTableStore):
    def __init__(self) -> None:
        super().__init__()
        self.ensure_tables([REFERENCES])
        self.reads: list[tuple[str, str]] = []

    def get(self, table: str, pk: str, rk: str) -> Any:
        self.reads.append((table, pk))
        return super().get(table, pk, rk)


PLANS = betalingskenmerk.generate("000123456789012")


@pytest.mark.parametrize(
    "reference",
    [
        "RF18539007547034",  # an RF creditor reference
        "1234567",  # a 7-digit betalingskenmerk (no check digit: never a plan's)
        PLANS[:-1] + str((int(PLANS[-1]) + 1) % 10),  # one digit off: the check digit fails
        "20250001",  # an invoice number's digits
        "12345678901234567",  # 17 digits
    ],
)
def test_no_read_for_a_reference_no_plan_can_have(reference: str) -> None:
    store = _Counted()
    assert not could_be_a_plans(reference)
    assert plan_of_reference(store, "c1", reference) is None
    assert [t for t, _ in store.reads if t == REFERENCES] == []


def test_a_plans_reference_is_looked_up() -> None:
    store = _Counted()
    assert could_be_a_plans(PLANS)
    assert plan_of_reference(store, "c1", PLANS) is None  # no plan owns it here
    assert store.reads == [(REFERENCES, PLANS)]
