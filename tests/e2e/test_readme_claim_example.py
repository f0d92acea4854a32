"""The README's claim example (*The integration API*), its shell blocks run by bash as
written after `make run`: on fresh demo data (an Azurite of its own), from a checkout with
`.data/demo-keys.json` and `docs/examples/`, against the local host (its port instead of 7071).
Between the blocks the test waits as a reader does, for the asynchronous booking."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import serving
from tools import azurite

ROOT = Path(__file__).resolve().parents[2]
SECTION = "### Example: a claim with costs and interest, paid by bank transfer and by Mollie"


def example_blocks() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(SECTION)
    section = text[start : text.index("\n## ", start)]
    return re.findall(r"```sh\n(.*?)```", section, flags=re.S)


def documents(out: str) -> list[dict[str, Any]]:
    """The JSON answers curl printed one after the other (the API ends them without a newline)."""
    decoder, found, at = json.JSONDecoder(), [], 0
    while at < len(out := out.strip()):
        doc, end = decoder.raw_decode(out, at)
        found.append(doc)
        at = end
        while at < len(out) and out[at].isspace():
            at += 1
    return found


def wait_for(
    run: Callable[[str], str], block: str, predicate: Callable[[str], bool], timeout: float = 60.0
) -> str:
    deadline = time.monotonic() + timeout
    while True:
        out = run(block)
        if predicate(out) or time.monotonic() > deadline:
            return out
        time.sleep(0.5)


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_the_claim_example_runs_as_written_on_the_demo_data(tmp_path):
    blocks = example_blocks()
    assert len(blocks) == 5, "a new block in the example needs its step here"
    first, upload, on_april_3, pay, payments = blocks
    # the variables the first block sets stay set in the reader's shell
    setup = "\n".join(line for line in first.splitlines() if re.match(r"^[A-Z]+=", line))
    work = tmp_path / "checkout"
    shutil.copytree(ROOT / "docs/examples", work / "docs/examples")
    port = azurite.free_port()
    with (
        azurite.running(tmp_path / "azurite") as ports,
        serving(ports.connection_string, work / ".data", port=port, INNING_ENVIRONMENT="local",
                INNING_PUBLIC_BASE_URL=f"http://localhost:{port}") as _,
    ):  # fmt: skip

        def run(block: str) -> str:
            script = (block if block is first else f"{setup}\n{block}").replace(
                "http://localhost:7071", f"http://localhost:{port}"
            )
            done = subprocess.run(
                ["bash", "-euo", "pipefail", "-c", script],
                cwd=work, capture_output=True, text=True, timeout=120,
            )  # fmt: skip
            assert done.returncode == 0, done.stderr
            return done.stdout

        out = run(first)
        created, _, claim = documents(out)
        assert created["created"] == 1
        assert claim["open"]["total"] == "161.93" and claim["costs_owed_from"] == "2025-02-27"
        assert claim["interest"] == "0.93" and claim["interest_rule"] == "6:119"

        assert json.loads(run(upload))["status"] == "queued"
        april = json.loads(
            wait_for(run, on_april_3, lambda o: json.loads(o)["paid"]["costs"] == "40.00")
        )
        assert april["paid"] == {"principal": "59.07", "costs": "40.00", "costs_vat": "0.00",
                                 "interest": "0.93"}  # fmt: skip
        assert april["open"] == {"principal": "61.93", "costs": "0.00", "costs_vat": "0.00",
                                 "interest": "0.15", "total": "62.08"}  # fmt: skip

        asked = run(pay)
        assert asked.startswith("Amount: € "), asked  # today's claim: more than 62.08 now

        def both(o: str) -> bool:
            mine = [p for p in json.loads(o)["items"] if p["debtor_number"] == "D1"]
            return len(mine) == 2

        listed = json.loads(wait_for(run, payments, both))["items"]
        bank, mollie = sorted(
            (p for p in listed if p["debtor_number"] == "D1"), key=lambda p: p["received_on"]
        )
        assert bank["source"] == "bank" and bank["amount"] == 10000
        assert [(a["component"], a["amount"]) for a in bank["allocations"]] == [
            ("costs", 4000), ("interest", 93), ("principal", 5907)
        ]  # fmt: skip
        assert mollie["source"] == "mollie" and mollie["unallocated"] == 0
        principal = [a["amount"] for a in mollie["allocations"] if a["component"] == "principal"]
        assert principal == [6193] and mollie["amount"] >= 6208
        euros = asked.removeprefix("Amount: € ").strip().replace(".", "").replace(",", "")
        assert int(euros) == mollie["amount"]  # the page asked what was booked
