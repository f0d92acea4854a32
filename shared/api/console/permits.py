"""What a person may do in the console, asked of the one authorisation table: a page offers a
button only when the API route that does the same would let this person do it (review
console7 F9: a reader saw buttons whose click ended in a refusal). The POST that follows is
authorised again, the same way; this module only decides what is shown."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shared.api.console.shell import Desk

if TYPE_CHECKING:
    from shared.domain.records import ActionItem


def allows(desk: Desk, method: str, path: str, client_id: str | None = None) -> bool:
    """May this person do what the API request ``method path`` does, on the client (the
    chosen one by default)?"""
    from shared.domain.people.authorisation import action_for_request

    return desk.may(action_for_request(method, path), client_id)


def require(desk: Desk, method: str, path: str, client_id: str | None = None) -> None:
    """Forbidden (a 403 page) unless :func:`allows`."""
    from shared.domain.people.authorisation import action_for_request

    desk.require(action_for_request(method, path), client_id)


def client_path(desk: Desk, tail: str, client_id: str | None = None) -> str:
    """The API path of the chosen client's resource ``tail`` (``invoices/F1/credit``)."""
    return f"/v1/clients/{client_id or desk.client_id}/{tail.lstrip('/')}"


def may_resolve(desk: Desk, item: ActionItem) -> bool:
    """May this person resolve ``item``: the route's role, and for a ruling's filing item its
    decider (it releases the money held under the ruling: an administrator, the agency for
    a ruling it recorded; attack15 P1)."""
    path = client_path(desk, f"actions/{item.action_id}/resolve", item.client_id)
    return allows(desk, "POST", path, item.client_id) and (
        desk.services.actions.rulings.refusal(item, desk.principal) is None
    )
