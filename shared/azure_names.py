"""Whether a process's settings name real Azure (storage or a Key Vault) rather than a local
emulator: the app's settings judge their environment by it (``Settings.from_env``), and so do
the operator's shells (``shared.cli.app_settings``), so the committed development keys never
meet real data."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

_LOCAL_HOSTS = ("127.0.0.1", "localhost", "azurite")


def names_azure(environ: Mapping[str, str]) -> str | None:
    """The setting by which a shell names real Azure storage or a Key Vault, or None."""
    if environ.get("AzureWebJobsStorage__accountName"):
        return "AzureWebJobsStorage__accountName"
    for kind in ("table", "blob", "queue"):
        name = f"AzureWebJobsStorage__{kind}ServiceUri"
        host = urlsplit(environ.get(name, "")).hostname
        if host and host not in _LOCAL_HOSTS:
            return name
    if connection_names_azure(environ.get("AzureWebJobsStorage", "")):
        return "AzureWebJobsStorage"
    if environ.get("INNING_KEY_VAULT_URL"):
        return "INNING_KEY_VAULT_URL"
    # the backup account: a shell counted as local would back Azurite up into production's
    # backups (a "complete" night the watch believes) or restore production from Azurite's
    backup = environ.get("INNING_BACKUP_STORAGE", "").strip()
    if backup and (
        connection_names_azure(backup)
        if "=" in backup
        else urlsplit(backup).hostname not in _LOCAL_HOSTS
    ):
        return "INNING_BACKUP_STORAGE"
    return None


def connection_names_azure(conn: str) -> bool:
    """Whether the storage SDK would take connection string ``conn`` anywhere but a local
    emulator: Azurite's shortcut is local, otherwise every service the app uses (tables, blobs,
    queues) must name a local endpoint, for one left out the SDK builds
    ``https://<account>.<service>.core.windows.net`` (attack15 P2: an account name and key
    without EndpointSuffix passed as local, so production got the development pepper)."""
    parts = {
        key.strip().lower(): value.strip()
        for key, _, value in (p.partition("=") for p in conn.split(";"))
        if key.strip()
    }
    if not parts:
        return False
    if parts.get("usedevelopmentstorage", "").lower() == "true":
        return False
    for service in ("table", "blob", "queue"):
        host = urlsplit(parts.get(f"{service}endpoint", "")).hostname
        if host not in _LOCAL_HOSTS:
            return True
    return False
