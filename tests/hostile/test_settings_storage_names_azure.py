"""attack32 made a Function App without INNING_ENVIRONMENT production (the platform sets
WEBSITE_INSTANCE_ID); the app elsewhere (a container, a VM, ``func start`` with a copy of
production's settings) still fell back to "local" with real Azure storage: the committed
development portal keys signed links to that storage's debtors, the committed pepper checked
its keys, and the outbox page and payment simulation answered anonymously. The operator's
shell already refused that (shared/azure_names.names_azure); the app now judges alike: storage
or a vault in Azure without INNING_ENVIRONMENT is production (attack33)."""

from __future__ import annotations

import pytest

from shared.settings import LOCAL_PORTAL_KEYS, Settings, SettingsError

SECRETS = {"INNING_API_KEY_PEPPER": "p" * 32, "INNING_PORTAL_KEYS": "k1:" + "s" * 40}
AZURE_STORAGE = [
    {"AzureWebJobsStorage": "DefaultEndpointsProtocol=https;AccountName=prod;AccountKey=a2V5;"
                           "EndpointSuffix=core.windows.net"},
    {"AzureWebJobsStorage": "AccountName=prod;AccountKey=a2V5"},
    {"AzureWebJobsStorage__accountName": "prod"},
    {"AzureWebJobsStorage__tableServiceUri": "https://prod.table.core.windows.net"},
    {"AzureWebJobsStorage": "UseDevelopmentStorage=true",
     "INNING_KEY_VAULT_URL": "https://prod-kv.vault.azure.net/"},
]  # fmt: skip


@pytest.mark.parametrize("storage", AZURE_STORAGE)
def test_azure_storage_without_an_environment_is_production(storage: dict[str, str]) -> None:
    with pytest.raises(SettingsError, match=r"INNING_API_KEY_PEPPER|INNING_PORTAL_KEYS"):
        Settings.from_env(storage)  # never the committed keys underneath
    settings = Settings.from_env(storage | SECRETS)
    assert settings.environment == "production"
    assert settings.portal_keys != LOCAL_PORTAL_KEYS


def test_an_explicit_local_and_the_emulator_stay_local() -> None:
    azurite = (
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;"
        + ";".join(
            f"{s}Endpoint=http://127.0.0.1:{p}/devstoreaccount1"
            for s, p in (("Blob", 10000), ("Queue", 10001), ("Table", 10002))
        )
    )
    assert Settings.from_env({"AzureWebJobsStorage": azurite}).environment == "local"
    assert (
        Settings.from_env({"AzureWebJobsStorage": "UseDevelopmentStorage=true"}).environment
        == "local"
    )
    explicit = {"AzureWebJobsStorage__accountName": "prod", "INNING_ENVIRONMENT": "local"}
    assert Settings.from_env(explicit).environment == "local"  # said so, outside Azure
