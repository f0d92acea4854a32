"""Action items that a change made elsewhere leaves with nothing to decide, resolved with a note
of who ended them how, so the action list and the Today page's count follow at once.

- A debtor's dispute (the portal's item "Betwisting van factuur F1") ended without its item:
  the API's resolve-dispute (or the dossier's "keep chasing"), a credit or withdrawal of the
  invoice, a payment of all of it (newcomer19 F6: the item stayed open, and deciding it days
  later told the debtor of a decision taken before). The item's decision tells the debtor with
  a message a person writes (:mod:`shared.services.request_decisions`, and may leave unsent);
  a call through the API carries no words and is the client's own dealing with the debtor, so
  nothing is sent for it here: the debtor sees the invoice open again in the portal and gets
  the workflow's next message. An item a decision has claimed is left to that decision, which
  finishes it and tells the debtor as chosen.
- A consumer's dispute ended without a word to him (:mod:`shared.services.dispute_ending`):
  the invoice is paused until a person resumes it, and that resume closes the item.
- A workflow's staff tasks (SMS by hand, a 14-day letter by post, a call) for invoices handed
  over to the agency (newcomer19 F8, cm18 F6): the agency collects them now. A task that also
  covers an invoice the client still chases stays open for it; a task for an e-mail (no
  workflow step) stays too, somebody has to read it.
- The agency's ``new_case`` item of a case paid in full or withdrawn
  (:mod:`shared.services.case_items`).

Every closing is ``resolve_if_open``: a repeat (a retried call, the next run) finds the item
resolved and does nothing; a colleague's change in between is read again and the item closed
after it."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import date, datetime

from shared.domain.invoices import CLOSED, Invoice, InvoiceStatus
from shared.domain.records import ActionItem, ActionStatus
from shared.services.repositories import Repositories

DISPUTE = "dispute"
TASK = "staff_task"
UNTOLD = "dispute_untold"  # dispute_ending's hold of a consumer not told his dispute ended
DECIDED = "decided"  # request_decisions' claim: a decision in progress finishes the item itself
WAITING = (ActionStatus.OPEN, ActionStatus.ASSIGNED)
ATTEMPTS = 3
# what became of a disputed invoice, as a resolution names it (console: action_text)
_OUTCOME = {
    InvoiceStatus.OPEN: "open again",
    InvoiceStatus.PARTIALLY_PAID: "open again",
    InvoiceStatus.PAID: "paid",
    InvoiceStatus.CREDITED: "credited",
    InvoiceStatus.WITHDRAWN: "withdrawn",
}


def waiting_items(repos: Repositories, client_id: str, kind: str) -> Iterator[ActionItem]:
    """The client's items of ``kind`` still waiting (open or assigned), page by page."""
    for status in WAITING:
        continuation: str | None = None
        while True:
            items, continuation = repos.actions.list(
                client_id, status=status, kind=kind, continuation=continuation
            )
            yield from items
            if not continuation:
                break


def _close(repos: Repositories, client_id: str, action_id: str, resolution: str, at: datetime) -> bool:  # fmt: skip
    """Resolved unless a decision claimed it meanwhile; a save that lost to a colleague's
    change (an assignment) reads the item again."""
    for _ in range(ATTEMPTS):
        found = repos.actions.get(client_id, action_id)
        if found is None or found[0].status is ActionStatus.RESOLVED:
            return False
        if found[0].detail.get(DECIDED):
            return False
        if repos.actions.resolve_if_open(client_id, action_id, resolution, at):
            return True
    return False


def close_item(repos: Repositories, scope: str, action_id: str, resolution: str, at: datetime) -> bool:  # fmt: skip
    """One item known by its id resolved as :func:`_close` does (another module's item: a
    case's, :mod:`shared.services.case_items`)."""
    return _close(repos, scope, action_id, resolution, at)


def _dispute_over(item: ActionItem, stored: dict[str, Invoice]) -> str | None:
    """What ended the item's dispute ("F1 open again"), None while one of its invoices is still
    disputed (or none is known: nothing can be said of it)."""
    invoices = [stored[n] for n in item.invoice_numbers if n in stored]
    if not invoices or any(i.status is InvoiceStatus.DISPUTED for i in invoices):
        return None
    return ", ".join(f"{i.number} {_OUTCOME.get(i.status, i.status.value)}" for i in invoices)


def close_dispute_items(
    repos: Repositories, client_id: str, number: str, author: str | None, at: datetime
) -> int:
    """Invoice ``number``'s dispute ended by ``author`` (a key or a person; None: found by the
    daily run): its waiting dispute items resolved as over, how many were."""
    items = [i for i in waiting_items(repos, client_id, DISPUTE) if number in i.invoice_numbers]
    return close_over_disputes(repos, client_id, items, author, at)


def close_ended_disputes(repos: Repositories, client_id: str, at: datetime) -> int:
    """The daily run's look at every waiting dispute item: one whose invoices are no longer
    disputed (paid in full by any booking path, or a call that stopped before its item was
    closed) is resolved as over."""
    return close_over_disputes(repos, client_id, list(waiting_items(repos, client_id, DISPUTE)), None, at)  # fmt: skip


def close_over_disputes(
    repos: Repositories, client_id: str, items: list[ActionItem], author: str | None, at: datetime
) -> int:
    """Of ``items`` (dispute items), those whose invoices are no longer disputed resolved as
    over (a decision's claim keeps an item for that decision), how many were."""
    items = [i for i in items if i.invoice_numbers and not i.detail.get(DECIDED)]
    numbers = sorted({n for i in items for n in i.invoice_numbers})
    if not numbers:
        return 0
    stored = {n: s.invoice for n, s in repos.invoices.get_many(client_id, numbers).items()}
    closed = 0
    for item in items:
        # an item naming another debtor's invoice is never closed by it
        own = {n: v for n, v in stored.items() if v.debtor_number == item.debtor_number}
        over = _dispute_over(item, own)
        if over is None:
            continue
        by = f" ({_actor(author)})" if author else ""
        closed += _close(repos, client_id, item.action_id,
                         f"dispute over without this item: {over}{by}", at)  # fmt: skip
    return closed


def close_untold_items(
    repos: Repositories, client_id: str, number: str, author: str | None, at: datetime
) -> int:
    """Invoice ``number`` resumed by a person: the item that held it after its dispute ended
    untold (dispute_ending, lawyer20 L2) is done, the resume being the confirmation that the
    debtor knows; how many were closed."""
    items = [i for i in waiting_items(repos, client_id, UNTOLD) if number in i.invoice_numbers]
    by = f" ({_actor(author)})" if author else ""
    return sum(
        _close(repos, client_id, i.action_id, f"invoice {number} resumed{by}", at) for i in items
    )


def close_handed_over_tasks(
    repos: Repositories,
    client_id: str,
    debtor_number: str,
    handed: Collection[str],
    agency: str,
    case_id: str,
    at: datetime,
) -> int:
    """The debtor's waiting workflow tasks none of whose invoices the client chases now that
    ``handed`` went to ``agency``: resolved as handed over, how many were. An invoice of the
    task that was paid, credited or withdrawn before, or handed over earlier, leaves nothing
    to do either; one still open outside ``handed`` keeps the task."""
    tasks = [
        t
        for t in waiting_items(repos, client_id, TASK)
        if t.debtor_number == debtor_number
        and t.detail.get("step")
        and t.invoice_numbers
        and any(n in handed for n in t.invoice_numbers)
    ]
    others = sorted({n for t in tasks for n in t.invoice_numbers if n not in handed})
    stored = {n: s.invoice for n, s in repos.invoices.get_many(client_id, others).items()}
    closed = 0
    for task in tasks:
        if all(n in handed or _nothing_to_chase(stored.get(n), debtor_number)
               for n in task.invoice_numbers):  # fmt: skip
            closed += _close(repos, client_id, task.action_id,
                             f"handed over to {agency} (case {case_id})", at)  # fmt: skip
    return closed


def close_sent_letter_tasks(
    repos: Repositories,
    client_id: str,
    debtor_number: str,
    step_name: str,
    sent: Collection[str],
    on: date,
    at: datetime,
) -> int:
    """The debtor's waiting tasks of the 14-day step ``step_name`` that stood in for a letter
    no channel could carry (their note: "the 14-day letter was not sent"), all of whose
    invoices the letter that went out ``on`` now covers (``sent``): resolved, how many were.
    Left open they said "not sent" for the weeks up to the hand-over, and staff sending the
    letter by hand gave the debtor a second 14-day letter with another last day to pay
    (lawyer20 L4; HR 25-11-2016: a term stated wrongly costs the creditor the costs)."""
    covered = set(sent)
    tasks = [
        t
        for t in waiting_items(repos, client_id, TASK)
        if t.debtor_number == debtor_number
        and t.detail.get("step") == step_name
        and t.detail.get("note")
        and t.invoice_numbers
        and set(t.invoice_numbers) <= covered
    ]
    said = f"the 14-day letter went out after all on {on.isoformat()} (its term counts from then)"
    return sum(_close(repos, client_id, t.action_id, said, at) for t in tasks)


def close_tasks_handed_over_before(repos: Repositories, client_id: str, at: datetime) -> int:
    """The daily run's look at the client's waiting workflow tasks: one none of whose invoices
    the client chases and at least one of them handed over (before this closing came with the
    hand-over, or a hand-over whose closing a fault cut off) is resolved as handed over to the
    agency by name. A task of paid invoices only stays: a person closes it (cm18 F6)."""
    tasks = [
        t
        for t in waiting_items(repos, client_id, TASK)
        if t.detail.get("step") and t.invoice_numbers and t.debtor_number
    ]
    numbers = sorted({n for t in tasks for n in t.invoice_numbers})
    if not numbers:
        return 0
    stored = {n: s.invoice for n, s in repos.invoices.get_many(client_id, numbers).items()}
    names: dict[str, str] = {}
    closed = 0
    for task in tasks:
        invoices = [stored.get(n) for n in task.invoice_numbers]
        debtor = str(task.debtor_number)
        if not all(_nothing_to_chase(i, debtor) for i in invoices):
            continue
        agencies = sorted({str(i.handed_over_to) for i in invoices if i and i.handed_over_to})
        if not agencies:
            continue
        name = ", ".join(_agency_name(repos, a, names) for a in agencies)
        closed += _close(repos, client_id, task.action_id, f"handed over to {name}", at)
    return closed


def _agency_name(repos: Repositories, agency_id: str, known: dict[str, str]) -> str:
    if agency_id not in known:
        agency = repos.agencies.get(agency_id)
        known[agency_id] = agency.name if agency is not None and agency.name else agency_id
    return known[agency_id]


def _nothing_to_chase(invoice: Invoice | None, debtor_number: str) -> bool:
    if invoice is None or invoice.debtor_number != debtor_number:
        return False
    return invoice.handed_over_to is not None or invoice.status in CLOSED


def _actor(author: str) -> str:
    """A person's id ("user:u1") as it is; an API key's bare id as "key:<id>", so the console
    names either (action_text.resolution)."""
    return author if ":" in author else f"key:{author}"
