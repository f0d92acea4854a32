"""Direct-debit collections of payment plans: the items waiting for a file, and one
pain.008.001.08 file per client (creditor account) and collection date in blob storage.

| table          | PartitionKey                | RowKey            | serves                        |
| SddCollections | client id ``|`` yyyymmdd    | plan ``|`` n ``|`` attempt | the items of one file   |
| SddPending     | ``pending``                 | yyyymmdd ``|`` client | the files still to build;   |
|                |                             |                   | a range read up to a date     |
| SddPending     | ``building``                | yyyymmdd ``|`` client | who builds that file now    |
|                |                             |                   | (``Until``: the lease's end)  |
| SddCollections | ``e2e|`` client id          | end-to-end id     | which plan, installment and   |
|                |                             |                   | attempt a bank's status report|
|                |                             |                   | or return is about (written   |
|                |                             |                   | when the collection is filed, |
|                |                             |                   | so a return before booking is |
|                |                             |                   | recognised too)               |

A file is built two days before its collection date (the EPC SDD Core D-1 cut-off, with a
day to spare for the upload); the agency or client uploads it to its bank from the action
list. An item written after its file was built goes into a second file for the same date,
never lost, never in two files (an item records the file it went into). Two builds at once
(the timer fired on two instances, or run by hand while it runs) take turns on a client's
date: the one that leases it builds, the other leaves it (twice24: each claimed half of the
day's collections under a file name of its own, two files and two upload items for one day).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta

from shared.adapters.tables.keys import InvalidKey, decode, encode, join
from shared.clock import Clock
from shared.domain.ids import time_ordered_id
from shared.domain.money import Cents
from shared.domain.parties import Client
from shared.domain.plans.pain008 import (
    Collection,
    CollectionBatch,
    SequenceType,
    pain008,
    unnamed,
)
from shared.domain.plans.plan import DebitState, DirectDebit, Mandate
from shared.domain.plans.rules import PlanRules
from shared.domain.records import ActionItem, Receiver
from shared.domain.sepa_xml import SepaFileError
from shared.ports.files import FileStore
from shared.ports.tables import Conflict, PreconditionFailed, Row, TableStore, all_rows
from shared.services.account_ownership import debtor_account
from shared.services.repositories import Repositories

log = logging.getLogger("inning.plans")

COLLECTIONS = "SddCollections"
PENDING = "SddPending"
TABLES = (COLLECTIONS, PENDING)
CONTAINER = "direct-debits"
FILE_LEAD_DAYS = 2  # the file is built this many days before the collection date
BUILDING = "building"  # SddPending's partition of the builds' leases
# longer than a build of one client's date takes; a builder cut off leaves its lease to run out,
# and the next day's build (a day before the bank's cut-off) makes the file
BUILD_LEASE = timedelta(minutes=5)


class DirectDebitError(ValueError):
    """Direct debit is not set up for this client (no creditor identifier or IBAN):
    ``missing`` names which, for the refusal's code."""

    def __init__(self, message: str, missing: str) -> None:
        super().__init__(message)
        self.missing = missing


# every file's creditor account is one of the client's own (creditor_of): the money a file
# collects is the client's already, never on the agency's third-party account (attack7 #1)
COLLECTED_INTO = Receiver.CLIENT


def creditor_of(rules: PlanRules, client: Client, repos: Repositories) -> tuple[str, str]:
    """The client's SEPA creditor identifier and the account its collections go to: its
    proven account (``debtor_account``, iban28), never a pending one."""
    if not rules.creditor_id:
        raise DirectDebitError(
            "the client has no SEPA creditor identifier (plan rules: creditor_id)",
            missing="creditor_id",
        )
    account = debtor_account(repos, client)
    if not account:
        raise DirectDebitError("the client has no proven IBAN to collect to", missing="iban")
    return rules.creditor_id, account


class DirectDebitDesk:
    def __init__(self, repos: Repositories, files: FileStore, clock: Clock,
                 rules_of: Callable[[str], PlanRules]) -> None:  # fmt: skip
        self.rules_of = rules_of
        self.repos = repos
        self.store: TableStore = repos.store
        self.files = files
        self.clock = clock

    def submit(self, client_id: str, plan_id: str, mandate: Mandate, debit: DirectDebit,
               remittance: str) -> None:  # fmt: skip
        """Put the collection in the next file for its date (idempotent per attempt)."""
        pk, rk = self._key(client_id, plan_id, debit)
        data = {
            "EndToEndId": debit.end_to_end_id, "Amount": debit.amount, "MandateId": mandate.mandate_id,
            "SignedOn": mandate.signed_on.isoformat(), "Iban": mandate.iban, "Name": mandate.name,
            "Bic": mandate.bic, "First": debit.first, "Remittance": remittance,
        }  # fmt: skip
        # the end-to-end id first: a status report about a filed collection always finds it
        self.store.upsert(COLLECTIONS, Row(join("e2e", encode(client_id)), encode(debit.end_to_end_id), {
            "PlanId": plan_id, "Number": debit.number, "Attempt": debit.attempt,
            "CollectionDate": debit.collection_date.isoformat(),
        }))  # fmt: skip
        try:
            self.store.insert(COLLECTIONS, Row(pk, rk, data))
        except Conflict:
            # submitted before (a redelivered message, or the plan's next day). A submission
            # cut off after this row but before its pending row left a collection no build
            # ever reads (failure16 R2: 100.00 booked as collected, no pain.008 made): the
            # pending row is written again while the collection is in no file and not
            # withdrawn (an upsert: idempotent; a build finding it empty deletes it)
            row = self.store.get(COLLECTIONS, pk, rk)
            if row is None or row.data.get("File") or row.data.get("Withdrawn"):
                return
        self.store.upsert(
            PENDING,
            Row("pending", join(debit.collection_date.strftime("%Y%m%d"), encode(client_id)), {}),
        )

    def filed(self, client_id: str, plan_id: str, number: int, attempt: int,
              end_to_end_id: str) -> DirectDebit | None:  # fmt: skip
        """The collection already filed under this end-to-end id (None: none is). A plan that
        forgot it (restored to a backup from before it: failure16 R1) asks before filing the
        installment again, so it files the same collection on the same date, not a second
        one on another date that the bank would collect as well."""
        e2e = self.store.get(COLLECTIONS, join("e2e", encode(client_id)), encode(end_to_end_id))
        if e2e is None or str(e2e.data.get("PlanId")) != plan_id:
            return None
        on = date.fromisoformat(str(e2e.data["CollectionDate"]))
        debit = DirectDebit(number, attempt, on, 0, end_to_end_id, False)
        row = self.store.get(COLLECTIONS, *self._key(client_id, plan_id, debit))
        if row is None:
            return None  # cut off before its collection row: filing it now is the first time
        state = DebitState.WITHDRAWN if row.data.get("Withdrawn") else DebitState.SUBMITTED
        return replace(debit, amount=int(row.data["Amount"]), first=bool(row.data.get("First")),
                       state=state)  # fmt: skip

    def plan_of(self, client_id: str, end_to_end_id: str) -> str | None:
        """The plan whose collection carries this end-to-end id (None: not one of ours)."""
        try:
            row = self.store.get(COLLECTIONS, join("e2e", encode(client_id)), encode(end_to_end_id))
        except InvalidKey:  # an id no row key can hold (too long): not ours
            return None
        return str(row.data["PlanId"]) if row else None

    @staticmethod
    def _key(client_id: str, plan_id: str, debit: DirectDebit) -> tuple[str, str]:
        return (
            join(encode(client_id), debit.collection_date.strftime("%Y%m%d")),
            join(encode(plan_id), f"{debit.number:03d}", f"{debit.attempt:02d}"),
        )

    def withdraw(self, client_id: str, plan_id: str, debit: DirectDebit) -> str | None:
        """Take a filed collection out: a file not yet built leaves it out; returns the
        file's blob name when the file was already made (staff must then cancel the
        collection at the bank, or the file if not yet uploaded). Idempotent."""
        pk, rk = self._key(client_id, plan_id, debit)
        for _ in range(5):
            row = self.store.get(COLLECTIONS, pk, rk)
            if row is None:
                return None  # never filed (withdrawn before its submission was written)
            if not row.data.get("Withdrawn"):
                row.data["Withdrawn"] = True
                try:
                    self.store.replace(COLLECTIONS, row)
                except PreconditionFailed:
                    continue  # a builder claimed it meanwhile: read the file name again
            name = row.data.get("File")
            return str(name) if name and self.files.exists(CONTAINER, str(name)) else None
        raise PreconditionFailed("the collection keeps changing")

    def carried(self, client_id: str, plan_id: str, debit: DirectDebit) -> bool:
        """Whether the collection is in a file that was written (the bank had it to collect):
        only then may its date book it as collected."""
        row = self.store.get(COLLECTIONS, *self._key(client_id, plan_id, debit))
        if row is None or row.data.get("Withdrawn"):
            return False
        name = row.data.get("File")
        return bool(name) and self.files.exists(CONTAINER, str(name))

    def miss(self, client_id: str, plan_id: str, debit: DirectDebit) -> bool:
        """A collection whose date came with no file carrying it (its submission was cut off
        and never finished): withdrawn as missed, as :meth:`build_files` does for a file made
        too late, so no later build puts it in a file for a day gone and the plan files the
        installment again; told once per client and date. False: a file carries it after all
        (a builder got there first)."""
        pk, rk = self._key(client_id, plan_id, debit)
        for _ in range(5):
            row = self.store.get(COLLECTIONS, pk, rk)
            if row is None:  # never written: a late submission of it finds it withdrawn
                try:
                    self.store.insert(COLLECTIONS, Row(pk, rk, {
                        "EndToEndId": debit.end_to_end_id, "Amount": debit.amount,
                        "Withdrawn": True, "Missed": True,
                    }))  # fmt: skip
                except Conflict:
                    continue
                break
            if row.data.get("Withdrawn"):
                break
            name = row.data.get("File")
            if name and self.files.exists(CONTAINER, str(name)):
                return False
            row.data["Withdrawn"] = True
            row.data["Missed"] = True
            try:
                self.store.replace(COLLECTIONS, row)
            except PreconditionFailed:
                continue  # a builder claimed it meanwhile: read it again
            break
        else:
            raise PreconditionFailed("the collection keeps changing")
        self._tell_missed(client_id, debit.collection_date, 1)
        return True

    def is_withdrawn(self, client_id: str, plan_id: str, debit: DirectDebit) -> bool:
        row = self.store.get(COLLECTIONS, *self._key(client_id, plan_id, debit))
        return bool(row and row.data.get("Withdrawn"))

    def collections_of_file(
        self, client_id: str, message_id: str, sequence: str | None = None
    ) -> list[str]:
        """The end-to-end ids in the file we sent as ``message_id`` (its collection date is
        in the id: ``SDDyyyymmdd…``), only those of one sequence (FRST, RCUR) when given."""
        found = re.fullmatch(r"SDD(\d{8})\w+", message_id)
        if found is None:
            return []
        pk = join(encode(client_id), found.group(1))
        out = []
        for r in all_rows(self.store, COLLECTIONS, pk=pk):
            if not str(r.data.get("File") or "").endswith(f"-{message_id}.xml"):
                continue
            if sequence is not None and bool(r.data.get("First")) != (sequence == "FRST"):
                continue
            out.append(str(r.data["EndToEndId"]))
        return out

    def build_files(self, today: date) -> list[str]:
        """Every file whose collection date is at most two days away; returns the blob names.
        One client's file that cannot be made (no creditor id any more) goes on its action
        list and stops no other client's file."""
        high = (today + timedelta(days=FILE_LEAD_DAYS)).strftime("%Y%m%d") + "|\U0010ffff"
        built = []
        # a file that cannot be made now (a storage 503, a timeout) stops no other client's:
        # raised once the others are made, its row left for the next build (failure24 F5)
        failure: Exception | None = None
        for row in all_rows(self.store, PENDING, pk="pending", rk_range=(None, high)):
            day, encoded_client = row.rk.split("|", 1)
            client_id = decode(encoded_client)
            on = date(int(day[:4]), int(day[4:6]), int(day[6:]))
            if on <= today:
                # the timer was down past the day the file was due: the bank cannot collect on
                # a day gone, and the debtors were told that day (failure7 finding 9)
                self._missed(client_id, on)
                self._done(row)
                continue
            lease = self._lease(row.rk)
            if lease is None:
                log.info("direct debit file of %s for %s is being built elsewhere", client_id, on)
                continue  # its builder makes it and removes the row
            try:
                name = self._build(client_id, on)
            except (DirectDebitError, SepaFileError) as exc:
                self._refused(client_id, on, str(exc))
                continue  # the row stays: the file is built once the client's setup is fixed
            except Exception as exc:  # raised below, once the others are made
                log.exception("direct debit file of %s for %s not made now", client_id, on)
                failure = failure or exc
                continue
            finally:
                self._release(lease)
            if name:
                built.append(name)
            self._done(row)
        if failure is not None:
            raise failure
        return built

    def _lease(self, rk: str) -> Row | None:
        """This builder's lease on one client's date; None while another builder holds it."""
        now = self.clock.now()
        until = (now + BUILD_LEASE).isoformat()
        try:
            return self.store.insert(PENDING, Row(BUILDING, rk, {"Until": until}))
        except Conflict:
            held = self.store.get(PENDING, BUILDING, rk)
        if held is None:
            return None  # released just now: its file is made; the next build looks again
        if str(held.data.get("Until", "")) > now.isoformat():
            return None
        held.data["Until"] = until  # a builder cut off: its lease ran out
        try:
            return self.store.replace(PENDING, held)
        except PreconditionFailed:
            return None  # taken over by another builder first

    def _release(self, lease: Row) -> None:
        try:
            self.store.delete(PENDING, lease.pk, lease.rk, lease.etag)
        except PreconditionFailed:
            pass  # it ran out and another builder holds it now: theirs

    def _done(self, row: Row) -> None:
        try:
            self.store.delete(PENDING, row.pk, row.rk, row.etag)
        except PreconditionFailed:
            pass  # an item arrived meanwhile: the row stays for the next build

    def _missed(self, client_id: str, on: date) -> None:
        """Withdraw the collections of a file made too late (none of them reached a bank: a
        written file is never touched); each plan's next run sees its collection withdrawn and
        files its installment again for a day ahead. One item says so."""
        pk = join(encode(client_id), on.strftime("%Y%m%d"))
        missed = 0
        for r in all_rows(self.store, COLLECTIONS, pk=pk):
            if r.data.get("Withdrawn"):
                continue
            name = r.data.get("File")
            if name and self.files.exists(CONTAINER, str(name)):
                continue  # in a file made in time: the bank has it
            r.data["Withdrawn"] = True
            r.data["Missed"] = True
            try:
                self.store.replace(COLLECTIONS, r)
            except PreconditionFailed:
                continue  # a builder or a withdrawal got there first: theirs stands
            missed += 1
        if missed:
            self._tell_missed(client_id, on, missed)

    def _tell_missed(self, client_id: str, on: date, missed: int) -> None:
        now = self.clock.now()
        # once: told already
        self.repos.actions.add_once(ActionItem(
            client_id=client_id, action_id=f"sdd-missed-{on:%Y%m%d}", kind="direct_debit_missed",
            title=f"The direct debit file for {on:%d-%m-%Y} was not made in time ({missed} "
                  "collections): nothing was sent to the bank; each installment is collected "
                  "again on a later day",
            created_at=now, detail={"collection_date": on.isoformat(), "collections": missed},
        ))  # fmt: skip

    def _build(self, client_id: str, on: date) -> str | None:
        """Claim the collections not yet in a file (ETag-guarded, so a collection goes into
        one file only, whoever builds at the same time), then write the file of exactly the
        claimed ones under a name fixed by the claim: a rebuild after a crash rewrites the
        same file, it never makes a second one."""
        found = self.repos.clients.get(client_id)
        if found is None:
            return None
        client = found[0]
        creditor_of(self.rules_of(client_id), client, self.repos)  # refuse before claiming anything
        pk = join(encode(client_id), on.strftime("%Y%m%d"))
        rows = list(all_rows(self.store, COLLECTIONS, pk=pk))
        now = self.clock.now()
        message_id = f"SDD{on:%Y%m%d}{time_ordered_id(now)[-12:]}"
        name = f"{encode(client_id)}/{on:%Y-%m-%d}-{message_id}.xml"
        for r in rows:
            if r.data.get("File") or r.data.get("Withdrawn"):
                continue
            r.data["File"] = name
            try:
                r.etag = self.store.replace(COLLECTIONS, r).etag
            except PreconditionFailed:
                r.data["File"] = None  # another builder claimed it first
        # a crash after claiming leaves claimed rows whose file was never written: finish it
        names = sorted({str(r.data["File"]) for r in rows if r.data.get("File")})
        unwritten = [n for n in names if not self.files.exists(CONTAINER, n)]
        written = []
        for name in unwritten:
            mine = [r for r in rows if r.data.get("File") == name and not r.data.get("Withdrawn")]
            if mine:  # a file whose every collection was withdrawn before it was written: none
                self._write(client, on, name, mine)
                written.append(name)
        return written[-1] if written else None

    def _write(self, client: Client, on: date, name: str, mine: list[Row]) -> None:
        creditor_id, iban = creditor_of(self.rules_of(client.client_id), client, self.repos)
        now = self.clock.now()
        message_id = name.rsplit("-", 1)[-1].removesuffix(".xml")
        xml = pain008(CollectionBatch(
            message_id=message_id, created_at=now.replace(tzinfo=None), collection_date=on,
            creditor_name=client.name, creditor_iban=iban, creditor_id=creditor_id,
            collections=tuple(_collection(r) for r in mine),
        ))  # fmt: skip
        total: Cents = sum(int(r.data["Amount"]) for r in mine)
        title = (
            f"Upload the direct debit file for {on:%d-%m-%Y} ({len(mine)} collections) to the bank"
        )
        detail: dict[str, object] = {
            "container": CONTAINER,
            "blob": name,
            "collections": len(mine),
            "total": total,
            "collection_date": on.isoformat(),
        }
        # a holder's name with no Latin form is written "Mandaat <id>" (the file stays valid):
        # staff check those mandates' names with the debtor
        without = unnamed([_collection(r) for r in mine])
        if without:
            title += f"; account holder written as 'Mandaat <id>' for {', '.join(without)}: check the name"
            detail["unnamed_mandates"] = ", ".join(without)
        # the item first, the file last: the file's absence is what a rebuild looks for (once:
        # written before a crash)
        self.repos.actions.add_once(ActionItem(
            client_id=client.client_id, action_id=f"sdd-{message_id}", kind="direct_debit_file",
            title=title, created_at=now, detail=detail,
        ))  # fmt: skip
        self.files.put(CONTAINER, name, xml, content_type="application/xml")

    def _refused(self, client_id: str, on: date, reason: str) -> None:
        now = self.clock.now()
        # once: told already
        self.repos.actions.add_once(ActionItem(
            client_id=client_id, action_id=f"sdd-refused-{on:%Y%m%d}", kind="direct_debit_failure",
            title=f"The direct debit file for {on:%d-%m-%Y} cannot be made: {reason}",
            created_at=now, detail={"collection_date": on.isoformat(), "reason": reason},
        ))  # fmt: skip


def _collection(row: Row) -> Collection:
    d = row.data
    return Collection(
        end_to_end_id=d["EndToEndId"], amount=int(d["Amount"]), mandate_id=d["MandateId"],
        signed_on=date.fromisoformat(d["SignedOn"]),
        sequence=SequenceType.FIRST if d.get("First") else SequenceType.RECURRING,
        debtor_name=d["Name"], debtor_iban=d["Iban"], remittance=d["Remittance"], debtor_bic=d.get("Bic"),
    )  # fmt: skip
