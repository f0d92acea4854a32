"""A client without a bank account is not dunned (newcomer24 F1's other door): its reminders
asked debtors to pay "naar  onder vermelding van ..." and its 14-day letters carried no payment
block at all, as every message and letter names the client's own account (its first IBAN). A
client stored that way through ``POST /v1/clients`` is told so in a note; the daily run holds
its steps until an account is on record, with one action item that says what to do.

Held means the run leaves the client's schedule untouched: each step stays due and the first
run after the account is added takes it (a step whose day passed meanwhile first), as after a
workflow that was missing. The hold's mark remembers the item, so a later run closes it once
the account is there (one read per client and day, on the run's first shard), and a hold that
begins again later gets an item of its own.

Prescription does not wait for the account (held24): a hold of months would have let a claim
prescribe without a warning. The held run still reads the client's due rows, and each of their
debtors (in the job's shard) gets the prescription look (the warnings, the item of a claim
past its date, a disputed claim's too: cm24 F5), nothing that asks payment, and its rows stay
as they are. As those rows stay due, each such debtor is looked at every day the hold lasts:
two reads (debtor, invoices), more only for a claim within 60 days of its date, where each
look repeats the warning's once-mark and insert (no second item).

An account another party has proven counts as none (iban28: onboarding registered another
agency's third-party account, and the same minute's reminders told debtors to pay into it):
``debtor_account`` names none of those, so a client whose every account is such is held the
same way, its item saying so, until its own account is registered.

Every other path that asks a debtor for money follows (heldplan31): a payment plan's letters
wait under the same item (``plans/account_hold.py``); what a person asks for now (a message by
hand that names the account, a letter sent again) is refused with :func:`refuse_without_account`
(422 ``no_bank_account``), and the portal names no account and shows no QR code."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from datetime import date, datetime

from shared.domain.parties import Client
from shared.domain.records import ActionItem
from shared.services.account_ownership import debtor_account
from shared.services.errors import Invalid
from shared.services.prescription_watch import PrescriptionWatch
from shared.services.repositories import Repositories
from shared.services.statements_redo import day_keyed_id

log = logging.getLogger(__name__)

KIND = "no_bank_account"
HELD = "held|no_bank_account"
RESUMED = "a bank account was added: the dunning resumes"
HELD_LOGGED = "held_logged|"  # the plans' marks (plans/account_hold.py)


def title_of(client: Client) -> str:
    if client.ibans:
        return (
            f"Client {client.number} has no bank account of its own: every IBAN registered for "
            "it is another party's proven account (GET /v1/clients/{client}/ibans: disputed), "
            "so its reminders and letters are held; register the client's own IBAN to resume them"
        )
    return (
        f"Client {client.number} has no bank account: its reminders and letters are held, "
        "as they would ask debtors to pay to no account; add its IBAN to resume them"
    )


# where a template puts the client's account in: ``{{ client.iban }}`` and the EPC QR code;
# a part guarded by ``{% if client.iban %}`` / ``{% if qr_svg %}`` says nothing without one
# (the dispute-end notice's payment line: dispute_ending.PAYS)
_NAMES_ACCOUNT = re.compile(r"client\s*[.\[]\s*['\"]?iban|qr_svg")
_GUARDED = re.compile(
    r"{%-?\s*if\s+(?:client\s*\.\s*iban|qr_svg)\s*-?%}.*?{%-?\s*endif\s*-?%}", re.DOTALL
)


def names_the_account(*sources: str) -> bool:
    """Whether a template's or quick text's ``sources`` put the client's account in, outside
    a part shown only when there is one."""
    return any(_NAMES_ACCOUNT.search(_GUARDED.sub("", source)) for source in sources)


def refuse_without_account(client: Client, account: str, what: str) -> None:
    """:class:`Invalid` (``no_bank_account``) for ``what`` a person asks now that would tell a
    debtor to pay into the account of a live ``client`` with none of its own (``account``: its
    ``debtor_account``, or a message context's ``client_iban``): the hold's refusal."""
    if client.sandbox or account:
        return
    raise Invalid(
        f"{what} asks the debtor to pay into the account of client {client.number}, which has "
        "no bank account of its own (none, or only another party's proven account): register "
        "the client's own IBAN first",
        field="ibans",
        code="no_bank_account",  # KIND: the item's kind is the refusal's code
        params={"client": client.number},
    )


def hold_without_account(
    repos: Repositories, client: Client, today: date, now: datetime, account: str | None = None
) -> bool:
    """True when a live ``client`` has no account, so the run sends nothing; its item written once
    per hold (under the id the hold's mark keeps: a retry, another day's run, writes none).
    ``account``: its ``debtor_account`` when the caller read it already."""
    if account is None:
        account = debtor_account(repos, client)
    if client.sandbox or account:
        return False  # a sandbox client's messages reach its own test address, no debtor
    kept = repos.dunning.claim_value(
        client.client_id, HELD, {"ActionId": day_keyed_id(today, KIND), "Since": today.isoformat()}
    )
    # once: written by an earlier run of this hold
    repos.actions.add_once(ActionItem(
        client.client_id, str(kept["ActionId"]), KIND, title_of(client), now,
        detail={"date": str(kept["Since"])},
    ))  # fmt: skip
    return True


def release_hold(repos: Repositories, client: Client, now: datetime) -> None:
    """An account is on record: the hold's item closed (a person's resolution stands) and
    its mark gone; nothing to do for a client never held."""
    kept = repos.dunning.value(client.client_id, HELD)
    if kept is None:
        return
    repos.actions.resolve_if_open(client.client_id, str(kept["ActionId"]), RESUMED, now)
    # the plans' "not sent" entries of this hold (plans/account_hold.py): a later hold logs anew
    repos.dunning.unmark_all(client.client_id, HELD_LOGGED)
    repos.dunning.unmark(client.client_id, HELD)


def prescription_looks_while_held(
    repos: Repositories,
    watch: PrescriptionWatch,
    client: Client,
    debtors: Iterable[str],
    today: date,
    errors: list[str],
) -> int:
    """The prescription look for each of ``debtors`` (those with a row due) of a held client,
    their schedule untouched; a refusal goes on ``errors``. How many failed in a way a retry
    may mend (the caller leaves its job to be delivered again)."""
    transient = 0
    for number in debtors:
        try:
            found = repos.debtors.get(client.client_id, number)
            if found is None:
                continue  # its rows go on the first run after the account is added
            invoices = repos.invoices.for_debtor(client.client_id, number)
            watch.review(client, found[0], invoices, today)
        except (Invalid, OverflowError) as exc:  # the data: a retry the same day cannot help
            errors.append(f"debtor {number}: {exc}")
        except Exception as exc:  # one debtor's trouble must not stop the others
            log.exception("held run for client %s: a prescription look failed", client.client_id)
            errors.append(f"debtor {number}: {exc}")
            transient += 1
    return transient
