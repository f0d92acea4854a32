"""review33b: two ways round sender33's limits on guessing a contact e-mail's code.

- Clearing the contact e-mail dropped the check, and with it the day's count of codes mailed:
  set, clear, set again bought 5 more codes (25 more guesses) each round, without end.
- A guess was judged against the client as the request read it, and only counted after: a
  burst of requests read before the 5th wrong one was counted were each judged (more than 5
  guesses at one code), and the right one among them answered ``sender_code_stale`` where a
  wrong one answered ``sender_code_wrong``: the code told, though it could no longer be used."""

from __future__ import annotations

import pytest

from shared.services.errors import Invalid
from tests.hostile.conftest import record
from tests.hostile.test_sender_mailbox import _two_clients
from tests.unit.sending.test_sender_through_api import codes_mailed


def test_clearing_the_address_buys_no_more_codes(world):
    _, own, _ = _two_clients(world)
    own.call("PUT", "/v1/clients/C1/contact", {"contact_email": "info@c2.example"})
    path = "/v1/clients/C1/contact/verification/code"
    assert [own.call("POST", path).status for _ in range(5)] == [202] * 4 + [422]
    repos = world.services.repos
    client_id = repos.clients.id_for_number("agency-a", "C1")
    spent = repos.clients.get(client_id)[0].sender_check
    for target in ("", "info@c2.example", "", "directeur@agency-a.example"):
        put = own.call("PUT", "/v1/clients/C1/contact", {"contact_email": target})
        record("sender change and clear", put.status)
        assert put.status == 200, put.body
        asked = own.call("POST", path)
        record("sender code after clear", asked.status)
        assert asked.status == 422
    check = repos.clients.get(client_id)[0].sender_check
    assert check is not None and check.codes_that_day == 5
    assert spent is not None and check.code_hash in (None, spent.code_hash)


def test_a_burst_of_guesses_read_at_once_is_judged_five_times_at_most(world):
    _, own, _ = _two_clients(world)
    own.call("PUT", "/v1/clients/C1/contact", {"contact_email": "info@c2.example"})
    [(_, code)] = codes_mailed(world, "info@c2.example")
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    repos = world.services.repos
    client_id = repos.clients.id_for_number("agency-a", "C1")
    read_at_once = repos.clients.get(client_id)[0]  # every request of the burst read this
    answers = []
    for guess in [wrong] * 7 + [code]:
        with pytest.raises(Invalid) as refused:
            world.services.sending_mailbox.verify(read_at_once, guess, "burst")
        answers.append(refused.value.code)
    assert answers == ["sender_code_wrong"] * 5 + ["sender_code_none"] * 3
    assert repos.clients.get(client_id)[0].sender_check is not None


def test_the_agency_marks_the_address_it_set_over_a_waiting_check(world):
    """The agency's upsert sets another address while a check waits (the check stays, naming
    the address the client's admin gave): the agency's mark named that older address and was
    refused as stale every time; it verifies the address stored now."""
    api, own, _ = _two_clients(world)
    own.call("PUT", "/v1/clients/C1/contact", {"contact_email": "info@c2.example"})
    row = {"number": "C1", "contact_email": "boekhouding@c1.example"}
    assert api.call("POST", "/v1/clients", {"items": [row]}).status == 200
    path = "/v1/clients/C1/contact/verification"
    assert api.call("GET", path).body["verified"] is False
    marked = api.call("POST", f"{path}/agency", {"contact_email": "boekhouding@c1.example"})
    record("sender agency mark", marked.status)
    assert marked.status == 200, marked.body
    assert marked.body["verified"] is True
    assert marked.body["contact_email"] == "boekhouding@c1.example"


def test_a_second_address_the_same_day_gets_its_code(world):
    """The code mail's outbox key was the client, the day and the day's count: a verified
    address starts its count afresh, so the next address's code mail that day had the key of
    the first one, and the outbox (one record per key) never mailed it."""
    _, own, _ = _two_clients(world)
    path = "/v1/clients/C1/contact/verification"
    own.call("PUT", "/v1/clients/C1/contact", {"contact_email": "nieuw@c1.example"})
    [(_, code)] = codes_mailed(world, "nieuw@c1.example")
    assert own.call("POST", path, {"code": code}).status == 200
    own.call("PUT", "/v1/clients/C1/contact", {"contact_email": "ander@c1.example"})
    [(_, second)] = codes_mailed(world, "ander@c1.example")
    assert own.call("POST", path, {"code": second}).status == 200
