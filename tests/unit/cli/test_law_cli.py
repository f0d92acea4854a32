import json
import subprocess
import sys

import pytest

from shared.cli.main import main


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["costs", "2501"], "375.10"),
        (["costs", "2501.00", "--vat"], "453.87"),
        (["costs", "266.66"], "40.00"),
        (["costs", "1000000", "--b2b"], "6775.00"),
        # a business client's agreed costs (law4 #10): 15 % of 5,000 = 750.00 (staffel 625.00);
        # 15 % of 1,000,000 = 150,000.00 is capped at the staffel's maximum 6,775.00 as a
        # fixed agreed amount is (law8 F4); 10 % of 1,000,000 too; 30.00 fixed -> the 40.00
        # minimum
        (["costs", "5000", "--b2b", "--percent", "15"], "750.00"),
        (["costs", "1000000", "--b2b", "--percent", "15"], "6775.00"),
        (["costs", "1000000", "--b2b", "--percent", "10"], "6775.00"),
        # 15 % of 45,166.66 = 6,774.999 -> 6,775.00 just under the cap; 45,200.00 -> 6,780 capped
        (["costs", "45166.66", "--b2b", "--percent", "15"], "6775.00"),
        (["costs", "45200", "--b2b", "--percent", "15", "--vat"], "8197.75"),
        (["costs", "5000", "--b2b", "--fixed", "30.00"], "40.00"),
        (["interest", "1000", "2023-03-15", "2025-03-15"], "128.10"),
        # 6:119a lid 1 counts the payment day ("tot en met"): 252.09 up to 15-3, + 0.39 for it
        (["interest", "1000", "2023-03-15", "2025-03-15", "--commercial"], "252.48"),
        (["interest", "1000", "2023-03-15", "2025-03-14", "--commercial"], "252.09"),
        (["interest", "10000", "2025-02-01", "2025-03-03", "--commercial"], "94.70"),
        (["interest", "10000", "2025-02-01", "2025-03-03"], "49.32"),
        (["kenmerk", "000056789012345"], "5000056789012345"),
        (["term", "2024-11-04", "--channel", "email"], "2024-11-19"),
        (["prescription", "2024-03-15"], "2029-03-16"),
    ],
)
def test_plain_output(capsys, args, expected):
    code, out, _ = run(capsys, *args)
    assert code == 0
    assert out.strip() == expected


@pytest.mark.parametrize(
    "args",
    [
        ["costs", "abc"],
        ["costs", "-5"],
        ["costs", "1.234"],
        ["costs", "0"],
        ["costs", "5000", "--percent", "15"],  # a consumer: the staffel only
        ["costs", "5000", "--b2b", "--percent", "101"],
        ["costs", "5000", "--b2b", "--percent", "15", "--fixed", "250"],
        ["interest", "100", "2024-01-02", "2024-01-01"],
        ["interest", "100", "2024-13-01", "2024-12-01"],
        ["kenmerk", "123"],
        ["nonsense"],
    ],
)
def test_bad_input_exits_2_with_one_line(capsys, args):
    code, out, err = run(capsys, *args)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and err.startswith("inning: error:")


def test_kenmerk_check_exit_codes(capsys):
    assert run(capsys, "kenmerk", "--check", "5000056789012345") == (0, "", "")
    assert run(capsys, "kenmerk", "--check", "6000056789012345")[0] == 1


@pytest.mark.parametrize(
    ("reference", "why"),
    [
        ("6000056789012345", "its check digit (the first) should be 5, not 6"),
        ("12345678", "8 digits: a betalingskenmerk has 7, 9 to 14, or 16 digits"),
        ("5000-05678-9012A", "only digits"),
    ],
)
def test_kenmerk_check_says_why_on_stderr(capsys, reference, why):
    """newcomer31 F8: an invalid reference was refused in silence (exit 1, nothing said)."""
    code, out, err = run(capsys, "kenmerk", "--check", reference)
    assert (code, out) == (1, "")
    assert err.startswith(f"inning: not a valid betalingskenmerk: {reference}: {why}")
    assert err.count("\n") == 1


def test_kenmerk_check_json_keeps_stdout_for_the_data(capsys):
    code, out, err = run(capsys, "kenmerk", "--check", "6000056789012345", "--json")
    assert code == 1 and json.loads(out) == {"reference": "6000056789012345", "valid": False}
    assert "check digit" in err


def test_costs_json_breakdown(capsys):
    code, out, _ = run(capsys, "costs", "3750", "--json")
    data = json.loads(out)
    assert code == 0
    assert data["total"] == "500.00"
    assert [b["rate_percent"] for b in data["bands"]] == ["15.00", "10.00"]


def test_agreed_costs_above_the_staffel_are_said_to_be_cut_able(capsys):
    """lawyer26 F2: 15 % of 10,000.00 is 1,500.00 where the staffel gives 875.00; the CLI
    printed 1500.00 and nothing else, its JSON naming the agreed amount "staffel_exact"."""
    code, out, err = run(capsys, "costs", "10000", "--b2b", "--percent", "15")
    assert (code, out.strip()) == (0, "1500.00")
    assert err.startswith("note: the agreed 1500.00 is above the staffel's 875.00")
    assert "ECLI:NL:HR:2015:1868" in err
    _, out, _ = run(capsys, "costs", "10000", "--b2b", "--percent", "15", "--vat", "--json")
    data = json.loads(out)
    assert (data["total"], data["staffel_costs"], data["staffel_total"]) == (
        "1815.00",
        "875.00",
        "1058.75",
    )
    assert data["above_staffel"] is True
    # 15 % of 2,000.00 is the staffel's own 300.00, and a fixed 30.00 is lifted to 40.00
    for args in (["2000", "--b2b", "--percent", "15"], ["100", "--b2b", "--fixed", "30"]):
        _, _, err = run(capsys, "costs", *args)
        assert err == ""
    _, out, _ = run(capsys, "costs", "2000", "--b2b", "--percent", "15", "--json")
    assert json.loads(out)["above_staffel"] is False
    _, out, _ = run(capsys, "costs", "2000", "--json")
    assert "staffel_costs" not in json.loads(out)


def test_interest_json_breakdown(capsys):
    _, out, _ = run(capsys, "interest", "1000", "2023-03-15", "2025-03-15", "--json")
    data = json.loads(out)
    assert data["interest"] == "128.10"
    assert data["capitalisations"][0]["on"] == "2024-03-15"
    assert sum(p["days"] for p in data["periods"]) == 731


def test_console_script_is_installed():
    result = subprocess.run(
        [sys.executable, "-m", "shared.cli.main", "costs", "1000"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stdout.strip() == "150.00"


def test_a_stale_table_warns_once_in_this_commands_terms(capsys, tmp_path):
    stale = tmp_path / "old.csv"
    stale.write_text("effective_from,consumer,commercial\n2015-01-01,2.00,8.05\n")
    code, out, err = run(
        capsys, "interest", "1000", "2023-03-15", "2025-03-15", "--rates", str(stale)
    )
    assert code == 0 and out.strip() == "40.46"  # 2% a year, capitalised once
    assert err.count("inning: warning:") == 1
    assert "--rates FILE" in err and "not for this command" in err
    code, out, err = run(
        capsys, "interest", "1000", "2023-03-15", "2025-03-15", "--rates", str(stale), "--json"
    )
    assert err == ""  # with --json the warning is in the document, not printed a second time
    assert len(json.loads(out)["warnings"]) == 1


def test_output_into_a_closed_pipe_ends_quietly():
    """`inning ... --json | head -1`: no BrokenPipeError traceback."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "shared.cli.main", "interest", "1000", "2023-03-15",
         "2025-03-15", "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader is gone before the first line is written
    err = proc.stderr.read().decode()
    proc.wait(timeout=60)
    assert "Traceback" not in err and "BrokenPipe" not in err, err
    assert proc.returncode == 1
