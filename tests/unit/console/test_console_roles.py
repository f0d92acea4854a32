"""The console's authorisation table: every registered page (``PAGES``, so pages added later
are walked too) for every role, against the same expected grants as the API's table
(:data:`tests.unit.people.test_authorisation.EXPECTED`). A GET needs the page's
``get_action``; a POST needs its ``post_action`` for each ``do`` value (WRITE otherwise). A
refused request is a 403; an allowed one anything but 403 (a page, a redirect, a form error).
A client's people never see another client: ``?client=`` is ignored and another client's ids
are not found.

A page whose root needs an id gets a sample path in ``SAMPLES`` (extend it when you add one)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest

from shared.api.console.registry import PAGES
from shared.api.console.shell import PageSpec
from shared.domain.inbound.mail import mail_key
from shared.domain.people.authorisation import Action, Role
from tests.support.page_words import words
from tests.unit.api.conftest import World, debtor_row
from tests.unit.console.conftest import Browser, csrf_of, desk_for
from tests.unit.people.conftest import Tenants
from tests.unit.people.test_authorisation import AGENCY_LEVEL_ONLY, EXPECTED

# extra paths per page beyond ``/<name>`` (pages whose content needs an id); {c1} {c2} filled in
SAMPLES: dict[str, list[str]] = {
    "dossier": ["/dossier/D1"],
    "actions": ["/actions/a1"],
    "quick-texts": ["/quick-texts/new", "/quick-texts/q1"],
    "mail": ["/mail/" + mail_key("mail@c1.example", "<roles@c1>")],
    "whatsapp-templates": ["/whatsapp-templates/new"],
}
# per page, a path of the *other* client's data that a C1 person must not reach (404 or 403)
FOREIGN: dict[str, list[str]] = {
    "dossier": ["/dossier/D9"],
    "actions": ["/actions/a9"],
    "quick-texts": ["/quick-texts/q9"],
    "mail": ["/mail/" + mail_key("mail@c2.example", "<roles@c2>")],
}
PEOPLE = [
    ("agency_admin", Role.AGENCY_ADMIN, False),
    ("agency_staff", Role.AGENCY_STAFF, False),
    ("agency_read_only", Role.READ_ONLY, False),
    ("client_admin", Role.CLIENT_ADMIN, True),
    ("client_staff", Role.CLIENT_STAFF, True),
    ("client_read_only", Role.READ_ONLY, True),
]


def granted(role: Role, at_client: bool, spec: PageSpec, action: Action) -> bool:
    if action not in EXPECTED[role]:
        return False
    if spec.agency_only:
        return not at_client
    return not (at_client and action in AGENCY_LEVEL_ONLY)


def seeded(world: World, tenants: Tenants) -> None:
    from datetime import UTC, datetime

    from shared.domain.records import ActionItem

    for number, debtor in (("C1", "D1"), ("C2", "D9")):
        reply = world.agency_a.call("POST", f"/v1/clients/{number}/debtors",
                                    {"items": [debtor_row(debtor)]})  # fmt: skip
        assert reply.status == 200
    now = datetime(2025, 3, 3, tzinfo=UTC)
    world.services.repos.actions.add(ActionItem(tenants.c1, "a1", "staff_task", "Mine", now))
    world.services.repos.actions.add(ActionItem(tenants.c2, "a9", "staff_task", "Theirs", now))
    seeded_talk(world, tenants, now)


def seeded_talk(world: World, tenants: Tenants, now: datetime) -> None:
    """A quick text and an inbound e-mail per client (the quick-text and mail pages)."""
    from shared.domain.conversations.quick_texts import QuickText
    from shared.domain.inbound.mail import MailKind, ReceivedMail
    from shared.domain.messaging import Channel

    for client_id, n in ((tenants.c1, "1"), (tenants.c2, "9")):
        world.services.by_hand.create_quick_text(client_id, QuickText(f"q{n}", Channel.SMS, "Mine" if n == "1" else "Theirs", "Hallo"))  # fmt: skip
        found = world.services.repos.clients.get(client_id)
        assert found is not None
        client = found[0]
        box = f"mail@c{'1' if n == '1' else '2'}.example"
        mail = ReceivedMail(mailbox=box, graph_id=f"g{n}", internet_message_id=f"<roles@c{'1' if n == '1' else '2'}>",
                            received_at=now, sender="x@unknown.example", sender_name="X", subject="Mine" if n == "1" else "Theirs",
                            body_text="Hallo", unique_text=None, headers={})  # fmt: skip
        world.services.inbound_filing.file(mail, MailKind.CORRESPONDENCE, [client], [])


# forms only a client's own people may use, whatever an agency role grants (as in the API:
# proving an IBAN with the code the bank statement carries is the client's own act)
CLIENT_PEOPLE_ONLY = {("settings", "iban_confirm")}
# and forms only an agency's own people may use (recording the money a client paid back of a
# negative settlement is the agency's finance act; the API's route is for agency keys only)
AGENCY_PEOPLE_ONLY = {("settlement", "repayment"), ("settlement", ""), ("settings", "iban_decide"),
                      ("settings", "link_domains")}  # fmt: skip


# pages whose GET follows an admin-only API route (``admin_only``: every agency key, a client
# key with the admin flag): the agency's people and the client's admins, not its other people
ADMIN_READS = {"run-preview"}


def paths(name: str) -> list[str]:
    return [f"/{name}", *SAMPLES.get(name, [])]


def browsers(world: World, tenants: Tenants) -> Iterator[tuple[str, Role, bool, Browser, str]]:
    for label, role, at_client in PEOPLE:
        client = tenants.c1 if at_client else None
        browser = desk_for(world, role, client, f"{label}@roles.example")
        # agency people work on C1 by choosing it; client people have C1 only
        yield label, role, at_client, browser, f"client={tenants.c1}"


def with_query(path: str, query: str) -> str:
    return path + ("&" if "?" in path else "?") + query


def test_every_page_every_role(world, tenants):
    seeded(world, tenants)
    assert PAGES, "no console pages registered"
    checked = 0
    for label, role, at_client, browser, query in browsers(world, tenants):
        token = csrf_of(browser.get("/account"))
        for name, spec in sorted(PAGES.items()):
            allowed = granted(role, at_client, spec, spec.get_action)
            if name in ADMIN_READS:
                allowed = not at_client or role is Role.CLIENT_ADMIN
            for path in paths(name):
                status = browser.get(with_query(path, query)).status
                assert (status != 403) is allowed and status < 500, (label, path, status)
                checked += 1
            for do in sorted({*spec.post_action, ""}):
                needed = spec.post_action.get(do, spec.post_action.get("", Action.WRITE))
                allowed = (
                    granted(role, at_client, spec, needed)
                    and (at_client or (name, do) not in CLIENT_PEOPLE_ONLY)
                    and not (at_client and (name, do) in AGENCY_PEOPLE_ONLY)
                )
                for path in paths(name):
                    form = {"csrf": token, "client": tenants.c1, **({"do": do} if do else {})}
                    status = browser.post(with_query(path, query), form).status
                    assert (status != 403) is allowed and status < 500, (
                        label,
                        "POST",
                        path,
                        do,
                        status,
                    )
                    checked += 1
    assert checked >= len(PAGES) * len(PEOPLE) * 2


@pytest.mark.parametrize("role", [Role.CLIENT_ADMIN, Role.CLIENT_STAFF, Role.READ_ONLY])
def test_a_client_never_reaches_another_client(world, tenants, role):
    seeded(world, tenants)
    browser = desk_for(world, role, tenants.c1, f"{role.value}@c1.example")
    token = csrf_of(browser.get("/account"))
    for name, spec in sorted(PAGES.items()):
        if spec.agency_only:
            continue
        for path in paths(name):
            page = browser.get(with_query(path, f"client={tenants.c2}&lang=en"))
            assert b"Client C2" not in page.encoded(), (name, path)
        for path in FOREIGN.get(name, []):
            for query in ("lang=en", f"client={tenants.c2}"):
                assert browser.get(with_query(path, query)).status in (403, 404), (path, query)
                posted = browser.post(with_query(path, query),
                                      {"csrf": token, "client": tenants.c2, "do": "resolve"})  # fmt: skip
                assert posted.status in (403, 404), (path, query, posted.status)


def test_another_agency_never_reaches_these_clients(world, tenants):
    seeded(world, tenants)
    from shared.domain.people.authorisation import Target
    from tests.unit.people.conftest import make_person
    from tests.unit.people.test_console_pages import _signed_in_browser

    stranger = make_person(world, Role.AGENCY_ADMIN, Target("agency-b", None), "admin@b.example")
    browser: Browser = _signed_in_browser(world, stranger)
    for name in sorted(PAGES):
        for path in [*paths(name), *FOREIGN.get(name, [])]:
            page = browser.get(with_query(path, f"client={tenants.c1}&lang=en"))
            body = page.encoded()
            assert b"Client C1" not in body and b"Client C2" not in body, (name, path)
            assert page.status != 200 or "Mine" not in words(body), (name, path)
