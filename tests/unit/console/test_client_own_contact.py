"""newcomer20 F5: a client (signed up itself) could not give its own postal address: Settings
showed "Postadres -" read-only to its admin (details are the agency's MANAGE_CLIENTS), so its
14-day letters carried no sender address and no return line. Its admin now sets its contact
e-mail, phone and postal address, in Settings and with PUT /v1/clients/{client}/contact, for
its own client only; its staff do not; the agency's admin as before."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pypdf
import pytest

import shared.services.dunning as dunning_module
from shared.domain.people.authorisation import Role
from tests.unit.api.conftest import World, client_row, debtor_row, invoice_row
from tests.unit.console.conftest import csrf_of, desk_for
from tests.unit.dunning.test_daily_run import SEEN, day
from tests.unit.dunning.test_fourteen_day_letter_amounts import LETTER, WORKFLOW
from tests.unit.people.conftest import Tenants

ADDRESS = {"street": "Lindelaan 12", "postal_code": "3511ab", "city": "Utrecht", "country": "NL"}
FORM = {"do": "contact", "contact_email": "debiteuren@c1.example", "contact_phone": "030 1234567",
        **ADDRESS}  # fmt: skip


def test_the_client_s_admin_sets_its_own_postal_address(world: World, tenants: Tenants) -> None:
    admin = desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "baas@c1.example")
    page = admin.get("/settings")
    body = page.encoded().decode()
    assert 'name="do" value="contact"' in body and 'name="do" value="details"' not in body
    assert admin.post("/settings", {"csrf": csrf_of(page), **FORM}).status == 303
    found = world.services.repos.clients.get(tenants.c1)
    assert found is not None
    c1 = found[0]
    address = c1.postal_address
    assert address is not None and (address.street, address.postal_code) == (
        "Lindelaan 12",
        "3511 AB",
    )
    assert (c1.contact_email, c1.contact_phone) == ("debiteuren@c1.example", "+31301234567")
    assert c1.name == "Client C1"  # the name stays the agency's


def test_a_bad_postcode_is_refused_in_dutch(world: World, tenants: Tenants) -> None:
    admin = desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "baas@c1.example")
    page = admin.get("/settings")
    answer = admin.post("/settings", {"csrf": csrf_of(page), **FORM, "postal_code": "12345"})
    assert answer.status == 422
    assert "1234 AB" in answer.encoded().decode()
    found = world.services.repos.clients.get(tenants.c1)
    assert found is not None and found[0].postal_address is None


@pytest.mark.parametrize("role", [Role.CLIENT_STAFF, Role.READ_ONLY, Role.AGENCY_STAFF])
def test_staff_do_not(world: World, tenants: Tenants, role: Role) -> None:
    agency = role.agency_level
    browser = desk_for(world, role, None if agency else tenants.c1, f"{role.value}@x.example")
    path = f"/settings?client={tenants.c1}" if agency else "/settings"
    page = browser.get(path)
    assert 'name="do" value="contact"' not in page.encoded().decode()
    answer = browser.post(path, {"csrf": csrf_of(page), "client": tenants.c1, **FORM})
    assert answer.status == 403
    found = world.services.repos.clients.get(tenants.c1)
    assert found is not None and found[0].postal_address is None


def test_a_client_s_admin_cannot_change_another_client(world: World, tenants: Tenants) -> None:
    admin = desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "baas@c1.example")
    page = admin.get("/settings")
    for other in (tenants.c2, tenants.b1):
        answer = admin.post(
            f"/settings?client={other}", {"csrf": csrf_of(page), "client": other, **FORM}
        )
        assert answer.status in (403, 404), answer.status
    a = world.agency_a
    key = a.call("POST", "/v1/keys", {"scope": "client", "client": "C1", "admin": True}).body["key"]
    c1_admin = a.as_key(key)
    body = {"contact_email": "x@c1.example", "postal_address": ADDRESS}
    assert c1_admin.call("PUT", "/v1/clients/C2/contact", body).status == 404
    for other in (tenants.c2, tenants.b1):
        found = world.services.repos.clients.get(other)
        assert found is not None and found[0].postal_address is None
    # its own, through the API as in Settings; its staff key may not
    own = c1_admin.call("PUT", "/v1/clients/C1/contact", body)
    assert own.status == 200 and own.body["postal_address"]["postal_code"] == "3511 AB"
    staff = a.call("POST", "/v1/keys", {"scope": "client", "client": "C1"}).body["key"]
    assert a.as_key(staff).call("PUT", "/v1/clients/C1/contact", body).status == 403
    # the agency's admin as before
    assert a.call("PUT", "/v1/clients/C2/contact", body).status == 200
    assert (
        a.call(
            "PUT", "/v1/clients/C2/contact", {"postal_address": {**ADDRESS, "postal_code": "1"}}
        ).status
        == 422
    )


def test_the_letter_then_carries_it_as_sender_and_return_line(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    SEEN.clear()
    pdfs: list[bytes] = []
    real_letter = dunning_module.render_letter  # type: ignore[attr-defined]

    def letter(spec: Any) -> bytes:
        pdfs.append(real_letter(spec))
        return pdfs[-1]

    monkeypatch.setattr(dunning_module, "render_letter", letter)
    a = world.agency_a
    world.clock.at = datetime(2026, 11, 4, 8, 0, tzinfo=UTC)
    assert a.call("POST", "/v1/clients", {"items": [client_row("C1")]}).status == 200
    c1 = world.services.repos.clients.id_for_number("agency-a", "C1")
    admin = desk_for(world, Role.CLIENT_ADMIN, c1, "baas@c1.example")
    assert admin.post("/settings", {"csrf": csrf_of(admin.get("/settings")), **FORM}).status == 303
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D6", name="K. Bakker")]})
    template = {"language": "nl", "subject": "Veertiendagenbrief", "text": LETTER, "fourteen_day_letter": True}  # fmt: skip
    assert a.call("PUT", "/v1/clients/C1/templates/t-14", template).status == 200
    assert a.call("PUT", "/v1/clients/C1/workflows/w", WORKFLOW).status == 200
    assert a.call("POST", "/v1/clients/C1/workflows/w/activate").status == 200
    rules = {"rules": [{"workflow": "w"}]}
    assert a.call("PUT", "/v1/clients/C1/segment-rules", rules).status == 200
    a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row("2026-0061", "D6", amount="300.00", invoice_date="2026-10-01", due_date="2026-10-31"),
    ]})  # fmt: skip
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    sent = []
    for n in range(3):
        world.clock.at = datetime(2026, 11, 2, 8, 0, tzinfo=UTC) + timedelta(days=n)
        sent += day(world, client)
    # to the debtor (the mails to no debtor are the new admin's own, of its signing in)
    assert [ch for _, ch, debtor, _ in sent if debtor] == ["letter"]
    [pdf] = pdfs
    text = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text().splitlines()
    assert text[text.index("K. Bakker") - 1] == "Client C1, Lindelaan 12, 3511 AB  UTRECHT"
    assert "3511 AB  UTRECHT" in text[: text.index("K. Bakker") - 1]  # the sender block
