"""#12 item 10: an agency proves an account is its client's before statements of it are booked;
registering can neither probe nor block another customer's account."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from shared.domain.parties import Agency
from shared.domain.people.audit import Event
from shared.domain.scopes import agency_scope
from shared.domain.statements.mt940_writer import OutLine, write_mt940
from shared.services.account_ownership import AccountOwnership
from shared.services.onboarding import register_agency
from shared.services.poison import PLATFORM_SCOPE
from tests.unit.api.conftest import client_iban, client_row, debtor_row, invoice_row, verify_ibans

ACCOUNT = client_iban("C1")


def _client_id(world, number):
    found = world.services.repos.clients.id_for_number("agency-a", number)
    assert found
    return found


def _statement(text: str, amount: int = 1) -> bytes:
    line = OutLine(
        date(2025, 3, 3),
        amount,
        text,
        counterparty_iban="NL02RABO0123456789",
        counterparty_name="X",
    )
    return write_mt940(
        ACCOUNT, [line], opening=0, opening_date=date(2025, 3, 3), statement_id="V1"
    ).encode()


def test_registering_another_agencys_proven_account_is_refused_and_takes_nothing(world):
    """iban28 (newcomer28 F2): registering was answered as for a free account (no oracle), and
    the same minute's reminders told B1's debtors to pay into agency A's client's account. The
    row is refused now with the agency's words (``iban_taken``), naming nobody; a pending
    claim refuses nothing (else anybody could block the real owner by claiming first)."""
    a, b = world.agency_a, world.agency_b
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    b.call("POST", "/v1/clients", {"items": [client_row("B9", ibans=[client_iban("C9")])]})
    assert a.call("POST", "/v1/clients", {"items": [client_row("C9")]}).body["rejected"] == 0
    verify_ibans(a, "C1")
    taken = b.call("POST", "/v1/clients", {"items": [client_row("B1", ibans=[ACCOUNT])]})
    assert taken.body["rejected"] == 1 and taken.body["created"] == 0
    assert taken.body["errors"] == [{"index": 0, "field": "ibans", "message":
                                     f"IBAN {ACCOUNT} is registered to another client or agency"}]  # fmt: skip
    assert b.call("GET", "/v1/clients/B1").status == 404
    owner = world.services.repos.banking.owner(ACCOUNT)
    assert owner.agency_id == "agency-a"
    b.call("POST", "/v1/clients", {"items": [client_row("B1")]})
    # agency B's statement of that account is not booked for B1
    report = world.services.statements.ingest("agency-b/x.sta", _statement("anything"))
    assert report.status == "quarantined"


def test_an_unproven_account_is_not_booked_and_a_transfer_from_it_with_the_code_proves_it(world):
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row("F1")]})
    assert world.services.repos.banking.owner(ACCOUNT) is None
    assert (
        world.services.statements.ingest("agency-a/a.sta", _statement("hello")).status
        == "quarantined"
    )
    [item] = a.call("GET", "/v1/clients/C1/ibans").body["items"]
    code = item["code"]
    # a credit INTO the account proves nothing: anybody can pay into it with any text
    paid_in = world.services.statements.ingest(
        "agency-a/b.sta", _statement(f"verificatie {code.lower()}", amount=1)
    )
    assert paid_in.status == "quarantined"
    assert world.services.repos.banking.owner(ACCOUNT) is None
    # a transfer out of it (a debit on its own statement) only its holder makes
    report = world.services.statements.ingest(
        "agency-a/c.sta", _statement(f"verificatie {code.lower()}", amount=-1)
    )
    assert report.status == "booked"
    assert world.services.repos.banking.owner(ACCOUNT).client_id is not None
    assert [i["status"] for i in a.call("GET", "/v1/clients/C1/ibans").body["items"]] == [
        "verified"
    ]


def test_a_transfer_from_the_account_to_the_agencys_account_proves_it(world):
    """attack8 #1: the proof the holder alone gives: a credit on the agency's own account
    whose counterparty is the claimed account, with the code; another payer's credit with the
    same code (or the right payer without it) proves nothing."""
    pooled = client_iban("POOL")
    register_agency(world.services.repos, Agency("agency-a", "A", pooled))
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    [item] = a.call("GET", "/v1/clients/C1/ibans").body["items"]

    def to_pool(day: int, counterparty: str, text: str) -> str:
        on = date(2025, 3, day)  # a statement a day: each one its own
        # the account holder's name as the bank gives it: the client's own (pooled11)
        line = OutLine(on, 1, text, counterparty_iban=counterparty, counterparty_name="CLIENT C1")
        sta = write_mt940(pooled, [line], opening=0, opening_date=on, statement_id=f"P{day}")
        return str(world.services.statements.ingest(f"agency-a/p{day}.sta", sta.encode()).status)

    assert to_pool(3, "NL02RABO0123456789", f"code {item['code']}") == "booked"
    assert to_pool(4, ACCOUNT, "zonder code") == "booked"
    assert world.services.repos.banking.owner(ACCOUNT) is None
    assert to_pool(5, ACCOUNT, f"verificatie {item['code']}") == "booked"
    owner = world.services.repos.banking.owner(ACCOUNT)
    assert owner is not None and owner.client_id == _client_id(world, "C1")


def test_a_client_added_account_is_not_proven_by_its_own_confirmation(world):
    """attack8 #1: C2's admin adds C1's pending account and confirms the code on its own page;
    that proves nothing (was: the account and its statements became C2's). The agency's
    registration for C1 and C1's confirmation is still proof."""
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1"), client_row("C2", ibans=[])]})
    c2 = world.services.repos.clients.get(_client_id(world, "C2"))[0]
    world.services.client_settings.add_iban(c2, ACCOUNT, by_agency=False)
    c2_key = a.call("POST", "/v1/keys", {"scope": "client", "client": "C2", "admin": True}).body
    c2_client = a.as_key(c2_key["key"])
    [item] = c2_client.call("GET", "/v1/clients/C2/ibans").body["items"]
    assert item["registered_by"] == "client"
    reply = c2_client.call(
        "POST", "/v1/clients/C2/ibans/confirm", {"iban": ACCOUNT, "code": item["code"]}
    )
    assert reply.status == 422 and "proves nothing" in reply.body["error"]["message"], reply.body
    assert world.services.repos.banking.owner(ACCOUNT) is None
    # the agency registered it for C1, but C2 claims it too: C1's confirmation waits for the
    # agency, which decides
    c1_key = a.call("POST", "/v1/keys", {"scope": "client", "client": "C1", "admin": True}).body
    c1_client = a.as_key(c1_key["key"])
    [c1_item] = c1_client.call("GET", "/v1/clients/C1/ibans").body["items"]
    assert c1_item["registered_by"] == "agency"
    reply = c1_client.call(
        "POST", "/v1/clients/C1/ibans/confirm", {"iban": ACCOUNT, "code": c1_item["code"]}
    )
    assert reply.body["status"] == "pending"
    items, _ = world.services.repos.actions.list(agency_scope("agency-a"))
    assert [i.kind for i in items] == ["account_claim"]
    assert a.call("POST", "/v1/clients/C1/ibans/decide", {"iban": ACCOUNT}).status == 200
    assert world.services.repos.banking.owner(ACCOUNT).client_id == _client_id(world, "C1")


def test_a_second_client_of_the_agency_waits_for_the_agencys_decision(world):
    """While C1 claims the account (registered, not yet proven), C2's proof, even a transfer
    from the account, makes it nobody's: an account_claim item on the agency's list; the
    agency decides with POST …/ibans/decide (audited), which an agency key alone may."""
    pooled = client_iban("POOL")
    register_agency(world.services.repos, Agency("agency-a", "A", pooled))
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1"), client_row("C2", ibans=[ACCOUNT])]})
    c2_key = a.call("POST", "/v1/keys", {"scope": "client", "client": "C2", "admin": True}).body
    c2_client = a.as_key(c2_key["key"])
    [item] = c2_client.call("GET", "/v1/clients/C2/ibans").body["items"]
    reply = c2_client.call(
        "POST", "/v1/clients/C2/ibans/confirm", {"iban": ACCOUNT, "code": item["code"]}
    )
    assert reply.body == {"iban": ACCOUNT, "status": "pending"}
    line = OutLine(
        date(2025, 3, 3), 1, item["code"], counterparty_iban=ACCOUNT, counterparty_name="X"
    )
    sta = write_mt940(pooled, [line], opening=0, opening_date=date(2025, 3, 3), statement_id="P")
    world.services.statements.ingest("agency-a/p.sta", sta.encode())
    assert world.services.repos.banking.owner(ACCOUNT) is None
    items, _ = world.services.repos.actions.list(agency_scope("agency-a"))
    claims = [i for i in items if i.kind == "account_claim"]
    assert len(claims) == 2 and claims[0].detail["claimant_client"] == _client_id(world, "C2")
    assert claims[0].detail["also_claimed_by"] == _client_id(world, "C1")
    assert c2_client.call("POST", "/v1/clients/C2/ibans/decide", {"iban": ACCOUNT}).status == 404
    done = a.call("POST", "/v1/clients/C2/ibans/decide", {"iban": ACCOUNT})
    assert done.body == {"iban": ACCOUNT, "status": "verified"}, done.body
    assert world.services.repos.banking.owner(ACCOUNT).client_id == _client_id(world, "C2")
    kit = world.services.people.kit
    events = kit.people.audit.between(f"client:{_client_id(world, 'C2')}", "0", "z")
    assert [e.event for e in events] == [Event.ACCOUNT_ASSIGNED]
    # C1's confirmation now changes nothing: the agency's list again, C2 keeps it
    verify_c1 = a.call("POST", "/v1/keys", {"scope": "client", "client": "C1", "admin": True}).body
    c1_client = a.as_key(verify_c1["key"])
    [c1_item] = c1_client.call("GET", "/v1/clients/C1/ibans").body["items"]
    # iban28: no proof steps for an account another client holds (they could never work)
    assert (c1_item["status"], c1_item["reason"]) == ("disputed", "iban_held_by_other")
    assert "code" not in c1_item
    [c1_claim] = AccountOwnership(world.services.repos).claims(ACCOUNT)
    again = c1_client.call(
        "POST", "/v1/clients/C1/ibans/confirm", {"iban": ACCOUNT, "code": c1_claim.code}
    )
    assert again.body["status"] == "pending"
    assert world.services.repos.banking.owner(ACCOUNT).client_id == _client_id(world, "C2")


def test_only_the_clients_own_key_confirms_and_only_with_the_code(world):
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    [item] = a.call("GET", "/v1/clients/C1/ibans").body["items"]
    by_agency = a.call(
        "POST", "/v1/clients/C1/ibans/confirm", {"iban": ACCOUNT, "code": item["code"]}
    )
    assert by_agency.status == 403
    key = a.call("POST", "/v1/keys", {"scope": "client", "client": "C1", "admin": True}).body["key"]
    client = a.as_key(key)
    wrong = client.call(
        "POST", "/v1/clients/C1/ibans/confirm", {"iban": ACCOUNT, "code": "INNV-AAAA-AAAA"}
    )
    assert wrong.status == 422
    right = client.call(
        "POST", "/v1/clients/C1/ibans/confirm", {"iban": ACCOUNT, "code": item["code"]}
    )
    assert right.body == {"iban": ACCOUNT, "status": "verified"}
    assert world.agency_b.call("GET", "/v1/clients/C1/ibans").status == 404


def test_a_proof_for_an_owned_account_changes_nothing_and_goes_to_the_operator(world):
    a, b = world.agency_a, world.agency_b
    # B1 registered it before agency A proved it its client's (registered after: refused)
    b.call("POST", "/v1/clients", {"items": [client_row("B1", ibans=[ACCOUNT])]})
    [item] = b.call("GET", "/v1/clients/B1/ibans").body["items"]
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    verify_ibans(a, "C1")
    key = b.call("POST", "/v1/keys", {"scope": "client", "client": "B1", "admin": True}).body["key"]
    reply = b.as_key(key).call(
        "POST", "/v1/clients/B1/ibans/confirm", {"iban": ACCOUNT, "code": item["code"]}
    )
    assert reply.body["status"] == "pending"
    assert world.services.repos.banking.owner(ACCOUNT).agency_id == "agency-a"
    items, _ = world.services.repos.actions.list(PLATFORM_SCOPE)
    assert [i.kind for i in items] == ["account_dispute"]


def test_the_agency_decides_only_for_its_own_accounts(world):
    """Another agency's account: the decision changes nothing and the operator gets it (the
    agency learns no more than "pending"); the agency's own third-party account is no
    client's to be given."""
    a, b = world.agency_a, world.agency_b
    b.call("POST", "/v1/clients", {"items": [client_row("B1", ibans=[ACCOUNT])]})
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    verify_ibans(a, "C1")
    reply = b.call("POST", "/v1/clients/B1/ibans/decide", {"iban": ACCOUNT})
    # iban28: a clear answer, a reason code and no owner (was 200 {"status": "pending"})
    assert reply.body == {"iban": ACCOUNT, "status": "disputed", "reason": "iban_held_elsewhere"}
    [shown] = b.call("GET", "/v1/clients/B1/ibans").body["items"]
    assert shown["status"] == "disputed" and shown["reason"] == "iban_held_elsewhere"
    assert "code" not in shown and "agency-a" not in str(shown)
    assert world.services.repos.banking.owner(ACCOUNT).agency_id == "agency-a"
    items, _ = world.services.repos.actions.list(PLATFORM_SCOPE)
    assert [i.kind for i in items] == ["account_dispute"]
    pooled = client_iban("POOL")
    register_agency(world.services.repos, Agency("agency-a", "A", pooled))
    taken = a.call("POST", "/v1/clients", {"items": [client_row("C2", ibans=[pooled])]})
    assert taken.body["rejected"] == 1  # iban28: the agency's own account is no client's
    a.call("POST", "/v1/clients", {"items": [client_row("C2")]})
    c2 = world.services.repos.clients.get(_client_id(world, "C2"))[0]
    world.services.repos.clients.save(replace(c2, ibans=(pooled,)))  # registered before iban28
    refused = a.call("POST", "/v1/clients/C2/ibans/decide", {"iban": pooled})
    assert refused.status == 422 and world.services.repos.banking.owner(pooled).client_id is None


def test_a_payment_into_the_clients_own_account_proves_nothing(world):
    """attack9 F2: on a client's own account the client is the payee and writes the
    description (its kenmerk, a payment request): a credit there from an account it claims,
    with the claim's code, shows only that the holder paid the client. On the agency's own
    account the transfer proves the claim only when the bank names the client as the payer
    (pooled11: the victim quoting the code there proves nothing either)."""
    pooled = client_iban("POOL")
    register_agency(world.services.repos, Agency("agency-a", "A", pooled))
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C2")]})
    verify_ibans(a, "C2")
    stranger = "NL20INGB0001234567"
    c2 = world.services.repos.clients.get(_client_id(world, "C2"))[0]
    world.services.client_settings.add_iban(c2, stranger, by_agency=False)
    [code] = [i["code"] for i in a.call("GET", "/v1/clients/C2/ibans").body["items"]
              if i["iban"] == stranger]  # fmt: skip

    def pay(into: str, day: int, payer: str = "Victim BV") -> str:
        on = date(2025, 3, day)
        line = OutLine(on, 12_50, f"betaalverzoek {code}", counterparty_iban=stranger,
                       counterparty_name=payer)  # fmt: skip
        sta = write_mt940(into, [line], opening=0, opening_date=on, statement_id=f"S{day}")
        return str(world.services.statements.ingest(f"agency-a/s{day}.sta", sta.encode()).status)

    assert pay(client_iban("C2"), 3) == "booked"
    assert world.services.repos.banking.owner(stranger) is None
    assert pay(pooled, 4) == "booked"
    assert world.services.repos.banking.owner(stranger) is None
    assert pay(pooled, 5, payer="CLIENT C2") == "booked"
    owner = world.services.repos.banking.owner(stranger)
    assert owner is not None and owner.client_id == _client_id(world, "C2")


def test_the_agency_takes_another_clients_proven_account_only_by_naming_that_client(world):
    """attack9 F3: the decision over an account C1 holds names C1 (``take_from``), else 422
    naming the holder and nothing moves; a wrong name moves nothing either."""
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    verify_ibans(a, "C1")
    a.call("POST", "/v1/clients", {"items": [client_row("C2", ibans=[ACCOUNT])]})
    held = _client_id(world, "C1")
    assert world.services.repos.banking.owner(ACCOUNT).client_id == held
    blind = a.call("POST", "/v1/clients/C2/ibans/decide", {"iban": ACCOUNT})
    assert blind.status == 422 and "client C1" in str(blind.body), blind.body
    wrong = a.call("POST", "/v1/clients/C2/ibans/decide", {"iban": ACCOUNT, "take_from": "C2"})
    assert wrong.status == 422
    assert world.services.repos.banking.owner(ACCOUNT).client_id == held
    done = a.call("POST", "/v1/clients/C2/ibans/decide", {"iban": ACCOUNT, "take_from": "C1"})
    assert done.body == {"iban": ACCOUNT, "status": "verified"}, done.body
    assert world.services.repos.banking.owner(ACCOUNT).client_id == _client_id(world, "C2")


def test_the_client_that_held_an_account_is_told_when_the_agency_gives_it_to_another(world):
    """The agency's decision moves C1's proven account to C2: C1 gets an item saying its
    account is no longer its own (its statements are no longer booked for it), without
    naming C2; the same decision again adds no second notice; C2 gets none."""
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    verify_ibans(a, "C1")
    a.call("POST", "/v1/clients", {"items": [client_row("C2", ibans=[ACCOUNT])]})
    held, taker = _client_id(world, "C1"), _client_id(world, "C2")
    done = a.call("POST", "/v1/clients/C2/ibans/decide", {"iban": ACCOUNT, "take_from": "C1"})
    assert done.body == {"iban": ACCOUNT, "status": "verified"}, done.body
    again = a.call("POST", "/v1/clients/C2/ibans/decide", {"iban": ACCOUNT, "take_from": "C1"})
    assert again.body == {"iban": ACCOUNT, "status": "verified"}, again.body

    def told(client_id: str) -> list[dict[str, object]]:
        items, _ = world.services.repos.actions.list(client_id, kind="account_taken_over")
        return [dict(i.detail or {}) for i in items if i.kind == "account_taken_over"]

    assert told(held) == [{"account": ACCOUNT}]
    assert told(taker) == []


def test_a_debtor_quoting_the_clients_code_on_the_agencys_account_proves_nothing(world):
    """attack9 F2 variant (pooled11): C2 adds a stranger's account X itself and, in its own
    letters, asks its debtors to quote "INNV-…" with their payment to the agency's pooled
    account. The holder of X, a debtor, pays from X with the code: the bank names the payer
    (Gasthof Alpen AG), not C2, so X is not C2's (was: verified, and X's statements booked for
    C2); the agency gets an item with the payer's name, once however often the statement
    comes, and decides. C2's own transfer from X (the bank names C2 as the payer) proves it."""
    pooled = client_iban("POOL")
    register_agency(world.services.repos, Agency("agency-a", "A", pooled))
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C2", ibans=[])]})
    c2 = world.services.repos.clients.get(_client_id(world, "C2"))[0]
    world.services.client_settings.add_iban(c2, ACCOUNT, by_agency=False)
    [item] = a.call("GET", "/v1/clients/C2/ibans").body["items"]
    assert item["registered_by"] == "client"

    def to_pool(day: int, payer: str, name: str = "") -> str:
        on = date(2025, 3, day)
        line = OutLine(on, 4_200, f"factuur 2025-7 vermeld {item['code']}",
                       counterparty_iban=ACCOUNT, counterparty_name=payer)  # fmt: skip
        sta = write_mt940(pooled, [line], opening=0, opening_date=on, statement_id=f"P{day}")
        report = world.services.statements.ingest(name or f"agency-a/p{day}.sta", sta.encode())
        return str(report.status)

    assert to_pool(3, "GASTHOF ALPEN AG") == "booked"
    assert world.services.repos.banking.owner(ACCOUNT) is None
    [status] = a.call("GET", "/v1/clients/C2/ibans").body["items"]
    assert status["status"] == "pending"
    to_pool(3, "GASTHOF ALPEN AG", "agency-a/p3-again.sta")  # the same statement sent again
    items, _ = world.services.repos.actions.list(agency_scope("agency-a"))
    [claim] = [x for x in items if x.kind == "account_claim"]
    assert claim.detail["payer_name"] == "GASTHOF ALPEN AG"
    assert claim.detail["claimant_client"] == c2.client_id
    # a name that only shares a word with the client's is not the client's either
    assert to_pool(4, "C. CLIENT") == "booked"
    assert world.services.repos.banking.owner(ACCOUNT) is None
    # the client's own transfer: its bank writes the client's name (legal form aside)
    assert to_pool(5, "CLIENT C2 B.V.") == "booked"
    owner = world.services.repos.banking.owner(ACCOUNT)
    assert owner is not None and owner.client_id == c2.client_id
