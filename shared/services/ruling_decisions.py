"""Who may decide the filing item of a debtor's bankruptcy or WSNP.

The item lists the money received from the ruling's day on (art. 23, 296 Fw: the debtor no
longer disposed of his estate, the curator or administrator may claim it back) and the
settlement run keeps that money on the third-party account until the item is resolved
(law14b D). Resolving it is therefore the decision that lets the money go to the client: the
same legal decision as setting or lifting the ruling, so it needs the same person. An
administrator (``manage_settlements``: a client's plain staff key is an integration's, which
"must not change where the money goes"), and for a ruling the agency recorded the agency
(attack13b G3: the agency files the claims under it). attack15 P1: a client_staff key resolved
``standing-D1-bankrupt-2026-02-10`` and the next run paid the client 276.15 of the 500.00
received under the bankruptcy; a client's admin did the same over the agency's ruling he may
not lift (422 ``standing_agency_recorded``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from shared.domain.access import Principal, Scope
from shared.domain.people.authorisation import Action, permits
from shared.domain.records import ActionItem
from shared.domain.standing import INSOLVENT, DebtorStanding, Standing, earlier_rulings
from shared.services.errors import Invalid, NotPermitted
from shared.services.repositories import Repositories

if TYPE_CHECKING:
    from shared.services.debtor_standing import DebtorStandingService

# the kind of a confirmed standing's item (debtor_standing.py ``_tell_staff``)
FILING_KIND = "debtor_standing"


def ruling_of(item: ActionItem) -> tuple[Standing, date] | None:
    """The bankruptcy or WSNP (and its day) whose filing item ``item`` is, or None."""
    if item.kind != FILING_KIND:
        return None
    said, since = item.detail.get("standing"), item.detail.get("since")
    if said not in {s.value for s in INSOLVENT} or not isinstance(since, str):
        return None
    try:
        return Standing(str(said)), date.fromisoformat(since)
    except ValueError:
        return None


class RulingDecisions:
    def __init__(self, repos: Repositories, standing: Callable[[], DebtorStandingService]) -> None:
        self.repos = repos
        self.standing = standing  # late: the standing service is built after this one

    def refusal(self, item: ActionItem, principal: Principal | None) -> Invalid | None:
        """Why ``principal`` may not resolve ``item``, or None (not a ruling's filing item, or
        its decider). No principal (a service of its own accord): refused, fail-safe."""
        ruling = ruling_of(item)
        if ruling is None:
            return None
        standing, since = ruling
        params = {"standing": standing.value}
        if principal is None or not permits(principal, Action.MANAGE_SETTLEMENTS):
            return NotPermitted(
                f"action {item.action_id} decides the money received under the debtor's "
                f"{standing.value} (keep, return to the curator or file net): an "
                "administrator's decision, as setting or lifting the ruling",
                field="status", code="ruling_money_admin", params=params,
            )  # fmt: skip
        if principal.scope is Scope.AGENCY or not self._agency_recorded(item, standing, since):
            return None
        return Invalid(
            f"the agency recorded this {standing.value}: only the agency decides the money "
            f"received under it (action {item.action_id})",
            field="status", code="ruling_money_agency", params=params,
        )  # fmt: skip

    def _agency_recorded(self, item: ActionItem, standing: Standing, since: date) -> bool:
        """Whether the agency recorded the ruling, as a lift of it would be judged: the
        debtor's standing or a ruling kept under it, or (gone from the row: lifted as a
        mistake, set over) the contact log's word on who set it."""
        number = item.debtor_number or ""
        client = self.repos.clients.get(item.client_id)
        if client is None or not number:
            return True  # nobody to ask: the agency decides
        found = self.repos.debtors.get(item.client_id, number)
        now = found[0].standing if found is not None else None
        chain = (now, *earlier_rulings(now)) if now is not None else ()
        ruling = next((r for r in chain if (r.standing, r.since) == (standing, since)), None)
        if ruling is None:
            ruling = DebtorStanding(standing, since, since)
        lifts = now.lifts if now is not None else ()
        return self.standing().agency_recorded(client[0], number, ruling, lifts)
