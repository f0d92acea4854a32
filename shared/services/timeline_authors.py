"""Who did what on a debtor's timeline, read from what the services already stored (review
debtor6 #11): the entries stay as they were written; the dossier asks this at display time.

- a payment plan's "agreed" entry is written without an author (the plan service logs it for
  every activation); who agreed it is on the plan's own log ("Activated by ..."), else the
  plan's ``created_by``: the debtor through the portal, or the staff member or API key;
- an API key is recorded by its id: its label says more, for a key of the client's own agency
  that may act for the client (another tenant's key is never named)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from shared.domain.parties import Client
from shared.domain.records import ContactEntry
from shared.services.errors import NotFound
from shared.services.plans.service import PlanService
from shared.services.repositories import Repositories

PLAN_AGREED = re.compile(r"Payment plan (\S+) agreed: ")
ACTIVATED_BY = "Activated by "


def plan_agreed(entry: ContactEntry) -> str | None:
    """The plan id of a "plan agreed" entry the plan service wrote without an author."""
    if entry.author:
        return None
    found = PLAN_AGREED.match(entry.summary)
    return found.group(1) if found else None


class TimelineAuthors:
    def __init__(self, repos: Repositories, plans: PlanService) -> None:
        self.repos = repos
        self.plans = plans

    def authors(self, client: Client, entries: Iterable[ContactEntry]) -> dict[str, str]:
        """The author of each entry (by entry id) that has one: as recorded, or for a plan
        agreed, who agreed it (one read of the plan and its log per plan on the page)."""
        out: dict[str, str] = {}
        agreed: dict[str, str] = {}
        for entry in entries:
            if entry.author:
                out[entry.entry_id] = entry.author
            elif (plan_id := plan_agreed(entry)) is not None:
                if plan_id not in agreed:
                    agreed[plan_id] = self._agreed_by(client, plan_id)
                if agreed[plan_id]:
                    out[entry.entry_id] = agreed[plan_id]
        return out

    def _agreed_by(self, client: Client, plan_id: str) -> str:
        try:
            plan = self.plans.get(client, plan_id)
            log = self.plans.timeline(client, plan_id)
        except NotFound:
            return ""
        for row in log:
            text = str(row.get("text") or "")
            if row.get("kind") == "activated" and text.startswith(ACTIVATED_BY):
                return text[len(ACTIVATED_BY) :]
        return plan.created_by

    def key_labels(self, client: Client, authors: Iterable[str]) -> dict[str, str]:
        """The label of each API key among ``authors`` that is the client's agency's and may
        act for the client (an agency key, or the client's own); "" for one without a label."""
        out: dict[str, str] = {}
        for author in set(authors):
            if not re.fullmatch(r"[0-9a-f]{16}", author):
                continue  # a person (user:…), the portal, the command line: not a key id
            found = self.repos.api_keys.get(author)
            if found is None:
                continue
            key = found[0]
            if key.agency_id == client.agency_id and key.client_id in (None, client.client_id):
                out[author] = key.label.strip()
        return out
