"""Bank lines that are no debtor's payment, and what an unmatched credit's item carries
(review newcomer4, findings 1, 6, 7): a return in ING's unstructured ``:86:``, the batch
credit of a direct-debit file (``/PREF/``), the payer's kenmerk on the action item."""

from __future__ import annotations

import traceback
from datetime import date

from tests.unit.services.test_statement_ingest import (
    ACCOUNT,
    actions,
    invoice,
    paid_line,
    statement,
)
from tests.unit.services.test_statement_ingest import setup as setup


def mt940(*lines: str, total: str) -> bytes:
    """A one-day ING statement of C1's account: ``lines`` are ``:61:``/``:86:`` pairs."""
    body = "\n".join(lines)
    return (
        "0000 01INGBNL2AXXXX00001\n940 00\n:20:ING\n"
        f":25:{ACCOUNT}EUR\n:28C:1\n:60F:C250303EUR1000,00\n{body}\n"
        f":62F:C250303EUR{total}\n-XXX\n"
    ).encode()


def test_a_returned_transfer_in_ings_unstructured_layout_is_not_booked(setup):
    ref = invoice(setup, "F-0001")["payment_reference"]
    data = mt940(
        ":61:250303C121,00NNOVEREF",
        f":86:MS03 NL20INGB0002222222 INGBNL2A Jan de Vries E2E-OUT-1 {ref}",
        total="1121,00",
    )
    report = setup.services.statements.ingest("agency-a/ibp.sta", data)
    assert report.booked == 0 and report.returned == 1
    assert invoice(setup, "F-0001")["status"] == "open"
    assert setup.agency_a.call("GET", "/v1/clients/C1/payments").body["items"] == []
    assert "unmatched_credit" not in actions(setup) and "payment_suggestion" not in actions(setup)


def test_a_direct_debit_files_batch_credit_is_no_unmatched_payment(setup):
    # ING's spec example: the batch credit of a SEPA direct-debit file not of Inning's making
    data = mt940(
        ":61:250303C1,45NDDTPREF",
        ":86:/PREF/M000000001111111//CSID/NL32ZZZ999999991234//REMI/USTD//TOTAAL 1 POSTEN/",
        total="1001,45",
    )
    report = setup.services.statements.ingest("agency-a/pref.sta", data)
    assert report.booked == 0 and report.unmatched == 0 and report.suggested == 0
    kinds = actions(setup)
    assert kinds.count("collection_batch") == 1
    assert "unmatched_credit" not in kinds and "payment_suggestion" not in kinds
    item = next(
        x
        for x in setup.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
        if x["kind"] == "collection_batch"
    )
    assert item["detail"]["batch_id"] == "M000000001111111"
    assert "not one debtor's payment" in item["title"]


def test_an_unmatched_credit_carries_the_kenmerk_the_payer_quoted(setup):
    ref = invoice(setup, "F-0001")["payment_reference"]
    cid = setup.agency_a.call("GET", "/v1/clients/C1").body["client_id"]
    setup.services.console_search.ensure_built(cid)  # the console's search index
    first = paid_line(12_100, "", reference=ref, end_to_end_id="E1")
    setup.services.statements.ingest("agency-a/d1.sta", statement([first], sid="D1"))
    assert invoice(setup, "F-0001")["status"] == "paid"
    # the debtor pays the same invoice again: no open invoice has the kenmerk any more
    again = paid_line(12_100, "", reference=ref, end_to_end_id="E9", name="Onbekend")
    later = statement([again], opening=112_100, day=date(2025, 3, 4), sid="D2")
    report = setup.services.statements.ingest("agency-a/d2.sta", later)
    assert report.booked == 0 and report.unmatched + report.suggested == 1
    items = setup.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    item = next(x for x in items if x["kind"] in ("unmatched_credit", "payment_suggestion"))
    assert item["detail"]["reference"] == ref
    assert item["detail"]["end_to_end_id"] == "E9"
    assert item["detail"]["quoted_invoice"] == "F-0001"
    assert any(
        "invoice F-0001 (paid" in r and "second payment" in r for r in item["detail"]["reasons"]
    )


def test_a_quoted_reference_is_not_looked_up_before_the_search_index_exists(setup):
    ref = invoice(setup, "F-0001")["payment_reference"]
    first = paid_line(12_100, "", reference=ref, end_to_end_id="E1")
    setup.services.statements.ingest("agency-a/d1.sta", statement([first], sid="D1"))
    again = paid_line(12_100, "", reference=ref, end_to_end_id="E9", name="Onbekend")
    later = statement([again], opening=112_100, day=date(2025, 3, 4), sid="D2")
    setup.services.statements.ingest("agency-a/d2.sta", later)
    cid = setup.agency_a.call("GET", "/v1/clients/C1").body["client_id"]
    assert not setup.services.console_search.index.is_built(cid)  # no build from a line
    items = setup.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    item = next(x for x in items if x["kind"] in ("unmatched_credit", "payment_suggestion"))
    assert item["detail"]["reference"] == ref and "quoted_invoice" not in item["detail"]


def _three_quoting_lines(setup, monkeypatch, *, built: bool) -> tuple[list[str], str]:
    """F-0001 paid, then a window of three unmatched credits quoting its reference; the
    clients whose search index the lines asked about (not the search's own asks)."""
    ref = invoice(setup, "F-0001")["payment_reference"]
    cid = setup.agency_a.call("GET", "/v1/clients/C1").body["client_id"]
    if built:
        setup.services.console_search.ensure_built(cid)
    first = paid_line(12_100, "", reference=ref, end_to_end_id="E1")
    setup.services.statements.ingest("agency-a/d1.sta", statement([first], sid="D1"))
    index = setup.services.console_search.index
    asked: list[str] = []
    real = index.is_built

    def is_built(client_id: str) -> bool:
        if not any(f.name == "ensure_built" for f in traceback.extract_stack()):
            asked.append(client_id)
        return bool(real(client_id))

    monkeypatch.setattr(index, "is_built", is_built)
    again = [
        paid_line(12_100 + n, "", reference=ref, end_to_end_id=f"E9{n}", name="Onbekend")
        for n in range(3)
    ]
    later = statement(again, opening=112_100, day=date(2025, 3, 4), sid="D2")
    report = setup.services.statements.ingest("agency-a/d2.sta", later)
    assert report.booked == 0 and report.unmatched + report.suggested == 3
    return asked, cid


def test_a_window_asks_whether_the_search_index_is_built_once(setup, monkeypatch):
    """Every unmatched credit quoting a reference asked (a read a line): once a window now."""
    asked, cid = _three_quoting_lines(setup, monkeypatch, built=False)
    assert asked == [cid]
    items = setup.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    assert not any("quoted_invoice" in x["detail"] for x in items)


def test_every_line_of_a_window_still_names_the_quoted_invoice(setup, monkeypatch):
    asked, cid = _three_quoting_lines(setup, monkeypatch, built=True)
    assert asked == [cid]
    items = setup.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    quoted = [x for x in items if x["detail"].get("quoted_invoice") == "F-0001"]
    assert len(quoted) == 3


def test_a_payers_text_starting_with_a_reason_outside_ings_file_is_his_payment(setup):
    # attack25 F3: the same words in a file that is not ING's are the payer's description;
    # read as ING's return, his payment was no payment and the account he typed its payer's
    ref = invoice(setup, "F-0001")["payment_reference"]
    data = mt940(
        ":61:250303C121,00NNOVEREF",
        f":86:MS03 NL91ABNA0417164300 FACTUUR {ref}",
        total="1121,00",
    ).replace(b"0000 01INGBNL2AXXXX00001\n940 00\n", b"")
    report = setup.services.statements.ingest("agency-a/typed.sta", data)
    assert (report.booked, report.returned) == (1, 0)
    assert invoice(setup, "F-0001")["status"] == "paid"
    [payment] = setup.agency_a.call("GET", "/v1/clients/C1/payments").body["items"]
    assert "NL91ABNA0417164300" not in str(payment)
