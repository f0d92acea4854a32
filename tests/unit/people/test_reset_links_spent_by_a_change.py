"""A password-reset link works only while the account is as it was when the link was mailed
(ASVS 5.0 6.4.1, single use and short lived; 7.4.3 a credential change ends what came before).
attack24 F5: two links of one hour, the first used, the second still set a password; a link
mailed before the person changed the password on the account page set one after it."""

from __future__ import annotations

import pytest

from shared.api.console.app import ConsoleApp
from shared.domain.people.authorisation import Role, Target
from shared.domain.people.passwords import verify_password
from shared.services.people.accounts import LinkInvalid
from tests.unit.api.conftest import World
from tests.unit.people.conftest import make_person, sign_in
from tests.unit.people.test_console_pages import Browser, csrf_of

EMAIL = "r@c1.example"


def _link(world: World, source: str) -> str:
    people = world.services.people
    people.accounts.reset_answer_seconds = 0.0
    before = len(people.kit.sent)
    people.accounts.request_reset(EMAIL, source)
    assert len(people.kit.sent) == before + 1
    found = people.kit.people.users.by_email(EMAIL)
    assert found is not None and found[0].client_id is not None
    text = world.services.messaging.content(found[0].client_id, people.kit.sent[-1]).text
    return text.split("/reset/")[1].split()[0].rstrip(".")


@pytest.fixture
def person(world, tenants):  # type: ignore[no-untyped-def]
    return make_person(world, Role.CLIENT_STAFF, Target("agency-a", tenants.c1), EMAIL)


def test_a_reset_spends_the_other_links_of_the_hour(world, person):
    accounts = world.services.people.accounts
    first, second = _link(world, "10.4.4.1"), _link(world, "10.4.4.2")
    world.clock.advance(minutes=1)
    accounts.complete_reset(first, "het eerste nieuwe wachtwoord", "10.0.0.1")
    world.clock.advance(minutes=5)
    with pytest.raises(LinkInvalid):
        accounts.complete_reset(second, "het tweede nieuwe wachtwoord", "10.0.0.2")
    page = Browser(ConsoleApp(world.services)).get(f"/reset/{second}")
    assert page.status == 410


def test_a_password_changed_on_the_account_page_spends_the_links_before(world, person):
    accounts = world.services.people.accounts
    mailed = _link(world, "10.4.4.3")
    world.clock.advance(minutes=1)
    signed = sign_in(world, person)
    accounts.change_password(signed, person.password, "mijn eigen nieuwe wachtwoord", "10.0.0.3")
    world.clock.advance(minutes=5)
    browser = Browser(ConsoleApp(world.services))
    assert browser.get(f"/reset/{mailed}").status == 410
    with pytest.raises(LinkInvalid):
        accounts.complete_reset(mailed, "wachtwoord van een ander", "10.6.6.6")
    kept = world.services.people.kit.people.users.get(person.user_id)[0]
    assert verify_password(kept.password_hash, "mijn eigen nieuwe wachtwoord")


def test_a_link_mailed_after_the_last_change_works(world, person):
    world.clock.advance(minutes=1)
    mailed = _link(world, "10.4.4.4")
    browser = Browser(ConsoleApp(world.services))
    page = browser.get(f"/reset/{mailed}")
    assert page.status == 200 and EMAIL.encode() in page.encoded()
    done = browser.post(
        f"/reset/{mailed}", {"password": "een goed nieuw wachtwoord", "csrf": csrf_of(page)}
    )
    assert done.status == 200
    user = world.services.people.kit.people.users.get(person.user_id)[0]
    assert verify_password(user.password_hash, "een goed nieuw wachtwoord")
