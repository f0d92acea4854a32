"""How long the credential of a Mollie account a client replaced or unlinked is kept, and
its deletion (``inning mollie prune``; docs/operations.md runbook, README "Deploying
to Azure").

Such an account's credential (``client-<id>-mollie-key-<account>`` or
``...-mollie-refresh-token-<account>``) and its ``mollie@<account>`` link row are kept so the
payments started through it can still be read: webhooks, refunds, chargebacks
(shared/services/linking/mollie_accounts.py, attack4 finding 2). It may go once no payment
started with it can still change in a way Inning must book. Mollie's documented windows:

- an open payment expires: card and iDEAL checkouts within minutes ("Session timeout"), a
  SEPA bank transfer only after days ("Some payment methods like SEPA Bank Transfer have a
  long expiration window": https://docs.mollie.com/docs/status-change; the Create payment
  reference caps a bank transfer's ``dueDate`` at 100 days, unverified here);
- a refund can be made for 365 days after the payment ("Refund validity: 365 days",
  https://docs.mollie.com/docs/cards and https://docs.mollie.com/docs/sepa-direct-debit),
  and a refund made (from Inning or Mollie's dashboard) can still fail after that;
- a SEPA Direct Debit can be charged back for 8 weeks, as unauthorised within 13 months of
  the payment (https://docs.mollie.com/docs/sepa-direct-debit); a card for "120 days in
  general", some scenarios longer (https://docs.mollie.com/docs/cards; Mollie's help centre
  says 180 days, https://help.mollie.com/hc/en-us/articles/115002540294); a chargeback can
  be reversed later still.

So the retention is **two years after the account's last payment**: the longest of these
(100 days open, then 13 months) is about 17 months; two years leaves the longer card cases
and a late reversal room. The last payment is not read at Mollie (a client's own account
holds its web shop's payments too) but bounded from Inning's records: a portal payment is
started only with the account linked at the time, so no later than the day it was replaced
(``KeptAt``); a payment plan's collections stay in the account that holds its customer and
mandate (shared/services/plans/mollie_collection.py), so while a plan whose customer names
the account is not completed or cancelled the credential is **in use** and kept, and after
that its last timeline entry (the plan's end) counts. A row kept before ``KeptAt`` was
written gets today as its ``KeptAt`` on the first sweep (the window counts from then).

Deletion is the secret first, then the row: a crash in between leaves the row, and the next
sweep deletes the (missing) secret again and the row. A webhook after that tells staff
(``mollie_payment_missing``: the account is no longer reachable), as for any account gone.
Only names and account ids are logged and reported, never a credential (the sweep never
reads one).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.adapters.tables.keys import decode, encode
from shared.adapters.tables.linked_accounts_repo import KeptMollieAccount, LinkedAccountRepository
from shared.adapters.tables.plans_repo import PlanRepository
from shared.clock import Clock
from shared.domain.plans.plan import PlanStatus
from shared.ports.secrets import SecretStore
from shared.ports.tables import TableStore, all_rows, prefix_range
from shared.services.linking.mollie_accounts import kept_secret_name
from shared.services.plans.mollie_collection import COLLECTIONS
from shared.telemetry.context import log_extra

log = logging.getLogger("inning.linking")

RETENTION = timedelta(days=730)  # see the module: Mollie's windows, with room
ENDED = frozenset({PlanStatus.COMPLETED, PlanStatus.CANCELLED})


@dataclass(frozen=True)
class KeptCredential:
    """What the sweep decided for one kept account (no credential in it)."""

    client_id: str
    account: str
    # "deleted"; "due" (a dry run's would-be deletion); "kept" (its window is open);
    # "in_use" (a running plan collects in it); "started" (its window starts today)
    outcome: str
    last_use: datetime | None = None
    delete_from: datetime | None = None
    plans: tuple[str, ...] = ()  # the running plans that hold it

    def as_dict(self) -> dict[str, object]:
        return {
            "client_id": self.client_id, "account": self.account, "outcome": self.outcome,
            "last_use": self.last_use.isoformat() if self.last_use else None,
            "delete_from": self.delete_from.isoformat() if self.delete_from else None,
            "plans": list(self.plans),
        }  # fmt: skip


class MollieCredentialRetention:
    def __init__(
        self,
        links: LinkedAccountRepository,
        store: TableStore,
        secrets: SecretStore,
        clock: Clock,
        retention: timedelta = RETENTION,
    ) -> None:
        self.links = links
        self.store = store
        self.plans = PlanRepository(store)
        self.secrets = secrets
        self.clock = clock
        self.retention = retention

    def sweep(self, client_id: str | None = None, *, dry_run: bool = False) -> list[KeptCredential]:
        """Decide for every kept account (of one client, or of all) and delete what may go
        (``dry_run``: only say so, write nothing). Running it again changes nothing more: a
        deleted account has no row left."""
        now = self.clock.now()
        out: list[KeptCredential] = []
        for kept in self.links.mollie_accounts_kept(client_id):
            link = kept.link
            current = self.links.mollie(link.client_id)
            if current is not None and current.account == link.account:
                continue  # the account linked now: not kept, in use
            out.append(self._decide(kept, now, dry_run))
        return out

    def _decide(self, kept: KeptMollieAccount, now: datetime, dry_run: bool) -> KeptCredential:
        link = kept.link
        if kept.kept_at is None:
            if not dry_run:
                self.links.note_kept_since(kept, now)
            return KeptCredential(link.client_id, link.account, "started", now, now + self.retention)  # fmt: skip
        running, ended_at = self._plans(link.client_id, link.account)
        if running:
            return KeptCredential(link.client_id, link.account, "in_use", plans=running)
        last_use = max([kept.kept_at, *ended_at])
        delete_from = last_use + self.retention
        if now < delete_from:
            return KeptCredential(link.client_id, link.account, "kept", last_use, delete_from)
        if dry_run:
            return KeptCredential(link.client_id, link.account, "due", last_use, delete_from)
        self.secrets.delete(kept_secret_name(link))  # first: a crash leaves the row to retry
        self.links.forget_mollie_account(link.client_id, link.account)
        log.info(
            "mollie: the kept credential of account %s of client %s is deleted (last use %s)",
            link.account, link.client_id, last_use.date().isoformat(),
            extra=log_extra({"client_id": link.client_id, "mollie_account": link.account}),
        )  # fmt: skip
        return KeptCredential(link.client_id, link.account, "deleted", last_use, delete_from)

    def _plans(self, client_id: str, account: str) -> tuple[tuple[str, ...], list[datetime]]:
        """The client's plans whose Mollie customer lives in ``account``: those not ended,
        and the last timeline entry of each ended one. One range read over the client's
        collection partitions (customer rows only), then a read per such plan."""
        running: list[str] = []
        ended: list[datetime] = []
        rows = all_rows(
            self.store, COLLECTIONS, pk_range=prefix_range(f"{encode(client_id)}|"),
            rk_range=("customer", "customer|"),
        )  # fmt: skip
        for row in rows:
            if row.rk != "customer" or row.data.get("Account") != f"linked:{account}":
                continue
            plan_id = decode(row.pk.split("|", 1)[1])
            found = self.plans.get(client_id, plan_id)
            if found is not None and found[0].status not in ENDED:
                running.append(plan_id)
                continue
            entries = [e["at"] for e in self.plans.timeline(client_id, plan_id)]
            if entries:
                ended.append(max(entries))
        return tuple(sorted(running)), ended
