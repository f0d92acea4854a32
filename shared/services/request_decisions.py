"""Deciding what a debtor asked in the portal: grant or refuse a postponement request, end a
dispute. Each decision does what the API would do for it (the invoice paused until the asked
day, as the portal's own grant does; the dispute ended through
:meth:`InvoiceStatusService.resolve_dispute`, the API's ``resolve-dispute`` route), tells the
debtor through the messages by hand, and only then resolves the action item.

At-least-once: a decision that fails halfway leaves the item open, and doing it again finishes
it: an invoice paused until that day already is not paused twice, a dispute ended already is
not ended twice, and the message carries an idempotency key made from the item, so the debtor
is told once."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from shared.domain.invoices import InvoiceStatus
from shared.domain.parties import Client
from shared.domain.records import ActionItem, ActionStatus
from shared.services.actions import ActionService
from shared.services.conversations.by_hand import ByHandService, HandMessage
from shared.services.dunning import DunningService
from shared.services.errors import Invalid, NotFound
from shared.services.invoice_status import InvoiceStatusService
from shared.services.repositories import Repositories

POSTPONEMENT = "postponement_request"
DISPUTE = "dispute"
DECIDABLE = (POSTPONEMENT, DISPUTE)


@dataclass(frozen=True)
class Decision:
    """What was decided: the item as resolved, and the outbox key of the message to the
    debtor (None: not told, no channel was chosen)."""

    item: ActionItem
    message_key: str | None


class RequestDecisionService:
    def __init__(
        self,
        repos: Repositories,
        actions: ActionService,
        dunning: DunningService,
        invoice_status: InvoiceStatusService,
        by_hand: ByHandService,
    ) -> None:
        self.repos = repos
        self.actions = actions
        self.dunning = dunning
        self.invoice_status = invoice_status
        self.by_hand = by_hand

    def _item(self, client: Client, action_id: str, kind: str) -> ActionItem:
        found = self.repos.actions.get(client.client_id, action_id)
        if found is None:
            raise NotFound(f"action {action_id} not found")
        item = found[0]
        if item.kind != kind:
            raise Invalid(f"action {action_id} is a {item.kind}, not a {kind}", field="kind")
        if item.status is ActionStatus.RESOLVED:
            raise Invalid(f"action {action_id} is resolved already", field="status")
        if not item.debtor_number or not item.invoice_numbers:
            raise Invalid(f"action {action_id} names no debtor or invoice", field="invoices")
        return item

    def _tell(self, client: Client, item: ActionItem, tell: HandMessage | None, author: str) -> str | None:  # fmt: skip
        if tell is None:
            return None
        assert item.debtor_number is not None
        # the item's own key: a retry after a failure further on sends nothing twice
        keyed = replace(tell, invoices=tuple(self._own_invoices(client, item)),
                        idempotency_key=f"decision-{item.action_id}")  # fmt: skip
        return self.by_hand.send_by_hand(client.client_id, item.debtor_number, keyed, author).key

    def _own_invoices(self, client: Client, item: ActionItem) -> list[str]:
        """The item's invoices that are still the debtor's (an id in an item is never trusted
        to reach another debtor's invoice)."""
        stored = self.repos.invoices.get_many(client.client_id, list(item.invoice_numbers))
        mine = [n for n, s in stored.items() if s.invoice.debtor_number == item.debtor_number]
        if not mine:
            raise Invalid("none of the item's invoices is the debtor's any more", field="invoices")
        return sorted(mine)

    def grant_postponement(
        self, client: Client, action_id: str, author: str, tell: HandMessage | None
    ) -> Decision:
        """Pause the asked invoices that are still open until the asked day (the portal's own
        grant: :meth:`DunningService.change_invoice`, which also holds the costs inside the
        14-day term), tell the debtor, resolve the item."""
        item = self._item(client, action_id, POSTPONEMENT)
        try:
            until = date.fromisoformat(str(item.detail.get("until")))
        except ValueError:
            raise Invalid("the request names no day to postpone until", field="until") from None
        stored = self.repos.invoices.get_many(client.client_id, self._own_invoices(client, item))
        for number, s in sorted(stored.items()):
            if s.invoice.open_amount <= 0 or s.invoice.paused_until == until:
                continue  # paid meanwhile, or paused by an earlier attempt
            self.dunning.change_invoice(client, number, paused_until=until, author=author)
        key = self._tell(client, item, tell, author)
        done = self.actions.resolve(
            client.client_id, action_id, f"postponement granted until {until.isoformat()}", author
        )
        return Decision(done, key)

    def refuse_postponement(
        self, client: Client, action_id: str, reason: str, author: str, tell: HandMessage | None
    ) -> Decision:
        """Nothing changes for the invoices; the debtor is told why, the item resolved."""
        if not reason.strip():
            raise Invalid("say why the postponement is refused", field="reason")
        item = self._item(client, action_id, POSTPONEMENT)
        key = self._tell(client, item, tell, author)
        done = self.actions.resolve(
            client.client_id, action_id, f"postponement refused: {reason.strip()}", author
        )
        return Decision(done, key)

    def end_dispute(
        self, client: Client, action_id: str, note: str, author: str, tell: HandMessage | None
    ) -> Decision:
        """The dispute is over (dunning resumes): the API's resolve-dispute for each of the
        item's invoices still disputed, the debtor told, the item resolved."""
        item = self._item(client, action_id, DISPUTE)
        stored = self.repos.invoices.get_many(client.client_id, self._own_invoices(client, item))
        for number, s in sorted(stored.items()):
            if s.invoice.status is InvoiceStatus.DISPUTED:
                self.invoice_status.resolve_dispute(client, number, author)
        key = self._tell(client, item, tell, author)
        why = f": {note.strip()}" if note.strip() else ""
        done = self.actions.resolve(client.client_id, action_id, f"dispute ended{why}", author)
        return Decision(done, key)
