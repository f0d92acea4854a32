"""What the matcher's reasons show staff of an invoice: its number as the client wrote it, and
on the agency's pooled account the client's code (the one the portal has the debtor quote),
never the index's key. newcomer19 F11: the agency's item, the API and the console read "0502
is the tail of invoice clad2c1ebc3596\\x1f24-0502", the client's internal id and a control
character."""

from __future__ import annotations

from datetime import date

from shared.api.console.action_text import reason
from shared.domain.statements.client_code import client_code
from shared.domain.statements.matching import InvoiceIndex, OpenInvoice, match_lines
from shared.domain.statements.model import StatementLine
from shared.services.statements_redo import UNDONE
from tests.unit.services.test_pooled_case_quote_without_opt_in import POOLED, _tech
from tests.unit.services.test_pooled_handed_over_quote import _two_clients, client_of, pay
from tests.unit.services.test_statement_ingest import paid_line, statement


def _listed_reasons(world, kind, client=None):  # type: ignore[no-untyped-def]
    """The reasons of the one item of ``kind`` on the agency's list (or the client's)."""
    scope = client_of(world, client).client_id if client else "@agency-a"
    items, _ = world.services.repos.actions.list(scope)
    [item] = [x for x in items if x.kind == kind]
    path = f"/v1/clients/{client}/actions" if client else "/v1/actions"
    [listed] = [x for x in world.agency_a.call("GET", path).body["items"] if x["kind"] == kind]
    assert listed["detail"]["reasons"] == item.detail["reasons"]  # the API shows them as kept
    return item.detail["reasons"]


def _no_key_in(reasons, *client_ids):  # type: ignore[no-untyped-def]
    for text in reasons:
        assert "\x1f" not in text
        assert not any(cid in text for cid in client_ids), text


def test_a_number_of_two_clients_on_the_pooled_account_names_the_number_and_its_client(world):  # type: ignore[no-untyped-def]
    _two_clients(world)
    pay(world, "D-1001 F-0001")  # the same number of C2 and of C3, no client's code
    reasons = _listed_reasons(world, "payment_suggestion")
    ids = [client_of(world, n).client_id for n in ("C2", "C3")]
    _no_key_in(reasons, *ids)
    said = {f"rule number: invoice number F-0001 of client {client_code(c)} in the description"
            for c in ids}  # fmt: skip
    assert said & set(reasons), reasons
    # and each of them reads Dutch on the Dutch console (the "not booked: ..." of the pooled
    # account stood in English there)
    untranslated = [r for r in reasons if reason(r, "nl") == r]
    assert not untranslated
    assert any(f"F-0001 van opdrachtgever {client_code(c)}" in reason(r, "nl")
               for r in reasons for c in ids)  # fmt: skip


def test_the_pooled_accounts_refusals_to_book_read_dutch():
    for text in (
        "not booked: the text names more than one client's code",
        "not booked: the text names invoices of more than one client of this account and no "
        "client's code",
        "not booked: the text names invoices of more than one client of this account and its "
        "code is more than one's",
        "not booked: the payer's account is known to more than one client here",
        "not booked: the invoice changed since it was indexed",
        UNDONE,
    ):
        dutch = reason(text, "nl")
        assert dutch.startswith(("niet geboekt: ", "geboekt op een factuur")), dutch
        assert reason(text, "en") == text


def test_a_tail_on_the_pooled_account_names_the_invoice_and_the_clients_code(world):  # type: ignore[no-untyped-def]
    tech = _tech(world, handed_over=True)
    code = client_code(tech.client_id)
    # part of what is open, by its tail only: a suggestion on the agency's list
    line = paid_line(10_000, f"{code} K101 0502", end_to_end_id="E-1", name="CAFE T HOEKJE")
    report = world.services.statements.ingest(
        "agency-a/pool.sta",
        statement([line], opening=0, account=POOLED, sid="S1", day=date(2025, 3, 4)),
    )
    assert report.suggested == 1
    reasons = _listed_reasons(world, "payment_suggestion", "TECH")
    _no_key_in(reasons, tech.client_id)
    assert (
        f"rule number without prefix/year: 0502 is the tail of invoice 24-0502 of client {code}"
        in reasons
    )
    dutch = [reason(r, "nl") for r in reasons]
    assert (
        f"regel nummer zonder voorvoegsel/jaar: 0502 is het einde van factuur 24-0502 van "
        f"opdrachtgever {code}" in dutch
    )


def test_on_a_clients_own_account_the_reason_names_the_number_alone():
    """No client's code where the account is one client's (``inning match``, the CLI)."""
    index = InvoiceIndex([OpenInvoice("24-0502", "K101", "Cafe t Hoekje", 12_100)])
    day = date(2025, 3, 4)
    line = StatementLine(day, day, 10_000, "EUR", counterparty_name="X", remittance="K101 0502")
    [result] = match_lines([line], index)
    assert "rule number without prefix/year: 0502 is the tail of invoice 24-0502" in (
        result.reasons
    )
    assert not any("of client" in r for r in result.reasons)


def test_a_reason_kept_with_the_key_reads_as_one_written_now():
    """Items written before keep their reasons: the console and the API read the key."""
    kept = "rule number without prefix/year: 0502 is the tail of invoice clad2c1ebc3596\x1f24-0502"
    code = client_code("clad2c1ebc3596")
    assert reason(kept, "en") == (
        f"rule number without prefix/year: 0502 is the tail of invoice 24-0502 of client {code}"
    )
    assert reason(kept, "nl") == (
        f"regel nummer zonder voorvoegsel/jaar: 0502 is het einde van factuur 24-0502 van "
        f"opdrachtgever {code}"
    )
    several = "rule number: invoice numbers cl1\x1fF-1, cl1\x1fF-2 in the description"
    assert reason(several, "en") == (
        f"rule number: invoice numbers F-1 of client {client_code('cl1')}, "
        f"F-2 of client {client_code('cl1')} in the description"
    )


def test_the_api_reads_an_item_kept_with_the_key_as_one_written_now(world):  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    from shared.domain.records import ActionItem

    _two_clients(world)
    c3 = client_of(world, "C3").client_id
    kept = f"rule number: invoice number {c3}\x1fF-0001 in the description"
    world.services.repos.actions.add(ActionItem(
        "@agency-a", "a-old", "payment_suggestion", "Check payment of € 121,00",
        datetime(2025, 3, 4, tzinfo=UTC), detail={"reasons": [kept, "amount equals the open amount"]},
    ))  # fmt: skip
    [old] = [x for x in world.agency_a.call("GET", "/v1/actions").body["items"]
             if x["action_id"] == "a-old"]  # fmt: skip
    assert old["detail"]["reasons"] == [
        f"rule number: invoice number F-0001 of client {client_code(c3)} in the description",
        "amount equals the open amount",
    ]
