"""The in-memory world, plus helpers to book payments of all four components."""

from __future__ import annotations

from datetime import date
from importlib.resources import files
from pathlib import Path

from shared.adapters.tables.keys import encode
from shared.domain.records import AllocatedAmount, Payment, PaymentSource
from tests.unit.api.conftest import world  # noqa: F401 - makes the fixture visible here

THIRD_PARTY = "NL91ABNA0417164300"  # the agency's derdengeldenrekening
PAYOUT_C1 = "NL44RABO0123456789"
# the ISO 20022 schema as the sepaxml package ships it (a dev dependency; nothing vendored)
PAIN001_XSD = Path(str(files("sepaxml"))) / "schemas" / "pain.001.001.09.xsd"


def payment(
    client_id: str,
    pid: str,
    on: date,
    invoice: str = "F1",
    *,
    principal: int = 12100,
    costs: int = 4000,
    costs_vat: int = 840,
    interest: int = 155,
) -> Payment:
    parts = (
        ("costs", costs),
        ("costs_vat", costs_vat),
        ("interest", interest),
        ("principal", principal),
    )
    allocations = tuple(AllocatedAmount(invoice, c, a) for c, a in parts if a)
    return Payment(
        client_id=client_id,
        payment_id=pid,
        debtor_number="D1",
        amount=sum(a.amount for a in allocations),
        received_on=on,
        source=PaymentSource.BANK,
        allocations=allocations,
    )


def key(client_id: str) -> str:
    return encode(client_id)
