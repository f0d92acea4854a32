"""Whose Mollie account a payment's money went into, from the name its row keeps for the
account (``OnlinePaymentService.choose``): the agency's own (its third-party money, paid out
to the client by settlement) or the client's (already the client's: settlement pays none of
it out, it only charges the client the agency's share; attack7 #1).

- ``linked:<name>``: a Mollie account the client linked itself (Mollie Connect): the client's;
- ``setting:MOLLIE_KEY_AGENCY_<AGENCY ID>``: the agency's key, for its third-party account;
- ``setting:MOLLIE_KEY_<CLIENT NUMBER>``: the client's own key: the client's;
- ``simulation``: the local stand-in for the agency's account (no real money anywhere).
"""

from __future__ import annotations

from shared.domain.records import Receiver

AGENCY_KEY = "MOLLIE_KEY_AGENCY_"


def receiver_of_account(name: str) -> Receiver:
    """Where a payment made with the account named ``name`` puts the money."""
    kind, _, rest = name.partition(":")
    if kind == "linked":
        return Receiver.CLIENT
    if kind == "setting":
        return Receiver.THIRD_PARTY if rest.startswith(AGENCY_KEY) else Receiver.CLIENT
    return Receiver.THIRD_PARTY
