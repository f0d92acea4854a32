"""``inning backup`` and ``inning restore --from DATE``: the table backups in the ``backups``
container of the backup account (``INNING_BACKUP_STORAGE``; without it, of the tables' own
account, Azurite locally). In Azure the identity-based settings, with an identity that has
Table and Blob Data Contributor on the tables' account and Blob Data Reader on the backup
account. ``--target-connection``/``--target-account`` restore into another account's tables
(a new account after the old one is lost: docs/operations.md, "Recover into a new account");
the nights kept in the tables' own account before the backup account stay restorable."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from typing import Any

NO_BACKUP = (
    "no complete backup yet: the nightly backup makes one, or `inning backup` now (the tables "
    "into the backups container)"
)


def _backup(
    args: argparse.Namespace | None = None, *, legacy: bool = False, retries: int | None = None
) -> Any:
    from shared import bootstrap
    from shared.cli.app_settings import cli_settings

    # the storage the app uses: the local settings under the environment outside Azure (as
    # after `make run`), the environment alone in Azure; an operator restoring production
    # needs no pepper or portal keys in the shell, so they are not demanded
    settings = cli_settings(hashes_api_keys=False)
    connection = getattr(args, "target_connection", "") or ""
    account = getattr(args, "target_account", "") or ""
    tables = bootstrap.tables_of(settings, connection, account) if connection or account else None
    if legacy:
        return bootstrap.legacy_backup(settings, tables=tables, retries=retries)
    return bootstrap.table_backup(settings, tables=tables)


def _blobs(args: argparse.Namespace) -> Any:
    """The blob service the restored files go to: the target's, else the app's."""
    from shared import bootstrap
    from shared.cli.app_settings import cli_settings

    settings = cli_settings(hashes_api_keys=False)
    return bootstrap.blobs_of(settings, args.target_connection or "", args.target_account or "")


def _source(args: argparse.Namespace, day: str) -> tuple[Any, list[str]]:
    """The backup holding ``day``: the backup account's, else the nights kept in the tables'
    own account before it (their days too, for the message when neither has it)."""
    backup = _backup(args)
    days = backup.days()
    if day in days:
        return backup, days
    legacy = _backup(args, legacy=True, retries=0)
    older = _legacy_days(legacy)
    if legacy is not None and day in older:
        print(f"{day}: restored from the backups container of the tables' own account "
              "(made before the backup account)", file=sys.stderr)  # fmt: skip
        return legacy, older
    return backup, sorted(set(days) | set(older))


def _legacy_days(legacy: Any) -> list[str]:
    """The nights kept in the tables' own account; none when that account is unreachable
    (lost: the very case the backup account is for), which is said, not raised. Read with
    one try (``retries=0``): a lost account took the SDK's retries 89 s to say so."""
    from azure.core.exceptions import AzureError

    if legacy is None:
        return []
    try:
        return list(legacy.days())
    except AzureError as e:
        print(f"the tables' own account's backups container cannot be read ({type(e).__name__}): "
              "only the backup account's nights are listed", file=sys.stderr)  # fmt: skip
        return []


def cmd_backup(args: argparse.Namespace) -> int:
    from shared.cli.app_settings import cli_settings
    from shared.clock import SystemClock
    from shared.services.operations.backups import back_up

    if args.keep is not True and args.keep is not False:
        raise ValueError(
            f"--keep takes no value (got {args.keep!r}): `inning backup --keep` makes the "
            "backup account keep its newest complete night as if made today; how many days "
            "each night is kept is the setting INNING_BACKUP_RETENTION_DAYS"
        )
    retention = cli_settings(hashes_api_keys=False).backup_retention_days
    if args.keep:
        return _keep(retention)
    run = back_up(_backup(), SystemClock(), retention_days=retention, legacy=_backup(legacy=True))
    _print(run.counts, args.json)
    return 0


def _keep(retention: int) -> int:
    """``inning backup --keep``: read every blob of the newest complete night now, as the
    nightly backup does while the nights fail (ops27 F2), whatever its age: the lifecycle rule
    counts its days from today. For when the backup timer itself cannot (the app down, its
    role on the backup account lost) and the `backup-expiring` alert pages (ops28)."""
    from datetime import timedelta

    from shared.clock import SystemClock

    day = _backup().keep_newest(SystemClock().now(), after=timedelta(0))
    if day is None:
        print("nothing kept: no complete night on the backup account (or no backup account: "
              "INNING_BACKUP_STORAGE unset, whose nights no lifecycle rule deletes)",
              file=sys.stderr)  # fmt: skip
        return 1
    print(f"kept {day}: every blob of it read now; the backup account's lifecycle rule deletes "
          f"it no sooner than {retention + 1} days from today")  # fmt: skip
    return 0


def _refuse_empty_target(args: argparse.Namespace) -> None:
    """A target given empty is refused (attack27 F4): ``--target-connection "$NEW_CONN"`` with
    the variable unset or misspelt was taken as "not given" and restored into the app's own
    production tables without a word."""
    for flag in ("target_connection", "target_account"):
        value = getattr(args, flag, None)
        if value is not None and not value.strip():
            raise ValueError(
                f"--{flag.replace('_', '-')} is empty (an unset shell variable?): refused, "
                "nothing restored; leave the option out to restore into the app's own tables"
            )


def _target_said(args: argparse.Namespace) -> str:
    """Where a restore writes, said before it writes (an operator's last chance to stop it)."""
    if args.target_account:
        return f"the storage account {args.target_account}"
    if args.target_connection:
        named = dict(
            part.split("=", 1) for part in args.target_connection.split(";") if "=" in part
        )
        return f"the storage account {named.get('AccountName', '(named by the connection string)')}"
    return "the app's own tables (no --target-connection or --target-account)"


def cmd_restore(args: argparse.Namespace) -> int:
    from shared.clock import SystemClock
    from shared.services.mollie_reconcile import PAYMENT_RECORD
    from shared.services.operations.backups import holds_money, kept_since, restore, restore_set

    _refuse_empty_target(args)
    if args.target_connection and args.target_account:
        raise ValueError("--target-connection or --target-account, not both")
    if args.list:
        days = _backup(args).days()
        older = [d for d in _legacy_days(_backup(args, legacy=True, retries=0)) if d not in days]
        if days or older:  # a night kept in the tables' own account is marked as such
            print("\n".join(sorted(days + [f"{d}\tsame-account" for d in older])))
        else:  # an empty line told ops nothing (newcomer19 F5); stdout stays empty for scripts
            print(NO_BACKUP, file=sys.stderr)
        return 0
    day = _day(args.from_date)
    backup, days = _source(args, day)
    if day not in days:
        raise ValueError(
            f"no complete backup for {day}; "
            + (f"the days that have one: {', '.join(days[-7:])}" if days else NO_BACKUP)
            + " (`inning restore --list`)"
        )
    print(f"Restoring the night of {day} into {_target_said(args)}.", file=sys.stderr)
    # a whole restore gives the files back too (restore26 F4), into the target's containers
    files_target = None if args.table or args.set else _blobs(args)
    counts = restore(backup, day, args.table or (), args.set or (), now=SystemClock().now(),
                     by=_operator(), files_target=files_target)  # fmt: skip
    _print(counts, args.json)
    watched = sum(1 for c in counts for _, rk in c.kept if rk == PAYMENT_RECORD)
    print(
        f"Restored to the night of {day}. What came in since is not in the restored tables: "
        f"{watched} online payment(s) started since are watched again (the reconcile timer "
        "asks Mollie once the app runs); deliver again the statement files received since and "
        "ask clients to send again what they imported since (docs/operations.md, section 7).",
        file=sys.stderr,
    )
    print(_money_out(kept_since(counts)), file=sys.stderr)
    if holds_money(restore_set(args.table or (), args.set or ())):
        print(HELD, file=sys.stderr)
    return 0


HELD = (
    "Payouts and collections are HELD (settlement_run, installment_run and their jobs): "
    "reconcile the restored settlement runs and direct debits with the bank's statements since "
    "that night, then `inning restore-hold confirm --by NAME --note TEXT` (docs/operations.md, "
    "section 7)."
)


def _operator() -> str:
    """Who restored, for the hold's record: the shell's user (no sign-in exists here)."""
    import getpass

    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


def cmd_restore_hold(args: argparse.Namespace) -> int:
    """Show the money hold a restore left, or end it once the bank is reconciled."""
    from shared.cli.app_settings import cli_services
    from shared.services.operations.money_hold import MoneyHold

    services = cli_services()
    hold = MoneyHold.of(services.repos, services.clock)
    if args.action == "paid":
        return _record_paid(args, services, hold)
    found = hold.confirm(args.by, args.note) if args.action == "confirm" else hold.current()
    if found is None:
        # the answer asked for, not a warning: on stdout (newcomer33: it went to stderr)
        print("null" if args.json else "no restore hold: payouts and collections run")
        return 0
    state = (
        "HELD: payouts and collections wait for `inning restore-hold confirm`"
        if found.active
        else f"released {found.confirmed_at:%Y-%m-%d %H:%M} UTC by {found.confirmed_by}: "
        f"{found.note}"
    )
    if args.json:
        print(json.dumps({
            "restored_from": found.restored_from, "restored_at": found.restored_at.isoformat(),
            "restored_by": found.restored_by, "held": found.active,
            "confirmed_by": found.confirmed_by, "note": found.note,
        }))  # fmt: skip
    else:
        print(f"backup of {found.restored_from} restored {found.restored_at:%Y-%m-%d %H:%M} UTC "
              f"by {found.restored_by}; {state}")  # fmt: skip
    return 0


def _record_paid(args: argparse.Namespace, services: Any, hold: Any) -> int:
    """``restore-hold paid``: transfers the bank made after the restored night, taken off the
    clients' next payouts (restore26 F3): typed (``--paid``), or read from the run's pain.001
    and/or the payout account's camt.053 (``--pain``/``--camt``, ops28: shown, and recorded
    only with ``--record``)."""
    from shared.services.operations.paid_after_restore import record_paid, record_read

    files = bool(args.pain or args.camt)
    if not args.agency or not (args.paid or files):
        raise ValueError(
            "paid needs --agency and at least one --paid END_TO_END_ID=AMOUNT, or the run's "
            "--pain FILE and/or the payout account's --camt FILE"
        )
    if args.paid and files:
        raise ValueError("paid: give the transfers typed (--paid) or in files, not both")
    store = services.settlements.store
    if not files:
        dry_run = args.dry_run
        recorded = record_paid(hold, store, services.clock, args.agency, _typed(args.paid),
                               args.by, dry_run=dry_run)  # fmt: skip
        left: dict[str, str] = {}
    else:
        dry_run = not args.record
        found = _read_files(args.pain, args.camt)
        recorded, left = record_read(hold, store, services.clock, args.agency, found.paid,
                                     args.by, dry_run=dry_run)  # fmt: skip
        left = {**found.left, **left}
    _print_paid(recorded, left, dry_run)
    return 0


def _typed(texts: list[str]) -> dict[str, int]:
    from shared.domain.money import parse_amount

    paid: dict[str, int] = {}
    for text in texts:
        e2e, sep, amount = text.partition("=")
        if not sep or not e2e.strip():
            raise ValueError(f"--paid: expected END_TO_END_ID=AMOUNT like R20261130-C1=107.72, "
                             f"not {text!r}")  # fmt: skip
        if e2e.strip() in paid:
            raise ValueError(f"--paid: {e2e.strip()} given twice")
        paid[e2e.strip()] = parse_amount(amount)
    return paid


def _read_files(pain: str, camt: str) -> Any:
    from pathlib import Path

    from shared.services.operations.payouts_read import payouts_read

    def read(path: str, what: str) -> bytes | None:
        if not path:
            return None
        try:
            return Path(path).read_bytes()
        except OSError as exc:
            raise ValueError(f"--{what}: {path}: {exc.strerror or exc}") from None

    return payouts_read(read(pain, "pain"), read(camt, "camt"))


def _print_paid(recorded: list[Any], left: dict[str, str], dry_run: bool) -> None:
    from shared.domain.money import format_eur_nl

    for r in recorded:
        if r.new:
            said = "would be recorded" if dry_run else "recorded"
        else:
            said = "recorded before, unchanged"
        print(f"{r.end_to_end_id}\t{format_eur_nl(r.amount)}\tclient {r.client_id}\t{said}; "
              f"taken off its next payout (balance {format_eur_nl(r.carried_after)})")  # fmt: skip
    for e2e, why in sorted(left.items()):
        print(f"{e2e}\tleft out: {why}")
    if dry_run and any(r.new for r in recorded):
        total = sum(r.amount for r in recorded if r.new)
        print(f"DRY RUN: nothing recorded; {sum(r.new for r in recorded)} payout(s), "
              f"{format_eur_nl(total)} in all, recorded when run again with --record "
              "(typed: without --dry-run)", file=sys.stderr)  # fmt: skip


def _day(text: str) -> str:
    """A date, or a take of one (``2026-11-29T141500Z``: a second backup of that day)."""
    day, _, take = text.partition("T")
    try:
        date.fromisoformat(day)
        if take and not (len(take) == 7 and take[:6].isdigit() and take[6] == "Z"):
            raise ValueError(take)
    except ValueError:
        raise ValueError(
            f"--from: expected a date like 2026-11-29 (or a take like 2026-11-29T141500Z), "
            f"not {text!r}"
        ) from None
    return text if take else date.fromisoformat(day).isoformat()


def _money_out(since: Any) -> str:
    """What the restore kept of the money that left since the backup: never rolled back."""
    runs = ", ".join(f"{run} ({agency})" for agency, run in since.runs) or "none"
    text = (
        "Money that left is never rolled back: settlement runs, their statements and the "
        "payments they settled, direct debits and Mollie collections stay as they are now. "
        f"Settlement runs since the backup, kept: {runs}; direct-debit collections filed "
        f"since, kept: {since.direct_debits}; Mollie plan collections since, kept: "
        f"{since.mollie_collections}."
    )
    if since.runs:
        text += (
            " Before booking again by hand a payment booked since the backup, look it up in "
            "those runs' statements: settled there, it is paid out already (booked under a new "
            "id it would be paid out again); delivered statements and Mollie payments come "
            "back under their own ids and stay settled."
        )
    return text


def _print(counts: Any, as_json: bool) -> None:
    if as_json:
        print(json.dumps({c.table: c.entities for c in counts}))
    else:
        for c in counts:
            print(f"{c.table}\t{c.entities}")


class _FlagsAsFlags(argparse.HelpFormatter):
    """Shows ``--keep`` (a flag that takes a value only to refuse it) as the flag it is."""

    def _format_action_invocation(self, action: argparse.Action) -> str:
        if action.const is True and action.option_strings:
            return ", ".join(action.option_strings)
        return super()._format_action_invocation(action)


def register(sub: Any) -> None:
    backup = sub.add_parser("backup", help="export every table now to the backup account "
                            "(INNING_BACKUP_STORAGE; unset: the tables' own account)",
                            usage="inning backup [-h] [--json] [--keep]",
                            formatter_class=_FlagsAsFlags)  # fmt: skip
    backup.add_argument("--json", action="store_true")
    # a flag, but taking a value so that `--keep 7` or `--keep=7` (as if it said how many
    # nights to keep) is answered with what it does, not argparse's "unrecognized arguments:
    # 7" or "ignored explicit argument" (newcomer31 F2)
    backup.add_argument("--keep", nargs="?", const=True, default=False, metavar="",
                        help="export nothing: read the newest complete night so the backup "
                             "account's lifecycle rule counts its days from today (while the "
                             "nightly backup cannot); takes no value")  # fmt: skip
    backup.set_defaults(handler=cmd_backup)
    restore = sub.add_parser("restore", help="restore the tables from a daily backup")
    restore.add_argument("--from", dest="from_date", default="", metavar="DATE",
                         help="the backup's date (UTC), e.g. 2026-11-29")  # fmt: skip
    restore.add_argument("--table", action="append",
                         help="only this table (repeatable); a table of a set needs its set")  # fmt: skip
    restore.add_argument("--set", action="append", metavar="SET",
                         help="a whole consistency set: ledger, parties, people, inbound, "
                              "dunning-setup (repeatable)")  # fmt: skip
    restore.add_argument("--list", action="store_true", help="list the complete backups and exit")
    restore.add_argument("--target-connection", default=None, metavar="CONN",
                         help="restore into this account's tables (a connection string) "
                              "instead of the app's: a new account after losing the old one")  # fmt: skip
    restore.add_argument("--target-account", default=None, metavar="NAME",
                         help="the same, by storage account name, as the signed-in identity "
                              "(Storage Table Data Contributor on it; Blob Data Contributor "
                              "too for the night's files)")  # fmt: skip
    restore.add_argument("--json", action="store_true")
    restore.set_defaults(handler=cmd_restore)
    hold = sub.add_parser("restore-hold",
                          help="the payouts and collections a restore holds: show, or confirm "
                               "after reconciling with the bank")  # fmt: skip
    hold.add_argument("action", nargs="?", choices=("show", "confirm", "paid"), default="show")
    hold.add_argument("--by", default="",
                      help="confirm: who reconciled with the bank; paid: who read the transfers")  # fmt: skip
    hold.add_argument("--agency", default="", help="paid: the agency whose run paid them")
    hold.add_argument("--paid", action="append", default=[], metavar="END_TO_END_ID=AMOUNT",
                      help="paid: a transfer of a settlement run executed by the bank after "
                           "the restored night, as on the bank's statement (repeatable); "
                           "taken off the client's next payout")  # fmt: skip
    hold.add_argument("--pain", default="", metavar="FILE",
                      help="paid: the run's pain.001 as Inning made it (its transfers by "
                           "end-to-end id; with --camt only those the bank debited)")  # fmt: skip
    hold.add_argument("--camt", default="", metavar="FILE",
                      help="paid: a camt.053 of the payout account since the restored night "
                           "(its booked debits of settlement ids, less returns)")  # fmt: skip
    hold.add_argument("--record", action="store_true",
                      help="paid with --pain/--camt: record what they show (without it: only "
                           "shown, a dry run)")  # fmt: skip
    hold.add_argument("--dry-run", action="store_true",
                      help="paid with --paid: show what would be recorded, record nothing")  # fmt: skip
    hold.add_argument("--note", default="",
                      help="confirm: what was checked (the statements since the night, the "
                           "runs and direct debits found)")  # fmt: skip
    hold.add_argument("--json", action="store_true")
    hold.set_defaults(handler=cmd_restore_hold)
