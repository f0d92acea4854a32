"""The one wiring place: settings -> adapters -> services. Nothing else reads settings.

Clients are created lazily on first use and cached for the life of the worker process (the
Functions host reuses a worker across invocations), never at import time.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the adapters load on first use: a trigger's cold start pays only for its own
    from shared.clock import Clock
    from shared.domain.messaging import Channel
    from shared.ports.channels import ChannelSender
    from shared.ports.files import FileStore
    from shared.ports.queues import QueueSender
    from shared.ports.tables import TableStore
    from shared.services.container import Services
    from shared.settings import Settings

if TYPE_CHECKING:
    from shared.adapters.queues.poison_reader import StoragePoisonQueues

_lock = threading.Lock()
_services: Services | None = None


def table_store(settings: Settings) -> TableStore:
    from shared.adapters.tables.azure import AzureTableStore

    if settings.storage_connection_string:
        return AzureTableStore.from_connection_string(settings.storage_connection_string)
    assert settings.table_service_uri is not None
    return AzureTableStore.from_endpoint(settings.table_service_uri, _credential(settings))


def _credential(settings: Settings) -> Any:
    from azure.identity import DefaultAzureCredential

    return DefaultAzureCredential(managed_identity_client_id=settings.managed_identity_client_id)


def file_store(settings: Settings) -> FileStore:
    from shared.adapters.blobs.store import AzureFileStore

    if settings.storage_connection_string:
        return AzureFileStore.from_connection_string(settings.storage_connection_string)
    assert settings.blob_service_uri is not None
    return AzureFileStore.from_endpoint(settings.blob_service_uri, _credential(settings))


def queue_sender(settings: Settings) -> QueueSender:
    from shared.adapters.queues.storage import StorageQueueSender

    if settings.storage_connection_string:
        return StorageQueueSender.from_connection_string(settings.storage_connection_string)
    assert settings.queue_service_uri is not None
    return StorageQueueSender.from_endpoint(settings.queue_service_uri, _credential(settings))


def secret_store(settings: Settings, store: TableStore) -> Any:
    """Key Vault when ``INNING_KEY_VAULT_URL`` is set (always in Azure: infra/app/api.bicep);
    locally a table stands in. Outside local development there is no stand-in."""
    if settings.key_vault_url:
        from shared.adapters.secrets.key_vault import KeyVaultSecretStore

        return KeyVaultSecretStore.for_vault(settings.key_vault_url, _credential(settings))
    if settings.environment != "local":
        from shared.settings import SettingsError

        raise SettingsError("INNING_KEY_VAULT_URL must be set outside local development")
    from shared.adapters.secrets.table_store import TableSecretStore

    return TableSecretStore(store)


def table_backup(settings: Settings, *, tables: Any = None) -> Any:
    """Every table to the ``backups`` container and back (shared/adapters/tables/backup.py):
    of the backup account when ``INNING_BACKUP_STORAGE`` names one (write-once: the app may
    not delete or overwrite there), else of the tables' own account. ``tables``: another
    account's tables to restore into (``inning restore --target-...``)."""
    from azure.storage.blob import BlobServiceClient

    from shared.adapters.tables.backup import TableBackup
    from shared.adapters.tables.file_backup import FileBackup

    tables = tables if tables is not None else _tables_client(settings)
    target = settings.backup_storage
    if not target:
        return TableBackup(tables, _blobs_client(settings))
    # the app's files go to the backup account with the tables (restore26 F4); into the
    # tables' own account a copy would be lost with what it copies
    files = FileBackup(_blobs_client(settings))
    if "=" in target:  # a connection string (Azurite locally); in Azure the blob endpoint
        return TableBackup(
            tables, BlobServiceClient.from_connection_string(target), write_once=True, files=files
        )
    return TableBackup(
        tables,
        BlobServiceClient(target, credential=_credential(settings)),
        write_once=True,
        files=files,
    )


def legacy_backup(settings: Settings, *, tables: Any = None, retries: int | None = None) -> Any:
    """The tables' own account's ``backups`` container when the backups go to a backup
    account (None otherwise): the nights kept there before stay readable, and are pruned.
    ``retries``: fewer than the SDK's (a lost account took 89 s of retries to say so)."""
    from shared.adapters.tables.backup import TableBackup

    if not settings.backup_storage:
        return None
    tables = tables if tables is not None else _tables_client(settings)
    extra = {} if retries is None else {"retry_total": retries}
    return TableBackup(tables, _blobs_client(settings, **extra))


def tables_of(settings: Settings, connection: str = "", account: str = "") -> Any:
    """The table service of another account (a connection string, or an account name reached
    with the signed-in identity); neither: the app's own."""
    from azure.data.tables import TableServiceClient

    if connection:
        return TableServiceClient.from_connection_string(connection)
    if account:
        return TableServiceClient(
            f"https://{account}.table.core.windows.net", credential=_credential(settings)
        )
    return _tables_client(settings)


def blobs_of(settings: Settings, connection: str = "", account: str = "") -> Any:
    """The blob service of another account, as :func:`tables_of`; neither: the app's own."""
    from azure.storage.blob import BlobServiceClient

    if connection:
        return BlobServiceClient.from_connection_string(connection)
    if account:
        return BlobServiceClient(
            f"https://{account}.blob.core.windows.net", credential=_credential(settings)
        )
    return _blobs_client(settings)


def _tables_client(settings: Settings) -> Any:
    from azure.data.tables import TableServiceClient

    if settings.storage_connection_string:
        return TableServiceClient.from_connection_string(settings.storage_connection_string)
    assert settings.table_service_uri is not None
    return TableServiceClient(settings.table_service_uri, credential=_credential(settings))


def _blobs_client(settings: Settings, **options: Any) -> Any:
    from azure.storage.blob import BlobServiceClient

    if settings.storage_connection_string:
        return BlobServiceClient.from_connection_string(
            settings.storage_connection_string, **options
        )
    assert settings.blob_service_uri is not None
    return BlobServiceClient(settings.blob_service_uri, credential=_credential(settings), **options)


def poison_reader(settings: Settings) -> StoragePoisonQueues:
    """Poison queues read raw (the sweep drains what no trigger can decode)."""
    from azure.storage.queue import QueueServiceClient

    from shared.adapters.queues.poison_reader import StoragePoisonQueues

    if settings.storage_connection_string:
        return StoragePoisonQueues(
            QueueServiceClient.from_connection_string(settings.storage_connection_string)
        )
    assert settings.queue_service_uri is not None
    return StoragePoisonQueues(
        QueueServiceClient(settings.queue_service_uri, credential=_credential(settings))
    )


def build_services(
    settings: Settings,
    *,
    clock: Clock | None = None,
    store: TableStore | None = None,
    files: FileStore | None = None,
    queues: QueueSender | None = None,
    senders: dict[Channel, ChannelSender] | None = None,
) -> Services:
    from shared.adapters.channels.factory import senders_from
    from shared.clock import SystemClock
    from shared.services.container import Services
    from shared.services.repositories import Repositories

    repos = Repositories.over(store or table_store(settings))
    repos.ensure_tables()
    chosen = (
        senders
        if senders is not None
        else senders_from(settings.providers, settings.public_base_url, settings.callback_token)
    )
    if senders is None:
        chosen = production_senders(settings, store or repos.store, chosen)
    return Services.build(
        settings,
        clock or SystemClock(),
        repos,
        files or file_store(settings),
        queues or queue_sender(settings),
        chosen,
    )


def production_senders(
    settings: Settings, store: TableStore, chosen: dict[Channel, ChannelSender]
) -> dict[Channel, ChannelSender]:
    """E-mail through each client's own linked Office 365 tenant when the multi-tenant app
    registration is configured; outside local development, a channel without a provider
    fails loudly instead of falling back to the outbox (shared/adapters/channels/unconfigured.py)."""
    from shared.adapters.channels.graph_tenants import per_tenant_mail
    from shared.adapters.channels.unconfigured import refuse_missing
    from shared.domain.messaging import Channel

    if settings.unresolved_channel_settings:  # the channels stay unconfigured, the app runs
        import logging

        logging.getLogger("inning.settings").error(
            "Key Vault references did not resolve (check the secret exists and the app's "
            "identity may read it); their channels are unconfigured: %s",
            ", ".join(settings.unresolved_channel_settings),
        )
    mail = per_tenant_mail(settings, store, chosen.get(Channel.EMAIL))
    if mail is not None:
        chosen = {**chosen, Channel.EMAIL: mail}
    return {**chosen, **refuse_missing(dict(chosen), settings.environment)}


def services() -> Services:
    from shared.settings import Settings

    global _services
    with _lock:
        if _services is None:
            _services = build_services(Settings.from_env())
        return _services


def reset() -> None:
    """Forget the cached services (tests, and the local host after changing settings)."""
    global _services
    with _lock:
        _services = None
