"""Shared fixtures. Azurite is started once per test session on free ports, in a temp dir."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from tools import azurite

# The property tests draw the same examples on every run and machine, so `make test` (and CI
# from a clean clone) is red only for a change that breaks them, never for a draw that was
# unlucky that day; `HYPOTHESIS_PROFILE=explore make test` draws afresh to look for new cases
# (a case it finds is pinned with `@example` in its test).
settings.register_profile("repeatable", derandomize=True, print_blob=True)
settings.register_profile("explore", derandomize=False, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

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


@pytest.fixture
def shipped_before_july_2026(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The shipped rate table as it was before its 2026-07-01 row, for the tests that put
    that row in force late (tests/support/rate_tables.py): the table file is swapped, not
    the code that reads it."""
    from shared.domain.law import interest_rates
    from tests.support.rate_tables import BEFORE_JULY_2026

    monkeypatch.setattr(interest_rates, "RATES_FILE", BEFORE_JULY_2026)
    interest_rates.default_rate_table.cache_clear()
    yield
    monkeypatch.undo()
    interest_rates.default_rate_table.cache_clear()
