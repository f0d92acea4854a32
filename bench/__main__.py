"""`make bench`: every benchmark, each printing one JSON object per line.

``python -m bench [--only NAME] [--scale F]``: ``--scale 0.1`` runs a tenth of the size for a
quick look; the figures that matter are ratios measured within one run."""

from __future__ import annotations

import argparse
import json
import logging
import tempfile
from pathlib import Path

from bench import (
    bulk_import,
    dunning_run,
    ledger_booking,
    messaging,
    portal_overview,
    statement_matching,
    template_render,
)
from bench.settlement_run import settlement as settlement_run
from bench.settlement_run import usage as usage_meter
from tools import azurite

BENCHMARKS = {
    "bulk_import": bulk_import.run,
    "statement_matching": statement_matching.run,
    "messaging": messaging.run,
    "dunning_run": dunning_run.run,
    "portal_overview": portal_overview.run,
    "ledger_booking": ledger_booking.run,
    "settlement_run": settlement_run,
    "usage_meter": usage_meter,
    "template_render": template_render.run,
}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--only", choices=sorted(BENCHMARKS))
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp, azurite.running(Path(tmp)) as ports:
        for name, bench in BENCHMARKS.items():
            if args.only and name != args.only:
                continue
            print(json.dumps(bench(ports.connection_string, args.scale)), flush=True)


if __name__ == "__main__":
    main()
