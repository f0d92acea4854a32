"""The refusals of correcting a booked payment's designation
(shared/services/ledger/redesignation.py), in Dutch and English."""

from __future__ import annotations

# code -> (Dutch, English); {invoices} as the service names them
DESIGNATION_REFUSALS: dict[str, tuple[str, str]] = {
    "designation_payment_reversed": (
        "Deze betaling is teruggeboekt: ze betaalt geen factuur meer om aan te wijzen.",
        "This payment came back: it pays no invoice any more to designate.",
    ),
    "designation_payment_no_debtor": (
        "Deze betaling staat op geen debiteur: boek haar eerst via de actielijst.",
        "This payment is on no debtor: book it on the action list first.",
    ),
    "designation_unknown_invoices": (
        "Geen facturen van deze opdrachtgever: {invoices}.",
        "Not invoices of this client: {invoices}.",
    ),
    "designation_other_debtor": (
        "Factuur {invoices} is van een andere debiteur: een betaling gaat alleen naar "
        "vorderingen op haar eigen debiteur.",
        "Invoice {invoices} is another debtor's: a payment goes only to its own debtor's claims.",
    ),
    "designation_invoice_closed": (
        "Factuur {invoices} is gecrediteerd of ingetrokken en neemt geen betaling meer aan: "
        "kies de factuur die de betaler bedoelde.",
        "Invoice {invoices} was credited or withdrawn and takes no payment any more: choose the "
        "invoice the payer meant.",
    ),
}
