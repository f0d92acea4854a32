"""An action item saved under the ETag it was read with: a colleague's change in between is
never overwritten; the caller is told to reload (409 in the API, a notice in the console)."""

from __future__ import annotations

from shared.domain.records import ActionItem
from shared.ports.tables import PreconditionFailed
from shared.services.errors import ConflictingUpdate
from shared.services.repositories import Repositories

# a listed credit's detail naming the return item that may have sent it back (its scope and
# id): the credit's confirm waits until a person decided that return (codereview13 #5)
RETURN_PENDING = "return_pending"


def save_item(repos: Repositories, item: ActionItem, etag: str) -> ActionItem:
    try:
        repos.actions.save(item, etag)
    except PreconditionFailed as exc:
        raise ConflictingUpdate(f"action {item.action_id} changed meanwhile; reload it") from exc
    return item
