"""A client in sandbox mode reaches no debtor (attack8 #2).

A business that signed itself up works in sandbox mode until an agency admin approves it
(``POST /v1/clients/{c}/approve``). Its messages already stop at its own mailbox or the outbox
(:meth:`MessagingService._sandboxed`); every other way to a debtor stops here too: no portal
link (API, console), no portal page, no online payment on the agency's (or a linked) Mollie
account, no direct-debit plan. Otherwise an unvetted sign-up gets a payment page on the
agency's own domain and money lands on the agency's third-party account for a client nobody
approved. The refusal says what to do: the agency approves the client first.
"""

from __future__ import annotations

from shared.domain.parties import Client
from shared.services.errors import Invalid


class NotApproved(Invalid):
    """The client is in sandbox mode: what was asked would reach a debtor."""

    def __init__(self, client: Client, what: str) -> None:
        super().__init__(
            f"client {client.number} is in sandbox mode: {what} until the agency approves the "
            f"client (POST /v1/clients/{client.number}/approve)",
            field="client",
        )


def require_approved(client: Client, what: str) -> None:
    """Raise :class:`NotApproved` for a client in sandbox mode; ``what`` names the refusal
    ("no portal link", "no online payment")."""
    if client.sandbox:
        raise NotApproved(client, what)
