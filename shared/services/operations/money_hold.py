"""The money hold after a restore (restore26 F5): nothing is paid out or collected until an
operator has reconciled the restored tables with the bank.

A restore gives back the tables of one night. What left the bank since (a settlement run's
pain.001, a direct-debit file, a Mollie plan collection) is unknown to a new account's tables,
and a run under another date settles the same payments again: the next ``settlement_run``
would pay the clients a second time, the next ``installment_run`` collect an installment
again. So ``inning restore`` of the ledger writes one marker row (the night restored, when,
by whom) and, while it stands unconfirmed, every money-moving entry point stops before it
writes anything: the settlement timer and its per-agency job (statements and SEPA transfer
file), the installment timer and its per-plan job (direct-debit files, Mollie collections).
Each stop is logged as an error (``restore_hold``, the alert's event) and puts one
``restore_hold`` item on every agency's action list, once per restore. ``inning restore-hold
confirm --by NAME --note TEXT`` ends it, after the operator has matched the bank's statements
since that night against the restored settlement runs (docs/operations.md, section 7); the
marker stays, confirmed, as the record of who released the money and why.

The marker lives in the ``Actions`` table under a partition no client or agency can have
(``~`` is encoded in every id's key), so the restore that clears the action list (Actions
stands alone and is restored with everything) is followed by its own marker, and no new table
is needed. A later restore writes a new marker: held again."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from shared.adapters.tables.schema import ACTIONS
from shared.clock import Clock
from shared.domain.records import ActionItem
from shared.domain.scopes import agency_scope
from shared.ports.tables import PreconditionFailed, Row, TableStore
from shared.services.errors import ConflictingUpdate
from shared.telemetry import metrics
from shared.telemetry.context import log_extra

log = logging.getLogger("inning.operations")

HOLD_TABLE = ACTIONS
HOLD_PK = "~operations"
HOLD_RK = "restore-hold"
ITEM_KIND = "restore_hold"

__all__ = ["HOLD_PK", "HOLD_RK", "HOLD_TABLE", "Hold", "MoneyHeld", "MoneyHold", "hold_entity"]


class MoneyHeld(ConflictingUpdate):
    """A money-moving run or request refused while a restore's hold stands: the API's 409
    ``restore_hold`` (the same request after the confirm does it; people27 F6)."""

    def __init__(self, message: str, restored_from: str) -> None:
        super().__init__(message, code="restore_hold", params={"restored_from": restored_from})


@dataclass(frozen=True)
class Hold:
    hold_id: str  # the restore's: one item per agency per restore
    restored_from: str  # the night (or take) restored
    restored_at: datetime
    restored_by: str
    confirmed_at: datetime | None = None
    confirmed_by: str | None = None
    note: str | None = None

    @property
    def active(self) -> bool:
        return self.confirmed_at is None


def hold_entity(restored_from: str, at: datetime, by: str) -> dict[str, Any]:
    """The marker a restore writes (replacing a confirmed or older one: held again)."""
    return {
        "PartitionKey": HOLD_PK,
        "RowKey": HOLD_RK,
        "HoldId": f"{restored_from}-{at.astimezone(UTC):%Y%m%dT%H%M%SZ}",
        "RestoredFrom": restored_from,
        "RestoredAt": at,
        "RestoredBy": by,
    }


def _hold_of(row: Row) -> Hold:
    data = row.data
    return Hold(
        hold_id=str(data["HoldId"]),
        restored_from=str(data["RestoredFrom"]),
        restored_at=data["RestoredAt"],
        restored_by=str(data.get("RestoredBy") or ""),
        confirmed_at=data.get("ConfirmedAt"),
        confirmed_by=data.get("ConfirmedBy"),
        note=data.get("Note"),
    )


class MoneyHold:
    def __init__(self, store: TableStore, agency_ids: Any, actions: Any, clock: Clock) -> None:
        """``agency_ids``: every agency's id (called when a hold stops a run, to tell them);
        ``actions``: the action repository (``add_once``, ``resolve_if_open``)."""
        self.store = store
        self.agency_ids = agency_ids
        self.actions = actions
        self.clock = clock

    @classmethod
    def of(cls, repos: Any, clock: Clock) -> MoneyHold:
        """The hold over the app's own tables (``repos``: the services' repositories)."""
        return cls(repos.store, repos.agencies.ids, repos.actions, clock)

    def current(self) -> Hold | None:
        """The restore's marker (confirmed or not); None: no restore since this was built."""
        row = self.store.get(HOLD_TABLE, HOLD_PK, HOLD_RK)
        return _hold_of(row) if row is not None else None

    def stops(self, what: str) -> bool:
        """True when a restore's hold stands: ``what`` (a run's name) must not move money.
        Said once per restore on every agency's action list, and logged each time."""
        return self._held(what, self.current()) is not None

    def _held(self, what: str, hold: Hold | None) -> Hold | None:
        """``hold`` when it stands (told and logged as :meth:`stops` says), else None."""
        if hold is None or not hold.active:
            return None
        metrics.count("inning.restore.money_held", 1)
        log.error("restore_hold: %s held: the backup of %s was restored at %s by %s and no "
                  "operator has confirmed the bank reconciled (inning restore-hold confirm)",
                  what, hold.restored_from, hold.restored_at.isoformat(), hold.restored_by,
                  extra=log_extra({"held": what, "restored_from": hold.restored_from}))  # fmt: skip
        added = [self.actions.add_once(self._item(a, hold)) for a in self.agency_ids()]
        if any(added):  # a confirm between our read and our items resolved none of them
            again = self.current()  # (failure27 F2: the new item stayed open for good)
            if again is not None and again.hold_id == hold.hold_id and not again.active:
                self._resolve_items(
                    again, str(again.confirmed_by), str(again.note), self.clock.now()
                )
        return hold

    def refuse(self, what: str) -> None:
        """Raise :class:`MoneyHeld` while a hold stands (for a command an operator typed, a
        staff request that would make a payment now)."""
        hold = self._held(what, self.current())
        if hold is not None:
            raise MoneyHeld(
                f"{what} is held since the restore of a backup: reconcile with the bank, then "
                "`inning restore-hold confirm` (docs/operations.md, section 7)",
                hold.restored_from,
            )

    def _resolve_items(self, hold: Hold, by: str, note: str, now: datetime) -> None:
        for agency_id in self.agency_ids():
            self.actions.resolve_if_open(
                agency_scope(agency_id), f"restore-hold-{hold.hold_id}",
                f"released by {by}: {note}", now,
            )  # fmt: skip

    def _item(self, agency_id: str, hold: Hold) -> ActionItem:
        return ActionItem(
            agency_scope(agency_id),
            f"restore-hold-{hold.hold_id}",
            ITEM_KIND,
            "Payouts and collections held after a restore of the "
            f"{hold.restored_from} backup, until the operator has reconciled with the bank",
            self.clock.now(),
            detail={
                "restored_from": hold.restored_from,
                "restored_by": hold.restored_by,
                "restored_at": hold.restored_at.isoformat(),
            },
        )

    def confirm(self, by: str, note: str) -> Hold:
        """End the hold: the operator ``by`` reconciled the bank since the restored night
        (``note``: how). The agencies' items are resolved; confirming twice keeps the first."""
        if not by.strip() or not note.strip():
            raise ValueError("confirm needs --by (who reconciled) and --note (what was checked)")
        row = self.store.get(HOLD_TABLE, HOLD_PK, HOLD_RK)
        if row is None:
            raise ValueError("no restore hold: nothing to confirm")
        hold = _hold_of(row)
        if not hold.active:
            # confirmed before, perhaps cut off before its items were resolved (failure27
            # F1: they stayed open for good while money moved again): resolve them now, in
            # the first confirmation's words (resolving is idempotent)
            self._resolve_items(hold, str(hold.confirmed_by), str(hold.note), self.clock.now())
            return hold
        now = self.clock.now()
        data = {**row.data, "ConfirmedAt": now, "ConfirmedBy": by.strip(), "Note": note.strip()}
        try:  # a restore meanwhile wrote a new marker: that one is not what was reconciled
            self.store.replace(HOLD_TABLE, Row(HOLD_PK, HOLD_RK, data, row.etag))
        except PreconditionFailed:
            raise ValueError("the hold changed meanwhile (another restore?): look again") from None
        self._resolve_items(hold, by.strip(), note.strip(), now)
        log.warning("restore_hold released by %s (backup of %s): %s", by, hold.restored_from,
                    note, extra=log_extra({"restored_from": hold.restored_from}))  # fmt: skip
        return _hold_of(Row(HOLD_PK, HOLD_RK, data))
