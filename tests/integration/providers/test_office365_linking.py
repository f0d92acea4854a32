"""A client links its own Office 365 mailbox by admin consent to Inning's multi-tenant app,
against a stand-in of the Microsoft identity platform (admin consent redirect, OIDC
discovery and client-credentials tokens per tenant, where only a consenting tenant issues
one) and Graph ``sendMail``."""

from __future__ import annotations

import ssl
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import requests

from shared.adapters.channels.graph_tenants import PerTenantGraphMail
from shared.domain.messaging import Channel, MessageContent, OutboundMessage, PermanentSendError
from shared.services.errors import Invalid
from shared.services.linking.office365 import Office365Linking
from tests.support.stand_in import Received, Reply, serve
from tests.support.tls import self_signed
from tests.unit.api.conftest import client_row, world  # noqa: F401 - the fixture

BAKKERIJ = "6f1c2d3e-0000-4000-8000-000000000001"
SLAGERIJ = "6f1c2d3e-0000-4000-8000-000000000002"
STRANGER = "6f1c2d3e-0000-4000-8000-0000000000ff"  # a tenant that never consented


class IdentityAndGraph:
    def __init__(self) -> None:
        self.base = ""
        self.consented = {BAKKERIJ, SLAGERIJ}
        self.mailbox_tenant = {
            "facturen@bakkerij.example": BAKKERIJ,
            "boekhouding@slagerij.example": SLAGERIJ,
        }
        self.tokens: list[str] = []
        self.not_yet: dict[
            str, int
        ] = {}  # tenant -> token requests refused before the consent lands

    def __call__(self, r: Received) -> Reply:
        parts = r.path.strip("/").split("/")
        if r.path.endswith("/v2.0/.well-known/openid-configuration"):
            tenant = parts[0]
            return Reply(body={"token_endpoint": f"{self.base}/{tenant}/oauth2/v2.0/token",
                               "authorization_endpoint": f"{self.base}/{tenant}/oauth2/v2.0/authorize",
                               "issuer": f"{self.base}/{tenant}/v2.0"})  # fmt: skip
        if r.path.endswith("/oauth2/v2.0/token"):
            tenant, form = parts[0], r.form()
            assert form["grant_type"] == "client_credentials"
            assert form["scope"] == f"{self.base}/.default"  # the Graph root's default scope
            if form.get("client_id") != "inning-app" or form.get("client_secret") != "app-secret":
                return Reply(
                    401,
                    {
                        "error": "invalid_client",
                        "error_description": "AADSTS7000215: Invalid client secret",
                    },
                )
            if self.not_yet.get(tenant, 0) > 0:
                self.not_yet[tenant] -= 1
                tenant_unknown = True
            else:
                tenant_unknown = tenant not in self.consented
            if tenant_unknown:
                return Reply(400, {"error": "unauthorized_client", "error_description":
                                   f"AADSTS700016: Application with identifier 'inning-app' was not found in the directory '{tenant}'"})  # fmt: skip
            self.tokens.append(tenant)
            return Reply(
                body={"token_type": "Bearer", "expires_in": 3599, "access_token": f"tok-{tenant}"}
            )
        if r.path.endswith("/sendMail"):
            mailbox = parts[-2]
            if r.headers.get("authorization") != f"Bearer tok-{self.mailbox_tenant.get(mailbox)}":
                return Reply(
                    403, {"error": {"code": "ErrorAccessDenied", "message": "Access is denied."}}
                )
            return Reply(202)
        return Reply(404, {"error": {"code": "ResourceNotFound"}})


@pytest.fixture
def linked(world, tmp_path):  # noqa: F811
    cert, key = self_signed(tmp_path)
    fake = IdentityAndGraph()
    with serve(fake, tls=(cert, key)) as server:
        fake.base = server.url
        session = requests.Session()
        session.trust_env = False
        session.verify = str(cert)
        mail = PerTenantGraphMail(
            world.services.linked_accounts, client_id="inning-app", client_secret="app-secret",
            authority_host=server.url, graph_url=f"{server.url}/v1.0",
            channel_options={"http": httpx.Client(verify=ssl.create_default_context(cafile=str(cert))),
                             "msal_http_client": session},
        )  # fmt: skip
        linking = Office365Linking(
            world.services.repos, world.services.linked_accounts, world.clock,
            app_client_id="inning-app", public_base_url="https://inning.example",
            authority_host="https://login.microsoftonline.com",
            prove_consent=mail.prove_consent, forget=mail.forget, consent_retry_seconds=(0.01,),
        )  # fmt: skip
        a = world.agency_a
        a.call("POST", "/v1/clients", {"items": [
            client_row("C1", contact_email="facturen@bakkerij.example"),
            client_row("C2", contact_email="boekhouding@slagerij.example")]})  # fmt: skip
        ids = {n: world.services.repos.clients.id_for_number("agency-a", n) for n in ("C1", "C2")}
        yield fake, mail, linking, ids


def consent(linking: Office365Linking, client_id: str) -> dict[str, str]:
    url = urlsplit(linking.consent_url(client_id))
    assert (url.scheme, url.netloc, url.path) == (
        "https",
        "login.microsoftonline.com",
        "/organizations/v2.0/adminconsent",
    )
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert query["client_id"] == "inning-app"
    assert query["scope"] == "https://graph.microsoft.com/.default"
    assert query["redirect_uri"] == "https://inning.example/api/link/office365/callback"
    return query


def mail_for(client_id: str, sender: str) -> OutboundMessage:
    return OutboundMessage(client_id, "k-" + client_id, Channel.EMAIL, "D1", "debtor@example.nl",
                           datetime(2026, 11, 30, 9, tzinfo=UTC), sender=sender)  # fmt: skip


def test_each_client_sends_through_its_own_tenant_after_admin_consent(linked) -> None:
    fake, mail, linking, ids = linked
    for number, tenant in (("C1", BAKKERIJ), ("C2", SLAGERIJ)):
        state = consent(linking, ids[number])["state"]
        link = linking.callback({"admin_consent": "True", "tenant": tenant, "state": state,
                                 "scope": "https://graph.microsoft.com/Mail.Send"})  # fmt: skip
        assert link.tenant_id == tenant
    content = MessageContent(subject="Herinnering", text="Betaal a.u.b.")
    mail.send(mail_for(ids["C1"], "facturen@bakkerij.example"), content)
    mail.send(mail_for(ids["C2"], "boekhouding@slagerij.example"), content)
    # one MSAL app per tenant; the consent proof's token is reused from MSAL's cache
    assert sorted(set(fake.tokens)) == sorted([BAKKERIJ, SLAGERIJ])
    assert len(fake.tokens) == 2
    assert mail.links.tenant_of_mailbox("Facturen@Bakkerij.example") == BAKKERIJ


def test_a_state_works_once_and_only_for_its_provider(linked) -> None:
    _, _, linking, ids = linked
    state = consent(linking, ids["C1"])["state"]
    linking.callback({"admin_consent": "True", "tenant": BAKKERIJ, "state": state})
    with pytest.raises(Invalid, match="already used or expired"):
        linking.callback({"admin_consent": "True", "tenant": SLAGERIJ, "state": state})
    with pytest.raises(Invalid, match="already used or expired"):
        linking.callback({"admin_consent": "True", "tenant": BAKKERIJ, "state": "guessed"})
    assert linking.links.graph(ids["C1"]).tenant_id == BAKKERIJ  # type: ignore[union-attr]


def test_an_expired_state_is_refused(linked, world) -> None:  # noqa: F811
    _, _, linking, ids = linked
    state = consent(linking, ids["C1"])["state"]
    world.clock.advance(minutes=31)
    with pytest.raises(Invalid, match="expired"):
        linking.callback({"admin_consent": "True", "tenant": BAKKERIJ, "state": state})


def test_refused_consent_and_a_tenant_that_did_not_consent_link_nothing(linked) -> None:
    _, mail, linking, ids = linked
    state = consent(linking, ids["C1"])["state"]
    with pytest.raises(Invalid, match="The admin canceled the request"):
        linking.callback(
            {
                "error": "access_denied",
                "error_description": "The admin canceled the request",
                "state": state,
            }
        )
    state = consent(linking, ids["C1"])["state"]
    with pytest.raises(PermanentSendError, match="AADSTS700016"):
        linking.callback({"admin_consent": "True", "tenant": STRANGER, "state": state})
    assert linking.links.graph(ids["C1"]) is None
    with pytest.raises(PermanentSendError, match="has not linked its Office 365 mailbox"):
        mail.send(
            mail_for(ids["C1"], "facturen@bakkerij.example"), MessageContent(subject="x", text="y")
        )


def test_a_consent_that_takes_a_moment_to_land_is_waited_for(linked) -> None:
    fake, _, linking, ids = linked
    fake.not_yet[BAKKERIJ] = 1  # the first token request comes before the consent has spread
    state = consent(linking, ids["C1"])["state"]
    assert (
        linking.callback({"admin_consent": "True", "tenant": BAKKERIJ, "state": state}).tenant_id
        == BAKKERIJ
    )
    assert fake.not_yet[BAKKERIJ] == 0 and fake.tokens == [BAKKERIJ]
