"""Agencies, clients and debtors on Table Storage."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from shared.adapters.tables import schema
from shared.adapters.tables.codec import get_date, get_json, need_date, put_date, put_json
from shared.adapters.tables.keys import decode, encode
from shared.domain.parties import (
    DUNNING_MINIMUM_DEFAULT,
    Address,
    Agency,
    Client,
    CostTerms,
    Debtor,
    DebtorKind,
    HouseStyle,
    Language,
    Pause,
    PendingLine,
)
from shared.domain.sending_mailbox import SenderCheck
from shared.domain.standing import DebtorStanding, Lift, LiftReason, Standing
from shared.ports.tables import Op, OpKind, Page, Row, TableStore, all_rows


class AgencyRepository:
    def __init__(self, store: TableStore) -> None:
        self.store = store

    def get(self, agency_id: str) -> Agency | None:
        row = self.store.get(schema.AGENCIES, schema.AGENCY_PARTITION, encode(agency_id))
        if row is None:
            return None
        return Agency(
            agency_id,
            row.data["Name"],
            row.data.get("ThirdPartyIban"),
            row.data.get("ContactEmail"),
            row.data.get("VatNumber"),
            row.data.get("PostalAddress"),
            row.data.get("WkiRegisterNumber"),  # rows before wki27 have none: not recorded
            get_date(row.data.get("WkiRegisteredUntil")),  # rows before law28: not recorded
        )

    def save(self, agency: Agency) -> None:
        self.store.upsert(
            schema.AGENCIES,
            Row(
                schema.AGENCY_PARTITION,
                encode(agency.agency_id),
                {
                    "Name": agency.name,
                    "ThirdPartyIban": agency.third_party_iban,
                    "ContactEmail": agency.contact_email,
                    "VatNumber": agency.vat_number,
                    "PostalAddress": agency.postal_address,
                    "WkiRegisterNumber": agency.wki_register_number,
                    "WkiRegisteredUntil": put_date(agency.wki_registered_until),
                },
            ),
        )

    def ids(self) -> list[str]:
        """Every agency's id (few: one row each), for notices to all of them."""
        rows = all_rows(self.store, schema.AGENCIES, pk=schema.AGENCY_PARTITION)
        return [decode(r.rk) for r in rows]


def client_to_row(client: Client) -> Row:
    return Row(
        schema.CLIENT_PARTITION,
        encode(client.client_id),
        {
            "AgencyId": client.agency_id,
            "Number": client.number,
            "Name": client.name,
            "VatDeductible": client.vat_deductible,
            "Ibans": put_json(list(client.ibans)),
            "Language": client.language.value,
            "Sandbox": client.sandbox,
            "SandboxEmail": client.sandbox_email,
            "ContactEmail": client.contact_email,
            "ContactPhone": client.contact_phone,
            "KvkNumber": client.kvk_number,
            "HouseStyle": put_json(asdict(client.house_style)),
            "PostalAddress": put_json(asdict(client.postal_address))
            if client.postal_address
            else None,
            "AllowThirdPartyMatching": client.allow_third_party_matching,
            "AutoBookThresholdPct": round(client.auto_book_threshold * 100),
            "AutoBookMarginPct": round(client.auto_book_margin * 100),
            "AutoBook": client.auto_book,
            "ClientBearsCosts": client.client_bears_costs,
            "DunningShards": client.dunning_shards,
            "RefundWarningThreshold": client.refund_warning_threshold,
            "PostponeAutoDays": client.postpone_auto_days,
            "Active": client.active,
            "ChargeInterest": client.charge_interest,
            "ContractualInterestPercent": client.contractual_interest_percent,
            "CostsMinimumPrincipal": client.costs_minimum_principal,
            "DunningMinimum": client.dunning_minimum,
            "B2bCostsFromDue": client.b2b_costs_from_due,
            "B2bCostsPercent": client.b2b_costs_percent,
            "B2bCostsFixed": client.b2b_costs_fixed,
            "ChannelsOff": put_json(sorted(client.channels_off)),
            "EarlierTerms": put_json([_terms_out(t) for t in client.earlier_terms]),
            "RulingsEnded": client.rulings_ended,
            "ComplaintProcedure": client.complaint_procedure,
            "DisputesCommittee": client.disputes_committee,
            "OnboardedOn": put_date(client.onboarded_on),
            "DunningStartsOn": put_date(client.dunning_starts_on),
            "FirstStepsPerDay": client.first_steps_per_day,
            "SenderCheck": _sender_check_out(client.sender_check),
        },
    )


def client_from_row(row: Row) -> Client:
    d = row.data
    return Client(
        client_id=decode(row.rk),
        agency_id=d["AgencyId"],
        number=d["Number"],
        name=d["Name"],
        vat_deductible=bool(d.get("VatDeductible", True)),
        ibans=tuple(get_json(d.get("Ibans"), [])),
        language=Language(d.get("Language", "nl")),
        sandbox=bool(d.get("Sandbox", False)),
        sandbox_email=d.get("SandboxEmail"),
        contact_email=d.get("ContactEmail"),
        contact_phone=d.get("ContactPhone"),
        kvk_number=d.get("KvkNumber"),
        house_style=HouseStyle(**get_json(d.get("HouseStyle"), {})),
        # rows written before the field (ncfix17a) have none: letters carry no return line
        postal_address=_address(d.get("PostalAddress")),
        allow_third_party_matching=bool(d.get("AllowThirdPartyMatching", False)),
        auto_book_threshold=int(d.get("AutoBookThresholdPct", 85)) / 100,
        auto_book_margin=int(d.get("AutoBookMarginPct", 15)) / 100,
        auto_book=bool(d.get("AutoBook", True)),
        client_bears_costs=bool(d.get("ClientBearsCosts", False)),
        dunning_shards=int(d.get("DunningShards", 1)),
        refund_warning_threshold=int(d.get("RefundWarningThreshold", 2)),
        postpone_auto_days=int(d.get("PostponeAutoDays", 0)),
        active=bool(d.get("Active", True)),
        charge_interest=bool(d.get("ChargeInterest", True)),
        contractual_interest_percent=d.get("ContractualInterestPercent"),
        costs_minimum_principal=int(d.get("CostsMinimumPrincipal", 0)),
        dunning_minimum=int(d.get("DunningMinimum", DUNNING_MINIMUM_DEFAULT)),
        b2b_costs_from_due=bool(d.get("B2bCostsFromDue", False)),
        b2b_costs_percent=d.get("B2bCostsPercent"),
        b2b_costs_fixed=int(d.get("B2bCostsFixed", 0)),
        channels_off=frozenset(get_json(d.get("ChannelsOff"), [])),
        earlier_terms=tuple(_terms_in(t) for t in get_json(d.get("EarlierTerms"), [])),
        rulings_ended=bool(d.get("RulingsEnded", False)),
        # rows written before the fields (wki27) have neither: not recorded
        complaint_procedure=d.get("ComplaintProcedure"),
        disputes_committee=d.get("DisputesCommittee"),
        # rows written before the field (settle28) have none: not recorded
        onboarded_on=get_date(d.get("OnboardedOn")),
        # rows written before the field (onboard32) have none: live
        dunning_starts_on=get_date(d.get("DunningStartsOn")),
        # rows written before the field (golive33) have none: no limit
        first_steps_per_day=None
        if d.get("FirstStepsPerDay") is None
        else int(d["FirstStepsPerDay"]),
        # rows before sender33 have none: their address stays verified (live clients send on)
        sender_check=_sender_check_in(d.get("SenderCheck")),
    )


def _address(stored: object) -> Address | None:
    data = get_json(stored, None)
    return Address(**data) if data else None


def _terms_out(terms: CostTerms) -> dict[str, object]:
    return {**asdict(terms), "until": terms.until.isoformat()}


def _terms_in(data: dict[str, Any]) -> CostTerms:
    return CostTerms(
        until=date.fromisoformat(data["until"]),
        vat_deductible=bool(data["vat_deductible"]),
        client_bears_costs=bool(data["client_bears_costs"]),
        charge_interest=bool(data["charge_interest"]),
        contractual_interest_percent=data.get("contractual_interest_percent"),
        costs_minimum_principal=int(data.get("costs_minimum_principal", 0)),
    )


class ClientRepository:
    def __init__(self, store: TableStore) -> None:
        self.store = store
        # (agency, number) -> client id, as read: a number's index row is inserted once and
        # never replaced nor deleted while the app runs (a restore runs with the app stopped),
        # so every request after a process's first for a client reads it no more (perf28b:
        # one of the 33 requests of a 1,000-invoice import). A number not found is not kept:
        # it may be created the next moment. Who the caller is and whether the client is
        # active are still read every request (ApiKeys, Clients).
        self._ids: dict[tuple[str, str], str] = {}

    def get(self, client_id: str) -> tuple[Client, str | None] | None:
        row = self.store.get(schema.CLIENTS, schema.CLIENT_PARTITION, encode(client_id))
        return (client_from_row(row), row.etag) if row else None

    def id_for_number(self, agency_id: str, number: str) -> str | None:
        known = self._ids.get((agency_id, number))
        if known is not None:
            return known
        row = self.store.get(schema.CLIENT_NUMBERS, encode(agency_id), encode(number))
        if row is None:
            return None
        client_id = self._ids[(agency_id, number)] = str(row.data["ClientId"])
        return client_id

    def ids_for_numbers(self, agency_id: str, numbers: Sequence[str]) -> dict[str, str]:
        rows = self.store.get_many(
            schema.CLIENT_NUMBERS, encode(agency_id), [encode(n) for n in numbers]
        )
        return {decode(rk): str(r.data["ClientId"]) for rk, r in rows.items()}

    def save(self, client: Client, etag: str | None = None, *, new: bool = False) -> None:
        """Write the number index first: a client row is never reachable without it. A new
        client's number is taken by inserting its index row, once: a second create of the same
        number (a retry while the first still runs) gets :class:`Conflict` and must update the
        client the index names instead of making a second one with the same number."""
        if new:
            self.store.insert(
                schema.CLIENT_NUMBERS,
                Row(
                    encode(client.agency_id), encode(client.number), {"ClientId": client.client_id}
                ),
            )
            # the id is new and only reachable through the index just inserted: the only other
            # writer is that racing create, which writes this number's data too
            self.store.upsert(schema.CLIENTS, client_to_row(client))
            return
        row = client_to_row(client)
        row.etag = etag
        if etag is None:
            self.store.upsert(schema.CLIENTS, row)
        else:
            self.store.replace(schema.CLIENTS, row)

    def list_for_agency(
        self, agency_id: str, *, page_size: int = 100, continuation: str | None = None
    ) -> tuple[list[Client], str | None]:
        page = self.store.query(
            schema.CLIENT_NUMBERS,
            pk=encode(agency_id),
            page_size=page_size,
            continuation=continuation,
        )
        ids = [str(r.data["ClientId"]) for r in page.rows]
        rows = self.store.get_many(
            schema.CLIENTS, schema.CLIENT_PARTITION, [encode(i) for i in ids]
        )
        clients = [client_from_row(rows[encode(i)]) for i in ids if encode(i) in rows]
        return clients, page.continuation

    def all(self) -> Iterable[Client]:
        return (
            client_from_row(r)
            for r in all_rows(self.store, schema.CLIENTS, pk=schema.CLIENT_PARTITION)
        )


def debtor_to_row(debtor: Debtor) -> Row:
    pause = debtor.pause
    return Row(
        encode(debtor.client_id),
        encode(debtor.number),
        {
            "Kind": debtor.kind.value,
            "Name": debtor.name,
            "Emails": put_json(list(debtor.emails)),
            "Mobile": debtor.mobile,
            "WhatsappConsent": debtor.whatsapp_consent,
            "WhatsappStoppedOn": put_date(debtor.whatsapp_stopped_on),
            "WhatsappStopWithdrew": debtor.whatsapp_stop_withdrew,
            "WhatsappWordAt": debtor.whatsapp_word_at,
            "Address": put_json(asdict(debtor.address)) if debtor.address else None,
            "Language": debtor.language.value,
            "Segment": debtor.segment,
            "KvkNumber": debtor.kvk_number,
            "Ibans": put_json(list(debtor.ibans)),
            "PauseReason": pause.reason if pause else None,
            "PauseSince": put_date(pause.since) if pause else None,
            "PauseUntil": put_date(pause.until) if pause else None,
            "PauseEndedOn": put_date(debtor.pause_ended_on),
            "WorkflowOverride": debtor.workflow_override,
            "Standing": put_json(standing_to_json(debtor.standing)) if debtor.standing else None,
            "PendingLine": put_json(_line_to_json(debtor.pending_line))
            if debtor.pending_line
            else None,
        },
    )


def _line_to_json(line: PendingLine) -> dict[str, object]:
    return {"id": line.entry_id, "at": line.at.isoformat(), "kind": line.kind,
            "summary": line.summary, "author": line.author}  # fmt: skip


def _line_from_json(d: dict[str, Any] | None) -> PendingLine | None:
    if not d:
        return None
    return PendingLine(str(d["id"]), datetime.fromisoformat(d["at"]), str(d["kind"]),
                       str(d["summary"]), str(d["author"]))  # fmt: skip


def standing_to_json(s: DebtorStanding) -> dict[str, object]:
    return {
        "standing": s.standing.value,
        "since": s.since.isoformat(),
        "recorded_on": s.recorded_on.isoformat(),
        "confirmed": s.confirmed,
        "lifted_on": s.lifted_on.isoformat() if s.lifted_on else None,
        **({"proposed_by": list(s.proposed_by)} if s.proposed_by else {}),
        "lift_reason": s.lift_reason.value if s.lift_reason else None,
        **({"ended": standing_to_json(s.ended)} if s.ended is not None else {}),
        **({"lifted_by": s.lifted_by} if s.lifted_by is not None else {}),
        **({"lifts": [_lift_to_json(x) for x in s.lifts]} if s.lifts else {}),
        **({"by_agency": True} if s.recorded_by_agency else {}),
    }


def _lift_to_json(x: Lift) -> dict[str, object]:
    return {
        "standing": x.standing.value, "since": x.since.isoformat(),
        "lifted_on": x.lifted_on.isoformat(), "reason": x.reason.value, "by": x.by,
        "confirmed": x.confirmed,
    }  # fmt: skip


def _lift_from_json(d: dict[str, Any]) -> Lift:
    return Lift(
        Standing(d["standing"]), date.fromisoformat(d["since"]),
        date.fromisoformat(d["lifted_on"]), LiftReason(d["reason"]), str(d["by"]),
        bool(d.get("confirmed", True)),
    )  # fmt: skip


def standing_from_json(d: dict[str, Any] | None) -> DebtorStanding | None:
    if not d:
        return None
    return DebtorStanding(
        Standing(d["standing"]),
        date.fromisoformat(d["since"]),
        date.fromisoformat(d["recorded_on"]),
        bool(d.get("confirmed", True)),
        date.fromisoformat(d["lifted_on"]) if d.get("lifted_on") else None,
        tuple(str(x) for x in d.get("proposed_by") or ()),
        LiftReason(d["lift_reason"]) if d.get("lift_reason") else None,
        standing_from_json(d.get("ended")),
        d.get("lifted_by"),
        tuple(_lift_from_json(x) for x in d.get("lifts") or ()),
        bool(d.get("by_agency", False)),
    )


def debtor_from_row(row: Row) -> Debtor:
    d = row.data
    address = get_json(d.get("Address"), None)
    pause = None
    if d.get("PauseReason"):
        pause = Pause(
            d["PauseReason"], need_date(d.get("PauseSince")), get_date(d.get("PauseUntil"))
        )
    return Debtor(
        client_id=decode(row.pk),
        number=decode(row.rk),
        kind=DebtorKind(d["Kind"]),
        name=d["Name"],
        emails=tuple(get_json(d.get("Emails"), [])),
        mobile=d.get("Mobile"),
        whatsapp_consent=bool(d.get("WhatsappConsent", False)),
        whatsapp_stopped_on=get_date(d.get("WhatsappStoppedOn")),
        whatsapp_stop_withdrew=(
            None if d.get("WhatsappStopWithdrew") is None else bool(d["WhatsappStopWithdrew"])
        ),
        whatsapp_word_at=d.get("WhatsappWordAt"),
        address=Address(**address) if address else None,
        language=Language(d.get("Language", "nl")),
        segment=d.get("Segment", "default"),
        kvk_number=d.get("KvkNumber"),
        ibans=tuple(get_json(d.get("Ibans"), [])),
        pause=pause,
        pause_ended_on=get_date(d.get("PauseEndedOn")),
        workflow_override=d.get("WorkflowOverride"),
        standing=standing_from_json(get_json(d.get("Standing"), None)),
        pending_line=_line_from_json(get_json(d.get("PendingLine"), None)),
    )


class DebtorRepository:
    def __init__(self, store: TableStore) -> None:
        self.store = store

    def get(self, client_id: str, number: str) -> tuple[Debtor, str | None] | None:
        row = self.store.get(schema.DEBTORS, encode(client_id), encode(number))
        return (debtor_from_row(row), row.etag) if row else None

    def get_many(
        self, client_id: str, numbers: Sequence[str]
    ) -> dict[str, tuple[Debtor, str | None]]:
        rows = self.store.get_many(schema.DEBTORS, encode(client_id), [encode(n) for n in numbers])
        return {decode(rk): (debtor_from_row(r), r.etag) for rk, r in rows.items()}

    def existing_numbers(self, client_id: str, numbers: Sequence[str]) -> set[str]:
        return set(self.get_many(client_id, numbers))

    def save(self, debtor: Debtor, etag: str | None) -> None:
        row = debtor_to_row(debtor)
        row.etag = etag
        if etag is None:
            self.store.insert(schema.DEBTORS, row)
        else:
            self.store.replace(schema.DEBTORS, row)
        _index_emails(self.store, [debtor])

    def save_ops(self, ops: Sequence[Op]) -> None:
        """One transaction (same client partition, at most 100 operations)."""
        self.store.transact(schema.DEBTORS, ops)
        _index_emails(
            self.store, [debtor_from_row(op.row) for op in ops if op.kind is not OpKind.DELETE]
        )

    @staticmethod
    def write_op(debtor: Debtor, etag: str | None) -> Op:
        row = debtor_to_row(debtor)
        row.etag = etag
        return Op(OpKind.INSERT if etag is None else OpKind.REPLACE, row)

    def list(
        self, client_id: str, *, page_size: int = 100, continuation: str | None = None
    ) -> tuple[list[Debtor], str | None]:
        page: Page = self.store.query(
            schema.DEBTORS, pk=encode(client_id), page_size=page_size, continuation=continuation
        )
        return [debtor_from_row(r) for r in page.rows], page.continuation


def _index_emails(store: TableStore, debtors: Sequence[Debtor]) -> None:
    """A debtor's addresses in the address index (an answer by e-mail finds its debtor by
    its sender: shared/adapters/tables/inbound_repo.py)."""
    from shared.adapters.tables.inbound_repo import DebtorEmailIndex

    if not any(d.emails for d in debtors):
        return
    index = DebtorEmailIndex(store)
    try:
        index.remember(debtors)
    except Exception:
        # the debtors are stored: the index only helps inbound e-mail find a sender's
        # debtor. The client's index is built again in full on its next use.
        log = logging.getLogger("inning.inbound")
        log.exception(
            "address index of %s debtor(s) not written: rebuilt on next use", len(debtors)
        )
        for client_id in {d.client_id for d in debtors}:
            try:
                index.unbuild(client_id)
            except Exception:
                log.exception("address index marker not cleared")


def _sender_check_out(check: SenderCheck | None) -> str | None:
    if check is None:
        return None
    return put_json({
        "address": check.address, "code_hash": check.code_hash,
        "expires_at": check.expires_at.isoformat() if check.expires_at else None,
        "attempts": check.attempts, "day": put_date(check.day), "codes": check.codes_that_day,
    })  # fmt: skip


def _sender_check_in(raw: Any) -> SenderCheck | None:
    d = get_json(raw, None)
    if not isinstance(d, dict):
        return None
    expires = d.get("expires_at")
    return SenderCheck(
        str(d["address"]), d.get("code_hash"),
        datetime.fromisoformat(expires) if expires else None, int(d.get("attempts") or 0),
        get_date(d.get("day")), int(d.get("codes") or 0),
    )  # fmt: skip
