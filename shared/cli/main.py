"""Entry point of the ``inning`` console script.

Every command prints a plain result on stdout (or JSON with ``--json``); bad input exits 2
with a one-line error on stderr; a negative check (``kenmerk --check``) exits 1, saying why on
stderr.

Start-up is paid on every call, so a command module is imported only when its command is
chosen: ``COMMANDS`` says which module registers which top-level command. A command missing
from it still works (every module is loaded then, as for ``--help``), only slower.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

# top-level command -> the module under shared/cli whose ``register`` adds it
COMMANDS = {
    "costs": "law_commands",
    "interest": "law_commands",
    "kenmerk": "law_commands",
    "term": "law_commands",
    "prescription": "law_commands",
    "agency": "admin_commands",
    "statement": "statement_commands",
    "match": "statement_commands",
    "rates": "rates_commands",
    "user": "people_commands",
    "broadcast": "people_commands",
    "backup": "backup_commands",
    "restore": "backup_commands",
    "restore-hold": "backup_commands",
    "backfill": "ops_commands",
    "mollie": "ops_commands",
    "watch": "ops_commands",
    "check": "ops_commands",
    "poison": "poison_commands",
}
MODULES = (
    "law_commands",
    "admin_commands",
    "statement_commands",
    "rates_commands",
    "people_commands",
    "backup_commands",
    "ops_commands",
    "poison_commands",
)


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser with every command, or with only the module that registers ``command``."""
    parser = _Parser(prog="inning", description="Inning credit-management tools")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    chosen = COMMANDS.get(command or "")
    for name in (chosen,) if chosen else MODULES:
        importlib.import_module(f"shared.cli.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_given = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(args_given[0] if args_given else None)
    try:
        args = parser.parse_args(args_given)
        result: int = args.handler(args)
        sys.stdout.flush()  # a closed pipe shows here, inside the handler below
        return result
    except (UsageError, ValueError) as exc:
        print(f"inning: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # `inning ... --json | head`: the reader has all it wanted. Quietly, as a Unix tool
        # is: point stdout at /dev/null so the interpreter's own flush at exit raises nothing.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except Exception as exc:
        if not _storage_unreachable(exc):
            raise
        # the check before the command passed, then the storage stopped answering (Azurite
        # stopped mid-command, or a remote account): one line, not the SDK's traceback
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(
            f"inning: error: the storage is not reachable ({first}): locally, start Azurite "
            "with `make run`; or set AzureWebJobsStorage to the storage to use",
            file=sys.stderr,
        )
        return 2


def _storage_unreachable(exc: BaseException) -> bool:
    """Whether ``exc`` is the storage SDK's "no connection" (only when the SDK is loaded: the
    law commands never load it, and importing it here would slow every command down)."""
    exceptions = sys.modules.get("azure.core.exceptions")
    return exceptions is not None and isinstance(exc, exceptions.ServiceRequestError)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
