"""GET /v1/clients/{client}/reports/open-items: the open-items list with its ageing, through
the API on the in-memory store."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

from shared.api.http import ApiRequest
from shared.domain.records import PaymentSource
from tests.unit.api.conftest import client_row, debtor_row, invoice_row

REPORT = "/v1/clients/C1/reports/open-items"


def _client(world, invoices, debtors=("D1",)):  # type: ignore[no-untyped-def]
    a = world.agency_a
    assert a.call("POST", "/v1/clients", {"items": [client_row("C1")]}).status == 200
    rows = [debtor_row(d) for d in debtors]
    assert a.call("POST", "/v1/clients/C1/debtors", {"items": rows}).status == 200
    reply = a.call("POST", "/v1/clients/C1/invoices", {"items": invoices})
    assert reply.status == 200 and not reply.body.get("errors"), reply.body
    return a, world.services.access.client_for(world.services.access.authenticate(a.key), "C1")


def _row(number: str, due: str, debtor: str = "D1", amount: str = "121.00"):  # type: ignore[no-untyped-def]
    dated = min("2025-01-01", due)
    return invoice_row(number, debtor, invoice_date=dated, due_date=due, amount=amount)


def test_bucket_edges_by_days_past_due(world):  # type: ignore[no-untyped-def]
    a, _ = _client(world, [_row("F0", "2025-03-31"), _row("F30", "2025-03-01"),
                           _row("F31", "2025-02-28"), _row("F1", "2025-03-30")])  # fmt: skip
    body = a.call("GET", REPORT, on="2025-03-31").body
    seen = {i["invoice"]: (i["days_overdue"], i["bucket"]) for i in body["items"]}
    assert seen == {"F0": (0, "not_due"), "F1": (1, "1_30"), "F30": (30, "1_30"),
                    "F31": (31, "31_60")}  # fmt: skip
    assert body["on"] == "2025-03-31"


def test_the_day_is_amsterdams_at_half_past_eleven_utc(world):  # type: ignore[no-untyped-def]
    """31 March 2025 23:30 UTC is 1 April 01:30 in Amsterdam (summer time): an invoice due on
    31 March is one day overdue there, not due today."""
    a, _ = _client(world, [_row("F1", "2025-03-31")])
    world.clock.at = datetime(2025, 3, 31, 23, 30, tzinfo=UTC)
    body = a.call("GET", REPORT).body
    assert body["on"] == "2025-04-01"
    [item] = body["items"]
    assert (item["days_overdue"], item["bucket"]) == (1, "1_30")


def test_totals_are_the_sums_of_the_rows(world):  # type: ignore[no-untyped-def]
    invoices = [_row("F1", "2025-01-31"), _row("F2", "2024-12-01", amount="50.00"),
                _row("F3", "2025-02-20", debtor="D2", amount="2000.00"),
                _row("F4", "2025-04-30", debtor="D2")]  # fmt: skip
    a, _ = _client(world, invoices, debtors=("D1", "D2"))
    body = a.call("GET", REPORT, on="2025-06-30").body
    assert len(body["items"]) == 4
    for part in ("principal", "costs", "costs_vat", "interest", "total"):
        rows = sum(_cents(i[part]) for i in body["items"])
        assert sum(_cents(b[part]) for b in body["buckets"]) == rows == _cents(body["total"][part])
        assert sum(_cents(d[part]) for d in body["debtors"]) == rows
    for i in body["items"]:
        parts = sum(_cents(i[p]) for p in ("principal", "costs", "costs_vat", "interest"))
        assert parts == _cents(i["total"])
    assert [b["bucket"] for b in body["buckets"]] == ["not_due", "1_30", "31_60", "61_90",
                                                      "91_180", "over_180"]  # fmt: skip
    assert sum(b["items"] for b in body["buckets"]) == body["total"]["items"] == 4
    assert [(d["debtor"], d["items"]) for d in body["debtors"]] == [("D1", 2), ("D2", 2)]
    assert body["debtors"][0]["debtor_name"] == "Debtor D1"


def test_paid_credited_and_withdrawn_invoices_are_absent(world):  # type: ignore[no-untyped-def]
    a, client = _client(world, [_row(n, "2025-02-01") for n in ("F1", "F2", "F3", "F4")])
    world.services.payments.book(client, payment_id="p1", amount=12_100,
                                 received_on=date(2025, 2, 1), source=PaymentSource.BANK,
                                 invoice_numbers=["F1"])  # fmt: skip
    assert a.call("POST", "/v1/clients/C1/invoices/F2/credit").status == 200
    assert a.call("POST", "/v1/clients/C1/invoices/F3/withdraw").status == 200
    body = a.call("GET", REPORT, on="2025-03-03").body
    assert [i["invoice"] for i in body["items"]] == ["F4"]


def test_a_partial_payment_shows_what_is_open(world):  # type: ignore[no-untyped-def]
    """The figures are the claim ledger's on the day, as the invoice's claim route says."""
    a, client = _client(world, [_row("F1", "2025-01-31")])
    world.services.payments.book(client, payment_id="p1", amount=5_000,
                                 received_on=date(2025, 2, 1), source=PaymentSource.BANK,
                                 invoice_numbers=["F1"])  # fmt: skip
    [item] = a.call("GET", REPORT, on="2025-03-03").body["items"]
    claim = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2025-03-03").body["open"]
    assert _cents(item["principal"]) < 12_100
    for part in ("principal", "costs", "costs_vat", "interest", "total"):
        assert item[part] == claim[part], part
    assert item["status"] in ("open", "in_dunning")


def test_a_disputed_invoice_says_so(world):  # type: ignore[no-untyped-def]
    a, _ = _client(world, [_row("F1", "2025-01-31")])
    assert a.call("POST", "/v1/clients/C1/invoices/F1/dispute", {"reason": "kapot"}).status == 200
    [item] = a.call("GET", REPORT, on="2025-03-03").body["items"]
    assert item["status"] == "disputed"


def test_a_paused_debtors_invoices_say_paused(world):  # type: ignore[no-untyped-def]
    a, _ = _client(world, [_row("F1", "2025-01-31")])
    body = {"reason": "in overleg", "until": "2025-03-20"}
    assert a.call("POST", "/v1/clients/C1/debtors/D1/pause", body).status == 200
    [item] = a.call("GET", REPORT, on="2025-03-20").body["items"]
    assert item["status"] == "paused"
    [item] = a.call("GET", REPORT, on="2025-03-21").body["items"]
    assert item["status"] == "open"


def test_another_clients_report_is_not_found(world):  # type: ignore[no-untyped-def]
    a, _ = _client(world, [_row("F1", "2025-01-31")])
    assert a.call("POST", "/v1/clients", {"items": [client_row("C2")]}).status == 200
    key = a.call("POST", "/v1/keys", {"scope": "client", "client": "C1"}).body["key"]
    own = a.as_key(key)
    assert own.call("GET", REPORT).status == 200
    assert own.call("GET", "/v1/clients/C2/reports/open-items").status == 404
    assert own.call("GET", "/v1/clients/C2/reports/open-items", format="csv").status == 404
    assert world.agency_b.call("GET", REPORT).status == 404


def test_csv_has_a_header_and_a_row_per_item(world):  # type: ignore[no-untyped-def]
    a, _ = _client(world, [_row("F1", "2025-01-31")])
    response = world.api.handle(ApiRequest("GET", REPORT, {"x-api-key": a.key},
                                           {"on": "2025-03-03", "format": "csv"}, b""))  # fmt: skip
    assert response.status == 200 and response.content_type.startswith("text/csv")
    assert "open-items-C1-2025-03-03.csv" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.encoded().decode())))
    assert rows[0] == ["debtor", "debtor_name", "invoice", "invoice_date", "due_date",
                       "days_overdue", "bucket", "principal", "costs", "costs_vat",
                       "interest", "total", "status"]  # fmt: skip
    [row] = rows[1:]
    json_item = a.call("GET", REPORT, on="2025-03-03").body["items"][0]
    assert row[:7] == ["D1", "Debtor D1", "F1", "2025-01-01", "2025-01-31", "31", "31_60"]
    assert row[7:] == [json_item[k] for k in ("principal", "costs", "costs_vat", "interest",
                                              "total", "status")]  # fmt: skip


def test_a_bad_day_or_format_is_a_bad_request(world):  # type: ignore[no-untyped-def]
    a, _ = _client(world, [_row("F1", "2025-01-31")])
    assert a.call("GET", REPORT, on="31-03-2025").status == 400
    assert a.call("GET", REPORT, format="xlsx").status == 400
    assert a.call("GET", REPORT, on="").status == 400  # sent empty: not today's by default
    assert a.call("GET", REPORT, format="").status == 400
    # world's today is 2025-03-03: a year and a day ahead is the last day that is answered
    assert a.call("GET", REPORT, on="2026-03-04").status == 200
    assert a.call("GET", REPORT, on="2026-03-05").status == 400
    assert a.call("GET", REPORT, on="9999-12-31").status == 400  # not a 500 from the interest


def test_the_reads_do_not_grow_with_the_debtors(world):  # type: ignore[no-untyped-def]
    """Bounded queries of the client's partitions: 30 debtors with two invoices each cost the
    same requests as one debtor (nothing read per debtor or per invoice)."""
    debtors = [f"D{n}" for n in range(30)]
    invoices = [_row(f"F{d}-{k}", "2025-01-31", debtor=d) for d in debtors for k in (1, 2)]
    _, client = _client(world, invoices, debtors=debtors)
    world.services.payments.book(client, payment_id="p1", amount=5_000,
                                 received_on=date(2025, 2, 1), source=PaymentSource.BANK,
                                 invoice_numbers=["FD3-1"])  # fmt: skip
    before = world.store.requests
    report = world.services.open_items.report(client, date(2025, 3, 3))
    assert len(report.items) == 60
    assert world.store.requests - before <= 6


def _cents(text: str) -> int:
    units, cents = text.split(".")
    return int(units) * 100 + int(cents)


def test_the_csv_file_name_survives_any_client_number(world):  # type: ignore[no-untyped-def]
    """review31: a client number is any printable text; one with a quote ended the header's
    file name early ('filename="open-items-Bakkerij "1-…'), one with "ë" is no header text."""
    a = world.agency_a
    row = client_row('Bakkerij "ë"')
    assert a.call("POST", "/v1/clients", {"items": [row]}).status == 200
    path = '/v1/clients/Bakkerij "ë"/reports/open-items'
    response = world.api.handle(ApiRequest("GET", path, {"x-api-key": a.key},
                                           {"on": "2025-03-03", "format": "csv"}, b""))  # fmt: skip
    assert response.status == 200, response.body
    disposition = response.headers["Content-Disposition"]
    assert disposition.isascii() and disposition.count('"') == 2, disposition
    assert 'filename="open-items-Bakkerij____-2025-03-03.csv"' in disposition
    assert "filename*=UTF-8''open-items-Bakkerij%20%22%C3%AB%22-2025-03-03.csv" in disposition
