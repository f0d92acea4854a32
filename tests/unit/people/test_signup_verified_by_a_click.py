"""attack18 F2: a GET of the sign-up's verification link verified it. Mail scanners (Safe Links,
Mimecast, Proofpoint) fetch every link of an incoming mail, so a stranger's sign-up of any
company address was verified without its owner: the sandbox client was made under the
stranger's company name and the invitation mailed. Now the link's page asks for the click, and
only the click (a POST with the page's token) verifies."""

from __future__ import annotations

import html
import re

from shared.api.console.app import ConsoleApp
from shared.api.http import ApiRequest, ApiResponse
from tests.unit.api.conftest import World
from tests.unit.people.conftest import link_token
from tests.unit.people.test_accounts import _defaults, _link_in, _outbox

EMAIL = "iemand@bedrijf.example"


def _signed_up(world: World) -> str:
    world.services.people._signup_agency = "agency-a"  # type: ignore[attr-defined]
    _defaults(world)
    people = world.services.people
    people.onboarding.sign_up("Bedrijf B.V.", "87654321", EMAIL, "0612345678", "nl", "10.0.0.9")
    return link_token(_link_in(world, "@signup.agency-a", people.kit.sent[-1]))


def _made(world: World) -> bool:
    return world.services.repos.clients.id_for_number("agency-a", "SU-87654321") is not None


def _get(app: ConsoleApp, path: str) -> ApiResponse:
    return app.handle(ApiRequest("GET", path, {}, {"lang": "nl"}, b""))


def test_opening_the_link_verifies_nothing_until_the_click(world):
    token = _signed_up(world)
    people = world.services.people
    sent = len(people.kit.sent)
    app = ConsoleApp(world.services)

    # what a mail scanner does: fetch the link, twice, without cookies
    for _ in range(2):
        page = _get(app, f"/signup/{token}")
        shown = html.unescape(page.encoded().decode())
        assert page.status == 200, shown[:300]
        assert "Bevestig uw e-mailadres om de aanmelding van uw bedrijf af te ronden." in shown
        assert f'action="/api/console/signup/{token}"' in shown
    assert not _made(world)
    assert len(people.kit.sent) == sent  # no invitation

    # a post without the page's token (another site's form) verifies nothing either
    bare = ApiRequest("POST", f"/signup/{token}", {}, {"lang": "nl"}, b"csrf=x")
    assert app.handle(bare).status == 403
    assert not _made(world)

    # the person's click
    cookie = page.headers.get("Set-Cookie", "").split(";")[0]
    csrf = re.search(r'name="csrf" value="([^"]+)"', shown)
    assert csrf is not None
    headers = {"content-type": "application/x-www-form-urlencoded", "cookie": cookie}
    body = f"csrf={csrf.group(1)}".encode()
    done = app.handle(ApiRequest("POST", f"/signup/{token}", headers, {"lang": "nl"}, body))
    assert done.status == 200
    assert "Uw e-mailadres is bevestigd" in html.unescape(done.encoded().decode())
    assert _made(world)
    (invitation,) = people.kit.sent[sent:]
    client_id = world.services.repos.clients.id_for_number("agency-a", "SU-87654321")
    message, _ = _outbox(world, client_id, invitation)
    assert message.to == EMAIL


def test_a_spent_or_made_up_link_says_so_when_opened(world):
    _signed_up(world)
    assert _get(ConsoleApp(world.services), "/signup/made-up-token").status == 410
