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


def test_a_key_vault_reference_that_did_not_resolve_stops_the_app():
    """App Service passes the reference text on when it cannot resolve it; taken literally it
    would become the pepper. The error names the setting, never a value."""
    unresolved = (
        "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/inning-api-key-pepper)"
    )
    env = PRODUCTION | {"INNING_PORTAL_KEYS": "k1:" + "s" * 40, "INNING_API_KEY_PEPPER": unresolved,
                        "CM_PRODUCT_TOKEN": " @Microsoft.KeyVault(VaultName=kv;SecretName=cm-product-token)"}  # fmt: skip
    with pytest.raises(SettingsError) as refused:
        Settings.from_env(env)
    # a channel credential alone leaves the channel unconfigured (test_settings_channels.py)
    assert "INNING_API_KEY_PEPPER" in str(refused.value)
    assert "CM_PRODUCT_TOKEN" not in str(refused.value)
    assert "vault.azure.net" not in str(refused.value)
    resolved = Settings.from_env(
        env | {"INNING_API_KEY_PEPPER": "p" * 40, "CM_PRODUCT_TOKEN": "tok"}
    )
    assert resolved.api_key_pepper == "p" * 40 and resolved.providers["CM_PRODUCT_TOKEN"] == "tok"
