"""Invoices on Table Storage: an invoice row under its debtor plus an index row by number,
always written together in one entity-group transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from shared.adapters.tables import schema
from shared.adapters.tables.codec import need_date, put_date
from shared.adapters.tables.keys import decode, encode
from shared.domain.invoices import Invoice, InvoiceStatus
from shared.ports.tables import (
    MAX_BATCH,
    Op,
    OpKind,
    PreconditionFailed,
    Row,
    TableStore,
    prefix_range,
)


@dataclass(frozen=True)
class StoredInvoice:
    invoice: Invoice
    etag: str | None
    index_etag: str | None


def invoice_to_row(inv: Invoice) -> Row:
    return Row(
        encode(inv.client_id),
        schema.invoice_rk(inv.debtor_number, inv.number),
        {
            "Number": inv.number,
            "DebtorNumber": inv.debtor_number,
            "InvoiceDate": put_date(inv.invoice_date),
            "DueDate": put_date(inv.due_date),
            "Amount": inv.amount,
            "Paid": inv.paid,
            "Currency": inv.currency,
            "Status": inv.status.value,
            "PaymentReference": inv.payment_reference,
            "Description": inv.description,
            "DisputeReason": inv.dispute_reason,
        },
    )


def invoice_from_row(row: Row) -> Invoice:
    d = row.data
    return Invoice(
        client_id=decode(row.pk),
        number=d["Number"],
        debtor_number=d["DebtorNumber"],
        invoice_date=need_date(d["InvoiceDate"]),
        due_date=need_date(d["DueDate"]),
        amount=int(d["Amount"]),
        paid=int(d.get("Paid", 0)),
        currency=d.get("Currency", "EUR"),
        status=InvoiceStatus(d["Status"]),
        payment_reference=d.get("PaymentReference"),
        description=d.get("Description"),
        dispute_reason=d.get("DisputeReason"),
    )


def _index_row(inv: Invoice) -> Row:
    return Row(
        encode(inv.client_id),
        schema.invoice_index_rk(inv.number),
        {"DebtorNumber": inv.debtor_number, "Status": inv.status.value},
    )


class InvoiceRepository:
    def __init__(self, store: TableStore) -> None:
        self.store = store

    def debtor_of(
        self, client_id: str, numbers: Sequence[str]
    ) -> dict[str, tuple[str, str | None]]:
        """Invoice number -> (debtor number, index etag) for the numbers that exist."""
        rows = self.store.get_many(
            schema.INVOICES, encode(client_id), [schema.invoice_index_rk(n) for n in numbers]
        )
        out = {}
        for rk, row in rows.items():
            out[decode(rk.split("|", 1)[1])] = (str(row.data["DebtorNumber"]), row.etag)
        return out

    def get(self, client_id: str, number: str) -> StoredInvoice | None:
        found = self.get_many(client_id, [number])
        return found.get(number)

    def get_many(self, client_id: str, numbers: Sequence[str]) -> dict[str, StoredInvoice]:
        owners = self.debtor_of(client_id, numbers)
        rks = [schema.invoice_rk(debtor, number) for number, (debtor, _) in owners.items()]
        rows = self.store.get_many(schema.INVOICES, encode(client_id), rks)
        out = {}
        for row in rows.values():
            inv = invoice_from_row(row)
            out[inv.number] = StoredInvoice(inv, row.etag, owners[inv.number][1])
        return out

    @staticmethod
    def write_ops(inv: Invoice, previous: StoredInvoice | None) -> list[Op]:
        """Two operations: the invoice row and its index row, conditional on what was read."""
        row, index = invoice_to_row(inv), _index_row(inv)
        if previous is None:
            return [Op(OpKind.INSERT, row), Op(OpKind.INSERT, index)]
        row.etag, index.etag = previous.etag, previous.index_etag
        return [Op(OpKind.REPLACE, row), Op(OpKind.REPLACE, index)]

    def save(self, inv: Invoice, previous: StoredInvoice | None) -> None:
        self.store.transact(schema.INVOICES, self.write_ops(inv, previous))

    def save_many(self, client_id: str, ops: Sequence[Op]) -> None:
        """Write prepared operations in transactions of at most 100 (pairs never split)."""
        for start in range(0, len(ops), MAX_BATCH):
            self.store.transact(schema.INVOICES, ops[start : start + MAX_BATCH])

    def for_debtor(self, client_id: str, debtor_number: str) -> list[Invoice]:
        lo, hi = prefix_range(schema.debtor_invoices_prefix(debtor_number))
        out: list[Invoice] = []
        token = None
        while True:
            page = self.store.query(
                schema.INVOICES, pk=encode(client_id), rk_range=(lo, hi), continuation=token
            )
            out += [invoice_from_row(r) for r in page.rows]
            token = page.continuation
            if not token:
                return out

    def list(
        self,
        client_id: str,
        *,
        status: InvoiceStatus | None = None,
        page_size: int = 100,
        continuation: str | None = None,
    ) -> tuple[list[Invoice], str | None]:
        lo, hi = prefix_range(schema.INVOICE_ROW + "|")
        page = self.store.query(
            schema.INVOICES,
            pk=encode(client_id),
            rk_range=(lo, hi),
            equals={"Status": status.value} if status else None,
            page_size=page_size,
            continuation=continuation,
        )
        return [invoice_from_row(r) for r in page.rows], page.continuation


__all__ = ["InvoiceRepository", "PreconditionFailed", "StoredInvoice"]
