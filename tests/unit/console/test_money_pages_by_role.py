"""Every money page by every role: reading is open to all five roles on a client in reach;
writing (an upload, a statement, a template) to all but the read-only role; a report is
reading. Every form carries the CSRF token and names its client."""

from __future__ import annotations

import pytest

from shared.domain.people.authorisation import Role
from tests.unit.console.conftest import csrf_of, desk_for, forms_of
from tests.unit.console.money_support import post_files

PAGES = ("/upload", "/payments", "/reports", "/jobs")
WRITES: tuple[tuple[str, dict[str, str]], ...] = (
    ("/upload", {"do": "preview"}),
    ("/payments", {}),
    ("/reports", {"do": "template", "sheet": "Data"}),
)


def _person(world, tenants, role):
    client = None if role.agency_level else tenants.c1
    return desk_for(world, role, client, f"{role.value}@example.nl"), f"?client={tenants.c1}"


@pytest.mark.parametrize("role", list(Role))
def test_every_role_reads_every_money_page(world, tenants, role):
    person, pick = _person(world, tenants, role)
    for path in PAGES:
        page = person.get(path + pick)
        if path == "/upload" and role is Role.READ_ONLY:
            # the upload form is writing: not offered to who may not import (newcomer16b F5)
            assert page.status == 403, (role, path)
            continue
        assert page.status == 200, (role, path)
        for form in forms_of(page):
            if 'method="get"' in form:  # the shell's client picker
                continue
            assert 'name="csrf"' in form, (path, form[:200])
            if 'action="/api/console/logout"' not in form:
                assert f'name="client" value="{tenants.c1}"' in form, (path, form[:200])


@pytest.mark.parametrize("role", list(Role))
def test_only_writing_roles_upload(world, tenants, role):
    person, pick = _person(world, tenants, role)
    token = csrf_of(person.get("/upload" + pick))
    for path, fields in WRITES:
        answer = post_files(person, path + pick, {"csrf": token, "client": tenants.c1, **fields},
                            {"file": ("empty.csv", b"number;debtor\n")})  # fmt: skip
        if role is Role.READ_ONLY:
            assert answer.status == 403, (role, path)
        else:
            assert answer.status in (200, 303, 400), (role, path, answer.status)
    report = person.post("/reports" + pick, {"csrf": token, "client": tenants.c1, "do": "report",
                                             "kind": "usage", "start": "2025-01-01", "end": "2025-01-31",
                                             "format": "csv"})  # fmt: skip
    assert report.status == 200 and report.encoded().startswith(
        b"opdrachtgever,maand,onderdeel"
    )  # a Dutch desk


def test_a_person_without_a_session_is_sent_to_sign_in(world, tenants):
    from shared.api.console.app import ConsoleApp
    from tests.unit.console.conftest import Browser

    anonymous = Browser(ConsoleApp(world.services))
    for path in PAGES:
        assert anonymous.get(path).headers["Location"] == "/api/console/login"
