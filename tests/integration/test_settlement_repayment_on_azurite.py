"""A client's repayment of a negative settlement on Azurite: the insert-once row per bank
reference (a second request books nothing, another amount is refused), the settlement that
takes it sets SettledIn under its ETag, and the next run meets the balance carried in."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from shared.adapters.blobs.store import AzureFileStore
from shared.adapters.queues.storage import InMemoryQueueSender
from shared.adapters.tables.azure import AzureTableStore
from shared.bootstrap import build_services
from shared.clock import FixedClock
from shared.domain.parties import Agency, Client
from shared.domain.records import ActionStatus
from shared.domain.settlement.agreement import Frequency, SettlementAgreement
from shared.services.errors import ConflictingUpdate
from shared.services.settlement.runs import CONTAINER
from tests.unit.api.conftest import SETTINGS
from tests.unit.settlement.conftest import PAYOUT_C1, THIRD_PARTY, payment


def test_a_repayment_is_recorded_once_and_settled_once_on_azurite(storage_connection: str) -> None:
    clock = FixedClock(datetime(2026, 11, 30, 5, tzinfo=UTC))
    services = build_services(
        SETTINGS,
        clock=clock,
        store=AzureTableStore.from_connection_string(storage_connection),
        files=AzureFileStore.from_connection_string(storage_connection),
        queues=InMemoryQueueSender(),
        senders={},
    )
    agency_id = "az-" + uuid.uuid4().hex[:8]
    client = Client("cl" + uuid.uuid4().hex[:12], agency_id, "C1", "Client One")
    services.repos.agencies.save(Agency(agency_id, "Azurite Incasso", THIRD_PARTY))
    services.repos.clients.save(client, new=True)
    services.settlements.store.save_agreement(
        SettlementAgreement(client.client_id, agency_id, PAYOUT_C1, "Client One BV",
                            frequency=Frequency.DAILY, commission_bp=1000)
    )  # fmt: skip
    services.repos.payments.add(payment(client.client_id, "p1", date(2026, 11, 27),
                                        principal=10000, costs=0, costs_vat=0, interest=0))  # fmt: skip
    assert services.settlement_runs.run_agency(agency_id, date(2026, 11, 30)) is not None
    read = services.repos.payments.get_versioned(client.client_id, "p1")
    assert read is not None
    services.repos.payments.save_if(replace(read[0], reversed=True), read[1])
    clock.at = datetime(2026, 12, 1, 5, tzinfo=UTC)
    owing = services.settlement_runs.run_agency(agency_id, date(2026, 12, 1))
    assert owing is not None and owing.owed_total == 8790  # 100.00 - 10.00 - 2.10 came back

    desk = services.settlement_repayments
    clock.at = datetime(2026, 12, 2, 9, tzinfo=UTC)  # recorded once it arrived (attack6 #5)
    ref = "EREF-" + uuid.uuid4().hex[:8]
    first = desk.record(client, reference=ref, amount=8790, received_on=date(2026, 12, 2), by="k")
    again = desk.record(client, reference=ref, amount=8790, received_on=date(2026, 12, 2), by="k")
    assert (first.created, again.created, first.owed, again.owed) == (True, False, 0, 0)
    with pytest.raises(ConflictingUpdate):
        desk.record(client, reference=ref, amount=8000, received_on=date(2026, 12, 2), by="k")
    items, _ = services.repos.actions.list(f"@{agency_id}", kind="settlement_claim_back")
    assert [i.status for i in items] == [ActionStatus.RESOLVED]

    services.repos.payments.add(payment(client.client_id, "p2", date(2026, 12, 3),
                                        principal=20000, costs=0, costs_vat=0, interest=0))  # fmt: skip
    clock.at = datetime(2026, 12, 3, 5, tzinfo=UTC)
    paid = services.settlement_runs.run_agency(agency_id, date(2026, 12, 3))
    assert paid is not None and paid.payout_total == 17580  # in full: nothing set off
    _, (st,) = services.settlements.run(agency_id, paid.run_id)
    assert st.totals is not None and st.totals.balanced
    assert (st.totals.carried_in, st.totals.repaid, st.totals.carried_out) == (-8790, 8790, 0)
    [held] = desk.of_client(client)
    assert held.settled_in == st.settlement_id
    # taken by one settlement only: another one cannot take it any more
    assert not desk.repayments.take(held, "R20261204-other")
    csv_text = bytes(services.files.get(CONTAINER, st.csv or "") or b"").decode()
    assert f"repayment,2026-12-02,{ref}" in csv_text
    balance, _ = services.settlements.store.balance(agency_id, client.client_id)
    assert balance.carried == 0 and desk.owed(client) == 0
