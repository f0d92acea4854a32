"""Whether a client is ready for its dunning to go live (golive32): onboard32 gave the agency
a go-live day (``Client.dunning_starts_on``) but nothing said what was still missing before
it, so the first live run found out (a run held for want of an account, debtors waiting for a
workflow, letters without a return address).

Each check answers ``ok`` and, when not, a reason code the console and an integration can word
for themselves. A *blocking* check is one without which the first run sends nothing or sends
what a debtor cannot act on: the daily run holds a client without an account of its own
(``dunning_account_hold.py``), no debtor gets a step without an active workflow, and a message
without a sender address has nobody to reply to. The others are advice. Setting the go-live
day while a blocking check fails is allowed (a credit manager decides): the answer carries the
failing checks as warnings, as the run itself holds rather than refuses such a client.

Cost: the client's row the caller read, the client's workflow rows and segment rules (two
reads) and one read per registered account up to the first of the client's own."""

from __future__ import annotations

from dataclasses import dataclass

from shared.domain.parties import Client
from shared.services.account_ownership import debtor_account
from shared.services.repositories import Repositories
from shared.services.sending_mailbox import sender_verified

DEBTOR_ACCOUNT = "debtor_account"
WORKFLOW = "workflow"
SENDER = "sender"
HOUSE_STYLE = "house_style"
DEBTOR_CONTACT = "debtor_contact"
GO_LIVE_DAY = "go_live_day"
SENDER_VERIFIED = "sender_verified"


@dataclass(frozen=True)
class ReadinessCheck:
    check: str
    ok: bool
    reason: str | None  # a code when not ok
    blocking: bool

    def as_dict(self) -> dict[str, object]:
        return {
            "check": self.check,
            "ok": self.ok,
            "reason": self.reason,
            "blocking": self.blocking,
        }


def _check(check: str, failing: str | None, *, blocking: bool) -> ReadinessCheck:
    return ReadinessCheck(check, failing is None, failing, blocking)


def readiness(repos: Repositories, client: Client) -> list[ReadinessCheck]:
    """The client's checks before go-live, in the order the onboarding does them."""
    account = None
    if not debtor_account(repos, client):
        # every registered account another party's: the run's own hold says the same
        account = "only_other_parties_accounts" if client.ibans else "no_bank_account"
    active = {k for k, w in repos.dunning.workflows(client.client_id).items() if w.active}
    workflow = None
    if not active:
        workflow = "no_active_workflow"
    elif not any(r.workflow_id in active for r in repos.dunning.rules(client.client_id)):
        # no segment rule names an active one: every debtor without an override waits
        workflow = "no_segment_rule"
    return [
        _check(DEBTOR_ACCOUNT, account, blocking=True),
        _check(WORKFLOW, workflow, blocking=True),
        # the mail goes from the client's name and address, and replies reach it there
        _check(SENDER, None if client.contact_email else "no_sender_address", blocking=True),
        # the letterhead's name is the client's; its address is the envelope's return line
        _check(
            HOUSE_STYLE, None if client.postal_address else "no_letterhead_address", blocking=False
        ),
        # messages show the e-mail address (the sender's); a phone number is for a debtor
        # who would rather call
        _check(
            DEBTOR_CONTACT, None if client.contact_phone else "no_contact_phone", blocking=False
        ),
        _check(
            GO_LIVE_DAY,
            None if client.dunning_starts_on else "go_live_day_not_set",
            blocking=False,
        ),
        # a changed contact e-mail not yet verified: its mail goes from the agency's mailbox
        # with the address to reply to (sender33), so nothing is held, yet the debtor sees
        # the agency's address as the sender
        _check(
            SENDER_VERIFIED,
            None
            if not client.contact_email or sender_verified(repos, client)
            else "sender_unverified",
            blocking=False,
        ),
    ]


def blocking_failures(checks: list[ReadinessCheck]) -> list[ReadinessCheck]:
    """The checks that keep the first live run from working as meant."""
    return [c for c in checks if c.blocking and not c.ok]
