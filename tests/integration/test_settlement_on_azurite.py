"""The settlement run on Azurite (tables and blobs): claims, the reversal deducted in the next
run through the ``DeductedIn`` filter, balances moved by ETag, files in the blob container."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime

import xmlschema

from shared.adapters.blobs.store import AzureFileStore
from shared.adapters.queues.storage import InMemoryQueueSender
from shared.adapters.tables.azure import AzureTableStore
from shared.adapters.tables.settlement_repo import SettlementRepository
from shared.bootstrap import build_services
from shared.clock import FixedClock
from shared.domain.parties import Agency, Client
from shared.domain.settlement.agreement import (
    Frequency,
    Recipient,
    SettlementAgreement,
    SettlementDefaults,
)
from shared.domain.settlement.records import RunStatus
from shared.services.settlement.runs import CONTAINER
from tests.unit.api.conftest import SETTINGS
from tests.unit.settlement.conftest import PAIN001_XSD, PAYOUT_C1, THIRD_PARTY, payment


def test_two_runs_with_a_reversal_between(storage_connection: str) -> None:
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
    settlements = services.settlements
    settlements.store.save_agreement(
        SettlementAgreement(
            client.client_id,
            agency_id,
            PAYOUT_C1,
            "Client One BV",
            frequency=Frequency.DAILY,
            commission_bp=1000,
        )
    )
    services.repos.payments.add(payment(client.client_id, "p1", date(2026, 11, 27)))
    first = services.settlement_runs.run_agency(agency_id, date(2026, 11, 30))
    assert first is not None and first.status is RunStatus.AWAITING_APPROVAL
    assert services.settlement_runs.run_agency(agency_id, date(2026, 11, 30)) == first
    xml = services.files.get(CONTAINER, first.transfer_file or "")
    assert xml is not None
    xmlschema.XMLSchema(str(PAIN001_XSD)).validate(xml.decode())

    read = services.repos.payments.get_versioned(client.client_id, "p1")
    assert read is not None
    services.repos.payments.save_if(replace(read[0], reversed=True), read[1])
    services.repos.payments.add(
        payment(
            client.client_id,
            "p2",
            date(2026, 12, 1),
            principal=50000,
            costs=0,
            costs_vat=0,
            interest=0,
        )
    )
    clock.at = datetime(2026, 12, 1, 5, tzinfo=UTC)
    second = services.settlement_runs.run_agency(agency_id, date(2026, 12, 1))
    assert second is not None
    _, (st,) = settlements.run(agency_id, second.run_id)
    assert (st.payment_count, st.reversal_count) == (1, 1)
    assert st.totals is not None and st.totals.balanced
    # 500.00 collected, 170.95 taken back (client part 122.55): the commission is 10 % of the
    # statement's client part 377.45, rounded once (newcomer19 F7) with the half cent the
    # first statement charged ahead (12.255 -> 12.26) taken in: 37.745 - 0.005 = 37.74, so
    # 10 % of the 500.00 kept is 50.00 in all (settle21; 37.75, 50.01 before: lawyer20 L6)
    # fee VAT on commission and costs kept: 21% of (37.74 - 40.00) = -0.4746 -> -0.47, the
    # rate on this statement's own fee (nothing carried: art. 35a Wet OB 1968); the 8.40
    # costs_vat the debtor had paid goes back with the reversal: the client pays 7.93, as
    # when VAT was on the commission only
    assert (st.totals.commission, st.totals.fee_vat) == (3774, -47)
    assert st.totals.fee_vat_from_debtor == -840
    assert st.totals.payout == 50000 - 12255 - 3774 - 793
    balance, _ = settlements.store.balance(agency_id, client.client_id)
    assert balance.last_settlement_id == st.settlement_id and balance.carried == 0
    assert settlements.approve(agency_id, second.run_id, "k").status is RunStatus.APPROVED


def test_money_moved_after_payout_is_corrected_on_azurite(storage_connection: str) -> None:
    """A correction row (``payment|0001``) on Table Storage: written once, read back by the
    next run, and a negative net leaves the client out of the transfer file."""
    from shared.adapters.tables.settlement_repo import SettlementRepository
    from shared.domain.records import AllocatedAmount

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
    first = services.settlement_runs.run_agency(agency_id, date(2026, 11, 30))
    assert first is not None and first.payout_total == 8790  # 100.00 - 10.00 - 2.10
    # a credit note moved it: 40.00 onto F2's costs, 60.00 over (as credit.py rewrites the row)
    read = services.repos.payments.get_versioned(client.client_id, "p1")
    assert read is not None
    services.repos.payments.save_if(
        replace(read[0], allocations=(AllocatedAmount("F2", "costs", 4000),), unallocated=6000),
        read[1],
    )
    # the costs go to the client for new money from now on: p1's correction keeps the terms
    # it was settled under, read back from Table Storage (its settlement's recipients, the VAT
    # on the costs kept on the correction row; law17 S1b)
    services.settlements.store.save_agreement(
        SettlementAgreement(client.client_id, agency_id, PAYOUT_C1, "Client One BV",
                            frequency=Frequency.DAILY, commission_bp=1500,
                            recipients={"principal": Recipient.CLIENT, "interest": Recipient.CLIENT,
                                        "costs": Recipient.CLIENT, "costs_vat": Recipient.CLIENT})
    )  # fmt: skip
    clock.at = datetime(2026, 12, 1, 5, tzinfo=UTC)
    second = services.settlement_runs.run_agency(agency_id, date(2026, 12, 1))
    assert second is not None and second.transfer_file is None
    assert (second.owed_total, second.owed_count) == (9630, 1)
    settled_first = services.settlements.store.settlement(agency_id, first.settlement_ids[0])
    assert settled_first is not None and settled_first[0].recipients is not None
    assert settled_first[0].recipients["costs"] is Recipient.AGENCY
    _, (st,) = services.settlements.run(agency_id, second.run_id)
    assert st.totals is not None and (st.totals.corrected, st.totals.net) == (-6000, -9630)
    history = SettlementRepository(services.repos.store).history(client.client_id)["p1"]
    assert [(c.seq, c.settlement_id) for c in history] == [
        (0, first.settlement_ids[0]),
        (1, st.settlement_id),
    ]
    assert history[0].contribution.vat_on_costs_kept is None  # the statement's own setting
    assert history[1].contribution.vat_on_costs_kept is True  # p1's first settlement's
    # handled again: the same run, nothing written twice
    assert services.settlement_runs.run_agency(agency_id, date(2026, 12, 1)) == second
    clock.at = datetime(2026, 12, 2, 5, tzinfo=UTC)
    assert services.settlement_runs.run_agency(agency_id, date(2026, 12, 2)) is None


def test_the_agencys_defaults_live_beside_its_agreements(storage_connection: str) -> None:
    """The ``~defaults`` row is accepted as a RowKey by Table Storage, read back, and no
    agreement of a client (stmt12 #5); an agreement that leaves the choice out follows it."""
    services = build_services(
        SETTINGS,
        clock=FixedClock(datetime(2026, 11, 30, 5, tzinfo=UTC)),
        store=AzureTableStore.from_connection_string(storage_connection),
        files=AzureFileStore.from_connection_string(storage_connection),
        queues=InMemoryQueueSender(),
        senders={},
    )  # creates the tables
    store: SettlementRepository = services.settlements.store
    agency_id = "az-" + uuid.uuid4().hex[:8]
    assert store.defaults(agency_id).bank_charges_by is Recipient.AGENCY
    store.save_defaults(SettlementDefaults(agency_id, Recipient.CLIENT))
    store.save_agreement(SettlementAgreement("cl-az-1", agency_id, PAYOUT_C1, "Client One BV"))
    assert store.defaults(agency_id).bank_charges_by is Recipient.CLIENT
    (agreement,) = store.agreements(agency_id)
    assert (agreement.client_id, agreement.bank_charges_by) == ("cl-az-1", None)
    assert agreement.charges_borne_by(Recipient.CLIENT) is Recipient.CLIENT
