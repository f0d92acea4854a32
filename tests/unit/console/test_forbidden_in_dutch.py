"""words10: a role the people service refuses (its NotAllowed, behind the page's own check)
reads the page's Dutch, not the service's "your role may not ... here"."""

from __future__ import annotations

from shared.domain.people.authorisation import Role
from shared.services.people.admin import NotAllowed
from tests.unit.console.conftest import csrf_of, desk_for


def test_a_role_the_service_refuses_reads_dutch(world, tenants, monkeypatch):
    admin = desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "a@c1.example")
    page = admin.get("/settings")

    def refused_by_the_service(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise NotAllowed("your role may not manage people here")

    monkeypatch.setattr(world.services.client_settings, "details", refused_by_the_service)
    refused = admin.post("/settings", {"csrf": csrf_of(page), "do": "details", "name": "X"})
    assert refused.status == 403
    text = refused.encoded().decode()
    assert "U hebt geen toegang tot deze pagina of actie." in text and "your role" not in text
