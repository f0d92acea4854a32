"""cm24 F5: a dispute stops the dunning, not prescription (a demand interrupts it, 3:317 BW; no
ground of suspension of 3:320/3:321 covers a dispute), so a claim left disputed is warned about
before it prescribes as any other, and still sent nothing. Before: consumer F1 1,000.00 due
15-11-2024, 14-day letter received 10-12-2024, disputed 20-12-2024 and never decided:
prescribed on 11-12-2026 (two years, a consumer sale presumed) without a single warning, the
run having dropped it from its schedule (the invoice not collectable)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from tests.unit.dunning.test_daily_run import SEEN
from tests.unit.dunning.test_dispute_ended_resumes_dunning import _days
from tests.unit.dunning.test_prescription_told_to_agency import consumer_f1


def test_a_claim_left_disputed_is_warned_before_it_prescribes(world):  # type: ignore[no-untyped-def]
    SEEN.clear()
    a = world.agency_a
    client = consumer_f1(world)
    _days(world, client, date(2024, 11, 16), date(2024, 12, 19))
    world.clock.at = datetime(2024, 12, 20, 12, 0, tzinfo=UTC)
    why = {"reason": "kapot geleverd"}
    assert a.call("POST", "/v1/clients/C1/invoices/F1/dispute", why).status == 200
    _days(world, client, date(2024, 12, 20), date(2025, 1, 10))
    outbox = world.services.messaging.outbox
    sent = len(outbox.list(client.client_id)[0])

    _days(world, client, date(2026, 9, 1), date(2026, 12, 12))
    warnings = [
        (str(i["created_at"])[:10], i["title"][:48])
        for i in a.call("GET", "/v1/clients/C1/actions").body["items"]
        if i["kind"] == "prescription"
    ]
    assert warnings == [
        ("2026-09-17", "Invoice F1 prescribes on 16-11-2026 (2 years) un"),
        ("2026-10-12", "Invoice F1 may prescribe on 11-12-2026: counted "),
        ("2026-12-11", "Invoice F1 may have prescribed on 11-12-2026: co"),
    ], warnings
    assert len(outbox.list(client.client_id)[0]) == sent  # still nothing sent to the debtor
    assert a.call("GET", "/v1/clients/C1/invoices/F1").body["status"] == "disputed"
