"""Payouts the bank made after the night a restore gave back (restore26 F3, ops27 F1).

A settlement run's pain.001 executed at the bank after the restored night is unknown to the
restored tables: its payments are unsettled again, and the first run after ``inning
restore-hold confirm`` pays them out a second time. The operator finds those transfers in the
bank's statements (their end-to-end ids are ``R<date>-<client>``, :func:`settlement_id_for`)
and records each with ``inning restore-hold paid``, while the hold stands: the amount is taken
off the client's next payout, as a negative net carried forward is (the settlement's
``carried_in``). The next statement then settles every payment once, charges its commission
once, and transfers only what the bank has not paid yet; a payout recorded that the restored
tables cannot cover yet (payments booked after the backup, not imported again) leaves the
client owing, and the run says so, until those statements are imported.

Recorded once per end-to-end id: the record row and the client's balance are written in one
transaction (same table and partition), so a command repeated or cut off deducts once."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

from shared.adapters.tables.keys import encode
from shared.adapters.tables.settlement_repo import BALANCES, SettlementRepository
from shared.clock import Clock
from shared.domain.money import Cents, format_eur_nl
from shared.ports.tables import Conflict, Op, OpKind, PreconditionFailed, Row, TransactionFailed
from shared.services.operations.money_hold import MoneyHold
from shared.services.settlement.runs import run_of, settlement_id_for
from shared.telemetry.context import log_extra

log = logging.getLogger("inning.operations")

RECORD_PREFIX = "~paid~"  # never an encoded client id: "~" is escaped in every key
RETRIES = 5

__all__ = ["PaidAfterRestore", "RecordedPayout", "record_paid", "record_read"]


@dataclass(frozen=True)
class RecordedPayout:
    end_to_end_id: str
    client_id: str
    amount: Cents
    carried_after: Cents  # the client's balance after: taken off its next payout
    new: bool  # False: recorded before (the command ran again), nothing deducted now


class PaidAfterRestore(ValueError):
    """A payout that cannot be recorded (no hold, unknown id, its run still in the tables)."""


def record_paid(
    hold: MoneyHold,
    settlements: SettlementRepository,
    clock: Clock,
    agency_id: str,
    paid: Mapping[str, Cents],
    by: str,
    *,
    dry_run: bool = False,
) -> list[RecordedPayout]:
    """Record the transfers ``paid`` (end-to-end id to the amount the bank debited) of the
    agency's settlement runs made after the restored night. Every id is checked before any is
    recorded: a typo records nothing. ``dry_run``: what would be recorded, nothing written."""
    found, _ = _checked(hold, settlements, agency_id, paid, by, strict=True)
    return _recorded(settlements, clock, agency_id, found, by, hold, dry_run)


def record_read(
    hold: MoneyHold,
    settlements: SettlementRepository,
    clock: Clock,
    agency_id: str,
    paid: Mapping[str, Cents],
    by: str,
    *,
    dry_run: bool,
) -> tuple[list[RecordedPayout], dict[str, str]]:
    """The same for payouts read from files (ops28, :mod:`shared.services.operations.
    payouts_read`): a file covers more than the runs to record (a camt.053 of days the
    restored tables hold, another agency's run), so an id that cannot be recorded is left
    out with why (end-to-end id -> reason) instead of refusing the rest."""
    found, left = _checked(hold, settlements, agency_id, paid, by, strict=False)
    return _recorded(settlements, clock, agency_id, found, by, hold, dry_run), left


def _recorded(
    settlements: SettlementRepository,
    clock: Clock,
    agency_id: str,
    found: list[tuple[str, str, Cents]],
    by: str,
    hold: MoneyHold,
    dry_run: bool,
) -> list[RecordedPayout]:
    held = hold.current()
    assert held is not None  # checked
    if dry_run:
        return _preview(settlements, agency_id, found)
    return [_record(settlements, clock, agency_id, e2e, client, amount, by, held.hold_id)
            for e2e, client, amount in found]  # fmt: skip


def _preview(
    settlements: SettlementRepository, agency_id: str, found: list[tuple[str, str, Cents]]
) -> list[RecordedPayout]:
    """What recording ``found`` would do, read only: a payout recorded before stays as it is
    (one of another amount is refused, as the recording would)."""
    store, pk = settlements.store, encode(agency_id)
    after: dict[str, Cents] = {}
    shown: list[RecordedPayout] = []
    for e2e, client_id, amount in found:
        if client_id not in after:
            after[client_id] = settlements.balance(agency_id, client_id)[0].carried
        before = store.get(BALANCES, pk, RECORD_PREFIX + encode(e2e))
        if before is not None:
            _same(before, e2e, client_id, amount)
            shown.append(RecordedPayout(e2e, client_id, amount, after[client_id], new=False))
            continue
        after[client_id] -= amount
        shown.append(RecordedPayout(e2e, client_id, amount, after[client_id], new=True))
    return shown


def _same(before: Row, e2e: str, client_id: str, amount: Cents) -> None:
    if int(before.data["Amount"]) != amount or before.data["ClientId"] != client_id:
        raise PaidAfterRestore(
            f"{e2e} was recorded before as {format_eur_nl(int(before.data['Amount']))}"
            f", not {format_eur_nl(amount)}"
        )


def _checked(
    hold: MoneyHold,
    settlements: SettlementRepository,
    agency_id: str,
    paid: Mapping[str, Cents],
    by: str,
    *,
    strict: bool,
) -> tuple[list[tuple[str, str, Cents]], dict[str, str]]:
    """The payouts that may be recorded (id, client, amount); with ``strict`` the first that
    may not raises, else each is left out with why."""
    held = hold.current()
    if held is None or not held.active:
        raise PaidAfterRestore(
            "no restore hold stands: payouts are recorded while it holds, before any run after "
            "the restore could pay them again"
        )
    if not by.strip():
        raise PaidAfterRestore("--by: who read the transfers off the bank's statements")
    clients = {
        a.client_id for a in settlements.agreements(agency_id)
    }  # the ids a run of this agency can pay
    found: list[tuple[str, str, Cents]] = []
    left: dict[str, str] = {}
    for e2e, amount in sorted(paid.items()):
        try:
            client = _client_of(settlements, agency_id, clients, held.restored_from, e2e, amount)
        except PaidAfterRestore as exc:
            if strict:
                raise
            left[e2e] = str(exc).removeprefix(f"{e2e}: ")
            continue
        found.append((e2e, client, amount))
    return found, left


def _client_of(
    settlements: SettlementRepository,
    agency_id: str,
    clients: set[str],
    restored_from: str,
    e2e: str,
    amount: Cents,
) -> str:
    run_id = run_of(e2e) or ""
    if amount <= 0:
        raise PaidAfterRestore(f"{e2e}: the amount paid must be more than 0")
    if not re.fullmatch(r"R\d{8}", run_id):
        raise PaidAfterRestore(f"{e2e}: not a settlement's end-to-end id (R<date>-<client>)")
    try:
        run_on = date(int(run_id[1:5]), int(run_id[5:7]), int(run_id[7:9]))
    except ValueError:
        raise PaidAfterRestore(f"{e2e}: {run_id} is not a run date") from None
    if run_on.isoformat() < restored_from[:10]:
        raise PaidAfterRestore(
            f"{e2e}: run {run_id} was made before the night restored ({restored_from}):"
            " the restored tables hold it"
        )
    if settlements.run(agency_id, run_id) is not None:
        raise PaidAfterRestore(
            f"{e2e}: run {run_id} is in the tables (kept by the restore): it is settled "
            "there already, recording it would take it off the client's payout twice"
        )
    client = next((c for c in clients if settlement_id_for(run_id, c) == e2e), None)
    if client is None:
        raise PaidAfterRestore(f"{e2e}: no client of agency {agency_id} has this id")
    return client


def _record(
    settlements: SettlementRepository,
    clock: Clock,
    agency_id: str,
    e2e: str,
    client_id: str,
    amount: Cents,
    by: str,
    hold_id: str,
) -> RecordedPayout:
    store, pk = settlements.store, encode(agency_id)
    rk = RECORD_PREFIX + encode(e2e)
    for _ in range(RETRIES):
        before = store.get(BALANCES, pk, rk)
        if before is not None:
            _same(before, e2e, client_id, amount)
            balance, _ = settlements.balance(agency_id, client_id)
            return RecordedPayout(e2e, client_id, amount, balance.carried, new=False)
        balance, etag = settlements.balance(agency_id, client_id)
        moved = replace(balance, carried=balance.carried - amount)
        balance_row = Row(pk, encode(client_id), {
            "Carried": moved.carried, "LastPeriod": moved.last_period,
            "LastSettlementId": moved.last_settlement_id,
        }, etag)  # fmt: skip
        record = Row(pk, rk, {
            "ClientId": client_id, "EndToEndId": e2e, "Amount": amount, "RecordedBy": by.strip(),
            "RecordedAt": clock.now(), "HoldId": hold_id,
        })  # fmt: skip
        ops = [Op(OpKind.INSERT, record),
               Op(OpKind.INSERT if etag is None else OpKind.REPLACE, balance_row)]  # fmt: skip
        try:
            store.transact(BALANCES, ops)
        except TransactionFailed as failed:
            if isinstance(failed.cause, Conflict | PreconditionFailed):
                continue  # recorded meanwhile, or the balance moved: read again
            raise
        log.warning("restore_hold: payout %s of %s to client %s recorded as paid by the bank "
                    "after the restored night, by %s", e2e, format_eur_nl(amount), client_id, by,
                    extra=log_extra({"end_to_end_id": e2e, "client_id": client_id}))  # fmt: skip
        return RecordedPayout(e2e, client_id, amount, moved.carried, new=True)
    raise PaidAfterRestore(f"{e2e}: the client's balance keeps changing; try again")
