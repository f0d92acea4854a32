"""An invoice's own PDF, attached to the messages about it (the API's ``PUT .../pdf`` and the
console's upload store it the same way, in ``invoice-pdfs`` under the client and number)."""

from __future__ import annotations

from shared.domain.parties import Client
from shared.ports.files import FileStore
from shared.services.dunning import INVOICE_PDFS, invoice_pdf_name
from shared.services.errors import Invalid, NotFound
from shared.services.repositories import Repositories

MAX_PDF_BYTES = 10 * 1024 * 1024


class InvoicePdfs:
    def __init__(self, repos: Repositories, files: FileStore) -> None:
        self.repos = repos
        self.files = files

    def attach(self, client: Client, number: str, data: bytes) -> int:
        """Store the PDF of one of the client's invoices; its size in bytes."""
        if self.repos.invoices.get(client.client_id, number) is None:
            raise NotFound(f"invoice {number} not found")
        if not data.startswith(b"%PDF"):
            raise Invalid("the invoice PDF must be a PDF file", "pdf", code="pdf_not_pdf")
        if len(data) > MAX_PDF_BYTES:
            raise Invalid(
                "an invoice PDF may be at most 10 MiB",
                "pdf",
                code="pdf_too_large",
                params={"mib": MAX_PDF_BYTES // 1024 // 1024},
            )
        self.files.put(
            INVOICE_PDFS,
            invoice_pdf_name(client.client_id, number),
            data,
            content_type="application/pdf",
        )
        # the portal shows the PDF link from the invoice row, without asking the blob store
        self.repos.invoices.note_pdf(client.client_id, number)
        return len(data)

    def has_pdf(self, client: Client, number: str) -> bool:
        return self.files.exists(INVOICE_PDFS, invoice_pdf_name(client.client_id, number))
