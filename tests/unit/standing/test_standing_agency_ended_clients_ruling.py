"""attack14b S1: how a ruling ended is the agency's record when the agency lifted it, whoever
set the ruling. The client's admin recorded a WSNP since 10-2-2026 (25-3); the agency lifted it
with a clean slate on 1-4 (art. 358 lid 1 Fw: F1 a natural obligation, 1,159.32 for good:
1,000.00 + 150.00 costs + 9.32 interest to the ruling). The client's admin set the same WSNP
again (200) and lifted it as a mistake (200): F1 claimable again, 1,181.56 on 1-9 (interest
31.56 running again)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.unit.api.conftest import make_world
from tests.unit.payments.test_client_sync_receipts import _claim, _handed_over
from tests.unit.standing.test_standing_recorded_by_agency import URL, _client_admin


def _at(world: Any, month: int, day: int) -> None:
    world.clock.at = datetime(2026, month, day, 9, 0, tzinfo=UTC)


def _clients_ruling_ended_by_agency(
    standing: str = "wsnp", reason: str = "clean_slate"
) -> tuple[Any, Any, Any]:
    world = make_world()
    client = _handed_over(world)
    admin = _client_admin(world)
    _at(world, 3, 25)
    assert admin.call("POST", URL, {"standing": standing, "since": "2026-02-10"}).status == 200
    _at(world, 4, 1)
    lifted = world.agency_a.call("POST", URL, {"standing": "normal", "reason": reason})
    assert lifted.status == 200, lifted.body
    return world, client, admin


def _refused(reply: Any) -> bool:
    return reply.status == 422 and "standing_agency_recorded" in str(reply.body)


def test_the_client_cannot_undo_the_agencys_clean_slate_of_its_own_ruling() -> None:
    world, _, admin = _clients_ruling_ended_by_agency()
    settled = _claim(world, "2026-09-01")["open"]
    assert settled["total"] == "1159.32", settled
    _at(world, 4, 2)
    assert _refused(admin.call("POST", URL, {"standing": "wsnp", "since": "2026-02-10"}))
    after = world.agency_a.call("GET", URL).body
    assert [r["lift_reason"] for r in after["rulings"]] == ["clean_slate"], after
    assert after["rulings"][0]["recorded_by_agency"] is True, after
    assert [n["invoice"] for n in after["not_claimable"]] == ["F1"], after
    assert _claim(world, "2026-09-01")["open"] == settled


@pytest.mark.parametrize(
    ("standing", "reason"), [("bankrupt", "akkoord"), ("bankrupt", "ended"), ("wsnp", "ended")]
)
def test_every_end_the_agency_records_is_the_agencys(standing: str, reason: str) -> None:
    world, _, admin = _clients_ruling_ended_by_agency(standing, reason)
    _at(world, 4, 2)
    assert _refused(admin.call("POST", URL, {"standing": standing, "since": "2026-02-10"}))
    # the agency corrects how it ended: set again and lifted for the right reason
    agency = world.agency_a
    assert agency.call("POST", URL, {"standing": standing, "since": "2026-02-10"}).status == 200
    assert agency.call("POST", URL, {"standing": "normal", "reason": "mistake"}).status == 200


def test_a_ruling_the_client_ended_itself_stays_its_admins_to_correct() -> None:
    world = make_world()
    _handed_over(world)
    admin = _client_admin(world)
    _at(world, 3, 25)
    assert admin.call("POST", URL, {"standing": "wsnp", "since": "2026-02-10"}).status == 200
    _at(world, 4, 1)
    assert admin.call("POST", URL, {"standing": "normal", "reason": "ended"}).status == 200
    assert admin.call("GET", URL).body["rulings"][0]["recorded_by_agency"] is False
    _at(world, 4, 2)
    assert admin.call("POST", URL, {"standing": "wsnp", "since": "2026-02-10"}).status == 200
    assert admin.call("POST", URL, {"standing": "normal", "reason": "clean_slate"}).status == 200


def test_the_agencys_lift_as_a_mistake_leaves_the_clients_ruling_its_own() -> None:
    """A mistake undoes the ruling as if never set: nothing of the agency's is left to keep."""
    world, _, admin = _clients_ruling_ended_by_agency(reason="mistake")
    _at(world, 4, 2)
    assert admin.call("POST", URL, {"standing": "wsnp", "since": "2026-02-10"}).status == 200


def _stored_before_the_lift_flagged(world: Any, client: Any, keep_lifted_by: bool) -> None:
    """D1's row as a version before this fix stored the agency's lift: the ruling not the
    agency's (no ``by_agency``); with or without ``lifted_by`` (only its ``lifts``)."""
    from shared.adapters.tables import schema
    from shared.adapters.tables.codec import get_json, put_json
    from shared.adapters.tables.keys import encode

    store = world.services.repos.store
    row = store.get(schema.DEBTORS, encode(client.client_id), encode("D1"))
    shaped = get_json(row.data["Standing"], None)
    assert shaped.pop("by_agency") is True
    if not keep_lifted_by:
        shaped.pop("lifted_by")
    store.upsert(schema.DEBTORS, replace(row, data={**row.data, "Standing": put_json(shaped)}))
    stored = get_json(store.get(schema.DEBTORS, encode(client.client_id), encode("D1"))
                      .data["Standing"], None)  # fmt: skip
    assert "by_agency" not in stored
    # shown as the service decides it, from who lifted it (crfix14: codereview14 F4)
    assert world.agency_a.call("GET", URL).body["rulings"][0]["recorded_by_agency"] is True


@pytest.mark.parametrize("keep_lifted_by", [True, False])
def test_an_old_row_reads_the_agencys_lift_from_who_lifted_it(keep_lifted_by: bool) -> None:
    world, client, admin = _clients_ruling_ended_by_agency()
    _stored_before_the_lift_flagged(world, client, keep_lifted_by)
    settled = _claim(world, "2026-09-01")["open"]
    _at(world, 4, 2)
    assert _refused(admin.call("POST", URL, {"standing": "wsnp", "since": "2026-02-10"}))
    assert _claim(world, "2026-09-01")["open"] == settled


def test_the_agencys_end_binds_from_under_a_standing_the_client_set_since() -> None:
    """The client's admin sets a bankruptcy of its own over the ended WSNP, then tries the
    WSNP again from under it (attack14 A2's way round): refused, the clean slate binds."""
    world, _, admin = _clients_ruling_ended_by_agency()
    settled = _claim(world, "2026-09-01")["open"]
    _at(world, 4, 2)
    assert admin.call("POST", URL, {"standing": "bankrupt", "since": "2026-04-02"}).status == 200
    assert _refused(admin.call("POST", URL, {"standing": "wsnp", "since": "2026-02-10"}))
    assert admin.call("POST", URL, {"standing": "normal", "reason": "mistake"}).status == 200
    assert _claim(world, "2026-09-01")["open"] == settled
