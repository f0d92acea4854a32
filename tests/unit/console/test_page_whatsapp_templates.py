"""The WhatsApp templates page: a client admin describes an approved template (name, languages,
body parameters, URL button) through the same service as the API's PUT, sees the save-time
checks beside the field, changes it later; reading roles see but cannot save; another client's
template is not found."""

from __future__ import annotations

from urllib.parse import urlencode

from shared.api.http import ApiRequest, ApiResponse
from shared.domain.people.authorisation import Role
from tests.unit.api.conftest import World
from tests.unit.console.conftest import Browser, csrf_of, desk_for
from tests.unit.people.conftest import Tenants


def _text(page: ApiResponse) -> str:
    return page.encoded().decode()


def _post(browser: Browser, path: str, data: dict[str, str]) -> ApiResponse:
    """A form POST (the test browser's own ``post`` cannot carry a newline-separated field
    through its query parsing, so the body is sent as a browser would)."""
    headers = {
        "cookie": "; ".join(f"{k}={v}" for k, v in browser.jar.items()),
        "accept-language": "en",
        "content-type": "application/x-www-form-urlencoded",
    }
    return browser.app.handle(ApiRequest("POST", path, headers, {}, urlencode(data).encode()))


def _button(world: World) -> str:
    """The fixed part of the payment link, as the client had it approved."""
    return f"{world.services.by_hand.public_base_url}/api/p/"


def _form(browser: Browser, path: str, client_id: str, **fields: str) -> dict[str, str]:
    return {"csrf": csrf_of(browser.get(path)), "client": client_id, **fields}


def test_an_admin_describes_a_template_and_the_api_sees_it(world: World, tenants: Tenants) -> None:
    admin = desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "a@c1.example")
    assert "No templates described yet" in _text(admin.get("/whatsapp-templates?lang=en"))
    data = _form(admin, "/whatsapp-templates/new", tenants.c1, name="herinnering_1",
                 languages="nl, en_US", body_params="debtor.name\ntotal|money\n",
                 url_button_base=_button(world), url_button_index="0")  # fmt: skip
    saved = _post(admin, "/whatsapp-templates/new", data)
    assert saved.status == 303, _text(saved)[:500]
    assert "/whatsapp-templates/herinnering_1" in saved.headers["Location"]
    (described,) = world.services.by_hand.whatsapp_templates(tenants.c1)
    assert described.languages == ("nl", "en_US")
    assert described.body_params == ("debtor.name", "total|money")
    assert described.url_button_base == _button(world)
    listed = world.agency_a.call("GET", "/v1/clients/C1/whatsapp-templates").body["items"]
    assert [t["name"] for t in listed] == ["herinnering_1"]
    page = _text(admin.get("/whatsapp-templates?lang=en"))
    assert "herinnering_1" in page and "<code>total|money</code>" in page
    edit = _text(admin.get("/whatsapp-templates/herinnering_1?lang=en"))
    assert 'value="nl, en_US"' in edit and "debtor.name\ntotal|money</textarea>" in edit
    # a change keeps the name (its identity), whatever the form says
    changed = _form(admin, "/whatsapp-templates/herinnering_1", tenants.c1, name="other",
                    languages="nl", body_params="debtor.name", url_button_base="", url_button_index="0")  # fmt: skip
    assert _post(admin, "/whatsapp-templates/herinnering_1", changed).status == 303
    (described,) = world.services.by_hand.whatsapp_templates(tenants.c1)
    assert (described.name, described.languages, described.url_button_base) == (
        "herinnering_1",
        ("nl",),
        None,
    )


def test_the_checks_are_shown_beside_the_field(world: World, tenants: Tenants) -> None:
    admin = desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "a@c1.example")
    cases = [
        ({"name": "Not Valid"}, "err-name"),
        ({"languages": "dutch"}, "err-languages"),
        ({"body_params": "{{ debtor.name }}"}, "err-body_params"),
        ({"body_params": "debtor.nonexistent_field|nofilter"}, "err-body_params"),
        ({"url_button_base": "ftp://x.example/"}, "err-url_button_base"),
        ({"url_button_index": "12"}, "err-url_button_index"),
    ]
    for change, marker in cases:
        fields = {"name": "t1", "languages": "nl", "body_params": "debtor.name",
                  "url_button_base": "", "url_button_index": "0", **change}  # fmt: skip
        answer = _post(
            admin,
            "/whatsapp-templates/new",
            _form(admin, "/whatsapp-templates/new", tenants.c1, **fields),
        )
        assert answer.status == 422, change  # fmt: skip
        page = _text(answer)
        assert f'id="{marker}"' in page and 'aria-invalid="true"' in page, change
    assert world.services.by_hand.whatsapp_templates(tenants.c1) == []


def test_reading_roles_see_but_cannot_save(world: World, tenants: Tenants) -> None:
    admin = desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "a@c1.example")
    data = _form(admin, "/whatsapp-templates/new", tenants.c1, name="t1", languages="nl",
                 body_params="debtor.name", url_button_base="", url_button_index="0")  # fmt: skip
    assert _post(admin, "/whatsapp-templates/new", data).status == 303
    reader = desk_for(world, Role.READ_ONLY, tenants.c1, "r@c1.example")
    page = _text(reader.get("/whatsapp-templates/t1?lang=en"))
    assert "debtor.name" in page and "<button" not in page.split("<main")[1]
    attempt = _form(reader, "/whatsapp-templates/t1", tenants.c1, languages="en", body_params="x",
                    url_button_base="", url_button_index="0")  # fmt: skip
    assert _post(reader, "/whatsapp-templates/t1", attempt).status == 403
    assert world.services.by_hand.whatsapp_templates(tenants.c1)[0].languages == ("nl",)


def test_another_clients_template_is_not_found(world: World, tenants: Tenants) -> None:
    other = desk_for(world, Role.CLIENT_ADMIN, tenants.c2, "a@c2.example")
    data = _form(other, "/whatsapp-templates/new", tenants.c2, name="only_c2", languages="nl",
                 body_params="", url_button_base="", url_button_index="0")  # fmt: skip
    assert _post(other, "/whatsapp-templates/new", data).status == 303
    admin = desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "a@c1.example")
    assert admin.get("/whatsapp-templates/only_c2").status == 404
    assert admin.get(f"/whatsapp-templates/only_c2?client={tenants.c2}").status == 404
    attempt = _form(admin, "/whatsapp-templates", tenants.c1, languages="en", body_params="",
                    url_button_base="", url_button_index="0")  # fmt: skip
    assert _post(admin, "/whatsapp-templates/only_c2", attempt).status == 404
    assert "only_c2" not in _text(admin.get("/whatsapp-templates"))
    assert world.services.by_hand.whatsapp_templates(tenants.c2)[0].languages == ("nl",)
