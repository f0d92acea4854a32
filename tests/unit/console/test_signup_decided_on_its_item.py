"""agency21 F1, left: a sign-up waiting on the agency's list is approved or refused on its
item in the console, in one step. "Goedkeuren" is the API's approval (refused in Dutch, with
the way to add one, while the client has no bank account); "Weigeren" deactivates the sandbox
client and mails the person who signed up once, in Dutch, with the reason; both resolve the
item. Only whom the API lets manage clients decides; another agency does not find the item.
Before, the item only named the API call and had no such forms."""

from __future__ import annotations

from typing import Any

from shared.domain.people.authorisation import Role, Target
from shared.domain.records import ActionStatus
from shared.domain.scopes import agency_scope
from tests.unit.console.conftest import csrf_of, desk_for, forms_of
from tests.unit.people.conftest import make_person
from tests.unit.people.test_console_pages import _signed_in_browser
from tests.unit.people.test_signup_waiting_item import _signed_up
from tests.unit.people.test_signup_waiting_item import _waiting as waiting

SIGNUP_SCOPE = "@signup.agency-a"


def _item_url(client: Any) -> str:
    return f"/agency-actions/signup-waiting-{client.client_id}"


def _admin(world: Any) -> Any:
    return desk_for(world, Role.AGENCY_ADMIN, None, "beheer@agency-a.example")


def _form(page: Any, do: str) -> str:
    return next(f for f in forms_of(page) if f'value="{do}"' in f)


def _refusal_mails(world: Any) -> list[Any]:
    """The refusal mails the outbox holds (each stored message, however often queued)."""
    added: list[Any] = world.refusal_mails
    return added


def _count_mails(world: Any) -> None:
    outbox = world.services.messaging.outbox
    world.refusal_mails = []
    add = outbox.add

    def counted(message: Any) -> bool:
        new: bool = add(message)
        if new and message.key.startswith("signup-refused-"):
            world.refusal_mails.append(message)
        return new

    outbox.add = counted


def test_the_agency_approves_the_sign_up_on_its_item(world, tenants):
    client, _ = _signed_up(world)
    world.services.client_settings.add_iban(client, "NL77ABNA0574908765", by_agency=False)
    admin = _admin(world)
    page = admin.get(_item_url(client))
    assert page.status == 200
    assert "Goedkeuren" in _form(page, "approve-signup")
    done = admin.post(_item_url(client), {"csrf": csrf_of(page), "do": "approve-signup"})
    assert done.status == 303 and "done=signup_approved" in done.headers["Location"]
    stored = world.services.repos.clients.get(client.client_id)[0]
    assert stored.sandbox is False and stored.active is True
    (item,) = waiting(world)
    assert item.status is ActionStatus.RESOLVED and item.resolution.startswith("approved by ")
    again = admin.get(_item_url(client)).encoded().decode()
    assert "Deze aanmelding is goedgekeurd." in again and "goedgekeurd door" in again
    assert 'value="approve-signup"' not in again


def test_approval_without_a_bank_account_is_refused_in_dutch_with_the_way_to_add_one(
    world, tenants
):
    client, _ = _signed_up(world)
    admin = _admin(world)
    page = admin.get(_item_url(client))
    text = page.encoded().decode()
    assert "nog geen bankrekening" in text and "Bankrekening toevoegen" in text
    assert f"/settings?client={client.client_id}" in text
    refused = admin.post(_item_url(client), {"csrf": csrf_of(page), "do": "approve-signup"})
    assert refused.status == 409
    said = refused.encoded().decode()
    assert f"Klant {client.number} heeft nog geen bankrekening" in said
    assert world.services.repos.clients.get(client.client_id)[0].sandbox is True
    assert waiting(world)[0].status is ActionStatus.OPEN


def test_refusing_deactivates_the_client_and_mails_the_business_once_in_dutch(world, tenants):
    client, _ = _signed_up(world)
    _count_mails(world)
    admin = _admin(world)
    page = admin.get(_item_url(client))
    assert "Weigeren" in _form(page, "refuse-signup")
    # the reason is asked for: the business reads it
    blank = admin.post(_item_url(client), {"csrf": csrf_of(page), "do": "refuse-signup"})
    assert blank.status == 409 and "Geef de reden van de weigering" in blank.encoded().decode()
    assert world.services.repos.clients.get(client.client_id)[0].active is True
    form = {"csrf": csrf_of(page), "do": "refuse-signup", "reason": "Geen incassobehoefte"}
    done = admin.post(_item_url(client), form)
    assert done.status == 303 and "done=signup_refused" in done.headers["Location"]
    stored = world.services.repos.clients.get(client.client_id)[0]
    assert stored.active is False and stored.sandbox is True
    (item,) = waiting(world)
    assert item.status is ActionStatus.RESOLVED
    assert item.resolution.startswith("refused (deactivated) by ")
    assert item.resolution.endswith(": Geen incassobehoefte")
    # a retry (a second click, a cut-off answer) mails nothing more
    assert admin.post(_item_url(client), form).status == 303
    (mail,) = _refusal_mails(world)
    assert mail.to == "info@zon.example"
    content = world.services.messaging.content(SIGNUP_SCOPE, mail.key)
    assert content.subject == "Uw aanmelding bij Inning is niet goedgekeurd"
    assert "Reden: Geen incassobehoefte" in content.text and "Kwekerij Zon B.V." in content.text
    shown = admin.get(_item_url(client)).encoded().decode()
    assert "geweigerd (gedeactiveerd) door" in shown and 'value="refuse-signup"' not in shown


def test_a_person_without_the_client_permission_decides_nothing(world, tenants):
    client, _ = _signed_up(world)
    world.services.client_settings.add_iban(client, "NL77ABNA0574908765", by_agency=False)
    staff = desk_for(world, Role.AGENCY_STAFF, None, "staff@agency-a.example")
    page = staff.get(_item_url(client))
    assert page.status == 200 and "opdrachtgevers mag beheren" in page.encoded().decode()
    assert not any('value="approve-signup"' in f for f in forms_of(page))
    for do in ("approve-signup", "refuse-signup"):
        form = {"csrf": csrf_of(page), "do": do, "reason": "nee"}
        assert staff.post(_item_url(client), form).status == 403
    stored = world.services.repos.clients.get(client.client_id)[0]
    assert stored.sandbox is True and stored.active is True
    assert waiting(world)[0].status is ActionStatus.OPEN


def test_another_agency_does_not_find_the_sign_up(world, tenants):
    client, _ = _signed_up(world)
    world.services.client_settings.add_iban(client, "NL77ABNA0574908765", by_agency=False)
    other = make_person(world, Role.AGENCY_ADMIN, Target("agency-b", None), "beheer@b.example")
    browser = _signed_in_browser(world, other)
    page = browser.get("/agency-actions")
    assert browser.get(_item_url(client)).status == 404
    for do in ("approve-signup", "refuse-signup"):
        form = {"csrf": csrf_of(page), "do": do, "reason": "nee"}
        assert browser.post(_item_url(client), form).status == 404
    stored = world.services.repos.clients.get(client.client_id)[0]
    assert stored.sandbox is True and stored.active is True
    found = world.services.repos.actions.get(
        agency_scope("agency-a"), f"signup-waiting-{client.client_id}"
    )
    assert found is not None and found[0].status is ActionStatus.OPEN
