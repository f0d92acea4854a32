"""One-off after the upgrade that refuses an account or a link in what debtors read around
the dunning texts (attack31): ``inning check stored-texts``.

attack31 checks a client's footer, an invoice's or a debtor's number, a debtor's name and a
postal address line when they are saved; what was stored before is kept as it is (a stored
number, a name or footer sent back unchanged, is not checked again), so a footer "betaal
voortaan op NL.." saved before the deploy still goes under every letter. This check reads each
client's stored texts with the same rules and lists every one the API would refuse now, with
the field and the reason the API gives; it changes nothing (a person decides: the footer or the
name corrected, the debtor asked). Reads: the client, its debtors and its invoices (a page of
1,000 each), and for a text naming an account or a link the reads the save's own check makes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from shared.domain.parties import Address, Client
from shared.domain.shown_text import name_fault, number_fault
from shared.services.footer_text import footer_refusal
from shared.services.imports import _SHOWN as _ROW  # the batch API's row message (no code)
from shared.services.repositories import Repositories

PAGE = 1000
_LINE = "an address line {fault}: debtors read it in letters"  # schemas.AddressIn's message
ADDRESS_CODE = "postal_address_account_or_link"  # the console's address form's code


@dataclass(frozen=True)
class StoredText:
    """One stored text the API would refuse now: whose (``kind`` client, debtor or invoice,
    ``id`` its number), which ``field``, the API's ``code`` (None where the API answers a row
    with its message only) and ``reason`` (that message)."""

    kind: str
    id: str
    field: str
    code: str | None
    reason: str


@dataclass
class StoredTextsCheck:
    """What the check read for one client and what it found."""

    client_id: str
    debtors: int = 0
    invoices: int = 0
    found: list[StoredText] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {"client_id": self.client_id, "debtors": self.debtors, "invoices": self.invoices,
                "found": [asdict(f) for f in self.found]}  # fmt: skip


def check_client(
    repos: Repositories, client: Client, own_links: Iterable[str] = ()
) -> StoredTextsCheck:
    """Every stored text of ``client`` an attack31 check refuses now (``own_links``: the app's
    own base URL, where a footer may link)."""
    done = StoredTextsCheck(client.client_id)
    footer = (client.house_style.footer_text or "").strip()
    if footer and (refused := footer_refusal(repos, client, footer, tuple(own_links))):
        done.found.append(
            StoredText("client", client.number, "footer_text", refused.code, str(refused))
        )
    done.found += _address("client", client.number, "postal_address", client.postal_address)
    token: str | None = None
    while True:
        debtors, token = repos.debtors.list(client.client_id, page_size=PAGE, continuation=token)
        for debtor in debtors:
            done.debtors += 1
            if fault := number_fault(debtor.number):
                reason = _ROW.format(what="debtor number", fault=fault)
                done.found.append(StoredText("debtor", debtor.number, "number", None, reason))
            if fault := name_fault(debtor.name):
                reason = _ROW.format(what="debtor's name", fault=fault)
                done.found.append(StoredText("debtor", debtor.number, "name", None, reason))
            done.found += _address("debtor", debtor.number, "address", debtor.address)
        if not token:
            break
    while True:
        invoices, token = repos.invoices.list(client.client_id, page_size=PAGE, continuation=token)
        for invoice in invoices:
            done.invoices += 1
            if fault := number_fault(invoice.number):
                reason = _ROW.format(what="invoice number", fault=fault)
                done.found.append(StoredText("invoice", invoice.number, "number", None, reason))
        if not token:
            return done


def _address(kind: str, number: str, where: str, address: Address | None) -> list[StoredText]:
    """The lines of a stored postal address the API's address check refuses now."""
    if address is None:
        return []
    code = ADDRESS_CODE if kind == "client" else None  # a debtor's comes in a batch row
    return [
        StoredText(kind, number, f"{where}.{line}", code, _LINE.format(fault=fault))
        for line in ("street", "postal_code", "city")
        if (fault := name_fault(getattr(address, line)))
    ]
