"""held24: a client held for want of a bank account (handed24) had its run read no due rows at
all, so its prescription looks waited with its reminders: a claim nearing its date got no
warning, and none the day it passed, for as long as the account was missing. Now the held run
looks at the debtors of its due rows for prescription only: warnings and the hold's item come,
nothing is sent, and the rows stay due for the first run after the account is added."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime

from tests.unit.api.conftest import client_iban, debtor_row, invoice_row
from tests.unit.dunning.test_prescription_watch import at, engine, warnings  # noqa: F401


def test_a_held_clients_claim_nearing_prescription_is_warned(engine):  # noqa: F811
    world, client = engine
    a = world.agency_a
    clients = world.services.repos.clients
    stored, etag = clients.get(client.client_id)
    clients.save(replace(stored, ibans=()), etag)
    # F1: consumer sale due 20-03-2023 prescribes on 21-03-2025 (2 years, 7:28), no demand
    # known; F2 due 10-03-2025 gets its reminder on 17-03-2025 once the client can be dunned
    a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row("F1", "D1", invoice_date="2023-02-01", due_date="2023-03-20",
                    amount="500.00", claim_kind="consumer_sale"),
        invoice_row("F2", "D1", invoice_date="2025-02-01", due_date="2025-03-10",
                    amount="80.00", claim_kind="consumer_sale"),
    ]})  # fmt: skip
    assert at(world, client, date(2025, 3, 3)) == []
    assert [w for w, _ in warnings(world)] == ["2025-03-21"]  # before: [] (the hold read nothing)
    sent = []
    for n in range(4, 22):  # to the date itself: the hold's item of its own, still nothing sent
        sent += at(world, client, date(2025, 3, n))
    assert sent == []
    found = warnings(world)
    assert len(found) == 2, found
    assert any("may have prescribed on 21-03-2025" in t for _, t in found), found
    for n in range(22, 25):  # one item per date, however many days the hold looks again
        sent += at(world, client, date(2025, 3, n))
    assert sent == [] and len(warnings(world)) == 2

    update = {"items": [{"number": "C1", "ibans": [client_iban("C1")]}]}
    assert a.call("POST", "/v1/clients", update).status in (200, 207)
    # the rows stayed due: the next run takes F2's reminder, F1 held past its date
    resumed = at(world, client, date(2025, 3, 25))
    assert [(ch, debtor, numbers) for _, ch, debtor, numbers in resumed] == [
        ("email", "D1", ("F2",))
    ], resumed


def test_a_held_client_in_shards_looks_at_each_debtor_once(engine):  # noqa: F811
    """Each shard's job looks at its own debtors only (no debtor three times a day), and
    together they look at all of them."""
    world, client = engine
    a = world.agency_a
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row(d) for d in ("D2", "D3")]})
    clients = world.services.repos.clients
    stored, etag = clients.get(client.client_id)
    clients.save(replace(stored, ibans=(), dunning_shards=3), etag)
    rows = [invoice_row(f"F{d}", d, invoice_date="2023-02-01", due_date="2023-03-20",
                        amount="500.00", claim_kind="consumer_sale") for d in ("D1", "D2", "D3")]  # fmt: skip
    a.call("POST", "/v1/clients/C1/invoices", {"items": rows})
    dunning = world.services.dunning
    looked: list[str] = []
    review = dunning.prescriptions.review

    def counted(client_, debtor, invoices, today):  # type: ignore[no-untyped-def]
        looked.append(debtor.number)
        return review(client_, debtor, invoices, today)

    dunning.prescriptions.review = counted  # type: ignore[method-assign]
    world.clock.at = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)
    assert dunning.fan_out() == 3
    for job in [json.loads(j.body) for j in world.services.messaging.queues.take("dunning-run")]:
        record = dunning.run_client(
            job["client_id"], date.fromisoformat(job["date"]), job["shard"], job["shards"]
        )
        assert record is not None and record.steps == 0 and not record.errors
    assert sorted(looked) == ["D1", "D2", "D3"]
    assert [w for w, _ in warnings(world)] == ["2025-03-21"] * 3
