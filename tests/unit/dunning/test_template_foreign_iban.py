"""A dunning text names no account but the client's or its agency's (attack26 F3).

A client's staff key (the integration's, not an admin's) wrote "maak over naar ons nieuwe
rekeningnummer NL91 ABNA 0417 1643 00" into the reminder every debtor gets: 200, and every
debtor was told to pay an account the client never registered, past the administrators' proof
that guards the client's own accounts. Now the save refuses it (422 tpl_foreign_iban: the
source, and what the sample debtor reads), and the run sends no message naming one (a
template kept from before, a branch the sample never takes): an action item instead."""

from __future__ import annotations

from datetime import UTC, date, datetime

from shared.domain.dunning.foreign_ibans import foreign_in_message
from shared.domain.dunning.templates import MessageTemplate, RenderedMessage
from tests.unit.api.conftest import ApiClient, World, client_iban
from tests.unit.dunning.test_daily_run import FOURTEEN
from tests.unit.dunning.test_fourteen_day_letter_sent_late import _mornings, _world

FOREIGN = "NL91 ABNA 0417 1643 00"
PLAIN = {"language": "nl", "subject": "Herinnering", "fourteen_day_letter": False}


def _staff_key(world) -> ApiClient:  # type: ignore[no-untyped-def]
    minted = world.agency_a.call("POST", "/v1/keys", {"scope": "client", "client": "C1"})
    assert minted.status == 201 and minted.body["admin"] is False
    return ApiClient(world.api, minted.body["key"])


def _put(key: ApiClient, text: str, **more: str):  # type: ignore[no-untyped-def]
    return key.call("PUT", "/v1/clients/C1/templates/herinnering", {**PLAIN, "text": text, **more})


def test_a_template_naming_another_account_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    _world(world, datetime(2025, 12, 1, 6, 0, tzinfo=UTC), "2025-12-01")
    staff = _staff_key(world)
    for text, more in (
        (f"Maak {{{{ total|money }}}} over naar ons nieuwe rekeningnummer {FOREIGN}.", {}),
        ("Betaal op NL91ABNA{{ '0417164300' }}.", {}),  # built by the template: the sample
        ("Betaal {{ total|money }}.", {"subject": "Nieuw nummer NL91ABNA0417164300"}),
        ("Betaal {{ total|money }}.", {"html": "<p>Naar NL91ABNA0417164300</p>"}),
    ):
        put = _put(staff, text, **more)
        assert put.status == 422, (text, more, put.body)
        [detail] = put.body["error"]["details"]
        assert detail["code"] == "tpl_foreign_iban" and "NL91****4300" in detail["message"]
    stored = world.services.repos.dunning.templates(_client_id(world)).get("herinnering")
    assert stored is None or "NL91" not in stored.text
    # the client's own account, by variable or written out, is what a template is for
    own = client_iban("C1")
    assert _put(staff, "Betaal {{ total|money }} op {{ client.iban }}.").status == 200
    assert (
        _put(staff, f"Betaal {{{{ total|money }}}} op {own[:4]} {own[4:8]} {own[8:]}.").status
        == 200
    )


def test_a_message_naming_another_account_is_not_sent(world) -> None:  # type: ignore[no-untyped-def]
    _, client = _world(world, datetime(2025, 12, 1, 6, 0, tzinfo=UTC), "2025-12-01")
    # kept from before the check, or named only for a debtor the sample is not
    letter = FOURTEEN + "{% if debtor.number == 'D1' %} Betaal op " + FOREIGN + ".{% endif %}"
    world.services.repos.dunning.save_template(
        client.client_id, "t-14", MessageTemplate("nl", "Veertiendagenbrief", letter, None, True)
    )
    _mornings(world, client, date(2025, 12, 4), date(2025, 12, 4))
    assert world.services.messaging.outbox.with_prefix(client.client_id, "dun|D1|") == []
    actions, _ = world.services.repos.actions.list(client.client_id)
    [refused] = [i for i in actions if i.kind == "dunning_failure"]
    assert "NL91****4300" in refused.title and refused.debtor_number == "D1"


def _client_id(world: World) -> str:
    found = world.services.repos.clients.id_for_number("agency-a", "C1")
    assert found is not None
    return found


def test_the_messages_own_links_are_no_account() -> None:
    """A signed portal token is letters and digits between '-' and '_': one that reads as an
    account (Norway's example IBAN here) would hold that debtor's every message, every day."""
    link = "https://inning.example/api/p/MQpsb2Nh-NO9386011117947_x"
    rendered = RenderedMessage("Herinnering", f"Betaal via {link}", f'<a href="{link}">hier</a>')
    assert foreign_in_message(rendered, []) == ["NO9386011117947"]
    assert foreign_in_message(rendered, [], [link, None]) == []
    assert foreign_in_message(rendered, ["NO93 8601 1117 947"]) == []
