"""Start and stop Azurite (pinned in package-lock.json) for `make run` and the tests."""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BINARY = ROOT / "node_modules" / ".bin" / "azurite"
ACCOUNT = "devstoreaccount1"
# The well-known Azurite development key (public; documented by Microsoft).
ACCOUNT_KEY = (
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)
KEEP_ALIVE_SECONDS = "240"
# in the data folder: held (flock) by the Azurite using it, for as long as that process lives
LOCK_FILE = ".inning-azurite.lock"


class AzuriteBusy(RuntimeError):
    """Another Azurite uses the data folder."""


@dataclass(frozen=True)
class AzuritePorts:
    blob: int
    queue: int
    table: int

    @property
    def connection_string(self) -> str:
        return self.connection_string_for(ACCOUNT, ACCOUNT_KEY)

    def connection_string_for(self, account: str, key: str) -> str:
        """Another account of an Azurite started with ``accounts`` (path-style endpoints)."""
        base = "http://127.0.0.1"
        return (
            f"DefaultEndpointsProtocol=http;AccountName={account};AccountKey={key};"
            f"BlobEndpoint={base}:{self.blob}/{account};"
            f"QueueEndpoint={base}:{self.queue}/{account};"
            f"TableEndpoint={base}:{self.table}/{account};"
        )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


def start(
    location: Path,
    ports: AzuritePorts,
    timeout: float = 30.0,
    *,
    in_memory: bool = False,
    own_group: bool = False,
    accounts: Mapping[str, str] | None = None,
) -> subprocess.Popen[bytes]:
    """``in_memory``: keep the data in memory only (``location`` is then unused). Azurite
    otherwise rewrites its whole table database as one JSON file every 5 s (LokiJS autosave):
    at 100,000 invoices that is 170 MB a time, which stalls every request; the benchmarks
    measure Inning, not that.

    ``own_group``: a process group of its own, so a Ctrl-C in the terminal (SIGINT to the
    foreground group) does not kill Azurite under the running host: `make run` stops the host
    first and Azurite after it (the host's listeners otherwise retry a dead Azurite for a
    minute before they give up).

    ``accounts``: more storage accounts (name: base64 key) beside devstoreaccount1, through
    Azurite's ``AZURITE_ACCOUNTS`` (which would otherwise replace the default account): the
    backup account and a new account to restore into, in the tests."""
    if not BINARY.exists():
        raise RuntimeError("Azurite is not installed: run `npm ci` (make does this for you)")
    location.mkdir(parents=True, exist_ok=True)
    lock = None if in_memory else _lock(location)
    try:
        proc = _spawn(location, ports, in_memory, own_group, accounts, lock)
    finally:
        if lock is not None:
            os.close(lock)  # Azurite holds it now: released when it exits, however it ends
    try:
        _wait_until_listening(proc, ports, timeout)
    except BaseException:  # also a Ctrl-C while waiting: no Azurite is left behind
        proc.kill()
        proc.wait()
        raise
    return proc


def _lock(location: Path) -> int:
    """Two Azurites on one data folder overwrite each other's database (newcomer31 F10: a
    second `make run` on other ports started one): the folder's lock file, held by the
    Azurite that uses it, refuses the second."""
    fd = os.open(location / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.read(fd, 32).decode(errors="replace").strip()
        os.close(fd)
        raise AzuriteBusy(
            f"another Azurite{f' (pid {holder})' if holder else ''} already uses the data in "
            f"{location} (a second `make run` on this checkout?): stop it first, or use its "
            "ports; nothing was started"
        ) from None
    return fd


def _spawn(
    location: Path,
    ports: AzuritePorts,
    in_memory: bool,
    own_group: bool,
    accounts: Mapping[str, str] | None,
    lock: int | None,
) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [
            str(BINARY),
            "--silent",
            "--skipApiVersionCheck",
            "--loose",
            # no telemetry: it phones Microsoft, and without internet its send holds the exit
            # for half a minute or more (a Ctrl-C or terminate then waits for the kill)
            "--disableTelemetry",
            *(["--inMemoryPersistence"] if in_memory else ["--location", str(location)]),
            "--blobHost",
            "127.0.0.1",
            "--blobPort",
            str(ports.blob),
            "--queueHost",
            "127.0.0.1",
            "--queuePort",
            str(ports.queue),
            "--tableHost",
            "127.0.0.1",
            "--tablePort",
            str(ports.table),
            # Node closes a keep-alive connection idle for 5 s by default; a client reusing it
            # at that moment gets a reset (a POST, such as a batch, is not retried). Azure's
            # front ends keep idle connections for minutes: so does this Azurite.
            *("--blobKeepAliveTimeout", KEEP_ALIVE_SECONDS),
            *("--queueKeepAliveTimeout", KEEP_ALIVE_SECONDS),
            *("--tableKeepAliveTimeout", KEEP_ALIVE_SECONDS),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=own_group,
        env=_environment(accounts),
        pass_fds=() if lock is None else (lock,),
    )
    if lock is not None:  # who holds it, for the refusal of a second one
        os.ftruncate(lock, 0)
        os.pwrite(lock, str(proc.pid).encode(), 0)
    return proc


def _wait_until_listening(
    proc: subprocess.Popen[bytes], ports: AzuritePorts, timeout: float
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(port_open(p) for p in (ports.blob, ports.queue, ports.table)):
            return
        if proc.poll() is not None:
            err = proc.stderr.read().decode() if proc.stderr else ""
            raise RuntimeError(f"Azurite exited: {err.strip()}")
        time.sleep(0.1)
    raise RuntimeError("Azurite did not start in time")


def _environment(accounts: Mapping[str, str] | None) -> dict[str, str] | None:
    if not accounts:
        return None  # inherited, as before
    listed = {ACCOUNT: ACCOUNT_KEY, **accounts}
    return {**os.environ, "AZURITE_ACCOUNTS": ";".join(f"{n}:{k}" for n, k in listed.items())}


def stop(proc: subprocess.Popen[bytes], *, interrupt: bool = False) -> None:
    """``interrupt``: stop it as a Ctrl-C does (SIGINT), which Azurite answers by saving and
    exiting at once; a SIGTERM it may sit out until the kill ten seconds later."""
    if interrupt:
        proc.send_signal(signal.SIGINT)
    else:
        proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@contextlib.contextmanager
def running(
    location: Path,
    ports: AzuritePorts | None = None,
    *,
    in_memory: bool = False,
    accounts: Mapping[str, str] | None = None,
) -> Iterator[AzuritePorts]:
    ports = ports or AzuritePorts(free_port(), free_port(), free_port())
    proc = start(location, ports, in_memory=in_memory, accounts=accounts)
    try:
        yield ports
    finally:
        stop(proc)
