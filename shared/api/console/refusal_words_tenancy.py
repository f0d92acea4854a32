"""The refusals that keep one tenant's doings within its own bounds (attack16): a deactivated
client's keys, invitations and sign-ups mailing an address too often, in Dutch and English."""

from __future__ import annotations

# code -> (Dutch, English); shared/services/access.py, shared/services/people/
TENANCY_REFUSALS: dict[str, tuple[str, str]] = {
    "client_inactive": (
        "Opdrachtgever {client} is gedeactiveerd: de API-sleutels werken niet meer tot het "
        "incassobureau de opdrachtgever weer activeert.",
        "Client {client} is inactive: its keys are refused until the agency activates it again.",
    ),
}
