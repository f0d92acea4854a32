# ruff: noqa: F811  (the fixture world is imported)
"""A statement file refused before any client is found (its account belongs to no client)
goes on the agency's action list, whatever dies on the way: the worker crashing, or a write
timing out (the host fails the function and the blob trigger delivers the file again, but only
while it is still in the inbox). One item, however often it is delivered; the file ends in the
quarantine container with its report and out of the inbox (failure6 finding 9)."""

from __future__ import annotations

from typing import Any

import pytest
from azure.core.exceptions import ServiceResponseError

from shared.domain.records import ActionStatus
from shared.domain.scopes import agency_scope
from shared.domain.statements.mt940_writer import OutLine, write_mt940
from shared.services.statements import INBOX, QUARANTINE
from tests.support.faults import SimulatedCrash
from tests.unit.api.conftest import world  # noqa: F401 (fixture)
from tests.unit.services.test_statement_window import PAID_ON, PAYER

NAME = "agency-a/morning.sta"


def _refused_file() -> bytes:
    lines = [OutLine(PAID_ON, 12_100, "factuur 2025-001", counterparty_iban=PAYER,
                     counterparty_name="Jan")]  # fmt: skip
    return write_mt940("NL44TRIO0666666666", lines, opening=0, opening_date=PAID_ON,
                       statement_id="S1").encode()  # fmt: skip


def _deliver_until_gone(svc: Any) -> list[str]:
    """The blob trigger: delivered, and again while the blob is still in the inbox."""
    outcomes: list[str] = []
    for _ in range(4):
        held = svc.files.get(INBOX, NAME)
        if held is None:
            break  # the host ends a message whose blob is gone ("nothing to do")
        try:
            outcomes.append(svc.ingest(NAME, held).status)
        except (SimulatedCrash, ServiceResponseError) as exc:
            outcomes.append(f"raised {type(exc).__name__}")
    return outcomes


def _refused(world: Any) -> list[Any]:
    items, _ = world.services.repos.actions.list(agency_scope("agency-a"))
    return [i for i in items if i.kind == "statement_quarantined"]


FAULTS = {
    "crash_after_item": ("files.put", SimulatedCrash("after the item, before the copy")),
    "crash_after_copy": ("files.delete", SimulatedCrash("after the copy, before the delete")),
    "crash_on_item": ("actions.add", SimulatedCrash("the worker dies writing the item")),
    "item_times_out": ("actions.add", ServiceResponseError("injected: read timed out")),
    "delete_times_out": ("files.delete", ServiceResponseError("injected: read timed out")),
    "control": ("", None),
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_a_refused_file_is_on_the_agency_list_whatever_dies(
    world: Any, monkeypatch: pytest.MonkeyPatch, fault: str
) -> None:
    svc = world.services.statements
    svc.files.put(INBOX, NAME, _refused_file())  # uploaded by the bank's SFTP drop
    where, error = FAULTS[fault]
    if error is not None:
        owner = svc.files if where.startswith("files") else world.services.repos.actions
        method = where.split(".")[1]
        real = getattr(owner, method)
        hit = {"n": 0}

        def once(*a: Any, **kw: Any) -> Any:
            if not hit["n"]:
                hit["n"] = 1
                raise error
            return real(*a, **kw)

        monkeypatch.setattr(owner, method, once)
    outcomes = _deliver_until_gone(svc)
    assert outcomes[-1] == "quarantined", outcomes
    [item] = _refused(world)
    assert item.detail["file"] == NAME and NAME in item.title
    assert not svc.files.exists(INBOX, NAME)
    assert svc.files.exists(QUARANTINE, NAME) and svc.files.exists(QUARANTINE, NAME + ".error.json")


def test_the_same_file_refused_again_after_its_item_was_resolved_is_told_again(
    world: Any,
) -> None:
    svc = world.services.statements
    svc.files.put(INBOX, NAME, _refused_file())
    assert _deliver_until_gone(svc) == ["quarantined"]
    [item] = _refused(world)
    assert world.services.repos.actions.resolve_if_open(
        item.client_id, item.action_id, "asked the bank", item.created_at
    )
    svc.files.put(INBOX, NAME, _refused_file())  # uploaded anew, refused again
    assert _deliver_until_gone(svc) == ["quarantined"]
    waiting = [i for i in _refused(world) if i.status is not ActionStatus.RESOLVED]
    assert len(waiting) == 1
