"""``inning costs``, ``inning interest``, ``inning kenmerk``, ``inning term``,
``inning prescription``: the law module on the command line."""

from __future__ import annotations

import argparse
import sys
from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from shared.domain.law.fourteen_day_letter import LetterChannel
from shared.domain.money import format_cents, parse_amount, round_half_up

if TYPE_CHECKING:
    from shared.domain.law.interest_rates import RateTable

# Each command imports its own rules inside its handler: a call pays only for what it runs
# (the time zone database, JSON and the other rules load when a command needs them).


def _date(text: str, field: str) -> date:
    """``field``: the argument as the user typed it (``start``, ``--contract-date``): of
    three dates on one line, the error says which (newcomer31 F7)."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{field}: not a date: {text!r} (expected YYYY-MM-DD)") from None


def _exact(value: Fraction) -> str:
    """An exact cents fraction as euros with six decimals, for breakdowns."""
    micro = round_half_up(value * 10_000)
    sign = "-" if micro < 0 else ""
    whole, rest = divmod(abs(micro), 1_000_000)
    return f"{sign}{whole}.{rest:06d}"


def _percent(rate: Fraction) -> str:
    return f"{float(rate * 100):.2f}"  # display only; never used in a calculation


def _print_json(data: dict[str, Any]) -> None:
    import json

    json.dump(data, sys.stdout, indent=2)
    sys.stdout.write("\n")


def cmd_costs(args: argparse.Namespace) -> int:
    from shared.domain.law.collection_costs import collection_costs

    principal = parse_amount(args.amount)
    if principal == 0:
        raise ValueError("amount must be greater than zero")
    agreed = None
    if args.percent is not None or args.fixed is not None:
        from shared.domain.law.agreed_costs import agreed_costs, parse_percent

        if not args.b2b:
            raise ValueError("agreed costs (--percent/--fixed) apply to businesses only (--b2b)")
        if args.percent is not None and args.fixed is not None:
            raise ValueError("give --percent or --fixed, not both")
        fixed = parse_amount(args.fixed) if args.fixed is not None else 0
        if args.fixed is not None and fixed == 0:
            raise ValueError("--fixed must be greater than zero")
        percent = parse_percent(args.percent) if args.percent is not None else None
        agreed = agreed_costs(percent, fixed)
    result = collection_costs(
        principal, consumer=not args.b2b, vat_not_deductible=args.vat, agreed=agreed
    )
    # agreed costs above what the staffel gives on this principal: a court may cut them to it
    # (HR 10-7-2015, ECLI:NL:HR:2015:1868); the settings page warns, the CLI said nothing and
    # its JSON called the agreed amount "staffel_exact" (lawyer26 F2)
    staffel = collection_costs(principal, consumer=False, vat_not_deductible=args.vat)
    cut = agreed is not None and result.costs > staffel.costs
    if args.json:
        _print_json(
            {
                "principal": format_cents(result.principal),
                "debtor": "b2b" if args.b2b else "b2c",
                "bands": [
                    {
                        "from": format_cents(b.lower),
                        "to": None if b.upper is None else format_cents(b.upper),
                        "rate_percent": _percent(b.rate),
                        "base": format_cents(b.base),
                        "amount": _exact(b.amount),
                    }
                    for b in result.bands
                ],
                "staffel_exact": _exact(result.uncapped),
                "minimum_applied": result.minimum_applied,
                "maximum_applied": result.maximum_applied,
                "costs": format_cents(result.costs),
                "vat": format_cents(result.vat),
                "total": format_cents(result.total),
                # what the staffel gives on this principal, beside agreed costs
                **({"staffel_costs": format_cents(staffel.costs),
                    "staffel_total": format_cents(staffel.total),
                    "above_staffel": cut} if agreed is not None else {}),
            }
        )  # fmt: skip
    else:
        print(format_cents(result.total))
    if cut:
        print(
            f"note: the agreed {format_cents(result.costs)} is above the staffel's "
            f"{format_cents(staffel.costs)} on this principal: a court may cut agreed costs to "
            "the staffel unless they are reasonable (art. 6:96 lid 2 BW; HR 10-7-2015, "
            "ECLI:NL:HR:2015:1868)",
            file=sys.stderr,
        )
    return 0


def _rate_table(path: str) -> RateTable:
    from shared.domain.law.interest_rates import RateTableError, parse_rate_table

    try:
        return parse_rate_table(Path(path).read_text(encoding="utf-8-sig").splitlines())
    except OSError as exc:
        raise ValueError(f"cannot read {path}: {exc.strerror}") from None
    except RateTableError as exc:
        raise ValueError(f"{path}: {exc}") from None


def _stale_table_warning(rates_file: str | None) -> str:
    """The stale-table warning in terms of this command: it computes with the shipped table
    (or ``--rates FILE``) and never reads the table put in force for the app, so telling it to
    run ``inning rates update`` would repeat after the update succeeded."""
    from shared.domain.law.interest_rates import STALE_AFTER_MONTHS

    table = f"the table in {rates_file}" if rates_file else "the shipped rate table"
    return (
        f"{table} has no rate of the last {STALE_AFTER_MONTHS} months (a half-yearly change is "
        "probably missing); pass the current table with --rates FILE "
        "(`inning rates update FILE` puts it in force for the app, not for this command)"
    )


def cmd_interest(args: argparse.Namespace) -> int:
    from shared.clock import amsterdam_today
    from shared.domain.law.interest import statutory_interest
    from shared.domain.law.interest_rates import commercial_margin, default_rate_table
    from shared.domain.ledger.accrual import rates_known_until

    principal = parse_amount(args.amount)
    start, paid_on = _date(args.start, "start"), _date(args.end, "end")
    # the ledger's rule (accrual.interest_end): 6:119a counts the payment day, 6:119 does not
    end = paid_on + timedelta(days=1) if args.commercial else paid_on
    contract_date = _date(args.contract_date, "--contract-date") if args.contract_date else None
    if contract_date is not None and contract_date > start:
        raise ValueError(
            f"contract date {contract_date.isoformat()} is after the first interest day: "
            "interest on an agreement cannot run before it was concluded"
        )
    table = _rate_table(args.rates) if args.rates else default_rate_table()
    result = statutory_interest(
        principal,
        start,
        end,
        commercial=args.commercial,
        rates=table,
        # a stale table matters only to a period running past its newest rate's half-year: a
        # period it covers is computed right however old the table is (no warning then)
        as_of=amsterdam_today() if end > rates_known_until(table) else None,
        contract_date=contract_date,
    )
    if result.warnings and not args.json:  # with --json the warning is in the JSON, once
        print(f"inning: warning: {_stale_table_warning(args.rates)}", file=sys.stderr)
    if args.json:
        _print_json(
            {
                "principal": format_cents(principal),
                "start": start.isoformat(),
                "paid_on": paid_on.isoformat(),
                "end_exclusive": end.isoformat(),
                "kind": "commercial" if args.commercial else "consumer",
                # the agreement's date the 6:119a margin went by (given, or the start date)
                "contract_date": result.contract_date.isoformat() if result.contract_date else None,
                "commercial_margin": commercial_margin(result.contract_date)
                if args.commercial
                else None,
                "day_count": "actual/365",
                "periods": [
                    {
                        "start": p.start.isoformat(),
                        "end_exclusive": p.end.isoformat(),
                        "days": p.days,
                        "rate_percent": _percent(p.rate),
                        "base": _exact(p.base),
                        "interest": _exact(p.interest),
                    }
                    for p in result.periods
                ],
                "capitalisations": [
                    {
                        "on": c.on.isoformat(),
                        "added": _exact(c.added),
                        "new_base": _exact(c.new_base),
                    }
                    for c in result.capitalisations
                ],
                "interest": format_cents(result.interest),
                "warnings": list(result.warnings),
            }
        )
    else:
        print(format_cents(result.interest))
    return 0


def cmd_kenmerk(args: argparse.Namespace) -> int:
    from shared.domain.references import betalingskenmerk

    if args.check is not None:
        # a negative answer is said on stderr with why (newcomer31 F8: it was silent, exit 1
        # alone); stdout carries only the result data (--json), so `&& echo valid` works
        why = betalingskenmerk.why_invalid(args.check)
        if args.json:
            _print_json({"reference": args.check, "valid": why is None})
        if why is not None:
            print(f"inning: not a valid betalingskenmerk: {args.check}: {why}", file=sys.stderr)
            return 1
        return 0
    if args.digits is None:
        raise ValueError("give 15 digits, or --check REF")
    reference = betalingskenmerk.generate(args.digits)
    if args.json:
        _print_json(
            {
                "digits": args.digits,
                "check_digit": int(reference[0]),
                "reference": reference,
                "display": betalingskenmerk.display(reference),
            }
        )
    else:
        print(reference)
    return 0


def _country(text: str) -> str:
    """A postal address's country as ISO 3166-1 alpha-2, or refused: anything else ("NLD",
    a typo) read as abroad moved the day costs are owed by a week or more (newcomer14 #5)."""
    from shared.domain.countries import is_country

    if not is_country(text):
        hint = " (an alpha-3 code? give the two letters, e.g. NL)" if len(text.strip()) == 3 else ""
        raise ValueError(
            f"not a country: {text!r}; expected an ISO 3166-1 alpha-2 code such as NL, BE, DE"
            + hint
        )
    return text.strip().upper()


def cmd_term(args: argparse.Namespace) -> int:
    from shared.domain.dutch_calendar import calendar_warning
    from shared.domain.law.fourteen_day_letter import fourteen_day_term

    sent, country = _date(args.sent, "sent"), _country(args.country)
    term = fourteen_day_term(sent, LetterChannel(args.channel), country=country)
    data = {
        "sent_on": term.sent_on.isoformat(),
        "channel": term.channel.value,
        "country": country,
        "received_on": term.received_on.isoformat(),
        "term_starts": term.term_starts.isoformat(),
        "last_day": term.last_day.isoformat(),
        "costs_owed_from": term.costs_owed_from.isoformat(),
    }
    # past the newest Besluit gelijkstelling the calendar may miss an equated day
    warning = calendar_warning(term.last_day)
    if warning:
        data["warning"] = warning
        print(f"warning: {warning}", file=sys.stderr)
    if args.json:
        _print_json(data)
    else:
        print(term.costs_owed_from.isoformat())
    return 0


def cmd_prescription(args: argparse.Namespace) -> int:
    from shared.domain.law.prescription import (
        CONSUMER_PURCHASE_YEARS,
        DEFAULT_YEARS,
        ClaimKind,
        prescription,
    )

    if args.consumer_purchase and args.kind == ClaimKind.OTHER.value:
        raise ValueError("--consumer-purchase and --kind other contradict each other")
    sale = args.consumer_purchase or args.kind == ClaimKind.CONSUMER_SALE.value
    if args.years is not None and args.years <= 0:
        raise ValueError("--years must be positive")
    years = args.years or (CONSUMER_PURCHASE_YEARS if sale else DEFAULT_YEARS)
    result = prescription(
        _date(args.due, "due"),
        consumer_purchase=sale,
        interruptions=[_date(d, "--interrupted") for d in args.interrupted or []],
        years=years,
    )
    if args.json:
        _print_json(
            {
                "term_years": years,
                "period_starts": result.period_starts.isoformat(),
                "last_day": result.last_day.isoformat(),
                "prescribed_on": result.prescribed_on.isoformat(),
                "too_late": [d.isoformat() for d in result.too_late],
                "interrupted_by": [d.isoformat() for d in result.interrupted_by],
            }
        )
    else:
        print(result.prescribed_on.isoformat())
    for demand in result.too_late:
        print(
            f"note: {demand.isoformat()} came when the claim had already prescribed: "
            "a demand then interrupts nothing and cannot revive it (art. 3:317 BW)",
            file=sys.stderr,
        )
    return 0


def register(sub: Any) -> None:
    costs = sub.add_parser("costs", help="WIK collection costs for a principal")
    costs.add_argument("amount", help="principal in euros, e.g. 2501.00")
    costs.add_argument("--b2b", action="store_true", help="the debtor is a business")
    costs.add_argument("--vat", action="store_true", help="add 21%% VAT (client cannot deduct)")
    costs.add_argument(
        "--percent",
        help="B2B: the percentage the client's terms agree, e.g. 15 (never below 40.00)",
    )
    costs.add_argument("--fixed", help="B2B: the fixed amount the client's terms agree, in euros")
    costs.add_argument("--json", action="store_true")
    costs.set_defaults(handler=cmd_costs)

    interest = sub.add_parser("interest", help="statutory interest from START up to END")
    interest.add_argument("amount")
    interest.add_argument("start", help="first day interest runs (YYYY-MM-DD)")
    interest.add_argument(
        "end",
        help="the day the money is paid (YYYY-MM-DD): with --commercial it bears interest "
        "(art. 6:119a lid 1 BW: 'tot en met'), without it the interest ends the day before",
    )
    interest.add_argument("--commercial", action="store_true", help="art. 6:119a BW rate")
    interest.add_argument(
        "--rates", metavar="FILE", help="a rate table (CSV) instead of the shipped one"
    )
    interest.add_argument(
        "--contract-date",
        metavar="DATE",
        help="the day the agreement was concluded: before 2013-03-16 the 6:119a rate is "
        "ECB + 7 points, from then + 8 (default: START, the latest it can have been)",
    )
    interest.add_argument("--json", action="store_true")
    interest.set_defaults(handler=cmd_interest)

    kenmerk = sub.add_parser("kenmerk", help="Dutch betalingskenmerk: generate or --check")
    kenmerk.add_argument("digits", nargs="?", help="15 digits")
    kenmerk.add_argument("--check", metavar="REF", help="exit 0 when REF is valid, 1 if not")
    kenmerk.add_argument("--json", action="store_true")
    kenmerk.set_defaults(handler=cmd_kenmerk)

    term = sub.add_parser("term", help="when costs are owed after a 14-day letter")
    term.add_argument("sent", help="send date (YYYY-MM-DD)")
    term.add_argument("--channel", default="letter", choices=[c.value for c in LetterChannel])
    term.add_argument(
        "--country", default="NL", help="the postal address's country (ISO 3166-1 alpha-2: NL, "
        "BE, DE; anything else exits 2): post abroad is received by the cross-border target"
    )  # fmt: skip
    term.add_argument("--json", action="store_true")
    term.set_defaults(handler=cmd_term)

    presc = sub.add_parser("prescription", help="the date a claim prescribes")
    presc.add_argument("due", help="due date (YYYY-MM-DD)")
    presc.add_argument("--consumer-purchase", action="store_true", help="2 years (7:28 BW)")
    presc.add_argument(
        "--kind",
        choices=["consumer_sale", "other"],
        help="consumer_sale: 2 years (7:28 BW); other: 5 years (3:307 BW, the default)",
    )
    presc.add_argument("--years", type=int, help="a term the client configured instead")
    presc.add_argument("--interrupted", action="append", metavar="DATE")
    presc.add_argument("--json", action="store_true")
    presc.set_defaults(handler=cmd_prescription)
