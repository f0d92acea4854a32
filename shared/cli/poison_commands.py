"""``inning poison replay``: the operator's bulk replay after an outage (docs/operations.md
section 6). A storage or provider outage of a little over two minutes moves every job it
touched to poison (five tries, 30 s apart); one API call per item, with a key of each item's
own agency, is no way back. This replays every open poison item of the named queues on every
list, the platform's included (Mollie webhooks whose payment we do not know). Replaying is
idempotent (every handler is), so running it twice, or over an item an agency already
replayed, books and sends nothing twice."""

from __future__ import annotations

import argparse
import getpass
import json
from datetime import UTC, datetime
from typing import Any


def cmd_poison_replay(args: argparse.Namespace) -> int:
    from shared.cli.app_settings import cli_services

    if not args.queue and not args.all:
        raise ValueError("name the queue(s) to replay with --queue, or replay every one with --all")
    if args.queue and args.all:
        raise ValueError("--queue and --all exclude each other")
    since = None
    if args.since:
        try:
            since = datetime.fromisoformat(args.since)
        except ValueError:
            raise ValueError(f"--since: expected a date or time, not {args.since!r}") from None
        if since.tzinfo is None:  # a date or a naive time: UTC, as the poison queues' times
            since = since.replace(tzinfo=UTC)
    queues = None if args.all else frozenset(_source(q) for q in args.queue)
    services = cli_services()
    done = services.poison.replay_all(
        queues, f"cli:{getpass.getuser()}", since=since, dry_run=args.dry_run
    )
    if args.json:
        print(json.dumps([d.as_dict() for d in done]))
    else:
        print("scope\taction_id\tqueue\toutcome")
        for d in done:
            print(f"{d.scope}\t{d.action_id}\t{d.queue}\t{d.outcome}")
    return 0


def _source(name: str) -> str:
    """The queue a poison item came from, as named on the command line; a name no trigger
    has is refused (a typo would replay nothing and look like an empty poison queue)."""
    from shared.services.operations.watch import POISON_QUEUES
    from shared.services.poison import source_queue

    known = sorted(source_queue(q) for q in POISON_QUEUES)
    source = (
        "blob-trigger" if name == "webjobs-blobtrigger-poison" else name.removesuffix("-poison")
    )
    if source not in known:
        raise ValueError(f"--queue: no queue {name!r}; the queues are: {', '.join(known)}")
    return source


def register(sub: Any) -> None:
    poison = sub.add_parser("poison", help="poison items on every action list")
    actions = poison.add_subparsers(dest="action", required=True, parser_class=type(poison))
    replay = actions.add_parser(
        "replay", help="replay every open poison item of a queue, on every list (idempotent)"
    )
    replay.add_argument("--queue", action="append", metavar="QUEUE",
                        help="the queue the messages came from, e.g. dunning-run, send-email, "
                             "mollie-webhook, blob-trigger (repeatable)")  # fmt: skip
    replay.add_argument("--all", action="store_true", help="every queue")
    replay.add_argument(
        "--since", help="only items set aside from then on (UTC), e.g. 2026-12-01T05:30"
    )
    replay.add_argument("--dry-run", action="store_true", help="list what would be replayed")
    replay.add_argument("--json", action="store_true")
    replay.set_defaults(handler=cmd_poison_replay)
