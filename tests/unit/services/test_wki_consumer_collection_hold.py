"""wki28 (law28's left): after the agency's Wki registration ended, a client's dunning run still
handed a consumer's invoices over to it, and nothing told the agency its collection from
consumers had to stop (art. 2 Wki). The rule (shared/services/wki_registration_status.py): a
consumer's hand-over to such an agency is refused (the run's step stays due and goes with the
first run after the new last day is recorded), one item on the agency's list says why, in
Dutch and English; a business debtor's goes on; no number recorded (an advocaat) holds
nothing. The dunning run calls it from its hand-over step (one line, dunning.py: the lead's)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from shared.adapters.tables.memory import InMemoryTableStore
from shared.api.console.action_text import kind_label, title
from shared.api.console.refusal_text import refusal
from shared.domain.parties import Agency, Debtor, DebtorKind
from shared.services.errors import Invalid
from shared.services.repositories import Repositories
from shared.services.wki_registration_status import (
    letter_registration,
    refuse_consumer_hand_over,
    registration_ended,
    release_consumer_hold,
)

UNTIL = date(2027, 3, 31)
AGENCY = Agency("noord", "Noord Incasso", wki_register_number="IDV-1", wki_registered_until=UNTIL)
NOW = datetime(2027, 4, 1, 8, tzinfo=UTC)
CONSUMER = Debtor("c1", "K1", DebtorKind.B2C, "J. de Vries")
BUSINESS = Debtor("c1", "B1", DebtorKind.B2B, "Bakkerij B.V.")


def _repos() -> Repositories:
    repos = Repositories.over(InMemoryTableStore())
    repos.ensure_tables()
    return repos


def test_the_registrations_last_day_is_still_valid() -> None:
    assert registration_ended(AGENCY, UNTIL) is None
    assert registration_ended(AGENCY, date(2027, 4, 1)) == UNTIL
    assert registration_ended(replace(AGENCY, wki_registered_until=None), date(2030, 1, 1)) is None
    assert registration_ended(replace(AGENCY, wki_register_number=None), date(2030, 1, 1)) is None
    assert letter_registration(AGENCY, UNTIL) == "Register incassodienstverlening IDV-1"
    assert letter_registration(AGENCY, date(2027, 4, 1)) == ""


def test_a_consumers_hand_over_waits_and_the_agency_is_told_once() -> None:
    repos = _repos()
    for day in (date(2027, 4, 1), date(2027, 4, 2)):  # two runs: one item
        with pytest.raises(Invalid) as refused:
            refuse_consumer_hand_over(repos, AGENCY, CONSUMER, day, NOW)
        assert refused.value.code == "handover_wki_registration_ended"
    assert "valid until 2027-03-31" in str(refused.value)
    said = refusal(refused.value, "nl")
    assert "De overdracht van consument K1 wacht" in said and "art. 2 Wki" in said
    [item] = repos.actions.list("@noord")[0]
    assert (item.action_id, item.kind) == ("wki-collection-held-2027-03-31",
                                           "wki_consumer_collection_held")  # fmt: skip
    assert kind_label(item.kind, "nl") == "Innen bij consumenten aangehouden (Wki)"
    dutch = title(item.title, "nl")
    assert dutch.startswith("Wki-registratie IDV-1 was geldig tot en met 31-03-2027: uw innen")
    assert "--wki-registered-until" in dutch

    # on its last day, for a business, or for an agency without a number: no refusal
    refuse_consumer_hand_over(repos, AGENCY, CONSUMER, UNTIL, NOW)
    refuse_consumer_hand_over(repos, AGENCY, BUSINESS, date(2027, 4, 1), NOW)
    refuse_consumer_hand_over(repos, replace(AGENCY, wki_register_number=None), CONSUMER,
                              date(2027, 4, 1), NOW)  # fmt: skip

    # the new last day recorded: the item closes, and the hand-over goes
    renewed = replace(AGENCY, wki_registered_until=date(2028, 3, 31))
    assert release_consumer_hold(repos, AGENCY, renewed, date(2027, 4, 3), NOW)
    [item] = repos.actions.list("@noord")[0]
    assert item.status.value == "resolved"
    refuse_consumer_hand_over(repos, renewed, CONSUMER, date(2027, 4, 3), NOW)
    # another change of the agency (the same day kept) closes nothing
    assert not release_consumer_hold(
        repos, AGENCY, replace(AGENCY, name="N"), date(2027, 4, 3), NOW
    )
