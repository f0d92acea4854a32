"""The daily backup (timer ``backup_tables``, ``BACKUP_SCHEDULE``, resumed by
``resume_backup``) and ``inning restore``.

Table Storage holds the ledger and has no backup of its own (no point-in-time restore for
tables), so every night every table is exported to the ``backups`` container under the UTC
date (shared/adapters/tables/backup.py). The container has soft delete (30 days) and the
account a CanNotDelete lock in production. Restoring is deliberate work for an operator:
docs/operations.md, "Restore a backup".

- A run has a time budget below the Functions timeout; what it did not reach is exported by
  the next ``resume_backup`` of the same night, which skips the tables already written.
- After a complete backup, days older than ``INNING_BACKUP_RETENTION_DAYS`` (35) are deleted:
  every night copies names, addresses and IBANs, and nothing keeps personal data for ever.
  On the backup account (``INNING_BACKUP_STORAGE``, another region, versions immutable) the
  app may not delete: its lifecycle rule does; the app still prunes the old same-account
  ``backups`` container (``legacy``), kept readable for restores of the backups made there.
- A restore takes whole consistency sets (:data:`RESTORE_SETS`) only: restoring Invoices
  without Payments and Ledger left a paid invoice open while its payment still allocated
  money to it (ops6 #3).
- A restore never rolls back money that left: the settlement runs, their statements, claims
  and balances, and the direct-debit and Mollie collections asked of a bank since the backup
  (:data:`NEVER_ROLLED_BACK`) stay as they are; the backup only gives back rows they lack.
  Rolled back, the morning's run was forgotten and the next one paid the same 107.72 out
  again under new end-to-end ids (failure16 R1).
- A restore never gives back access ended since the backup (review27 F3): a key revoked,
  a client or a person deactivated, a role lowered, sessions ended or a factor reset stay so
  (shared/services/operations/access_kept_ended.py).
- A restore of the ledger holds every payout and collection until an operator confirms that
  the bank's records since the night were reconciled (shared/services/operations/
  money_hold.py): into a new account the runs since are gone with the old one (restore26 F5)."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from shared.adapters.tables.backup import BACKUP_CONTAINER, BackupError, TableBackup, TableCount
from shared.adapters.tables.keys import decode
from shared.adapters.tables.people_repo import USERS
from shared.adapters.tables.schema import API_KEYS, CLIENTS
from shared.adapters.tables.settlement_repayments_repo import REPAYMENTS
from shared.adapters.tables.settlement_repo import BALANCES, RUNS, SETTLED_PAYMENTS, SETTLEMENTS
from shared.clock import Clock
from shared.services.mollie_reconcile import MOLLIE_PAYMENTS, PAYMENT_RECORD, WATCHED, watch_key
from shared.services.operations.access_kept_ended import keep_ended
from shared.services.operations.money_hold import HOLD_TABLE, hold_entity
from shared.services.plans.direct_debit import COLLECTIONS as SDD_COLLECTIONS
from shared.services.plans.direct_debit import PENDING as SDD_PENDING
from shared.services.plans.mollie_collection import COLLECTIONS as MOLLIE_PLAN_COLLECTIONS
from shared.telemetry import metrics
from shared.telemetry.context import log_extra

log = logging.getLogger("inning.operations")

__all__ = [
    "BACKUP_CONTAINER", "NEVER_ROLLED_BACK", "RESTORE_SETS", "KeptSince", "back_up",
    "holds_money", "kept_since", "restore", "resume",
]  # fmt: skip

# the Functions timeout is 10 minutes (host.json); a table started just before the budget
# ends has the rest of it
TIMER_BUDGET_SECONDS = 6 * 60
# host.json's functionTimeout: no run of a timer lives longer. resume_backup fires in the same
# second as backup_tables (02:30 UTC) and overlapped it: two exports of one night overwrote
# each other's tables and one's manifest counted the other's rows, so the night's backup,
# taken for complete, was refused at restore (ops24 F7). It goes on only with a backup whose
# run has ended, i.e. begun at least this long ago.
RUN_LIMIT = timedelta(minutes=10)
DEFAULT_RETENTION_DAYS = 35

# Tables that refer to each other's rows: restored together or not at all. A table in no set
# stands alone (a cache, a throttle, a log of its own). tests/unit/operations/test_backups.py
# makes every table of infra/app/storage.bicep choose.
RESTORE_SETS: dict[str, frozenset[str]] = {
    # what a debtor owes and paid: claims, payments, their ledger, every index and figure kept
    # with them, the dunning and plan state built on them, and what was settled from them
    "ledger": frozenset({
        "Debtors", "DebtorEmails", "Invoices", "Payments", "Ledger", "MatchIndex",
        "PaymentRefs", "LineClaims", "LearnedIbans", "AccountBalances", "StatementFiles", "StatementLines",
        "StatementReports", "PortfolioFigures", "PaymentsByDay", "ConsoleSearch",
        "MolliePayments", "MolliePlanCollections", "Cases", "ContactLog",
        "DunningSchedule", "DunningRuns", "ClientRuns", "Outbox", "OutboxRefs",
        "PaymentPlans", "PlanCalendar", "PlanInvoices", "PlanReferences", "PlanRules",
        "PlanTimeline", "SddCollections", "SddPending", "ClientSettlements", "SettledPayments",
        "SettlementBalances", "SettlementRuns", "SettlementRepayments", "ManagedInvoices",
        "Usage", "PortalAccess", "PortalReturns", "RatesRestated",
    }),
    # who is who: agencies, clients and the keys and links that name them
    "parties": frozenset({
        "Agencies", "Clients", "ClientNumbers", "ApiKeys", "AccountOwners", "LinkedAccounts",
        "SettlementAgreements",
    }),
    # people, their sign-in and sessions
    "people": frozenset({
        "AgencyDefaults", "Broadcasts", "Dismissals", "LinkTokens", "PeopleAudit",
        "PeopleCounters", "SignInFailures", "Signups", "SmsChallenges", "TenantUsers",
        "UserEmails", "Users",
    }),
    # debtors' mail and messages, with the marks that they were handled
    "inbound": frozenset({
        "InboundMail", "InboundMailboxes", "InboundMailSeen", "Conversations",
        "WhatsappContacts",
    }),
    # how each client duns
    "dunning-setup": frozenset({"DunningTemplates", "Workflows", "SegmentRules"}),
}  # fmt: skip
STANDALONE = frozenset({
    "Actions", "QueueFailures", "MailboxPace", "PortalThrottle", "ConsoleJobs",
})  # fmt: skip
# A provider's memory, not Inning's: the payment simulation stands in for Mollie's own
# records. Restoring it with the ledger made the simulated Mollie forget what debtors paid
# since the backup, so the payments the restore watches again were reported missing
# (newcomer11 #3); Mollie's records are never rolled back by a restore of ours either.
# Who is signed in now is not a record either: the night's sessions would give back a session
# signed out since (up to 12 hours of a cookie the person believed dead, sec28 F4). Today's
# rows stay; a table lost signs everyone out, and a session of a person the restore removes
# dies at its next request (its user is not found).
NEVER_RESTORED_WHY = {
    "SimulatedPayments": "holds a payment provider's records (the simulation's), which a "
    "restore of Inning's tables never rolls back",
    "Sessions": "holds who is signed in now, which a restore never rolls back (a session "
    "signed out since would come back)",
    "UserSessions": "holds who is signed in now, which a restore never rolls back (a session "
    "signed out since would come back)",
}
NEVER_RESTORED = frozenset(NEVER_RESTORED_WHY)
# Money that left, or that a bank or Mollie was asked to collect: a fact of the outside world
# that no restore of ours undoes. Restored with the ledger set, these tables only get back the
# rows they lack (a table lost is whole again); every row they hold stays: a settlement run
# since the backup, its statements, the claims that mark its payments settled and the
# clients' balances it moved (a rolled-back claim is paid out again, a rolled-back balance
# sets a negative net off twice); a direct-debit collection filed since and the file still to
# build for it (filed again under another date, it would be collected twice); a Mollie plan
# collection started since (its idempotency key finds the payment instead of charging again).
NEVER_ROLLED_BACK = frozenset({
    RUNS, SETTLEMENTS, SETTLED_PAYMENTS, BALANCES, REPAYMENTS,
    SDD_COLLECTIONS, SDD_PENDING, MOLLIE_PLAN_COLLECTIONS,
})  # fmt: skip


@dataclass(frozen=True)
class BackupRun:
    day: str
    counts: list[TableCount]
    complete: bool
    pruned: list[str]


def back_up(
    backup: TableBackup,
    clock: Clock,
    *,
    budget_seconds: float | None = None,
    retention_days: int = DEFAULT_RETENTION_DAYS,
    legacy: TableBackup | None = None,
) -> BackupRun:
    """Export (or go on exporting) today's backup; once complete, delete expired days (of
    ``legacy`` too: the same account's container, written to before the backup account)."""
    now = clock.now()
    try:  # nights failing for days: the last good one must not age away meanwhile (ops27 F2)
        kept = backup.keep_newest(now)
        if kept is not None:
            log.warning("backup %s kept (read again): no night completed since", kept,
                        extra=log_extra({"backup_date": kept}))  # fmt: skip
    except Exception:  # the night's own export comes first; the alert says why it failed
        log.exception("backup: the newest complete night could not be kept")
    day = backup.export_day(now.date().isoformat(), now)
    counts = backup.export(day, now, budget_seconds=budget_seconds)
    if counts is None:
        log.warning("backup %s: stopped at its time budget; resume_backup goes on", day,
                    extra=log_extra({"backup_date": day}))  # fmt: skip
        return BackupRun(day, [], False, [])
    total = sum(c.entities for c in counts)
    metrics.count("inning.backup.entities", total)
    log.info("backup %s: %d tables, %d entities", day, len(counts), total,
             extra=log_extra({"backup_date": day, "tables": len(counts), "entities": total}))  # fmt: skip
    pruned: list[str] = []
    if retention_days > 0:
        for target in (backup, legacy) if legacy is not None else (backup,):
            pruned += target.prune(now.date(), retention_days)
    if pruned:
        log.info("backups older than %d days deleted: %s", retention_days, ", ".join(pruned),
                 extra=log_extra({"backup_date": day, "pruned": len(pruned)}))  # fmt: skip
    return BackupRun(day, counts, True, pruned)


def resume(
    backup: TableBackup,
    clock: Clock,
    *,
    budget_seconds: float | None = None,
    retention_days: int = DEFAULT_RETENTION_DAYS,
    run_limit: timedelta = RUN_LIMIT,
    legacy: TableBackup | None = None,
) -> BackupRun | None:
    """Go on with today's backup when a run started it and did not finish; None otherwise
    (nothing started today: that is the nightly timer's, not this one's, to begin; or begun
    less than ``run_limit`` ago: the run that began it may still be working)."""
    now = clock.now()
    day = now.date().isoformat()
    if day not in backup.started_days() or backup.complete(day):
        return None
    started = backup.started_at(day)
    if started is not None and now - started < run_limit:
        log.info("backup %s: begun at %s, its run may still be working; a later resume goes on",
                 day, started.isoformat(), extra=log_extra({"backup_date": day}))  # fmt: skip
        return None
    return back_up(
        backup, clock, budget_seconds=budget_seconds, retention_days=retention_days, legacy=legacy
    )


def restore_set(tables: Iterable[str], sets: Iterable[str] = ()) -> list[str]:
    """The tables to restore for ``--table``/``--set``: named sets expanded; a table that
    belongs to a set is refused unless its whole set is named. Empty: every table."""
    wanted = set(tables)
    if wanted & NEVER_RESTORED:
        table = sorted(wanted & NEVER_RESTORED)[0]
        raise BackupError(f"{table} {NEVER_RESTORED_WHY[table]}")
    for name in sets:
        if name not in RESTORE_SETS:
            raise BackupError(f"no restore set {name!r} (sets: {', '.join(sorted(RESTORE_SETS))})")
        wanted |= RESTORE_SETS[name]
    for name, members in sorted(RESTORE_SETS.items()):
        if wanted & members and not members <= wanted:
            missing = ", ".join(sorted(members - wanted))
            raise BackupError(
                f"{', '.join(sorted(wanted & members))} belong to the {name!r} set, restored "
                f"whole or not at all (a part would contradict the rest): add --set {name} "
                f"(missing: {missing})"
            )
    return sorted(wanted)


def holds_money(only: Iterable[str]) -> bool:
    """Whether a restore of ``only`` (:func:`restore_set`'s; empty: every table) holds the
    payouts and collections: it gives back the ledger, the settlement runs among it."""
    wanted = set(only)
    return not wanted or bool(RESTORE_SETS["ledger"] & wanted)


def _started_since(pk: str, rk: str) -> bool:
    """A Mollie payment Inning started after the backup (its record), or a watch on one:
    kept by a restore, so that the money a debtor paid since is still asked of Mollie."""
    return rk == PAYMENT_RECORD or pk == WATCHED


def restore(
    backup: TableBackup,
    day: str,
    tables: Iterable[str] = (),
    sets: Iterable[str] = (),
    *,
    now: datetime,
    by: str = "",
    files_target: Any = None,
) -> list[TableCount]:
    """Restore the backup of ``day`` (whole sets). Payments debtors made online since that
    night would be lost with the rows that record them (newcomer10 #3: the invoice open
    again, its payment unknown, the debtor dunned): the records of Mollie payments started
    since are kept and each is watched again, due now, so the reconcile timer asks Mollie
    about it and books what was paid, once (the booking's id is the payment's).
    ``files_target``: a blob service to give the night's files back to (those it lacks)."""
    only = restore_set(tables, sets)
    named = set(tables)  # a table named by hand must be in the backup; one of a set may not
    # the night's files (restore26 F4), each checked before a table or a file is written
    files = backup.file_copies(day) if files_target is not None else []
    ended: Counter[str] = Counter()  # rows that kept an ending since the night (review27 F3)
    counts = backup.restore(
        day,
        only,
        skip=NEVER_RESTORED,
        may_be_absent=[t for t in only if t not in named],
        keep_newer={MOLLIE_PAYMENTS: _started_since},
        never_rolled_back=NEVER_ROLLED_BACK,
        keep_later=keep_ended(ended),
    )
    at = now
    watched = 0
    for count in counts:
        if count.table != MOLLIE_PAYMENTS:
            continue
        for pk, rk in count.kept:
            if rk == PAYMENT_RECORD:
                payment_id = decode(pk)
                backup.put(MOLLIE_PAYMENTS, {
                    "PartitionKey": WATCHED, "RowKey": watch_key(at, payment_id),
                    "PaymentId": payment_id, "Since": at,
                })  # fmt: skip
                watched += 1
    if files:
        written, kept = backup.restore_files(files, files_target)
        log.warning("restored the files of %s: %d written, %d already there kept", day,
                    written, kept, extra=log_extra({"backup_date": day, "files": written}))  # fmt: skip
    if holds_money(only):
        # the money that left since that night is unknown to a new account's tables (and
        # not booked against them in the same one): payouts and collections wait for an
        # operator's reconciliation with the bank (restore26 F5)
        backup.put(HOLD_TABLE, hold_entity(day, now, by or "unknown"))
    since = kept_since(counts)
    log.warning("restored the backup of %s: %d tables, %d entities; %d online payments "
                "started since watched again; kept: %d settlement runs, %d direct debits, "
                "%d Mollie plan collections since; access ended since kept: %d keys revoked, "
                "%d clients, %d people", day, len(counts), sum(c.entities for c in counts),
                watched, len(since.runs), since.direct_debits, since.mollie_collections,
                ended[API_KEYS], ended[CLIENTS], ended[USERS], extra=log_extra({"backup_date": day,
                "watched": watched, "runs_kept": len(since.runs)}))  # fmt: skip
    return counts


@dataclass(frozen=True)
class KeptSince:
    """What a restore kept of the money that left since the backup (:data:`NEVER_ROLLED_BACK`),
    for the operator: the settlement runs by agency and run id, the direct-debit collections
    and the Mollie plan collections written since."""

    runs: tuple[tuple[str, str], ...]
    direct_debits: int
    mollie_collections: int


def kept_since(counts: Iterable[TableCount]) -> KeptSince:
    runs: list[tuple[str, str]] = []
    debits = collections = 0
    for count in counts:
        if count.table == RUNS:
            runs += [(decode(pk), rk) for pk, rk in count.kept]
        elif count.table == SDD_COLLECTIONS:
            # one row per collection beside its end-to-end id's row (``e2e|`` client)
            debits += sum(1 for pk, _ in count.kept if not pk.startswith("e2e|"))
        elif count.table == MOLLIE_PLAN_COLLECTIONS:
            collections += sum(1 for _, rk in count.kept if rk != "customer")
    return KeptSince(tuple(sorted(runs)), debits, collections)
