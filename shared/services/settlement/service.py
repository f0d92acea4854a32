"""What the agency does with settlement: set a client's agreement, read the runs and their
files, approve a run (as a whole: it has one transfer file)."""

from __future__ import annotations

import logging
from dataclasses import replace

from shared.adapters.tables.settlement_repo import SettlementRepository
from shared.clock import Clock, amsterdam_date
from shared.domain.parties import Client
from shared.domain.scopes import agency_scope
from shared.domain.settlement.agreement import (
    Recipient,
    SettlementAgreement,
    SettlementDefaults,
)
from shared.domain.settlement.before_agreement import BeforeAgreement
from shared.domain.settlement.records import ClientSettlement, RunStatus, SettlementRun
from shared.ports.files import FileStore
from shared.ports.tables import PreconditionFailed
from shared.services.errors import ConflictingUpdate, Invalid, NotFound
from shared.services.repositories import Repositories
from shared.services.settlement.before_agreement import split_at_start
from shared.services.settlement.runs import (
    CONTAINER,
    RETRIES,
    TRANSFER_FILE,
    account_item_id,
    files_prefix,
    payouts_of,
    transfer_file,
    unsettled,
)

log = logging.getLogger("inning.settlement")


class SettlementService:
    def __init__(
        self, repos: Repositories, store: SettlementRepository, files: FileStore, clock: Clock
    ) -> None:
        self.repos = repos
        self.store = store
        self.files = files
        self.clock = clock

    # -- agreements --------------------------------------------------------------------------
    def set_agreement(self, client: Client, agreement: SettlementAgreement) -> SettlementAgreement:
        if (agreement.client_id, agreement.agency_id) != (client.client_id, client.agency_id):
            raise Invalid(
                "the agreement names another client", field="client", code="agreement_other_client"
            )
        if agreement.starts_on is None:
            # the first agreement starts the day the client was taken on (settle28: money the
            # agency collected for it before the agreement was set is its collecting), or today
            # for a client without one; one set again keeps the day it started (newcomer27 F4:
            # money received before it is not settled); one stored before the day was kept
            # keeps none, so nothing it settled so far is left out now (the agency gives such
            # an agreement its start by sending starts_on)
            stored = self.store.agreement(client.agency_id, client.client_id)
            first = client.onboarded_on or amsterdam_date(self.clock.now())
            agreement = replace(agreement, starts_on=stored.starts_on if stored else first)
        self.store.save_agreement(agreement)
        return agreement

    def agreement(self, client: Client) -> SettlementAgreement:
        found = self.store.agreement(client.agency_id, client.client_id)
        if found is None:
            raise NotFound(f"client {client.number} has no settlement agreement")
        return found

    def before_agreement(self, client: Client) -> BeforeAgreement | None:
        """The client's payments received before its agreement started and never settled
        (the console shows them, as the statement that first saw them listed them); None
        without an agreement or its start."""
        found = self.store.agreement(client.agency_id, client.client_id)
        if found is None or found.starts_on is None:
            return None
        waiting = unsettled(
            self.store.payments_of(client.client_id), self.store.history(client.client_id)
        )
        _, before = split_at_start(found, waiting)
        return BeforeAgreement(found.starts_on, tuple(before))

    def defaults(self, agency_id: str) -> SettlementDefaults:
        return self.store.defaults(agency_id)

    def set_defaults(self, defaults: SettlementDefaults) -> SettlementDefaults:
        """Set once for every agreement of the agency that does not choose itself; a run
        reads them with the agreements."""
        self.store.save_defaults(defaults)
        return defaults

    def charges_borne_by(self, agreement: SettlementAgreement) -> Recipient:
        """Who bears the bank charges under this agreement: its own choice or the default."""
        return agreement.charges_borne_by(self.defaults(agreement.agency_id).bank_charges_by)

    # -- reading and approving ---------------------------------------------------------------
    def runs(self, agency_id: str) -> list[SettlementRun]:
        return sorted(self.store.runs(agency_id), key=lambda r: r.run_id, reverse=True)

    def run(self, agency_id: str, run_id: str) -> tuple[SettlementRun, list[ClientSettlement]]:
        found = self.store.run(agency_id, run_id) if _valid_run_id(run_id) else None
        if found is None:
            raise NotFound(f"settlement {run_id} not found")
        settlements = self.store.settlements_of_run(agency_id, run_id)
        return found[0], sorted(settlements, key=lambda s: s.client_number)

    def file(self, agency_id: str, run_id: str, name: str) -> tuple[bytes, str]:
        """A file of the run: the transfer file or a statement (PDF, CSV)."""
        run, settlements = self.run(agency_id, run_id)
        prefix = files_prefix(agency_id, run_id)
        known = {TRANSFER_FILE: "application/xml"} if run.transfer_file else {}
        for s in settlements:
            if s.pdf and s.csv:
                known[f"{s.settlement_id}.pdf"] = "application/pdf"
                known[f"{s.settlement_id}.csv"] = "text/csv"
        data = self.files.get(CONTAINER, f"{prefix}/{name}") if name in known else None
        if data is None:
            raise NotFound(f"file {name} not found in settlement {run_id}")
        return data, known[name]

    def approve(self, agency_id: str, run_id: str, by: str) -> SettlementRun:
        """The agency approves the run as a whole (it has one transfer file). Approving an
        approved run changes nothing."""
        for _ in range(RETRIES):
            found = self.store.run(agency_id, run_id) if _valid_run_id(run_id) else None
            if found is None:
                raise NotFound(f"settlement {run_id} not found")
            run, etag = found
            if run.status is RunStatus.APPROVED:
                # a request cut off between the save and the item's resolve: its retry (or
                # any later click) closes the item still open, in the approver's name
                self._resolve_action(agency_id, run, run.approved_by or by)
                return run
            if run.status is RunStatus.BUILDING:
                raise Invalid(
                    f"settlement {run_id} is still being built",
                    field="status",
                    code="settlement_building",
                    params={"run": run_id},
                )
            self._refuse_while_held(run_id)
            now = self.clock.now()
            self._date_transfer_file(run)
            approved = replace(run, status=RunStatus.APPROVED, approved_at=now, approved_by=by)
            try:
                self.store.save_run(approved, etag)
            except PreconditionFailed:
                continue
            self._resolve_action(agency_id, approved, by)
            return approved
        raise ConflictingUpdate(f"settlement {run_id} keeps changing")

    def _refuse_while_held(self, run_id: str) -> None:
        """A restore's hold stands (people27 F6): the run these tables show waiting may have
        been approved and its transfer file paid since the restored night; approving it again
        sends the same payouts twice. Refused (409 ``restore_hold``, the hold's words) until
        the operator's ``inning restore-hold confirm``."""
        from shared.services.operations.money_hold import MoneyHold

        MoneyHold.of(self.repos, self.clock).refuse(f"approving settlement {run_id}")

    def _date_transfer_file(self, run: SettlementRun) -> None:
        """The bank executes on the requested date: a run approved after its run date gets
        its transfer file dated for the approval day (same transfers, same MsgId)."""
        agency = self.repos.agencies.get(run.agency_id)
        if run.transfer_file is None or run.message_id is None or agency is None:
            return
        if not agency.third_party_iban:
            return
        payouts = payouts_of(self.store.settlements_of_run(run.agency_id, run.run_id))
        data = transfer_file(agency, run, run.message_id, payouts, self.clock.now())
        self.files.put(CONTAINER, run.transfer_file, data, content_type="application/xml")

    def _resolve_action(self, agency_id: str, run: SettlementRun, by: str) -> None:
        scope, now = agency_scope(agency_id), self.clock.now()
        if not self.repos.actions.resolve_if_open(
            scope, run.action_id, f"approved by key {by}", now
        ):
            log.info("action %s not waiting any more; left as it is", run.action_id)
        # a run that waited for the account, its worker cut before the item was resolved: the
        # approval is the last moment it still shows (failure19 R1)
        self.repos.actions.resolve_if_open(
            scope, account_item_id(run), f"the run was approved by key {by}", now
        )


def _valid_run_id(run_id: str) -> bool:
    return len(run_id) == 9 and run_id[0] == "R" and run_id[1:].isdigit()
