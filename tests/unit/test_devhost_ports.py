"""`make run`'s ports as settings (newcomer17 F6): what the run reads, and what of the app's
settings follows them. The run itself on other ports: tests/integration/devhost/
test_make_run_stop.py."""

from __future__ import annotations

import shlex

import pytest

from tools.devhost.run import follow_ports, local_ports


def test_the_defaults_are_7071_and_azurites_own():
    ports = local_ports({})
    assert (ports.host, ports.storage) == (7071, (10000, 10001, 10002))


def test_the_settings_move_the_host_and_azurites_three_ports():
    ports = local_ports({"INNING_LOCAL_PORT": "7391", "INNING_LOCAL_AZURITE_PORT": " 10391 "})
    assert (ports.host, ports.storage) == (7391, (10391, 10392, 10393))


@pytest.mark.parametrize("value", ["abc", "0", "70000", "65534", "-1"])
def test_a_value_that_is_no_port_ends_the_run_before_anything_starts(value):
    with pytest.raises(SystemExit, match="is not a port"):
        local_ports({"INNING_LOCAL_AZURITE_PORT": value})


def test_the_sample_storage_and_url_follow_the_ports():
    env: dict[str, str] = {}
    sample = {"AzureWebJobsStorage": "UseDevelopmentStorage=true",
              "INNING_PUBLIC_BASE_URL": "http://localhost:7071"}  # fmt: skip
    follow_ports(local_ports({"INNING_LOCAL_PORT": "7391",
                              "INNING_LOCAL_AZURITE_PORT": "10391"}), sample, env)  # fmt: skip
    assert env["INNING_PUBLIC_BASE_URL"] == "http://localhost:7391"
    assert "BlobEndpoint=http://127.0.0.1:10391/" in env["AzureWebJobsStorage"]
    assert "TableEndpoint=http://127.0.0.1:10393/" in env["AzureWebJobsStorage"]


def test_values_of_ones_own_are_kept():
    own = {"AzureWebJobsStorage": "DefaultEndpointsProtocol=https;AccountName=mine;AccountKey=k",
           "INNING_PUBLIC_BASE_URL": "https://abc.ngrok.example"}  # fmt: skip
    env = dict(own)
    follow_ports(local_ports({"INNING_LOCAL_PORT": "7391"}), {}, env)
    assert env == own


def test_the_banner_gives_the_command_line_the_links_port_too():
    """newcomer19 F4: on ports of its own the banner gave `inning` only the storage, so
    `inning user invite` printed and mailed http://localhost:7071/api/console/invite/...: a
    dead link, or another checkout's console."""
    from tools.devhost.run import cli_exports

    env: dict[str, str] = {}
    sample = {"AzureWebJobsStorage": "UseDevelopmentStorage=true",
              "INNING_PUBLIC_BASE_URL": "http://localhost:7071"}  # fmt: skip
    follow_ports(local_ports({"INNING_LOCAL_PORT": "7561",
                              "INNING_LOCAL_AZURITE_PORT": "10561"}), sample, env)  # fmt: skip
    line = cli_exports(env)
    assert "INNING_PUBLIC_BASE_URL='http://localhost:7561'" in line
    assert "AzureWebJobsStorage='DefaultEndpointsProtocol=http;" in line
    assert line.startswith("The `inning` command line on this run's storage and links")
    # newcomer28 F4: the export is a line of its own, so the line copied whole is the command
    command = line.splitlines()[-1].strip()
    assert command.startswith("export AzureWebJobsStorage='"), line
    words = shlex.split(command)
    assert words[0] == "export" and dict(w.split("=", 1) for w in words[1:]) == {
        "AzureWebJobsStorage": env["AzureWebJobsStorage"],
        "INNING_PUBLIC_BASE_URL": "http://localhost:7561",
    }
