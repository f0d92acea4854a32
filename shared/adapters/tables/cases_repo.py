"""Cases handed over to a collection agency, with the dossier as it stood.

| table | PartitionKey | RowKey  | serves                                   |
| Cases | agency id    | case id | the agency's cases; a case by its id     |
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from shared.adapters.tables.codec import get_json, put_json
from shared.adapters.tables.keys import decode, encode
from shared.ports.tables import Conflict, Row, TableStore, all_rows, prefix_range

CASES = "Cases"
TABLES = (CASES,)


@dataclass(frozen=True)
class Case:
    agency_id: str
    case_id: str
    client_id: str
    debtor_number: str
    invoice_numbers: tuple[str, ...]
    created_at: datetime
    dossier: dict[str, Any]
    status: str = "open"  # open | withdrawn
    withdrawn_at: datetime | None = None
    withdrawn_reason: str | None = None


class CaseRepository:
    def __init__(self, store: TableStore) -> None:
        self.store = store

    @staticmethod
    def _row(case: Case) -> Row:
        return Row(encode(case.agency_id), encode(case.case_id), {
            "ClientId": case.client_id, "DebtorNumber": case.debtor_number, "InvoiceNumbers": put_json(list(case.invoice_numbers)),
            "CreatedAt": case.created_at, "Dossier": put_json(case.dossier), "Status": case.status,
            "WithdrawnAt": case.withdrawn_at, "WithdrawnReason": case.withdrawn_reason,
        })  # fmt: skip

    @staticmethod
    def _case(row: Row) -> Case:
        d = row.data
        return Case(decode(row.pk), decode(row.rk), d["ClientId"], d["DebtorNumber"], tuple(get_json(d.get("InvoiceNumbers"), [])),
                    d["CreatedAt"], get_json(d.get("Dossier"), {}), d.get("Status", "open"), d.get("WithdrawnAt"), d.get("WithdrawnReason"))  # fmt: skip

    def add(self, case: Case) -> bool:
        """False when the case exists already (a repeated run)."""
        try:
            self.store.insert(CASES, self._row(case))
            return True
        except Conflict:
            return False

    def get(self, agency_id: str, case_id: str) -> tuple[Case, str | None] | None:
        row = self.store.get(CASES, encode(agency_id), encode(case_id))
        return (self._case(row), row.etag) if row else None

    def withdraw(self, case: Case, etag: str, at: datetime, reason: str) -> Case:
        updated = replace(case, status="withdrawn", withdrawn_at=at, withdrawn_reason=reason)
        row = self._row(updated)
        row.etag = etag
        self.store.replace(CASES, row)
        return updated

    def save(self, case: Case, etag: str) -> Case:
        """The case changed (an invoice left it); PreconditionFailed when it changed meanwhile."""
        row = self._row(case)
        row.etag = etag
        self.store.replace(CASES, row)
        return case

    def of_client(self, agency_id: str, client_id: str) -> list[Case]:
        """One client's cases at the agency: one key range, as a case's id starts with its
        client's id (``CaseService.hand_over``)."""
        rows = all_rows(self.store, CASES, pk=encode(agency_id),
                        rk_range=prefix_range(encode(f"{client_id}-")))  # fmt: skip
        return [c for c in map(self._case, rows) if c.client_id == client_id]

    def list(self, agency_id: str) -> list[Case]:
        return [self._case(r) for r in all_rows(self.store, CASES, pk=encode(agency_id))]
