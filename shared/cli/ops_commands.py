"""``inning backfill prescription``: the one-off work an ops engineer runs after a deploy,
against the storage the settings name (as ``inning backup`` does; README "Deploying to
Azure"). Each client is its own resumable run: run it again after a crash or a stop and it
continues; a client already done is reported, not read again."""

from __future__ import annotations

import argparse
import json
from typing import Any


def _chosen(services: Any, agency: str | None, number: str | None) -> list[Any]:
    """Every client, or the one ``--agency``/``--client`` name."""
    if number is None:
        return sorted(services.repos.clients.all(), key=lambda c: (c.agency_id, c.number))
    if not agency:
        raise ValueError("--client needs --agency (client numbers are the agency's own)")
    client_id = services.repos.clients.id_for_number(agency, number)
    if client_id is None:
        raise ValueError(f"no client {number} at agency {agency}")
    found = services.repos.clients.get(client_id)
    if found is None:
        raise ValueError(f"no client {number} at agency {agency}")
    return [found[0]]


def cmd_backfill_prescription(args: argparse.Namespace) -> int:
    from shared.cli.app_settings import cli_services
    from shared.services.operations.prescription_backfill import PrescriptionBackfill

    if args.per_day < 1:
        raise ValueError("--per-day must be at least 1")
    services = cli_services()
    backfill = PrescriptionBackfill(services.repos.store, services.clock, per_day=args.per_day)
    report = []
    for client in _chosen(services, args.agency, args.client):
        state = backfill.run(client.client_id)
        report.append({"agency": client.agency_id, "client": client.number, **state.as_dict()})
    if args.json:
        print(json.dumps(report))
        return 0
    print("agency\tclient\twritten\tkept\tclosed\tdue_now\tdone")
    for r in report:
        print(f"{r['agency']}\t{r['client']}\t{r['written']}\t{r['kept']}\t{r['closed']}\t"
              f"{r['due_now']}\t{'yes' if r['done'] else 'no'}")  # fmt: skip
    return 0


def register(sub: Any) -> None:
    backfill = sub.add_parser("backfill", help="one-off work after a deploy")
    kinds = backfill.add_subparsers(dest="kind", required=True, parser_class=type(backfill))
    watch = kinds.add_parser(
        "prescription", help="a prescription watch row for every open invoice without one"
    )
    watch.add_argument("--agency", help="with --client: only this client")
    watch.add_argument("--client", help="the client's number at --agency")
    watch.add_argument("--per-day", type=int, default=1000,
                       help="rows whose look is due now, per day (default 1000)")  # fmt: skip
    watch.add_argument("--json", action="store_true")
    watch.set_defaults(handler=cmd_backfill_prescription)
