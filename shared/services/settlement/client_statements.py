"""A client's own settlement statements (afdrachtspecificaties): the PDF and CSV of each
approved run that settled it. Before, only the agency could read them (its runs hold every
client's): the client saw a payout "Afdracht R20261203-cl... TULP" arrive and its payments
report sent it to "de afdrachtspecificatie" it could get nowhere (agency21 F3). Only approved
runs: a run awaiting approval may still be closed without paying."""

from __future__ import annotations

from dataclasses import dataclass

from shared.domain.parties import Client
from shared.domain.settlement.records import ClientSettlement, RunStatus, SettlementRun
from shared.services.errors import NotFound
from shared.services.settlement.runs import settlement_id_for
from shared.services.settlement.service import SettlementService

# the newest approved runs looked at for a client's list: one point read each (about four
# months of daily runs, two years of weekly ones)
RUNS_LISTED = 120


@dataclass(frozen=True)
class ClientStatement:
    run: SettlementRun
    settlement: ClientSettlement


def statements_of(service: SettlementService, client: Client) -> list[ClientStatement]:
    """The client's statements of the newest approved runs, newest first."""
    runs = sorted(service.store.runs(client.agency_id, RunStatus.APPROVED),
                  key=lambda r: r.run_id, reverse=True)[:RUNS_LISTED]  # fmt: skip
    found: list[ClientStatement] = []
    for run in runs:
        s = _statement(service, client, run)
        if s is not None:
            found.append(ClientStatement(run, s))
    return found


def statement_file(
    service: SettlementService, client: Client, settlement_id: str, name: str
) -> tuple[bytes, str]:
    """The PDF or CSV of the client's own statement ``settlement_id`` of an approved run;
    anything else, another client's above all, is not found."""
    run_id = settlement_id.split("-", 1)[0]
    if settlement_id != settlement_id_for(run_id, client.client_id) or name not in (
        f"{settlement_id}.pdf",
        f"{settlement_id}.csv",
    ):
        raise NotFound(f"file {name} not found")
    found = service.store.run(client.agency_id, run_id) if _run_id(run_id) else None
    if found is None or found[0].status is not RunStatus.APPROVED:
        raise NotFound(f"settlement {settlement_id} not found")
    if _statement(service, client, found[0]) is None:
        raise NotFound(f"settlement {settlement_id} not found")
    return service.file(client.agency_id, run_id, name)


def _statement(
    service: SettlementService, client: Client, run: SettlementRun
) -> ClientSettlement | None:
    found = service.store.settlement(
        client.agency_id, settlement_id_for(run.run_id, client.client_id)
    )
    if found is None or found[0].client_id != client.client_id or not found[0].pdf:
        return None
    return found[0]


def _run_id(run_id: str) -> bool:
    return len(run_id) == 9 and run_id[0] == "R" and run_id[1:].isdigit()
