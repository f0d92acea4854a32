"""Entry point of the ``inning`` console script.

Every command prints a plain result on stdout (or JSON with ``--json``); bad input exits 2
with a one-line error on stderr; a negative check (``kenmerk --check``) exits 1.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from shared.cli import (
    admin_commands,
    backup_commands,
    law_commands,
    people_commands,
    rates_commands,
    statement_commands,
)


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="inning", description="Inning credit-management tools")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    law_commands.register(sub)
    admin_commands.register(sub)
    statement_commands.register(sub)
    rates_commands.register(sub)
    people_commands.register(sub)
    backup_commands.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        result: int = args.handler(args)
        return result
    except (UsageError, ValueError) as exc:
        print(f"inning: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
