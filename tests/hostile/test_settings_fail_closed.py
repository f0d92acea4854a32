"""A Function App whose INNING_ENVIRONMENT setting is missing (a slot, a setting deleted, a
deployment not made by the Bicep) ran as "local": the committed development portal keys
signed and checked links (anyone could write a link to any debtor), and the outbox page and
the payment simulation answered anonymously. Inside Azure the environment is production
unless said otherwise, and "local" is refused (attack32)."""

from __future__ import annotations

import pytest

from shared.settings import Settings, SettingsError

AZURE = {"AzureWebJobsStorage": "UseDevelopmentStorage=true", "WEBSITE_INSTANCE_ID": "a1b2"}
SECRETS = {"INNING_API_KEY_PEPPER": "p" * 32, "INNING_PORTAL_KEYS": "k1:" + "s" * 40}


def test_inside_azure_a_missing_environment_is_production_not_local():
    with pytest.raises(SettingsError, match=r"INNING_API_KEY_PEPPER|INNING_PORTAL_KEYS"):
        Settings.from_env(AZURE)  # no committed keys underneath
    settings = Settings.from_env(AZURE | SECRETS)
    assert settings.environment == "production"


def test_inside_azure_local_is_refused():
    with pytest.raises(SettingsError, match="developer's machine"):
        Settings.from_env(AZURE | SECRETS | {"INNING_ENVIRONMENT": "local"})


def test_on_a_developers_machine_local_stays_the_default():
    settings = Settings.from_env({"AzureWebJobsStorage": "UseDevelopmentStorage=true"})
    assert settings.environment == "local"
