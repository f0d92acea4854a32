"""sec28 (links27's residual): a bare host written in capitals or mixed case and without a
path ("Betaal via Tikkie.ME", "BUNQ.Me") was not read as a link, so a message by hand, a quick
text or a template sent debtors to another payment request (202 / 201 / 200). A browser reads
the host in any case: every surface refuses it now. A complaint procedure written as a line
with a link in it ("Zie C1.EXAMPLE/klachten of bel ons") made every rejected dispute's notice
refused as a link elsewhere: its hosts are the client's own."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from shared.domain.dunning.foreign_links import hosts_in
from tests.unit.conversations.test_by_hand import BASE, env  # noqa: F401 - the fixture
from tests.unit.dunning.test_dispute_ended_debtor_told import END, _disputed, _notices
from tests.unit.dunning.test_fourteen_day_letter_sent_late import _world
from tests.unit.dunning.test_template_foreign_iban import _put, _staff_key

CAPITALS = ["Tikkie.ME", "TIKKIE.ME", "BUNQ.Me", "tikkie.Me", "Paypal.COM", "Betaalverzoek.Link"]


def test_a_host_in_capitals_is_read_as_a_link() -> None:
    for written in CAPITALS:
        assert hosts_in([f"Betaal via {written} vandaag."]) == [written.lower()], written
        assert hosts_in([f"Betaal via {written}"]) == [written.lower()], written
    # a missed space before a sentence going on is still no link, and prose stays prose
    words = "Zie bijlage.De factuur staat open; o.a. i.v.m. de levering.Info volgt per post."
    assert hosts_in([words]) == []


def test_a_message_by_hand_in_capitals_is_refused(env: Any) -> None:  # noqa: F811
    _, api, _ = env
    for written in CAPITALS:
        body = {"channel": "sms", "body": f"Betaal via {written} vandaag"}
        refused = api.call("POST", f"{BASE}/debtors/D1/messages", body)
        assert refused.status == 422, (written, refused.body)
        assert refused.body["error"]["details"][0]["code"] == "hand_message_foreign_link"


def test_a_quick_text_in_capitals_is_refused(env: Any) -> None:  # noqa: F811
    _, api, _ = env
    made = api.call("POST", f"{BASE}/quick-texts",
                    {"quick_text_id": "q1", "name": "tikkie", "channel": "sms",
                     "text": "Betaal via Tikkie.ME"})  # fmt: skip
    assert made.status == 422, made.body
    assert made.body["error"]["details"][0]["code"] == "tpl_foreign_link"


def test_a_template_in_capitals_is_refused(world: Any) -> None:
    _world(world, datetime(2025, 12, 1, 6, 0, tzinfo=UTC), "2025-12-01")
    put = _put(_staff_key(world), "Betaal {{ total|money }} via BUNQ.Me vandaag.")
    assert put.status == 422, put.body
    assert put.body["error"]["details"][0]["code"] == "tpl_foreign_link"


def test_a_complaint_procedure_with_a_link_in_a_line_is_the_clients_own(world: Any) -> None:
    client = _disputed(world, "b2c")
    procedure = "Zie C1.EXAMPLE/klachten of Klachten.C1.NL, of bel 030-1234567"
    saved = world.agency_a.call(
        "POST", "/v1/clients", {"items": [{"number": "C1", "complaint_procedure": procedure}]}
    )
    assert saved.status == 200 and not saved.body["errors"], saved.body
    ended = world.agency_a.call("POST", END, {"message": "Geleverd op 3-12"})
    assert ended.status == 200, ended.body
    (notice,) = _notices(world, client)
    assert procedure in str(world.services.messaging.content_of(notice).text)
    # the procedure's hosts are its own, not any other's
    by_hand = world.agency_a.call(
        "POST", "/v1/clients/C1/debtors/D-1/messages",
        {"channel": "email", "subject": "Betalen", "body": "Betaal via Tikkie.ME"},
    )  # fmt: skip
    assert by_hand.status == 422, by_hand.body
