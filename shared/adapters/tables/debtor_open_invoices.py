"""A debtor's open invoices for the matcher (a known payer's debtor, a payment plan's invoices),
from his own invoice rows (``Invoices``, ``i|<debtor>|<invoice>``).

The matching index's ``d|<debtor>|<invoice>`` rows answered this until its version 5 (perf26):
a copy, for the open invoices, of the range every debtor has in ``Invoices`` anyway, and a
statement window reads that range for the claims it books. Dropping the copy took a quarter of
the index's rows (what Azurite scans on every range read of it) and 10 requests off every 1,000
imported invoices. The answer is the one the ``d|`` page gave: the same invoices (open,
partially paid or disputed with money open), in the same order (both keys end in the debtor and
the encoded invoice number), at most :data:`RANGE_CAP` of them, so a debtor with more open
invoices still vetoes an automatic booking (``LookupBudget.full``). The debtor's name and kind,
which the ``d|`` rows carried, come from his own row, asked only when something is open.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from shared.adapters.tables import schema
from shared.adapters.tables.invoices_repo import invoice_from_row
from shared.adapters.tables.keys import encode
from shared.adapters.tables.match_index_repo import is_matchable
from shared.domain.parties import Debtor
from shared.domain.statements.matching import RANGE_CAP, OpenInvoice
from shared.ports.tables import Row, TableStore, all_rows, prefix_range


def open_of_rows(rows: Iterable[Row], debtor: Callable[[], Debtor | None]) -> list[OpenInvoice]:
    """The open invoices among a debtor's invoice rows, in key order, at most a page
    (:data:`RANGE_CAP`); ``debtor`` is asked once, at the first open one (a debtor with nothing
    open costs no read of his row)."""
    out: list[OpenInvoice] = []
    found: Debtor | None = None
    asked = False
    for row in rows:
        inv = invoice_from_row(row)
        if not is_matchable(inv):
            continue
        if not asked:
            found, asked = debtor(), True
        out.append(
            OpenInvoice(
                number=inv.number,
                debtor=inv.debtor_number,
                debtor_name=found.name if found is not None else "",
                open_amount=inv.open_amount,
                payment_reference=inv.payment_reference,
                due_date=inv.due_date,
                debtor_kind=found.kind.value if found is not None else None,
            )
        )
        if len(out) >= RANGE_CAP:
            break
    return out


def read_open_of_debtor(
    store: TableStore, client_id: str, number: str, debtor: Callable[[], Debtor | None]
) -> list[OpenInvoice]:
    """:func:`open_of_rows` of the debtor's invoice rows, read page by page (1,000 rows a
    request) until they end or a page of open ones is found: one request for all but a debtor
    with more than 1,000 invoices on file."""
    rows = all_rows(  # lazy: a page read only when the one before did not fill the answer
        store,
        schema.INVOICES,
        pk=encode(client_id),
        rk_range=prefix_range(schema.debtor_invoices_prefix(number)),
    )
    return open_of_rows(rows, debtor)
