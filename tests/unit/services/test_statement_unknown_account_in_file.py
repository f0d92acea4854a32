"""A file with the client's account and an account nobody registered (a bank's "download all
selected accounts": the savings account comes along) books the client's statement and holds
back only the other one, with an item that names the account and the file and says what to
do; a redelivered file books nothing twice and holds the statement back once (newcomer9 F)."""

from __future__ import annotations

import json

from shared.api.console.action_text import title
from shared.domain.parties import Agency
from shared.domain.records import ActionItem, ActionStatus
from shared.domain.references import iban
from shared.services.onboarding import register_agency
from shared.services.statement_sources import console_prefix
from shared.services.statements import QUARANTINE
from tests.unit.api.conftest import client_iban
from tests.unit.services.test_statement_ingest import (
    actions,
    invoice,
    paid_line,
    setup,  # noqa: F401  (the fixture)
    statement,
)

SAVINGS = "NL33KNAB0255554444"  # registered nowhere
POOL = client_iban("POOL")  # the agency's third-party account


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
    assert held == ["agency-a/all.sta.held-back"], held
    assert files.get(QUARANTINE, "agency-a/all.sta") is None  # the file itself is not refused
    assert files.get(QUARANTINE, held[0]) == data  # sent again later, only it is new
    error = json.loads(files.get(QUARANTINE, held[0] + ".error.json"))
    assert error["accounts"] == [SAVINGS] and error["file"] == "agency-a/all.sta"
    assert error["held_back"] == 1 and SAVINGS in error["errors"][0]
    items, _ = setup.services.repos.actions.list("@agency-a")
    [item] = [x for x in items if x.kind == "statement_quarantined"]
    assert SAVINGS in item.title and "agency-a/all.sta" in item.title
    assert "Register" in item.title and "resolve this item" in item.title
    dutch = title(item.title, "nl")
    assert dutch.startswith(
        f"1 afschrift(en) in bestand agency-a/all.sta niet geboekt: rekening(en) {SAVINGS} "
        "horen bij geen opdrachtgever van het bureau"
    )
    assert "Registreer" in dutch and " not " not in dutch

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


def _held(world) -> list[ActionItem]:
    items, _ = world.services.repos.actions.list("@agency-a", page_size=1000)
    return [x for x in items if x.kind == "statement_quarantined"]


def test_a_redelivery_after_staff_resolved_the_item_adds_none(setup) -> None:  # noqa: F811
    """Staff resolve the item ("a savings account"); the blob event comes twice more: no new
    item (failure10 #6, was one each). The file uploaded anew under a new name gets its own."""
    data = _both(setup)
    ingest = setup.services.statements.ingest
    ingest("agency-a/all.sta", data)
    [item] = _held(setup)
    setup.services.actions.resolve("@agency-a", item.action_id, "savings account", "staff")
    for _ in range(2):
        setup.clock.advance(seconds=5)
        assert ingest("agency-a/all.sta", data).held_back == 1  # Event Grid delivers again
    assert [x.status for x in _held(setup)] == [ActionStatus.RESOLVED]
    ingest("agency-a/api/20250303T100000000000-all.sta", data)  # uploaded anew
    assert sorted(x.status.value for x in _held(setup)) == ["open", "resolved"]


def test_many_held_back_statements_make_one_copy_and_one_item(setup) -> None:  # noqa: F811
    """A file of the client's statement and 300 empty ones of unknown accounts: one copy of
    the file and one item naming ten accounts and counting the rest (attack10 F4: was 300
    copies of the whole file, 9 MB from 30 KB, and 300 items)."""
    own = statement([paid_line(100, "rente", end_to_end_id="E9")])
    unknown = [iban.build("NL", f"KNAB{k:010d}") for k in range(300)]
    data = own + b"".join(statement([], sid=f"U{k}", account=a) for k, a in enumerate(unknown))
    report = setup.services.statements.ingest("agency-a/many.sta", data)
    assert (report.booked, report.held_back) == (0, 300) and report.statements == 1
    assert len(report.warnings) == 11 and report.warnings[-1].startswith("290 more")
    files = setup.services.files
    names = files.names(QUARANTINE, "agency-a/")
    assert sorted(names) == [
        "agency-a/many.sta.held-back",
        "agency-a/many.sta.held-back.error.json",
    ]
    assert sum(len(files.get(QUARANTINE, n)) for n in names) < 2 * len(data)
    [item] = _held(setup)
    assert ", ".join(unknown[:10]) + " and 290 more belong" in item.title
    assert item.detail["accounts"] == unknown[:100] and item.detail["held_back"] == 300
    assert "en 290 andere horen" in title(item.title, "nl")


def test_a_clients_upload_with_the_pooled_accounts_statement_is_never_advised_to_book(
    setup,  # noqa: F811
) -> None:
    """A client's console upload carrying a statement of the agency's pooled account next to
    its own (the client's writing, not the bank's): the item says so and tells the agency to
    book that account from the bank's own statement, never to upload the file again (attack10
    F3: "register it and upload the file again" booked the forgery), in Dutch on a Dutch page;
    the client uploading it again books it no more than the first time."""
    register_agency(setup.services.repos, Agency("agency-a", "A", POOL))
    ref = invoice(setup, "F-0001")["payment_reference"]
    own = statement([paid_line(100, "rente", end_to_end_id="E9")])
    forged = statement([paid_line(12_100, "", reference=ref)], sid="P1", account=POOL)
    client_id = setup.services.repos.clients.id_for_number("agency-a", "C1")
    assert client_id is not None
    name = console_prefix("agency-a", client_id) + "20250303T090000000000-all.sta"
    report = setup.services.statements.ingest(name, own + forged)
    assert report.held_back == 1 and invoice(setup, "F-0001")["status"] != "paid"
    [item] = _held(setup)
    assert f"uploaded for client C1, not booked: account(s) {POOL} are no verified" in item.title
    assert "upload the file again" not in item.title and "Register" not in item.title
    assert "never upload it through the agency" in item.title
    assert item.detail["client"] == "C1"
    dutch = title(item.title, "nl")
    assert dutch.startswith(f"1 afschrift(en) in bestand {name}, geüpload voor opdrachtgever C1")
    assert "upload het nooit via het bureau" in dutch and "verified" not in dutch
    again = console_prefix("agency-a", client_id) + "20250303T091500000000-all.sta"
    assert setup.services.statements.ingest(again, own + forged).held_back == 1
    assert invoice(setup, "F-0001")["status"] != "paid"


def test_the_clients_file_sent_again_through_the_agency_is_refused(setup) -> None:  # noqa: F811
    """The agency uploads the held copy of a client's file (the pooled account's forged
    statement in it) through its API: refused whole, nothing booked (attack10 F3: F-0001 was
    marked paid from the client's writing)."""
    register_agency(setup.services.repos, Agency("agency-a", "A", POOL))
    ref = invoice(setup, "F-0001")["payment_reference"]
    own = statement([paid_line(100, "rente", end_to_end_id="E9")])
    forged = statement([paid_line(12_100, "", reference=ref)], sid="P1", account=POOL)
    client_id = setup.services.repos.clients.id_for_number("agency-a", "C1")
    assert client_id is not None
    name = console_prefix("agency-a", client_id) + "20250303T090000000000-all.sta"
    ingest = setup.services.statements.ingest
    assert ingest(name, own + forged).held_back == 1
    held = setup.services.files.get(QUARANTINE, name + ".held-back")
    assert held == own + forged
    report = ingest("agency-a/api/20250303T100000000000-all.sta", held)
    assert report.status == "quarantined" and report.error is not None
    assert "uploaded for a client" in str(report.error["error"])
    assert invoice(setup, "F-0001")["status"] != "paid"
    # the bank's own statement of the pooled account is read as ever
    bank = statement([paid_line(12_100, "", reference=ref, end_to_end_id="B1")], account=POOL)
    assert (ingest("agency-a/pool.sta", bank).status, report.held_back) == ("booked", 0)
