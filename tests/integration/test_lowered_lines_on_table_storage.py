"""The lowered open amounts' lines still to write (``l|<id>``, failure20 L1) written in an
invoice's transaction, read back by their range and dropped, on the in-memory store and on
Azurite alike; an invoice row is never read as one."""

from __future__ import annotations

import uuid
from datetime import date

from shared.domain.invoices import Invoice


def test_the_lines_row_round_trips_beside_its_invoice(repos):
    client = f"low-{uuid.uuid4().hex[:8]}"
    invoice = Invoice(client, "F-1003", "D-1001", date(2026, 9, 18), date(2026, 10, 18), 100_000)
    lines = [{"id": "0001", "at": "2026-12-02T09:00:00+00:00", "debtor": "D-1001",
              "number": "F-1003", "summary": "Invoice F-1003: … € 200,00 …"}]  # fmt: skip
    ops = repos.invoices.write_ops(invoice, None)
    ops.append(repos.invoices.lowered_lines_op(client, "k1", lines))
    repos.invoices.write_many(client, ops)
    assert repos.invoices.lowered_lines(client) == [("k1", lines)]
    assert repos.invoices.get(client, "F-1003") is not None
    repos.invoices.drop_lowered_lines(client, "k1")
    repos.invoices.drop_lowered_lines(client, "k1")  # gone already: nothing to say
    assert repos.invoices.lowered_lines(client) == []
