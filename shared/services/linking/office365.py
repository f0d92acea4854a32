"""Linking a client's Office 365 mailbox: admin consent to Inning's multi-tenant app.

1. Staff ask for the consent URL (``POST /api/v1/clients/{c}/links/office365``) and give it
   to the client's Microsoft 365 administrator.
2. The administrator signs in at the Microsoft identity platform's admin consent endpoint
   (``/organizations/v2.0/adminconsent``) and grants the app's application permissions
   (``Mail.Send``; ``Mail.ReadWrite`` for a mail over Graph's 4 MB request, sent as a draft;
   ``Mail.Read`` for bounce reports) for the whole tenant.
3. The identity platform redirects to ``/api/link/office365/callback`` with
   ``admin_consent=True``, ``tenant=<tenant id>`` and our ``state`` (or ``error`` and
   ``error_description``). The ``tenant`` there is a query parameter anyone can edit, so it
   is not used: Inning checks the state and sends the administrator on to sign in.
4. The administrator signs in (OpenID Connect authorization-code flow with a fresh ``state``,
   ``nonce`` and PKCE, :mod:`shared.adapters.identity.microsoft_signin`) and comes back to the
   same callback with a ``code``. Inning redeems it, validates the ID token and takes the
   tenant from its ``tid``; proves the consent by an app-only token from that tenant; checks
   that the client's contact e-mail is a mailbox of that tenant (Graph ``GET /users/{mailbox}``)
   and that no other client linked it (the first link stands; a clash is an
   ``mailbox_dispute`` item on the platform list); then records the link.

From then on e-mail for the client is sent with a token from the client's own tenant
(:mod:`shared.adapters.channels.graph_tenants`), until :meth:`Office365Linking.unlink`
(``DELETE /api/v1/clients/{c}/links/office365``, or the console's Links page) lets it go: the
client's mail then goes out as it did before the link (the agency's tenant, or the outbox).
Without an Exchange application access
policy the consent covers every mailbox of the tenant; docs/operations.md says how the client
restricts it to the sending mailbox."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from shared.adapters.identity.microsoft_signin import MicrosoftSignIn, SignInError, pkce_pair
from shared.adapters.tables.linked_accounts_repo import (
    STATE_LIFETIME,
    GraphLink,
    LinkedAccountRepository,
    MailboxTaken,
    PendingLink,
)
from shared.clock import Clock
from shared.domain.ids import time_ordered_id
from shared.domain.messaging import PermanentSendError, TransientSendError
from shared.domain.people.audit import Event
from shared.domain.records import ActionItem
from shared.services.errors import Invalid, NotFound
from shared.services.linking import finish_link, start_link
from shared.services.poison import PLATFORM_SCOPE
from shared.services.repositories import Repositories

GRAPH_DEFAULT_SCOPE = "https://graph.microsoft.com/.default"
SIGN_IN = "graph_signin"  # the pending link of step 4 (its state, nonce and PKCE verifier)


@dataclass(frozen=True)
class SignInRedirect:
    """Consent given: the administrator's browser goes on to sign in at ``url``."""

    url: str


class Office365Linking:
    def __init__(
        self,
        repos: Repositories,
        links: LinkedAccountRepository,
        clock: Clock,
        *,
        app_client_id: str,
        public_base_url: str,
        authority_host: str = "https://login.microsoftonline.com",
        signin: MicrosoftSignIn | None = None,
        prove_consent: Callable[[str], None] | None = None,
        forget: Callable[[str], None] | None = None,
        consent_retry_seconds: tuple[float, ...] = (2.0, 5.0),
        drop_tenant: Callable[[str], None] | None = None,
        reset_inbox: Callable[[str], None] | None = None,
        audit: Callable[..., None] | None = None,
    ) -> None:
        # unlinking: the sender's cached token of the tenant, the mailbox's delta round, and
        # the audit trail (shared/services/people/kit.py ``audit``)
        self.drop_tenant = drop_tenant
        self.reset_inbox = reset_inbox
        self.audit = audit
        # a fresh consent takes a moment to reach the token service ("AADSTS700016 ... not
        # found in the directory" right after granting): try again before giving up
        self.consent_retry_seconds = consent_retry_seconds
        self.repos = repos
        self.links = links
        self.clock = clock
        self.app_client_id = app_client_id
        self.redirect_uri = f"{public_base_url.rstrip('/')}/api/link/office365/callback"
        self.authority_host = authority_host.rstrip("/")
        self.prove_consent = prove_consent
        self.forget = forget
        self.signin = signin

    def consent_url(self, client_id: str) -> str:
        if not self.app_client_id:
            raise Invalid(
                "no Office 365 app registration is configured (GRAPH_CLIENT_ID)",
                code="link_o365_not_configured", params={"setting": "GRAPH_CLIENT_ID"},
            )  # fmt: skip
        if self.repos.clients.get(client_id) is None:
            raise NotFound("no such client")
        state = start_link(self.links, client_id, "graph", self.clock.now())
        query = {
            "client_id": self.app_client_id,
            "scope": GRAPH_DEFAULT_SCOPE,
            "redirect_uri": self.redirect_uri,
            "state": state,
        }
        return f"{self.authority_host}/organizations/v2.0/adminconsent?{urlencode(query)}"

    def callback(self, params: Mapping[str, str]) -> GraphLink | SignInRedirect:
        """Step 3 (admin consent given: on to sign in) or step 4 (signed in: link)."""
        pending = finish_link(
            self.links, params.get("state", ""), ("graph", SIGN_IN), self.clock.now()
        )
        if pending.provider == SIGN_IN:
            return self._signed_in(pending, params)
        if params.get("error"):
            raise Invalid(
                f"the administrator did not consent: {params.get('error_description') or params['error']}",
                code="link_o365_no_consent_said", params={"error": params["error"][:100]},
            )  # fmt: skip
        if params.get("admin_consent", "").lower() != "true":
            raise Invalid("the administrator did not consent", code="link_o365_no_consent")
        if self.signin is None:
            raise Invalid(
                "no Office 365 app registration is configured (GRAPH_CLIENT_SECRET)",
                code="link_o365_not_configured", params={"setting": "GRAPH_CLIENT_SECRET"},
            )  # fmt: skip
        # the redirect's ``tenant`` is ignored: the sign-in's ID token says which tenant
        state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        verifier, challenge = pkce_pair()
        self.links.start(PendingLink(state, pending.client_id, SIGN_IN,
                                     self.clock.now() + STATE_LIFETIME, nonce, verifier))  # fmt: skip
        return SignInRedirect(self.signin.authorize_url(self.redirect_uri, state, nonce, challenge))

    def _signed_in(self, pending: PendingLink, params: Mapping[str, str]) -> GraphLink:
        if params.get("error"):
            raise Invalid(
                f"the administrator did not sign in: {params.get('error_description') or params['error']}",
                code="link_o365_no_sign_in", params={"error": params["error"][:100]},
            )  # fmt: skip
        if self.signin is None or not params.get("code"):
            raise Invalid("the sign-in response carries no code", code="link_o365_no_code")
        try:
            signer = self.signin.redeem(
                params["code"], self.redirect_uri, pending.verifier, pending.nonce
            )
            tenant = signer.tenant_id
        except SignInError as exc:
            raise Invalid(
                f"the sign-in could not be verified: {exc}", code="link_o365_unverified"
            ) from None
        if self.prove_consent is not None:
            try:
                self._prove(tenant)
            except PermanentSendError as exc:
                # no app-only token from the tenant: the consent is not (or not yet) there
                raise Invalid(
                    f"the organisation's consent could not be proven: {exc}",
                    code="link_o365_consent_unproven",
                ) from None
            except TransientSendError as exc:
                raise Invalid(
                    f"Microsoft could not be reached to prove the consent: {exc}",
                    code="link_o365_unreachable",
                ) from None
        found = self.repos.clients.get(pending.client_id)
        if found is None:
            # deleted while its administrator was at Microsoft: nothing to link it to
            raise Invalid("the client is gone (deleted meanwhile)", code="link_client_gone")
        mailbox = found[0].contact_email
        if not mailbox:
            raise Invalid(
                "the client has no contact e-mail address to link as its mailbox",
                code="link_o365_no_contact",
            )  # fmt: skip
        try:
            mailbox_user = self.signin.mailbox_user(tenant, mailbox)
        except SignInError as exc:
            raise Invalid(
                f"the mailbox could not be checked: {exc}", code="link_o365_mailbox_unchecked"
            ) from None
        if mailbox_user is None:
            raise Invalid(
                f"{mailbox} is not a mailbox of the Microsoft 365 organisation the administrator "
                "signed in to: set the client's contact e-mail to one of its mailboxes",
                code="link_o365_not_a_mailbox", params={"mailbox": mailbox},
            )  # fmt: skip
        if not signer.may_link(mailbox_user):
            # any user of a consenting organisation can sign in: only the mailbox's own user
            # or an administrator of the organisation's mail may hand the mailbox to a client
            raise Invalid(
                f"{signer.user or 'the person who signed in'} may not link {mailbox}: sign in as "
                "that mailbox's user, or as a Global or Exchange administrator of the organisation",
                code="link_o365_user_may_not" if signer.user else "link_o365_signer_may_not",
                params={"user": signer.user or "", "mailbox": mailbox},
            )  # fmt: skip
        link = GraphLink(pending.client_id, tenant, mailbox, self.clock.now())
        try:
            self.links.save_graph(link)
        except MailboxTaken as taken:
            self._dispute(link, taken)
            raise Invalid(
                f"{mailbox} is linked by another client already; the operator has been asked "
                "to resolve it",
                code="link_o365_mailbox_taken",
                params={"mailbox": mailbox},
            ) from None
        if self.forget is not None:
            self.forget(pending.client_id)
        return link

    def unlink(self, client_id: str, actor: str) -> GraphLink | None:
        """Let go of the client's own mailbox (None: there was no link; unlinking twice is
        harmless). The link row and the mailbox's owner row go, so another client (of
        another tenant, say the rightful owner of a ``mailbox_dispute``) can link it next;
        this instance forgets the tenant it cached for the client and the tenant's token
        (other instances within their 60-second tenant cache, :mod:`graph_tenants`); the
        mailbox's delta round starts afresh. Mail already accepted by Graph is ``sent`` in
        the outbox and never sent again; what is still queued goes out the way it did
        before the link. Audited (client and agency) before anything is removed, so a
        failure half-way leaves a retry that finds the link and finishes."""
        found = self.repos.clients.get(client_id)
        if found is None:
            raise NotFound("no such client")
        client = found[0]
        link = self.links.graph(client_id)
        if link is None:
            return None
        if self.audit is not None:
            for tenant in (None, client_id):
                self.audit(Event.MAILBOX_UNLINKED, agency_id=client.agency_id, client_id=tenant,
                           actor=actor, subject=client_id, tenant=link.tenant_id,
                           mailbox=link.mailbox or "")  # fmt: skip
        self.links.unlink(client_id, "graph")
        if self.forget is not None:
            self.forget(client_id)
        if self.drop_tenant is not None:
            self.drop_tenant(link.tenant_id)
        if link.mailbox and self.reset_inbox is not None:
            self.reset_inbox(link.mailbox)
        return link

    def _dispute(self, link: GraphLink, taken: MailboxTaken) -> None:
        """Two clients claim one mailbox: neither is told about the other, the operator decides."""
        now = self.clock.now()
        self.repos.actions.add(ActionItem(
            PLATFORM_SCOPE, time_ordered_id(now), "mailbox_dispute",
            "A mailbox is linked by a second client", now,
            detail={"mailbox": taken.mailbox, "tenant": link.tenant_id,
                    "claimant_client": link.client_id, "owner_client": taken.owner},
        ))  # fmt: skip

    def _prove(self, tenant: str) -> None:
        """An app-only token from the tenant, or the identity platform's refusal."""
        assert self.prove_consent is not None
        for wait in (*self.consent_retry_seconds, None):
            try:
                self.prove_consent(tenant)
                return
            except PermanentSendError:
                if wait is None:
                    raise
                time.sleep(wait)
