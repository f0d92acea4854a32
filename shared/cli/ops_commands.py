"""Ops commands against the storage (and Key Vault) the settings name, as ``inning backup``
(README "Deploying to Azure"):

- ``inning backfill prescription``: the one-off work after the deploy that made every open
  claim watched. Each client is its own resumable run: run it again after a crash or a stop
  and it continues; a client already done is reported, not read again.
- ``inning backfill whatsapp-stop``: the one-off work after the deploy that keeps a debtor's
  WhatsApp STOP over a CRM's consent: a STOP sent before it (on the contact log) gets its day,
  so a push can no longer give the consent back (docs/operations.md "Upgrading"). Run it again
  at will: a STOP recorded is not read again.
- ``inning backfill written-off``: the one-off work after the deploy that lets money pay a
  written-off claim: marks the invoices written off before (ledger31).
- ``inning backfill handed-over-plans``: the one-off work after the deploy that ends plans
  running over an invoice handed over to a collection agency before it (handover18; the
  installment timer ends them too, but only at each plan's next date). Run it again at will:
  an ended plan is not ended again.
- ``inning backfill match-copies``: the one-off work after the deploy that copies the statement
  matching index's marker beside the console's (perf31, index version 6), for each index whose
  rows are what a build would write now: those are not built again whole at their next
  statement. Reports per client what it did; run it again at will (matchcopy31).
- ``inning check stored-texts``: after the deploy of attack31's checks, lists each stored
  footer, invoice or debtor number, debtor's name and postal address line that names an
  account or a link the API would refuse now, with its field and reason; changes nothing.
- ``inning watch prescription``: per client, the prescription watch's schedule rows (count,
  oldest, not yet taken by a run) and the claims held past their date waiting for a person.
- ``inning mollie prune``: what the nightly timer does with the kept credentials of Mollie
  accounts clients replaced or unlinked (``--dry-run``: only say it). Only account names and
  dates are printed, never a credential."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from shared.domain.parties import Client


def _chosen(services: Any, agency: str | None, number: str | None) -> list[Any]:
    """Every client, the clients of ``--agency`` alone, or the one ``--agency``/``--client``
    name. ``--agency`` alone is that agency's clients, never every agency's: the engineer who
    names one agency must not end plans or delete credentials in another's books (newcomer19
    F1: it was ignored without ``--client``)."""
    if number is None:
        every = sorted(services.repos.clients.all(), key=lambda c: (c.agency_id, c.number))
        if agency is None:
            return every
        from shared.cli.admin_commands import stored_agency

        if stored_agency(services.repos, agency) is None:
            raise ValueError(
                f"no agency {agency} (an agency id, as `inning agency create` made it)"
            )
        return [c for c in every if c.agency_id == agency]
    if not agency:
        raise ValueError("--client needs --agency (client numbers are the agency's own)")
    client_id = services.repos.clients.id_for_number(agency, number)
    if client_id is None:
        raise ValueError(f"no client {number} at agency {agency}")
    found = services.repos.clients.get(client_id)
    if found is None:
        raise ValueError(f"no client {number} at agency {agency}")
    return [found[0]]


def _per_client(
    args: argparse.Namespace, done: list[tuple[Client, Any]], header: str, row: Callable[[Any], str]
) -> int:
    """A backfill's report, a row per client: with ``--json`` one list of each result's
    ``as_dict()``, else a tab-separated table of ``header``'s columns (``row`` gives them)."""
    if args.json:
        print(json.dumps([{"agency": c.agency_id, "client": c.number, **d.as_dict()}
                          for c, d in done]))  # fmt: skip
        return 0
    print(f"agency\tclient\t{header}")
    for c, d in done:
        print(f"{c.agency_id}\t{c.number}\t{row(d)}")
    return 0


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


def cmd_backfill_whatsapp_stop(args: argparse.Namespace) -> int:
    from shared.cli.app_settings import cli_services
    from shared.services.operations.whatsapp_stop_backfill import WhatsappStopBackfill

    services = cli_services()
    backfill = WhatsappStopBackfill(services.repos, services.clock)
    done = [(c, backfill.run(c.client_id)) for c in _chosen(services, args.agency, args.client)]
    return _per_client(args, done, "read\trecorded\twithdrawn",
                       lambda d: f"{d.read}\t{len(d.recorded)}\t{len(d.withdrawn)}")  # fmt: skip


def cmd_backfill_handed_over_plans(args: argparse.Namespace) -> int:
    from shared.cli.app_settings import cli_services
    from shared.services.plans import handover_end

    services = cli_services()
    done = [(c, handover_end.end_for_client(services.plans, c))
            for c in _chosen(services, args.agency, args.client)]  # fmt: skip
    if args.json:
        print(json.dumps([{"agency": c.agency_id, "client": c.number, "ended": ended}
                          for c, ended in done]))  # fmt: skip
        return 0
    print("agency\tclient\tended")
    for c, ended in done:
        print(f"{c.agency_id}\t{c.number}\t{','.join(ended) or '-'}")
    return 0


def cmd_backfill_written_off(args: argparse.Namespace) -> int:
    from shared.cli.app_settings import cli_services
    from shared.services.operations.written_off_backfill import mark_written_off

    services = cli_services()
    done = [(c, mark_written_off(services.repos, c.client_id))
            for c in _chosen(services, args.agency, args.client)]  # fmt: skip
    return _per_client(args, done, "read\tmarked",
                       lambda d: f"{d.read}\t{','.join(d.marked) or '-'}")  # fmt: skip


def cmd_backfill_match_copies(args: argparse.Namespace) -> int:
    from shared.cli.app_settings import cli_services
    from shared.services.operations.match_copy_backfill import copy_match_marker

    services = cli_services()
    done = [(c, copy_match_marker(services.repos, c.client_id))
            for c in _chosen(services, args.agency, args.client)]  # fmt: skip
    return _per_client(args, done, "outcome\tmissing\tstale\tchanged\tnext_statement",
                       lambda d: f"{d.outcome}\t{d.missing}\t{d.stale}\t{d.changed}\t{d.then}")  # fmt: skip


def cmd_check_stored_texts(args: argparse.Namespace) -> int:
    from shared.cli.app_settings import cli_services
    from shared.services.operations.stored_texts_check import check_client

    services = cli_services()
    own = (services.settings.public_base_url,)
    done = [(c, check_client(services.repos, c, own))
            for c in _chosen(services, args.agency, args.client)]  # fmt: skip
    if args.json:
        return _per_client(args, done, "", str)
    # a row per text found (the JSON has a client's counts and its list)
    print("agency\tclient\tkind\tid\tfield\tcode\treason")
    for c, d in done:
        for f in d.found:
            cells = (c.agency_id, c.number, f.kind, f.id, f.field, f.code or "-", f.reason)
            print("\t".join(shown_cell(cell) for cell in cells))
    return 0


def shown_cell(text: str) -> str:
    """``text`` for a TSV cell on an operator's terminal: a backslash doubled and every
    character that is not printable (C0 and C1 controls, DEL, direction and other format
    characters) written as its escape, ``\\x9b`` or ``\\u202e`` (small33: an invoice number
    may hold a C1 control, and CSI ``\\x9b`` is an escape sequence to an 8-bit terminal; a
    stored number's tab shifted the columns)."""
    return "".join(
        "\\\\" if ch == "\\" else ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text
    )


def cmd_watch_prescription(args: argparse.Namespace) -> int:
    from shared.cli.app_settings import cli_services
    from shared.services.operations.prescription_overview import PrescriptionOverview

    services = cli_services()
    overview = PrescriptionOverview(services.repos.store, services.clock)
    report = [
        {"agency": c.agency_id, "client": c.number, **overview.client(c.client_id).as_dict()}
        for c in _chosen(services, args.agency, args.client)
    ]
    if args.json:
        print(json.dumps(report))
        return 0
    print("agency\tclient\trows\toldest_row\toverdue_rows\theld\toldest_hold\tdecided")
    for r in report:
        print("\t".join(str(r[k] if r[k] is not None else "-") for k in (
            "agency", "client", "rows", "oldest_row", "overdue_rows", "held", "oldest_hold",
            "decided")))  # fmt: skip
    return 0


def cmd_mollie_prune(args: argparse.Namespace) -> int:
    from shared.cli.app_settings import cli_services

    services = cli_services()
    if args.client is None and args.agency is None:
        decided = services.mollie_retention.sweep(None, dry_run=args.dry_run)
    else:  # one client, or each client of the one agency named
        decided = [
            kept
            for c in _chosen(services, args.agency, args.client)
            for kept in services.mollie_retention.sweep(c.client_id, dry_run=args.dry_run)
        ]
    if args.json:
        print(json.dumps([d.as_dict() for d in decided]))
        return 0
    print("client_id\taccount\toutcome\tdelete_from\tplans")
    for d in decided:
        when = d.delete_from.date().isoformat() if d.delete_from else "-"
        print(f"{d.client_id}\t{d.account}\t{d.outcome}\t{when}\t{','.join(d.plans) or '-'}")
    return 0


AGENCY_HELP = "only this agency's clients (with --client: only that one)"


def register(sub: Any) -> None:
    backfill = sub.add_parser("backfill", help="one-off work after a deploy")
    kinds = backfill.add_subparsers(dest="kind", required=True, parser_class=type(backfill))
    watch = kinds.add_parser(
        "prescription", help="a prescription watch row for every open invoice without one"
    )
    watch.add_argument("--agency", help=AGENCY_HELP)
    watch.add_argument("--client", help="the client's number at --agency")
    watch.add_argument("--per-day", type=int, default=1000,
                       help="rows whose look is due now, per day (default 1000)")  # fmt: skip
    watch.add_argument("--json", action="store_true", help="one JSON list on stdout")
    watch.set_defaults(handler=cmd_backfill_prescription)
    stop = kinds.add_parser(
        "whatsapp-stop",
        help="record the day of a WhatsApp STOP sent before STOP dates were kept (contact log)",
    )
    stop.add_argument("--agency", help=AGENCY_HELP)
    stop.add_argument("--client", help="the client's number at --agency")
    stop.add_argument("--json", action="store_true", help="one JSON list on stdout")
    stop.set_defaults(handler=cmd_backfill_whatsapp_stop)
    handed = kinds.add_parser(
        "handed-over-plans",
        help="end the plans running over an invoice handed over to a collection agency",
    )
    handed.add_argument("--agency", help=AGENCY_HELP)
    handed.add_argument("--client", help="the client's number at --agency")
    handed.add_argument("--json", action="store_true", help="one JSON list on stdout")
    handed.set_defaults(handler=cmd_backfill_handed_over_plans)
    off = kinds.add_parser(
        "written-off",
        help="mark the invoices written off before write-offs were marked, so money pays them",
    )
    off.add_argument("--agency", help=AGENCY_HELP)
    off.add_argument("--client", help="the client's number at --agency")
    off.add_argument("--json", action="store_true", help="one JSON list on stdout")
    off.set_defaults(handler=cmd_backfill_written_off)
    copies = kinds.add_parser(
        "match-copies",
        help="copy the matching index's marker (index version 6) where its rows need no build",
    )
    copies.add_argument("--agency", help=AGENCY_HELP)
    copies.add_argument("--client", help="the client's number at --agency")
    copies.add_argument("--json", action="store_true", help="one JSON list on stdout")
    copies.set_defaults(handler=cmd_backfill_match_copies)
    mollie = sub.add_parser("mollie", help="Mollie accounts of clients")
    actions = mollie.add_subparsers(dest="action", required=True, parser_class=type(mollie))
    prune = actions.add_parser(
        "prune", help="delete the kept credentials of replaced or unlinked accounts past retention"
    )
    prune.add_argument("--agency", help=AGENCY_HELP)
    prune.add_argument("--client", help="the client's number at --agency")
    prune.add_argument("--dry-run", action="store_true", help="say what would go; change nothing")
    prune.add_argument("--json", action="store_true", help="one JSON list on stdout")
    prune.set_defaults(handler=cmd_mollie_prune)
    check = sub.add_parser("check", help="read stored data against today's rules")
    checks = check.add_subparsers(dest="what", required=True, parser_class=type(check))
    texts = checks.add_parser(
        "stored-texts",
        help="list stored footers, numbers, names and addresses naming an account or a link "
        "(changes nothing)",
    )
    texts.add_argument("--agency", help=AGENCY_HELP)
    texts.add_argument("--client", help="the client's number at --agency")
    texts.add_argument("--json", action="store_true",
                       help="one JSON list on stdout: per client its counts and texts found")  # fmt: skip
    texts.set_defaults(handler=cmd_check_stored_texts)
    shown = sub.add_parser("watch", help="what ops watch")
    what = shown.add_subparsers(dest="what", required=True, parser_class=type(shown))
    held = what.add_parser(
        "prescription",
        help="per client: watch rows (count, oldest) and claims held past their date",
    )
    held.add_argument("--agency", help=AGENCY_HELP)
    held.add_argument("--client", help="the client's number at --agency")
    held.add_argument("--json", action="store_true", help="one JSON list on stdout")
    held.set_defaults(handler=cmd_watch_prescription)
