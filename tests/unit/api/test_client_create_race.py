"""A client create retried while the first request still runs (both read "C1 unknown" before
either wrote) makes one client: the number is taken by inserting its index row once, and the
loser updates the client the index names (failure review F3)."""

from __future__ import annotations

import threading
from typing import Any

from tests.unit.api.conftest import World, client_row


def test_two_racing_creates_of_one_number_make_one_client(world: World) -> None:
    repos = world.services.repos
    real = repos.clients.ids_for_numbers
    barrier = threading.Barrier(2)

    def racing(agency_id: str, numbers: Any) -> dict[str, str]:
        found = real(agency_id, numbers)
        barrier.wait(timeout=5)  # both requests have read "C1 does not exist"
        return found

    repos.clients.ids_for_numbers = racing  # type: ignore[method-assign]
    answers: list[tuple[int, Any]] = []

    def post() -> None:
        row = client_row("C1", contact_email="ar@c1.example")
        reply = world.agency_a.call("POST", "/v1/clients", {"items": [row]})
        answers.append((reply.status, reply.body))

    threads = [threading.Thread(target=post) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    repos.clients.ids_for_numbers = real  # type: ignore[method-assign]

    assert [status for status, _ in answers] == [200, 200]
    assert sorted((b["created"], b["updated"], b["rejected"]) for _, b in answers) == [
        (0, 1, 0),
        (1, 0, 0),
    ]
    c1 = [c.client_id for c in repos.clients.all() if c.number == "C1"]
    assert c1 == [repos.clients.id_for_number("agency-a", "C1")]
    assert world.services.dunning.fan_out() == 1


def test_a_create_retried_after_the_first_finished_updates_it(world: World) -> None:
    row = client_row("C1", contact_email="ar@c1.example")
    first = world.agency_a.call("POST", "/v1/clients", {"items": [row]})
    again = world.agency_a.call("POST", "/v1/clients", {"items": [row]})
    assert first.body["created"] == 1 and again.body["updated"] == 1
    assert [c.number for c in world.services.repos.clients.all()] == ["C1"]
