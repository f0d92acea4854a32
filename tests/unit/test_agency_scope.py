"""The agency's scope (the action-list partition of what belongs to an agency, not one client)
is spelt in one place, :mod:`shared.domain.scopes`: a service that built it by hand (the
settlement's approvals did, ``f"@{agency_id}"``) would silently write to a partition no reader
looks at the day the spelling changes."""

from __future__ import annotations

import re
from pathlib import Path

from shared.domain.scopes import agency_scope, is_agency_scope

ROOT = Path(__file__).resolve().parents[2]
OWNER = ROOT / "shared" / "domain" / "scopes.py"
# an "@" followed by an agency id put together by hand, or tested for by hand
HAND_BUILT = re.compile(r"""f["']@\{[^}]*agency[^}]*\}|\.startswith\(\s*["']@["']\s*\)""")


def test_an_agency_scope_is_told_from_a_client_id():
    assert agency_scope("agency-a") == "@agency-a"
    assert is_agency_scope(agency_scope("agency-a"))
    assert not is_agency_scope("c-0001") and not is_agency_scope("")
    assert agency_scope("agency-a") != agency_scope("agency-b")


def test_no_module_spells_the_agency_scope_by_hand():
    offenders = [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
        for path in sorted((ROOT / "shared").rglob("*.py"))
        if path != OWNER
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if HAND_BUILT.search(line)
    ]
    assert offenders == [], "use shared.domain.scopes.agency_scope:\n" + "\n".join(offenders)
