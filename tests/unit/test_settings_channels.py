"""ops6 review 8: one provider secret that did not resolve (a typo in a secret's name) leaves
its channel unconfigured, as if never set; the app, portal, webhooks and timers keep running.
The core secrets and Mollie keys still stop the app."""

from __future__ import annotations

import pytest

from shared.adapters.channels.factory import senders_from
from shared.adapters.channels.unconfigured import refuse_missing
from shared.domain.messaging import Channel
from shared.settings import Settings, SettingsError

PRODUCTION = {
    "AzureWebJobsStorage__accountName": "acct",
    "INNING_ENVIRONMENT": "production",
    "INNING_API_KEY_PEPPER": "p" * 40,
    "INNING_PORTAL_KEYS": "k1:" + "s" * 40,
    "CM_PRODUCT_TOKEN": "tok",
}
UNRESOLVED = "@Microsoft.KeyVault(VaultName=kv;SecretName=whatsapp-tokn)"


def test_an_unresolved_channel_secret_leaves_only_that_channel_unconfigured() -> None:
    env = PRODUCTION | {"WHATSAPP_TOKEN": UNRESOLVED, "WHATSAPP_PHONE_NUMBER_ID": "123"}
    settings = Settings.from_env(env)
    assert settings.unresolved_channel_settings == ("WHATSAPP_TOKEN",)
    assert "WHATSAPP_TOKEN" not in settings.providers
    chosen = senders_from(settings.providers, settings.public_base_url, settings.callback_token)
    assert Channel.SMS in chosen and Channel.WHATSAPP not in chosen
    refused = refuse_missing(dict(chosen), settings.environment)
    assert refused[Channel.WHATSAPP].name == "unconfigured-whatsapp"


@pytest.mark.parametrize(
    "name", ["INNING_API_KEY_PEPPER", "MOLLIE_KEY_K1", "INNING_CALLBACK_TOKEN"]
)
def test_core_secrets_and_mollie_keys_still_stop_the_app(name: str) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings.from_env(PRODUCTION | {name: UNRESOLVED})
