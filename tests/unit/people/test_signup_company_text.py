"""attack18 F1: the sign-up form put a stranger's own text into mails from Inning's sender.

The company name was kept as typed (``strip()[:200]``) and written into the verification mail
to any address, then into the invitation once a mail scanner opened the link: "Inning Incasso
/ LET OP: dossier 2026-114 staat open (EUR 412,50). Betaal vandaag via https://inning-betalen
.example/d/2026-114 ..." read as Inning's own paragraphs. Now a company name is one line of
printable text without a link (``signup_company_text``): refused before anything is kept or
mailed, in the page's language."""

from __future__ import annotations

import html

import pytest

from shared.adapters.tables.people_repo import SIGNUPS
from shared.api.console.app import ConsoleApp
from shared.api.http import ApiRequest
from shared.services.errors import Invalid
from tests.unit.api.conftest import World
from tests.unit.people.test_accounts import _defaults, _outbox

PHISHING = (
    "Inning Incasso\n\nLET OP: dossier 2026-114 staat open (EUR 412,50). Betaal vandaag via "
    "https://inning-betalen.example/d/2026-114 om beslag te voorkomen."
)


def _open(world: World) -> None:
    world.services.people._signup_agency = "agency-a"  # type: ignore[attr-defined]
    _defaults(world)


def _sign_up(world: World, company: str) -> None:
    world.services.people.onboarding.sign_up(
        company, "87654321", "iemand@bedrijf.example", "0612345678", "nl", "10.0.0.9"
    )


@pytest.mark.parametrize(
    "company",
    [
        PHISHING,
        "Inning Incasso\r\nBetaal direct",  # a line break alone
        "Jansen B.V. - zie https://betalen.example",
        "Jansen B.V. www.betalen.example",
        "Jansen B.V. betalen.example/d/2026-114",
        "Belastingdienst \u202egnilatab\u202c B.V.",  # a direction override
        "Jansen\x07 B.V.",
    ],
)
def test_a_company_name_with_lines_or_a_link_is_refused_and_nothing_mailed(world, company):
    _open(world)
    with pytest.raises(Invalid) as refused:
        _sign_up(world, company)
    assert refused.value.code == "signup_company_text"
    assert refused.value.field == "company"
    assert world.services.people.kit.sent == []
    assert world.store.query(SIGNUPS, pk="signup").rows == []  # nothing kept either


@pytest.mark.parametrize("company", ["Bol.com B.V.", "Jansen & Zn. B.V.", "Bakkerij 't Stoepje"])
def test_a_company_name_of_one_line_goes_into_the_mail(world, company):
    _open(world)
    _sign_up(world, company)
    (key,) = world.services.people.kit.sent
    message, content = _outbox(world, "@signup.agency-a", key)
    assert message.to == "iemand@bedrijf.example"
    assert f"de aanmelding van {company} via deze link" in content.text


def test_the_sign_up_page_says_why_in_dutch(world):
    _open(world)
    app = ConsoleApp(world.services)
    page = app.handle(ApiRequest("GET", "/signup", {}, {"lang": "nl"}, b""))
    cookie = page.headers.get("Set-Cookie", "").split(";")[0]
    token = html.unescape(page.encoded().decode()).split('name="csrf" value="')[1].split('"')[0]
    from urllib.parse import urlencode

    body = urlencode({"csrf": token, "company": PHISHING, "kvk": "87654321",
                      "email": "iemand@bedrijf.example", "mobile": "0612345678"}).encode()  # fmt: skip
    headers = {"content-type": "application/x-www-form-urlencoded", "cookie": cookie}
    answer = app.handle(ApiRequest("POST", "/signup", headers, {"lang": "nl"}, body))
    shown = html.unescape(answer.encoded().decode())
    assert answer.status == 400, shown[:400]
    assert "Geef de bedrijfsnaam op één regel, zonder link." in shown
    assert world.services.people.kit.sent == []
