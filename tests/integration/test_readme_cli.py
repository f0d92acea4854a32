"""Every `inning` command the README shows, run as written, in a fresh environment: no
settings in the environment, a working directory with the files the README names, and (for
the commands that use storage) an Azurite of its own that the local settings point at, as
after `make run`. A command added to the README without a case here fails the test."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from shared.cli import app_settings
from shared.cli.main import main
from shared.domain.law.interest_rates import default_rate_table, rate_table_csv
from shared.domain.parties import Agency
from tests.conftest import STATEMENTS
from tools import azurite

ROOT = Path(__file__).resolve().parents[2]
SECTION = "## The `inning` command line"
NEWER_RATES = rate_table_csv(default_rate_table()) + "2027-01-01,3.50,9.65\n"

# what each README line must print (its first line; None: exit 0 is enough)
EXPECTED: dict[str, tuple[int, str | None]] = {
    "inning costs 2501": (0, "375.10"),
    "inning costs 2501 --b2b --vat": (0, "453.87"),
    "inning costs 5000 --b2b --percent 15": (0, "750.00"),
    "inning interest 1000 2023-03-15 2025-03-15": (0, "128.10"),
    "inning interest 1000 2023-03-15 2025-03-15 --commercial": (0, "252.48"),
    "inning interest 1000 2023-03-15 2025-03-15 --rates docs/examples/rates.csv": (0, "128.10"),
    "inning kenmerk 000056789012345": (0, "5000056789012345"),
    "inning kenmerk --check 5000056789012345": (0, None),
    "inning term 2024-11-04 --channel letter": (0, "2024-11-21"),
    "inning term 2025-12-04 --country BE": (0, "2025-12-30"),
    "inning prescription 2024-03-15 --consumer-purchase": (0, "2026-03-16"),
    "inning interest 1000 2013-05-01 2013-07-31 --commercial --contract-date 2013-03-01": (
        0,
        "19.32",
    ),
    "inning prescription 2024-03-15 --kind consumer_sale --interrupted 2025-01-10": (
        0,
        "2027-01-11",
    ),
    "inning statement parse docs/examples/day.sta": (0, "NL02ABNA0123456789 EUR  opening 0.00"),
    "inning statement parse docs/examples/day.sta --json": (0, "{"),
    "inning match --invoices docs/examples/open.csv --statement docs/examples/day.sta": (
        0,
        "line 0: 100.00  booked F1 100.00",
    ),
    'inning agency create acme --name "Acme Incasso"': (0, "inn_"),
    "inning rates show": (0, "shipped  newest rate from 2026-07-01"),
    "inning rates update docs/examples/rates.csv": (0, "shipped  newest rate from 2026-07-01"),
    "inning backup": (0, None),
    "inning restore --list": (0, None),
}


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index(SECTION) :]
    section = section[: section.index("\n## ", len(SECTION))]
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", section, flags=re.S):
        for line in block.splitlines():
            if line.startswith("inning "):
                command = line.split("  #", 1)[0].split(" && ", 1)[0].strip()
                commands.append(command)
    return commands


def test_every_readme_command_has_a_case():
    assert sorted(readme_commands()) == sorted(EXPECTED)


@pytest.fixture(scope="module")
def make_run_storage(tmp_path_factory) -> Iterator[str]:
    """An Azurite of this module's own (storage as `make run` leaves it), so that the
    commands' writes are seen by no other test."""
    with azurite.running(tmp_path_factory.mktemp("azurite")) as ports:
        yield ports.connection_string


@pytest.fixture
def fresh_shell(tmp_path: Path, monkeypatch, make_run_storage) -> Path:
    """A new shell: nothing of the app in the environment; the project's local settings
    (a copy of the sample, pointed at this module's Azurite) are all there is."""
    sample = json.loads((ROOT / "local.settings.sample.json").read_text())
    for name in list(os.environ):
        if name in sample["Values"] or name.startswith(("AzureWebJobs", "INNING_")):
            monkeypatch.delenv(name)
    project = tmp_path / "project"
    project.mkdir()
    sample["Values"]["AzureWebJobsStorage"] = make_run_storage
    (project / "local.settings.json").write_text(json.dumps(sample))
    monkeypatch.setattr(app_settings, "ROOT", project)
    work = tmp_path / "work"
    work.mkdir()
    shutil.copytree(ROOT / "docs/examples", work / "docs/examples")  # the files the README names
    shutil.copy(STATEMENTS / "mt940/oca-nl/test-ing.940", work / "ing.sta")
    (work / "rates.csv").write_text(NEWER_RATES)  # a later row, made up for the test only
    monkeypatch.chdir(work)
    return work


@pytest.mark.parametrize("command", sorted(EXPECTED))
def test_readme_command_works_as_written(fresh_shell, capsys, command):
    code, first = EXPECTED[command]  # `rates show` runs before `rates update` (sorted)
    assert main(shlex.split(command)[1:]) == code, capsys.readouterr().err
    out = capsys.readouterr().out
    if first is not None:
        assert out.startswith(first), out


def test_rates_update_then_show_in_the_same_fresh_shell(fresh_shell, capsys):
    assert main(["rates", "update", "rates.csv", "--json"]) == 0
    updated = json.loads(capsys.readouterr().out)
    assert updated["newest_rate_from"] == "2027-01-01"
    assert main(["rates", "show", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["version"] == updated["version"]


def test_agency_create_then_a_second_time(fresh_shell, capsys):
    assert main(["agency", "create", "second", "--name", "Second"]) == 0
    assert main(["agency", "create", "second", "--name", "Second"]) == 2
    assert "add --new-key" in capsys.readouterr().err


def test_a_new_key_keeps_the_agencys_account_and_address(fresh_shell, capsys):
    """docs/operations.md rotates the pepper with `--new-key`: the agency's third-party account
    and contact address (set nowhere else) stay (review newcomer8 #5: both were wiped)."""
    iban, email = "NL91ABNA0417164300", "desk@third.example"
    assert (
        main(["agency", "create", "third", "--name", "Third", "--iban", iban, "--email", email])
        == 0
    )
    assert main(["agency", "create", "third", "--name", "Third B.V.", "--new-key", "--json"]) == 0
    second = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    from shared.cli.app_settings import cli_services

    agency = cli_services().repos.agencies.get("third")
    assert agency is not None
    assert (agency.name, agency.third_party_iban, agency.contact_email) == (
        "Third B.V.",
        iban,
        email,
    )
    assert second["agency_id"] == "third" and second["key"]


def test_an_agency_made_without_its_account_records_it_later_without_a_new_key(fresh_shell, capsys):
    """`--iban` is optional at `agency create`: the account is recorded later by `agency
    update`, which prints no key (newcomer18 F1: only `--new-key` could, minting another
    agency-admin key; the blocked payouts and the refused export said nothing of how)."""
    from shared.cli.app_settings import cli_services

    iban, email = "NL05SNSB0908244436", "ops@fourth.example"
    assert main(["agency", "create", "fourth", "--name", "Fourth"]) == 0
    assert main(["agency", "create", "fourth", "--name", "Fourth", "--iban", iban]) == 2
    assert "inning agency update fourth" in capsys.readouterr().err
    keys = len(cli_services().repos.api_keys.for_agency("fourth"))
    assert main(["agency", "update", "fourth", "--iban", iban, "--email", email, "--json"]) == 0
    out = capsys.readouterr().out
    assert "inn_" not in out
    assert json.loads(out) == {
        "agency_id": "fourth", "name": "Fourth", "third_party_iban": iban, "contact_email": email,
        "vat_number": None, "postal_address": None,
    }  # fmt: skip
    agency = cli_services().repos.agencies.get("fourth")
    assert agency is not None and (agency.third_party_iban, agency.contact_email) == (iban, email)
    assert len(cli_services().repos.api_keys.for_agency("fourth")) == keys
    assert main(["agency", "update", "fourth", "--name", "Fourth B.V."]) == 0  # the rest kept
    agency = cli_services().repos.agencies.get("fourth")
    assert agency is not None and (agency.name, agency.third_party_iban) == ("Fourth B.V.", iban)
    capsys.readouterr()
    assert main(["agency", "update", "nobody", "--iban", iban]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["agency", "update", "fourth"]) == 2
    assert main(["agency", "create", "fifth", "--name", "Fifth"]) == 0
    capsys.readouterr()
    assert main(["agency", "update", "fifth", "--iban", iban]) == 2  # fourth's account
    assert "registered to another client or agency" in capsys.readouterr().err


def test_an_agency_records_its_vat_number_and_address_for_its_statements(fresh_shell, capsys):
    """A settlement statement is the agency's invoice for its fee (art. 35a Wet OB 1968 asks
    its VAT number and address on it): newcomer24 F2, the agency had nowhere to give them."""
    from shared.cli.app_settings import cli_services

    assert main(["agency", "create", "kust", "--name", "Kust", "--vat-number", "nl 1234.56789 b01",
                 "--address", "Havenstraat 1,\n 2582 AB  Den Haag"]) == 0  # fmt: skip
    agency = cli_services().repos.agencies.get("kust")
    assert agency is not None
    assert (agency.vat_number, agency.postal_address) == (
        "NL123456789B01", "Havenstraat 1, 2582 AB Den Haag"
    )  # fmt: skip
    capsys.readouterr()
    assert main(["agency", "update", "kust", "--vat-number", "NL987654321B02", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert (shown["vat_number"], shown["postal_address"]) == (
        "NL987654321B02", "Havenstraat 1, 2582 AB Den Haag"
    )  # fmt: skip
    assert main(["agency", "update", "kust", "--vat-number", "123"]) == 2
    assert "--vat-number: not a VAT identification number" in capsys.readouterr().err


def test_a_new_agency_gets_the_starter_dunning_set_up_for_its_clients(fresh_shell, capsys):
    """newcomer18 F2: `agency create` left the agency without defaults, so `POST
    /v1/onboarding/clients` copied nothing and its clients' debtors waited without a
    workflow. A new agency gets the starter set; an agency made before gets it with `agency
    update --dunning-starter`, which never writes over defaults it has."""
    from shared.adapters.tables.people_repo import defaults_scope
    from shared.cli.app_settings import cli_services

    assert main(["agency", "create", "sixth", "--name", "Sixth"]) == 0
    dunning = cli_services().repos.dunning
    assert dunning.workflows(defaults_scope("sixth"))["standaard"].active
    assert dunning.templates(defaults_scope("sixth"))["veertiendagenbrief"].fourteen_day_letter
    capsys.readouterr()
    assert main(["agency", "update", "sixth", "--dunning-starter", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["dunning_starter"].startswith("kept")
    cli_services().repos.agencies.save(Agency("older", "Older", None))  # made before
    assert main(["agency", "update", "older", "--dunning-starter", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["dunning_starter"] == "added"
    assert "standaard" in cli_services().repos.dunning.workflows(defaults_scope("older"))


def test_without_azurite_the_storage_commands_say_what_to_do(fresh_shell, monkeypatch, capsys):
    closed = azurite.free_port()
    settings = json.loads((app_settings.ROOT / "local.settings.json").read_text())
    settings["Values"]["AzureWebJobsStorage"] = azurite.AzuritePorts(
        closed, closed, closed
    ).connection_string
    (app_settings.ROOT / "local.settings.json").write_text(json.dumps(settings))
    assert main(["agency", "create", "acme", "--name", "Acme"]) == 2
    assert "Azurite is not reachable at 127.0.0.1:" in capsys.readouterr().err


def test_local_settings_are_read_as_the_host_reads_them(tmp_path):
    env = app_settings.app_environment({}, ROOT)
    assert env["AzureWebJobsStorage"] == "UseDevelopmentStorage=true"  # from the sample
    assert env["INNING_ENVIRONMENT"] == "local"
    override = app_settings.app_environment({"INNING_PUBLIC_BASE_URL": "http://x"}, ROOT)
    assert override["INNING_PUBLIC_BASE_URL"] == "http://x"  # the environment wins
    (tmp_path / "local.settings.json").write_text('{"Values": {"INNING_PRICES": "{}"}}')
    assert app_settings.app_environment({}, tmp_path) == {"INNING_PRICES": "{}"}


def test_a_production_shell_is_never_pointed_at_azurite():
    production = {
        "INNING_ENVIRONMENT": "production",
        "AzureWebJobsStorage__accountName": "inningprod",
        "INNING_API_KEY_PEPPER": "p" * 40,
    }
    env = app_settings.app_environment(production, ROOT)
    assert env == production
    settings = app_settings.cli_settings(production, ROOT)  # no portal keys needed to onboard
    assert settings.storage_connection_string is None
    assert settings.table_service_uri == "https://inningprod.table.core.windows.net"
    azure = app_settings.app_environment({"WEBSITE_INSTANCE_ID": "x"}, ROOT)
    assert "AzureWebJobsStorage" not in azure
    identity = app_settings.app_environment({"AzureWebJobsStorage__accountName": "a"}, ROOT)
    assert "AzureWebJobsStorage" not in identity


def test_the_console_script_is_installed_and_runs_in_a_bare_environment(tmp_path):
    script = Path(sys.executable).with_name("inning")
    done = subprocess.run(
        [str(script), "costs", "2501"],
        env={"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path)},
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0 and done.stdout.strip() == "375.10", done.stderr


def test_user_invite_and_broadcast_read_the_local_settings_too(fresh_shell, capsys):
    """Like `agency create`, the people commands reach `make run`'s Azurite from a new shell."""
    assert main(["agency", "create", "people", "--name", "People B.V."]) == 0
    capsys.readouterr()
    invite = ["user", "invite", "first@people.example", "--agency", "people"]
    assert main([*invite, "--role", "agency_admin", "--json"]) == 0, capsys.readouterr().err
    assert json.loads(capsys.readouterr().out)["email"] == "first@people.example"
    publish = ["broadcast", "publish", "--nl", "Onderhoud", "--en", "Maintenance"]
    assert main([*publish, "--from", "2026-12-01", "--until", "2026-12-02"]) == 0
    assert capsys.readouterr().out.strip()


def test_agency_create_with_a_taken_iban_is_a_one_line_error(fresh_shell, capsys):
    iban = "NL02ABNA0123456789"
    assert main(["agency", "create", "owner", "--name", "Owner", "--iban", iban]) == 0
    capsys.readouterr()
    assert main(["agency", "create", "other", "--name", "Other", "--iban", iban]) == 2
    err = capsys.readouterr().err
    assert err == f"inning: error: --iban: IBAN {iban} is registered to another client or agency\n"
    assert main(["agency", "create", "other", "--name", "Other", "--iban", "NL00"]) == 2
    assert "NL91ABNA0417164300" not in capsys.readouterr().err  # the demo agency's own account


def test_the_example_rate_table_is_the_shipped_one():
    """docs/examples/rates.csv is a copy to extend, never a rate of its own."""
    shipped = rate_table_csv(default_rate_table())
    assert (ROOT / "docs/examples/rates.csv").read_text(encoding="utf-8") == shipped


def test_rates_update_with_a_later_row_says_when_the_app_uses_it(fresh_shell, capsys):
    assert main(["rates", "update", "rates.csv"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("v") and "within 10 minutes" in out


def test_a_bank_export_parses_too(fresh_shell, capsys):
    assert main(["statement", "parse", "ing.sta"]) == 0
    assert capsys.readouterr().out.startswith("NL77INGB0574908765 EUR  opening 662.23")


def test_a_statement_dropped_by_the_tool_lies_where_the_bank_would_put_it(fresh_shell, capsys):
    """README *Bank statements*: "drop a file into the blob container `statements` under the
    agency's folder"; on `make run` a newcomer had no way to (no Azure CLI, no Storage
    Explorer: newcomer28 F1). `tools.drop_statement` writes `statements/<agency>/<file>`, the
    bank's path (not `api/`, which proves no IBAN claim), and only into the local emulator."""
    from shared.cli.app_settings import cli_services
    from tools import drop_statement

    assert main(["agency", "create", "dropco", "--name", "Drop B.V."]) == 0
    capsys.readouterr()
    assert drop_statement.main(["dropco", "docs/examples/day.sta"]) == 0
    assert capsys.readouterr().out.startswith("statements/dropco/day.sta: ")
    stored = cli_services().files.get("statements", "dropco/day.sta")
    assert stored == (fresh_shell / "docs/examples/day.sta").read_bytes()
    assert drop_statement.blob_name("dropco", Path("a b/../.x y.sta")) == "dropco/x_y.sta"
    assert drop_statement.main(["nobody", "docs/examples/day.sta"]) == 2
    assert "no agency 'nobody'" in capsys.readouterr().err
    assert drop_statement.main(["dropco", "missing.sta"]) == 2
    assert "cannot read missing.sta" in capsys.readouterr().err


def test_the_drop_tool_refuses_a_shell_that_is_not_local(fresh_shell, monkeypatch, capsys):
    from tools import drop_statement

    monkeypatch.setenv("INNING_ENVIRONMENT", "production")
    monkeypatch.setenv("AzureWebJobsStorage__accountName", "inningprod")
    monkeypatch.setenv("INNING_API_KEY_PEPPER", "p" * 40)
    assert drop_statement.main(["dropco", "docs/examples/day.sta"]) == 2
    assert "only into the local emulator" in capsys.readouterr().err


def test_the_drop_tool_writes_to_no_account_a_local_shell_names_outside(
    fresh_shell, monkeypatch, capsys
):
    """attack29 F1: `INNING_ENVIRONMENT=local` (an emulator on another host) with a storage
    account that is not local: the tool made its tables there and would have put the file
    under `statements/<agency>/`, the bank's path that proves a pending IBAN claim. It
    refuses now, before any request reaches the account."""
    import http.server
    import threading

    from tools import drop_statement

    seen: list[str] = []

    class Account(http.server.BaseHTTPRequestHandler):
        def _any(self) -> None:
            seen.append(f"{self.command} {self.path}")
            self.send_response(403)  # no retry: one refused request is enough to see
            self.end_headers()

        do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = do_PATCH = _any

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.2", 0), Account)  # a host that is not local
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.2:{server.server_port}/prodacct"
        monkeypatch.setenv("INNING_ENVIRONMENT", "local")
        monkeypatch.setenv(
            "AzureWebJobsStorage",
            "DefaultEndpointsProtocol=http;AccountName=prodacct;AccountKey=a2V5;"
            f"BlobEndpoint={url};QueueEndpoint={url};TableEndpoint={url};",
        )
        assert drop_statement.main(["dropco", "docs/examples/day.sta"]) == 2
        assert "only into the local emulator" in capsys.readouterr().err
        assert seen == []
    finally:
        server.shutdown()
        server.server_close()
