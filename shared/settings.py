"""Every setting Inning reads, in one place, read once (by :mod:`shared.bootstrap`).

Storage follows the Functions host's own convention, so that the app and its triggers use one
account: ``AzureWebJobsStorage`` as a connection string locally (Azurite), or the identity-based
``AzureWebJobsStorage__accountName`` / ``__tableServiceUri`` (+ ``__clientId`` for a
user-assigned identity) in Azure, where no keys live in settings.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time

from shared.azure_names import names_azure

AZURITE_DEFAULT = (
    "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
    "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
    "BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;"
    "QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1;"
    "TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;"
)

LOCAL_PEPPER = "local-development-pepper-not-secret"
LOCAL_PORTAL_KEYS = "local:local-development-portal-key-not-secret"
PROVIDER_PREFIXES = ("GRAPH_", "CM_", "WHATSAPP_", "TWILIO_", "PINGEN_", "MOLLIE_")
# a message channel's credentials: one that did not resolve leaves that channel unconfigured
# (its messages fail onto the action list, the channel-unconfigured alert), not the whole app
# down (ops6 review 8). Mollie's are not among them: without its key a payment would not fail
# but fall back to something else.
CHANNEL_PREFIXES = ("GRAPH_", "CM_", "WHATSAPP_", "TWILIO_", "PINGEN_")
DEFAULT_PRICES = {
    "email": "0.00",
    "sms": "0.20",
    "whatsapp": "0.20",
    "letter": "1.50",
    "robocall": "0.20",
    "invoice": "0.50",
}


class SettingsError(ValueError):
    pass


KEY_VAULT_REFERENCE = "@Microsoft.KeyVault("


def unresolved_references(env: Mapping[str, str]) -> list[str]:
    """Names of settings whose value is still a literal Key Vault reference.

    App Service replaces ``@Microsoft.KeyVault(...)`` with the secret before the app starts;
    when it cannot (missing secret, identity without access yet, vault unreachable) it
    passes the reference text on as the value. Taken literally, that text would become the
    pepper or a provider password, so the app refuses to start instead, naming the setting
    (never the value)."""
    return sorted(k for k, v in env.items() if v.lstrip().startswith(KEY_VAULT_REFERENCE))


@dataclass(frozen=True)
class Settings:
    storage_connection_string: str | None
    table_service_uri: str | None
    blob_service_uri: str | None
    queue_service_uri: str | None
    managed_identity_client_id: str | None
    api_key_pepper: str
    public_base_url: str
    environment: str
    contact_opens: time = time(7, 0)
    contact_closes: time = time(20, 0)
    # provider credentials (GRAPH_*, CM_*, WHATSAPP_*, TWILIO_*, PINGEN_*); a channel without
    # them delivers to the embedded outbox
    providers: dict[str, str] = field(default_factory=dict)
    callback_token: str = ""
    prices: dict[str, str] = field(default_factory=dict)
    # debtor portal links: ``kid:secret,...`` (the first signs, all verify) and their lifetime
    portal_keys: str = LOCAL_PORTAL_KEYS
    portal_token_days: int = 60
    # self-onboarded clients land in this agency's sandbox (empty: sign-up closed)
    signup_agency: str = ""
    # Key Vault holding per-client credentials (a client's Mollie key or Mollie Connect
    # tokens); empty locally, where a table stands in (shared/adapters/secrets/)
    key_vault_url: str = ""
    # the agency whose agency keys see the platform action list (poison nobody else owns)
    operator_agency: str = ""
    # nightly table backups older than this are deleted (shared/services/operations/backups.py)
    backup_retention_days: int = 35
    # the account the nightly backup goes to: a connection string (Azurite) or its blob
    # endpoint (managed identity, infra/app/backup-storage.bicep); empty: the tables' own
    # account's ``backups`` container, as before the backup account
    backup_storage: str = ""
    # an online payment whose webhook has not come after this many minutes is asked of Mollie
    # by the reconcile timer, at most this many a run (shared/services/mollie_reconcile.py)
    payment_reconcile_minutes: int = 60
    payment_reconcile_batch: int = 100
    # a message still PENDING this many minutes after its last write has its job queued
    # again by the outbox sweep, and is on the action list after so many (sweep19)
    outbox_sweep_minutes: int = 30
    outbox_sweep_give_up: int = 3
    # channel credentials whose Key Vault reference did not resolve (left out of providers)
    unresolved_channel_settings: tuple[str, ...] = ()

    @classmethod
    def from_env(
        cls,
        env: Mapping[str, str] | None = None,
        *,
        signs_portal_links: bool = True,
        hashes_api_keys: bool = True,
    ) -> Settings:
        """``signs_portal_links=False`` for tools that never sign a portal link (the CLI's
        admin commands): they need no portal keys, and get none. ``hashes_api_keys=False``
        for tools that never issue or check an API key (backup and restore)."""
        e = os.environ if env is None else env
        unresolved = unresolved_references(e)
        channels = tuple(n for n in unresolved if n.startswith(CHANNEL_PREFIXES))
        if unresolved := [n for n in unresolved if n not in channels]:
            raise SettingsError(
                "Key Vault references did not resolve (check the secret exists and the app's "
                f"identity may read it): {', '.join(unresolved)}"
            )
        conn = e.get("AzureWebJobsStorage") or None
        if conn == "UseDevelopmentStorage=true":
            conn = AZURITE_DEFAULT
        table_uri = e.get("AzureWebJobsStorage__tableServiceUri") or None
        blob_uri = e.get("AzureWebJobsStorage__blobServiceUri") or None
        queue_uri = e.get("AzureWebJobsStorage__queueServiceUri") or None
        account = e.get("AzureWebJobsStorage__accountName")
        if table_uri is None and account:
            table_uri = f"https://{account}.table.core.windows.net"
        if blob_uri is None and account:
            blob_uri = f"https://{account}.blob.core.windows.net"
        if queue_uri is None and account:
            queue_uri = f"https://{account}.queue.core.windows.net"
        if conn is None and table_uri is None:
            raise SettingsError(
                "no storage configured: set AzureWebJobsStorage (a connection string) or "
                "AzureWebJobsStorage__accountName"
            )
        # inside Azure (the platform sets WEBSITE_INSTANCE_ID) a missing setting is never
        # "local": the committed development portal keys and pepper would sign and check
        # anyone's links and keys, and the outbox page and the payment simulation would answer
        # anonymously (attack32). The CLI's shells judge alike (cli/app_settings.is_local)
        in_azure = bool(e.get("WEBSITE_INSTANCE_ID"))
        # nor elsewhere with Azure storage or a vault (a container, ``func start`` with
        # production's settings): the shell's own rule, the committed keys never on real data
        # (attack33)
        real = in_azure or names_azure(e) is not None
        environment = e.get("INNING_ENVIRONMENT") or ("production" if real else "local")
        if in_azure and environment == "local":
            raise SettingsError(
                "INNING_ENVIRONMENT=local is for a developer's machine (committed keys, an "
                "anonymous outbox page and payment simulation); set it to production in Azure"
            )
        pepper = e.get("INNING_API_KEY_PEPPER") or ""
        if not pepper:
            if environment != "local" and hashes_api_keys:
                raise SettingsError("INNING_API_KEY_PEPPER must be set outside local development")
            pepper = LOCAL_PEPPER
        portal_keys = e.get("INNING_PORTAL_KEYS") or ""
        if not portal_keys and signs_portal_links:
            if environment != "local":
                raise SettingsError("INNING_PORTAL_KEYS must be set outside local development")
            portal_keys = LOCAL_PORTAL_KEYS
        opens, closes = _hours(e.get("INNING_CONTACT_HOURS", "07:00-20:00"))
        return cls(
            storage_connection_string=conn,
            table_service_uri=table_uri,
            blob_service_uri=blob_uri,
            queue_service_uri=queue_uri,
            managed_identity_client_id=e.get("AzureWebJobsStorage__clientId") or None,
            api_key_pepper=pepper,
            public_base_url=e.get("INNING_PUBLIC_BASE_URL", "http://localhost:7071").rstrip("/"),
            environment=environment,
            contact_opens=opens,
            contact_closes=closes,
            providers={
                k: v
                for k, v in e.items()
                if k.startswith(PROVIDER_PREFIXES) and v and k not in channels
            },
            callback_token=e.get("INNING_CALLBACK_TOKEN", ""),
            prices=_prices(e.get("INNING_PRICES", "")),
            portal_keys=portal_keys,
            portal_token_days=int(e.get("INNING_PORTAL_TOKEN_DAYS", "60")),
            signup_agency=e.get(
                "INNING_SIGNUP_AGENCY", "demo-agency" if environment == "local" else ""
            ),
            key_vault_url=e.get("INNING_KEY_VAULT_URL", ""),
            operator_agency=e.get(  # locally the demo agency, as for sign-up; never in Azure
                "INNING_OPERATOR_AGENCY", "demo-agency" if environment == "local" else ""
            ),
            backup_retention_days=int(e.get("INNING_BACKUP_RETENTION_DAYS") or "35"),
            backup_storage=(e.get("INNING_BACKUP_STORAGE") or "").strip(),
            payment_reconcile_minutes=_positive(
                "INNING_PAYMENT_RECONCILE_MINUTES", e.get("INNING_PAYMENT_RECONCILE_MINUTES"), 60
            ),
            payment_reconcile_batch=_positive(
                "INNING_PAYMENT_RECONCILE_BATCH", e.get("INNING_PAYMENT_RECONCILE_BATCH"), 100
            ),
            outbox_sweep_minutes=_positive(
                "INNING_OUTBOX_SWEEP_MINUTES", e.get("INNING_OUTBOX_SWEEP_MINUTES"), 30
            ),
            outbox_sweep_give_up=_positive(
                "INNING_OUTBOX_SWEEP_GIVE_UP", e.get("INNING_OUTBOX_SWEEP_GIVE_UP"), 3
            ),
            unresolved_channel_settings=channels,
        )


def _positive(name: str, value: str | None, default: int) -> int:
    text = (value or "").strip() or str(default)
    if not text.isdigit() or int(text) < 1:
        raise SettingsError(f"{name} must be a whole number of at least 1, not {text!r}")
    return int(text)


def _hours(text: str) -> tuple[time, time]:
    try:
        start, end = (time.fromisoformat(part.strip()) for part in text.split("-"))
    except ValueError:
        raise SettingsError(
            f"INNING_CONTACT_HOURS must look like 07:00-20:00, not {text!r}"
        ) from None
    if not start < end:
        raise SettingsError("INNING_CONTACT_HOURS must open before it closes")
    return start, end


def _prices(text: str) -> dict[str, str]:
    """Euro prices per unit for metering, e.g. ``{"sms": "0.18"}``; defaults for the rest."""
    import json
    from decimal import Decimal, InvalidOperation

    prices = dict(DEFAULT_PRICES)
    if text.strip():
        try:
            given = json.loads(text)
            for key, value in given.items():
                if key not in DEFAULT_PRICES:
                    raise SettingsError(f"INNING_PRICES: unknown item {key!r}")
                Decimal(str(value))
                prices[key] = str(value)
        except (ValueError, InvalidOperation, AttributeError) as exc:
            raise SettingsError(
                f"INNING_PRICES must be a JSON object of decimal prices: {exc}"
            ) from None
    return prices
