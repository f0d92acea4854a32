"""Statement files at full scale: every day of a file booked once, the index kept current,
the per-client switch, stray bytes, and a fault between booking and settling a line."""

from __future__ import annotations

from datetime import date

import pytest

from shared.domain.statements.mt940_writer import OutLine, write_mt940
from shared.services.statements import QUARANTINE
from tests.conftest import STATEMENTS
from tests.support.match_index import keep_index
from tests.unit.api.conftest import client_iban, client_row, debtor_row, invoice_row, verify_ibans

RABO = "NL34RABO0142623393"
ACCOUNT = client_iban("C1")
PAYER = "NL02RABO0123456789"


def setup_client(world, **client):
    a = world.agency_a
    # about matching lines to invoices by principal; the whole claim is test_..._whole_claim
    a.call(
        "POST", "/v1/clients", {"items": [client_row("C1", **{"charge_interest": False, **client})]}
    )
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
                invoice_row("F-0002", "D2", amount="121.00"),
                invoice_row("F-0003", "D1", amount="400.00"),
            ]
        },
    )
    return world


def invoice(world, number):
    return world.agency_a.call("GET", f"/v1/clients/C1/invoices/{number}").body


def action_kinds(world):
    items = world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    return [x["kind"] for x in items]


def mt940(lines, sid="S1", day=date(2025, 3, 3)):
    return write_mt940(ACCOUNT, lines, opening=0, opening_date=day, statement_id=sid).encode()


def paid(amount, text="", **kw):
    return OutLine(
        date(2025, 3, 3),
        amount,
        text,
        counterparty_iban=PAYER,
        counterparty_name="J de Vries",
        **kw,
    )


# -- every statement of a file, each once ----------------------------------------------------
def _rabo_world(world):
    world.agency_a.call(
        "POST", "/v1/clients", {"items": [client_row("C9", ibans=[RABO], charge_interest=False)]}
    )
    verify_ibans(world.agency_a, "C9")
    return world


def _rabo_days(count: int) -> bytes:
    data = (STATEMENTS / "mt940/oca-nl/test-rabo.swi").read_bytes()
    head, *days = data.split(b"\n:20:")
    return b"\n:20:".join([head, *days[:count]]) + b"\n"


def test_every_statement_of_a_multi_day_file_is_booked(world):
    _rabo_world(world)
    report = world.services.statements.ingest(
        "agency-a/rabo.swi", (STATEMENTS / "mt940/oca-nl/test-rabo.swi").read_bytes()
    )
    assert report.status == "booked"
    assert (report.statements, report.statements_skipped, report.lines) == (4, 0, 2)


def test_a_file_re_sent_with_one_more_day_books_only_that_day(world):
    _rabo_world(world)
    first = world.services.statements.ingest("agency-a/week1.swi", _rabo_days(3))
    assert (first.statements, first.statements_skipped, first.lines) == (3, 0, 2)
    again = world.services.statements.ingest("agency-a/week1b.swi", _rabo_days(4))
    assert (again.statements, again.statements_skipped, again.lines) == (4, 3, 0)
    same = world.services.statements.ingest("agency-a/week1c.swi", _rabo_days(4))
    assert same.status == "skipped" and same.statements_skipped == 4


# -- the per-client switch -------------------------------------------------------------------
def test_auto_booking_switched_off_only_suggests(world):
    setup_client(world, auto_book=False)
    ref = invoice(world, "F-0001")["payment_reference"]
    report = world.services.statements.ingest(
        "agency-a/off.sta", mt940([paid(12_100, "", reference=ref)])
    )
    assert (report.booked, report.suggested) == (0, 1)
    assert invoice(world, "F-0001")["status"] == "open"
    item = world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"][0]
    assert item["kind"] == "payment_suggestion"
    assert "automatic booking is switched off" in " ".join(item["detail"]["reasons"])
    assert item["detail"]["suggestions"][0]["invoice"] == "F-0001"


def test_the_switch_is_on_by_default_and_shown(world):
    setup_client(world)
    body = world.agency_a.call("GET", "/v1/clients/C1").body
    assert body["auto_book"] is True
    assert world.services.repos.clients.get(body["client_id"])[0].auto_book
    world.agency_a.call(
        "POST", "/v1/clients", {"items": [client_row("C1", auto_book=False, charge_interest=False)]}
    )
    verify_ibans(world.agency_a, "C1")
    assert world.agency_a.call("GET", "/v1/clients/C1").body["auto_book"] is False


# -- the matching index follows the invoices -------------------------------------------------
def test_the_index_follows_payments_credits_and_withdrawals(world):
    setup_client(world)
    client_id = world.agency_a.call("GET", "/v1/clients/C1").body["client_id"]
    keep_index(
        world.services.repos.store, client_id
    )  # a statement met the client: its index is kept (perf27)
    index = world.services.repos.invoices.match_index
    assert {i.number for i in index.by_amount(client_id, 12_100, 10)} == {"F-0001", "F-0002"}
    ref = invoice(world, "F-0001")["payment_reference"]
    world.services.statements.ingest("agency-a/p.sta", mt940([paid(5_000, "", reference=ref)]))
    assert {i.number for i in index.by_amount(client_id, 12_100, 10)} == {"F-0002"}
    assert [i.open_amount for i in index.by_amount(client_id, 7_100, 10)] == [7_100]
    assert [i.number for i in index.of_debtor(client_id, "D1")] == ["F-0001", "F-0003"]
    world.services.statements.ingest(
        "agency-a/q.sta", mt940([paid(7_100, "", reference=ref)], "S2")
    )
    assert [i.number for i in index.of_debtor(client_id, "D1")] == ["F-0003"]
    assert index.by_reference(client_id, ref) == []


# -- a fault between the booking and the settling of a line (#12 item 4) ---------------------
def test_a_line_booked_just_before_a_fault_is_finished_not_matched_again(world, monkeypatch):
    setup_client(world)
    ref = invoice(world, "F-0001")["payment_reference"]
    data = mt940([paid(12_100, "", reference=ref)])
    banking = world.services.repos.banking
    calls = {"n": 0}

    def failing(real):
        def settle(*args, **kwargs):
            calls["n"] += 1
            if calls["n"] == 1:
                raise ConnectionError("storage went away")
            return real(*args, **kwargs)

        return settle

    # the first settling fails, whether of one line or of a window of lines
    monkeypatch.setattr(banking, "settle_line", failing(banking.settle_line))
    monkeypatch.setattr(banking, "settle_lines", failing(banking.settle_lines))
    with pytest.raises(ConnectionError):
        world.services.statements.ingest("agency-a/f.sta", data)
    assert invoice(world, "F-0001")["status"] == "paid"  # booked before the fault
    # the invoice is paid, so matching afresh would now point at F-0002 (same amount)
    report = world.services.statements.ingest("agency-a/f.sta", data)
    assert (report.booked, report.suggested, report.unmatched) == (1, 0, 0)
    assert invoice(world, "F-0002")["status"] == "open"
    payments = world.agency_a.call("GET", "/v1/clients/C1/payments").body["items"]
    assert len(payments) == 1
    assert action_kinds(world) == []
    third = world.services.statements.ingest("agency-a/f.sta", data)
    assert third.status == "skipped"


# -- stray bytes -----------------------------------------------------------------------------
def test_a_stray_byte_books_the_valid_lines_and_reports_the_damaged_one(world):
    setup_client(world)
    ref = invoice(world, "F-0001")["payment_reference"]
    text = mt940([paid(12_100, "", reference=ref), paid(40_000, "factuur F-0003")])
    lines = text.split(b"\n")
    second_61 = [n for n, x in enumerate(lines) if x.startswith(b":61:")][1]
    lines[second_61] = lines[second_61].replace(b"C", b"C\xc3\x9c", 1)  # a stray byte in :61:
    lines[0] = lines[0].replace(b"S1", b"S\x001")  # and a NUL byte
    report = world.services.statements.ingest("agency-a/stray.sta", b"\n".join(lines))
    assert report.status == "booked" and report.booked == 1
    assert invoice(world, "F-0001")["status"] == "paid"
    assert any(f"line {second_61 + 1}:" in w for w in report.warnings), report.warnings
    items = world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    warning = next(x for x in items if x["kind"] == "statement_warning")
    assert any("book it by hand" in p for p in warning["detail"]["problems"])


def test_the_corpus_file_with_a_binary_character_is_read_with_a_warning():
    from shared.domain.statements.parse import parse_statement_file

    data = (STATEMENTS / "mt940/betterplace/with_binary_character.sta").read_bytes()
    statements = parse_statement_file(data)
    assert [len(s.lines) for s in statements] == [3, 1]
    assert "SWIFT character set" in statements[0].warnings[0]


def test_quarantine_keeps_the_file_and_says_why(world):
    setup_client(world)
    data = mt940([paid(12_100, "x")]).split(b":62F:")[0]  # cut after the :61:/:86:
    report = world.services.statements.ingest("agency-a/cut.sta", data)
    assert report.status == "quarantined"
    assert "ends inside a statement" in str(report.error)
    assert world.services.files.get(QUARANTINE, "agency-a/cut.sta") == data


# -- the open total a line is compared with comes from an injected provider ------------------
def test_a_line_paying_the_whole_claim_matches_through_the_injected_provider(world):
    from shared.services.statements import StatementService

    setup_client(world)
    seen = []

    def whole_claim(client, invoices, on):  # principal + EUR 40 costs, as the ledger would say
        seen.append((client.client_id, on, sorted(i.number for i in invoices)))
        return {i.number: i.open_amount + 4_000 for i in invoices}

    s = world.services
    service = StatementService(s.repos, s.files, s.payments, s.clock, open_totals=whole_claim)
    payer = OutLine(date(2025, 3, 3), 16_100, "", counterparty_iban="NL55INGB0001234567",
                    counterparty_name="Jan de Vries")  # fmt: skip
    client_id = world.agency_a.call("GET", "/v1/clients/C1").body["client_id"]
    s.repos.banking.learn_iban(client_id, "NL55INGB0001234567", "D1")
    report = service.ingest("agency-a/claim.sta", mt940([payer]))
    assert report.booked == 1, world.agency_a.call("GET", "/v1/clients/C1/actions").body
    assert seen and seen[0][1] == date(2025, 3, 3)
    payments = world.agency_a.call("GET", "/v1/clients/C1/payments").body["items"]
    assert len(payments) == 1
