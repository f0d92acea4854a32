"""Shared fixtures. Azurite is started once per test session on free ports, in a temp dir."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tools import azurite

# Real files from banks and Mollie, vendored with their licences (tests/fixtures/README.md):
# nothing in the repository reads outside it.
FIXTURES = Path(__file__).resolve().parent / "fixtures"
STATEMENTS = FIXTURES / "statements"
MOLLIE = FIXTURES / "mollie"


@pytest.fixture(scope="session")
def azurite_ports(tmp_path_factory: pytest.TempPathFactory) -> Iterator[azurite.AzuritePorts]:
    with azurite.running(tmp_path_factory.mktemp("azurite")) as ports:
        yield ports


@pytest.fixture(scope="session")
def storage_connection(azurite_ports: azurite.AzuritePorts) -> str:
    return azurite_ports.connection_string


@pytest.fixture(autouse=True)
def _no_real_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith(("AZURE_", "MOLLIE_", "GRAPH_")):
            monkeypatch.delenv(name, raising=False)


def with_local_settings(mp: pytest.MonkeyPatch) -> None:
    """The app settings the local host would read from local.settings.sample.json, without
    overriding what the test set already (as ``make run`` does)."""
    from tools.devhost.config import load_local_settings

    for key, value in load_local_settings(Path(__file__).resolve().parent.parent).items():
        if key not in os.environ:
            mp.setenv(key, value)
