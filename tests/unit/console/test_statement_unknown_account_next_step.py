"""A real bank file of an account no client has yet (newcomer16 #6): the refusal says what to
do (register the account on its client, where, and upload again; or resolve the item), in
Dutch on the Dutch console, and the agency item's page shows its report with labels and the
received time in Europe/Amsterdam, not as raw keys and an ISO UTC string. A client's own upload
of such an account says the same on its Payments page."""

from __future__ import annotations

import re
from datetime import date

from shared.domain.people.authorisation import Role
from shared.domain.records import ActionItem, ActionStatus
from shared.domain.statements.mt940_writer import OutLine, write_mt940
from shared.services.statements import INBOX
from tests.unit.console.conftest import csrf_of, desk_for
from tests.unit.console.money_support import post_files

NOBODYS = "NL20ABNA0517852257"  # jejik's abnamro.sta account: a valid IBAN, no client's


def _statement(account: str) -> bytes:
    line = OutLine(date(2025, 3, 3), 12_50, "betaling", end_to_end_id="E-1",
                   counterparty_iban="NL02RABO0123456789", counterparty_name="J de Vries")  # fmt: skip
    return write_mt940(
        account, [line], opening=100_000, opening_date=date(2025, 3, 3), statement_id="S1"
    ).encode()


def _text(reply) -> str:  # type: ignore[no-untyped-def]
    return re.sub(r"\s+", " ", reply.encoded().decode())


def test_a_file_of_nobodys_account_says_what_to_do_in_the_pages_language(world, tenants):
    report = world.services.statements.ingest("agency-a/abnamro.sta", _statement(NOBODYS))
    assert report.status == "quarantined" and report.error is not None
    error = str(report.error["error"])
    assert error.startswith(f"account {NOBODYS} belongs to no client of agency agency-a: ")
    assert "register it as a bank account of its client" in error
    assert "Settings, Bank accounts" in error and "upload the file again" in error
    items = world.agency_a.call("GET", "/v1/actions").body["items"]
    [item] = [i for i in items if i["kind"] == "statement_quarantined"]
    staff = desk_for(world, Role.AGENCY_STAFF, None, "staff@agency-a.example")
    page = _text(staff.get(f"/agency-actions/{item['action_id']}?lang=nl"))
    assert f"rekening {NOBODYS} hoort bij geen opdrachtgever van bureau agency-a" in page
    assert "Instellingen van die opdrachtgever, Bankrekeningen" in page
    assert "upload het bestand opnieuw" in page
    assert "belongs to no client" not in page and "register it" not in page
    # the report's fields by their names, the received time as the page's other times
    assert "<dt>error</dt>" not in page and "<dt>Reden</dt>" in page
    assert "<dt>Grootte (bytes)</dt>" in page
    assert "+00:00" not in page and not re.search(r"\d{4}-\d\d-\d\dT\d\d:", page)
    received = re.search(r"<dt>Ontvangen</dt><dd>([^<]*)</dd>", page)
    assert received is not None and re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", received[1])
    english = _text(staff.get(f"/agency-actions/{item['action_id']}?lang=en"))
    assert "<dt>Reason</dt>" in english and "register it as a bank account" in english


def test_a_clients_upload_of_an_unproven_account_says_where_to_add_it(world, tenants):
    admin = desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "admin@c1.example")
    token = csrf_of(admin.get("/payments"))
    sent = post_files(
        admin, "/payments", {"csrf": token}, {"file": ("day.sta", _statement(NOBODYS))}
    )
    assert sent.status == 303
    (name,) = world.services.files.names(INBOX, f"agency-a/console/{tenants.c1}/")
    report = world.services.statements.ingest(name, world.services.files.get(INBOX, name))
    world.services.payment_overview.remember(report)
    assert report.status == "quarantined"
    assert "add it under Settings, Bank accounts" in str(report.error)
    page = _text(admin.get("/payments?lang=nl"))
    assert f"rekening {NOBODYS} is geen geverifieerde rekening van de opdrachtgever" in page
    assert "voeg haar dan toe onder Instellingen, Bankrekeningen" in page
    assert "is not a verified account" not in page


def test_an_unknown_mt940_tag_reads_in_dutch():
    from shared.api.console.statement_refusal_text import refusal

    assert (
        refusal("line 1: unknown MT940 tag :9401:", "nl") == "regel 1: onbekende MT940-code :9401:"
    )


def test_the_refusal_item_is_resolved_once_the_same_file_is_booked(world, tenants):
    """newcomer16b F4: the item said "register it ... and upload the file again"; doing just
    that booked the file (another name, the same bytes) and the item stayed open with the same
    text. The booking resolves it, naming the file that booked it; a file still refused, or
    another agency's identical file, leaves it open."""
    data = _statement(NOBODYS)
    first = world.services.statements.ingest("agency-a/first.sta", data)
    assert first.status == "quarantined"
    other = world.services.statements.ingest("agency-b/first.sta", data)  # another agency's
    assert other.status == "quarantined"

    def held(agency: str) -> list[ActionItem]:
        items, _ = world.services.repos.actions.list(f"@{agency}", page_size=1000)
        return [i for i in items if i.kind == "statement_quarantined"]

    assert [i.status for i in held("agency-a")] == [ActionStatus.OPEN]
    refused_again = world.services.statements.ingest("agency-a/again-early.sta", data)
    assert refused_again.status == "quarantined"
    assert [i.status for i in held("agency-a")] == [ActionStatus.OPEN] * 2
    settings = world.services.client_settings
    client = world.services.repos.clients.get(tenants.c1)[0]  # type: ignore[index]
    client = settings.add_iban(client, NOBODYS, by_agency=True)
    assert settings.decide_iban(client, NOBODYS, world.clock.now()) == "verified"
    booked = world.services.statements.ingest("agency-a/again.sta", data)
    assert booked.status == "booked", booked
    done = held("agency-a")
    assert len(done) == 2 and all(i.status is ActionStatus.RESOLVED for i in done), done
    assert all("agency-a/again.sta" in (i.resolution or "") for i in done)
    assert [i.status for i in held("agency-b")] == [ActionStatus.OPEN]  # B's item is B's
