"""Bank statement lines around a plan's direct debits (review newcomer6, findings 1 and 2):

- a CAMT.053 batch entry of our own pain.008 file that lists its collections (``Btch`` plus
  one ``TxDtls`` each, the ISO "batch entry") is the collection, split or not: never a payment
  to book (or suggest) on the invoice the collection already paid; a collection credited on
  its own (its end-to-end id, no batch) likewise;
- a credit the bank flags as reversal (``RvslInd`` true) of a return of our collection puts
  the money back: booked again, the installment and its invoices are paid again; a reversal
  credit Inning cannot tie, and a credit carrying a return reason, go on the action list."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal

from shared.domain.statements.parse import parse_statement_file
from shared.services.plans.direct_debit import CONTAINER
from tests.unit.plans.test_plan_service import BASE, run_day
from tests.unit.plans.test_plan_service import plans as plans
from tests.unit.plans.test_sepa_returns import _actions, _running_direct_debit

DEBTOR_IBAN = "NL91ABNA0417164300"  # the mandate's account

TX = """<TxDtls><Refs><EndToEndId>{e2e}</EndToEndId><MndtId>{mandate}</MndtId></Refs>
<AmtDtls><TxAmt><Amt Ccy="EUR">{amount}</Amt></TxAmt></AmtDtls>
<RltdPties><Dbtr><Nm>{name}</Nm></Dbtr><DbtrAcct><Id><IBAN>{iban}</IBAN></Id></DbtrAcct>
</RltdPties><RmtInf><Ustrd>{text}</Ustrd></RmtInf></TxDtls>"""


def _statement(iban: str, seq: int, day: str, opening: Decimal, entries: list[str]) -> bytes:
    """A camt.053.001.02 as Dutch banks send it, built by hand after the ISO 20022 message
    definition; the closing balance adds up the entries."""
    total = Decimal(0)
    for e in entries:
        m = re.match(r'<Ntry><Amt Ccy="EUR">([\d.]+)</Amt><CdtDbtInd>(\w+)<', e)
        assert m is not None
        total += Decimal(m.group(1)) * (1 if m.group(2) == "CRDT" else -1)
    closing = opening + total
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<GrpHdr><MsgId>M{seq}</MsgId><CreDtTm>{day}T20:00:00+01:00</CreDtTm></GrpHdr>
<Stmt><Id>S{seq}</Id><ElctrncSeqNb>{seq}</ElctrncSeqNb><CreDtTm>{day}T20:00:00+01:00</CreDtTm>
<Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>EUR</Ccy></Acct>
<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{opening}</Amt>
<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>{day}</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{closing}</Amt>
<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>{day}</Dt></Dt></Bal>
{"".join(entries)}</Stmt></BkToCstmrStmt></Document>""".encode()


def _entry(
    amount: Decimal | str,
    sign: str,
    day: str,
    ref: str,
    details: str = "",
    *,
    reversal: bool = False,
) -> str:
    rvsl = "<RvslInd>true</RvslInd>" if reversal else ""
    return (
        f'<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>{sign}</CdtDbtInd>{rvsl}'
        f"<Sts>BOOK</Sts><BookgDt><Dt>{day}</Dt></BookgDt><ValDt><Dt>{day}</Dt></ValDt>"
        f"<AcctSvcrRef>{ref}</AcctSvcrRef><BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RDDT</Cd>"
        f"<SubFmlyCd>ESDD</SubFmlyCd></Fmly></Domn></BkTxCd><NtryDtls>{details}</NtryDtls></Ntry>"
    )


def _single(e2e: str, *, reason: str | None = None, iban: str = DEBTOR_IBAN) -> str:
    rtr = f"<RtrInf><Rsn><Cd>{reason}</Cd></Rsn></RtrInf>" if reason else ""
    return (
        f"<TxDtls><Refs><EndToEndId>{e2e}</EndToEndId></Refs><RltdPties><Dbtr><Nm>Debtor D1</Nm>"
        f"</Dbtr><DbtrAcct><Id><IBAN>{iban}</IBAN></Id></DbtrAcct></RltdPties>{rtr}</TxDtls>"
    )


def _collected(plans):
    """A direct-debit plan (F1+F2 in three installments) whose first collection's file was
    made and whose collection date passed: installment 1 booked by law."""
    from tests.unit.api.conftest import client_iban, verify_ibans

    world, _ = plans
    a = world.agency_a
    verify_ibans(a, "C1")
    plan_id = _running_direct_debit(world)
    for day in (21, 24, 26):
        run_day(world, date(2026, 1, day))
    (name,) = world.services.files.names(CONTAINER)
    pain008 = world.services.files.get(CONTAINER, name)
    text = (pain008 if isinstance(pain008, bytes) else str(pain008).encode()).decode()
    dd = dict(a.call("GET", f"{BASE}/{plan_id}").body["direct_debits"][0])
    ustrd = re.search(r"<Ustrd>(.*?)</Ustrd>", text)
    assert ustrd is not None
    dd["ustrd"] = ustrd.group(1)  # what the bank echoes in its statement
    dd["batch"] = name.rsplit("-", 1)[-1].removesuffix(".xml") + "-FRST"
    dd["euros"] = Decimal(dd["amount"]).quantize(Decimal("0.01"))
    return world, a, plan_id, dd, client_iban("C1")


def _figures(a, plan_id):
    got = a.call("GET", f"{BASE}/{plan_id}").body
    invoices = {n: a.call("GET", f"/v1/clients/C1/invoices/{n}").body["open_amount"]
                for n in ("F1", "F2")}  # fmt: skip
    return [(i["status"], i["paid"]) for i in got["installments"]], invoices


def test_a_batch_entry_of_our_file_with_its_transaction_details_is_the_collection(plans):
    world, a, plan_id, dd, iban = _collected(plans)
    before = _figures(a, plan_id)
    amount = dd["euros"]
    details = (
        f"<Btch><PmtInfId>{dd['batch']}</PmtInfId><NbOfTxs>2</NbOfTxs></Btch>"
        + TX.format(e2e=dd["end_to_end_id"], mandate="MND-D1-1", amount=amount,
                    name="Debtor D1", iban=DEBTOR_IBAN, text=dd["ustrd"])
        + TX.format(e2e="E2E-OTHER-PLAN-1", mandate="MND-X-1", amount="10.00",
                    name="Other Debtor", iban="NL20INGB0001234567", text="Termijn 1 F1")
    )  # fmt: skip
    world.clock.at = datetime(2026, 1, 26, 18, 0, tzinfo=UTC)
    data = _statement(iban, 2, "2026-01-26", Decimal("0.00"),
                      [_entry(amount + 10, "CRDT", "2026-01-26", "BATCH-1", details)])  # fmt: skip
    (parsed,) = parse_statement_file(data)
    assert [x.batch_id for x in parsed.lines] == [dd["batch"]] * 2  # the batch kept per part
    report = world.services.statements.ingest("agency-a/batch-with-details.xml", data)
    assert (report.lines, report.booked, report.suggested, report.unmatched) == (2, 0, 0, 0)
    for kind in ("payment_suggestion", "unmatched_credit", "collection_batch", "overpayment"):
        assert _actions(world, kind) == [], kind
    assert _figures(a, plan_id) == before  # the installment is not paid a second time


def test_a_collection_credited_on_its_own_is_not_matched_again(plans):
    world, a, plan_id, dd, iban = _collected(plans)
    before = _figures(a, plan_id)
    # the bank credits the collection alone: its end-to-end id and the pain.008's own text
    one = TX.format(e2e=dd["end_to_end_id"], mandate="MND-D1-1", amount=dd["euros"],
                    name="Debtor D1", iban=DEBTOR_IBAN, text=f"F1 {dd['ustrd']}")  # fmt: skip
    world.clock.at = datetime(2026, 1, 26, 18, 0, tzinfo=UTC)
    data = _statement(iban, 2, "2026-01-26", Decimal("0.00"),
                      [_entry(dd["euros"], "CRDT", "2026-01-26", "ONE-1", one)])  # fmt: skip
    report = world.services.statements.ingest("agency-a/collection.xml", data)
    assert (report.booked, report.suggested, report.unmatched) == (0, 0, 0)
    assert _actions(world, "payment_suggestion") == _actions(world, "unmatched_credit") == []
    assert _figures(a, plan_id) == before


def test_another_batch_listed_per_payer_is_still_matched_per_payer(plans):
    """A batch of other people's payments (PostFinance's "Sammelgutschrift"): each part is a
    payer's credit, matched as one; only our own files' parts are the collection."""
    world, _, _, _, iban = _collected(plans)
    details = "<Btch><PmtInfId>PMTINF-1CHDDBB3</PmtInfId><NbOfTxs>2</NbOfTxs></Btch>" + "".join(
        TX.format(e2e=f"E2E-{n}", mandate="M", amount="10.00", name=f"Payer {n}",
                  iban="NL20INGB0001234567", text=f"betaling {n}")
        for n in (1, 2)
    )  # fmt: skip
    world.clock.at = datetime(2026, 1, 27, 18, 0, tzinfo=UTC)
    data = _statement(iban, 3, "2026-01-27", Decimal("0.00"),
                      [_entry("20.00", "CRDT", "2026-01-27", "OTHER-1", details)])  # fmt: skip
    report = world.services.statements.ingest("agency-a/other-batch.xml", data)
    assert (report.lines, report.unmatched) == (2, 2)
    assert _actions(world, "collection_batch") == []


def _returned(world, a, plan_id, dd, iban):
    world.clock.at = datetime(2026, 1, 29, 18, 0, tzinfo=UTC)
    back = _entry(
        dd["euros"], "DBIT", "2026-01-29", "RET-1", _single(dd["end_to_end_id"], reason="MD06")
    )
    world.services.statements.ingest(
        "agency-a/return.xml", _statement(iban, 3, "2026-01-29", Decimal("1000.00"), [back])
    )
    got = a.call("GET", f"{BASE}/{plan_id}").body
    assert [d["state"] for d in got["direct_debits"]] == ["returned"]
    assert got["installments"][0]["status"] == "failed"


def test_the_reversal_of_a_return_puts_the_collection_back(plans):
    world, a, plan_id, dd, iban = _collected(plans)
    collected = _figures(a, plan_id)
    _returned(world, a, plan_id, dd, iban)
    returned_figures = _figures(a, plan_id)
    assert len(_actions(world, "plan_debit_failed")) == 1
    assert len(_actions(world, "payment_reversed")) == 1
    # the next day the bank undoes its return: the money is back on the client's account
    world.clock.at = datetime(2026, 1, 30, 18, 0, tzinfo=UTC)
    again = _entry(dd["euros"], "CRDT", "2026-01-30", "RVSL-1", _single(dd["end_to_end_id"]),
                   reversal=True)  # fmt: skip
    data = _statement(iban, 4, "2026-01-30", Decimal("1000.00") - dd["euros"], [again])
    report = world.services.statements.ingest("agency-a/reversal.xml", data)
    assert (report.booked, report.returned, report.unmatched) == (1, 0, 0)
    got = a.call("GET", f"{BASE}/{plan_id}").body
    assert _figures(a, plan_id) == collected  # installment 1 paid, the invoices as collected
    assert got["installments"][0]["status"] == "paid"
    assert [d["state"] for d in got["direct_debits"]] == ["collected"]  # not "returned"
    run_day(world, date(2026, 1, 31))  # the plan's next run keeps it so
    assert _figures(a, plan_id)[1] == collected[1]
    got = a.call("GET", f"{BASE}/{plan_id}").body
    assert got["installments"][0]["status"] == "paid"
    assert [d["state"] for d in got["direct_debits"]] == ["collected"]
    assert got["status"] != "overdue"
    assert len(_actions(world, "plan_debit_failed")) == 1  # no new "failed" item
    # what the return made staff do is answered: no failed collection to retry
    for kind in ("plan_debit_failed", "payment_reversed"):
        assert [x["status"] for x in _actions(world, kind)] == ["resolved"], kind
    # the same file again books nothing twice
    again_report = world.services.statements.ingest("agency-a/reversal-2.xml", data)
    assert again_report.booked == 0 and _figures(a, plan_id) == collected
    # and when the bank returns the collection once more, it fails again, the money gone
    world.clock.at = datetime(2026, 2, 2, 18, 0, tzinfo=UTC)
    back = _entry(dd["euros"], "DBIT", "2026-02-02", "RET-2",
                  _single(dd["end_to_end_id"], reason="AM04"))  # fmt: skip
    world.services.statements.ingest(
        "agency-a/return-2.xml", _statement(iban, 5, "2026-02-02", Decimal("1000.00"), [back])
    )
    got = a.call("GET", f"{BASE}/{plan_id}").body
    assert got["installments"][0]["status"] == "failed"
    assert [d["state"] for d in got["direct_debits"]] == ["returned"]
    assert _figures(a, plan_id)[1] == returned_figures[1]  # the invoices open as after a return


def test_a_reversal_credit_or_a_returned_transfer_nobody_can_tie_is_listed(plans):
    world, _, _, _, iban = _collected(plans)
    world.clock.at = datetime(2026, 1, 31, 18, 0, tzinfo=UTC)
    entries = [
        # the bank undoes a debit it booked by mistake: an id Inning never sent
        _entry("50.00", "CRDT", "2026-01-31", "RVSL-2", _single("UNKNOWN-E2E-42"), reversal=True),
        # a refund to a debtor's closed account comes back (AC04)
        _entry("20.00", "CRDT", "2026-01-31", "RTRN-1",
               _single("REFUND-7", reason="AC04", iban="NL20INGB0001234567")),
    ]  # fmt: skip
    data = _statement(iban, 5, "2026-01-31", Decimal("0.00"), entries)
    report = world.services.statements.ingest("agency-a/credits-back.xml", data)
    assert (report.booked, report.unmatched, report.returned) == (0, 1, 1)
    (reversal,) = _actions(world, "reversal_credit")
    assert reversal["title"].startswith("Reversal credit of € 50,00")
    assert reversal["detail"]["end_to_end_id"] == "UNKNOWN-E2E-42"
    (returned,) = _actions(world, "returned_transfer")
    assert returned["title"].startswith("Returned transfer of € 20,00 (AC04")
    assert "closed" in returned["title"].lower()
    # delivered again: one item each
    world.services.statements.ingest("agency-a/credits-back-2.xml", data)
    assert len(_actions(world, "reversal_credit")) == len(_actions(world, "returned_transfer")) == 1
