"""The one rule for an invoice handed over to a collection agency (``Invoice.handed_over_to``):
the agency collects it until the case is withdrawn, so the client takes no money for it and
grants nothing on it: no payment through the portal, no postponement, no payment plan made,
started or paid (misc17b for the portal; codereview17 F2: a staff plan over F2, handed over
to "Incasso Noord B.V.", was made (201) and started (200), and the portal took its
installments online for the client while the same page said to pay the agency)."""

from __future__ import annotations

from collections.abc import Iterable

from shared.domain.invoices import Invoice
from shared.services.errors import Invalid
from shared.services.repositories import Repositories


def refuse_handed_over(
    repos: Repositories, invoices: Iterable[Invoice], field: str = "invoices"
) -> None:
    """Refuses (``invoice_handed_over``, the agency by name) the first of ``invoices`` an
    agency collects now; nothing when none is."""
    handed = next((i for i in invoices if i.handed_over_to is not None), None)
    if handed is None:
        return
    agency = repos.agencies.get(str(handed.handed_over_to))
    name = agency.name if agency else str(handed.handed_over_to)
    raise Invalid(
        f"invoice {handed.number} was handed over to {name}: the collection agency collects "
        "it, so it is paid, postponed or put in a payment plan through the agency, not here",
        field=field,
        code="invoice_handed_over",
        params={"invoice": handed.number, "agency": name},
    )
