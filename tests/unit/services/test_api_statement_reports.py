"""What became of each statement file the agency uploaded with the API (newcomer26 F7).

The trigger keeps a report of every file, but only the console's own uploads could be read
back: after `POST /v1/statements` an agency had no way to see that its eight-line file booked
three lines, put three on the action lists and passed two debits over, or that a file was
refused, other than diffing payments against the action lists by hand."""

from __future__ import annotations

from datetime import date

from shared.domain.statements.mt940_writer import OutLine
from tests.unit.services.test_statement_ingest import ACCOUNT, invoice, paid_line, setup, statement

__all__ = ["setup"]  # the fixture


def _upload_and_trigger(world, data: bytes, name: str) -> str:  # type: ignore[no-untyped-def]
    """The upload, then what the blob trigger does with it (functions/statements.py)."""
    answer = world.agency_a.call("POST", "/v1/statements", raw=data, name=name)
    assert answer.status == 202
    blob = answer.body["blob"]
    report = world.services.statements.ingest(blob.split("/", 1)[1], data)
    world.services.payment_overview.remember(report)
    return str(blob)


def test_the_agency_reads_what_became_of_each_uploaded_file(setup):  # type: ignore[no-untyped-def]
    kenmerk = invoice(setup, "F-0001")["payment_reference"]
    lines = [
        paid_line(12_100, "", reference=kenmerk),  # booked
        OutLine(
            date(2025, 3, 3),
            3_300,
            "gift voor de zaak",
            counterparty_iban="NL91ABNA0417164300",
            counterparty_name="Onbekend",
        ),  # no candidate
        OutLine(date(2025, 3, 3), -80_155, "Betaling aan ICS", counterparty_name="ICS"),  # a debit
    ]
    sent = _upload_and_trigger(setup, statement(lines), "asn dag.940")
    _upload_and_trigger(setup, b"this is no statement", "kapot.sta")
    listed = setup.agency_a.call("GET", "/v1/statements")
    assert listed.status == 200
    newest, first = listed.body["items"]
    assert first == {
        "blob": sent, "name": "asn_dag.940", "status": "booked", "lines": 3,
        "booked": 1, "suggested": 0, "unmatched": 1, "problems": [],
    }  # fmt: skip
    assert newest["name"] == "kapot.sta" and newest["status"] == "quarantined"
    assert newest["problems"] and newest["booked"] == 0


def test_only_the_agency_reads_its_uploads(setup):  # type: ignore[no-untyped-def]
    _upload_and_trigger(setup, b"this is no statement", "kapot.sta")
    assert setup.agency_b.call("GET", "/v1/statements").body["items"] == []
    client_key = setup.agency_a.call("POST", "/v1/keys", {"scope": "client", "client": "C1"}).body[
        "key"
    ]
    assert setup.agency_a.as_key(client_key).call("GET", "/v1/statements").status in (403, 404)
    assert ACCOUNT  # the client's own account: its statements are the uploads above
