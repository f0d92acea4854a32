"""The agency's ``new_case`` item follows its case: it asks a person to take up a case handed
over, and a case paid in full or withdrawn leaves nothing to take up (agency21 N3: it stayed
open until resolved by hand, and the Today count with it).

A withdrawal closes it as it tells both sides (:meth:`CaseService._withdrawn_told`, every
withdrawal path and its repair). A case paid in full is closed where the money is booked: every
booking path (a bank line alone or in a statement window, a person's confirm, Mollie, a plan's
direct debit, a client's receipt) tells the payment service's ``written_listener`` the invoices
it wrote, and :func:`close_paid_case_items` looks at those, reading nothing unless one was
handed over and is paid now (cases22 left it to the next day).
The daily run (dunning's ``_close_ended_items``) stays the backstop: a case all of whose
invoices are paid whose closing storage cut off, or one withdrawn whose closing a fault cut
off. Every closing is
``resolve_if_open`` through :func:`ended_items.close_item`: a repeat finds the item resolved
and does nothing, a colleague's change in between is read again."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from shared.adapters.tables.cases_repo import Case
from shared.domain.invoices import Invoice, InvoiceStatus
from shared.domain.parties import Client
from shared.domain.scopes import agency_scope
from shared.ports.tables import StorageError
from shared.services.ended_items import close_item, waiting_items
from shared.services.repositories import Repositories
from shared.telemetry.context import log_extra

log = logging.getLogger("inning.cases")

NEW_CASE = "new_case"
# how long the daily run looks back at withdrawn cases for a step a crash cut off
FOLLOW_DAYS = 30
PAID = "case paid"  # console (action_text): "zaak betaald"


def new_case_item_id(case: Case) -> str:
    """The hand-over's keyed id (its time first, then the case): the same on every attempt,
    so the item, its contact entry and this closing find one another."""
    at = case.created_at
    return f"{int(at.timestamp() * 1000):012x}{hashlib.sha256(case.case_id.encode()).hexdigest()[:10]}"  # fmt: skip


def withdrawn_note(by: str, author: str | None) -> str:
    """``by``: the client's name or "the agency"; a person's or key's id after it, which the
    console names (action_text.resolution)."""
    said = f"case withdrawn by {by}"
    if not author:
        return said
    return f"{said} ({author if ':' in author else f'key:{author}'})"


def close_case_item(repos: Repositories, case: Case, note: str, at: datetime) -> bool:
    """The case's ``new_case`` item resolved with ``note`` unless resolved already."""
    return close_item(repos, agency_scope(case.agency_id), new_case_item_id(case), note, at)


def close_ended_case_items(
    repos: Repositories, agency_id: str, client_id: str, client_name: str, at: datetime
) -> int:
    """The daily look at the client's cases at the agency: the item of a case withdrawn, or
    of an open case all of whose invoices are paid, resolved; how many were. A case
    withdrawn more than ``FOLLOW_DAYS`` ago is not looked at again: its withdrawal closed it."""
    # the agency's waiting new_case items first: a case paid in full stays "open" for good, so
    # looking at every such case (one item read each) would grow with the client's history;
    # only a case whose item still waits is looked at, none read when none waits
    waiting = {i.action_id for i in waiting_items(repos, agency_scope(agency_id), NEW_CASE)}
    if not waiting:
        return 0
    since = (at - timedelta(days=FOLLOW_DAYS)).date()
    cases = [c for c in repos.cases.of_client(agency_id, client_id)
             if new_case_item_id(c) in waiting
             and (c.status == "open" or (c.withdrawn_at is not None and c.withdrawn_at.date() >= since))]  # fmt: skip
    running = [c for c in cases if c.status == "open"]
    numbers = sorted({n for c in running for n in c.invoice_numbers})
    stored = {n: s.invoice for n, s in repos.invoices.get_many(client_id, numbers).items()}
    closed = 0
    for case in cases:
        if case.status == "withdrawn":
            by_client = case.dossier.get("withdrawn_by", "client") == "client"
            note = withdrawn_note(client_name if by_client else "the agency", None)
        elif _paid_in_full(case, stored):
            note = PAID
        else:
            continue
        closed += close_case_item(repos, case, note, at)
    return closed


def _paid_in_full(case: Case, stored: Mapping[str, Invoice]) -> bool:
    """Every invoice of the case (the case's debtor's) paid."""
    return bool(case.invoice_numbers) and all(
        (i := stored.get(n)) is not None
        and i.debtor_number == case.debtor_number
        and i.status is InvoiceStatus.PAID
        for n in case.invoice_numbers
    )


def close_paid_case_items(
    repos: Repositories, client: Client, written: Sequence[Invoice], at: datetime
) -> int:
    """A booking wrote these invoices (the payment service's ``written_listener``): the
    ``new_case`` item of each open case it left paid in full resolved as :data:`PAID`, how
    many were. Nothing is read unless one of them is handed over and paid now: then those
    invoices again (a window's write may have been undone since), the client's cases at the
    agency and their other invoices. A redelivered booking tells again and finds the item
    resolved (``resolve_if_open``)."""
    numbers = sorted({i.number for i in written if i.handed_over_to and i.status is InvoiceStatus.PAID})  # fmt: skip
    if not numbers:
        return 0
    stored = {n: s.invoice for n, s in repos.invoices.get_many(client.client_id, numbers).items()}
    paid = [i for i in stored.values() if i.handed_over_to and i.status is InvoiceStatus.PAID]
    closed = 0
    for agency_id in sorted({str(i.handed_over_to) for i in paid}):
        held = {(i.debtor_number, i.number) for i in paid if i.handed_over_to == agency_id}
        cases = [c for c in repos.cases.of_client(agency_id, client.client_id)
                 if c.status == "open" and any((c.debtor_number, n) in held for n in c.invoice_numbers)]  # fmt: skip
        rest = sorted({n for c in cases for n in c.invoice_numbers if n not in stored})
        if rest:
            stored.update((n, s.invoice) for n, s in repos.invoices.get_many(client.client_id, rest).items())  # fmt: skip
        for case in cases:
            if _paid_in_full(case, stored):
                closed += close_case_item(repos, case, PAID, at)
    return closed


def close_paid_cases_told(repos: Repositories, client: Client, written: Sequence[Invoice], at: datetime) -> None:  # fmt: skip
    """:func:`close_paid_case_items` as a booking's listener: storage failing here fails no
    booking (a listener's failure would make the delivery fail after the money was booked);
    the daily run closes what was left."""
    try:
        close_paid_case_items(repos, client, written, at)
    except StorageError as exc:
        log.warning(
            "paid case items left for the daily run",
            extra=log_extra({"client_id": client.client_id, "error": exc.__class__.__name__}),
        )
