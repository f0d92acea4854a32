"""Settlement to clients on Table Storage.

| table                | PartitionKey | RowKey        | serves                                    |
| SettlementAgreements | agency id    | client id     | the agency's agreements (one run reads    |
|                      |              |               | the partition)                            |
| SettlementAgreements | agency id    | ``~defaults`` | the agency's defaults for its agreements  |
| SettlementBalances   | agency id    | client id     | carried negative net, last period settled |
| SettlementRuns       | agency id    | run id        | the agency's runs; unfinished ones        |
| ClientSettlements    | agency id    | settlement id | a run's statements (filter RunId)         |
| SettledPayments      | client id    | payment id    | a payment belongs to at most one          |
|                      |              |               | settlement (insert-once claim), with      |
|                      |              |               | where its money was (ReceivedBy); older   |
|                      |              |               | rows name the settlement that deducted    |
|                      |              |               | its reversal (DeductedIn)                 |
| SettledPayments      | client id    | payment id    | a correction of what the payment settled  |
|                      |              | ``|`` seq     | (insert-once: the n-th correction of a    |
|                      |              |               | payment is made by one settlement only)   |

Everything an agency sees lives in its own partition; what a client's payments did lives in
the client's partition, next to the Payments rows it refers to.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, fields, replace
from datetime import date
from typing import Any

from shared.adapters.tables import schema
from shared.adapters.tables.codec import (
    get_json,
    get_json_parts,
    need_date,
    put_date,
    put_json,
    put_json_parts,
)
from shared.adapters.tables.keys import decode, encode
from shared.adapters.tables.settlement_repayments_repo import REPAYMENTS
from shared.domain.records import Payment, Receiver
from shared.domain.settlement.agreement import (
    Frequency,
    Recipient,
    SettlementAgreement,
    SettlementDefaults,
)
from shared.domain.settlement.records import (
    ClientSettlement,
    RunStatus,
    SettlementBalance,
    SettlementRun,
    SettlementStatus,
)
from shared.domain.settlement.statement import Contribution, SettlementLine, StatementTotals
from shared.ports.tables import (
    MAX_BATCH,
    Conflict,
    Op,
    OpKind,
    Row,
    TableStore,
    TransactionFailed,
    all_rows,
)

AGREEMENTS = "SettlementAgreements"
BALANCES = "SettlementBalances"
RUNS = "SettlementRuns"
SETTLEMENTS = "ClientSettlements"
SETTLED_PAYMENTS = "SettledPayments"
# clients' repayments of negative settlements (settlement_repayments_repo.py)
TABLES = (AGREEMENTS, BALANCES, RUNS, SETTLEMENTS, SETTLED_PAYMENTS, REPAYMENTS)
# the agency's defaults, in its agreements' partition ('~' is no character of an encoded
# client id: keys.encode escapes it), so a run reads them with its agreements
DEFAULTS_RK = "~defaults"


@dataclass(frozen=True)
class Claim:
    """A payment claimed by a settlement with what it contributed (``seq`` 0), or a later
    correction of it (``seq`` 1, 2, ...: what a settlement added or took back because the
    ledger moved the payment's money)."""

    client_id: str
    settlement_id: str
    contribution: Contribution
    deducted_in: str | None = None  # stored before corrections: the settlement that took it back
    etag: str | None = None
    # 0: the payment settled for the first time; n > 0: its n-th correction (the lines say why)
    seq: int = 0

    @property
    def settled(self) -> list[Contribution]:
        """What this row settled for the payment, a reversal deducted in the old way too."""
        if self.deducted_in is None:
            return [self.contribution]
        return [self.contribution, self.contribution.negated()]


def _totals_out(t: StatementTotals | None) -> str | None:
    return put_json(asdict(t)) if t else None


_TOTALS_FIELDS = frozenset(f.name for f in fields(StatementTotals))


def _totals_in(saved: dict[str, int]) -> StatementTotals:
    """A statement's saved figures. A figure this build no longer keeps is left out, so a
    statement saved by a build that kept it still loads (settle21's first build saved a fee
    VAT rounding rest, ``fee_vat_rest_e4``: the fee VAT is now each statement's own, so it is
    read by nothing)."""
    return StatementTotals(**{k: v for k, v in saved.items() if k in _TOTALS_FIELDS})


def _line_out(x: SettlementLine) -> list[Any]:
    if x.reason:
        return [x.invoice_number, x.component, x.amount, x.recipient.value, x.reason]
    return [x.invoice_number, x.component, x.amount, x.recipient.value]


def claim_rk(payment_id: str, seq: int) -> str:
    return payment_id if seq == 0 else f"{payment_id}|{seq:04d}"


class SettlementRepository:
    def __init__(self, store: TableStore) -> None:
        self.store = store

    # -- agreements --------------------------------------------------------------------------
    def save_agreement(self, a: SettlementAgreement) -> None:
        self.store.upsert(AGREEMENTS, Row(encode(a.agency_id), encode(a.client_id), {
            "PayoutIban": a.payout_iban, "PayoutName": a.payout_name, "PayoutBic": a.payout_bic,
            "Frequency": a.frequency.value, "Recipients": put_json({k: v.value for k, v in a.recipients.items()}),
            "CommissionBp": a.commission_bp, "FeeVatBp": a.fee_vat_bp,
            "VatOnCostsKept": a.vat_on_costs_kept, "BankChargesBy": a.bank_charges_by.value if a.bank_charges_by else "",
            "VatOnBankCharges": a.vat_on_bank_charges, "VatOnInterestKept": a.vat_on_interest_kept,
            "StartsOn": a.starts_on.isoformat() if a.starts_on else "",
            "CommissionOnDirect": a.commission_on_direct,
        }))  # fmt: skip

    @staticmethod
    def _agreement(row: Row) -> SettlementAgreement:
        d = row.data
        return SettlementAgreement(
            client_id=decode(row.rk),
            agency_id=decode(row.pk),
            payout_iban=d["PayoutIban"],
            payout_name=d["PayoutName"],
            payout_bic=d.get("PayoutBic"),
            frequency=Frequency(d["Frequency"]),
            recipients={k: Recipient(v) for k, v in get_json(d.get("Recipients"), {}).items()},
            commission_bp=int(d.get("CommissionBp", 0)),
            fee_vat_bp=int(d.get("FeeVatBp", 2100)),
            vat_on_costs_kept=bool(d.get("VatOnCostsKept", True)),
            bank_charges_by=_charges_by(d),
            # agreements from before the setting: as the law says (see the agreement)
            vat_on_bank_charges=bool(d.get("VatOnBankCharges", True)),
            # agreements from before the setting: as the law says (see the agreement)
            vat_on_interest_kept=bool(d.get("VatOnInterestKept", True)),
            # agreements from before the day was kept: no start, every payment settles
            starts_on=date.fromisoformat(d["StartsOn"]) if d.get("StartsOn") else None,
            # agreements from before the setting: commission on direct money, as they charged
            commission_on_direct=bool(d.get("CommissionOnDirect", True)),
        )

    def agreement(self, agency_id: str, client_id: str) -> SettlementAgreement | None:
        row = self.store.get(AGREEMENTS, encode(agency_id), encode(client_id))
        return self._agreement(row) if row else None

    def agreements(self, agency_id: str) -> list[SettlementAgreement]:
        return [
            self._agreement(r)
            for r in all_rows(self.store, AGREEMENTS, pk=encode(agency_id))
            if r.rk != DEFAULTS_RK
        ]

    def save_defaults(self, d: SettlementDefaults) -> None:
        self.store.upsert(AGREEMENTS, Row(encode(d.agency_id), DEFAULTS_RK, {
            "BankChargesBy": d.bank_charges_by.value,
        }))  # fmt: skip

    def defaults(self, agency_id: str) -> SettlementDefaults:
        """The agency's defaults (none set: the agency bears the charges)."""
        row = self.store.get(AGREEMENTS, encode(agency_id), DEFAULTS_RK)
        if row is None:
            return SettlementDefaults(agency_id)
        by = str(row.data.get("BankChargesBy") or Recipient.AGENCY.value)
        return SettlementDefaults(agency_id, bank_charges_by=Recipient(by))

    def agencies_with_agreements(self) -> list[str]:
        """The agencies a run has work for (the timer's fan-out reads the table once)."""
        return sorted(
            {decode(r.pk) for r in all_rows(self.store, AGREEMENTS) if r.rk != DEFAULTS_RK}
        )

    # -- balances ----------------------------------------------------------------------------
    def balance(self, agency_id: str, client_id: str) -> tuple[SettlementBalance, str | None]:
        row = self.store.get(BALANCES, encode(agency_id), encode(client_id))
        if row is None:
            return SettlementBalance(agency_id, client_id), None
        d = row.data
        balance = SettlementBalance(agency_id, client_id, int(d.get("Carried", 0)),
                                    d.get("LastPeriod"), d.get("LastSettlementId"))  # fmt: skip
        return balance, row.etag

    def save_balance(self, b: SettlementBalance, etag: str | None) -> None:
        """Insert the first one, replace later ones only when unchanged since read."""
        row = Row(encode(b.agency_id), encode(b.client_id), {
            "Carried": b.carried, "LastPeriod": b.last_period, "LastSettlementId": b.last_settlement_id,
        }, etag)  # fmt: skip
        if etag is None:
            self.store.insert(BALANCES, row)
        else:
            self.store.replace(BALANCES, row)

    # -- runs --------------------------------------------------------------------------------
    @staticmethod
    def _run_row(r: SettlementRun, etag: str | None = None) -> Row:
        return Row(encode(r.agency_id), r.run_id, {
            "RunOn": put_date(r.run_on), "CreatedAt": r.created_at, "ActionId": r.action_id, "Status": r.status.value,
            "SettlementIds": put_json(list(r.settlement_ids)), "PayoutTotal": r.payout_total,
            "TransferCount": r.transfer_count, "TransferFile": r.transfer_file, "MessageId": r.message_id,
            "ApprovedAt": r.approved_at, "ApprovedBy": r.approved_by,
            "LeasedUntil": r.leased_until, "LeaseHolder": r.lease_holder,
            "OwedTotal": r.owed_total, "OwedCount": r.owed_count,
        }, etag)  # fmt: skip

    @staticmethod
    def _run(row: Row) -> SettlementRun:
        d = row.data
        return SettlementRun(
            decode(row.pk), row.rk, need_date(d["RunOn"]), d["CreatedAt"], d["ActionId"],
            RunStatus(d["Status"]), tuple(get_json(d.get("SettlementIds"), [])),
            int(d.get("PayoutTotal", 0)), int(d.get("TransferCount", 0)), d.get("TransferFile"),
            d.get("MessageId"), d.get("ApprovedAt"), d.get("ApprovedBy"), d.get("LeasedUntil"),
            d.get("LeaseHolder"), int(d.get("OwedTotal", 0)), int(d.get("OwedCount", 0)),
        )  # fmt: skip

    def add_run(self, run: SettlementRun) -> bool:
        """False when the run exists already (the same run started again)."""
        try:
            self.store.insert(RUNS, self._run_row(run))
            return True
        except Conflict:
            return False

    def run(self, agency_id: str, run_id: str) -> tuple[SettlementRun, str | None] | None:
        row = self.store.get(RUNS, encode(agency_id), run_id)
        return (self._run(row), row.etag) if row else None

    def save_run(self, run: SettlementRun, etag: str | None) -> None:
        self.store.replace(RUNS, self._run_row(run, etag))

    def delete_run(self, run: SettlementRun, etag: str | None) -> None:
        self.store.delete(RUNS, encode(run.agency_id), run.run_id, etag)

    def runs(self, agency_id: str, status: RunStatus | None = None) -> list[SettlementRun]:
        rows = all_rows(self.store, RUNS, pk=encode(agency_id),
                        equals={"Status": status.value} if status else None)  # fmt: skip
        return [self._run(r) for r in rows]

    # -- client settlements ------------------------------------------------------------------
    @staticmethod
    def _settlement_row(s: ClientSettlement, etag: str | None = None) -> Row:
        return Row(encode(s.agency_id), s.settlement_id, {
            "RunId": s.run_id, "ClientId": s.client_id, "ClientNumber": s.client_number, "ClientName": s.client_name,
            "Period": s.period, "CreatedAt": s.created_at, "CarriedIn": s.carried_in,
            "PreviousSettlementId": s.previous_settlement_id, "PayoutIban": s.payout_iban,
            "PayoutName": s.payout_name, "PayoutBic": s.payout_bic, "CommissionBp": s.commission_bp,
            "FeeVatBp": s.fee_vat_bp, "Status": s.status.value, "Totals": _totals_out(s.totals),
            "PaymentCount": s.payment_count, "ReversalCount": s.reversal_count, "Pdf": s.pdf, "Csv": s.csv,
            "VatOnCostsKept": s.vat_on_costs_kept, "BankChargesBy": s.bank_charges_by.value,
            "VatOnBankCharges": s.vat_on_bank_charges,
            "Recipients": put_json({k: v.value for k, v in s.recipients.items()}) if s.recipients is not None else None,
            "VatOnInterestKept": s.vat_on_interest_kept,
            # a catch-up of a client's old statements can list hundreds: kept in parts
            **put_json_parts("BeforeShown", list(s.before_shown)),
            "CommissionOnDirect": s.commission_on_direct,
        }, etag)  # fmt: skip

    @staticmethod
    def _settlement(row: Row) -> ClientSettlement:
        d = row.data
        totals = get_json(d.get("Totals"), None)
        return ClientSettlement(
            decode(row.pk), row.rk, d["RunId"], d["ClientId"], d["ClientNumber"], d["ClientName"],
            d["Period"], d["CreatedAt"], int(d.get("CarriedIn", 0)), d.get("PreviousSettlementId"),
            d["PayoutIban"], d["PayoutName"], d.get("PayoutBic"), int(d.get("CommissionBp", 0)),
            int(d.get("FeeVatBp", 0)), SettlementStatus(d["Status"]),
            _totals_in(totals) if totals else None, int(d.get("PaymentCount", 0)),
            int(d.get("ReversalCount", 0)), d.get("Pdf"), d.get("Csv"),
            bool(d.get("VatOnCostsKept", False)),
            Recipient(str(d.get("BankChargesBy") or Recipient.AGENCY.value)),
            bool(d.get("VatOnBankCharges", False)),  # older rows were computed without
            _recipients(d.get("Recipients")),
            bool(d.get("VatOnInterestKept", False)),  # older rows were computed without
            tuple(get_json_parts(d, "BeforeShown", [])),  # older rows listed none
            bool(d.get("CommissionOnDirect", True)),  # older rows charged it
        )  # fmt: skip

    def add_settlement(self, s: ClientSettlement) -> bool:
        try:
            self.store.insert(SETTLEMENTS, self._settlement_row(s))
            return True
        except Conflict:
            return False

    def settlement(
        self, agency_id: str, settlement_id: str
    ) -> tuple[ClientSettlement, str | None] | None:
        row = self.store.get(SETTLEMENTS, encode(agency_id), settlement_id)
        return (self._settlement(row), row.etag) if row else None

    def save_settlement(self, s: ClientSettlement, etag: str | None) -> None:
        self.store.replace(SETTLEMENTS, self._settlement_row(s, etag))

    def delete_settlement(self, s: ClientSettlement, etag: str | None) -> None:
        self.store.delete(SETTLEMENTS, encode(s.agency_id), s.settlement_id, etag)

    def settlements_of_run(self, agency_id: str, run_id: str) -> list[ClientSettlement]:
        rows = all_rows(self.store, SETTLEMENTS, pk=encode(agency_id), equals={"RunId": run_id})
        return [self._settlement(r) for r in rows]

    # -- payments and their claims -----------------------------------------------------------
    def payments_of(self, client_id: str) -> Iterator[Payment]:
        """Every payment of a client (its partition, page by page)."""
        from shared.adapters.tables.records_repo import PaymentRepository

        for row in all_rows(self.store, schema.PAYMENTS, pk=encode(client_id)):
            yield PaymentRepository.from_row(row)

    @staticmethod
    def _claim_row(c: Claim) -> Row:
        k = c.contribution
        return Row(encode(c.client_id), claim_rk(k.payment_id, c.seq), {
            "SettlementId": c.settlement_id, "DebtorNumber": k.debtor_number,
            "PaymentId": k.payment_id, "Seq": c.seq,
            "ReceivedOn": put_date(k.received_on),
            "Lines": put_json([_line_out(x) for x in k.lines]), "Commission": k.commission,
            # exact (ten-thousandths of a cent): the statement rounds their sum once
            "CommissionE4": k.commission_e4,
            "DeductedIn": c.deducted_in, "ReceivedBy": k.received_by.value,
            "BankCharges": k.bank_charges,
            # a correction's: the setting of the payment's first settlement (law17 S1b)
            "VatOnCostsKept": k.vat_on_costs_kept, "VatOnInterestKept": k.vat_on_interest_kept,
        }, c.etag)  # fmt: skip

    @staticmethod
    def _claim(row: Row) -> Claim:
        d = row.data
        received = need_date(d["ReceivedOn"])
        payment_id = str(d.get("PaymentId") or row.rk)
        # rows stored before it was kept settled everything as the third-party account's
        into = Receiver(str(d.get("ReceivedBy") or Receiver.THIRD_PARTY.value))
        lines = tuple(
            SettlementLine(payment_id, received, str(x[0]), str(x[1]), int(x[2]), Recipient(x[3]),
                           reversal=len(x) > 4, reason=str(x[4]) if len(x) > 4 else "",
                           received_by=into)
            for x in get_json(d.get("Lines"), [])
        )  # fmt: skip
        contribution = Contribution(
            payment_id, received, d.get("DebtorNumber"), lines, int(d["Commission"]), into,
            int(d.get("BankCharges") or 0), _flag(d.get("VatOnCostsKept")),
            _flag(d.get("VatOnInterestKept")),
            None if d.get("CommissionE4") is None else int(d["CommissionE4"]),
        )  # fmt: skip
        return Claim(decode(row.pk), d["SettlementId"], contribution, d.get("DeductedIn"),
                     row.etag, int(d.get("Seq", 0)))  # fmt: skip

    def claims(self, client_id: str) -> dict[str, Claim]:
        """Every payment of the client that a settlement has taken, by payment id."""
        rows = all_rows(self.store, SETTLED_PAYMENTS, pk=encode(client_id))
        return {r.rk: self._claim(r) for r in rows}

    def history(self, client_id: str) -> dict[str, list[Claim]]:
        """Per payment of the client that a settlement has taken: its first settlement and
        its corrections, in order."""
        out: dict[str, list[Claim]] = {}
        for c in self.claims(client_id).values():
            out.setdefault(c.contribution.payment_id, []).append(c)
        return {p: sorted(cs, key=lambda c: c.seq) for p, cs in out.items()}

    def claim(self, claim: Claim) -> bool:
        """Take a payment for a settlement; False when another settlement has it already."""
        try:
            self.store.insert(SETTLED_PAYMENTS, self._claim_row(replace(claim, etag=None)))
            return True
        except Conflict:
            return False

    def claim_many(self, claims: list[Claim]) -> None:
        """Take payments for a settlement, 100 to a transaction (one partition: the
        client's); a transaction that meets a payment already taken is retried row by row,
        so every other payment is still claimed and that one stays with its settlement."""
        for start in range(0, len(claims), MAX_BATCH):
            chunk = claims[start : start + MAX_BATCH]
            ops = [Op(OpKind.INSERT, self._claim_row(replace(c, etag=None))) for c in chunk]
            try:
                self.store.transact(SETTLED_PAYMENTS, ops)
            except TransactionFailed:
                for c in chunk:
                    self.claim(c)

    def claimed_by(self, client_id: str, settlement_id: str) -> tuple[list[Claim], list[Claim]]:
        """What a settlement took: payments it settled, and reversals it deducted."""
        pk = encode(client_id)
        taken = all_rows(
            self.store, SETTLED_PAYMENTS, pk=pk, equals={"SettlementId": settlement_id}
        )
        deducted = all_rows(
            self.store, SETTLED_PAYMENTS, pk=pk, equals={"DeductedIn": settlement_id}
        )
        return [self._claim(r) for r in taken], [self._claim(r) for r in deducted]


def _charges_by(d: dict[str, object]) -> Recipient | None:
    """Who an agreement says bears the bank's charges. "": as the agency's default (every row
    saved since the default exists has the column). Rows stored before the default said
    "agency" or "client" and keep it; rows stored before the setting existed (pooled11) have
    no column: the agency bore the charges then, the only rule, and they keep that (law12c
    #5), not a default the agency sets later."""
    if "BankChargesBy" not in d:
        return Recipient.AGENCY
    said = d["BankChargesBy"]
    return Recipient(str(said)) if said else None


def _recipients(stored: object) -> dict[str, Recipient] | None:
    """A settlement's recipients; None on rows stored before they were kept."""
    if not stored:
        return None
    return {k: Recipient(v) for k, v in get_json(str(stored), {}).items()}


def _flag(stored: object) -> bool | None:
    """A claim row's own setting (None: the statement's, on rows that have none)."""
    return None if stored is None else bool(stored)
