"""Which of a plan's messages are written demands of its invoices (3:317 lid 1 BW; law16 F3):
those that ask the debtor to pay, not the news that his plan runs on, nor the client's copy."""

from __future__ import annotations

import pytest

from shared.domain.law.demands import plan_demand


@pytest.mark.parametrize(
    "what",
    ["agreement", "remind|1@2024-02-15", "lapsed-018dd4a80e40", "debit-failed|PL1-1-1",
     "came-back|2026-03-10", "cancelled|2026-02-10", "schedule|20260131-20260228",
     "lowered|50000", "first-payment|1|1"],
)  # fmt: skip
def test_what_asks_payment_counts(what: str) -> None:
    assert plan_demand(what)


@pytest.mark.parametrize("what", ["kept-2026-02-08", "lapsed-018dd4a80e40-client", "kept-x-client"])
def test_what_asks_nothing_or_goes_to_the_client_does_not(what: str) -> None:
    assert not plan_demand(what)
