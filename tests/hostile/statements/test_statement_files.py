"""Hostile and broken statement files (issue #12): each ends in a quarantine with a report
and an action item, or in booked lines with the oddity on the action list; never an exception
(a crash loop of the blob trigger) and never silence. Plus property tests of both parsers."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.domain.statements.model import MAX_AMOUNT_CENTS, StatementError
from shared.domain.statements.parse import parse_statement_file
from shared.services.statements import QUARANTINE
from tests.hostile.statements.generate import camt, files, mt940
from tests.unit.api.conftest import client_row, debtor_row, invoice_row, verify_ibans
from tests.unit.api.conftest import world as world

HERE = Path(__file__).resolve().parent


def outcomes() -> list[dict[str, str]]:
    with (HERE / "outcomes.csv").open() as fh:
        return list(csv.DictReader(x for x in fh if not x.startswith("#")))


def test_the_table_covers_every_file_and_the_files_are_current():
    listed = {r["file"] for r in outcomes()}
    present = {p.name for p in HERE.iterdir() if p.suffix in (".sta", ".xml")}
    assert listed == present == set(files())
    for name, data in files().items():  # committed files are what generate.py writes
        assert (HERE / name).read_bytes() == data, name


@pytest.fixture
def client_world(world):
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    verify_ibans(a, "C1")
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", name="Jan de Vries")]})
    a.call(
        "POST", "/v1/clients/C1/invoices", {"items": [invoice_row("F-0001", "D1", amount="121.00")]}
    )
    return world


@pytest.mark.parametrize("row", outcomes(), ids=lambda r: r["file"])
def test_hostile_file(client_world, row):
    name = f"agency-a/{row['file']}"
    data = (HERE / row["file"]).read_bytes()
    services = client_world.services
    report = services.statements.ingest(name, data)  # never raises
    agency_items, _ = services.repos.actions.list("@agency-a")
    client_items = client_world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    if row["outcome"] == "quarantined":
        assert report.status == "quarantined"
        assert row["says"] in str(report.error["error"])
        assert services.files.get(QUARANTINE, name) == data
        kept = json.loads(services.files.get(QUARANTINE, name + ".error.json") or b"{}")
        assert row["says"] in kept["error"]
        assert [x.kind for x in agency_items] == ["statement_quarantined"]
        assert row["says"] in agency_items[0].title
        return
    assert report.status == "booked"
    assert report.lines >= 1 and report.booked + report.suggested + report.unmatched >= 1
    if row["says"]:
        warning = next(x for x in client_items if x["kind"] == "statement_warning")
        assert any(row["says"] in p for p in warning["detail"]["problems"])
    for item in client_items:  # whatever reached an action item fits in a table row
        assert len(json.dumps(item)) < 32_000


# -- properties of the parsers ---------------------------------------------------------------
def _parse_or_refuse(data: bytes) -> None:
    try:
        statements = parse_statement_file(data)
    except StatementError:
        return
    for s in statements:
        for x in s.lines:
            assert abs(x.amount) <= MAX_AMOUNT_CENTS


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_any_bytes_parse_or_are_refused(data):
    _parse_or_refuse(data)


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=4000), st.binary(max_size=8))
def test_a_statement_cut_or_spliced_anywhere_parses_or_is_refused(cut, junk):
    good = mt940(
        ":61:2503030303C121,00NTRFNONREF\r\n:86:/REMI/USTD//F-0001/\r\n",
    )
    _parse_or_refuse(good[:cut] + junk + good[cut:])
    _parse_or_refuse(good[:cut])


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40), st.text(max_size=20))
def test_camt_with_any_amount_and_date_text_parses_or_is_refused(amount, booked):
    safe = lambda s: s.replace("&", "").replace("<", "")  # noqa: E731 - keep the XML well formed
    _parse_or_refuse(camt(amount=safe(amount), booked=safe(booked)))


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=1000), st.binary(min_size=1, max_size=4))
def test_camt_cut_or_spliced_anywhere_parses_or_is_refused(cut, junk):
    good = camt()
    _parse_or_refuse(good[:cut] + junk + good[cut:])
