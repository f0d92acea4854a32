"""wki27: the client had no field for its complaint procedure or its geschillencommissie, so the
notice of a rejected dispute said "Is Client C1 aangesloten bij een geschillencommissie, dan
..." of every client, even one that had told its agency it is affiliated with De
Geschillencommissie Thuiswinkel, or with none. Now the client's record holds both (POST
/v1/clients, the console's settings), and the notice names them where recorded: the procedure
instead of the bare contact, the committee by name; a client affiliated with none gets no
sentence on a committee; one that recorded nothing keeps the conditional sentence."""

from __future__ import annotations

from typing import Any

import pytest

from shared.adapters.tables import schema
from shared.adapters.tables.keys import encode
from tests.unit.dunning.test_dispute_ended_debtor_told import END, _disputed, _notices

PROCEDURE = "https://c1.example/klachten"
COMMITTEE = "De Geschillencommissie Thuiswinkel"


def _end(world: Any, client_fields: dict[str, Any], **debtor: Any) -> str:
    client = _disputed(world, "b2c", **debtor)
    reply = world.agency_a.call(
        "POST", "/v1/clients", {"items": [{"number": "C1", **client_fields}]}
    )
    assert reply.status == 200 and not reply.body["errors"], reply.body
    reply = world.agency_a.call("POST", END, {"message": "Geleverd op 3-12"})
    assert reply.status == 200, reply.body
    (notice,) = _notices(world, client)
    return str(world.services.messaging.content_of(notice).text)


def test_the_api_keeps_both_and_shows_them(world: Any) -> None:
    _disputed(world, "b2c")
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [
        {"number": "C1", "complaint_procedure": PROCEDURE, "disputes_committee": COMMITTEE}]})  # fmt: skip
    shown = a.call("GET", "/v1/clients/C1").body
    assert (shown["complaint_procedure"], shown["disputes_committee"]) == (PROCEDURE, COMMITTEE)
    # an update of something else keeps them
    a.call("POST", "/v1/clients", {"items": [{"number": "C1", "auto_book": False}]})
    shown = a.call("GET", "/v1/clients/C1").body
    assert (shown["complaint_procedure"], shown["disputes_committee"]) == (PROCEDURE, COMMITTEE)
    # "" is "affiliated with none", kept apart from "not recorded" (null)
    a.call("POST", "/v1/clients", {"items": [{"number": "C1", "disputes_committee": ""}]})
    assert a.call("GET", "/v1/clients/C1").body["disputes_committee"] == ""
    refused = a.call("POST", "/v1/clients", {"items": [{"number": "C1", "complaint_procedure": "a\nb"}]})  # fmt: skip
    assert refused.body["errors"], refused.body


def test_a_row_stored_before_the_fields_reads_as_not_recorded(world: Any) -> None:
    client = _disputed(world, "b2c")
    store = world.services.repos.clients.store
    row = store.get(schema.CLIENTS, schema.CLIENT_PARTITION, encode(client.client_id))
    data = {
        k: v for k, v in row.data.items() if k not in ("ComplaintProcedure", "DisputesCommittee")
    }
    store.upsert(schema.CLIENTS, type(row)(row.pk, row.rk, data))
    found = world.services.repos.clients.get(client.client_id)
    assert found is not None
    assert (found[0].complaint_procedure, found[0].disputes_committee) == (None, None)


@pytest.mark.parametrize(
    ("language", "said"),
    [("nl", "Een klacht kunt u indienen bij Client C1 volgens haar klachtenregeling: "
            f"{PROCEDURE}. Client C1 is aangesloten bij {COMMITTEE}; daar kunt u het geschil "
            "voorleggen. U kunt het ook aan de rechter voorleggen"),
     ("en", f"You can file a complaint with Client C1 under its complaint procedure: {PROCEDURE}. "
            f"Client C1 is affiliated with {COMMITTEE} (geschillencommissie); you can put the "
            "dispute to it. You can also take it to court")],
)  # fmt: skip
def test_the_notice_names_the_procedure_and_the_committee(
    world: Any, language: str, said: str
) -> None:
    text = _end(world, {"complaint_procedure": PROCEDURE, "disputes_committee": COMMITTEE},
                language=language)  # fmt: skip
    assert said in text
    assert "aangesloten bij een" not in text and "affiliated with a disputes" not in text


def test_the_letter_names_them_too(world: Any) -> None:
    text = _end(world, {"complaint_procedure": PROCEDURE, "disputes_committee": COMMITTEE},
                emails=[], mobile=None)  # fmt: skip
    assert f"Client C1 is aangesloten bij {COMMITTEE}" in text


def test_a_client_with_no_committee_gets_no_sentence_on_one(world: Any) -> None:
    text = _end(world, {"disputes_committee": ""})
    assert "geschillencommissie" not in text.lower()
    assert "(f@c1.example). U kunt het ook aan de rechter voorleggen" in text  # its contact
    # a template in a value is shown as written, never rendered
    text2 = _end_again(world)
    assert "volgens haar klachtenregeling: mail {{ client.name }}." in text2


def _end_again(world: Any) -> str:
    world.agency_a.call("POST", "/v1/clients/C1/invoices/F1/dispute", {"reason": "weer niet"})
    world.agency_a.call("POST", "/v1/clients", {"items": [
        {"number": "C1", "complaint_procedure": "mail {{ client.name }}"}]})  # fmt: skip
    reply = world.agency_a.call("POST", END, {"message": ""})
    assert reply.status == 200, reply.body
    messaging = world.services.messaging
    found = world.services.access.client_for(world.services.access.authenticate(world.agency_a.key), "C1")  # fmt: skip
    return "\n".join(str(messaging.content_of(n).text) for n in _notices(world, found))
