"""restore26 F5 against one Azurite with three accounts (the tables' own, the backup account,
a new one): a client's 170.95 was received before the night's backup and paid out by the
next morning's settlement run (R20261130). The tables' account is lost; the night is restored
into the new account, which knows nothing of that run. Before the hold, the next day's run
settled the same payment again: a second pain.001 paying the client twice. Now the restore
holds every payout and collection: the settlement timer and its agency job make nothing, the
installment timer queues nothing, and the agency has one item however often they fire; the
operator's ``inning restore-hold confirm`` releases them and the run is built."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from shared import bootstrap
from shared.adapters.blobs.store import AzureFileStore
from shared.adapters.queues.storage import InMemoryQueueSender
from shared.adapters.tables.azure import AzureTableStore
from shared.bootstrap import build_services
from shared.cli.main import main
from shared.clock import FixedClock
from shared.domain.parties import Agency, Client
from shared.domain.records import ActionItem, ActionStatus
from shared.domain.scopes import agency_scope
from shared.domain.settlement.agreement import Frequency, SettlementAgreement
from shared.domain.settlement.records import RunStatus
from shared.services.container import Services
from shared.services.operations.backups import back_up
from shared.services.operations.money_hold import ITEM_KIND, MoneyHold
from shared.services.settlement.runs import TRANSFER_FILE, settlement_id_for
from shared.settings import Settings
from tests.support.backup_accounts import backing_up, three_accounts, wipe
from tests.support.payout_camt import Booked, camt053
from tests.unit.api.conftest import SETTINGS
from tests.unit.settlement.conftest import PAYOUT_C1, THIRD_PARTY, payment

pytestmark = pytest.mark.azurite
NIGHT = datetime(2026, 11, 30, 2, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def accounts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    with three_accounts(tmp_path_factory.mktemp("azurite-hold")) as accounts:
        yield accounts


@pytest.fixture
def world(accounts: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    backing_up(accounts, monkeypatch)
    yield accounts
    wipe(accounts)


def _services(conn: str, at: datetime, queues: InMemoryQueueSender | None = None) -> Services:
    return build_services(
        SETTINGS,
        clock=FixedClock(at),
        store=AzureTableStore.from_connection_string(conn),
        files=AzureFileStore.from_connection_string(conn),
        queues=queues or InMemoryQueueSender(),
        senders={},
    )


def _agency_paid_before_the_loss(conn: str) -> tuple[str, int]:
    """An agency whose client was paid 170.95 received on 27-11; backed up that night; paid
    out by the morning's run. The agency and the payout."""
    services = _services(conn, NIGHT)
    services.repos.ensure_tables()
    agency_id = "ag-" + uuid.uuid4().hex[:8]
    client = Client("cl" + uuid.uuid4().hex[:12], agency_id, "C1", "Client One")
    services.repos.agencies.save(Agency(agency_id, "Hold Incasso", THIRD_PARTY))
    services.repos.clients.save(client, new=True)
    services.settlements.store.save_agreement(SettlementAgreement(
        client.client_id, agency_id, PAYOUT_C1, "Client One BV", frequency=Frequency.DAILY,
        commission_bp=1000,
    ))  # fmt: skip
    services.repos.payments.add(payment(client.client_id, "p1", date(2026, 11, 27)))
    back_up(bootstrap.table_backup(Settings.from_env()), FixedClock(NIGHT))
    morning = _services(conn, datetime(2026, 11, 30, 5, tzinfo=UTC))
    run = morning.settlement_runs.run_agency(agency_id, date(2026, 11, 30))
    assert run is not None and run.status is RunStatus.AWAITING_APPROVAL
    assert run.transfer_file
    return agency_id, run.payout_total


def _held_items(services: Services, agency_id: str) -> list[ActionItem]:
    items, _ = services.repos.actions.list(agency_scope(agency_id), kind=ITEM_KIND)
    return items


def test_a_restore_into_a_new_account_holds_payouts_until_the_operator_confirms(
    world: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    agency_id, _ = _agency_paid_before_the_loss(world["own"])
    # the tables' account is lost: its night restored into the new one
    assert main(["restore", "--from", NIGHT.date().isoformat(),
                 "--target-connection", world["newacct"]]) == 0  # fmt: skip
    assert "HELD" in capsys.readouterr().err
    queues = InMemoryQueueSender()
    day = datetime(2026, 12, 1, 5, tzinfo=UTC)
    services = _services(world["newacct"], day, queues)
    assert services.settlement_runs.store.runs(agency_id) == []  # the morning's run is gone

    # the timer and the agency job (a message queued before, or typed) make nothing
    assert services.settlement_runs.fan_out() == 0
    assert services.settlement_runs.run_agency(agency_id, date(2026, 12, 1)) is None
    assert services.settlement_runs.run_agency(agency_id, date(2026, 12, 1)) is None
    assert services.settlement_runs.store.runs(agency_id) == []
    assert list(services.files.names("settlements")) == []  # no pain.001
    assert queues.sent == []
    # the installment timer as the host runs it: the plans' run (files, collections) not begun
    from functions.installments import installment_run

    begun: list[str] = []
    monkeypatch.setattr(bootstrap, "_services", services)

    def needing_attention(on: date) -> list[tuple[date, str, str]]:
        begun.append("fan_out")  # the plans' calendar read: the run begun
        return []

    # (the hold is the plan service's now, read once per run: plans27)
    monkeypatch.setattr(services.plans.plans, "needing_attention", needing_attention)
    installment_run(None, None)  # type: ignore[arg-type]  # the timer's arguments go unread
    assert begun == []
    # one item on the agency's list, however often the runs were stopped
    [item] = _held_items(services, agency_id)
    assert item.status is ActionStatus.OPEN
    assert NIGHT.date().isoformat() in item.title

    # the operator reconciled with the bank; the app's storage is the new account now
    monkeypatch.setenv("AzureWebJobsStorage", world["newacct"])
    assert main(["restore-hold", "confirm", "--by", ""]) == 2  # who, and what was checked
    assert main(["restore-hold", "confirm", "--by", "ops-anna",
                 "--note", "ING statements 30-11..01-12: R20261130 paid, booked"]) == 0  # fmt: skip
    assert main(["restore-hold", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert shown["held"] is False and shown["confirmed_by"] == "ops-anna"
    [item] = _held_items(services, agency_id)
    assert item.status is ActionStatus.RESOLVED
    assert MoneyHold.of(services.repos, services.clock).stops("settlement_run") is False

    installment_run(None, None)  # type: ignore[arg-type]
    assert begun == ["fan_out"]
    run = services.settlement_runs.run_agency(agency_id, date(2026, 12, 1))
    assert run is not None and run.status is RunStatus.AWAITING_APPROVAL


def test_a_restore_of_the_people_alone_holds_nothing(
    world: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    agency_id, _ = _agency_paid_before_the_loss(world["own"])
    assert main(["restore", "--from", NIGHT.date().isoformat(), "--set", "people"]) == 0
    assert "HELD" not in capsys.readouterr().err
    services = _services(world["own"], datetime(2026, 12, 1, 5, tzinfo=UTC))
    assert MoneyHold.of(services.repos, services.clock).current() is None
    [client] = services.repos.clients.list_for_agency(agency_id)[0]
    services.repos.payments.add(payment(client.client_id, "p2", date(2026, 11, 30)))
    run = services.settlement_runs.run_agency(agency_id, date(2026, 12, 1))
    assert run is not None


def test_a_payout_the_bank_made_after_the_night_is_recorded_and_not_paid_again(
    world: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """restore26 F3: R20261130 paid the client 107.72 at the bank after the night restored.
    Before, nothing could record it: after the confirm the next run paid the same 107.72 again
    (a second transfer, 215.44 to the client for 170.95 received). The operator records the
    transfer off the bank's statement while the hold stands; the next run settles p1 once and
    transfers only what came in since (p2's 107.72)."""
    agency_id, paid = _agency_paid_before_the_loss(world["own"])
    assert paid == 10772
    assert main(["restore", "--from", NIGHT.date().isoformat(),
                 "--target-connection", world["newacct"]]) == 0  # fmt: skip
    monkeypatch.setenv("AzureWebJobsStorage", world["newacct"])
    services = _services(world["newacct"], datetime(2026, 12, 1, 5, tzinfo=UTC))
    [client] = services.repos.clients.list_for_agency(agency_id)[0]
    e2e = settlement_id_for("R20261130", client.client_id)
    capsys.readouterr()
    # a typo records nothing: an id no client has, or an amount that is not one
    assert main(["restore-hold", "paid", "--agency", agency_id, "--by", "ops-anna",
                 "--paid", f"{e2e}=107.72", "--paid", "R20261130-nobody=1.00"]) == 2  # fmt: skip
    assert main(["restore-hold", "paid", "--agency", agency_id, "--by", "ops-anna",
                 "--paid", f"{e2e}=107,7x"]) == 2  # fmt: skip
    assert services.settlements.store.balance(agency_id, client.client_id)[0].carried == 0
    for _ in range(2):  # typed again: recorded once
        assert main(["restore-hold", "paid", "--agency", agency_id, "--by", "ops-anna",
                     "--paid", f"{e2e}=107.72"]) == 0  # fmt: skip
    assert "recorded before, unchanged" in capsys.readouterr().out
    assert services.settlements.store.balance(agency_id, client.client_id)[0].carried == -10772
    assert main(["restore-hold", "confirm", "--by", "ops-anna",
                 "--note", "ING 30-11: R20261130 paid 107.72, recorded"]) == 0  # fmt: skip
    # recorded after the confirm: refused, a run may have paid it already
    assert main(["restore-hold", "paid", "--agency", agency_id, "--by", "ops-anna",
                 "--paid", f"{e2e}=107.72"]) == 2  # fmt: skip
    services.repos.payments.add(payment(client.client_id, "p2", date(2026, 11, 30)))
    run = services.settlement_runs.run_agency(agency_id, date(2026, 12, 1))
    assert run is not None
    assert (run.transfer_count, run.payout_total) == (1, 10772), "p1's 107.72 paid out again"
    [settled] = services.settlements.store.settlements_of_run(agency_id, run.run_id)
    assert settled.totals is not None and settled.totals.carried_in == -10772
    assert services.settlements.store.balance(agency_id, client.client_id)[0].carried == 0


def test_the_payouts_are_read_from_the_runs_pain001_and_the_camt053_dry_run_first(
    world: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    """ops28: the operator gives the run's pain.001 (downloaded by the agency before the loss)
    and the payout account's camt.053 since the night, instead of typing 35-character ids.
    The first call only shows what it would record; ``--record`` records it, once; a debit
    of a run the restored tables hold (R20261129) and the bank's fee are left out with why."""
    agency_id, paid = _agency_paid_before_the_loss(world["own"])
    before_loss = _services(world["own"], datetime(2026, 11, 30, 6, tzinfo=UTC))
    [run] = before_loss.settlements.store.runs(agency_id)
    pain, _ = before_loss.settlements.file(agency_id, run.run_id, TRANSFER_FILE)
    assert main(["restore", "--from", NIGHT.date().isoformat(),
                 "--target-connection", world["newacct"]]) == 0  # fmt: skip
    monkeypatch.setenv("AzureWebJobsStorage", world["newacct"])
    services = _services(world["newacct"], datetime(2026, 12, 1, 5, tzinfo=UTC))
    [client] = services.repos.clients.list_for_agency(agency_id)[0]
    e2e = settlement_id_for("R20261130", client.client_id)
    older = settlement_id_for("R20261129", client.client_id)
    (tmp_path / "run.xml").write_bytes(pain)
    (tmp_path / "camt.xml").write_bytes(camt053(THIRD_PARTY, [
        Booked(older, "12.00", day="2026-11-29"), Booked(e2e, "107.72"),
        Booked("NOTPROVIDED", "2.50"),
    ]))  # fmt: skip
    given = ["restore-hold", "paid", "--agency", agency_id, "--by", "ops-anna",
             "--pain", str(tmp_path / "run.xml"), "--camt", str(tmp_path / "camt.xml")]  # fmt: skip
    capsys.readouterr()
    assert main(given) == 0  # a dry run: shown, nothing written
    shown = capsys.readouterr()
    assert f"{e2e}\t€ 107,72\tclient {client.client_id}\twould be recorded" in shown.out
    assert f"{older}\tleft out: debited in the camt.053, not in this pain.001" in shown.out
    assert "DRY RUN: nothing recorded; 1 payout(s), € 107,72" in shown.err
    assert services.settlements.store.balance(agency_id, client.client_id)[0].carried == 0
    for _ in range(2):  # recorded once, however often it runs
        assert main([*given, "--record"]) == 0
    assert "recorded before, unchanged" in capsys.readouterr().out
    assert services.settlements.store.balance(agency_id, client.client_id)[0].carried == -paid
    # the camt.053 alone: the older run is in the restored tables, left out with why
    assert main(["restore-hold", "paid", "--agency", agency_id, "--by", "ops-anna",
                 "--camt", str(tmp_path / "camt.xml")]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert f"{older}\tleft out: run R20261129 was made before the night restored" in out
    assert f"{e2e}\t€ 107,72\tclient {client.client_id}\trecorded before, unchanged" in out
    assert main(["restore-hold", "confirm", "--by", "ops-anna",
                 "--note", "camt 30-11: R20261130 paid 107.72, recorded"]) == 0  # fmt: skip
    services.repos.payments.add(payment(client.client_id, "p2", date(2026, 11, 30)))
    after = services.settlement_runs.run_agency(agency_id, date(2026, 12, 1))
    assert after is not None
    assert (after.transfer_count, after.payout_total) == (1, 10772), "p1's 107.72 paid again"
