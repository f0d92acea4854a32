"""The README's shell example after `make run`, run by bash as written: the demo key read from
`.data/demo-keys.json`, then curl against the app (the local host's port instead of 7071)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.e2e.conftest import serving
from tools import azurite

ROOT = Path(__file__).resolve().parents[2]


def readme_example() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## The two commands") : text.index("## The `inning` command line")]
    blocks: list[str] = re.findall(r"```sh\n(.*?)```", section, flags=re.S)
    [example] = [b for b in blocks if "curl" in b]
    return example


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_the_curl_example_works_after_make_run(tmp_path):
    """On an Azurite of its own, as fresh as the first `make run` (other end-to-end tests pay
    the demo invoices in the shared one)."""
    work = tmp_path / "checkout"
    with (
        azurite.running(tmp_path / "azurite") as ports,
        serving(ports.connection_string, work / ".data", INNING_ENVIRONMENT="local") as (url, _),
    ):
        script = readme_example().replace("http://localhost:7071", url)
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", script],
            cwd=work, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    invoices = json.loads(done.stdout)["items"]
    assert invoices and all(i["status"] == "open" for i in invoices)
