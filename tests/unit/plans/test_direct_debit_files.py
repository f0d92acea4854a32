"""Direct-debit files: a crash between claiming the collections and writing the file finishes
the same file on the next build; a collection is never in two files."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from shared.domain.plans.plan import DirectDebit, Mandate
from shared.services.plans.direct_debit import CONTAINER
from tests.unit.api.conftest import client_row

ON = date(2026, 3, 2)
BUILT_ON = ON - timedelta(days=2)  # the file is made two days before its collection date


def test_a_crash_before_the_file_is_written_finishes_that_file(world, monkeypatch):
    a = world.agency_a
    world.clock.at = datetime(2026, 2, 27, 6, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("PUT", "/v1/clients/C1/plan-rules", {"creditor_id": "NL69ZZZ123456780000"})
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    desk = world.services.plans.desk
    mandate = Mandate("MND-1", date(2026, 1, 2), "NL91ABNA0417164300", "Debtor D1")
    for n in (1, 2):
        debit = DirectDebit(n, 1, ON, 5_000, f"PL1-{n}-1", first=n == 1)
        desk.submit(client.client_id, "PL1", mandate, debit, f"Termijn {n}")
    files = world.services.files
    real_put = files.put

    def crash(*args, **kwargs):
        raise ConnectionResetError("the worker died")

    monkeypatch.setattr(files, "put", crash)
    with pytest.raises(ConnectionResetError):
        desk.build_files(BUILT_ON)
    assert files.names(CONTAINER) == []
    monkeypatch.setattr(files, "put", real_put)
    built = desk.build_files(BUILT_ON)
    assert len(built) == 1 and files.names(CONTAINER) == built
    xml = files.get(CONTAINER, built[0])
    assert xml is not None and xml.count(b"<DrctDbtTxInf>") == 2
    assert desk.build_files(BUILT_ON) == [] and len(files.names(CONTAINER)) == 1
    items = a.call("GET", "/v1/clients/C1/actions").body["items"]
    assert [x["kind"] for x in items].count("direct_debit_file") == 1


def test_a_file_that_cannot_be_made_now_stops_no_other_clients_file(world, monkeypatch):
    """failure24 F5: a storage 503 on one client's file ended the build: the clients after it
    had no file that morning (two such mornings and their collection date passed)."""
    a = world.agency_a
    world.clock.at = datetime(2026, 2, 27, 6, 0, tzinfo=UTC)
    desk = world.services.plans.desk
    mandate = Mandate("MND-1", date(2026, 1, 2), "NL91ABNA0417164300", "Debtor D1")
    for number in ("C1", "C2"):
        a.call("POST", "/v1/clients", {"items": [client_row(number)]})
        a.call("PUT", f"/v1/clients/{number}/plan-rules", {"creditor_id": "NL69ZZZ123456780000"})
        client = world.services.access.client_for(world.services.access.authenticate(a.key), number)
        debit = DirectDebit(1, 1, ON, 5_000, f"PL{number}-1-1", first=True)
        desk.submit(client.client_id, f"PL{number}", mandate, debit, "Termijn 1")
    files = world.services.files
    real_put = files.put
    busy = {"left": 1}

    def put(*args, **kwargs):
        if busy["left"]:
            busy["left"] -= 1
            raise ConnectionResetError("503 ServerBusy")
        return real_put(*args, **kwargs)

    monkeypatch.setattr(files, "put", put)
    with pytest.raises(ConnectionResetError):  # the timer still fails: the alert tells
        desk.build_files(BUILT_ON)
    assert len(files.names(CONTAINER)) == 1  # the other client's file is made
    assert len(desk.build_files(BUILT_ON)) == 1  # and the first one's the next time
    assert len(files.names(CONTAINER)) == 2
