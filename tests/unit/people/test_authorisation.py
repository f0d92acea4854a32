"""Every role against every action, on its own tenant, a sibling client and another agency:
deny by default. OWASP ASVS 5.0 8.2.1 (function-level access only with explicit permission),
8.2.2 (data-specific access: no reaching another tenant's records), 8.3.1 (enforced on the
server, in one place), 8.1.1 (the rules are documented: the README's table is
``authorisation.table()``)."""

from __future__ import annotations

import pytest

from shared.domain.access import Principal, Scope
from shared.domain.people.authorisation import (
    Action,
    Role,
    Target,
    UserPrincipal,
    action_for_request,
    may,
    table,
)

A = Action
# what each role may do on its own tenant, written out independently of the module's table
EXPECTED = {
    Role.AGENCY_ADMIN: set(Action),
    Role.AGENCY_STAFF: {A.READ, A.WRITE, A.REVERSE_RECEIPTS},
    Role.CLIENT_ADMIN: {
        A.READ,
        A.WRITE,
        A.MANAGE_USERS,
        A.MANAGE_KEYS,
        A.MANAGE_BANK_ACCOUNTS,
        A.MANAGE_SETTLEMENTS,
        A.READ_AUDIT,
        A.REVERSE_RECEIPTS,
    },
    Role.CLIENT_STAFF: {A.READ, A.WRITE},
    Role.READ_ONLY: {A.READ},
}
AGENCY_LEVEL_ONLY = {A.MANAGE_CLIENTS, A.PUBLISH_BROADCAST}


def person(role: Role, *, agency: str = "a", client: str | None = None) -> UserPrincipal:
    scope = Scope.CLIENT if client else Scope.AGENCY
    return UserPrincipal(f"user:{role}", scope, agency, client, role=role, user_id="u1")


def principals() -> list[tuple[str, Principal, Role]]:
    out: list[tuple[str, Principal, Role]] = []
    for role in Role:
        if role.agency_level or role is Role.READ_ONLY:
            out.append((f"{role.value}@agency", person(role), role))
        if not role.agency_level:
            out.append((f"{role.value}@client", person(role, client="c1"), role))
    return out


@pytest.mark.parametrize(("name", "who", "role"), principals(), ids=[p[0] for p in principals()])
@pytest.mark.parametrize("action", list(Action), ids=[a.value for a in Action])
def test_every_role_every_action_every_tenant(name, who, role, action):
    own_client = Target("a", "c1")
    sibling = Target("a", "c2")
    agency_itself = Target("a", None)
    other_agency_client = Target("b", "c1")  # the same client id under another agency
    other_agency = Target("b", None)
    granted = action in EXPECTED[role]
    is_agency = who.scope is Scope.AGENCY

    assert may(who, action, own_client) is (
        granted and (is_agency or action not in AGENCY_LEVEL_ONLY)
    )
    assert may(who, action, sibling) is (granted and is_agency)
    assert may(who, action, agency_itself) is (granted and is_agency)
    assert may(who, action, other_agency_client) is False
    assert may(who, action, other_agency) is False


@pytest.mark.parametrize(
    ("scope", "admin_flag", "role"),
    [
        (Scope.AGENCY, False, Role.AGENCY_ADMIN),
        (Scope.CLIENT, True, Role.CLIENT_ADMIN),
        (Scope.CLIENT, False, Role.CLIENT_STAFF),
    ],
)
def test_api_keys_act_as_their_scopes_admin_or_staff(scope, admin_flag, role):
    """An agency key is the agency's admin; a client key its client's staff unless issued with
    the admin flag: a plain integration key invites nobody and moves no money."""
    client = "c1" if scope is Scope.CLIENT else None
    key = Principal("k1", scope, "a", client, admin=admin_flag)
    for action in Action:
        expected = action in EXPECTED[role] and (
            scope is Scope.AGENCY or action not in AGENCY_LEVEL_ONLY
        )
        assert may(key, action, Target("a", "c1")) is expected
        assert may(key, action, Target("b", "c1")) is False
    plain = Principal("k2", Scope.CLIENT, "a", "c1")
    for action in (Action.MANAGE_USERS, Action.MANAGE_KEYS, Action.MANAGE_BANK_ACCOUNTS):
        assert may(plain, action, Target("a", "c1")) is False


def test_requests_map_to_actions_and_unknown_writes_are_writes():
    assert action_for_request("GET", "/v1/clients/C1/invoices") is Action.READ
    assert action_for_request("POST", "/v1/clients/C1/invoices/F1/dispute") is Action.WRITE
    assert action_for_request("GET", "/v1/keys") is Action.MANAGE_KEYS
    assert action_for_request("DELETE", "/v1/keys/abc") is Action.MANAGE_KEYS
    assert action_for_request("POST", "/v1/clients") is Action.MANAGE_CLIENTS
    assert action_for_request("PATCH", "/v1/some/future/route") is Action.WRITE
    # confirming receipt of a returned 14-day letter makes the costs owed again: admins only
    received = "/v1/clients/C1/invoices/F1/fourteen-day-letter-received"
    assert action_for_request("POST", received) is Action.MANAGE_SETTLEMENTS
    # a client's receipt taken off by hand: agency staff and the client's admin (sync12)
    reverse = "/v1/clients/C1/payments/sync-abc/reverse"
    assert action_for_request("POST", reverse) is Action.REVERSE_RECEIPTS
    assert action_for_request("GET", reverse) is Action.READ
    # the bank payment a return names, undone by a person: the same kind of act (misc13)
    for returned in ("/v1/clients/C1/actions/a-1/reverse-payment",
                     "/v1/actions/a-1/reverse-payment"):  # fmt: skip
        assert action_for_request("POST", returned) is Action.REVERSE_RECEIPTS
        assert action_for_request("GET", returned) is Action.READ


def test_the_readme_table_is_the_module_table():
    rows = dict(table())
    for action, row in rows.items():
        for role, allowed in row.items():
            expected = action in EXPECTED[role] and (
                role.agency_level or action not in AGENCY_LEVEL_ONLY
            )
            assert allowed is expected, (action, role)


def test_the_readme_shows_this_table():
    """8.1.1 the documented rules are the enforced rules."""
    from tools.password_list import ROOT  # the repository's root

    readme = (ROOT / "README.md").read_text()
    for action, row in table():
        cells = " | ".join("yes" if row[r] else "-" for r in Role)
        assert f"| `{action.value}` | {cells} |" in readme, action
