"""README: `POST /v1/clients` "an update changes the fields it sends and keeps the others as
stored". Recording a client's postal address (for its letters and its settlement statements)
with `{"number": "WERF", "postal_address": {...}}` was refused "name: Field required"
(newcomer24 F7): the name was required on every row, an update's too."""

from __future__ import annotations

from typing import Any

from tests.unit.api.conftest import client_row

ADDRESS = {"street": "Werfkade 7", "postal_code": "1781 AA", "city": "Den Helder"}


def test_an_update_without_the_name_keeps_it(world: Any) -> None:
    assert world.agency_a.call("POST", "/v1/clients", {"items": [client_row("C1")]}).status == 200
    answer = world.agency_a.call(
        "POST", "/v1/clients", {"items": [{"number": "C1", "postal_address": ADDRESS}]}
    )
    assert answer.body["updated"] == 1 and answer.body["errors"] == [], answer.body
    client = world.agency_a.call("GET", "/v1/clients/C1").body
    assert client["name"] == "Client C1"
    assert client["postal_address"]["street"] == "Werfkade 7"


def test_a_new_client_without_a_name_is_refused_per_row(world: Any) -> None:
    answer = world.agency_a.call(
        "POST", "/v1/clients", {"items": [{"number": "NEW"}, client_row("C2")]}
    )
    assert (answer.body["created"], answer.body["rejected"]) == (1, 1), answer.body
    (error,) = answer.body["errors"]
    assert (error["index"], error["field"]) == (0, "name")
    assert "needs a name" in error["message"]
    numbers = [c["number"] for c in world.agency_a.call("GET", "/v1/clients").body["items"]]
    assert "NEW" not in numbers and "C2" in numbers


def test_a_client_stored_without_a_bank_account_is_told_so(world: Any) -> None:
    """newcomer24 F1's other door: a client made here without `ibans` is dunned from the
    next run, every reminder naming no account; the answer says so (a note, the row stored)."""
    answer = world.agency_a.call(
        "POST", "/v1/clients", {"items": [{"number": "C3", "name": "Zonder Rekening B.V."},
                                          client_row("C4")]},
    )  # fmt: skip
    assert answer.body["created"] == 2, answer.body
    (note,) = answer.body["notes"]
    assert (note["index"], note["field"]) == (0, "ibans")
    assert "has no bank account" in note["message"]
