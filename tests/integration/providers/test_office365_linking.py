"""A client links its own Office 365 mailbox by admin consent to Inning's multi-tenant app and
its administrator's sign-in (OpenID Connect code flow with PKCE), against a stand-in of the
Microsoft identity platform (tests/support/identity_platform.py: admin consent redirect,
authorize, token with PKCE, JWKS and signed ID tokens, client-credentials tokens only from a
consenting tenant) and Graph (``GET /users/{mailbox}``, ``sendMail``). The tenant comes from the
validated ID token, never from the consent redirect (attack2 finding 2)."""

from __future__ import annotations

import ssl
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import requests

from shared.adapters.channels.graph_tenants import PerTenantGraphMail
from shared.adapters.identity.microsoft_signin import MicrosoftSignIn, SignInError, pkce_pair
from shared.domain.messaging import Channel, MessageContent, OutboundMessage, PermanentSendError
from shared.services.errors import Invalid
from shared.services.linking.office365 import Office365Linking, SignInRedirect
from shared.services.poison import PLATFORM_SCOPE
from tests.support.identity_platform import APP_ID, APP_SECRET, REDIRECT_URI, IdentityPlatform
from tests.support.stand_in import serve
from tests.support.tls import self_signed
from tests.unit.api.conftest import client_row, world  # noqa: F401 - the fixture

BAKKERIJ = "6f1c2d3e-0000-4000-8000-000000000001"
SLAGERIJ = "6f1c2d3e-0000-4000-8000-000000000002"
STRANGER = "6f1c2d3e-0000-4000-8000-0000000000ff"  # a tenant that never consented
VICTIM = "6f1c2d3e-0000-4000-8000-0000000000aa"  # another agency's customer, consented too


@pytest.fixture
def linked(world, tmp_path):  # noqa: F811
    cert, key = self_signed(tmp_path)
    fake = IdentityPlatform(
        consented={BAKKERIJ, SLAGERIJ, VICTIM},
        mailbox_tenant={"facturen@bakkerij.example": BAKKERIJ,
                        "boekhouding@slagerij.example": SLAGERIJ,
                        "facturen@victim.example": VICTIM},
        admins={"admin@bakkerij.example", "admin@slagerij.example", "admin@victim.example",
                "admin@stranger.example"},
    )  # fmt: skip
    with serve(fake, tls=(cert, key)) as server:
        fake.base = server.url
        session = requests.Session()
        session.trust_env = False
        session.verify = str(cert)
        http = httpx.Client(verify=ssl.create_default_context(cafile=str(cert)))
        mail = PerTenantGraphMail(
            world.services.linked_accounts, client_id=APP_ID, client_secret=APP_SECRET,
            authority_host=server.url, graph_url=f"{server.url}/v1.0",
            channel_options={"http": http, "msal_http_client": session},
        )  # fmt: skip
        signin = MicrosoftSignIn(client_id=APP_ID, client_secret=APP_SECRET, authority_host=server.url,
                                 graph_url=f"{server.url}/v1.0", http=http)  # fmt: skip
        linking = Office365Linking(
            world.services.repos, world.services.linked_accounts, world.clock,
            app_client_id=APP_ID, public_base_url="https://inning.example",
            authority_host="https://login.microsoftonline.com", signin=signin,
            prove_consent=mail.prove_consent, forget=mail.forget, consent_retry_seconds=(0.01,),
        )  # fmt: skip
        a = world.agency_a
        a.call("POST", "/v1/clients", {"items": [
            client_row("C1", contact_email="facturen@bakkerij.example"),
            client_row("C2", contact_email="boekhouding@slagerij.example")]})  # fmt: skip
        ids = {n: world.services.repos.clients.id_for_number("agency-a", n) for n in ("C1", "C2")}
        yield fake, mail, linking, ids, http


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


def sign_in(
    linking: Office365Linking,
    fake: IdentityPlatform,
    http: httpx.Client,
    client_id: str,
    *,
    user: str,
    tenant: str,
    tenant_param: str | None = None,
) -> dict[str, str]:
    """Consent (the redirect names ``tenant_param``, which anyone can edit), then the browser's
    sign-in at the identity platform as ``user`` of ``tenant``: the second callback's query."""
    state = consent(linking, client_id)["state"]
    go = linking.callback(
        {"admin_consent": "True", "tenant": tenant_param or tenant, "state": state}
    )
    assert isinstance(go, SignInRedirect)
    fake.signed_in = (user, tenant)
    back = http.get(go.url)
    assert back.status_code == 302
    location = urlsplit(back.headers["location"])
    assert f"https://{location.netloc}{location.path}" == REDIRECT_URI
    return {k: v[0] for k, v in parse_qs(location.query).items()}


def link(
    linking: Office365Linking,
    fake: IdentityPlatform,
    http: httpx.Client,
    client_id: str,
    *,
    user: str,
    tenant: str,
    tenant_param: str | None = None,
) -> object:
    return linking.callback(sign_in(linking, fake, http, client_id, user=user, tenant=tenant,
                                    tenant_param=tenant_param))  # fmt: skip


def test_each_client_sends_through_its_own_tenant_after_consent_and_sign_in(linked) -> None:
    fake, mail, linking, ids, http = linked
    for number, user, tenant in (("C1", "admin@bakkerij.example", BAKKERIJ),
                                 ("C2", "admin@slagerij.example", SLAGERIJ)):  # fmt: skip
        got = link(linking, fake, http, ids[number], user=user, tenant=tenant)
        assert got.tenant_id == tenant  # type: ignore[attr-defined]
    before = len(fake.tokens)
    content = MessageContent(subject="Herinnering", text="Betaal a.u.b.")
    mail.send(mail_for(ids["C1"], "facturen@bakkerij.example"), content)
    mail.send(mail_for(ids["C2"], "boekhouding@slagerij.example"), content)
    # one MSAL app per tenant; the consent proof's token is reused from MSAL's cache
    assert len(fake.tokens) == before
    assert mail.links.tenant_of_mailbox("Facturen@Bakkerij.example") == BAKKERIJ
    assert mail.links.owner_of_mailbox("facturen@bakkerij.example") == (BAKKERIJ, ids["C1"])


def test_the_consent_redirects_tenant_is_not_trusted(linked, world) -> None:  # noqa: F811
    """attack2 finding 2: agency A points its client C1 at another customer's mailbox and
    edits the consent callback's tenant to that customer's. The sign-in's ID token says the
    administrator belongs to A's own tenant, where that mailbox does not exist: nothing links."""
    fake, mail, linking, ids, http = linked
    world.agency_a.call("POST", "/v1/clients", {"items": [
        client_row("C1", contact_email="facturen@victim.example")]})  # fmt: skip
    with pytest.raises(Invalid, match="is not a mailbox of the Microsoft 365 organisation"):
        link(linking, fake, http, ids["C1"], user="mallory@bakkerij.example", tenant=BAKKERIJ,
             tenant_param=VICTIM)  # fmt: skip
    assert linking.links.graph(ids["C1"]) is None
    assert mail.links.owner_of_mailbox("facturen@victim.example") is None
    # the honest link of the same client to its own tenant still works
    world.agency_a.call("POST", "/v1/clients", {"items": [
        client_row("C1", contact_email="facturen@bakkerij.example")]})  # fmt: skip
    got = link(linking, fake, http, ids["C1"], user="admin@bakkerij.example", tenant=BAKKERIJ,
               tenant_param=VICTIM)  # fmt: skip
    assert got.tenant_id == BAKKERIJ  # type: ignore[attr-defined]


def test_only_the_mailboxs_user_or_a_mail_administrator_may_link_it(linked, world) -> None:  # noqa: F811
    """today3 finding 1: any user of an organisation that consented can sign in. An intern of
    the victim's organisation links nothing; the mailbox's own user and an administrator do."""
    fake, mail, linking, ids, http = linked
    world.agency_a.call("POST", "/v1/clients", {"items": [
        client_row("C1", contact_email="facturen@victim.example")]})  # fmt: skip
    with pytest.raises(Invalid, match=r"may not link facturen@victim\.example"):
        link(linking, fake, http, ids["C1"], user="intern@victim.example", tenant=VICTIM)
    assert linking.links.graph(ids["C1"]) is None
    assert mail.links.owner_of_mailbox("facturen@victim.example") is None
    got = link(linking, fake, http, ids["C1"], user="Facturen@victim.example", tenant=VICTIM)
    assert got.tenant_id == VICTIM  # type: ignore[attr-defined]
    linking.links.unlink(ids["C1"], "graph")
    got = link(linking, fake, http, ids["C1"], user="admin@victim.example", tenant=VICTIM)
    assert got.tenant_id == VICTIM  # type: ignore[attr-defined]


def test_a_mailbox_linked_by_another_client_stays_theirs(linked, world) -> None:  # noqa: F811
    fake, mail, linking, ids, http = linked
    link(linking, fake, http, ids["C1"], user="admin@bakkerij.example", tenant=BAKKERIJ)
    world.agency_a.call("POST", "/v1/clients", {"items": [
        client_row("C2", contact_email="facturen@bakkerij.example")]})  # fmt: skip
    with pytest.raises(Invalid, match="linked by another client already"):
        link(linking, fake, http, ids["C2"], user="admin@bakkerij.example", tenant=BAKKERIJ)
    assert mail.links.owner_of_mailbox("facturen@bakkerij.example") == (BAKKERIJ, ids["C1"])
    assert linking.links.graph(ids["C2"]) is None
    [item] = world.services.repos.actions.list(PLATFORM_SCOPE)[0]
    assert item.kind == "mailbox_dispute" and item.detail["owner_client"] == ids["C1"]
    # relinking one's own mailbox is no dispute; unlinking frees it
    link(linking, fake, http, ids["C1"], user="admin@bakkerij.example", tenant=BAKKERIJ)
    linking.links.unlink(ids["C1"], "graph")
    assert mail.links.owner_of_mailbox("facturen@bakkerij.example") is None


@pytest.mark.parametrize("tamper", ["key", "aud", "nonce", "expired", "tid"])
def test_an_id_token_that_does_not_hold_up_links_nothing(linked, tamper) -> None:
    fake, _, linking, ids, http = linked
    fake.tamper = tamper
    with pytest.raises(Invalid, match="the sign-in could not be verified"):
        link(linking, fake, http, ids["C1"], user="admin@bakkerij.example", tenant=BAKKERIJ)
    assert linking.links.graph(ids["C1"]) is None


def test_the_code_needs_its_pkce_verifier_and_works_once(linked) -> None:
    fake, _, linking, ids, http = linked
    back = sign_in(linking, fake, http, ids["C1"], user="admin@bakkerij.example", tenant=BAKKERIJ)
    signin = linking.signin
    assert signin is not None
    wrong, _ = pkce_pair()
    with pytest.raises(SignInError, match="AADSTS501481"):
        signin.redeem(back["code"], REDIRECT_URI, wrong, "n")
    with pytest.raises(SignInError, match="AADSTS54005"):  # the code is spent
        signin.redeem(back["code"], REDIRECT_URI, wrong, "n")
    with pytest.raises(Invalid, match=r"could not be verified: .*AADSTS54005"):
        linking.callback(back)
    with pytest.raises(Invalid, match="already used or expired"):  # and its state too
        linking.callback(back)


def test_a_state_works_once_and_only_for_its_provider(linked) -> None:
    _, _, linking, ids, _ = linked
    state = consent(linking, ids["C1"])["state"]
    assert isinstance(linking.callback({"admin_consent": "True", "tenant": BAKKERIJ, "state": state}),
                      SignInRedirect)  # fmt: skip
    with pytest.raises(Invalid, match="already used or expired"):
        linking.callback({"admin_consent": "True", "tenant": SLAGERIJ, "state": state})
    with pytest.raises(Invalid, match="already used or expired"):
        linking.callback({"admin_consent": "True", "tenant": BAKKERIJ, "state": "guessed"})
    assert linking.links.graph(ids["C1"]) is None


def test_an_expired_state_is_refused(linked, world) -> None:  # noqa: F811
    fake, _, linking, ids, http = linked
    back = sign_in(linking, fake, http, ids["C1"], user="admin@bakkerij.example", tenant=BAKKERIJ)
    world.clock.advance(minutes=31)
    with pytest.raises(Invalid, match="expired"):
        linking.callback(back)


def test_refusals_and_a_tenant_that_did_not_consent_link_nothing(linked) -> None:
    fake, mail, linking, ids, http = linked
    state = consent(linking, ids["C1"])["state"]
    with pytest.raises(Invalid, match="The admin canceled the request"):
        linking.callback({"error": "access_denied", "error_description": "The admin canceled the request",
                          "state": state})  # fmt: skip
    fake.signed_in = None  # the administrator cancels the sign-in
    state = consent(linking, ids["C1"])["state"]
    go = linking.callback({"admin_consent": "True", "state": state})
    back = {
        k: v[0] for k, v in parse_qs(urlsplit(http.get(go.url).headers["location"]).query).items()
    }  # type: ignore[union-attr]
    with pytest.raises(Invalid, match="did not sign in: The user canceled"):
        linking.callback(back)
    fake.mailbox_tenant["facturen@bakkerij.example"] = STRANGER
    with pytest.raises(Invalid, match=r"consent could not be proven: .*AADSTS700016") as refused:
        link(linking, fake, http, ids["C1"], user="admin@stranger.example", tenant=STRANGER)
    assert refused.value.code == "link_o365_consent_unproven"
    assert linking.links.graph(ids["C1"]) is None
    with pytest.raises(PermanentSendError, match="has not linked its Office 365 mailbox"):
        mail.send(
            mail_for(ids["C1"], "facturen@bakkerij.example"), MessageContent(subject="x", text="y")
        )


def test_the_stand_in_refuses_an_authorize_request_without_pkce(linked) -> None:
    fake, _, _, _, http = linked
    fake.signed_in = ("admin@bakkerij.example", BAKKERIJ)
    q = {"client_id": APP_ID, "response_type": "code", "redirect_uri": REDIRECT_URI,
         "scope": "openid profile", "state": "s", "nonce": "n"}  # fmt: skip
    back = http.get(f"{fake.base}/organizations/oauth2/v2.0/authorize", params=q)
    assert back.status_code == 302 and "error=invalid_request" in back.headers["location"]
    assert "code=" not in back.headers["location"]


def test_a_consent_that_takes_a_moment_to_land_is_waited_for(linked) -> None:
    fake, _, linking, ids, http = linked
    fake.not_yet[BAKKERIJ] = 1  # the first token request comes before the consent has spread
    got = link(linking, fake, http, ids["C1"], user="admin@bakkerij.example", tenant=BAKKERIJ)
    assert got.tenant_id == BAKKERIJ  # type: ignore[attr-defined]
    assert fake.not_yet[BAKKERIJ] == 0 and fake.tokens[0] == BAKKERIJ


def test_a_linked_client_sends_only_as_its_linked_mailbox(linked) -> None:
    """The link was checked for one mailbox: a contact e-mail changed afterwards (another
    mailbox of the same organisation) is not sent from until the mailbox is linked again."""
    fake, mail, linking, ids, http = linked
    link(linking, fake, http, ids["C1"], user="admin@bakkerij.example", tenant=BAKKERIJ)
    content = MessageContent(subject="Herinnering", text="Betaal a.u.b.")
    mail.send(mail_for(ids["C1"], "Facturen@Bakkerij.example"), content)
    with pytest.raises(PermanentSendError, match="link the mailbox again"):
        mail.send(mail_for(ids["C1"], "directie@bakkerij.example"), content)


def test_the_agencys_plan_mail_goes_from_the_agencys_mailbox_through_its_tenant(linked) -> None:
    """plans27: an agency's payment plan speaks for the agency (review26 F5: its notices went
    from the client's mailbox). Marked ``SENT_AS`` agency, the mail of client C1 (linked to
    its own mailbox) goes from the agency's mailbox through the agency's tenant
    (``GRAPH_TENANT_ID``), or from the client's mailbox where none is set; unmarked, that
    sender is refused as before."""
    from dataclasses import replace

    from shared.domain.messaging import AS_AGENCY, SENT_AS

    fake, mail, linking, ids, http = linked
    link(linking, fake, http, ids["C1"], user="admin@bakkerij.example", tenant=BAKKERIJ)
    content = MessageContent(subject="Uw betalingsregeling", text="Met vriendelijke groet")
    desk = mail_for(ids["C1"], "boekhouding@slagerij.example")  # the agency's (its tenant)
    # no agency tenant configured: from the client's linked mailbox, as before (accepted)
    mail.send(replace(desk, extra={SENT_AS: AS_AGENCY}), content)
    mail.default_tenant = SLAGERIJ  # the agency's own tenant
    # accepted: the stand-in answers 403 to a token of another tenant than the mailbox's
    mail.send(replace(desk, extra={SENT_AS: AS_AGENCY}), content)
    with pytest.raises(PermanentSendError, match="link the mailbox again"):
        mail.send(desk, content)  # the client's own mail still only as its linked mailbox


def test_unlinking_sends_as_before_the_link_and_frees_the_mailbox_for_another_tenant(
    linked,
    world,  # noqa: F811
) -> None:
    """The client's admin unlinks: its mail no longer goes through its tenant (without an
    agency tenant it fails with "link the client's mailbox", as before linking), the tenant's
    cached token is let go, and the mailbox's rightful owner in another tenant links it."""
    fake, mail, _, ids, http = linked
    linking = Office365Linking(
        world.services.repos, world.services.linked_accounts, world.clock,
        app_client_id=APP_ID, public_base_url="https://inning.example", signin=mail_signin(fake, http),
        prove_consent=mail.prove_consent, forget=mail.forget, drop_tenant=mail.drop_tenant,
        consent_retry_seconds=(0.01,), audit=world.services.people.kit.audit,
    )  # fmt: skip
    link(linking, fake, http, ids["C1"], user="admin@bakkerij.example", tenant=BAKKERIJ)
    content = MessageContent(subject="Herinnering", text="Betaal a.u.b.")
    mail.send(mail_for(ids["C1"], "facturen@bakkerij.example"), content)
    assert BAKKERIJ in mail._channels
    assert linking.unlink(ids["C1"], "user-1") is not None
    assert (
        BAKKERIJ not in mail._channels
        and mail.links.owner_of_mailbox("facturen@bakkerij.example") is None
    )
    with pytest.raises(PermanentSendError, match="has not linked its Office 365 mailbox"):
        mail.send(mail_for(ids["C1"], "facturen@bakkerij.example"), content)
    assert linking.unlink(ids["C1"], "user-1") is None  # twice: harmless
    # the mailbox moves to another organisation (the rightful owner of a dispute, say)
    fake.mailbox_tenant["facturen@bakkerij.example"] = SLAGERIJ
    world.agency_a.call("POST", "/v1/clients", {"items": [
        client_row("C2", contact_email="facturen@bakkerij.example")]})  # fmt: skip
    got = link(linking, fake, http, ids["C2"], user="facturen@bakkerij.example", tenant=SLAGERIJ)
    assert got.tenant_id == SLAGERIJ  # type: ignore[attr-defined]
    assert mail.links.owner_of_mailbox("facturen@bakkerij.example") == (SLAGERIJ, ids["C2"])


def mail_signin(fake: IdentityPlatform, http: httpx.Client) -> MicrosoftSignIn:
    return MicrosoftSignIn(client_id=APP_ID, client_secret=APP_SECRET, authority_host=fake.base,
                           graph_url=f"{fake.base}/v1.0", http=http)  # fmt: skip


def _callback_page(linking, world, monkeypatch, params, accept_language):  # noqa: F811
    """The page the administrator's browser shows: the HTTP function, as the host runs it."""
    import azure.functions as func

    from functions.linking import link_office365_callback
    from shared import bootstrap
    from tools.devhost.invoke import LocalContext

    world.services.__dict__["office365"] = linking
    monkeypatch.setattr(bootstrap, "_services", world.services)
    request = func.HttpRequest("GET", "http://localhost/api/link/office365/callback", body=b"",
                               headers={"Accept-Language": accept_language}, params=params)  # fmt: skip
    reply = link_office365_callback.build().get_user_function()(
        request, context=LocalContext("link_office365_callback")
    )
    return reply.status_code, reply.get_body().decode()


def test_callback_page_in_browsers_language(linked, world, monkeypatch) -> None:  # noqa: F811
    """words10: the administrator who comes back from Microsoft reads Dutch (the default) or
    English (a browser asking English first), never the service's English on a Dutch page."""
    fake, _, linking, ids, http = linked
    denied = {"error": "access_denied", "error_description": "The admin canceled the request"}
    status, page = _callback_page(linking, world, monkeypatch,
                                  {**denied, "state": consent(linking, ids["C1"])["state"]}, "nl-NL,nl;q=0.9")  # fmt: skip
    assert status == 400 and "<html lang=nl>" in page
    assert "<h1>Mailbox niet gekoppeld</h1>" in page
    assert ("De beheerder van de Microsoft 365-organisatie heeft geen toestemming gegeven "
            "(Microsoft meldt: access_denied)") in page  # fmt: skip
    assert "canceled" not in page and "did not consent" not in page
    status, page = _callback_page(linking, world, monkeypatch,
                                  {**denied, "state": consent(linking, ids["C1"])["state"]}, "en-GB,en;q=0.8")  # fmt: skip
    assert status == 400 and "<h1>Mailbox not linked</h1>" in page
    assert "administrator did not consent (Microsoft says: access_denied)" in page
    # the state is spent: Microsoft's redirect replayed
    _, page = _callback_page(
        linking, world, monkeypatch, {"admin_consent": "True", "state": "forged"}, ""
    )
    assert "Deze koppeling is onbekend, al gebruikt of verlopen: begin opnieuw." in page
    # a tenant that never consented: Microsoft gives no token for it
    fake.mailbox_tenant["facturen@bakkerij.example"] = STRANGER
    back = sign_in(linking, fake, http, ids["C1"], user="admin@stranger.example", tenant=STRANGER)
    status, page = _callback_page(linking, world, monkeypatch, back, "nl")
    assert (
        status == 400
        and "Microsoft bevestigt de toestemming van deze organisatie (nog) niet" in page
    )
    assert "AADSTS" not in page
    # linked: said in Dutch too
    fake.mailbox_tenant["facturen@bakkerij.example"] = BAKKERIJ
    back = sign_in(linking, fake, http, ids["C1"], user="admin@bakkerij.example", tenant=BAKKERIJ)
    status, page = _callback_page(linking, world, monkeypatch, back, "nl")
    assert status == 200 and "<h1>Mailbox gekoppeld</h1>" in page
    assert linking.links.graph(ids["C1"]) is not None
