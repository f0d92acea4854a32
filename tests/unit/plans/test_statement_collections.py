"""Bank statement lines of a plan's direct debits (review newcomer4, findings 1 and 7): a debit
coming back in ING's *unstructured* MT940 (the ISO reason leads ``:86:``, the end-to-end id
stands untagged among its words) fails the installment as the structured ``/RTRN/`` does; the
bank's batch credit of our own direct-debit file (``/PREF/<PmtInfId>``) is the collection."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from shared.services.plans.direct_debit import CONTAINER
from tests.unit.plans.test_plan_service import BASE, run_day
from tests.unit.plans.test_plan_service import plans as plans
from tests.unit.plans.test_sepa_returns import _actions, _running_direct_debit


def test_an_unstructured_storno_fails_the_installment(plans):
    from tests.unit.api.conftest import client_iban, verify_ibans

    world, _ = plans
    a = world.agency_a
    verify_ibans(a, "C1")
    plan_id = _running_direct_debit(world)
    run_day(world, date(2026, 1, 21))
    got = a.call("GET", f"{BASE}/{plan_id}").body
    e2e, amount = got["direct_debits"][0]["end_to_end_id"], got["direct_debits"][0]["amount"]
    euros = Decimal(amount).quantize(Decimal("0.01"))
    world.clock.at = datetime(2026, 1, 23, 18, 0, tzinfo=UTC)
    data = (
        "0000 01INGBNL2AXXXX00001\n940 00\n:20:ING\n"
        f":25:{client_iban('C1')}EUR\n:28C:1\n:60F:C260123EUR1000,00\n"
        f":61:260123D{str(euros).replace('.', ',')}NNOVNONREF\n"
        f":86:MD06 NL91ABNA0417164300 ABNANL2A Debtor D1 {e2e} Termijn 1\n"
        f":62F:C260123EUR{str(Decimal(1000) - euros).replace('.', ',')}\n-XXX\n"
    ).encode()
    world.services.statements.ingest("agency-a/ing-unstructured.sta", data)
    got = a.call("GET", f"{BASE}/{plan_id}").body
    assert [(d["state"], d["reason"]) for d in got["direct_debits"]] == [("returned", "MD06")]
    assert got["installments"][0]["status"] == "failed"
    assert _actions(world, "unmatched_return") == []


def test_the_batch_credit_of_our_own_direct_debit_file_is_the_collection(plans):
    from tests.unit.api.conftest import client_iban, verify_ibans

    world, _ = plans
    a = world.agency_a
    verify_ibans(a, "C1")
    plan_id = _running_direct_debit(world)
    run_day(world, date(2026, 1, 21))
    run_day(world, date(2026, 1, 24))  # the file is made
    (name,) = world.services.files.names(CONTAINER)
    message_id = name.rsplit("-", 1)[-1].removesuffix(".xml")
    amount = a.call("GET", f"{BASE}/{plan_id}").body["direct_debits"][0]["amount"]
    euros = str(Decimal(amount).quantize(Decimal("0.01"))).replace(".", ",")
    world.clock.at = datetime(2026, 1, 26, 18, 0, tzinfo=UTC)
    data = (
        "0000 01INGBNL2AXXXX00001\n940 00\n:20:ING\n"
        f":25:{client_iban('C1')}EUR\n:28C:2\n:60F:C260126EUR0,00\n"
        f":61:260126C{euros}NDDTPREF\n"
        f":86:/PREF/{message_id}-FRST//CSID/NL69ZZZ123456780000//REMI/USTD//TOTAAL 1 POSTEN/\n"
        f":62F:C260126EUR{euros}\n-XXX\n"
    ).encode()
    report = world.services.statements.ingest("agency-a/ing-batch.sta", data)
    assert report.booked == report.unmatched == report.suggested == 0
    for kind in ("collection_batch", "unmatched_credit", "payment_suggestion"):
        assert _actions(world, kind) == []
    # another file's id (not ours) is listed as a batch, never as a payment to book
    other = data.replace(message_id.encode(), b"SDD20260126XXXXXXXXXXXX")
    other = other.replace(b"TOTAAL 1", b"TOTAAL 2").replace(b":28C:2", b":28C:3")
    world.services.statements.ingest("agency-a/ing-batch-2.sta", other)
    assert len(_actions(world, "collection_batch")) == 1
    assert _actions(world, "unmatched_credit") == []
