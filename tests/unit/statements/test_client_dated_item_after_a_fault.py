"""A client's upload whose line is dated before the upload is booked on the upload's day and
the agency is told (client_dated_payments). A fault writing that item fails the blob trigger;
its redelivery finds the statement done and still writes the item, once (codereview10 #6: the
agency was never told that 121.00 the client says came on 10-2 was booked on 3-3)."""

from __future__ import annotations

from datetime import date

import pytest

from shared.domain.statements.mt940_writer import OutLine
from shared.ports.tables import StorageError
from tests.unit.services.test_statement_ingest import PAYER, statement
from tests.unit.statements.test_client_written_statements import (  # noqa: F401
    _agency_items,
    _upload,
    costs_owed,
    setup,
    world,
)


def test_the_dated_item_survives_a_fault_after_the_mark(costs_owed):  # noqa: F811
    w = costs_owed
    ref = w.agency_a.call("GET", "/v1/clients/C1/invoices/F-1").body["payment_reference"]
    back = date(2025, 2, 10)
    line = OutLine(back, 12_100, ref, counterparty_iban=PAYER, counterparty_name="Debtor D1")
    data = statement([line], day=back, sid="X1")
    service = w.services.statements
    real = service._add_action

    def once(target, kind, *a, **kw):  # type: ignore[no-untyped-def]
        if kind == "client_dated_payments":
            service._add_action = real
            raise StorageError("503 server busy")
        return real(target, kind, *a, **kw)

    service._add_action = once
    with pytest.raises(StorageError):
        _upload(w, "C1", "t-x.sta", data)
    _upload(w, "C1", "t-x.sta", data)  # the blob trigger's redelivery
    assert len(_agency_items(w, "client_dated_payments")) == 1
