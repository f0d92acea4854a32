"""The settings a CLI command runs with: the app's own, read the way the local host reads them.

In a shell on a developer's machine that is ``local.settings.json`` (or the committed sample)
underneath the environment, so ``inning agency create`` works in a fresh shell against the
Azurite that ``make run`` started. Where the environment says it is somewhere else (Azure, or
``INNING_ENVIRONMENT`` other than ``local``) the environment alone counts, so a production
command is never quietly pointed at Azurite.

The other way round matters more (ops6 #7): a shell that names a real storage account or Key
Vault but not ``INNING_ENVIRONMENT`` used to count as local, laying the sample (development
pepper, a table for secrets, the demo operator) over production. Such a shell is refused with
what to set; ``INNING_ENVIRONMENT=production`` (docs/operations.md, "The operator's shell")
or, for an emulator on another host, ``INNING_ENVIRONMENT=local`` says which it is."""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from shared.azure_names import names_azure
from shared.settings import Settings

if TYPE_CHECKING:
    from shared.services.container import Services

ROOT = Path(__file__).resolve().parents[2]
SETTINGS_FILES = ("local.settings.json", "local.settings.sample.json")


def local_settings(root: Path) -> dict[str, str]:
    """``local.settings.json`` or, failing that, the sample: its ``Values`` without the notes
    (keys starting with ``_``); the local host reads the same (tools/devhost/config.py)."""
    import json

    for name in SETTINGS_FILES:
        path = root / name
        if path.exists():
            values = json.loads(path.read_text(encoding="utf-8")).get("Values", {})
            return {str(k): str(v) for k, v in values.items() if not str(k).startswith("_")}
    return {}


def is_local(environ: Mapping[str, str]) -> bool:
    """Not in Azure (the platform sets WEBSITE_INSTANCE_ID) and not told otherwise; a shell
    naming Azure storage or a vault without ``INNING_ENVIRONMENT`` is not local either."""
    if environ.get("WEBSITE_INSTANCE_ID"):
        return False
    if "INNING_ENVIRONMENT" in environ:
        return environ["INNING_ENVIRONMENT"] == "local"
    return names_azure(environ) is None


def explicit_environment(environ: Mapping[str, str]) -> None:
    """Refuse a shell that names Azure but not which environment it is."""
    if environ.get("WEBSITE_INSTANCE_ID") or "INNING_ENVIRONMENT" in environ:
        return
    named = names_azure(environ)
    if named:
        raise ValueError(
            f"{named} names Azure storage or a Key Vault but INNING_ENVIRONMENT is not set: "
            "set INNING_ENVIRONMENT=production (with the vault and pepper, docs/operations.md "
            "'The operator's shell'), or INNING_ENVIRONMENT=local for an emulator"
        )


def app_environment(
    environ: Mapping[str, str] | None = None, root: Path | None = None
) -> dict[str, str]:
    """The environment with the local settings underneath (the environment wins), outside
    Azure; the environment alone elsewhere."""
    env = dict(os.environ if environ is None else environ)
    if not is_local(env):
        return env
    values = local_settings(ROOT if root is None else root)
    if any(k.startswith("AzureWebJobsStorage__") for k in env):
        values.pop("AzureWebJobsStorage", None)  # identity-based storage named explicitly
    return values | env


def cli_settings(
    environ: Mapping[str, str] | None = None,
    root: Path | None = None,
    *,
    hashes_api_keys: bool = True,
) -> Settings:
    explicit_environment(dict(os.environ if environ is None else environ))
    env = app_environment(environ, root)
    settings = Settings.from_env(env, signs_portal_links=False, hashes_api_keys=hashes_api_keys)
    _storage_reachable(settings)
    return settings


def _storage_reachable(settings: Settings) -> None:
    """A local emulator that is not running fails at once with what to do, instead of after
    the storage SDK's minute of retries. Only the table endpoint is tried, as every command
    reads tables: a blob endpoint that does not answer is a case some commands handle
    themselves (``restore --list`` names the lost account's nights unreadable and lists the
    backup account's), and one lost mid-command is one line too (:func:`shared.cli.main.main`)."""
    conn = settings.storage_connection_string
    if not conn:
        return
    parts = dict(p.split("=", 1) for p in conn.split(";") if "=" in p)
    endpoint = urlsplit(parts.get("TableEndpoint", ""))
    if endpoint.hostname not in ("127.0.0.1", "localhost") or endpoint.port is None:
        return
    try:
        socket.create_connection((endpoint.hostname, endpoint.port), timeout=1).close()
    except OSError:
        raise ValueError(unreachable(f"{endpoint.hostname}:{endpoint.port}")) from None


def unreachable(address: str) -> str:
    """The one line a command says when the local storage does not answer (newcomer31 F5)."""
    return (
        f"Azurite is not reachable at {address}: start it with `make run` (in another shell), "
        "or set AzureWebJobsStorage to the connection string of the storage to use"
    )


def cli_services(environ: Mapping[str, str] | None = None, root: Path | None = None) -> Services:
    """The app's services, wired by the one wiring place, over the settings above."""
    from shared import bootstrap

    return bootstrap.build_services(cli_settings(environ, root))
