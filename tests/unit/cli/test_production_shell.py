"""ops6 #7: a shell that names Azure storage or a Key Vault but not INNING_ENVIRONMENT is not
taken for a local one (the sample's development pepper, a table for secrets and the demo
operator laid over production): the CLI refuses it with what to set."""

from __future__ import annotations

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
