"""`make run`: Azurite, demo data, the local host; Ctrl-C stops everything it started.

The ports are settings (environment variables; `make run PORT=7391 AZURITE_PORT=10391` sets
them): ``INNING_LOCAL_PORT``, the host's (7071), and ``INNING_LOCAL_AZURITE_PORT``, Azurite's
blob port (10000; queue and table the next two). A second checkout on one machine runs on
ports of its own (newcomer17 F6: both were hard-coded). The app follows them: its storage
connection when it names the local Azurite, its public base URL (portal links, the banner)
when it is the sample's localhost URL."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import threading
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path

from tools import azurite
from tools.devhost.config import HostConfig, apply_settings, load_local_settings

ROOT = Path(__file__).resolve().parent.parent.parent
DATA = ROOT / ".data"
HOST_PORT_SETTING = "INNING_LOCAL_PORT"
AZURITE_PORT_SETTING = "INNING_LOCAL_AZURITE_PORT"
DEFAULT_HOST_PORT = 7071
DEFAULT_AZURITE_PORT = 10000  # blob; queue 10001, table 10002 (Azurite's own defaults)
LOCAL_STORAGE = "UseDevelopmentStorage=true"  # the sample's: Azurite on its default ports


@dataclass(frozen=True)
class LocalPorts:
    host: int
    azurite: azurite.AzuritePorts

    @property
    def storage(self) -> tuple[int, int, int]:
        return (self.azurite.blob, self.azurite.queue, self.azurite.table)


def local_ports(values: Mapping[str, str]) -> LocalPorts:
    """The ports ``values`` (the environment over the local settings) ask for, else the
    defaults. A value that is no port ends the run before anything starts."""
    host = _port(values, HOST_PORT_SETTING, DEFAULT_HOST_PORT, 65535)
    blob = _port(values, AZURITE_PORT_SETTING, DEFAULT_AZURITE_PORT, 65533)
    return LocalPorts(host, azurite.AzuritePorts(blob, blob + 1, blob + 2))


def _port(values: Mapping[str, str], name: str, default: int, highest: int) -> int:
    raw = (values.get(name) or "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= highest:
        raise SystemExit(f"{name}={raw!r} is not a port (1-{highest}); nothing was started")
    return int(raw)


def follow_ports(
    ports: LocalPorts, settings: Mapping[str, str], env: MutableMapping[str, str]
) -> None:
    """Point the app at this run's Azurite and host (``env`` wins over ``settings``, as in
    :func:`apply_settings`): the storage connection when it is the local Azurite's, the public
    base URL when it is the sample's ``http://localhost:7071``. A value of one's own (another
    storage account, a tunnel's URL) is kept."""
    storage = env.get("AzureWebJobsStorage") or settings.get("AzureWebJobsStorage") or LOCAL_STORAGE
    if storage == LOCAL_STORAGE:
        env["AzureWebJobsStorage"] = ports.azurite.connection_string
    default_url = local_url(DEFAULT_HOST_PORT)
    public = env.get("INNING_PUBLIC_BASE_URL") or settings.get("INNING_PUBLIC_BASE_URL")
    if (public or default_url).rstrip("/") == default_url:
        env["INNING_PUBLIC_BASE_URL"] = local_url(ports.host)


def cli_exports(env: Mapping[str, str]) -> str:
    """The banner's line for the `inning` command line on this run: its storage and the
    links it writes (an invitation's, `inning user invite`), which otherwise come from the
    sample's port 7071 (newcomer19 F4: a dead link, or another checkout's console)."""
    said = " ".join(
        f"{name}='{env[name]}'"
        for name in ("AzureWebJobsStorage", "INNING_PUBLIC_BASE_URL")
        if env.get(name)
    )
    # the command on a line of its own: copied whole, it runs (newcomer28 F4: behind the
    # sentence, a triple-click copied the prose too and the shell said "command not found")
    return f"The `inning` command line on this run's storage and links, in another shell:\n  export {said}"


def main() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("azure").setLevel(logging.WARNING)
    settings = load_local_settings(ROOT)
    ports = local_ports({**settings, **os.environ})
    follow_ports(ports, settings, os.environ)
    apply_settings(settings)
    if azurite.port_open(ports.host):
        # checked before anything is seeded: a second `make run` on one machine would
        # otherwise write its demo data into the first one's Azurite and then fail on the port
        raise SystemExit(
            f"port {ports.host} is in use (another `make run`?): stop it first, or give this "
            f"one ports of its own (`make run PORT=7072 AZURITE_PORT=10010`, README "
            "*Configuration*); nothing was started or seeded"
        )
    proc: subprocess.Popen[bytes] | None = None
    first, *_, last = ports.storage
    host = None
    try:
        # inside the try: a Ctrl-C while Azurite starts stops what started; a refusal (its
        # data folder in use by another `make run`'s Azurite, newcomer31 F10) is one line
        if not all(azurite.port_open(p) for p in ports.storage):
            try:
                proc = azurite.start(DATA / "azurite", ports.azurite, own_group=True)
            except RuntimeError as exc:
                raise SystemExit(f"make run: {exc}") from None
            print(f"Azurite started on {first}-{last} (data in {DATA / 'azurite'})")
        else:
            print(f"Azurite already running on {first}-{last}; using it")
        from shared import bootstrap
        from shared.clock import amsterdam_today
        from tools.demo import seed
        from tools.devhost.host import LocalHost

        keys = seed(bootstrap.services(), DATA, amsterdam_today())
        from tools.demo_people import seed_people

        users = seed_people(bootstrap.services(), DATA)
        from tools.demo_console import seed_console

        seed_console(bootstrap.services())
        from tools.demo_talk import seed_talk

        seed_talk(bootstrap.services())
        host = LocalHost(
            ROOT / "function_app.py", HostConfig.load(ROOT / "host.json"), port=ports.host
        )
        host.start()
        _banner(local_url(host.port), keys)
        if ports != local_ports({}):  # the `inning` command line reads the sample otherwise
            print(cli_exports(os.environ) + "\n", flush=True)
        _people_banner(local_url(host.port), users)
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, lambda *_: stop.set())
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        # nothing started (a refusal, or a Ctrl-C before Azurite listened): nothing to say
        started = host is not None or proc is not None
        if started:
            print("\nstopping (the host, then Azurite)", flush=True)
        if host is not None:
            host.stop()  # listeners and timers first, while Azurite still answers them
        from shared.adapters.template_sandbox import close_shared

        close_shared()  # the template workers ignore Ctrl-C: the host ends them
        if proc is not None:
            azurite.stop(proc, interrupt=True)
        if started:
            print("stopped", flush=True)


def local_url(port: int) -> str:
    """The URL to open: ``localhost``, not the bind address, because the console's
    ``__Host-`` cookies are Secure and browsers accept Secure cookies over plain HTTP only
    from ``localhost`` (README, *People and sign-in*)."""
    return f"http://localhost:{port}"


def _banner(url: str, keys: dict[str, str]) -> None:
    print(
        f"""
Inning is running.
  Integration API   {url}/api/v1   (OpenAPI: {url}/api/v1/openapi.json)
  Outbox            {url}/api/outbox   (what would have been sent; no provider is configured)
  Host admin        POST {url}/admin/functions/<name>  {{"input": "..."}}

Demo API keys (also in .data/demo-keys.json):
  agency "demo-agency"  {keys["agency"]}
  client BAKKERIJ       {keys["BAKKERIJ"]}
  client ADVIES         {keys["ADVIES"]}

Try:
  curl -s -H "X-Api-Key: {keys["agency"]}" {url}/api/v1/clients
  curl -s -H "X-Api-Key: {keys["BAKKERIJ"]}" "{url}/api/v1/clients/BAKKERIJ/invoices?status=open"

Ctrl-C stops Inning and Azurite.
""",
        flush=True,
    )


def _people_banner(url: str, users: dict[str, dict[str, str]]) -> None:
    lines = [f"Demo people (sign in at {url}/api/console/login; also in .data/demo-users.json):"]
    for role, u in users.items():
        where = f" ({u['client']})" if "client" in u else ""
        lines.append(
            f"  {role:<13} {u['email']:<34} {u['password']}  TOTP {u['totp_secret']}{where}"
        )
    lines.append(
        "  A TOTP code: .venv/bin/python -c \"import pyotp; print(pyotp.TOTP('<secret>').now())\""
    )
    print("\n".join(lines) + "\n", flush=True)


if __name__ == "__main__":
    main()
