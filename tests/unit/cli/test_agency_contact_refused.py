"""``inning agency create`` and ``inning agency update`` refuse a bad --iban or --email the
same way, before any storage is read (no Azurite here: reaching storage would fail the test
with a connection error, not the refusal asserted)."""

from __future__ import annotations

import pytest

from shared.cli.main import main


@pytest.mark.parametrize("command", [["create", "acme", "--name", "Acme"], ["update", "acme"]])
@pytest.mark.parametrize(
    ("flag", "value", "said"),
    [
        ("--iban", "NL00ABNA0000000000", "--iban: "),
        ("--email", "ops-at-acme.nl", "--email: not an e-mail address: ops-at-acme.nl"),
    ],
)
def test_a_bad_contact_is_refused_by_both_commands(capsys, monkeypatch, command, flag, value, said):
    monkeypatch.setenv(
        "AzureWebJobsStorage",
        "DefaultEndpointsProtocol=http;AccountName=x;AccountKey=eA==;TableEndpoint=http://127.0.0.1:9/x;BlobEndpoint=http://127.0.0.1:9/x;QueueEndpoint=http://127.0.0.1:9/x",
    )
    assert main(["agency", *command, flag, value]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"inning: error: {said}")
