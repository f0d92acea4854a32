"""``inning rates show`` and ``inning rates update FILE``: the statutory interest rates in
force (the shipped table, or a newer version uploaded to blob storage) and uploading one.

Both run against the storage the app settings name, read as the local host reads them."""

from __future__ import annotations

import argparse
import getpass
import json
from pathlib import Path
from typing import Any

from shared.clock import amsterdam_today
from shared.domain.law.interest_rates import (
    RateTable,
    RateTableError,
    default_rate_table,
    parse_rate_table,
    rate_table_csv,
    update_errors,
)


def cmd_update(args: argparse.Namespace) -> int:
    from shared.cli.app_settings import cli_services
    from shared.services.rate_restatement import RESTATE_QUEUE, SECOND_PASS_SECONDS
    from shared.services.rates import CACHE_SECONDS, SHIPPED

    try:
        data = Path(args.file).read_bytes()
    except OSError as exc:
        raise ValueError(f"cannot read {args.file}: {exc.strerror}") from None
    try:  # checked here first, so a bad file fails without storage
        table = parse_rate_table(data.decode("utf-8-sig").splitlines())
    except (RateTableError, UnicodeDecodeError) as exc:
        raise ValueError(f"{args.file}: {exc}") from None
    if errors := update_errors(default_rate_table(), table):
        raise ValueError(f"{args.file}: " + "; ".join(errors))
    rates = cli_services().statutory_rates.upload(data, author=f"cli:{getpass.getuser()}")
    status = rates.status(amsterdam_today())
    if args.json:
        return _show(status | {"clients_queued": rates.clients_queued}, rates.table, True)
    _show(status, rates.table, False)
    if rates.version == SHIPPED:
        print(f"{args.file} adds no rate to the shipped table: nothing new is put in force")
        if rates.clients_queued:  # the release's table, not restated yet (StatutoryRates.settle)
            print(f"the claims booked before the shipped table was in force are restated on "
                  f"the {RESTATE_QUEUE} queue: {rates.clients_queued} client(s) queued")  # fmt: skip
        return 0
    minutes = CACHE_SECONDS // 60
    print(f"the app's workers use it within {minutes} minutes (each re-reads the table then)")
    if rates.clients_queued:
        again = SECOND_PASS_SECONDS // 60
        print(f"the claims it changes are restated on the {RESTATE_QUEUE} queue: "
              f"{rates.clients_queued} client(s) queued, each again after {again} minutes "
              "(payments booked meanwhile on the table before)")  # fmt: skip
    else:
        print("no client queued for restatement (there is none, or no rate changed)")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from shared.cli.app_settings import cli_services

    rates = cli_services().statutory_rates.in_force()
    return _show(rates.status(amsterdam_today()), rates.table, args.json)


def _show(status: dict[str, Any], table: RateTable, as_json: bool) -> int:
    first = table.first_date.isoformat()  # a claim whose interest runs from before it warns
    if as_json:
        rows = [line.split(",") for line in rate_table_csv(table).splitlines()[1:]]
        print(json.dumps(status | {"first_rate_from": first, "rates": rows}))
        return 0
    print(
        f"{status['version']}  newest rate from {status['newest_rate_from']}  (rates from {first})"
    )
    if status["warning"]:
        print(f"inning: warning: {status['warning']}")
    return 0


def register(sub: Any) -> None:
    rates = sub.add_parser("rates", help="the statutory interest rates in force")
    actions = rates.add_subparsers(dest="action", required=True, parser_class=type(rates))
    show = actions.add_parser("show", help="which table is in force, and whether it is current")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=cmd_show)
    update = actions.add_parser(
        "update", help="check a newer rate table (CSV) and put it in force for the app"
    )
    update.add_argument("file", help="CSV: effective_from,consumer,commercial (percent)")
    update.add_argument("--json", action="store_true")
    update.set_defaults(handler=cmd_update)
