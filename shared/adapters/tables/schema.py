"""The table layout: which table holds what, under which keys, and why.

Every tenant table is partitioned by the internal ``client_id``: a query can only name the
partition of the client it was authorised for, so tenant isolation is a property of the keys,
and each client's writes batch into entity-group transactions (100 rows per request).

Table         PartitionKey  RowKey                              serves
Agencies      "agency"      agency_id                           agency profile
Clients       "client"      client_id                           client by id; all clients
ClientNumbers agency_id     client number                       agency's number -> id; list
Debtors       client_id     debtor number                       debtor by number; paging
Invoices      client_id     "i|" debtor "|" invoice number      a debtor's invoices (range)
                            "n|" invoice number (index row)     invoice by number
                            "r|" invoice number                 a client's receipt to book
Payments      client_id     payment id (time-ordered)           payments in order received
ContactLog    client_id     debtor "|" inverted time "|" id     a debtor's log, newest first
                            "|once|" debtor "|" id              an entry written once: its claim
Actions       client_id     action id (time-ordered)            the action list
ApiKeys       "key"         key id                              authenticate a request

An invoice row and its index row live in one partition and are written in one transaction,
so neither exists without the other. External numbers are encoded by
:mod:`shared.adapters.tables.keys`.
"""

from __future__ import annotations

from datetime import datetime

from shared.adapters.tables.keys import encode, join

AGENCIES = "Agencies"
CLIENTS = "Clients"
CLIENT_NUMBERS = "ClientNumbers"
DEBTORS = "Debtors"
INVOICES = "Invoices"
PAYMENTS = "Payments"
CONTACT_LOG = "ContactLog"
ACTIONS = "Actions"
API_KEYS = "ApiKeys"

ALL_TABLES = (
    AGENCIES, CLIENTS, CLIENT_NUMBERS, DEBTORS, INVOICES, PAYMENTS, CONTACT_LOG, ACTIONS,
    API_KEYS,
)  # fmt: skip

AGENCY_PARTITION = "agency"
CLIENT_PARTITION = "client"
KEY_PARTITION = "key"
INVOICE_ROW = "i"
INVOICE_INDEX_ROW = "n"


def invoice_rk(debtor_number: str, invoice_number: str) -> str:
    return join(INVOICE_ROW, encode(debtor_number), encode(invoice_number))


def invoice_index_rk(invoice_number: str) -> str:
    return join(INVOICE_INDEX_ROW, encode(invoice_number))


def debtor_invoices_prefix(debtor_number: str) -> str:
    return join(INVOICE_ROW, encode(debtor_number)) + "|"


def contact_rk(debtor_number: str, at: datetime, entry_id: str) -> str:
    inverted = 10**13 - int(at.timestamp() * 1000)
    return join(encode(debtor_number), f"{inverted:013d}", entry_id)


def contact_prefix(debtor_number: str) -> str:
    return encode(debtor_number) + "|"


# the claim of an entry written once (ContactLogRepository.add_once): an encoded debtor number
# never holds "|", so no debtor's range of the log reaches these rows
CONTACT_ONCE = "|once|"


def contact_once_rk(debtor_number: str, entry_id: str) -> str:
    return CONTACT_ONCE + join(encode(debtor_number), entry_id)
