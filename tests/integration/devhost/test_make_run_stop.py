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
        monkeypatch.setattr(run, "HOST_PORT", taken.getsockname()[1])
        monkeypatch.setattr(run, "apply_settings", lambda settings: None)

        def must_not_start(*args, **kwargs):
            raise AssertionError("Azurite started although the host's port was taken")

        monkeypatch.setattr(azurite, "start", must_not_start)
        with pytest.raises(SystemExit, match="is in use"):
            run.main()
