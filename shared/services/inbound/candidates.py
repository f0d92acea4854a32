"""The lookups behind matching: which debtors of the mailbox's clients a message points at.
The decision itself is a pure rule (shared/domain/inbound/matching.py)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from shared.adapters.tables.inbound_repo import DebtorEmailIndex
from shared.adapters.tables.match_index_repo import MatchIndexRepository
from shared.adapters.tables.messaging_repo import OutboxRepository
from shared.adapters.tables.plans_repo import PlanRepository
from shared.clock import Clock
from shared.domain.inbound.answers import thread_ids
from shared.domain.inbound.matching import Evidence, Hit
from shared.domain.inbound.text import SplitText, number_tokens
from shared.domain.parties import Client
from shared.domain.references.finder import ReferenceKind, find_references
from shared.ports.queues import QueueSender
from shared.services.match_index_ready import request_match_index
from shared.services.messaging import MESSAGE_ID
from shared.services.repositories import Repositories

_OUR_REFERENCE_HEADER = "x-inning-reference"
_CLIENT_REFERENCE = re.compile(r"inn-[0-9a-f]{32}")  # shared.domain.messaging.client_reference
# what one message may make us look up: a long e-mail (a pasted statement, a forwarded thread
# of hundreds of messages) must not stall the reader nor cost thousands of table reads
MAX_TEXT = 30_000  # characters matched on, as many as are stored
MAX_FORWARDED = 3  # addresses named in forwarded headers
MAX_REFERENCES = 20  # payment references looked up


class IndexPending(Exception):
    """A kenmerk in the message is looked up in an index whose build is asked for and not
    done: the message is filed on a later run, once it is (or without that lookup once it
    has waited long enough, see :mod:`shared.services.inbound.reader`)."""

    def __init__(self, client_ids: list[str]) -> None:
        super().__init__(f"matching index being built for client(s) {', '.join(client_ids)}")
        self.client_ids = client_ids


class CandidateFinder:
    def __init__(
        self, repos: Repositories, outbox: OutboxRepository, clock: Clock, queues: QueueSender
    ) -> None:
        self.repos = repos
        self.queues = queues
        self.asked: dict[str, float] = {}  # clients whose index build this worker asked for
        self.outbox = outbox
        self.clock = clock
        self.emails = DebtorEmailIndex(repos.store)
        self.match_index = MatchIndexRepository(repos.store)
        self.plans = PlanRepository(repos.store)

    def hits(
        self,
        clients: Sequence[Client],
        sender: str,
        headers: dict[str, str],
        text: SplitText,
        subject: str,
        *,
        wait_for_index: bool = True,
    ) -> list[Hit]:
        """Every piece of evidence pointing at a debtor of ``clients`` (and nobody else's:
        a client outside the mailbox's clients is never a candidate). A kenmerk to look up
        in a client's index not yet built raises :class:`IndexPending` (its build asked
        for), unless ``wait_for_index`` is False: then that lookup is left out."""
        ids = {c.client_id for c in clients}
        found: list[Hit] = []
        found += self._thread(ids, headers)
        found += self._sender(clients, sender, Evidence.SENDER)
        for address in dict.fromkeys(text.forwarded_from[:MAX_FORWARDED]):
            if address != sender:
                found += self._sender(clients, address, Evidence.FORWARDED)
        fresh = f"{subject[:1000]}\n{text.fresh[:MAX_TEXT]}"
        fresh_tokens = number_tokens(fresh)
        quoted_tokens = [
            t for t in number_tokens(text.quoted[: MAX_TEXT // 2]) if t not in fresh_tokens
        ]
        for client in clients:
            found += self._invoices(client.client_id, fresh_tokens, Evidence.INVOICE)
            found += self._invoices(client.client_id, quoted_tokens, Evidence.QUOTED)
        found += self._references(ids, fresh, wait_for_index)
        return found

    def _thread(self, clients: set[str], headers: dict[str, str]) -> list[Hit]:
        hits: list[Hit] = []
        refs = thread_ids(headers.get("in-reply-to", ""), headers.get("references", ""))
        for message_id in refs[:20]:
            where = self.outbox.by_provider_id(MESSAGE_ID, message_id)
            if where is None or where[0] not in clients:
                continue
            found = self.outbox.get(*where)
            if found and found[0].debtor_number:
                hits.append(
                    Hit(
                        where[0],
                        found[0].debtor_number,
                        Evidence.THREAD,
                        f"answers {found[0].reference}",
                    )
                )
        ours = headers.get(_OUR_REFERENCE_HEADER, "").strip()
        if _CLIENT_REFERENCE.fullmatch(ours):
            # only a reference that names its client (a digest): the older ``inn-<key>`` is
            # spelt from a debtor number, the workflow's step and the invoice numbers, so a
            # stranger could write it and be the debtor for certain (attack20 F5)
            where = self.outbox.by_provider_id("graph", ours) or self.outbox.by_provider_id(
                "outbox", ours
            )
            if where and where[0] in clients:
                found = self.outbox.get(*where)
                if found and found[0].debtor_number:
                    hits.append(
                        Hit(where[0], found[0].debtor_number, Evidence.THREAD, f"answers {ours}")
                    )
        return hits

    def _sender(self, clients: Sequence[Client], address: str, evidence: Evidence) -> list[Hit]:
        if not address or "@" not in address:
            return []
        hits: list[Hit] = []
        for client in clients:
            self._ensure_index(client.client_id)
            numbers = self.emails.debtors_with(client.client_id, address)
            if not numbers:
                continue
            debtors = self.repos.debtors.get_many(client.client_id, numbers)
            for number in numbers:
                debtor = debtors.get(number)
                if debtor is None or address not in {e.strip().lower() for e in debtor[0].emails}:
                    self.emails.forget(client.client_id, address, number)  # stale: address changed
                    continue
                hits.append(Hit(client.client_id, number, evidence, address))
        return hits

    def _ensure_index(self, client_id: str) -> None:
        """A client whose debtors were written before the address index existed is indexed
        once, in full."""
        if self.emails.is_built(client_id):
            return
        continuation: str | None = None
        while True:
            debtors, continuation = self.repos.debtors.list(
                client_id, page_size=500, continuation=continuation
            )
            self.emails.remember(debtors)
            if not continuation:
                break
        self.emails.mark_built(client_id, self.clock.now())

    def _invoices(self, client_id: str, tokens: list[str], evidence: Evidence) -> list[Hit]:
        if not tokens:
            return []
        wanted = list(dict.fromkeys([*tokens, *(t.upper() for t in tokens)]))
        stored = self.repos.invoices.get_many(client_id, wanted)
        return [
            Hit(client_id, s.invoice.debtor_number, evidence, number, invoice_number=number)
            for number, s in stored.items()
        ]

    def _references(self, clients: set[str], text: str, wait: bool) -> list[Hit]:
        hits: list[Hit] = []
        kenmerken = [r for r in find_references(text) if r.kind is ReferenceKind.BETALINGSKENMERK]
        unplanned = False  # a kenmerk that is no plan's: only the invoices' index knows it
        for ref in kenmerken[:MAX_REFERENCES]:
            plan = self.plans.by_reference(ref.value)
            if plan and plan[0] in clients:
                found = self.plans.get(*plan)
                if found:
                    hits.append(
                        Hit(
                            plan[0],
                            found[0].debtor_number,
                            Evidence.PLAN,
                            f"plan {plan[1]} ({ref.value})",
                        )
                    )
                    continue
            unplanned = True
        if not kenmerken:
            return hits
        # an index is kept only once something reads it (perf27); a reply never builds it (a
        # large client's build is minutes of reads): asked for on its queue, and a reply that
        # needs it is filed on a later run, once it is built (ops28)
        indexed = [
            c
            for c in sorted(clients)
            if request_match_index(self.repos, self.queues, c, self.asked)
        ]
        if unplanned and wait and len(indexed) < len(clients):
            raise IndexPending(sorted(clients - set(indexed)))
        for ref in kenmerken[:MAX_REFERENCES]:
            for client_id in indexed:
                for inv in self.match_index.by_reference(client_id, ref.value):
                    hits.append(
                        Hit(
                            client_id,
                            inv.debtor,
                            Evidence.REFERENCE,
                            ref.value,
                            invoice_number=inv.number,
                        )
                    )
        return hits
