"""The settlement run over the in-memory store: statements, the transfer file, reversals
carried into the next run, idempotent repeats and a crash in the middle."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pypdf
import pytest
import xmlschema

from shared.adapters.tables.settlement_repo import Claim, SettlementRepository
from shared.domain.parties import Agency
from shared.domain.settlement.agreement import Frequency, SettlementAgreement
from shared.domain.settlement.records import RunStatus, SettlementRun
from shared.domain.settlement.statement import contribution
from shared.services.errors import Invalid
from shared.services.settlement.runs import CONTAINER, RUN_QUEUE, settlement_id_for
from tests.unit.api.conftest import client_row
from tests.unit.settlement.conftest import PAIN001_XSD, PAYOUT_C1, THIRD_PARTY, payment

XSD = PAIN001_XSD
MONDAY = date(2026, 11, 30)


class Setup:
    def __init__(self, world: Any, frequency: Frequency = Frequency.DAILY) -> None:
        self.world = world
        self.services = world.services
        world.services.repos.agencies.save(Agency("agency-a", "Acme Incasso", THIRD_PARTY))
        world.agency_a.call("POST", "/v1/clients", {"items": [client_row("C1"), client_row("C2")]})
        self.c1 = self.client("C1")
        self.c2 = self.client("C2")
        for c in (self.c1, self.c2):
            self.services.settlements.store.save_agreement(
                SettlementAgreement(
                    c.client_id,
                    "agency-a",
                    PAYOUT_C1,
                    f"{c.name} BV",
                    frequency=frequency,
                    commission_bp=1000,
                )
            )

    def client(self, number: str) -> Any:
        cid = self.services.repos.clients.id_for_number("agency-a", number)
        found = self.services.repos.clients.get(cid)
        return found[0]

    def pay(self, client: Any, pid: str, on: date, **amounts: Any) -> None:
        self.services.repos.payments.add(payment(client.client_id, pid, on, **amounts))

    def reverse(self, client: Any, pid: str) -> None:
        read = self.services.repos.payments.get_versioned(client.client_id, pid)
        assert read is not None
        self.services.repos.payments.save_if(replace(read[0], reversed=True), read[1])

    def run(self, day: date) -> Any:
        self.world.clock.at = datetime(day.year, day.month, day.day, 5, 0, tzinfo=UTC)
        return self.services.settlement_runs.run_agency("agency-a", day)

    def statements(self, run_id: str) -> dict[str, Any]:
        _, settlements = self.services.settlements.run("agency-a", run_id)
        return {s.client_number: s for s in settlements}

    def blob(self, name: str) -> bytes:
        data = self.services.files.get(CONTAINER, name)
        assert data is not None, name
        return bytes(data)


def test_a_run_settles_each_client_and_writes_one_transfer_file(world: Any) -> None:
    s = Setup(world)
    s.pay(s.c1, "p1", date(2026, 11, 27))  # 121.00 + 40.00 + 8.40 + 1.55
    s.pay(s.c1, "p2", date(2026, 11, 28), principal=5000, costs=0, costs_vat=0, interest=0)
    s.pay(s.c2, "q1", date(2026, 11, 29), principal=30000, costs=4500, costs_vat=945, interest=0)
    run = s.run(MONDAY)
    assert run.status is RunStatus.AWAITING_APPROVAL and run.run_id == "R20261130"
    st = s.statements(run.run_id)
    t1, t2 = st["C1"].totals, st["C2"].totals
    # C1: client part 122.55 + 50.00 -> commission 12.26 + 5.00, VAT 21% of 17.26 = 3.62
    # and VAT on the costs it keeps (40.00): 21% of 57.26 = 12.0246; the debtor paid 8.40 of
    # it as costs_vat, which is therefore not also in to_agency (law3 finding 7)
    assert (t1.received, t1.to_agency, t1.commission, t1.fee_vat) == (22095, 4000, 1726, 1202)
    assert t1.fee_vat_from_debtor == 840
    assert t1.payout == 17255 - 1726 - 362
    assert t2.payout == 30000 - 3000 - 630
    for t in (t1, t2):
        assert t.balanced
        assert t.payout + t.commission + t.fee_vat + t.to_agency == t.received
    assert run.payout_total == t1.payout + t2.payout and run.transfer_count == 2
    xml = s.blob(run.transfer_file).decode()
    xmlschema.XMLSchema(str(XSD)).validate(xml)
    assert f"<EndToEndId>{st['C1'].settlement_id}</EndToEndId>" in xml
    assert (
        f"<CtrlSum>{(t1.payout + t2.payout) // 100}.{(t1.payout + t2.payout) % 100:02d}</CtrlSum>"
        in xml
    )
    assert f"<IBAN>{THIRD_PARTY}</IBAN>" in xml
    # the run waits on the agency's action list
    actions, _ = s.services.repos.actions.list("@agency-a")
    assert [a.kind for a in actions] == ["settlement_approval"]
    assert actions[0].detail == {"run_id": "R20261130"}


def test_statement_pdf_and_csv_read_back(world: Any) -> None:
    s = Setup(world)
    s.pay(s.c1, "p1", date(2026, 11, 27))
    run = s.run(MONDAY)
    st = s.statements(run.run_id)["C1"]
    rows = list(csv.reader(io.StringIO(s.blob(st.csv).decode())))
    assert rows[0][:2] == ["settlement", st.settlement_id]
    lines = [r for r in rows if r[0] == "payment"]
    assert {(r[3], r[4], r[5], r[6]) for r in lines} == {
        ("F1", "principal", "client", "121.00"),
        ("F1", "costs", "agency", "40.00"),
        ("F1", "costs_vat", "agency", "8.40"),
        ("F1", "interest", "client", "1.55"),
    }
    figures = {
        r[0]: r[6] for r in rows if r[0] not in ("payment", "reversal", "settlement", "kind")
    }
    assert figures["received"] == "170.95" and figures["payout"] == "107.72"
    # VAT 21% on 12.26 + 40.00 = 10.9746, 8.40 of it the debtor's costs_vat: the client pays
    # 2.57 of it, as before the agency charged VAT on the costs it keeps
    assert figures["commission"] == "12.26" and figures["fee_vat"] == "10.97"
    assert figures["fee_vat_from_debtor"] == "8.40" and figures["to_agency"] == "40.00"
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(s.blob(st.pdf))).pages)
    assert "Afdrachtspecificatie" in text and st.settlement_id in text
    for expected in (
        "hoofdsom",
        "incassokosten",
        "btw incassokosten",
        "rente",
        "EUR 107,72",
        "Provisie 10,00%",
        "EUR 10,97",
        "over provisie en ingehouden incassokosten",
        "waarvan door debiteur betaald",
        PAYOUT_C1,
    ):
        assert expected in text, expected


def test_running_again_pays_nothing_twice(world: Any) -> None:
    s = Setup(world)
    s.pay(s.c1, "p1", date(2026, 11, 27))
    first = s.run(MONDAY)
    again = s.run(MONDAY)
    assert again == first
    assert s.run(date(2026, 12, 1)) is None  # nothing new: no run at all
    s.pay(s.c1, "p2", date(2026, 12, 1), principal=1000, costs=0, costs_vat=0, interest=0)
    later = s.run(date(2026, 12, 2))
    st = s.statements(later.run_id)["C1"]
    assert st.payment_count == 1 and st.totals.received == 1000
    claims = SettlementRepository(world.store).claims(s.c1.client_id)
    assert {p: c.settlement_id for p, c in claims.items()} == {
        "p1": f"R20261130-{s.c1.client_id}",
        "p2": f"R20261202-{s.c1.client_id}",
    }


def test_a_reversal_after_payout_is_deducted_in_the_next_settlement_and_carried(world: Any) -> None:
    s = Setup(world)
    s.pay(s.c1, "p1", date(2026, 11, 27))
    s.run(MONDAY)
    s.reverse(s.c1, "p1")  # chargeback after the client was paid 107.72
    s.pay(s.c1, "p2", date(2026, 12, 1), principal=5000, costs=0, costs_vat=0, interest=0)
    run = s.run(date(2026, 12, 1))
    st = s.statements(run.run_id)["C1"]
    t = st.totals
    assert (st.payment_count, st.reversal_count) == (1, 1)
    assert t.received == 5000 and t.reversed == -17095
    assert t.commission == 500 - 1226 and t.to_agency == -4000 and t.fee_vat_from_debtor == -840
    assert t.net == 5000 - 12255 - (500 - 1226) - (t.fee_vat - t.fee_vat_from_debtor)
    assert t.payout == 0 and t.carried_out == t.net < 0 and t.balanced
    assert run.transfer_count == 0 and run.transfer_file is None  # never a negative transfer
    rows = list(csv.reader(io.StringIO(s.blob(st.csv).decode())))
    assert {r[6] for r in rows if r[0] == "reversal"} == {"-121.00", "-40.00", "-8.40", "-1.55"}
    # the reversal is deducted once; the carried balance is settled by the next payment
    s.pay(s.c1, "p3", date(2026, 12, 2), principal=20000, costs=0, costs_vat=0, interest=0)
    nxt = s.statements(s.run(date(2026, 12, 2)).run_id)["C1"]
    assert nxt.reversal_count == 0 and nxt.totals.carried_in == t.carried_out
    assert nxt.totals.payout == 20000 - 2000 - 420 + t.carried_out


def test_a_reversal_before_settlement_is_never_paid_out(world: Any) -> None:
    s = Setup(world)
    s.pay(s.c1, "p1", date(2026, 11, 27))
    s.reverse(s.c1, "p1")
    assert s.run(MONDAY) is None


def test_clients_are_due_by_their_frequency(world: Any) -> None:
    s = Setup(world, Frequency.WEEKLY)
    s.pay(s.c1, "p1", date(2026, 11, 30))
    assert s.run(MONDAY) is not None
    s.pay(s.c1, "p2", date(2026, 12, 1))
    assert s.run(date(2026, 12, 1)) is None  # same ISO week: not due
    nxt = s.run(date(2026, 12, 7))
    assert s.statements(nxt.run_id)["C1"].payment_count == 1


class Crash(Exception):
    pass


def test_a_crash_in_the_middle_continues_and_never_doubles(world: Any, monkeypatch: Any) -> None:
    s = Setup(world)
    s.pay(s.c1, "p1", date(2026, 11, 27))
    s.pay(s.c2, "q1", date(2026, 11, 27), principal=10000, costs=0, costs_vat=0, interest=0)
    files = s.services.files
    real_put = files.put
    calls = {"n": 0}

    def flaky_put(container: str, name: str, data: bytes, **kw: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 3:  # C1 done, C2's payments claimed, its first file fails
            raise Crash("storage went away")
        real_put(container, name, data, **kw)

    monkeypatch.setattr(files, "put", flaky_put)
    with pytest.raises(Crash):
        s.run(MONDAY)
    assert s.services.settlements.store.run("agency-a", "R20261130")[0].status is RunStatus.BUILDING
    s.pay(s.c2, "q2", date(2026, 11, 30), principal=500, costs=0, costs_vat=0, interest=0)
    # the next day's run finishes the unfinished one first, then runs its own
    nxt = s.run(date(2026, 12, 1))
    first = s.services.settlements.store.run("agency-a", "R20261130")[0]
    assert first.status is RunStatus.AWAITING_APPROVAL and first.transfer_count == 2
    settled = [*s.statements("R20261130").values()]
    if nxt is not None:  # q2 arrived after C2 was complete in the first run
        settled += s.statements(nxt.run_id).values()
    received = {c: 0 for c in ("C1", "C2")}
    for st in settled:
        received[st.client_number] += st.totals.received
    assert received == {"C1": 17095, "C2": 10500}  # every payment exactly once
    claims = SettlementRepository(world.store).claims(s.c2.client_id)
    assert sorted(claims) == ["q1", "q2"]
    actions, _ = s.services.repos.actions.list("@agency-a")
    assert len(actions) == (1 if nxt is None else 2)


def test_without_a_third_party_account_the_run_waits(world: Any) -> None:
    s = Setup(world)
    s.services.repos.agencies.save(Agency("agency-a", "Acme Incasso", None))
    s.pay(s.c1, "p1", date(2026, 11, 27))
    run = s.run(MONDAY)
    assert run.status is RunStatus.BUILDING
    actions, _ = s.services.repos.actions.list("@agency-a")
    assert [a.kind for a in actions] == ["settlement_blocked"]
    # it says how the account is recorded, the only way there is (newcomer18 F1)
    assert "inning agency update agency-a --iban" in str(actions[0].detail["how"])
    with pytest.raises(Invalid):
        s.services.settlements.approve("agency-a", run.run_id, "k")
    s.services.repos.agencies.save(Agency("agency-a", "Acme Incasso", THIRD_PARTY))
    assert s.run(MONDAY).status is RunStatus.AWAITING_APPROVAL
    # the item that said it waits is closed with it (newcomer18 F5: it stayed open beside the
    # run's approval item)
    actions, _ = s.services.repos.actions.list("@agency-a")
    blocked = [a for a in actions if a.kind == "settlement_blocked"]
    assert [a.status.value for a in blocked] == ["resolved"]
    assert "awaits approval" in str(blocked[0].resolution)


def test_approval_after_the_run_date_dates_the_transfer_file_for_that_day(world: Any) -> None:
    s = Setup(world)
    s.pay(s.c1, "p1", date(2026, 11, 27))
    run = s.run(MONDAY)
    assert "<Dt>2026-11-30</Dt>" in s.blob(run.transfer_file).decode()
    before = s.blob(run.transfer_file).decode()
    world.clock.at = datetime(2026, 12, 2, 23, 30, tzinfo=UTC)  # 3 December in Amsterdam
    s.services.settlements.approve("agency-a", run.run_id, "key-1")
    after = s.blob(run.transfer_file).decode()
    xmlschema.XMLSchema(str(XSD)).validate(after)
    assert "<Dt>2026-12-03</Dt>" in after
    # the same transfers and message id: only the dates changed
    same = [line for line in after.splitlines() if "CreDtTm" not in line and "<Dt>" not in line]
    assert same == [
        line for line in before.splitlines() if "CreDtTm" not in line and "<Dt>" not in line
    ]


def test_settlement_ids_fit_the_end_to_end_id() -> None:
    assert settlement_id_for("R20261130", "cl0123456789ab") == "R20261130-cl0123456789ab"
    long = settlement_id_for("R20261130", "bench-settle-1796027121863442331-c000")
    odd = settlement_id_for("R20261130", "client_1")
    assert len(long) == 34 and long != settlement_id_for("R20261130", "bench-settle-x")
    assert odd.startswith("R20261130-") and "_" not in odd


def test_a_payment_another_settlement_holds_is_left_to_it(world: Any) -> None:
    s = Setup(world)
    for i in range(1, 4):
        s.pay(s.c1, f"p{i}", date(2026, 11, 27))
    repo = SettlementRepository(world.store)
    terms = repo.agreement("agency-a", s.c1.client_id)
    assert terms is not None
    paid = payment(s.c1.client_id, "p2", date(2026, 11, 27))
    other = Claim(s.c1.client_id, "R20261129-elsewhere", contribution(paid, terms))
    assert repo.claim(other) and not repo.claim(other)
    st = s.statements(s.run(MONDAY).run_id)["C1"]
    assert st.payment_count == 2 and st.totals.received == 2 * 17095
    assert repo.claims(s.c1.client_id)["p2"].settlement_id == "R20261129-elsewhere"


def test_one_worker_builds_a_run_at_a_time(world: Any) -> None:
    s = Setup(world)
    s.pay(s.c1, "p1", date(2026, 11, 27))
    world.clock.at = datetime(2026, 11, 30, 5, 0, tzinfo=UTC)
    store = s.services.settlements.store
    store.add_run(SettlementRun("agency-a", "R20261130", MONDAY, world.clock.at, "a1"))
    run, etag = store.run("agency-a", "R20261130")
    held = datetime(2026, 11, 30, 5, 4, tzinfo=UTC)
    store.save_run(replace(run, leased_until=held, lease_holder="other-worker"), etag)
    # the job comes back, as a copy, when the other worker's lease has ended
    assert s.services.settlement_runs.run_agency("agency-a", MONDAY) is None
    sent = s.services.queues.sent  # type: ignore[attr-defined]
    assert [m.delay_seconds for m in sent if m.queue == RUN_QUEUE] == [4 * 60 + 5]
    assert SettlementRepository(world.store).claims(s.c1.client_id) == {}
    world.clock.at = datetime(2026, 11, 30, 5, 5, tzinfo=UTC)  # the other worker's lease expired
    done = s.services.settlement_runs.run_agency("agency-a", MONDAY)
    assert done.status is RunStatus.AWAITING_APPROVAL and done.leased_until is None
