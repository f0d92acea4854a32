"""The action list as staff work it in the console: the waiting (or resolved) actions of a
client filtered by kind and assignee, read lazily page by page, and the people an action may
be assigned to. Changing an action goes through :class:`shared.services.actions.ActionService`,
the same use cases as the API."""

from __future__ import annotations

from collections.abc import Iterator

from shared.adapters.tables.people_repo import UserRepository
from shared.domain.people.accounts import User
from shared.domain.records import ActionItem, ActionStatus
from shared.services.errors import NotFound
from shared.services.repositories import Repositories

BATCH = 60  # actions read per request: a first page of 50 (and one to know of a next) in one read


class ActionDesk:
    def __init__(self, repos: Repositories, users: UserRepository) -> None:
        self.repos = repos
        self.users = users

    def listed(
        self, client_id: str, *, kind: str = "", assignee: str = "", resolved: bool = False
    ) -> Iterator[ActionItem]:
        """Waiting actions (open or assigned), or the resolved ones, in the list's order; the
        next batch is read only when the caller wants more (a page stops early)."""
        status = ActionStatus.RESOLVED if resolved else None
        continuation: str | None = None
        while True:
            items, continuation = self.repos.actions.list(
                client_id, status=status, kind=kind or None, page_size=BATCH,
                continuation=continuation,
            )  # fmt: skip
            for item in items:
                if not resolved and item.status is ActionStatus.RESOLVED:
                    continue
                if assignee and (item.assigned_to or "") != assignee:
                    continue
                yield item
            if not continuation:
                return

    def get(self, client_id: str, action_id: str) -> ActionItem:
        found = self.repos.actions.get(client_id, action_id)
        if found is None:
            raise NotFound(f"action {action_id} not found")
        return found[0]

    def assignees(self, agency_id: str, client_id: str) -> list[User]:
        """Who may take a client's action: the client's own people and the agency's, active
        and not read-only, by e-mail address."""
        from shared.domain.people.accounts import UserStatus
        from shared.domain.people.authorisation import Role

        people = [
            *self.users.of_tenant(agency_id, client_id),
            *self.users.of_tenant(agency_id, None),
        ]
        return sorted(
            (u for u in people if u.status is UserStatus.ACTIVE and u.role is not Role.READ_ONLY),
            key=lambda u: u.email,
        )

    def names(self, agency_id: str, client_id: str | None) -> dict[str, str]:
        """Each person of the client and of the agency by the id a service writes of who did
        something (``user:<id>``), as the console shows them: the name, else the address."""
        people = [*self.users.of_tenant(agency_id, None)]
        if client_id is not None:
            people += self.users.of_tenant(agency_id, client_id)
        return {f"user:{u.user_id}": u.name or u.email for u in people}
