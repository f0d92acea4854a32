"""A statement booking no longer builds the dunning service to ask whether an agency must be
told of the money (told24's ``money_told``, reached as ``dunning.cases``): a fresh worker's
first file loaded the letters, fpdf, the templates and the portal for it, 15-21 ms of CPU a
line of a 20-line file (stmt31). The booking now asks ``may_tell`` (no read, no service,
a module that loads neither the case service nor the messaging it tells through: 37 ms more)
and builds the case service alone when there may be something to tell; the dunning service
shares that one case service."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from typing import Any

from shared.adapters.queues.storage import InMemoryQueueSender
from shared.bootstrap import build_services
from shared.domain.invoices import Invoice
from shared.domain.records import AllocatedAmount, Payment, PaymentSource, Receiver
from shared.services.cases import CaseService
from tests.unit.api.conftest import SETTINGS, make_world
from tests.unit.services.test_statement_window import setup, statement

DAY = date(2025, 3, 20)


def _fresh(world: Any) -> Any:
    """A worker's services over the world's storage, nothing built yet (the world's own
    built the dunning service while its invoices were imported)."""
    return build_services(SETTINGS, clock=world.clock, store=world.store,
                          files=world.services.files, queues=InMemoryQueueSender(), senders={})  # fmt: skip


def test_a_statement_is_booked_without_the_dunning_service() -> None:
    world = make_world()
    setup(world)
    data, _, _ = statement(world)
    worker = _fresh(world)
    report = worker.statements.ingest("agency-a/s1.sta", data)
    assert (report.status, report.booked) == ("booked", 3)
    assert "dunning" not in vars(worker)  # where the cached property keeps it


def test_asking_loads_neither_the_case_service_nor_messaging() -> None:
    probe = (
        "import sys; import shared.services.container; from shared.services import case_money; "
        "print(sorted(m for m in ('shared.services.cases', 'shared.services.messaging', "
        "'shared.services.dunning', 'fpdf') if m in sys.modules))"
    )
    found = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert found.stdout.strip() == "[]"


def test_the_dunning_service_shares_the_case_service() -> None:
    world = make_world()
    services = _fresh(world)
    assert services.dunning.cases is services.cases
    assert services.cases.ledger is not None and services.cases.plans_withdrawn is not None


def _invoice(number: str, handed_over_to: str | None = None) -> Invoice:
    return Invoice("C1", number, "D1", date(2025, 1, 1), date(2025, 1, 31), 12_100,
                   handed_over_to=handed_over_to)  # fmt: skip


def _payment(
    *parts: tuple[str, str], by: Receiver = Receiver.CLIENT, back: bool = False
) -> Payment:
    allocations = tuple(AllocatedAmount(number, part, 1_000) for number, part in parts)
    return Payment("C1", "P1", "D1", 1_000 * len(parts), DAY, PaymentSource.BANK,
                   allocations=allocations, received_by=by, reversed=back)  # fmt: skip


def test_may_tell_only_money_the_client_received_on_a_case_or_an_invoice_not_written() -> None:
    handed, own = _invoice("F1", "agency-a"), _invoice("F2")
    # nothing handed over and every invoice written: nothing to tell, nothing read
    assert not CaseService.may_tell([own], [_payment(("F2", "principal"))])
    # the agency's own account's money is booked by the agency, never told to it
    assert not CaseService.may_tell([handed], [_payment(("F1", "principal"), by=Receiver.THIRD_PARTY)])  # fmt: skip
    assert not CaseService.may_tell([handed], [_payment(("F1", "principal"), back=True)])
    assert not CaseService.may_tell([handed, own], [_payment(("F2", "principal"))])
    # the client's money on a handed-over invoice
    assert CaseService.may_tell([handed], [_payment(("F1", "principal"))])
    # on costs or interest alone: the invoice not written, read to know
    assert CaseService.may_tell([], [_payment(("F1", "costs"))])
    assert CaseService.may_tell([own], [_payment(("F2", "principal"), ("F3", "interest"))])
