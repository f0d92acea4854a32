"""Demo people for `make run`: one user per role, signed in with a password and TOTP.

Their passwords and TOTP secrets are written to ``.data/demo-users.json`` (git-ignored), as
``{"<role>": {"email", "password", "totp_secret", "client"?}}``: Inning stores only a hash
of the password and could not show it again. SMS codes of SMS users go to the outbox.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import replace
from pathlib import Path

from shared.adapters.tables.people_repo import defaults_scope
from shared.domain.ids import random_id
from shared.domain.people.accounts import Factor, User, UserStatus
from shared.domain.people.authorisation import Role
from shared.domain.people.factors import new_totp_secret
from shared.domain.people.passwords import hash_password
from shared.services.container import Services
from tools.demo import AGENCY_ID

CLIENT = "BAKKERIJ"
PEOPLE = {
    Role.AGENCY_ADMIN: ("beheer@demo-incasso.example", None),
    Role.AGENCY_STAFF: ("medewerker@demo-incasso.example", None),
    Role.CLIENT_ADMIN: ("beheer@korenbloem.example", CLIENT),
    Role.CLIENT_STAFF: ("debiteuren@korenbloem.example", CLIENT),
    Role.READ_ONLY: ("accountant@korenbloem.example", CLIENT),
}


def seed_people(services: Services, data_dir: Path) -> dict[str, dict[str, str]]:
    """Create (or, when the file was lost, reset) the demo users; return what the file holds."""
    users_file = data_dir / "demo-users.json"
    store = services.people.kit.people.users
    if users_file.exists():
        loaded: dict[str, dict[str, str]] = json.loads(users_file.read_text())
        if all(store.by_email(v["email"]) for v in loaded.values()):
            return loaded
    client_id = services.repos.clients.id_for_number(AGENCY_ID, CLIENT)
    out: dict[str, dict[str, str]] = {}
    now = services.clock.now()
    for role, (email, client) in PEOPLE.items():
        password = "demo-" + secrets.token_urlsafe(12)
        secret = new_totp_secret()
        user = User(
            random_id("u"), email, AGENCY_ID, client_id if client else None, role,
            UserStatus.ACTIVE, now, name=role.value.replace("_", " "), mobile="+31612345678",
            password_hash=hash_password(password), factor=Factor.TOTP, totp_secret=secret,
        )  # fmt: skip
        found = store.by_email(email)
        if found is None:
            store.add(user)
        else:
            store.save(replace(user, user_id=found[0].user_id, epoch=found[0].epoch + 1), found[1])
        out[role.value] = {"email": email, "password": password, "totp_secret": secret}
        if client:
            out[role.value]["client"] = client
    _agency_defaults(services, client_id)
    data_dir.mkdir(parents=True, exist_ok=True)
    users_file.write_text(json.dumps(out, indent=2))
    return out


def _agency_defaults(services: Services, client_id: str | None) -> None:
    """The demo client's dunning set-up becomes the agency's default for new clients."""
    dunning = services.repos.dunning
    scope = defaults_scope(AGENCY_ID)
    if client_id is None or dunning.workflows(scope):
        return
    for template_id, template in dunning.templates(client_id).items():
        dunning.save_template(scope, template_id, template)
    for workflow in dunning.workflows(client_id).values():
        dunning.save_workflow(scope, workflow)
    dunning.save_rules(scope, dunning.rules(client_id))
