"""A debtor's dossier as the console shows it: the debtor, every invoice with its claim from
the claim ledger (principal, costs, VAT on costs, interest: charged, paid, open), the timeline
of the contact log, the payment plans that hold its invoices and the debtor's proposals still
awaiting approval, and a fresh portal link. Also a note by hand, the same use case as
``POST /v1/clients/{client}/debtors/{debtor}/notes``."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from shared.clock import Clock
from shared.domain.ids import time_ordered_id
from shared.domain.invoices import Invoice
from shared.domain.ledger.model import ClaimFigures
from shared.domain.parties import Client, Debtor
from shared.domain.plans.plan import PaymentPlan, PlanStatus
from shared.domain.records import ContactEntry, ContactKind
from shared.services.errors import Invalid, NotFound
from shared.services.ledger.service import LedgerService
from shared.services.plans.service import PlanService
from shared.services.portal import PortalLinks
from shared.services.repositories import Repositories
from shared.services.sandbox_gate import require_approved
from shared.services.timeline_authors import plan_agreed

NOTE_LIMIT = 2000
# what happened to the debtor: shown even when a service logged it as a system entry
ALWAYS_SHOWN = frozenset({ContactKind.PAYMENT, ContactKind.PAUSE, ContactKind.RESUME,
                          ContactKind.DISPUTE, ContactKind.MESSAGE, ContactKind.NOTE})  # fmt: skip


@dataclass(frozen=True)
class Dossier:
    debtor: Debtor
    invoices: list[Invoice]  # oldest due first
    claims: dict[str, ClaimFigures]  # by invoice number
    plans: list[PaymentPlan]
    portal_link: str


class DossierService:
    def __init__(
        self,
        repos: Repositories,
        ledger: LedgerService,
        plans: PlanService,
        links: PortalLinks,
        clock: Clock,
    ) -> None:
        self.repos = repos
        self.ledger = ledger
        self.plans = plans
        self.links = links
        self.clock = clock

    def debtor(self, client: Client, number: str) -> Debtor:
        found = self.repos.debtors.get(client.client_id, number)
        if found is None:
            raise NotFound(f"debtor {number} not found")
        return found[0]

    def open(self, client: Client, number: str) -> Dossier:
        debtor = self.debtor(client, number)
        invoices = sorted(
            self.repos.invoices.for_debtor(client.client_id, number),
            key=lambda i: (i.due_date, i.number),
        )
        claims = (
            self.ledger.open_claims(
                client, [i.number for i in invoices], debtor=debtor, every_invoice=invoices
            )
            if invoices
            else {}
        )
        plan_ids = {
            plan_id
            for inv in invoices
            if (plan_id := self.plans.holding(client, inv.number)) is not None
        }
        plans = [self.plans.get(client, plan_id) for plan_id in sorted(plan_ids)]
        # a plan not yet approved holds nothing, but staff must see the debtor's proposal
        plans += [
            p
            for p in self.plans.plans.of_debtor(client.client_id, number)
            if p.status is PlanStatus.DRAFT and p.plan_id not in plan_ids
        ]
        return Dossier(debtor, invoices, claims, plans,
                       self.links.portal_link(client.client_id, number))  # fmt: skip

    def timeline(
        self, client: Client, number: str, *, include_system: bool
    ) -> Iterator[ContactEntry]:
        """The contact log of the debtor, newest first (read whole: one debtor's log).

        Without ``include_system`` the status lines Inning writes for itself are left out;
        payments, pauses, promises and disputes stay, though the services mark them as
        system entries too: they are what happened to the debtor."""
        entries: list[ContactEntry] = []
        continuation: str | None = None
        while True:
            page, continuation = self.repos.contacts.for_debtor(
                client.client_id, number, page_size=500, continuation=continuation
            )
            entries.extend(
                e
                for e in page
                if include_system
                or not e.system
                or e.kind in ALWAYS_SHOWN
                # a person, a key or the debtor acted (a plan the debtor agreed is written
                # without an author): what happened to the debtor, never "system" (debtor6 #11)
                or bool(e.author)
                or plan_agreed(e) is not None
            )
            if not continuation:
                break
        return iter(sorted(entries, key=lambda e: (e.at, e.entry_id), reverse=True))

    def open_portal(self, client: Client, number: str, author: str) -> str:
        """The debtor's portal link for a console person who may write, recorded on the
        debtor's contact log first: whoever holds the link acts as the debtor (disputes,
        postpones, proposes a plan), so who took it from the console is on the record."""
        self._record_link(client, number, author, "portal link opened from the console")
        return self.links.portal_link(client.client_id, number)

    def hand_out_links(self, client: Client, number: str, author: str) -> tuple[str, str]:
        """The debtor's portal and payment link asked through the API (``POST .../portal-link``),
        recorded as the console's is: the link acts as the debtor just the same (attack24 F7).
        The line says who and when, never the link: a log reader gets no way in."""
        self._record_link(client, number, author, "portal link handed out through the API")
        return self.links.links(client.client_id, number)

    def _record_link(self, client: Client, number: str, author: str, summary: str) -> None:
        """On the debtor's contact log before the link is made: a failed write hands out none."""
        self.debtor(client, number)
        require_approved(client, "no portal link")  # reaches no debtor (sandbox_gate)
        now = self.clock.now()
        self.repos.contacts.add(ContactEntry(
            client.client_id, number, time_ordered_id(now), now, ContactKind.STATUS,
            summary, system=True, author=author,
        ))  # fmt: skip

    def add_note(self, client: Client, number: str, text: str, author: str) -> ContactEntry:
        text = text.strip()
        if not text or len(text) > NOTE_LIMIT:
            raise Invalid(
                f"a note has 1 to {NOTE_LIMIT} characters",
                field="text",
                code="note_length",
                params={"limit": NOTE_LIMIT},
            )
        self.debtor(client, number)
        now = self.clock.now()
        entry = ContactEntry(client.client_id, number, time_ordered_id(now), now,
                             ContactKind.NOTE, text, author=author)  # fmt: skip
        self.repos.contacts.add(entry)
        return entry
