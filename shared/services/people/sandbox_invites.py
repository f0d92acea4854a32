"""Whom a client in sandbox mode may invite (codereview16b F3).

An invitation is the person's own account mail: it goes to the address itself, never to a
sandbox client's mailbox (codereview16 F4: redirected, its link made an account of anyone's
address). A self sign-up, though, is only a verified mailbox with a company name it chose
itself; nobody at the agency has looked at it. Its invitations, from Inning's own sender with
that name in the text and a real Inning link, would reach any stranger ("Belastingdienst -
aanslag 2026 betalen via inning", 30 an hour). Until the agency approves the client, its own
people invite only addresses of the domain of the address it signed up with (its colleagues),
and not even those when that domain is a public mail provider's (anyone has an address there).
The agency invites into it as before: the agency is vetted. No list of public providers is
complete (codereview16c 1: hotmail.be, gmx.nl, mail.ru … passed), so the invitations a client
in sandbox mode may send at all are capped too (``SANDBOX_INVITES``, counted by the caller
for each mail written, ``AdminService._sandbox_place``): a sign-up at a provider the list
misses reaches a handful of that provider's addresses, never thirty an hour.
"""

from __future__ import annotations

from shared.domain.parties import Client
from shared.services.errors import Invalid

SANDBOX_INVITES = 5  # invitations a client in sandbox mode sends before the agency approves it

# domains anyone gets an address at: a sign-up with one of them has no colleagues to invite
PUBLIC_MAIL_DOMAINS = frozenset(
    {
        "gmail.com", "googlemail.com", "outlook.com", "outlook.nl", "hotmail.com", "hotmail.nl",
        "live.com", "live.nl", "msn.com", "ziggo.nl", "kpnmail.nl", "kpnplanet.nl", "planet.nl",
        "home.nl", "hetnet.nl", "xs4all.nl", "casema.nl", "upcmail.nl", "chello.nl", "tele2.nl",
        "telfort.nl", "online.nl", "zonnet.nl", "quicknet.nl", "icloud.com", "me.com", "mac.com",
        "yahoo.com", "yahoo.nl", "ymail.com", "aol.com", "protonmail.com", "proton.me", "pm.me",
        "gmx.com", "gmx.net", "gmx.de", "mail.com", "web.de", "tutanota.com", "zoho.com",
        "gmx.nl", "hotmail.be", "outlook.be", "live.be", "telenet.be", "skynet.be", "proximus.be",
        "hotmail.co.uk", "yahoo.co.uk", "outlook.de", "hotmail.de", "hotmail.fr", "yahoo.fr",
        "orange.fr", "free.fr", "laposte.net", "mail.ru", "yandex.ru", "yandex.com", "qq.com",
        "163.com", "naver.com", "rocketmail.com", "fastmail.com", "hey.com", "duck.com",
    }
)  # fmt: skip


def domain_of(email: str) -> str:
    return email.rsplit("@", 1)[-1].strip().lower()


def require_own_domain(client: Client, email: str) -> None:
    """Refuse (422 ``invite_sandbox_domain``) an invitation by a sandbox client's own people
    to an address outside the domain of the address it signed up with, or to any address
    when that domain is a public mail provider's."""
    if not client.sandbox:
        return
    own = domain_of(client.sandbox_email or client.contact_email or "")
    if own and own not in PUBLIC_MAIL_DOMAINS and domain_of(email) == own:
        return
    raise Invalid(
        f"client {client.number} is in sandbox mode: until the agency approves it, invite only "
        f"addresses of your own organisation's domain ({own or 'none'}; not a public mail "
        "provider's)",
        field="email", code="invite_sandbox_domain", params={"domain": own or "-"},
    )  # fmt: skip
