"""``inning user invite``: the first admin of a fresh installation (no one can invite them
through the API yet); ``inning user reset-factor``: anyone's second factor, the admins' too; ``inning broadcast publish``: a message from the platform to everyone."""

from __future__ import annotations

import argparse
import json
from datetime import date
from typing import TYPE_CHECKING, Any

from shared.domain.people.authorisation import Role, Target
from shared.domain.people.broadcasts import Severity

if TYPE_CHECKING:
    from shared.services.container import Services


def _services() -> Services:
    """The app's services over the app settings read as every other command reads them
    (the environment, then local.settings.json or the sample), so a new shell works."""
    from shared.cli.app_settings import cli_services

    return cli_services()


def _target(args: argparse.Namespace, services: Services) -> Target:
    repos = services.repos
    if args.agency is None:
        # client numbers are each agency's own: a number alone could name another agency's
        # client (attack20 F4), so --client needs --agency as the ops commands do
        if args.client is not None:
            raise ValueError(
                f"--client needs --agency (client numbers are the agency's own): "
                f"add --agency ID to invite into client {args.client}"
            )
        raise ValueError("name the agency (--agency ID), and a client with --client NUMBER")
    from shared.cli.admin_commands import stored_agency

    if stored_agency(repos, args.agency) is None:
        raise ValueError(f"no agency {args.agency!r}; create it with `inning agency create`")
    if args.client is None:
        return Target(args.agency, None)
    client_id = repos.clients.id_for_number(args.agency, args.client)
    if client_id is None:
        raise ValueError(f"agency {args.agency} has no client numbered {args.client}")
    return Target(args.agency, client_id)


def cmd_user_invite(args: argparse.Namespace) -> int:
    from shared.services.errors import Invalid

    services = _services()
    target = _target(args, services)
    role = Role(args.role)
    # the shared refusal ("client_admin needs a client") names no flag; here the fix is one
    # (newcomer32 F2)
    if role in (Role.CLIENT_ADMIN, Role.CLIENT_STAFF) and target.client_id is None:
        raise ValueError(
            f"{role.value} is one of a client's people: add --client NUMBER (the client's "
            f"number at agency {target.agency_id})"
        )
    try:
        user, link = services.people.admin.invite_into(
            target, args.email, role, "cli", name=args.name or "", mobile=args.mobile
        )
    except Invalid as exc:
        raise ValueError(str(exc)) from None
    if args.json:
        print(json.dumps({"user_id": user.user_id, "email": user.email, "invitation": link}))
    else:
        print(
            f"invited {user.email} as {user.role.value}; the link (also mailed, 72 hours):\n{link}"
        )
    return 0


def cmd_user_reset_factor(args: argparse.Namespace) -> int:
    from shared.services.errors import NotFound

    try:
        user, ended = _services().people.admin.reset_factor_by_operator(args.email)
    except NotFound as exc:
        raise ValueError(str(exc)) from None
    print(
        f"{user.email} sets a new password through the link mailed to them (the old one no "
        "longer signs in), then enrols a new second factor at the next sign-in; sessions "
        f"ended; {ended} API keys they minted ended"
    )
    return 0


def _day(text: str, flag: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:  # Python's own "Invalid isoformat string" named neither (newcomer31 F7)
        raise ValueError(f"{flag}: not a date: {text!r} (expected YYYY-MM-DD)") from None


def cmd_broadcast(args: argparse.Namespace) -> int:
    from shared.services.errors import Invalid

    starts, until = _day(args.starts, "--from"), _day(args.until, "--until")  # before storage
    try:
        made = _services().people.admin.publish(
            None, args.nl, args.en, starts, until,
            Severity(args.severity),
        )  # fmt: skip
    except Invalid as exc:
        raise ValueError(str(exc)) from None
    print(made.broadcast_id)
    return 0


def register(sub: Any) -> None:
    user = sub.add_parser(
        "user", help="people: invite one (an agency's first admin too), reset a second factor"
    )
    actions = user.add_subparsers(dest="action", required=True, parser_class=type(user))
    invite = actions.add_parser("invite", help="invite a user and print the invitation link")
    invite.add_argument("email")
    invite.add_argument("--agency", help="agency id (the user is one of its own people)")
    invite.add_argument(
        "--client", help="the client's number at --agency (the user is one of the client's)"
    )
    invite.add_argument("--role", required=True, choices=[r.value for r in Role])
    invite.add_argument("--name")
    invite.add_argument("--mobile")
    invite.add_argument("--json", action="store_true")
    invite.set_defaults(handler=cmd_user_invite)
    reset = actions.add_parser(
        "reset-factor",
        help="the person sets a new password through the mailed link, then enrols a new second "
        "factor (after a pepper rotation, or an account taken over)",
    )
    reset.add_argument("email")
    reset.set_defaults(handler=cmd_user_reset_factor)
    broadcast = sub.add_parser("broadcast", help="a message from the platform to every user")
    b_actions = broadcast.add_subparsers(dest="action", required=True, parser_class=type(broadcast))
    publish = b_actions.add_parser("publish")
    publish.add_argument("--nl", required=True)
    publish.add_argument("--en", required=True)
    publish.add_argument("--from", dest="starts", required=True, help="first day, 2025-03-01")
    publish.add_argument("--until", required=True, help="last day")
    publish.add_argument("--severity", default="info", choices=[s.value for s in Severity])
    publish.set_defaults(handler=cmd_broadcast)
