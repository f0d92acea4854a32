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
        "booked": 1, "suggested": 0, "unmatched": 1, "returned": 0, "problems": [],
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


def test_returns_are_counted_beside_the_credits(setup):  # type: ignore[no-untyped-def]
    """newcomer27 F6: the real CAMT.053 of the corpus (test-camt053.xml: a debit, two AC06
    returns of a direct-debit batch, one credit) read "lines 4, booked 1, suggested 0,
    unmatched 0" while the client's action list got two `unmatched_return` items from it: the
    trigger counted them (`returned: 2` in its log line), the kept report dropped the figure."""
    kenmerk = invoice(setup, "F-0001")["payment_reference"]
    booked = paid_line(12_100, "", reference=kenmerk, end_to_end_id="E-IN")
    back = OutLine(date(2025, 3, 5), -12_100, "retour", end_to_end_id="E-IN",
                   counterparty_iban=booked.counterparty_iban, return_reason="MD06")  # fmt: skip
    nobodys = OutLine(date(2025, 3, 5), -56_405, "Direct Debit S14 0410", end_to_end_id="X-9",
                      counterparty_iban="NL46ABNA0499998748", return_reason="AC06")  # fmt: skip
    _upload_and_trigger(setup, statement([booked]), "in.940")
    later = statement([back, nobodys], opening=112_100, day=date(2025, 3, 5), sid="S2")
    _upload_and_trigger(setup, later, "terug.940")
    newest, first = setup.agency_a.call("GET", "/v1/statements").body["items"]
    assert first["booked"] == 1 and first["returned"] == 0
    assert (newest["lines"], newest["booked"], newest["unmatched"]) == (2, 0, 0)
    assert newest["returned"] == 2  # was: no figure; one reversed, one on the action list
    assert invoice(setup, "F-0001")["status"] == "open"  # the return reopened it
    kinds = [x["kind"] for x in setup.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]]
    assert kinds.count("unmatched_return") == 1


def test_a_report_kept_before_returns_were_counted_says_null(setup):  # type: ignore[no-untyped-def]
    from shared.adapters.tables.keys import encode
    from shared.ports.tables import Row
    from shared.services.payment_overview import STATEMENT_REPORTS

    blob = _upload_and_trigger(setup, statement([paid_line(3_300, "gift")]), "oud.940")
    name = blob.split("/", 1)[1]
    store = setup.services.repos.store
    row = store.get(STATEMENT_REPORTS, encode("agency-a"), encode(name))
    assert row is not None and row.data["Returned"] == 0
    older = {k: v for k, v in row.data.items() if k != "Returned"}  # as rows before it
    store.upsert(STATEMENT_REPORTS, Row(row.pk, row.rk, older))
    (item,) = setup.agency_a.call("GET", "/v1/statements").body["items"]
    assert item["returned"] is None and item["unmatched"] == 1
