"""attack32b: the run preview of golive32 under hostile input: its day and its continuation."""

from __future__ import annotations

from tests.hostile.conftest import record
from tests.unit.dunning.test_daily_run import engine  # noqa: F401

PREVIEW = "/v1/clients/C1/dunning/preview"


def test_a_preview_day_is_yyyy_mm_dd_only(engine):  # noqa: F811
    world, _ = engine
    api = world.agency_a
    # date.fromisoformat read these as 2025-03-17; every other query day refuses them
    for on in ("20250317", "2025-W12-1", "2025-03-17T00:00"):
        reply = api.call("GET", PREVIEW, on=on)
        record("preview day", reply.status)
        assert reply.status == 400, (on, reply.body)
    # at most 366 days ahead, as the claim routes and the open-items report (final32)
    far = api.call("GET", PREVIEW, on="9999-12-31")
    record("preview day", far.status)
    assert far.status == 400, far.body
    assert "366" in str(far.body)
    last = api.call("GET", PREVIEW, on="2026-03-04")  # 2025-03-03 (the world's day) + 366
    record("preview day", last.status)
    assert last.status == 200, last.body
    assert api.call("GET", PREVIEW, on="2026-03-05").status == 400


def test_a_continuation_that_is_no_row_key_is_a_400(engine):  # noqa: F811
    world, _ = engine
    api = world.agency_a
    # a control character or more than a key holds went into Table Storage's filter as it
    # came (Azurite answers it; no token this route gives looks like that)
    for token in ("\x00", "20250317|D1\x07", "20250317|" + "a" * 2000, "' or true", "x"):
        reply = api.call("GET", PREVIEW, on="2025-03-17", continuation=token)
        record("preview continuation", reply.status)
        assert reply.status == 400, (repr(token[:20]), reply.body)


def test_the_previews_own_continuation_goes_on(engine):  # noqa: F811
    world, _ = engine
    api = world.agency_a
    # a continuation as the preview gives it: a schedule row key (here one before the rows)
    reply = api.call("GET", PREVIEW, on="2025-03-17", continuation="20250101|D0|F0")
    record("preview continuation", reply.status)
    assert reply.status == 200 and reply.body["debtors"] == 2, reply.body


def test_a_clients_keys_cannot_set_the_go_live_day_and_contact_is_partial(engine):  # noqa: F811
    world, _ = engine
    agency = world.agency_a
    keys = {admin: agency.call("POST", "/v1/keys", {"scope": "client", "client": "C1", "admin": admin}).body["key"]
            for admin in (True, False)}  # fmt: skip
    own, plain = agency.as_key(keys[True]), agency.as_key(keys[False])
    contact = "/v1/clients/C1/contact"
    set_up = own.call("PUT", contact, {"contact_email": "debiteuren@c1.example",
                                       "contact_phone": "+31201234567"})  # fmt: skip
    assert set_up.status == 200, set_up.body
    # the go-live day is the agency's: not a field of the client's own PUT, nor of a batch
    for body in ({"dunning_starts_on": None}, {"dunning_starts_on": "2025-03-03"}):
        reply = own.call("PUT", contact, body)
        record("client's go-live day", reply.status)
        assert reply.status == 422, reply.body
    batch = own.call("POST", "/v1/clients", {"items": [{"number": "C1", "name": "C1",
                                                        "dunning_starts_on": None}]})  # fmt: skip
    record("client's go-live day", batch.status)
    assert batch.status in (403, 404), batch.body
    assert plain.call("GET", "/v1/clients/C1/readiness").status == 404
    assert plain.call("PUT", contact, {"contact_phone": None}).status in (403, 404)
    # left out: kept; null: cleared
    kept = own.call("PUT", contact, {"contact_phone": "+31207654321"}).body
    assert (kept["contact_email"], kept["contact_phone"]) == (
        "debiteuren@c1.example",
        "+31207654321",
    )
    cleared = own.call("PUT", contact, {"contact_email": None}).body
    assert (cleared["contact_email"], cleared["contact_phone"]) == (None, "+31207654321")
    # another agency reads none of it
    assert world.agency_b.call("GET", "/v1/clients/C1").status == 404
    assert world.agency_b.call("GET", "/v1/clients/C1/readiness").status == 404


def test_a_preview_part_looks_at_a_bounded_number_of_debtors(engine):  # noqa: F811
    """An import's schedule row names up to 30,000 characters of invoices (some 3,000): 200 of
    them in one part were 600,000 debtors' reads for one GET. A part stops before the row that
    would pass PREVIEW_ENTRIES (a row is never split) and goes on after it."""
    from datetime import date
    from unittest.mock import patch

    from shared.services import dunning_preview

    world, client = engine
    services = world.services
    for batch in range(4):  # four imports of 700 invoices each, all due on the 17th
        pairs = [(f"X{batch}{n:03d}", f"Y{batch}{n:03d}") for n in range(700)]
        services.repos.dunning.schedule_imported(client.client_id, date(2025, 3, 10), pairs)
    stored = services.repos.clients.get(client.client_id)[0]
    looked: list[int] = []
    original = dunning_preview._look

    def counted(*args, **kwargs):
        looked[-1] += 1
        return original(*args, **kwargs)

    after, parts = None, 0
    with patch.object(dunning_preview, "_look", counted):
        while True:
            looked.append(0)
            part = dunning_preview.preview_run(services.dunning, stored, date(2025, 3, 17), after)
            parts += 1
            assert looked[-1] <= 1_000, looked  # PREVIEW_ENTRIES
            if part.continuation is None:
                break
            after = part.continuation
    assert sum(looked) >= 4 * 700 + 2 and parts >= 3, looked  # every debtor, in parts
