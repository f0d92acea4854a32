"""``inning agency create`` refuses an id Table Storage or a shell would trip over, in one line
saying what an id may be, before any storage is read (newcomer31 F1: ``a/b`` and a tab were
stored, an empty or long id failed as "key longer than 512 characters")."""

from __future__ import annotations

import pytest

from shared.cli.main import main
from shared.domain.parties import agency_id_error

NO_STORAGE = (
    "DefaultEndpointsProtocol=http;AccountName=x;AccountKey=eA==;TableEndpoint=http://127.0.0.1:9/x;"
    "BlobEndpoint=http://127.0.0.1:9/x;QueueEndpoint=http://127.0.0.1:9/x"
)


@pytest.mark.parametrize(
    "agency_id", ["a/b", "a\\b", "a#b", "a?b", "a\tb", "", " acme", ".acme", "x" * 65, "é"]
)
def test_a_bad_agency_id_is_refused_before_storage(capsys, monkeypatch, agency_id):
    monkeypatch.setenv("AzureWebJobsStorage", NO_STORAGE)  # reaching storage would say so
    assert main(["agency", "create", agency_id, "--name", "Acme"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"inning: error: not an agency id: {agency_id!r}")
    assert "letters, digits, '-', '_' or '.'" in err
    assert err.count("\n") == 1


@pytest.mark.parametrize("agency_id", ["acme", "acme-incasso", "demo-agency", "a.b_c", "x" * 64])
def test_a_good_agency_id_passes(agency_id):
    assert agency_id_error(agency_id) is None
