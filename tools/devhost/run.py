"""`make run`: Azurite, demo data, the local host; Ctrl-C stops everything it started."""

from __future__ import annotations

import logging
import signal
import subprocess
import threading
from pathlib import Path

from tools import azurite
from tools.devhost.config import HostConfig, apply_settings, load_local_settings

ROOT = Path(__file__).resolve().parent.parent.parent
DATA = ROOT / ".data"
DEFAULT_PORTS = azurite.AzuritePorts(10000, 10001, 10002)
HOST_PORT = 7071


def main() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("azure").setLevel(logging.WARNING)
    apply_settings(load_local_settings(ROOT))
    if azurite.port_open(HOST_PORT):
        # checked before anything is seeded: a second `make run` on one machine would
        # otherwise write its demo data into the first one's Azurite and then fail on the port
        raise SystemExit(
            f"port {HOST_PORT} is in use (another `make run`?): stop it first; nothing was "
            "started or seeded"
        )
    proc: subprocess.Popen[bytes] | None = None
    if not all(azurite.port_open(p) for p in (10000, 10001, 10002)):
        proc = azurite.start(DATA / "azurite", DEFAULT_PORTS, own_group=True)
        print("Azurite started (data in .data/azurite)")
    else:
        print("Azurite already running on 10000-10002; using it")
    host = None
    try:
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
            ROOT / "function_app.py", HostConfig.load(ROOT / "host.json"), port=HOST_PORT
        )
        host.start()
        _banner(local_url(host.port), keys)
        _people_banner(local_url(host.port), users)
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, lambda *_: stop.set())
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        print("\nstopping (the host, then Azurite)", flush=True)
        if host is not None:
            host.stop()  # listeners and timers first, while Azurite still answers them
        from shared.adapters.template_sandbox import close_shared

        close_shared()  # the template workers ignore Ctrl-C: the host ends them
        if proc is not None:
            azurite.stop(proc, interrupt=True)
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
