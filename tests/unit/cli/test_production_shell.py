"""ops6 #7: a shell that names Azure storage or a Key Vault but not INNING_ENVIRONMENT is not
taken for a local one (the sample's development pepper, a table for secrets and the demo
operator laid over production): the CLI refuses it with what to set."""

from __future__ import annotations

import os
import re
import shlex

import pytest
from azure.data.tables import TableServiceClient

from shared.cli import app_settings
from shared.cli.main import main
from shared.settings import AZURITE_DEFAULT
from tests.support.code_scan import ROOT

PRODUCTION_NAMES = [
    {"AzureWebJobsStorage__accountName": "stinningprod"},
    {"AzureWebJobsStorage__tableServiceUri": "https://stinningprod.table.core.windows.net"},
    {"AzureWebJobsStorage": "DefaultEndpointsProtocol=https;AccountName=x;EndpointSuffix=core.windows.net"},
    {"AzureWebJobsStorage": "UseDevelopmentStorage=true", "INNING_KEY_VAULT_URL": "https://kv.vault.azure.net"},
    # attack15 P2: no EndpointSuffix, the SDK's default core.windows.net
    {"AzureWebJobsStorage": "DefaultEndpointsProtocol=https;AccountName=innprod;AccountKey=aGVsbG8gd29ybGQ="},
    # a sovereign cloud named only by its endpoints
    {"AzureWebJobsStorage": "AccountName=innprod;AccountKey=aGVsbG8=;"
     "TableEndpoint=https://innprod.table.core.usgovcloudapi.net;"
     "BlobEndpoint=https://innprod.blob.core.usgovcloudapi.net;"
     "QueueEndpoint=https://innprod.queue.core.usgovcloudapi.net"},
    # local tables, but blobs and queues left to the SDK's default (Azure)
    {"AzureWebJobsStorage": "AccountName=innprod;AccountKey=aGVsbG8=;TableEndpoint=http://127.0.0.1:10002/innprod"},
]  # fmt: skip


@pytest.mark.parametrize("shell", PRODUCTION_NAMES)
def test_a_shell_naming_azure_without_an_environment_is_refused(shell: dict[str, str]) -> None:
    assert not app_settings.is_local(shell)
    with pytest.raises(ValueError, match="INNING_ENVIRONMENT=production"):
        app_settings.cli_settings(shell, ROOT)
    # and it never gets the sample underneath
    assert app_settings.app_environment(shell, ROOT).get("INNING_API_KEY_PEPPER") is None


def test_mollie_prune_in_such_a_shell_stops_before_touching_anything(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("INNING_ENVIRONMENT", raising=False)
    monkeypatch.delenv("AzureWebJobsStorage", raising=False)
    monkeypatch.setenv("AzureWebJobsStorage__accountName", "stinningprod")
    assert main(["mollie", "prune"]) == 2
    assert "INNING_ENVIRONMENT is not set" in capsys.readouterr().err


def test_an_explicit_environment_decides() -> None:
    production = {
        "AzureWebJobsStorage__accountName": "stinningprod",
        "INNING_ENVIRONMENT": "production",
    }
    settings = app_settings.cli_settings(production, ROOT, hashes_api_keys=False)
    assert settings.environment == "production" and settings.operator_agency == ""
    # an emulator on another host is local when the shell says so
    local = {"AzureWebJobsStorage__tableServiceUri": "http://azurite:10002/devstoreaccount1"}
    assert app_settings.is_local(local)
    assert app_settings.is_local({"AzureWebJobsStorage": "UseDevelopmentStorage=true"})
    assert app_settings.is_local({"AzureWebJobsStorage": AZURITE_DEFAULT})


def test_what_the_storage_sdk_reads_from_an_account_key_string_is_azure() -> None:
    """attack15 P2: the guard agrees with the SDK the app's storage adapter uses."""
    shell = PRODUCTION_NAMES[4]
    conn = shell["AzureWebJobsStorage"]
    assert TableServiceClient.from_connection_string(conn).url.startswith(
        "https://innprod.table.core.windows.net"
    )
    with pytest.raises(ValueError, match="AzureWebJobsStorage names Azure storage"):
        app_settings.cli_settings(shell, ROOT)


class _Reached(Exception):
    """The command got past its settings to the app's services."""


def _operator_shell() -> dict[str, str]:
    """The exports of docs/operations.md section 0 ("The operator's shell"), values with a
    ``$`` replaced by stand-ins; a line under a comment saying it is "only for" some commands
    is left out, as the operator running another command leaves it out."""
    runbook = (ROOT / "docs" / "operations.md").read_text()
    section = runbook[runbook.index("## 0. The operator's shell") : runbook.index("## 1. ")]
    block = section[section.index("```sh\n") + 6 :]
    env: dict[str, str] = {}
    only_for = False
    for line in block[: block.index("```")].splitlines():
        if line.startswith("#"):
            only_for = "only for" in line
            continue
        export = re.match(r"export (\w+)=(\S*)", line)
        if export and not only_for:
            name, value = export.groups()
            env[name] = f"stand-in-{name.lower()}" if "$" in value else value
        only_for = False
    assert env.get("INNING_ENVIRONMENT") == "production", env
    return env


def _runbook_commands() -> list[list[str]]:
    runbook = (ROOT / "docs" / "operations.md").read_text()
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", runbook, re.S):
        for line in block.splitlines():
            if line.startswith("inning "):
                commands.append(shlex.split(line.split("#", 1)[0])[1:])
    return commands


def test_the_operator_shell_runs_every_inning_command_of_the_runbook(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """ops24 F1: section 0 said the pepper was needed only to issue or check API keys, but
    every command that builds the app's services (poison replay, mollie prune, the
    backfills, rates) refuses a production shell without it: the bulk replay the
    poison-queue alert sends the operator to answered "INNING_API_KEY_PEPPER must be set"."""
    from shared import bootstrap

    def reached(*args: object, **kwargs: object) -> None:
        raise _Reached

    monkeypatch.setattr(bootstrap, "build_services", reached)
    monkeypatch.setattr(bootstrap, "table_backup", reached)
    for name in list(os.environ):
        if name.startswith(("INNING_", "AzureWebJobs")):
            monkeypatch.delenv(name)
    for name, value in _operator_shell().items():
        monkeypatch.setenv(name, value)
    commands = _runbook_commands()
    assert {c[0] for c in commands} >= {"poison", "mollie", "restore", "backfill"}
    for argv in commands:
        with pytest.raises(_Reached):
            code = main(argv)
            pytest.fail(f"inning {' '.join(argv)} -> {code}: {capsys.readouterr().err}")
