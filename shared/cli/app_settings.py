"""The settings a CLI command runs with: the app's own, read the way the local host reads them.

In a shell on a developer's machine that is ``local.settings.json`` (or the committed sample)
underneath the environment, so ``inning agency create`` works in a fresh shell against the
Azurite that ``make run`` started. Where the environment says it is somewhere else (Azure, or
``INNING_ENVIRONMENT`` other than ``local``) the environment alone counts, so a production
command is never quietly pointed at Azurite."""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from shared.settings import AZURITE_DEFAULT, Settings

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
    """Not in Azure (the platform sets WEBSITE_INSTANCE_ID) and not told otherwise."""
    if environ.get("WEBSITE_INSTANCE_ID"):
        return False
    return environ.get("INNING_ENVIRONMENT", "local") == "local"


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
    env = app_environment(environ, root)
    settings = Settings.from_env(env, signs_portal_links=False, hashes_api_keys=hashes_api_keys)
    _storage_reachable(settings)
    return settings


def _storage_reachable(settings: Settings) -> None:
    """A local emulator that is not running fails at once with what to do, instead of after
    the storage SDK's minute of retries."""
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
        hint = " (start `make run` in another shell)" if conn == AZURITE_DEFAULT else ""
        raise ValueError(
            f"no storage at {endpoint.hostname}:{endpoint.port}: Azurite is not running{hint}"
        ) from None


def cli_services(environ: Mapping[str, str] | None = None, root: Path | None = None) -> Services:
    """The app's services, wired by the one wiring place, over the settings above."""
    from shared import bootstrap

    return bootstrap.build_services(cli_settings(environ, root))
