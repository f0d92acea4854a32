"""Direct debits that do not go as filed: a postponement re-checks the pre-notification term
and withdraws a filed collection; a cancel or pause withdraws them too (staff are told when
the file was already made); a bank's pain.002 rejection or return, before or after the
collection was booked, reverses the payment by law, fails the installment with its reason,
tells staff and allows a retry."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from shared.domain.plans.pain002 import Pain002Error, parse_pain002
from shared.domain.plans.sepa_reasons import describe
from shared.services.plans.direct_debit import CONTAINER
from tests.unit.plans.test_plan_service import BASE, make, run_day
from tests.unit.plans.test_plan_service import plans as plans

MANDATE = {"mandate_id": "MND-D1-1", "signed_on": "2026-01-05", "iban": "NL91 ABNA 0417 1643 00",
           "name": "Debtor D1"}  # fmt: skip


def report(original: str, *transactions: tuple[str, str, str | None], group: str = "PART",
           group_reason: str | None = None, version: str = "03") -> bytes:  # fmt: skip
    """A pain.002 as Dutch banks send it (version 001.03 unless told), built by hand after
    the ISO 20022 message definition."""
    txs = "".join(
        f"<TxInfAndSts><StsId>S{i}</StsId><OrgnlEndToEndId>{e2e}</OrgnlEndToEndId>"
        f"<TxSts>{sts}</TxSts>"
        + (f"<StsRsnInf><Rsn><Cd>{code}</Cd></Rsn></StsRsnInf>" if code else "")
        + "</TxInfAndSts>"
        for i, (e2e, sts, code) in enumerate(transactions)
    )
    reason = f"<StsRsnInf><Rsn><Cd>{group_reason}</Cd></Rsn></StsRsnInf>" if group_reason else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>'
        f'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.{version}"><CstmrPmtStsRpt>'
        f"<GrpHdr><MsgId>RPT-1</MsgId><CreDtTm>2026-01-27T08:00:00</CreDtTm></GrpHdr>"
        f"<OrgnlGrpInfAndSts><OrgnlMsgId>{original}</OrgnlMsgId><OrgnlMsgNmId>pain.008.001.08"
        f"</OrgnlMsgNmId><GrpSts>{group}</GrpSts>{reason}</OrgnlGrpInfAndSts>"
        f"<OrgnlPmtInfAndSts><OrgnlPmtInfId>{original[:30]}-FRST</OrgnlPmtInfId>{txs}"
        f"</OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>"
    ).encode()


def test_pain002_is_read_in_every_version_and_hostile_input_is_refused():
    parsed = parse_pain002(
        report("SDD20260126X", ("E1", "RJCT", "AC04"), ("E2", "ACSC", None), version="10")
    )
    assert parsed.original_message_id == "SDD20260126X" and parsed.group_status == "PART"
    assert [(c.end_to_end_id, c.rejected, c.reason) for c in parsed.collections] == [
        ("E1", True, "AC04"), ("E2", False, None),
    ]  # fmt: skip
    whole = parse_pain002(report("SDD20260126X", group="RJCT", group_reason="FF01"))
    assert whole.whole_file_rejected and whole.group_reason == "FF01"
    assert describe("AM04") == "insufficient funds" and "not in our list" in describe("ZZ99")
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><Document/>'
    for bad in (bomb, b"<Document><Other/></Document>", b"not xml", "<a/>".encode("utf-16")):
        with pytest.raises(Pain002Error):
            parse_pain002(bad)


def _running_direct_debit(world, installments: int = 3):
    a = world.agency_a
    assert (
        a.call("PUT", "/v1/clients/C1/plan-rules", {"creditor_id": "NL69ZZZ123456780000"}).status
        == 200
    )
    made = make(a, method="direct_debit", start="2026-01-26", installments=installments)
    plan_id = made.body["plan_id"]
    assert a.call("PUT", f"{BASE}/{plan_id}/mandate", MANDATE).status == 200
    assert a.call("POST", f"{BASE}/{plan_id}/activate").status == 200
    return plan_id


def _actions(world, kind: str) -> list[dict[str, Any]]:
    items = world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    return [x for x in items if x["kind"] == kind]


def test_a_postponed_direct_debit_keeps_its_notice_and_leaves_its_file(plans):
    world, _ = plans
    a = world.agency_a
    plan_id = _running_direct_debit(world)
    run_day(world, date(2026, 1, 21))  # filed: five days before 26 January
    got = a.call("GET", f"{BASE}/{plan_id}").body
    assert [d["state"] for d in got["direct_debits"]] == ["submitted"]
    # a new date the notice cannot reach in time (14 days from 21 January: 4 February)
    short = a.call("POST", f"{BASE}/{plan_id}/installments/1/postpone", {"to": "2026-02-02"})
    assert short.status == 422 and "2026-02-04" in str(short.body)
    moved = a.call("POST", f"{BASE}/{plan_id}/installments/1/postpone", {"to": "2026-02-05"})
    assert moved.status == 200, moved.body
    assert moved.body["status"] != "collection_in_progress"
    assert [d["state"] for d in moved.body["direct_debits"]] == ["withdrawn"]
    assert _actions(world, "direct_debit_withdrawn") == []  # no file was made yet
    run_day(world, date(2026, 1, 24))  # the day its file would have been built: none
    assert world.services.files.names(CONTAINER) == []
    run_day(world, date(2026, 1, 26))  # the old date: nothing is booked
    got = a.call("GET", f"{BASE}/{plan_id}").body
    assert got["installments"][0]["paid"] == "0.00"
    run_day(world, date(2026, 1, 31))  # five days before the new date: filed again
    got = a.call("GET", f"{BASE}/{plan_id}").body
    assert [(d["attempt"], d["state"], d["collection_date"]) for d in got["direct_debits"]] == [
        (1, "withdrawn", "2026-01-26"), (2, "submitted", "2026-02-05"),
    ]  # fmt: skip
    run_day(world, date(2026, 2, 3))
    (name,) = world.services.files.names(CONTAINER)
    xml = world.services.files.get(CONTAINER, name)
    assert xml is not None and b"<SeqTp>FRST</SeqTp>" in xml  # the first one actually collected


def test_cancel_after_the_file_was_made_tells_staff_to_cancel_it_at_the_bank(plans):
    world, _ = plans
    a = world.agency_a
    plan_id = _running_direct_debit(world)
    run_day(world, date(2026, 1, 21))
    run_day(world, date(2026, 1, 24))  # the file is made
    assert len(world.services.files.names(CONTAINER)) == 1
    world.clock.at = datetime(2026, 1, 25, 10, 0, tzinfo=UTC)
    done = a.call("POST", f"{BASE}/{plan_id}/cancel", {"reason": "debtor moved abroad"})
    assert done.status == 200 and [d["state"] for d in done.body["direct_debits"]] == ["withdrawn"]
    (told,) = _actions(world, "direct_debit_withdrawn")
    assert "at the bank" in told["title"]
    run_day(world, date(2026, 1, 26))
    assert a.call("GET", f"{BASE}/{plan_id}").body["installments"][0]["paid"] == "0.00"
    # a pause withdraws likewise; a second cancel changes nothing and tells nobody twice
    assert a.call("POST", f"{BASE}/{plan_id}/cancel", {"reason": "again"}).status == 409
    assert len(_actions(world, "direct_debit_withdrawn")) == 1


def test_pause_withdraws_and_resume_files_again(plans):
    world, _ = plans
    a = world.agency_a
    plan_id = _running_direct_debit(world)
    run_day(world, date(2026, 1, 21))
    world.clock.at = datetime(2026, 1, 22, 10, 0, tzinfo=UTC)
    paused = a.call("POST", f"{BASE}/{plan_id}/pause", {"reason": "debtor in hospital"})
    assert paused.body["status"] == "paused"
    assert [d["state"] for d in paused.body["direct_debits"]] == ["withdrawn"]
    assert a.call("POST", f"{BASE}/{plan_id}/resume").status == 200
    run_day(world, date(2026, 1, 23))
    got = a.call("GET", f"{BASE}/{plan_id}").body
    assert [d["state"] for d in got["direct_debits"]] == ["withdrawn", "submitted"]


def test_pain002_rejection_before_booking_fails_the_installment_and_staff_retry(plans):
    world, _ = plans
    a = world.agency_a
    plan_id = _running_direct_debit(world)
    run_day(world, date(2026, 1, 21))
    run_day(world, date(2026, 1, 24))
    (name,) = world.services.files.names(CONTAINER)
    message_id = name.rsplit("-", 1)[-1].removesuffix(".xml")
    e2e = a.call("GET", f"{BASE}/{plan_id}").body["direct_debits"][0]["end_to_end_id"]
    world.clock.at = datetime(2026, 1, 25, 9, 0, tzinfo=UTC)
    body = report(message_id, (e2e, "RJCT", "AM04"), ("NOT-OURS-1", "RJCT", "MS02"))
    path = "/v1/clients/C1/direct-debits/status-reports"
    answer = a.call("POST", path, raw=body)
    assert answer.status == 200, answer.body
    assert answer.body["failed"] == [{"plan_id": plan_id, "installment": 1, "reason": "AM04"}]
    assert answer.body["unknown"] == ["NOT-OURS-1"]
    got = a.call("GET", f"{BASE}/{plan_id}").body
    assert got["installments"][0]["status"] == "failed"
    assert [(d["state"], d["reason"]) for d in got["direct_debits"]] == [("returned", "AM04")]
    (failed,) = _actions(world, "plan_debit_failed")
    assert "AM04" in failed["title"] and "insufficient funds" in failed["title"]
    assert len(_actions(world, "unmatched_status_report")) == 1
    # read twice: nothing fails twice, staff are not told twice
    assert a.call("POST", path, raw=body).status == 200
    assert len(_actions(world, "plan_debit_failed")) == 1
    # the collection date passes: the rejected collection is never booked
    run_day(world, date(2026, 1, 26))
    got = a.call("GET", f"{BASE}/{plan_id}").body
    assert got["installments"][0]["paid"] == "0.00"
    assert a.call("POST", f"{BASE}/{plan_id}/installments/1/retry").status == 200
    run_day(world, date(2026, 1, 27))
    got = a.call("GET", f"{BASE}/{plan_id}").body
    assert [(d["attempt"], d["state"]) for d in got["direct_debits"]][-1] == (2, "submitted")
    assert a.call("POST", path, raw=b"<nope/>").status == 422


def test_a_return_after_booking_reverses_the_payment_by_law(plans):
    world, client = plans
    a = world.agency_a
    plan_id = _running_direct_debit(world)
    for day in (21, 24, 26):
        run_day(world, date(2026, 1, day))
    got = a.call("GET", f"{BASE}/{plan_id}").body
    assert got["installments"][0]["status"] == "paid"
    claim_before = a.call("GET", "/v1/clients/C1/invoices/F1/claim").body["open"]["total"]
    e2e = got["direct_debits"][0]["end_to_end_id"]
    world.clock.at = datetime(2026, 1, 29, 9, 0, tzinfo=UTC)
    (name,) = world.services.files.names(CONTAINER)
    message_id = name.rsplit("-", 1)[-1].removesuffix(".xml")
    answer = a.call("POST", "/v1/clients/C1/direct-debits/status-reports",
                    raw=report(message_id, (e2e, "RJCT", "MD01")))  # fmt: skip
    assert answer.status == 200 and answer.body["failed"][0]["reason"] == "MD01"
    got = a.call("GET", f"{BASE}/{plan_id}").body
    assert got["installments"][0]["status"] == "failed" and got["paid"] == "0.00"
    payment = world.services.repos.payments.get(client.client_id, f"sdd-{e2e}")
    assert payment is not None and payment.reversed
    claim_after = a.call("GET", "/v1/clients/C1/invoices/F1/claim").body["open"]["total"]
    assert Decimal(claim_after) > Decimal(claim_before)  # the money is owed again
    assert len(_actions(world, "plan_debit_failed")) == 1


def test_a_whole_file_rejected_fails_every_collection_in_it(plans):
    world, _ = plans
    a = world.agency_a
    plan_id = _running_direct_debit(world)
    run_day(world, date(2026, 1, 21))
    run_day(world, date(2026, 1, 24))
    (name,) = world.services.files.names(CONTAINER)
    message_id = name.rsplit("-", 1)[-1].removesuffix(".xml")
    answer = a.call("POST", "/v1/clients/C1/direct-debits/status-reports",
                    raw=report(message_id, group="RJCT", group_reason="FF01"))  # fmt: skip
    assert answer.status == 200 and answer.body["rejected"] == 1
    got = a.call("GET", f"{BASE}/{plan_id}").body
    assert [(d["state"], d["reason"]) for d in got["direct_debits"]] == [("returned", "FF01")]


def test_a_return_in_the_bank_statement_before_booking_is_recognised(plans):
    from shared.domain.statements.mt940_writer import OutLine, write_mt940
    from tests.unit.api.conftest import client_iban, verify_ibans

    world, _ = plans
    a = world.agency_a
    verify_ibans(a, "C1")
    plan_id = _running_direct_debit(world)
    run_day(world, date(2026, 1, 21))
    got = a.call("GET", f"{BASE}/{plan_id}").body
    e2e, amount = got["direct_debits"][0]["end_to_end_id"], got["direct_debits"][0]["amount"]
    cents = int(Decimal(amount) * 100)
    day = date(2026, 1, 23)
    world.clock.at = datetime(2026, 1, 23, 18, 0, tzinfo=UTC)
    returned = OutLine(day, -cents, "Terugboeking incasso", counterparty_iban="NL91ABNA0417164300",
                       counterparty_name="Debtor D1", end_to_end_id=e2e, return_reason="MD01")  # fmt: skip
    data = write_mt940(client_iban("C1"), [returned], opening=100_000, opening_date=day,
                       statement_id="R1").encode()  # fmt: skip
    world.services.statements.ingest("agency-a/returns.sta", data)
    got = a.call("GET", f"{BASE}/{plan_id}").body
    assert [(d["state"], d["reason"]) for d in got["direct_debits"]] == [("returned", "MD01")]
    assert got["installments"][0]["status"] == "failed"
    assert _actions(world, "unmatched_return") == []
    run_day(world, date(2026, 1, 26))  # its date: nothing is booked for it
    assert a.call("GET", f"{BASE}/{plan_id}").body["installments"][0]["paid"] == "0.00"


def test_a_file_the_timer_was_too_late_for_is_never_made_and_the_installment_filed_again(plans):
    """failure7 finding 9: after a timer outage the catch-up wrote a pain.008 asking the bank
    to collect on a day gone (the day the debtors were told), with the usual "upload it" item;
    and the plan's run booked that collection as paid although no bank ever had it."""
    world, _ = plans
    a = world.agency_a
    plan_id = _running_direct_debit(world)
    run_day(world, date(2026, 1, 21))  # filed for 26 January; its file is due on the 24th
    # the installment timer is down from the 22nd and comes back on the 28th
    run_day(world, date(2026, 1, 28))
    assert world.services.files.names(CONTAINER) == []  # no file for a day gone
    [missed] = _actions(world, "direct_debit_missed")
    assert "26-01-2026" in missed["title"] and "nothing was sent" in missed["title"]
    assert _actions(world, "direct_debit_file") == []
    got = a.call("GET", f"{BASE}/{plan_id}").body
    first = got["direct_debits"][0]
    assert (first["state"], first["attempt"]) == ("withdrawn", 1)
    assert got["installments"][0]["paid"] == "0.00"  # never booked as collected
    again = [d for d in got["direct_debits"] if d["attempt"] == 2]
    assert again and again[0]["collection_date"] > "2026-01-28", got["direct_debits"]
    run_day(world, date(2026, 1, 29))  # the next day: nothing told twice
    assert len(_actions(world, "direct_debit_missed")) == 1
