"""Statement files through the ingestion service, on the in-memory stores."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest

from shared.api.http import ApiRequest
from shared.domain.statements.mt940_writer import OutLine, write_mt940
from shared.domain.statements.parse import parse_statement_file
from shared.services.statements import QUARANTINE
from tests.unit.api.conftest import client_iban, client_row, debtor_row, invoice_row, verify_ibans

ACCOUNT = client_iban("C1")
PAYER = "NL02RABO0123456789"


def pdf_text(pdf: bytes) -> str:
    import pypdf

    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def setup(world):
    a = world.agency_a
    # these tests are about matching lines to invoices by principal; the claim ledger (interest
    # that accrued since the due date) is tested in tests/unit/ledger
    a.call("POST", "/v1/clients", {"items": [client_row("C1", charge_interest=False)]})
    verify_ibans(a, "C1")
    a.call(
        "POST",
        "/v1/clients/C1/debtors",
        {"items": [debtor_row("D1", name="Jan de Vries"), debtor_row("D2", name="Piet Bakker")]},
    )
    a.call(
        "POST",
        "/v1/clients/C1/invoices",
        {
            "items": [
                invoice_row("F-0001", "D1", amount="121.00"),
                invoice_row("F-0002", "D1", amount="50.00", due_date="2025-02-15"),
                invoice_row("F-0003", "D2", amount="77.00"),
            ]
        },
    )
    return world


def invoice(world, number):
    return world.agency_a.call("GET", f"/v1/clients/C1/invoices/{number}").body


def actions(world, scope="C1"):
    if scope.startswith("@"):
        items, _ = world.services.repos.actions.list(scope)
        return [x.kind for x in items]
    return [
        x["kind"] for x in world.agency_a.call("GET", f"/v1/clients/{scope}/actions").body["items"]
    ]


def statement(lines, opening=100_000, day=date(2025, 3, 3), sid="S1", account=ACCOUNT):
    return write_mt940(account, lines, opening=opening, opening_date=day, statement_id=sid).encode()


def paid_line(amount, text, **kw):
    return OutLine(
        date(2025, 3, 3),
        amount,
        text,
        counterparty_iban=PAYER,
        counterparty_name=kw.pop("name", "J de Vries"),
        **kw,
    )


def test_payment_by_reference_is_booked_and_stops_dunning(setup):
    ref = invoice(setup, "F-0001")["payment_reference"]
    report = setup.services.statements.ingest(
        "agency-a/day1.sta", statement([paid_line(12_100, "", reference=ref, end_to_end_id="E1")])
    )
    assert report.status == "booked" and report.booked == 1
    inv = invoice(setup, "F-0001")
    assert inv["status"] == "paid" and inv["open_amount"] == "0.00"
    payments = setup.agency_a.call("GET", "/v1/clients/C1/payments").body["items"]
    assert (
        payments[0]["amount"] == 12_100
        and payments[0]["allocations"][0]["component"] == "principal"
    )
    log = setup.agency_a.call("GET", "/v1/clients/C1/debtors/D1/contacts").body["items"]
    assert any(e["kind"] == "payment" for e in log)


def test_the_same_file_twice_books_once(setup):
    data = statement([paid_line(12_100, "factuur F-0001")])
    setup.services.statements.ingest("agency-a/day1.sta", data)
    again = setup.services.statements.ingest("agency-a/day1-again.sta", data)
    assert again.status == "skipped"
    assert len(setup.agency_a.call("GET", "/v1/clients/C1/payments").body["items"]) == 1


def test_overlapping_statements_book_each_line_once(setup):
    first = paid_line(5_000, "F-0002 deel", end_to_end_id="E2")
    second = paid_line(7_700, "F-0003", name="P. Bakker", end_to_end_id="E3")
    setup.services.statements.ingest("agency-a/mon.sta", statement([first], sid="MON"))
    report = setup.services.statements.ingest(
        "agency-a/tue.sta", statement([first, second], sid="MON-TUE")
    )
    assert report.booked == 1
    assert invoice(setup, "F-0002")["status"] == "paid"
    assert invoice(setup, "F-0003")["status"] == "paid"
    assert len(setup.agency_a.call("GET", "/v1/clients/C1/payments").body["items"]) == 2


def test_partial_payment_leaves_the_rest_open(setup):
    setup.services.statements.ingest(
        "agency-a/p.sta",
        statement([paid_line(2_100, "", reference=invoice(setup, "F-0001")["payment_reference"])]),
    )
    inv = invoice(setup, "F-0001")
    assert inv["status"] == "partially_paid" and inv["open_amount"] == "100.00"


def test_uncertain_payment_becomes_a_suggestion_and_confirming_it_books_and_teaches(setup):
    report = setup.services.statements.ingest(
        "agency-a/s.sta", statement([paid_line(12_100, "betaling")])
    )
    assert report.suggested + report.unmatched == 1 and report.booked == 0
    items = setup.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    action = next(x for x in items if x["kind"] in ("payment_suggestion", "unmatched_credit"))
    r = setup.agency_a.call(
        "POST", f"/v1/clients/C1/actions/{action['action_id']}/confirm", {"invoices": ["F-0001"]}
    )
    assert r.status == 200, r.body
    assert invoice(setup, "F-0001")["status"] == "paid"
    assert setup.services.repos.banking.learned_ibans(
        setup.agency_a.call("GET", "/v1/clients/C1").body["client_id"]
    ) == {PAYER: {"D1"}}
    again = setup.agency_a.call(
        "POST", f"/v1/clients/C1/actions/{action['action_id']}/confirm", {"invoices": ["F-0001"]}
    )
    assert again.status == 422  # resolved already
    # the learned account now identifies the payer of the next, unexplained transfer: the
    # exact open amount of the only open invoice of D1 with that amount is booked (the
    # known-payer rule), with the rule among its reasons
    report = setup.services.statements.ingest(
        "agency-a/t.sta", statement([paid_line(5_000, "overboeking")], sid="S2")
    )
    assert report.booked == 1
    assert invoice(setup, "F-0002")["status"] == "paid"


def test_overpayment_is_booked_and_flagged(setup):
    ref = invoice(setup, "F-0003")["payment_reference"]
    report = setup.services.statements.ingest(
        "agency-a/o.sta", statement([paid_line(8_000, "", reference=ref, name="P Bakker")])
    )
    assert report.booked == 1
    assert invoice(setup, "F-0003")["status"] == "paid"
    items = setup.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    over = [x for x in items if x["kind"] == "overpayment"]
    assert over and over[0]["detail"]["unallocated"] == 300


def test_returned_payment_reopens_the_invoice(setup):
    ref = invoice(setup, "F-0001")["payment_reference"]
    setup.services.statements.ingest(
        "agency-a/in.sta", statement([paid_line(12_100, "", reference=ref, end_to_end_id="E9")])
    )
    back = OutLine(date(2025, 3, 5), -12_100, "retour", end_to_end_id="E9", return_reason="AC04")
    report = setup.services.statements.ingest(
        "agency-a/back.sta", statement([back], opening=112_100, day=date(2025, 3, 4), sid="S3")
    )
    assert report.returned == 1
    assert invoice(setup, "F-0001")["status"] == "open"
    assert "payment_reversed" in actions(setup)


def test_bad_file_is_quarantined_with_a_report_and_nothing_booked(setup):
    data = (
        b":20:X\n:25:"
        + ACCOUNT.encode()
        + b"\n:61:250303C1,00NTRF\n:25:oops\n:62F:C250303EUR1,00\n"
    )
    report = setup.services.statements.ingest("agency-a/bad.sta", data)
    assert report.status == "quarantined"
    files = setup.services.files
    assert files.get(QUARANTINE, "agency-a/bad.sta") == data
    error = json.loads(files.get(QUARANTINE, "agency-a/bad.sta.error.json"))
    assert error["line"] == 4 and "after a transaction" in error["error"]
    assert actions(setup, "@agency-a") == ["statement_quarantined"]
    assert setup.agency_a.call("GET", "/v1/clients/C1/payments").body["items"] == []


def test_account_of_another_agency_is_refused(setup):
    setup.agency_b.call("POST", "/v1/clients", {"items": [client_row("B1")]})
    verify_ibans(setup.agency_b, "B1")
    data = statement([paid_line(12_100, "F-0001")], account=client_iban("B1"))
    report = setup.services.statements.ingest("agency-a/foreign.sta", data)
    assert report.status == "quarantined" and "belongs to no client of agency agency-a" in str(
        report.error
    )


def test_balance_mismatch_and_missing_statement_warn_but_book(setup):
    lines = [paid_line(12_100, "F-0001")]
    data = statement(lines).replace(b":62F:C250303EUR1121,00", b":62F:C250303EUR1121,01")
    report = setup.services.statements.ingest("agency-a/mm.sta", data)
    assert report.warnings and "balance_mismatch" in actions(setup)
    later = statement([], opening=999_999, day=date(2025, 3, 10), sid="S9")
    setup.services.statements.ingest("agency-a/gap.sta", later)
    assert "missing_statement" in actions(setup)


def _on_the_pooled_account(world) -> str:
    """The agency's third-party account, on which C1's debtors' payments are matched: the
    MT940 export is a statement of the money collected there (newcomer17 F5)."""
    from shared.domain.parties import Agency
    from shared.services.onboarding import register_agency

    pooled = client_iban("POOL")
    register_agency(world.services.repos, Agency("agency-a", "A", pooled))
    row = client_row("C1", charge_interest=False, allow_third_party_matching=True)
    world.agency_a.call("POST", "/v1/clients", {"items": [row]})
    return pooled


def test_export_mt940_and_report_for_the_clients_ledger(setup):
    pooled = _on_the_pooled_account(setup)
    ref = invoice(setup, "F-0001")["payment_reference"]
    ref3 = invoice(setup, "F-0003")["payment_reference"]  # on a pooled account: its reference
    setup.services.statements.ingest(
        "agency-a/e.sta",
        statement(
            [
                paid_line(12_100, "", reference=ref),
                paid_line(2_000, "deel", reference=ref3, name="P Bakker", end_to_end_id="E3"),
            ],
            account=pooled,
        ),
    )
    period = {"from": "2025-03-01", "to": "2025-03-31"}
    headers = {"x-api-key": setup.agency_a.key}
    r = setup.api.handle(ApiRequest("GET", "/v1/clients/C1/exports/mt940", headers, period))
    assert r.status == 200 and r.content_type == "text/plain"
    exported = parse_statement_file(r.encoded())[0]
    assert sorted((x.amount, (x.remittance or "").split()[0]) for x in exported.lines) == [
        (2_000, "F-0003"),
        (12_100, "F-0001"),
    ]
    assert exported.balance_difference() == 0
    pdf = setup.api.handle(
        ApiRequest("GET", "/v1/clients/C1/exports/report.pdf", headers, period)
    ).encoded()
    # the text read back: an embedded font writes glyph ids, not the letters (ncfix17a)
    assert pdf.startswith(b"%PDF") and "141,00" in pdf_text(pdf) and "F-0001" in pdf_text(pdf)
    bad = setup.agency_a.call(
        "GET", "/v1/clients/C1/exports/mt940", **{"from": "2025-03-31", "to": "2025-03-01"}
    )
    assert bad.status == 400


def test_upload_stores_the_file_for_the_blob_trigger(setup):
    r = setup.agency_a.call("POST", "/v1/statements", raw=b":20:X\n", name="mijn bank.sta")
    assert r.status == 202 and r.body["blob"].startswith("statements/agency-a/")
    name = r.body["blob"].split("/", 1)[1]
    assert setup.services.files.get("statements", name) == b":20:X\n"
    assert setup.agency_b.as_key("").call("POST", "/v1/statements", raw=b"x").status == 401


def test_a_statement_sent_as_a_form_is_refused_with_how_to_send_it(setup):
    """newcomer7 finding 6: `curl -F file=@day.sta` was accepted (202) and its form wrapper
    quarantined as "neither MT940 nor CAMT.053"."""
    from shared.api.http import ApiRequest

    form = (b'--b\r\nContent-Disposition: form-data; name="file"; filename="day.sta"\r\n\r\n'
            b":20:X\r\n--b--\r\n")  # fmt: skip
    headers = {"x-api-key": setup.agency_a.key,
               "content-type": "multipart/form-data; boundary=b"}  # fmt: skip
    answer = setup.agency_a.api.handle(ApiRequest("POST", "/v1/statements", headers, {}, form))
    assert answer.status == 415 and b"--data-binary" in answer.encoded()
    assert setup.services.files.names("statements") == []
    # `curl --data-binary @day.sta` labels the raw file as a urlencoded form: it is the file
    raw = {**headers, "content-type": "application/x-www-form-urlencoded"}
    taken = setup.agency_a.api.handle(ApiRequest("POST", "/v1/statements", raw, {}, b":20:X\n"))
    assert taken.status == 202


def test_third_party_account_matches_across_clients_that_allow_it(setup):
    from shared.domain.parties import Agency
    from shared.services.onboarding import register_agency

    pooled = client_iban("POOL")
    register_agency(setup.services.repos, Agency("agency-a", "A", pooled))
    a = setup.agency_a
    a.call(
        "POST",
        "/v1/clients",
        {"items": [client_row("C2", allow_third_party_matching=True, charge_interest=False)]},
    )
    verify_ibans(a, "C2")
    a.call("POST", "/v1/clients/C2/debtors", {"items": [debtor_row("X9", name="Kees Klant")]})
    a.call("POST", "/v1/clients/C2/invoices", {"items": [invoice_row("G-7", "X9", amount="42.00")]})
    ref_c2 = a.call("GET", "/v1/clients/C2/invoices/G-7").body["payment_reference"]
    ref_c1 = invoice(setup, "F-0001")["payment_reference"]  # C1 does not allow pooled matching
    report = setup.services.statements.ingest(
        "agency-a/pool.sta",
        statement(
            [
                paid_line(4_200, "", reference=ref_c2, name="K. Klant"),
                paid_line(12_100, "", reference=ref_c1),
            ],
            account=pooled,
        ),
    )
    assert report.booked == 1 and report.unmatched + report.suggested == 1
    assert a.call("GET", "/v1/clients/C2/invoices/G-7").body["status"] == "paid"
    assert invoice(setup, "F-0001")["status"] == "open"
    assert "unmatched_credit" in actions(setup, "@agency-a")


def test_thresholds_are_per_client(setup):
    a = setup.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1", auto_book_threshold=1.0)]})
    ref = invoice(setup, "F-0001")["payment_reference"]
    line = paid_line(6_000, "", reference=ref, name="Iemand Anders")  # scores 0.9
    report = setup.services.statements.ingest("agency-a/strict.sta", statement([line]))
    assert report.booked == 0 and report.suggested == 1
    too_low = a.call("POST", "/v1/clients", {"items": [client_row("C1", auto_book_threshold=0.2)]})
    assert too_low.body["rejected"] == 1


def test_a_bank_return_is_dated_by_the_bank_and_shown_in_the_export_of_its_own_period(setup):
    """The client imported March's file; the return comes in April: March's file stays as it
    was, April's carries the reversal as a debit, and the payment is reversed on the bank's
    day, not the day Inning read the statement."""
    pooled = _on_the_pooled_account(setup)
    ref = invoice(setup, "F-0001")["payment_reference"]
    paid = paid_line(12_100, "", reference=ref, end_to_end_id="E9")
    setup.services.statements.ingest("agency-a/in.sta", statement([paid], account=pooled))
    back = OutLine(date(2025, 4, 2), -12_100, "retour", end_to_end_id="E9", return_reason="MD06")
    setup.services.statements.ingest(
        "agency-a/back.sta",
        statement([back], opening=112_100, day=date(2025, 4, 1), sid="S3", account=pooled),
    )
    (payment,) = setup.agency_a.call("GET", "/v1/clients/C1/payments").body["items"]
    assert payment["reversed"] is True
    stored = setup.services.repos.payments.get(
        next(c.client_id for c in setup.services.repos.clients.all() if c.number == "C1"),
        payment["payment_id"],
    )
    assert stored is not None and stored.reversed_on == date(2025, 4, 2)
    headers = {"x-api-key": setup.agency_a.key}

    balances: dict[tuple[str, str], tuple[int, int]] = {}

    def exported(start: str, end: str) -> list[tuple[int, str]]:
        r = setup.api.handle(
            ApiRequest("GET", "/v1/clients/C1/exports/mt940", headers, {"from": start, "to": end})
        )
        (file,) = parse_statement_file(r.encoded())
        assert file.balance_difference() == 0 and file.opening and file.closing
        balances[start, end] = (file.opening.amount, file.closing.amount)
        return sorted((x.amount, x.remittance or "") for x in file.lines)

    march = exported("2025-03-01", "2025-03-31")
    assert sum(a for a, _ in march) == 12_100 and all(a > 0 for a, _ in march)
    april = exported("2025-04-01", "2025-04-30")
    assert sum(a for a, _ in april) == -12_100 and all("storno" in r for _, r in april)
    assert sum(a for a, _ in exported("2025-03-01", "2025-04-30")) == 0
    # the periods chain: April opens with what March closed on (accounting software checks it)
    assert balances["2025-03-01", "2025-03-31"] == (0, 12_100)
    assert balances["2025-04-01", "2025-04-30"] == (12_100, 0)
    pdf = setup.api.handle(
        ApiRequest(
            "GET",
            "/v1/clients/C1/exports/report.pdf",
            headers,
            {"from": "2025-04-01", "to": "2025-04-30"},
        )
    ).encoded()
    assert "-121,00" in pdf_text(pdf) and "storno" in pdf_text(pdf)


def test_on_the_pooled_account_another_clients_copy_of_a_reference_does_not_block_it(setup):
    """C3 gives its own invoice C2's betalingskenmerk (printed on C2's reminders, so not
    secret): on the agency's pooled account the payment still books on C2's invoice, whose
    reference Inning generated; a reference both clients supplied themselves stays ambiguous."""
    from shared.domain.parties import Agency
    from shared.services.onboarding import register_agency

    pooled = client_iban("POOL")
    register_agency(setup.services.repos, Agency("agency-a", "A", pooled))
    a = setup.agency_a
    for n in ("C2", "C3"):
        row = client_row(n, allow_third_party_matching=True, charge_interest=False)
        a.call("POST", "/v1/clients", {"items": [row]})
        a.call("POST", f"/v1/clients/{n}/debtors", {"items": [debtor_row("X9", name="Kees Klant")]})
    a.call("POST", "/v1/clients/C2/invoices", {"items": [invoice_row("G-7", "X9", amount="42.00")]})
    ref_c2 = a.call("GET", "/v1/clients/C2/invoices/G-7").body["payment_reference"]
    squat = invoice_row("Z-1", "X9", amount="42.00", payment_reference=ref_c2)
    assert a.call("POST", "/v1/clients/C3/invoices", {"items": [squat]}).status == 200
    report = setup.services.statements.ingest(
        "agency-a/pool.sta",
        statement([paid_line(4_200, "", reference=ref_c2, name="K. Klant")], account=pooled),
    )
    assert report.booked == 1
    assert a.call("GET", "/v1/clients/C2/invoices/G-7").body["status"] == "paid"
    assert a.call("GET", "/v1/clients/C3/invoices/Z-1").body["status"] == "open"
