"""A client's own Mollie account: Mollie Connect (OAuth authorize, token, refresh) or an API
key, kept in the secret store under the client's name, against a stand-in that speaks
Mollie's documented OAuth and Payments API (its payment and error documents are Mollie's
own, vendored in tests/fixtures/mollie/)."""

from __future__ import annotations

import base64
import copy
import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from shared.adapters.mollie import MollieClient
from shared.adapters.mollie_connect import ConnectedMollie, MollieOAuth
from shared.adapters.secrets.table_store import TableSecretStore
from shared.ports.secrets import client_secret_name
from shared.services.errors import Invalid
from shared.services.linking.mollie_accounts import MollieAccounts
from tests.conftest import MOLLIE
from tests.support.stand_in import Received, Reply, serve
from tests.unit.api.conftest import client_row, debtor_row, invoice_row, world  # noqa: F401

PAYMENT = json.loads((MOLLIE / "payment_single.json").read_text())
UNAUTHORIZED = json.loads((MOLLIE / "error_unauthorized.json").read_text())
GOOD_KEY = "live_" + "k" * 30


class FakeMollie:
    def __init__(self) -> None:
        self.payments: dict[str, dict[str, Any]] = {}
        self.access = 0
        self.rotate = False

    def __call__(self, r: Received) -> Reply:
        if r.path == "/oauth2/tokens":
            basic = base64.b64encode(b"app_inning:app-secret").decode()
            if r.headers.get("authorization") != f"Basic {basic}":
                return Reply(
                    401,
                    {
                        "error": "invalid_client",
                        "error_description": "Client authentication failed",
                    },
                )
            form = r.form()
            if form["grant_type"] == "authorization_code":
                if (
                    form.get("code") != "auth_good"
                    or form.get("redirect_uri") != "https://inning.example/api/link/mollie/callback"
                ):
                    return Reply(
                        400,
                        {
                            "error": "invalid_grant",
                            "error_description": "Authorization code is invalid or expired",
                        },
                    )
                return self._tokens("refresh_first")
            if form["grant_type"] == "refresh_token" and form.get("refresh_token", "").startswith(
                "refresh_"
            ):
                return self._tokens("refresh_rotated" if self.rotate else form["refresh_token"])
            return Reply(
                400, {"error": "invalid_grant", "error_description": "Refresh token is invalid"}
            )
        bearer = r.headers.get("authorization", "")
        connected = bearer.startswith("Bearer access_")
        if not connected and bearer != f"Bearer {GOOD_KEY}":
            return Reply(401, UNAUTHORIZED)
        if r.path == "/v2/profiles":
            return Reply(body={"count": 2, "_embedded": {"profiles": [
                {"resource": "profile", "id": "pfl_blocked", "status": "blocked"},
                {"resource": "profile", "id": "pfl_QkEhN94Ba", "status": "verified"}]}})  # fmt: skip
        if r.path == "/v2/organizations/me":
            return Reply(
                body={"resource": "organization", "id": "org_12345678", "name": "Bakkerij"}
            )
        if r.path == "/v2/methods":
            return Reply(
                body={"count": 1, "_embedded": {"methods": [{"resource": "method", "id": "ideal"}]}}
            )
        if r.path == "/v2/payments" and r.method == "POST":
            body = r.json()
            if connected and (body.get("profileId") != "pfl_QkEhN94Ba" or "testmode" not in body):
                return Reply(
                    422,
                    {
                        "status": 422,
                        "title": "Unprocessable Entity",
                        "detail": "The profile id is invalid",
                        "field": "profileId",
                    },
                )
            payment = copy.deepcopy(PAYMENT)
            for undone in ("amountChargedBack", "amountRefunded"):  # a fresh payment has none
                payment.pop(undone, None)
            payment.update(id=f"tr_conn{len(self.payments) + 1}", status="open", amount=body["amount"],
                           description=body["description"], metadata=body["metadata"], profileId=body.get("profileId"))  # fmt: skip
            self.payments[payment["id"]] = payment
            return Reply(201, payment)
        if r.path.startswith("/v2/payments/") and r.method == "GET":
            found = self.payments.get(r.path.rsplit("/", 1)[-1])
            return (
                Reply(body=found)
                if found
                else Reply(
                    404,
                    {"status": 404, "title": "Not Found", "detail": "No payment exists with token"},
                )
            )
        return Reply(404, {"status": 404, "title": "Not Found", "detail": "unknown path"})

    def _tokens(self, refresh: str) -> Reply:
        self.access += 1
        return Reply(body={"access_token": f"access_{self.access}", "refresh_token": refresh, "expires_in": 3600,
                           "token_type": "bearer", "scope": "payments.read payments.write refunds.read profiles.read organizations.read"})  # fmt: skip


@pytest.fixture
def mollie(world):  # noqa: F811
    fake = FakeMollie()
    with serve(fake) as server:
        http = httpx.Client()
        accounts = MollieAccounts(
            world.services.repos, world.services.linked_accounts, TableSecretStore(world.store), world.clock,
            public_base_url="https://inning.example",
            oauth=MollieOAuth("app_inning", "app-secret", authorize_url="https://my.mollie.com/oauth2/authorize",
                              api_url=server.url, http=http),
            api_url=f"{server.url}/v2", http=http,
        )  # fmt: skip
        world.services.online_payments.client_account = accounts.provider_for
        a = world.agency_a
        a.call("POST", "/v1/clients", {"items": [client_row("C1"), client_row("C2")]})
        a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
        a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row("F1", "D1")]})
        principal = world.services.access.authenticate(a.key)
        clients = {n: world.services.access.client_for(principal, n) for n in ("C1", "C2")}
        yield fake, server, accounts, clients


def authorize(accounts: MollieAccounts, client_id: str, testmode: bool = False) -> str:
    url = urlsplit(accounts.authorize_url(client_id, testmode=testmode))
    assert (url.netloc, url.path) == ("my.mollie.com", "/oauth2/authorize")
    q = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert q["client_id"] == "app_inning" and q["response_type"] == "code"
    assert q["redirect_uri"] == "https://inning.example/api/link/mollie/callback"
    assert {"payments.read", "payments.write", "profiles.read"} <= set(q["scope"].split(" "))
    return q["state"]


def test_mollie_connect_links_pays_and_refreshes(mollie, world) -> None:  # noqa: F811
    fake, server, accounts, clients = mollie
    c1 = clients["C1"]
    link = accounts.callback({"code": "auth_good", "state": authorize(accounts, c1.client_id)})
    assert (link.mode, link.profile_id, link.organization_id, link.testmode) == (
        "connect",
        "pfl_QkEhN94Ba",
        "org_12345678",
        False,
    )
    secret = client_secret_name(c1.client_id, "mollie-refresh-token")
    assert accounts.secrets.get(secret) == "refresh_first"
    # the refresh token lives in the secret store only, never in the link table
    assert "refresh_first" not in json.dumps(
        [r.data for r in world.store.query("LinkedAccounts").rows], default=str
    )

    online = world.services.online_payments
    started = online.start(c1, "D1", ["F1"], "https://inning.example/api/portal/return/x")
    assert not started.simulated and started.payment_id == "tr_conn1"
    created = server.requests("POST", "/v2/payments")[0]
    assert created.headers["authorization"] == "Bearer access_1"
    assert created.json()["profileId"] == "pfl_QkEhN94Ba" and created.json()["testmode"] is False

    # an hour later Mollie calls the webhook; the token has expired and is refreshed (rotated)
    fake.payments["tr_conn1"]["status"] = "paid"
    fake.rotate = True
    world.clock.advance(hours=2)
    online.webhook("tr_conn1")
    (job,) = world.services.queues.take("mollie-webhook")
    assert online.process(json.loads(job.body)["id"]) == "paid"
    fetched = server.requests("GET", "/v2/payments/tr_conn1")[-1]
    assert fetched.headers["authorization"] == "Bearer access_2"
    assert accounts.secrets.get(secret) == "refresh_rotated"
    assert world.agency_a.call("GET", "/v1/clients/C1/invoices/F1").body["status"] == "paid"


def test_testmode_reads_with_testmode_and_a_state_works_once(mollie) -> None:
    _, server, accounts, clients = mollie
    state = authorize(accounts, clients["C2"].client_id, testmode=True)
    assert accounts.callback({"code": "auth_good", "state": state}).testmode is True
    with pytest.raises(Invalid, match="already used or expired"):
        accounts.callback({"code": "auth_good", "state": state})
    provider = accounts.provider_for(clients["C2"])
    assert isinstance(provider, ConnectedMollie)
    assert provider.get_payment("tr_unknown") is None
    assert server.requests("GET", "/v2/payments/tr_unknown")[0].query["testmode"] == ["true"]


def test_refused_authorisation_and_a_bad_code_link_nothing(mollie) -> None:
    _, _, accounts, clients = mollie
    c1 = clients["C1"].client_id
    with pytest.raises(Invalid, match="refused"):
        accounts.callback(
            {
                "error": "access_denied",
                "error_description": "The user denied access",
                "state": authorize(accounts, c1),
            }
        )
    with pytest.raises(Invalid, match="invalid_grant") as refused:
        accounts.callback({"code": "auth_stolen", "state": authorize(accounts, c1)})
    assert refused.value.code == "link_mollie_exchange"
    assert accounts.links.mollie(c1) is None
    assert accounts.provider_for(clients["C1"]) is None


def test_an_api_key_is_checked_with_mollie_and_kept_under_the_clients_name(mollie, world) -> None:  # noqa: F811
    _, server, accounts, clients = mollie
    c1 = clients["C1"]
    with pytest.raises(Invalid, match="starts with live_ or test_"):
        accounts.set_api_key(c1.client_id, "sk_live_stripe_style_key_0000000")
    with pytest.raises(Invalid, match="does not accept this key"):
        accounts.set_api_key(c1.client_id, "live_" + "x" * 30)
    assert accounts.secrets.get(client_secret_name(c1.client_id, "mollie-key")) is None
    link = accounts.set_api_key(c1.client_id, GOOD_KEY)
    assert (link.mode, link.testmode) == ("api_key", False)
    assert accounts.secrets.get(client_secret_name(c1.client_id, "mollie-key")) == GOOD_KEY
    provider = accounts.provider_for(c1)
    assert isinstance(provider, MollieClient) and not isinstance(provider, ConnectedMollie)
    world.services.online_payments.start(c1, "D1", ["F1"], "https://inning.example/r")
    assert (
        server.requests("POST", "/v2/payments")[-1].headers["authorization"] == f"Bearer {GOOD_KEY}"
    )
    assert "profileId" not in server.requests("POST", "/v2/payments")[-1].json()
    # another client of the same agency is untouched: no link, so no provider of its own
    assert accounts.provider_for(clients["C2"]) is None
    accounts.unlink(c1.client_id)
    assert accounts.provider_for(c1) is None
    assert accounts.secrets.get(client_secret_name(c1.client_id, "mollie-key")) is None


def _callback_page(accounts, world, monkeypatch, params, accept_language):  # noqa: F811
    """The page the client's browser shows after Mollie: the HTTP function, as the host runs it."""
    import azure.functions as func

    from functions.linking import link_mollie_callback
    from shared import bootstrap
    from tools.devhost.invoke import LocalContext

    world.services.__dict__["mollie_accounts"] = accounts
    monkeypatch.setattr(bootstrap, "_services", world.services)
    request = func.HttpRequest("GET", "http://localhost/api/link/mollie/callback", body=b"",
                               headers={"Accept-Language": accept_language}, params=params)  # fmt: skip
    reply = link_mollie_callback.build().get_user_function()(
        request, context=LocalContext("link_mollie_callback")
    )
    return reply.status_code, reply.get_body().decode()


def test_callback_page_in_browsers_language(mollie, world, monkeypatch) -> None:  # noqa: F811
    """words10: denied access, a code Mollie will not exchange and a replayed state, in Dutch
    (the default) and English; a link made says so in Dutch."""
    _, _, accounts, clients = mollie
    c1 = clients["C1"].client_id
    denied = {"error": "access_denied", "error_description": "The user denied access"}
    status, page = _callback_page(
        accounts, world, monkeypatch, {**denied, "state": authorize(accounts, c1)}, ""
    )
    assert status == 400 and "<h1>Mollie-account niet gekoppeld</h1>" in page
    assert "De toegang is bij Mollie geweigerd (Mollie meldt: access_denied)." in page
    assert "denied access" not in page
    status, page = _callback_page(
        accounts, world, monkeypatch, {**denied, "state": authorize(accounts, c1)}, "en-US"
    )
    assert status == 400 and "Access was refused at Mollie (Mollie says: access_denied)." in page
    stolen = {"code": "auth_stolen", "state": authorize(accounts, c1)}
    status, page = _callback_page(accounts, world, monkeypatch, stolen, "nl-BE")
    assert (
        status == 400
        and "Mollie wisselde de autorisatiecode niet in (verlopen of al gebruikt)" in page
    )
    assert "invalid_grant" not in page and "refused the token request" not in page
    _, page = _callback_page(accounts, world, monkeypatch, stolen, "nl")  # the state is spent
    assert "Deze koppeling is onbekend, al gebruikt of verlopen: begin opnieuw." in page
    assert accounts.links.mollie(c1) is None
    good = {"code": "auth_good", "state": authorize(accounts, c1)}
    status, page = _callback_page(accounts, world, monkeypatch, good, "nl")
    assert status == 200 and "<h1>Mollie-account gekoppeld</h1>" in page
