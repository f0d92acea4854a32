"""`make run` is stopped with Ctrl-C: the banner points at localhost, and a Ctrl-C reaches the
whole terminal group quietly: template workers ignore it (their parent ends them), Azurite runs
in a group of its own and is stopped after the host, by a SIGINT it obeys at once."""

from __future__ import annotations

import os
import signal
import time

from shared.adapters.template_sandbox import IsolatedRenderer
from shared.domain.dunning.templates import MessageTemplate, sample_context
from tools import azurite
from tools.devhost import run


def test_the_banner_names_localhost_for_the_secure_cookies(capsys):
    url = run.local_url(7071)
    run._banner(url, {"agency": "a", "BAKKERIJ": "b", "ADVIES": "c"})
    run._people_banner(url, {"agency_admin": {"email": "e", "password": "p", "totp_secret": "s"}})
    out = capsys.readouterr().out
    assert "http://localhost:7071/api/console/login" in out
    assert "http://localhost:7071/api/v1" in out and "127.0.0.1" not in out


def test_a_template_worker_outlives_a_ctrl_c_and_ends_with_its_parent():
    renderer = IsolatedRenderer(workers=1)
    template = MessageTemplate("nl", "{{ debtor.name }}", "x")
    try:
        renderer.render(template, sample_context())
        worker = renderer._idle.get_nowait()
        renderer._idle.put(worker)
        assert worker.process.pid is not None
        os.kill(worker.process.pid, signal.SIGINT)  # what the terminal sends the whole group
        time.sleep(0.5)
        assert worker.process.is_alive()  # no KeyboardInterrupt traceback, no death
        assert renderer.render(template, sample_context()).subject
    finally:
        renderer.close()
    worker.process.join(5)
    assert not worker.process.is_alive()


def test_azurite_in_its_own_group_stops_on_sigint(tmp_path):
    ports = azurite.AzuritePorts(azurite.free_port(), azurite.free_port(), azurite.free_port())
    proc = azurite.start(tmp_path, ports, own_group=True)
    try:
        assert os.getpgid(proc.pid) != os.getpgid(0)  # a Ctrl-C here does not reach it
    finally:
        azurite.stop(proc, interrupt=True)
    assert proc.returncode == 0  # it saved and exited by itself, not killed after the wait


def test_the_hosts_storage_clients_pool_as_many_connections_as_their_callers():
    """urllib3's ten per host made every `make run` log "Connection pool is full" nine times."""
    from tools.devhost.pooling import PooledTransport

    transport = PooledTransport(40)
    transport.open()
    try:
        adapter = transport.session.get_adapter("http://127.0.0.1:10001/")
        assert adapter.poolmanager.connection_pool_kw["maxsize"] == 40
        assert adapter.max_retries.total is False  # the SDK's own retry policy still decides
    finally:
        transport.close()


def test_a_second_make_run_stops_before_it_seeds_anything(monkeypatch):
    """final4 finding 12: with the host's port taken (another `make run`), the run ends at once
    with a clear message, before it starts or seeds an Azurite."""
    import socket

    import pytest

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        monkeypatch.setenv(run.HOST_PORT_SETTING, str(taken.getsockname()[1]))
        # what the run points at its own ports, given back after the test
        monkeypatch.setenv("AzureWebJobsStorage", "UseDevelopmentStorage=true")
        monkeypatch.setenv("INNING_PUBLIC_BASE_URL", "http://localhost:7071")
        monkeypatch.setattr(run, "apply_settings", lambda settings: None)

        def must_not_start(*args, **kwargs):
            raise AssertionError("Azurite started although the host's port was taken")

        monkeypatch.setattr(azurite, "start", must_not_start)
        with pytest.raises(SystemExit, match="is in use"):
            run.main()


RUN_IN = """
import sys
from pathlib import Path

from tools.devhost import run

if __name__ == "__main__":
    run.DATA = Path(sys.argv[1])  # the test's own, not the checkout's .data
    run.main()
"""


def test_make_run_starts_on_the_ports_it_is_given(tmp_path):
    """newcomer17 F6: 7071 and Azurite's 10000-10002 were hard-coded, so a second checkout on
    one machine could not run. INNING_LOCAL_PORT and INNING_LOCAL_AZURITE_PORT (`make run
    PORT=… AZURITE_PORT=…`) move both; the app's storage and its links follow."""
    import json
    import subprocess
    import sys
    import urllib.request

    from tools.devhost.run import ROOT

    host_port, blob = azurite.free_port(), _three_free_ports()
    script = tmp_path / "run_in.py"
    script.write_text(RUN_IN)
    env = {k: v for k, v in os.environ.items()
           if k not in ("AzureWebJobsStorage", "INNING_PUBLIC_BASE_URL")}  # fmt: skip
    env |= {"INNING_LOCAL_PORT": str(host_port), "INNING_LOCAL_AZURITE_PORT": str(blob),
            "PYTHONPATH": str(ROOT)}  # fmt: skip
    proc = subprocess.Popen([sys.executable, str(script), str(tmp_path / "data")], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)  # fmt: skip
    url = f"http://127.0.0.1:{host_port}/api/v1"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=2) as answer:
                    assert answer.status == 200
                    break
            except OSError:
                time.sleep(0.5)
        assert proc.poll() is None, proc.communicate()[0][-3000:]
        assert all(azurite.port_open(p) for p in (blob, blob + 1, blob + 2))
        keys = json.loads((tmp_path / "data" / "demo-keys.json").read_text())
        request = urllib.request.Request(
            f"{url}/clients/BAKKERIJ/debtors/D-1001/portal-link", data=b"", method="POST",
            headers={"X-Api-Key": keys["BAKKERIJ"]},
        )  # fmt: skip
        with urllib.request.urlopen(request, timeout=30) as answer:
            links = json.loads(answer.read())
        # the portal link the debtor gets points at this run's host
        assert links["portal_link"].startswith(f"http://localhost:{host_port}/api/p/")
    finally:
        proc.send_signal(signal.SIGINT)
        out = proc.communicate(timeout=60)[0]
    assert proc.returncode == 0, out[-3000:]
    assert f"http://localhost:{host_port}/api/v1" in out  # the banner
    assert f"Azurite started on {blob}-{blob + 2}" in out
    assert f"BlobEndpoint=http://127.0.0.1:{blob}/" in out  # what the CLI is told to use
    assert not any(azurite.port_open(p) for p in (host_port, blob, blob + 1, blob + 2))


def _three_free_ports() -> int:
    """A blob port whose next two (queue, table) are free too."""
    for _ in range(50):
        first = azurite.free_port()
        if first < 65533 and not any(azurite.port_open(first + i) for i in (1, 2)):
            return first
    raise AssertionError("no three free ports in a row")
