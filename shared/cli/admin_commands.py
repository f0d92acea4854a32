"""``inning agency create``: onboard an agency and print its first API key; ``inning agency
update``: change its name, third-party account, contact address, VAT number or postal address
later, issuing no key.

Runs against the storage the settings name (``AzureWebJobsStorage`` locally, read from
local.settings.json or the sample as the local host does; identity-based settings in Azure), so
ops can onboard an agency without a key to start from."""

from __future__ import annotations

import argparse
import json
import re
from dataclasses import replace
from datetime import date
from typing import Any

from shared.clock import amsterdam_date
from shared.domain.access import Scope
from shared.domain.parties import Agency, agency_id_error
from shared.domain.references.iban import iban_error
from shared.services.errors import Invalid
from shared.services.onboarding import register_agency


def _refuse_bad_contact(args: argparse.Namespace) -> None:
    """Both commands take the same --iban, --email, --vat-number and --address, refused before
    anything is read."""
    if args.iban and (error := iban_error(args.iban)):
        raise ValueError(f"--iban: {error}")
    if args.email is not None and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}", args.email):
        raise ValueError(f"--email: not an e-mail address: {args.email}")
    if args.vat_number is not None:
        args.vat_number = vat_number(args.vat_number)
    if args.wki_register is not None:
        args.wki_register = wki_register_number(args.wki_register)
    if args.wki_registered_until is not None:
        args.wki_registered_until = registered_until(args.wki_registered_until)
    if args.address is not None:
        args.address = " ".join(args.address.split())
        if not args.address or len(args.address) > 200:
            raise ValueError(
                "--address: give the postal address on one line (at most 200 characters)"
            )


def vat_number(text: str) -> str:
    """A VAT identification number as the statements print it (``NL123456789B01``): a
    country's two letters and its own 2 to 12 characters, spaces and dots left out."""
    number = re.sub(r"[\s.]", "", text).upper()
    if not re.fullmatch(r"[A-Z]{2}[0-9A-Z+*]{2,12}", number):
        raise ValueError(
            f"--vat-number: not a VAT identification number (e.g. NL123456789B01): {text}"
        )
    return number


def wki_register_number(text: str) -> str:
    """The agency's number in the register incassodienstverlening as Justis gives it: letters,
    digits, dashes, dots, slashes and spaces, at most 40 (its format is not published: no
    stricter check)."""
    number = " ".join(text.split())
    if not re.fullmatch(r"[0-9A-Za-z][0-9A-Za-z ./-]{0,39}", number):
        raise ValueError(
            f"--wki-register: not a register number (letters, digits, '-', '.', '/', at most "
            f"40): {text}"
        )
    return number


def registered_until(text: str) -> date:
    """The last day of the agency's registration year as Justis's decision gives it."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            f"--wki-registered-until: not a date (YYYY-MM-DD, the last day the registration "
            f"is valid): {text}"
        ) from None


def stored_agency(repos: Any, agency_id: str) -> Agency | None:
    """The agency of that id, or None, also for an id no key can hold (empty, too long): such
    an agency cannot exist, and "key longer than 512 characters" said nothing of agencies."""
    from shared.adapters.tables.keys import InvalidKey

    try:
        agency: Agency | None = repos.agencies.get(agency_id)
    except InvalidKey:
        return None
    return agency


def cmd_agency_create(args: argparse.Namespace) -> int:
    from shared.cli.app_settings import cli_services
    from shared.services.dunning_starter import seed_agency_defaults

    if not args.new_key and (error := agency_id_error(args.agency_id)):
        # before anything is read: a '/' or '#' went into the key escaped, a tab as it was,
        # an empty or long id failed as "key longer than 512 characters" (newcomer31 F1).
        # --new-key is for an agency that exists, whatever id it was made with
        raise ValueError(error)
    _refuse_bad_contact(args)
    services = cli_services()
    existing = services.repos.agencies.get(args.agency_id)
    if existing is not None and not args.new_key:
        raise ValueError(
            f"agency {args.agency_id} exists; add --new-key to issue another key, or change "
            f"its details with `inning agency update {args.agency_id}`"
        )
    agency = Agency(args.agency_id, args.name, args.iban, args.email, args.vat_number, args.address,
                    args.wki_register, args.wki_registered_until)  # fmt: skip
    if existing is not None:
        # another key for an agency that works: what is not given stays as it is
        agency = _changed(existing, args)
    try:
        register_agency(services.repos, agency)
    except Invalid as exc:  # e.g. an account already registered to someone else
        raise ValueError(
            f"--iban: {exc}" if exc.field == "third_party_iban" else str(exc)
        ) from None
    if existing is None:  # the dunning set-up its onboarded clients start with (newcomer18 F2)
        seed_agency_defaults(services.repos, args.agency_id)
    key, text = services.access.issue(scope=Scope.AGENCY, agency_id=args.agency_id, label="cli")
    if args.json:
        print(json.dumps({"agency_id": args.agency_id, "key_id": key.key_id, "key": text}))
    else:
        print(text)
    return 0


def cmd_agency_update(args: argparse.Namespace) -> int:
    """An agency made without its third-party account (``--iban`` is optional) records it
    here once it has one: its payouts wait for it (``settlement_blocked``) and its clients'
    ledger export is refused without it. No key is issued: a key printed only to change a
    field is one more agency-admin key to revoke (newcomer18 F1)."""
    from shared.cli.app_settings import cli_services
    from shared.services.dunning_starter import seed_agency_defaults
    from shared.services.wki_registration_status import release_consumer_hold

    given = (args.name, args.iban, args.email, args.vat_number, args.address, args.wki_register,
             args.wki_registered_until)  # fmt: skip
    if all(g is None for g in given) and not args.dunning_starter:
        raise ValueError(
            "nothing to change: give --name, --iban, --email, --vat-number, --address, "
            "--wki-register, --wki-registered-until or --dunning-starter"
        )
    _refuse_bad_contact(args)
    services = cli_services()
    existing = stored_agency(services.repos, args.agency_id)
    if existing is None:
        raise ValueError(
            f"agency {args.agency_id!r} does not exist; create it with `inning agency create`"
        )
    try:
        saved = register_agency(services.repos, _changed(existing, args))
    except Invalid as exc:  # e.g. an account already registered to someone else
        raise ValueError(
            f"--iban: {exc}" if exc.field == "third_party_iban" else str(exc)
        ) from None
    # a new last day of the Wki registration ends the hold of its collection from consumers:
    # their hand-overs and the plan letters go with the next run (wki28)
    now = services.clock.now()
    release_consumer_hold(services.repos, existing, saved, amsterdam_date(now), now)
    # an agency made before `create` gave it the starter set (newcomer18 F2); never over its own
    seeded = args.dunning_starter and seed_agency_defaults(services.repos, args.agency_id)
    shown: dict[str, object] = {
        "agency_id": saved.agency_id,
        "name": saved.name,
        "third_party_iban": saved.third_party_iban,
        "contact_email": saved.contact_email,
        "vat_number": saved.vat_number,
        "postal_address": saved.postal_address,
    }
    if saved.wki_register_number:  # only when recorded: the output before it stays as it was
        shown["wki_register_number"] = saved.wki_register_number
    if saved.wki_registered_until:  # the same: only when recorded (law28)
        shown["wki_registered_until"] = saved.wki_registered_until.isoformat()
    if args.dunning_starter:
        shown["dunning_starter"] = "added" if seeded else "kept (the agency has defaults)"
    if args.json:
        print(json.dumps(shown))
    else:
        print("  ".join(f"{k} {v or '-'}" for k, v in shown.items()))
    return 0


def cmd_agency_withdrawn_costs(args: argparse.Namespace) -> int:
    """Business cases withdrawn before disputes27 kept the costs of their hand-over: listed,
    or one restored (shared/services/withdrawn_case_costs.py says why not all by themselves)."""
    from shared.cli.app_settings import cli_services
    from shared.services.withdrawn_case_costs import restore, withdrawn_without_costs

    services = cli_services()
    if stored_agency(services.repos, args.agency_id) is None:
        raise ValueError(f"agency {args.agency_id!r} does not exist")
    ledger = services.payments.ledger
    if args.restore:
        done = restore(services.repos, ledger, args.agency_id, args.restore, services.clock.now())
        if args.json:
            print(json.dumps({"case_id": args.restore, "restored": done}))
        else:
            print(f"{args.restore}: restored {', '.join(done)}" if done
                  else f"{args.restore}: nothing to restore")  # fmt: skip
        return 0
    found = withdrawn_without_costs(services.repos, ledger, args.agency_id)
    rows = [{"case_id": w.case_id, "client_id": w.client_id, "debtor_number": w.debtor_number,
             "handed_over_on": w.handed_over_on.isoformat(),
             "withdrawn_on": w.withdrawn_on.isoformat() if w.withdrawn_on else None,
             "claims": [{"invoice_number": c.number, "owed_from": c.owed_from.isoformat(),
                         "left": c.left} for c in w.claims]}
            for w in found]  # fmt: skip
    if args.json:
        print(json.dumps({"cases": rows}))
        return 0
    for w in found:
        for c in w.claims:
            print(f"{w.case_id}  {w.debtor_number}  {c.number}  owed from {c.owed_from.isoformat()}"
                  f"  {c.left or 'restorable'}")  # fmt: skip
    if not found:
        print("no withdrawn business case without the costs of its hand-over")
    return 0


def _changed(existing: Agency, args: argparse.Namespace) -> Agency:
    """The agency with what the command gives; what it does not give stays."""
    return replace(
        existing,
        name=args.name if args.name is not None else existing.name,
        third_party_iban=args.iban or existing.third_party_iban,
        contact_email=args.email or existing.contact_email,
        vat_number=args.vat_number or existing.vat_number,
        postal_address=args.address or existing.postal_address,
        wki_register_number=args.wki_register or existing.wki_register_number,
        wki_registered_until=args.wki_registered_until or existing.wki_registered_until,
    )


def _invoice_details(parser: Any) -> None:
    parser.add_argument(
        "--vat-number",
        help="the agency's VAT identification number, printed on its settlement statements "
        "(each is its invoice for its fee: art. 35a Wet OB 1968)",
    )
    parser.add_argument(
        "--address", help="the agency's postal address on one line, printed on its statements"
    )
    parser.add_argument(
        "--wki-register",
        help="the agency's number in the register incassodienstverlening (art. 2 Wki, Justis): "
        "the new case's page tells the agency to name it in its first letter, and warns when "
        "it is not recorded",
    )
    parser.add_argument(
        "--wki-registered-until",
        metavar="YYYY-MM-DD",
        help="the last day the registration is valid (Justis registers for a year, renewed "
        "yearly): the agency gets an item a quarter before and when it has passed",
    )


def register(sub: Any) -> None:
    agency = sub.add_parser(
        "agency", help="collection agencies: create one, update it, its withdrawn cases' costs"
    )
    actions = agency.add_subparsers(dest="action", required=True, parser_class=type(agency))
    create = actions.add_parser("create", help="create an agency and print its first API key")
    create.add_argument(
        "agency_id", help="short id: letters, digits, - _ . (at most 64), e.g. acme-incasso"
    )
    create.add_argument("--name", required=True)
    create.add_argument("--iban", help="the agency's third-party funds account")
    create.add_argument("--email", help="where confirmations to the agency go (cases)")
    _invoice_details(create)
    create.add_argument("--new-key", action="store_true", help="issue another key for it")
    create.add_argument("--json", action="store_true")
    create.set_defaults(handler=cmd_agency_create)
    update = actions.add_parser(
        "update",
        help="change an agency's name, third-party account, addresses or VAT number (no new key)",
    )
    update.add_argument("agency_id")
    update.add_argument("--name")
    update.add_argument("--iban", help="the agency's third-party funds account")
    update.add_argument("--email", help="where confirmations to the agency go (cases)")
    _invoice_details(update)
    update.add_argument(
        "--dunning-starter",
        action="store_true",
        help="give the agency the starter workflow and templates its onboarded clients copy "
        "(when it has none)",
    )
    update.add_argument("--json", action="store_true")
    update.set_defaults(handler=cmd_agency_update)
    withdrawn = actions.add_parser(
        "withdrawn-costs",
        help="list business cases withdrawn before the costs of their hand-over were kept "
        "(disputes27), or restore one (--restore CASE: a person's decision)",
    )
    withdrawn.add_argument("agency_id")
    withdrawn.add_argument("--restore", metavar="CASE", help="restore this case's open claims")
    withdrawn.add_argument("--json", action="store_true")
    withdrawn.set_defaults(handler=cmd_agency_withdrawn_costs)
