"""The real app under the local host on the session's Azurite, with the demo data: what a
newcomer gets from `make run`."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from shared import bootstrap
from shared.clock import amsterdam_today
from tests.conftest import with_local_settings
from tools.demo import seed
from tools.devhost.config import HostConfig
from tools.devhost.host import LocalHost

ROOT = Path(__file__).resolve().parent.parent.parent


@contextmanager
def serving(
    storage_connection: str, data_dir: Path, port: int = 0, **env: str
) -> Iterator[tuple[str, dict[str, str]]]:
    """(base URL, demo API keys). ``env`` sets app settings for this host only."""
    mp = pytest.MonkeyPatch()
    mp.setenv("AzureWebJobsStorage", storage_connection)
    mp.setenv("AzureFunctionsWebHost__hostid", f"e2e{time.time_ns() % 10**8}")
    for key, value in env.items():
        mp.setenv(key, value)
    with_local_settings(mp)
    bootstrap.reset()
    keys = seed(bootstrap.services(), data_dir, amsterdam_today())
    host = LocalHost(
        ROOT / "function_app.py",
        HostConfig.load(ROOT / "host.json"),
        port=port,
        blob_scan_interval=0.2,
    )
    host.start()
    try:
        yield host.url, keys
    finally:
        host.stop()
        bootstrap.reset()
        mp.undo()
