"""``inning check stored-texts`` (leftover32): what was stored before attack31's checks (a
footer, an invoice's or a debtor's number, a debtor's name, a postal address line naming a
foreign account or a link) is kept and not checked again when sent back unchanged; the check
lists each such text with its field and the API's reason, and changes nothing."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from typing import Any

import pytest

from shared.cli import app_settings
from shared.cli.main import main
from shared.domain.parties import Address, HouseStyle
from tests.unit.api.conftest import World, client_row, debtor_row, invoice_row, make_world

FOREIGN = "NL91ABNA0417164300"


@pytest.fixture
def stored_before(monkeypatch: pytest.MonkeyPatch) -> World:
    """Clients A1 and A2 (agency A), B1 (agency B); A1's texts written as before attack31."""
    world = make_world()
    a = world.agency_a
    assert a.call("POST", "/v1/clients", {"items": [client_row("A1"), client_row("A2")]}).status == 200  # fmt: skip
    assert world.agency_b.call("POST", "/v1/clients", {"items": [client_row("B1")]}).status == 200
    base = "/v1/clients/A1"
    assert a.call("POST", f"{base}/debtors", {"items": [debtor_row("D1"), debtor_row("D2")]}).status == 200  # fmt: skip
    assert a.call("POST", f"{base}/invoices", {"items": [invoice_row("F1", "D1")]}).status == 200
    repos: Any = world.services.repos  # rows written as the API would not write them now
    client_id = repos.clients.id_for_number("agency-a", "A1")
    client, etag = repos.clients.get(client_id)
    style = HouseStyle(footer_text=f"Betaal voortaan op {FOREIGN}")
    repos.clients.save(replace(client, house_style=style,
                               postal_address=Address("Zie tikkie.me/pay", "1234 AB", "Utrecht")),
                       etag)  # fmt: skip
    debtor, etag = repos.debtors.get(client_id, "D1")
    repos.debtors.save(replace(debtor, name="Jansen via https://tikkie.me/x",
                               address=Address("tikkie.me:443/pay", "1234 AB", "Utrecht")),
                       etag)  # fmt: skip
    debtor2, etag2 = repos.debtors.get(client_id, "D2")
    repos.debtors.save(replace(debtor2, name="Gebr. de Vries B.V."), etag2)  # a name, no link
    stored = repos.invoices.get(client_id, "F1")
    for number in ("FAC.NL.2024-001", "tikkie.me/F2"):  # a number, and one linking
        repos.invoices.save(replace(stored.invoice, number=number), None)
    monkeypatch.setattr(app_settings, "cli_services", lambda *_: world.services)
    return world


def test_each_offending_stored_text_is_listed_and_nothing_changes(
    stored_before: World, capsys: pytest.CaptureFixture[str]
) -> None:
    repos: Any = stored_before.services.repos  # the in-memory store, read whole
    before = copy.deepcopy(repos.store._tables)  # every row of the in-memory store
    assert main(["check", "stored-texts", "--agency", "agency-a", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [(r["client"], r["debtors"], r["invoices"]) for r in report] == [("A1", 2, 3), ("A2", 0, 0)]  # fmt: skip
    found = [(f["kind"], f["id"], f["field"], f["code"]) for f in report[0]["found"]]
    assert found == [
        ("client", "A1", "footer_text", "footer_foreign_iban"),
        ("client", "A1", "postal_address.street", "postal_address_account_or_link"),
        ("debtor", "D1", "name", None),
        ("debtor", "D1", "address.street", None),
        ("invoice", "tikkie.me/F2", "number", None),
    ], found
    reasons = [f["reason"] for f in report[0]["found"]]
    assert "NL91" in reasons[0] and FOREIGN not in reasons[0]  # masked, as the API says it
    assert reasons[2].startswith("the debtor's name links to tikkie.me: debtors read it")
    assert reasons[3] == "an address line links to tikkie.me: debtors read it in letters"
    assert report[1]["found"] == []
    assert repos.store._tables == before  # nothing written

    assert main(["check", "stored-texts", "--agency", "agency-a", "--client", "A1"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0] == "agency\tclient\tkind\tid\tfield\tcode\treason"
    assert table[1].startswith("agency-a\tA1\tclient\tA1\tfooter_text\tfooter_foreign_iban\t")
    assert table[3].startswith("agency-a\tA1\tdebtor\tD1\tname\t-\t")
    assert len(table) == 6


def test_the_agency_alone_is_its_clients(
    stored_before: World, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "stored-texts", "--json"]) == 0
    every = json.loads(capsys.readouterr().out)
    assert sorted(r["client"] for r in every) == ["A1", "A2", "B1"]
    assert main(["check", "stored-texts", "--agency", "agency-x", "--json"]) == 2


def test_control_characters_reach_the_table_escaped(
    stored_before: World, capsys: pytest.CaptureFixture[str]
) -> None:
    """small33: a number may hold a C1 control (the API's pattern refuses C0 and DEL only);
    the table printed it raw, so a CSI (``\\x9b``) in a stored invoice number was an escape
    sequence on an 8-bit terminal, and a tab shifted the columns. Escaped, as ``\\x9b``."""
    repos: Any = stored_before.services.repos
    client_id = repos.clients.id_for_number("agency-a", "A1")
    stored = repos.invoices.get(client_id, "F1")
    for number in ("tikkie.me/\x9b2J\x1b]0;x\x07", "tikkie.me/a\tb\u202e\\"):
        repos.invoices.save(replace(stored.invoice, number=number), None)
    assert main(["check", "stored-texts", "--agency", "agency-a", "--client", "A1"]) == 0
    out = capsys.readouterr().out
    assert not any(not ch.isprintable() for ch in out.replace("\t", "").replace("\n", ""))
    rows = [line.split("\t") for line in out.splitlines()]
    assert {len(row) for row in rows} == {7}
    ids = [row[3] for row in rows if row[2] == "invoice"]
    assert "tikkie.me/\\x9b2J\\x1b]0;x\\x07" in ids and "tikkie.me/a\\tb\\u202e\\\\" in ids, ids
