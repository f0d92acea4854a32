"""Settings that must not silently fall back to development values outside local."""

from __future__ import annotations

import pytest

from shared.settings import Settings, SettingsError

PRODUCTION = {
    "AzureWebJobsStorage__accountName": "acct",
    "INNING_ENVIRONMENT": "production",
    "INNING_API_KEY_PEPPER": "p" * 40,
}


def test_portal_keys_are_required_outside_local():
    with pytest.raises(SettingsError, match="INNING_PORTAL_KEYS"):
        Settings.from_env(PRODUCTION)
    given = Settings.from_env(PRODUCTION | {"INNING_PORTAL_KEYS": "k1:" + "s" * 40})
    assert given.portal_keys.startswith("k1:") and given.portal_token_days == 60


def test_local_has_a_development_portal_key():
    assert Settings.from_env({"AzureWebJobsStorage": "UseDevelopmentStorage=true"}).portal_keys
