"""attack13b G3: a ruling the agency recorded is the agency's to change or lift while it holds.
The client's own admin key lifted the agency's WSNP "as a mistake": the ruling's interest came
back (9.32 -> 14.25 on 27-3) and dunning resumed, on the client's word alone. A standing the
client recorded stays the client's admin's to lift; the agency may lift either."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from shared.domain.records import PaymentSource
from tests.unit.api.conftest import make_world
from tests.unit.payments.test_client_sync_receipts import _claim, _handed_over

URL = "/v1/clients/C1/debtors/D1/standing"


def _client_admin(world):  # type: ignore[no-untyped-def]
    a = world.agency_a
    body = {"scope": "client", "client": "C1", "admin": True}
    return a.as_key(a.call("POST", "/v1/keys", body).body["key"])


def test_the_client_neither_lifts_nor_changes_the_agencys_ruling() -> None:
    world = make_world()
    _handed_over(world)
    a = world.agency_a
    world.clock.at = datetime(2026, 3, 25, 9, 0, tzinfo=UTC)
    assert a.call("POST", URL, {"standing": "wsnp", "since": "2026-02-10"}).status == 200
    world.clock.at = datetime(2026, 3, 27, 9, 0, tzinfo=UTC)
    held = _claim(world, "2026-03-27")["open"]
    admin = _client_admin(world)
    for body in (
        {"standing": "normal", "reason": "mistake"},
        {"standing": "normal", "reason": "clean_slate"},
        {"standing": "bankrupt", "since": "2026-02-10"},
        {"standing": "wsnp", "since": "2026-02-01"},
    ):
        refused = admin.call("POST", URL, body)
        assert refused.status == 422, (body, refused.body)
        assert "standing_agency_recorded" in str(refused.body)
    # saving the same standing again changes nothing and leaves it the agency's
    assert admin.call("POST", URL, {"standing": "wsnp", "since": "2026-02-10"}).status == 200
    assert admin.call("POST", URL, {"standing": "normal", "reason": "mistake"}).status == 422
    assert _claim(world, "2026-03-27")["open"] == held
    assert admin.call("GET", URL).body["standing"] == "wsnp"
    lifted = a.call("POST", URL, {"standing": "normal", "reason": "mistake"})
    assert lifted.status == 200 and lifted.body["standing"] == "normal"
    assert _claim(world, "2026-03-27")["open"] != held  # the ruling's interest back


def test_a_standing_the_client_recorded_is_its_admins_to_lift() -> None:
    world = make_world()
    _handed_over(world)
    admin = _client_admin(world)
    world.clock.at = datetime(2026, 3, 25, 9, 0, tzinfo=UTC)
    assert admin.call("POST", URL, {"standing": "wsnp", "since": "2026-02-10"}).status == 200
    lifted = admin.call("POST", URL, {"standing": "normal", "reason": "mistake"})
    assert lifted.status == 200, lifted.body
    assert admin.call("POST", URL, {"standing": "wsnp", "since": "2026-02-10"}).status == 200
    assert world.agency_a.call("POST", URL, {"standing": "normal", "reason": "ended"}).status == 200


def test_the_client_cannot_set_the_agencys_ended_ruling_again_to_undo_how_it_ended() -> None:
    """newcomer13b #1: the agency's WSNP ended with a clean slate; the client's admin set the
    same WSNP again (no longer holding, so no check) and lifted it as a mistake: the clean
    slate's natural obligation claimable again (interest 9.32 -> 14.79)."""
    world = make_world()
    _handed_over(world)
    a = world.agency_a
    admin = _client_admin(world)
    world.clock.at = datetime(2026, 3, 25, 9, 0, tzinfo=UTC)
    assert a.call("POST", URL, {"standing": "wsnp", "since": "2026-02-10"}).status == 200
    world.clock.at = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)
    assert a.call("POST", URL, {"standing": "normal", "reason": "clean_slate"}).status == 200
    settled = _claim(world, "2026-04-01")["open"]
    again = admin.call("POST", URL, {"standing": "wsnp", "since": "2026-02-10"})
    assert again.status == 422 and "standing_agency_recorded" in str(again.body)
    assert admin.call("POST", URL, {"standing": "normal", "reason": "mistake"}).status == 422
    after = a.call("GET", URL).body
    assert [r["lift_reason"] for r in after["rulings"]] == ["clean_slate"]
    assert after["rulings"][0]["recorded_by_agency"] is True
    assert _claim(world, "2026-04-01")["open"] == settled


def test_the_agency_makes_a_standing_recorded_before_its_own_by_saving_it_again() -> None:
    """newcomer13b #2: docs/operations.md's way (the same standing saved again by the agency)
    answered 200 and changed nothing: the client's admin could still lift it."""
    world = make_world()
    _handed_over(world)
    a = world.agency_a
    admin = _client_admin(world)
    world.clock.at = datetime(2026, 3, 25, 9, 0, tzinfo=UTC)
    set_by_client = admin.call("POST", URL, {"standing": "wsnp", "since": "2026-02-10"})
    assert set_by_client.body["recorded_by_agency"] is False
    adopted = a.call("POST", URL, {"standing": "wsnp", "since": "2026-02-10"})
    assert adopted.status == 200 and adopted.body["recorded_by_agency"] is True
    lifted = admin.call("POST", URL, {"standing": "normal", "reason": "mistake"})
    assert lifted.status == 422 and "standing_agency_recorded" in str(lifted.body)


def _as_stored_before_the_flag(world, client) -> None:  # type: ignore[no-untyped-def]
    """D1's row as a version before attack13b's fix stored it: no ``by_agency``, no ``g|``."""
    from shared.adapters.tables import schema
    from shared.adapters.tables.codec import get_json, put_json
    from shared.adapters.tables.invoices_repo import STANDING_ROW
    from shared.adapters.tables.keys import encode

    store = world.services.repos.store
    row = store.get(schema.DEBTORS, encode(client.client_id), encode("D1"))
    shaped = get_json(row.data["Standing"], None)
    assert shaped.pop("by_agency") is True
    store.upsert(schema.DEBTORS, replace(row, data={**row.data, "Standing": put_json(shaped)}))
    for key, etag, _ in world.services.repos.invoices.marks(client.client_id, STANDING_ROW):
        world.services.repos.invoices.drop_mark(client.client_id, STANDING_ROW, key, etag)
    assert not world.services.repos.debtors.get(client.client_id, "D1")[
        0
    ].standing.recorded_by_agency


def test_a_ruling_the_agency_recorded_before_the_flag_is_the_agencys_without_a_save() -> None:
    """standing14 #2: a WSNP the agency recorded before the flag was kept was the client's admin's
    to lift "as a mistake" (interest 9.32 -> 14.25 on 27-3) until the agency saved it again, and
    its filing item followed no money (no ``g|`` mark). Who set it is read from the debtor's log;
    the daily run's one pass stores it as the agency's and marks it."""
    world = make_world()
    client = _handed_over(world)
    a = world.agency_a
    world.clock.at = datetime(2026, 3, 25, 9, 0, tzinfo=UTC)
    assert a.call("POST", URL, {"standing": "wsnp", "since": "2026-02-10"}).status == 200
    _as_stored_before_the_flag(world, client)
    world.clock.at = datetime(2026, 3, 27, 9, 0, tzinfo=UTC)
    held = _claim(world, "2026-03-27")["open"]
    admin = _client_admin(world)
    # shown as the service decides before the run's pass stored the flag (codereview14 F4:
    # shown as not the agency's while the client's lift was refused)
    shown = admin.call("GET", URL).body
    assert shown["recorded_by_agency"] is True and shown["rulings"][0]["recorded_by_agency"]
    refused = admin.call("POST", URL, {"standing": "normal", "reason": "mistake"})
    assert refused.status == 422 and "standing_agency_recorded" in str(refused.body)
    assert _claim(world, "2026-03-27")["open"] == held
    # money received after the ruling: the run's pass marks the ruling, its item follows it
    world.services.payments.book(client, payment_id="p-after", amount=10000,
                                 received_on=date(2026, 3, 27), source=PaymentSource.BANK,
                                 invoice_numbers=["F1"])  # fmt: skip
    world.clock.at = datetime(2026, 3, 28, 5, 0, tzinfo=UTC)
    world.services.dunning.run_client(client.client_id, date(2026, 3, 28))
    assert a.call("GET", URL).body["recorded_by_agency"] is True
    [item] = [i for i in a.call("GET", "/v1/clients/C1/actions").body["items"]
              if i["kind"] == "debtor_standing"]  # fmt: skip
    paid = item["detail"].get("paid_after_ruling")
    assert paid and paid[0]["payment"] == "p-after", item["detail"]


def test_a_ruling_the_client_recorded_before_the_flag_stays_its_admins() -> None:
    world = make_world()
    client = _handed_over(world)
    admin = _client_admin(world)
    world.clock.at = datetime(2026, 3, 25, 9, 0, tzinfo=UTC)
    assert admin.call("POST", URL, {"standing": "wsnp", "since": "2026-02-10"}).status == 200
    world.clock.at = datetime(2026, 3, 26, 5, 0, tzinfo=UTC)
    world.services.dunning.run_client(client.client_id, date(2026, 3, 26))
    assert admin.call("GET", URL).body["recorded_by_agency"] is False
    lifted = admin.call("POST", URL, {"standing": "normal", "reason": "mistake"})
    assert lifted.status == 200, lifted.body


def test_the_newest_save_of_an_old_standing_says_whose_it_is() -> None:
    """The agency set the WSNP, lifted it as a mistake, and the client's admin set the same WSNP
    again: the newest "Standing set" entry is the client's, so the standing (no flag) is his."""
    world = make_world()
    _handed_over(world)
    a = world.agency_a
    admin = _client_admin(world)
    world.clock.at = datetime(2026, 3, 25, 9, 0, tzinfo=UTC)
    assert a.call("POST", URL, {"standing": "wsnp", "since": "2026-02-10"}).status == 200
    world.clock.at = datetime(2026, 3, 25, 10, 0, tzinfo=UTC)
    assert a.call("POST", URL, {"standing": "normal", "reason": "mistake"}).status == 200
    world.clock.at = datetime(2026, 3, 25, 11, 0, tzinfo=UTC)
    assert admin.call("POST", URL, {"standing": "wsnp", "since": "2026-02-10"}).status == 200
    assert admin.call("GET", URL).body["recorded_by_agency"] is False
    world.clock.at = datetime(2026, 3, 25, 12, 0, tzinfo=UTC)
    lifted = admin.call("POST", URL, {"standing": "normal", "reason": "mistake"})
    assert lifted.status == 200, lifted.body
