"""Payment plans on Table Storage.

| table          | PartitionKey        | RowKey                       | serves                        |
| PaymentPlans   | client id           | plan id                      | a plan; a client's plans      |
| PlanTimeline   | client id ``|`` plan | time-ordered id              | what happened, oldest first   |
| PlanCalendar   | ``calendar``        | ``yyyymmdd|client|plan``     | the daily run: one row per    |
|                |                     |                              | running plan at its next date |
|                |                     |                              | of attention, so a range read |
|                |                     |                              | up to today costs what needs  |
|                |                     |                              | attention, not every plan     |
| PlanReferences | betalingskenmerk    | ``plan``                     | a plan by its own reference   |
| PlanRules      | client id           | ``rules``                    | the client's plan rules       |
| PlanInvoices   | client id           | invoice number               | the running plan that holds   |
|                |                     |                              | an invoice (and its dunning)  |
| PlanInvoices   | client id ``|ended`` | invoice number               | a plan the creditor ended     |
|                |                     |                              | while the debtor kept it: its |
|                |                     |                              | dunning held to ``Until``     |
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from shared.adapters.tables.codec import get_date, get_json, need_date, put_date, put_json
from shared.adapters.tables.keys import decode, encode, join
from shared.domain.plans.plan import (
    Consent,
    DebitState,
    DirectDebit,
    Mandate,
    PaymentPlan,
    PlanStatus,
)
from shared.domain.plans.rules import PlanRules, ReminderChannel, SelfServiceApproval
from shared.domain.plans.schedule import Period, PlanMethod, ScheduledInstallment
from shared.ports.tables import Conflict, PreconditionFailed, Row, TableStore, all_rows

PLANS = "PaymentPlans"
TIMELINE = "PlanTimeline"
CALENDAR = "PlanCalendar"
REFERENCES = "PlanReferences"
PLAN_RULES = "PlanRules"
PLAN_INVOICES = "PlanInvoices"
TABLES = (PLANS, TIMELINE, CALENDAR, REFERENCES, PLAN_RULES, PLAN_INVOICES)
CALENDAR_PK = "calendar"


def rules_json(rules: PlanRules) -> dict[str, Any]:
    d = asdict(rules)
    d["reminder_channel"] = rules.reminder_channel.value
    d["self_service"] = rules.self_service.value
    return d


def rules_from(d: dict[str, Any]) -> PlanRules:
    values = dict(d)
    if "reminder_channel" in values:
        values["reminder_channel"] = ReminderChannel(values["reminder_channel"])
    if "self_service" in values:
        values["self_service"] = SelfServiceApproval(values["self_service"])
    return PlanRules(**values)


def held_by_plan(
    store: TableStore,
    client_id: str,
    numbers: list[str],
    *,
    ended: bool | AbstractSet[str] = False,
) -> set[str]:
    """The invoices among ``numbers`` that a running payment plan holds (no dunning); with
    ``ended``, also those a plan the creditor ended while the debtor kept it still holds from
    the dunning (:func:`ended_partition`: to the last day he was granted, law16b F4). The
    ended plans' holds are read here (``True``), or given as :func:`held_after_end` read them
    once for a daily run's every debtor."""
    if not numbers:
        return set()
    keys = [encode(n) for n in numbers]
    found = {decode(rk) for rk in store.get_many(PLAN_INVOICES, encode(client_id), keys)}
    if ended is True:
        found |= {decode(rk) for rk in store.get_many(PLAN_INVOICES, ended_partition(client_id), keys)}  # fmt: skip
    elif ended:
        found |= {n for n in numbers if n in ended}
    return found


def held_after_end(store: TableStore, client_id: str) -> frozenset[str]:
    """Every invoice of the client a plan the creditor ended while the debtor kept it still
    holds from the dunning: the whole ended partition in one query (it holds only those
    plans' invoices until their last day, when the plan's look drops them), so the daily run
    reads it once for all its debtors rather than once per debtor (misc17b)."""
    return frozenset(
        decode(row.rk) for row in all_rows(store, PLAN_INVOICES, pk=ended_partition(client_id))
    )


def ended_partition(client_id: str) -> str:
    """The partition of the dunning holds of plans the creditor ended while the debtor kept
    them: apart from the running plans' holds, which the portal, the console and the booking
    read as "in a running plan" (a new plan, an online payment, a claim change go on)."""
    return join(encode(client_id), "ended")


def _mandate_json(m: Mandate | None) -> dict[str, Any] | None:
    if m is None:
        return None
    return {
        "id": m.mandate_id,
        "signed_on": m.signed_on.isoformat(),
        "iban": m.iban,
        "name": m.name,
        "bic": m.bic,
        **({"customer": m.customer_id, "status": m.status} if m.customer_id else {}),
    }


def _mandate_from(d: dict[str, Any] | None) -> Mandate | None:
    if not d:
        return None
    return Mandate(d["id"], date.fromisoformat(d["signed_on"]), d["iban"], d["name"], d.get("bic"),
                   d.get("customer"), d.get("status", "valid"))  # fmt: skip


def _debit_json(x: DirectDebit) -> list[Any]:
    return [
        x.number,
        x.attempt,
        x.collection_date.isoformat(),
        x.amount,
        x.end_to_end_id,
        x.first,
        x.state.value,
        x.reason,
        *([x.via] if x.via != "file" or x.returned_on else []),
        *([x.returned_on.isoformat()] if x.returned_on else []),
    ]


def _debit_from(v: list[Any]) -> DirectDebit:
    n, attempt, on, amount, e2e, first, state = v[:7]
    return DirectDebit(
        int(n),
        int(attempt),
        date.fromisoformat(on),
        int(amount),
        e2e,
        bool(first),
        DebitState(state),
        v[7] if len(v) > 7 else None,  # rows written before reasons were kept have none
        v[8] if len(v) > 8 else "file",
        date.fromisoformat(v[9]) if len(v) > 9 and v[9] else None,  # kept since law14b
    )


class PlanRepository:
    def __init__(self, store: TableStore) -> None:
        self.store = store

    # -- plans -------------------------------------------------------------------------------
    @staticmethod
    def _row(plan: PaymentPlan) -> Row:
        return Row(encode(plan.client_id), encode(plan.plan_id), {
            "DebtorNumber": plan.debtor_number, "InvoiceNumbers": put_json(list(plan.invoice_numbers)),
            "IncludeCosts": plan.include_costs, "Method": plan.method.value, "Start": put_date(plan.start),
            "Period": plan.period.value, "Total": plan.total, "PaymentReference": plan.payment_reference,
            "Schedule": put_json([[i.number, i.due_date.isoformat(), i.amount] for i in plan.schedule]),
            "Rules": put_json(rules_json(plan.rules)), "CreatedAt": plan.created_at, "CreatedBy": plan.created_by,
            "Status": plan.status.value, "ActivatedAt": plan.activated_at,
            "ActivatedOn": put_date(plan.activated_on), "Paid": plan.paid,
            "Failed": put_json(sorted(plan.failed)), "Skipped": put_json(sorted(plan.skipped)),
            "Reason": plan.reason, "Mandate": put_json(_mandate_json(plan.mandate)),
            "Debits": put_json([_debit_json(d) for d in plan.debits]), "Reminded": put_json(sorted(plan.reminded)),
            "AttentionOn": put_date(plan.attention_on), "Releasing": plan.releasing,
            "LapseToTell": plan.lapse_to_tell, "LapseOwed": plan.lapse_owed, "ActivationToTell": plan.activation_to_tell,
            "NoticeToTell": plan.notice_to_tell,
            "PricedOn": put_date(plan.priced_on), "EndedOn": put_date(plan.ended_on),
            "AgreedOn": put_date(plan.agreed_on),
            "AgreedHow": plan.agreed_how.value if plan.agreed_how else None,
            "WidenedOn": put_date(plan.widened_on),
            "CameBack": put_json([[n, on.isoformat()] for n, on in plan.came_back]),
            "AgencyId": plan.agency_id,
        })  # fmt: skip

    @staticmethod
    def _plan(row: Row) -> PaymentPlan:
        d = row.data
        return PaymentPlan(
            client_id=decode(row.pk), plan_id=decode(row.rk), debtor_number=d["DebtorNumber"],
            invoice_numbers=tuple(get_json(d.get("InvoiceNumbers"), [])), include_costs=bool(d["IncludeCosts"]),
            method=PlanMethod(d["Method"]), start=need_date(d["Start"]), period=Period(d["Period"]),
            total=int(d["Total"]), payment_reference=d["PaymentReference"],
            schedule=tuple(ScheduledInstallment(int(n), date.fromisoformat(on), int(a))
                           for n, on, a in get_json(d.get("Schedule"), [])),
            rules=rules_from(get_json(d.get("Rules"), {})), created_at=d["CreatedAt"], created_by=d["CreatedBy"],
            status=PlanStatus(d["Status"]), activated_at=d.get("ActivatedAt"),
            activated_on=get_date(d.get("ActivatedOn")), paid=int(d.get("Paid", 0)),
            failed=frozenset(get_json(d.get("Failed"), [])), skipped=frozenset(get_json(d.get("Skipped"), [])),
            reason=d.get("Reason"), mandate=_mandate_from(get_json(d.get("Mandate"), None)),
            debits=tuple(_debit_from(x) for x in get_json(d.get("Debits"), [])), reminded=frozenset(get_json(d.get("Reminded"), [])),
            attention_on=get_date(d.get("AttentionOn")), releasing=bool(d.get("Releasing", False)),
            lapse_to_tell=str(d.get("LapseToTell") or ""),
            lapse_owed=str(d.get("LapseOwed") or ""),
            activation_to_tell=str(d.get("ActivationToTell") or ""),
            notice_to_tell=str(d.get("NoticeToTell") or ""),
            priced_on=get_date(d.get("PricedOn")), ended_on=get_date(d.get("EndedOn")),
            agreed_on=get_date(d.get("AgreedOn")),
            agreed_how=Consent(d["AgreedHow"]) if d.get("AgreedHow") else None,
            widened_on=get_date(d.get("WidenedOn")),
            came_back=tuple((int(n), date.fromisoformat(on))
                            for n, on in get_json(d.get("CameBack"), [])),
            agency_id=d.get("AgencyId") or None,
        )  # fmt: skip

    def add(self, plan: PaymentPlan) -> None:
        """Also claims the plan's payment reference, so no two plans share one."""
        self.store.insert(
            REFERENCES,
            Row(
                plan.payment_reference, "plan", {"ClientId": plan.client_id, "PlanId": plan.plan_id}
            ),
        )
        self.store.insert(PLANS, self._row(plan))

    def get(self, client_id: str, plan_id: str) -> tuple[PaymentPlan, str | None] | None:
        row = self.store.get(PLANS, encode(client_id), encode(plan_id))
        return (self._plan(row), row.etag) if row else None

    def save(self, plan: PaymentPlan, etag: str | None) -> str | None:
        """Raises PreconditionFailed when someone changed the plan since it was read."""
        row = self._row(plan)
        row.etag = etag
        return self.store.replace(PLANS, row).etag

    def delete(self, plan: PaymentPlan, etag: str | None) -> None:
        self.store.delete(PLANS, encode(plan.client_id), encode(plan.plan_id), etag)
        self.store.delete(REFERENCES, plan.payment_reference, "plan")

    def of_client(self, client_id: str, status: PlanStatus | None = None) -> list[PaymentPlan]:
        equals = {"Status": status.value} if status else None
        return [
            self._plan(r) for r in all_rows(self.store, PLANS, pk=encode(client_id), equals=equals)
        ]

    def of_debtor(self, client_id: str, debtor_number: str) -> list[PaymentPlan]:
        """One debtor's plans (the portal shows them): the client's partition, filtered."""
        equals = {"DebtorNumber": debtor_number}
        return [
            self._plan(r) for r in all_rows(self.store, PLANS, pk=encode(client_id), equals=equals)
        ]

    def by_reference(self, reference: str) -> tuple[str, str] | None:
        """(client id, plan id) of the plan that owns this betalingskenmerk."""
        row = self.store.get(REFERENCES, reference, "plan")
        return (row.data["ClientId"], row.data["PlanId"]) if row else None

    # -- timeline ----------------------------------------------------------------------------
    def log(self, client_id: str, plan_id: str, entry_id: str, at: datetime, kind: str,
            text: str, detail: dict[str, Any] | None = None) -> None:  # fmt: skip
        try:
            self.store.insert(TIMELINE, Row(join(encode(client_id), encode(plan_id)), entry_id,
                                            {"At": at, "Kind": kind, "Text": text, "Detail": put_json(detail)}))  # fmt: skip
        except Conflict:
            return  # the same entry written by a redelivered message

    def timeline(self, client_id: str, plan_id: str) -> list[dict[str, Any]]:
        found = all_rows(self.store, TIMELINE, pk=join(encode(client_id), encode(plan_id)))
        # in the order written: most ids are time-ordered, a look's step has an id of its own
        # (written once on a redo) and sorts by its time
        rows = sorted(found, key=lambda r: r.data["At"])
        return [{"at": r.data["At"], "kind": r.data["Kind"], "text": r.data["Text"],
                 "detail": get_json(r.data.get("Detail"), {})} for r in rows]  # fmt: skip

    # -- the calendar of the daily run ----------------------------------------------------------
    @staticmethod
    def _calendar_key(on: date, client_id: str, plan_id: str) -> str:
        return join(on.strftime("%Y%m%d"), encode(client_id), encode(plan_id))

    def move_attention(
        self, client_id: str, plan_id: str, old: date | None, new: date | None
    ) -> None:
        """Move the plan's calendar row from ``old`` to ``new`` (None: not on it). The new
        row is written first: a crash in between leaves an extra row, which the run handles
        as a harmless look, never a plan that is forgotten."""
        if new is not None:  # always: a retry after a failed write must still file the plan
            self.store.upsert(CALENDAR, Row(CALENDAR_PK, self._calendar_key(new, client_id, plan_id),
                                            {"ClientId": client_id, "PlanId": plan_id}))  # fmt: skip
        if old is not None and old != new:
            try:
                self.store.delete(
                    CALENDAR, CALENDAR_PK, self._calendar_key(old, client_id, plan_id)
                )
            except PreconditionFailed:
                return  # already gone

    def drop_attention(self, client_id: str, plan_id: str, on: date) -> None:
        try:
            self.store.delete(CALENDAR, CALENDAR_PK, self._calendar_key(on, client_id, plan_id))
        except PreconditionFailed:
            return

    def needing_attention(self, on_or_before: date) -> list[tuple[date, str, str]]:
        """(date, client, plan) of every calendar row up to and including ``on_or_before``:
        days the timer missed are picked up, nothing is skipped."""
        high = on_or_before.strftime("%Y%m%d") + "|\U0010ffff"
        out = []
        for r in all_rows(self.store, CALENDAR, pk=CALENDAR_PK, rk_range=(None, high)):
            day = r.rk.split("|", 1)[0]
            out.append(
                (
                    date(int(day[:4]), int(day[4:6]), int(day[6:])),
                    r.data["ClientId"],
                    r.data["PlanId"],
                )
            )
        return out

    # -- invoices held by a running plan ---------------------------------------------------------
    def hold_invoices(
        self, client_id: str, plan_id: str, numbers: tuple[str, ...]
    ) -> tuple[str, str] | None:
        """Claim the invoices for this plan; on a clash, undo and return (invoice, other plan)."""
        taken: list[str] = []
        for number in numbers:
            try:
                self.store.insert(
                    PLAN_INVOICES, Row(encode(client_id), encode(number), {"PlanId": plan_id})
                )
                taken.append(number)
            except Conflict:
                holder = self.holding_plan(client_id, number)
                if holder == plan_id:
                    continue  # ours already (a retried activation)
                self.release_invoices(client_id, plan_id, tuple(taken))
                return number, holder or "?"
        return None

    def release_invoices(self, client_id: str, plan_id: str, numbers: tuple[str, ...]) -> None:
        for number in numbers:
            row = self.store.get(PLAN_INVOICES, encode(client_id), encode(number))
            if row is not None and row.data.get("PlanId") == plan_id:
                try:
                    self.store.delete(PLAN_INVOICES, row.pk, row.rk, row.etag)
                except PreconditionFailed:
                    continue

    def hold_after_end(
        self, client_id: str, plan_id: str, numbers: tuple[str, ...], until: date
    ) -> None:
        """Hold these invoices from the dunning for an ended plan until ``until`` (the first
        day the workflow may take them back; idempotent)."""
        for number in numbers:
            self.store.upsert(PLAN_INVOICES, Row(ended_partition(client_id), encode(number),
                                                 {"PlanId": plan_id, "Until": put_date(until)}))  # fmt: skip

    def release_after_end(
        self, client_id: str, numbers: tuple[str, ...], plan_id: str | None = None
    ) -> None:
        """Drop the ended plans' dunning holds of these invoices (only ``plan_id``'s when
        given: a later plan's hold is not another's to drop)."""
        for number in numbers:
            row = self.store.get(PLAN_INVOICES, ended_partition(client_id), encode(number))
            if row is None or (plan_id is not None and row.data.get("PlanId") != plan_id):
                continue
            try:
                self.store.delete(PLAN_INVOICES, row.pk, row.rk, row.etag)
            except PreconditionFailed:
                continue

    def holding_plan(self, client_id: str, number: str) -> str | None:
        row = self.store.get(PLAN_INVOICES, encode(client_id), encode(number))
        return str(row.data["PlanId"]) if row else None

    # -- rules per client ----------------------------------------------------------------------
    def rules(self, client_id: str) -> PlanRules:
        """The client's rules; created with the defaults on first use."""
        row = self.store.get(PLAN_RULES, encode(client_id), "rules")
        if row is not None:
            return rules_from(get_json(row.data.get("Rules"), {}))
        rules = PlanRules()
        try:
            self.store.insert(
                PLAN_RULES, Row(encode(client_id), "rules", {"Rules": put_json(rules_json(rules))})
            )
        except Conflict:
            return self.rules(client_id)
        return rules

    def set_rules(self, client_id: str, rules: PlanRules) -> None:
        self.store.upsert(
            PLAN_RULES, Row(encode(client_id), "rules", {"Rules": put_json(rules_json(rules))})
        )
