"""A file with the client's account and an account nobody registered (a bank's "download all
selected accounts": the savings account comes along) books the client's statement and holds
back only the other one, with an item that names the account and the file and says what to
do; a redelivered file books nothing twice and holds the statement back once (newcomer9 F)."""

from __future__ import annotations

import json

from shared.api.console.action_text import title
from shared.services.statements import QUARANTINE
from tests.unit.services.test_statement_ingest import (
    actions,
    invoice,
    paid_line,
    setup,  # noqa: F401  (the fixture)
    statement,
)

SAVINGS = "NL33KNAB0255554444"  # registered nowhere


def _both(world) -> bytes:
    ref = invoice(world, "F-0001")["payment_reference"]
    own = statement([paid_line(12_100, "", reference=ref, end_to_end_id="E1")])
    other = statement([paid_line(5_000, "rente", end_to_end_id="E2")], sid="S9", account=SAVINGS)
    return bytes(own + other)


def test_the_known_accounts_statement_is_booked_the_unknown_one_held_back(setup) -> None:  # noqa: F811
    data = _both(setup)
    report = setup.services.statements.ingest("agency-a/all.sta", data)
    assert report.status == "booked" and report.booked == 1 and report.held_back == 1, report
    assert invoice(setup, "F-0001")["status"] == "paid"
    files = setup.services.files
    held = [n for n in files.names(QUARANTINE, "agency-a/") if not n.endswith(".error.json")]
    assert len(held) == 1 and held[0].startswith(f"agency-a/all.sta.{SAVINGS}-"), held
    assert files.get(QUARANTINE, "agency-a/all.sta") is None  # the file itself is not refused
    assert files.get(QUARANTINE, held[0]) == data  # sent again later, only it is new
    error = json.loads(files.get(QUARANTINE, held[0] + ".error.json"))
    assert error["account"] == SAVINGS and error["file"] == "agency-a/all.sta"
    items, _ = setup.services.repos.actions.list("@agency-a")
    [item] = [x for x in items if x.kind == "statement_quarantined"]
    assert SAVINGS in item.title and "agency-a/all.sta" in item.title
    assert "Register" in item.title and "resolve this item" in item.title
    dutch = title(item.title, "nl")
    assert dutch.startswith(f"Afschrift van rekening {SAVINGS} in bestand agency-a/all.sta")
    assert "Registreer" in dutch

    again = setup.services.statements.ingest("agency-a/all.sta", data)  # a redelivery
    assert again.booked == 0 and again.statements_skipped == 1 and again.status == "skipped"
    items, _ = setup.services.repos.actions.list("@agency-a")
    assert [x.kind for x in items].count("statement_quarantined") == 1
    assert len(setup.agency_a.call("GET", "/v1/clients/C1/payments").body["items"]) == 1
    assert "payment_unmatched" not in actions(setup)


def test_a_file_of_unknown_accounts_only_is_still_refused_whole(setup) -> None:  # noqa: F811
    data = statement([paid_line(5_000, "rente", end_to_end_id="E2")], account=SAVINGS)
    report = setup.services.statements.ingest("agency-a/savings.sta", data)
    assert report.status == "quarantined"
    assert setup.services.files.get(QUARANTINE, "agency-a/savings.sta") == data
