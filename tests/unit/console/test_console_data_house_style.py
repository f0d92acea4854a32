"""House-style images: checked by their own bytes (PNG, JPEG, GIF; never SVG) and size,
stored content-addressed, pointed to from the client's house style, served anonymously by
``functions.brand`` (and nothing else: a name that is not an image's is a 404)."""

from __future__ import annotations

import azure.functions as func
import pytest

from shared.domain.people.authorisation import Role
from shared.services.errors import Invalid
from tests.unit.api.conftest import World
from tests.unit.console.conftest import Browser, csrf_of, desk_for
from tests.unit.people.conftest import Tenants

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def _client(world: World, client_id: str):  # type: ignore[no-untyped-def]
    found = world.services.repos.clients.get(client_id)
    assert found
    return found[0]


def test_images_are_checked_by_type_and_size(world: World, tenants: Tenants) -> None:
    images = world.services.house_style_images
    client = _client(world, tenants.c1)
    for kind, data, reason in (("logo", SVG, "PNG, JPEG or GIF"), ("logo", b"", "choose"),
                               ("logo", PNG + b"\x00" * 600_000, "512 KiB"),
                               ("banner", PNG, "logo, a header or a footer")):  # fmt: skip
        with pytest.raises(Invalid, match=reason):
            images.store(client, kind, data)
    updated = images.store(client, "header", PNG)
    url = updated.house_style.header_image_url
    assert url and "/api/brand/" + tenants.c1 + "/header-" in url and url.endswith(".png")
    name = url.rsplit("/", 1)[1]
    assert images.image(tenants.c1, name) == (PNG, "image/png")
    assert images.image(tenants.c1, "../" + name) is None
    assert images.image(tenants.c2, name) is None  # another client's path holds nothing
    assert _client(world, tenants.c1).house_style.header_image_url == url


def test_the_brand_function_serves_an_image(world: World, tenants: Tenants, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from functions.brand import brand_images
    from shared import bootstrap
    from tools.devhost.invoke import LocalContext

    monkeypatch.setattr(bootstrap, "services", lambda: world.services)
    url = world.services.house_style_images.store(_client(world, tenants.c1), "logo", PNG)
    name = (url.house_style.logo_url or "").rsplit("/", 1)[1]

    def get(client: str, image: str) -> func.HttpResponse:
        req = func.HttpRequest("GET", f"/api/brand/{client}/{image}", body=b"",
                               route_params={"client": client, "name": image})  # fmt: skip
        return brand_images.build().get_user_function()(req, context=LocalContext("brand_images"))  # type: ignore[no-any-return]

    served = get(tenants.c1, name)
    assert served.status_code == 200 and served.get_body() == PNG
    assert served.mimetype == "image/png" and "immutable" in served.headers["Cache-Control"]
    assert get(tenants.c1, "logo-0000000000000000.png").status_code == 404


def _upload(browser: Browser, csrf: str, kind: str, data: bytes) -> int:
    from shared.api.http import ApiRequest

    boundary = "----inningstyle"
    body = b"".join([
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n{csrf}\r\n'.encode(),
        f'--{boundary}\r\nContent-Disposition: form-data; name="do"\r\n\r\nimage\r\n'.encode(),
        f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\n{kind}\r\n'.encode(),
        f'--{boundary}\r\nContent-Disposition: form-data; name="image"; filename="x.png"\r\n'
        "Content-Type: image/png\r\n\r\n".encode() + data + b"\r\n",
        f"--{boundary}--\r\n".encode(),
    ])  # fmt: skip
    headers = {"cookie": "; ".join(f"{k}={v}" for k, v in browser.jar.items()),
               "content-type": f"multipart/form-data; boundary={boundary}"}  # fmt: skip
    return browser.app.handle(ApiRequest("POST", "/settings", headers, {}, body)).status


def test_the_settings_page_uploads_an_image_per_role(world: World, tenants: Tenants) -> None:
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    page = staff.get("/settings")
    assert b'enctype="multipart/form-data"' in page.encoded()
    csrf = csrf_of(page)
    assert _upload(staff, csrf, "footer", SVG) == 422
    assert _upload(staff, csrf, "footer", PNG) == 303
    assert _client(world, tenants.c1).house_style.footer_image_url
    assert b"<img src=" in staff.get("/settings").encoded()
    reader = desk_for(world, Role.READ_ONLY, tenants.c1, "r@c1.example")
    reader_page = reader.get("/settings")
    assert b'value="image"' not in reader_page.encoded()
    assert _upload(reader, csrf_of(reader_page), "logo", PNG) == 403
    assert _client(world, tenants.c1).house_style.logo_url is None
