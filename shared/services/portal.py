"""The debtor portal's use cases: links in, what is owed, pay, postpone, dispute, write.

A debtor reaches the portal only through a signed link (:mod:`shared.domain.portal.tokens`);
every call below takes the :class:`PortalAccess` the link granted and touches nothing but that
client's partition and that debtor's invoices, so a token for debtor A cannot reach B's data
whatever ids a form posts. Failed attempts are counted per source address and, past a limit,
refused before the token is even looked at.
"""

from __future__ import annotations

import contextlib
import hashlib
import ipaddress
import re
import secrets
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import reduce

from shared.adapters.mollie import MollieError
from shared.adapters.tables.keys import InvalidKey, encode
from shared.adapters.tables.ledger_repo import StoredClaim
from shared.adapters.tables.messaging_repo import CounterRepository
from shared.adapters.tables.plans_repo import PLAN_INVOICES, PlanRepository
from shared.adapters.tables.prescription_repo import PrescriptionDecisions
from shared.clock import Clock, amsterdam_date
from shared.domain.dunning.templates import TemplateContext
from shared.domain.ids import time_ordered_id
from shared.domain.invoices import Invoice, InvoiceStatus
from shared.domain.ledger.model import Amounts, ClaimFigures
from shared.domain.parties import Client, Debtor
from shared.domain.plans.plan import DEBTOR_PORTAL, RUNNING, PaymentPlan
from shared.domain.portal.tokens import PortalAccess, SigningKeys, TokenError, issue, verify
from shared.domain.records import ActionItem, ActionStatus, ContactEntry, ContactKind
from shared.domain.standing import LiftReason, holds, natural_obligation
from shared.domain.statements.client_code import client_code
from shared.ports.files import FileStore
from shared.ports.tables import Conflict, PreconditionFailed, Row, TableStore
from shared.services.dunning import INVOICE_PDFS, DunningService, invoice_pdf_name
from shared.services.errors import ConflictingUpdate, Invalid, NotFound
from shared.services.handed_over import refuse_handed_over
from shared.services.interest_kinds import Kinds, kinds_of
from shared.services.invoice_status import InvoiceStatusService
from shared.services.online_payments import OnlinePaymentService
from shared.services.portal_claims import ClaimFiguresMemo
from shared.services.repositories import Repositories
from shared.services.request_decisions import CLAIM
from shared.services.sandbox_gate import require_approved
from shared.services.wki_registration_status import registration_ended

ACCESS = "PortalAccess"
THROTTLE = "PortalThrottle"
RETURNS = "PortalReturns"
TABLES = (ACCESS, THROTTLE, RETURNS)
FAILURES_PER_WINDOW = 20
WINDOW_MINUTES = 10
MESSAGES_PER_DAY = 5  # per debtor, through the portal
REQUESTS_PER_DAY = 5  # postponement requests and disputes per debtor: action items staff read
# postponements and installment moves granted at once, per debtor: each writes the invoice or
# plan and a line in the debtor's contact log, so a link held by a script is bounded too
MOVES_PER_DAY = 10
# online payments a debtor starts, per day: a payment started for the same invoices that day
# is reused while open, but every other choice of invoices (2^n of them) or a checkout
# cancelled at Mollie started another, each a Mollie call, rows, and one the reconcile
# timer asks Mollie about until it expires
PAYMENTS_PER_DAY = 20
# a payment's status as Mollie told it is reused this long (the return page refreshes every
# 5 s while open): a link holder reloading the page cannot spend the client's Mollie rate
# limit, and the debtor sees a change at most one refresh later. A final status (paid,
# failed, canceled, expired: Mollie never changes it, a refund leaves it paid) is kept.
STATUS_FRESH = timedelta(seconds=5)
FINAL_STATUS = frozenset({"paid", "failed", "canceled", "expired"})
# reads of an open request a renewal makes: a save refused by another writer is read again
RENEWAL_TRIES = 3
# reads of a payment's row (``open|``) a click makes: another click's write is read again
CLAIM_TRIES = 5
MAX_POSTPONEMENT_DAYS = 62  # "at most two months"
MAX_REASON = 1000  # characters of a postponement's or a dispute's reason: the form's maxlength
PORTAL = DEBTOR_PORTAL  # who the debtor is as an author: his own acts in the portal


class Throttled(Exception):
    """Too many failed attempts from this address; try again later."""


class PortalLinks:
    """Issues and checks the links in messages; revoking bumps the debtor's generation."""

    def __init__(
        self, counters: CounterRepository, keys: SigningKeys, base_url: str, days: int, clock: Clock
    ) -> None:
        self.counters = counters
        self.keys = keys
        self.base_url = base_url
        self.days = days
        self.clock = clock

    def generation(self, client_id: str, debtor: str) -> int:
        return self.counters.count(ACCESS, client_id, f"gen|{encode(debtor)}")

    def token(self, client_id: str, debtor: str) -> str:
        expires = self.clock.now() + timedelta(days=self.days)
        return issue(
            self.keys,
            PortalAccess(client_id, debtor, self.generation(client_id, debtor), expires),
        )

    def portal_link(self, client_id: str, debtor: str) -> str:
        return f"{self.base_url}/api/p/{self.token(client_id, debtor)}"

    def links(self, client_id: str, debtor: str) -> tuple[str, str]:
        """(portal link, payment link): one token for both."""
        base = self.portal_link(client_id, debtor)
        return base, f"{base}/pay"

    def revoke(self, client_id: str, debtor: str) -> int:
        """Every link issued so far stops working; new messages carry new ones."""
        return self.counters.increment(ACCESS, client_id, f"gen|{encode(debtor)}") or 0

    def check(self, token: str) -> PortalAccess:
        access = verify(self.keys, token, self.clock.now())
        if access.generation != self.generation(access.client_id, access.debtor_number):
            raise TokenError("revoked")
        return access


@dataclass(frozen=True)
class TermNotice:
    """Inside a 14-day term (the letter's "betaal binnen 14 dagen"): what paying by the last
    day of the term costs, and the collection costs owed from the day after, computed from the
    same claim records as the page's figures (the letter's numbers: no second computation)."""

    last_day: date
    invoice_numbers: tuple[str, ...]
    pay_within: int  # cents: principal and interest up to the last day
    costs: int  # cents, VAT included
    costs_vat: int  # cents: the part of ``costs`` that is VAT (Besluit BIK art. 2 lid 3)


@dataclass(frozen=True)
class _DebtorReads:
    """The overview's reads under way: the debtor, all its invoices, its ledger."""

    debtor: Future[tuple[Debtor, str | None] | None]
    invoices: Future[list[Invoice]]
    ledger: Future[tuple[dict[str, StoredClaim], list[Row]]]


@dataclass(frozen=True)
class HandedOver:
    """The debtor's open invoices handed over to a collection agency: the agency collects
    them now (Wki), so the portal asks no payment for them (not online, not by transfer to the
    client, not in a plan or a postponement) and says whom to pay instead (misc17b: they were
    ticked in the total and paid online to the client)."""

    agency: str  # its name
    iban: str | None  # its third-party account (derdengeldenrekening), when known
    email: str | None  # where the debtor asks it
    invoices: tuple[Invoice, ...]
    reference: str  # what a transfer quotes: the client's code, the debtor and invoice numbers
    # what is open on them today as the ledger books the case (principal, costs and their VAT,
    # interest): the debtor hears nothing else from the client, so the page says what he owes
    # the agency (newcomer24 F8: only whom to pay, not how much); None: no claim on record
    open: Amounts | None = None
    # the agency's own payment plan running over them (agencyplan26): the page says whom to
    # pay, the next installment and the plan's reference to quote; None: no such plan
    plan: PaymentPlan | None = None
    # its entry in the register incassodienstverlening (art. 2 Wki; wki27), when recorded
    register: str | None = None
    # the last day of that entry once it has passed: the page says it ran until then, never
    # that the agency is registered (wki28)
    register_ended: date | None = None


@dataclass(frozen=True)
class Overview:
    client: Client
    debtor: Debtor
    invoices: list[Invoice]
    owed: TemplateContext  # principal, costs, interest, IBAN, betalingskenmerk, EPC QR
    pdfs: frozenset[str]
    claims: dict[str, ClaimFigures] = field(default_factory=dict)  # per invoice, from the ledger
    disputed: tuple[str, ...] = ()  # still owed, no payment asked while the dispute is looked at
    disputed_invoices: tuple[Invoice, ...] = ()  # the same, to list them as "in behandeling"
    term: TermNotice | None = None  # inside a 14-day term: pay by then, or costs follow
    # running payment plans over these invoices (the invoice numbers they hold): the overview
    # asks their next installment, not the whole claim
    plans: tuple[PaymentPlan, ...] = ()
    # open claims a clean slate or an akkoord left natural obligations (art. 6:3 BW): shown as
    # no longer claimable, never asked or offered for payment (a payment made anyway is booked)
    not_claimable: tuple[tuple[Invoice, LiftReason], ...] = ()
    # per claim, the kinds of interest it was charged (an agreed rate, the statutory one where
    # that was higher, or both): what its interest is called (misc16 #1)
    interest_kinds: Kinds = field(default_factory=dict)
    # open invoices a collection agency collects now: whom to pay, never paid here
    handed_over: tuple[HandedOver, ...] = ()

    @property
    def planned(self) -> frozenset[str]:
        return frozenset(n for p in self.plans for n in p.invoice_numbers)

    @property
    def payable(self) -> list[Invoice]:
        """What the overview asks to pay at once: every open invoice no running plan holds."""
        planned = self.planned
        return [i for i in self.invoices if i.number not in planned]

    @property
    def total(self) -> int:
        """What paying everything online costs: the open claims (principal, costs with their
        VAT, interest), the same amount the payment asks."""
        if self.claims:
            return sum(
                self.claims[i.number].open.total for i in self.payable if i.number in self.claims
            )
        return (
            sum(line.open_amount for line in self.owed.invoices)
            + self.owed.costs
            + self.owed.interest
        )


def throttle_source(forwarded: str) -> str:
    """Whom the guessing throttle counts: the caller's address without its port
    (``1.2.3.4:5678``, ``[2001:db8::1]:5678``); an IPv6 caller by its /64, the block one
    subscriber usually holds (counting single addresses would give it 2^64 tries)."""
    text = forwarded.strip()
    if text.startswith("["):
        text = text[1:].split("]", 1)[0]
    elif text.count(":") == 1:
        text = text.rsplit(":", 1)[0]
    try:
        address = ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return text[:100] or "local"
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


class StandingHeld(Exception):
    """The debtor's standing (deceased, bankrupt, WSNP) closes his portal: the visitor is
    told to contact the agency (shared.domain.standing)."""


class PortalService:
    def __init__(
        self,
        repos: Repositories,
        links: PortalLinks,
        dunning: DunningService,
        invoice_status: InvoiceStatusService,
        online: OnlinePaymentService,
        files: FileStore,
        clock: Clock,
    ) -> None:
        self.repos = repos
        self.links = links
        self.dunning = dunning
        self.invoice_status = invoice_status
        self.online = online
        self.files = files
        self.clock = clock
        self.counters = CounterRepository(repos.store)
        # the overview's claim figures, replayed again only when a record, the day or the
        # rate table moved (shared/services/portal_claims.py)
        self.figures = ClaimFiguresMemo()
        # independent reads of one page run side by side (each waits on storage, not the CPU)
        self._reads = ThreadPoolExecutor(max_workers=16, thread_name_prefix="portal-read")

    # -- getting in ----------------------------------------------------------------------------
    def _window(self, source: str) -> tuple[str, str]:
        now = self.clock.now()
        bucket = now.replace(
            minute=now.minute - now.minute % WINDOW_MINUTES, second=0, microsecond=0
        )
        # the address is hashed: the throttle table holds no personal data worth stealing
        return hashlib.sha256(source.encode()).hexdigest()[:32], f"fail|{bucket:%Y%m%d%H%M}"

    def enter(self, token: str, source: str) -> PortalAccess:
        """The access a token grants, or :class:`TokenError`; :class:`Throttled` once an
        address has failed too often, even with a good token (so guessing cannot win)."""
        signed, pk, rk = self._signed(token, source)
        return self._admitted(signed, pk, rk)

    def enter_overview(self, token: str, source: str) -> tuple[PortalAccess, Overview]:
        """:meth:`enter`, then :meth:`overview`, with the overview's own reads (the debtor,
        the invoices, the ledger) beside the check's: they need only the client and debtor
        the signature vouches for, so the page takes two round trips, not three (a third
        only for a debtor whose invoices a payment plan holds). Nothing they read is shown
        before the check has passed; a throttled or revoked link costs those reads."""
        signed, pk, rk = self._signed(token, source)
        early = self._debtor_reads(signed)
        access = self._admitted(signed, pk, rk, early.debtor)
        return access, self.overview(access, early)

    def _signed(self, token: str, source: str) -> tuple[PortalAccess, str, str]:
        """The access a token's signature vouches for (no storage), and the address's
        throttle keys; a token that fails takes a place under the address's limit."""
        pk, rk = self._window(source)
        try:
            # the signature first (no storage): a token that verifies carries our HMAC, so it
            # was issued, not guessed; only what fails is counted against the address
            return verify(self.links.keys, token, self.clock.now()), pk, rk
        except TokenError:
            self._failed(pk, rk)
            raise

    def _admitted(
        self,
        access: PortalAccess,
        pk: str,
        rk: str,
        debtor_read: Future[tuple[Debtor, str | None] | None] | None = None,
    ) -> PortalAccess:
        # a signed token reads the throttle and its generation at once and writes nothing: a
        # page view used to add and give back a place under the limit (two reads and two
        # writes, all browsers behind one address queueing on one row's ETag)
        failures = self._reads.submit(self.counters.count, THROTTLE, pk, rk)
        client = self._reads.submit(self.repos.clients.get, access.client_id)
        debtor = debtor_read or self._reads.submit(
            self.repos.debtors.get, access.client_id, access.debtor_number
        )
        generation = self.links.generation(access.client_id, access.debtor_number)
        if failures.result() >= FAILURES_PER_WINDOW:
            raise Throttled()
        if access.generation != generation:
            self._failed(pk, rk)
            raise TokenError("revoked")
        found = client.result()
        if found is None:
            return access
        require_approved(found[0], "no portal for its debtors")  # a sandbox client's: closed
        held = debtor.result()
        if held is not None and holds(held[0].standing):
            # deceased, bankrupt, in the WSNP: nothing is asked of him or paid here; whoever
            # has the link (an heir, the curator) is referred to the agency
            raise StandingHeld()
        # read once: the page takes them from here
        return replace(access, client=found[0], debtor=held[0] if held is not None else None)

    def _failed(self, pk: str, rk: str) -> None:
        """A failure takes a place under the limit (an ETag-guarded add that refuses to pass
        it): sixty concurrent failures are sixty places, the 21st on refused as throttled."""
        if self.counters.increment(THROTTLE, pk, rk, limit=FAILURES_PER_WINDOW) is None:
            raise Throttled()

    def parties(self, access: PortalAccess) -> tuple[Client, Debtor]:
        """The client (as ``enter`` read it, else read now) and the debtor."""
        client = self._client(access)
        if access.debtor is not None and client is not None:
            return client, access.debtor  # as ``enter`` read it
        debtor = self.repos.debtors.get(access.client_id, access.debtor_number)
        if client is None or debtor is None:
            raise NotFound("no such debtor")
        return client, debtor[0]

    def _client(self, access: PortalAccess) -> Client | None:
        if access.client is not None:
            return access.client
        found = self.repos.clients.get(access.client_id)
        return found[0] if found is not None else None

    def _own(self, access: PortalAccess, numbers: list[str]) -> list[Invoice]:
        """The debtor's own collectable invoices among ``numbers``; anything else is refused."""
        if not numbers:
            raise Invalid("choose at least one invoice", code="no_invoices")
        try:
            stored = self.repos.invoices.get_many(access.client_id, numbers)
        except InvalidKey:  # a number no invoice can have (too long once escaped)
            raise NotFound("no such invoices") from None
        invoices = [stored[n].invoice for n in dict.fromkeys(numbers) if n in stored]
        if len(invoices) != len(set(numbers)) or any(
            i.debtor_number != access.debtor_number for i in invoices
        ):
            raise NotFound("no such invoices")
        return invoices

    # -- what is owed --------------------------------------------------------------------------
    def _debtor_reads(self, access: PortalAccess) -> _DebtorReads:
        """The overview's reads that need only the client and the debtor, started side by
        side."""
        client_id, number = access.client_id, access.debtor_number
        return _DebtorReads(
            self._reads.submit(self.repos.debtors.get, client_id, number),
            self._reads.submit(self.repos.invoices.for_debtor, client_id, number),
            self._reads.submit(self.online.payments.ledger.ledger.read_debtor, client_id, number),
        )

    def overview(self, access: PortalAccess, early: _DebtorReads | None = None) -> Overview:
        """The client (as ``enter`` read it), the debtor, the debtor's invoices and ledger in
        one wave of parallel reads (``early``: started beside ``enter``'s, see
        :meth:`enter_overview`); then, side by side, which invoices a payment plan holds (a
        held invoice's plan is read right after) and, for rows from before the invoice row
        said so, which have a PDF."""
        reads = early or self._debtor_reads(access)
        # the client ``enter`` read rides on the access: read again only when it is not there
        found_client = access.client or self._client(access)
        every_invoice, found_debtor = reads.invoices.result(), reads.debtor.result()
        if found_client is None or found_debtor is None:
            raise NotFound("no such debtor")
        client, debtor = found_client, found_debtor[0]
        today = amsterdam_date(self.clock.now())
        collectable = [i for i in every_invoice if i.is_collectable]
        handed = [i for i in collectable if i.handed_over_to is not None]
        collectable = [i for i in collectable if i.handed_over_to is None]
        settled = [(i, how) for i in collectable if (how := natural_obligation(debtor, i))]
        unclaimed = {i.number for i, _ in settled}
        claimed = [i for i in collectable if i.number not in unclaimed]
        invoices = self.not_prescribed(client.client_id, debtor, claimed, today)
        invoices.sort(key=lambda i: (i.due_date, i.number))
        # the invoice row says whether its PDF was sent; only rows written before it said so
        # make us ask the blob store (all at once)
        has_pdf = {
            i.number: self._reads.submit(
                self.files.exists, INVOICE_PDFS, invoice_pdf_name(client.client_id, i.number)
            )
            for i in invoices
            if i.pdf is None
        }
        plans_f = (
            self._reads.submit(self._plans_holding, client.client_id, [i.number for i in invoices])
            if invoices
            else None
        )
        ledger = self.online.payments.ledger
        claims: dict[str, ClaimFigures] = {}
        kinds: Kinds = {}
        term: TermNotice | None = None
        handed_open: dict[str, ClaimFigures] = {}
        if invoices or settled or handed:
            # the claim figures the API's claim gives (the ledger's own replay), read once: the
            # 14-day term's figures below are the same records on other days
            records = ledger.debtor_claims(
                client, debtor.number, debtor, every_invoice, ledger_rows=reads.ledger.result()
            ).records
            rates = ledger.rates()
            wanted = {i.number for i in invoices}

            def replayed(on: date) -> dict[str, ClaimFigures]:
                return self.figures.open_claims(client.client_id, debtor.number, records, on, rates)

            figures = replayed(today)
            claims = {n: f for n, f in figures.items() if n in wanted}
            if not client.client_bears_costs:
                term = _term(claims, today, replayed)
            # a disputed invoice's claim too: the page lists it as on hold, with what it says
            claims |= {
                i.number: figures[i.number]
                for i in every_invoice
                if i.status is InvoiceStatus.DISPUTED and i.number in figures
            }
            # and a natural obligation's: the page says what remains, and that it is not asked
            claims |= {i.number: figures[i.number] for i, _ in settled if i.number in figures}
            # a handed-over claim's: never asked here, but what the agency collects is named
            handed_open = {i.number: figures[i.number] for i in handed if i.number in figures}
            # what each claim's interest is called: the kinds it was really charged (misc16 #1)
            kinds = kinds_of(ledger, client, debtor, claims, today, records)
        pdfs = frozenset(i.number for i in invoices if i.pdf) | frozenset(
            number for number, exists in has_pdf.items() if exists.result()
        )
        plans = plans_f.result() if plans_f is not None else ()
        planned = {n for p in plans for n in p.invoice_numbers}
        payable = [i for i in invoices if i.number not in planned]
        owed = self.dunning.context(client, debtor, payable, today, with_links=False, claims=claims,
                                    kinds=kinds)  # fmt: skip
        if term is not None and set(term.invoice_numbers) & planned:
            term = None  # the plan's schedule, not the letter's term, says what to pay by when
        disputed = tuple(
            sorted(
                (i for i in every_invoice if i.status is InvoiceStatus.DISPUTED),
                key=lambda i: (i.due_date, i.number),
            )
        )
        return Overview(client, debtor, invoices, owed, pdfs, claims,
                        tuple(i.number for i in sorted(disputed, key=lambda i: i.number)),
                        disputed, term, plans,
                        tuple(sorted(settled, key=lambda x: (x[0].due_date, x[0].number))),
                        kinds, self._handed_over(client, debtor.number, handed, handed_open))  # fmt: skip

    def _handed_over(
        self,
        client: Client,
        debtor_number: str,
        invoices: list[Invoice],
        figures: Mapping[str, ClaimFigures],
    ) -> tuple[HandedOver, ...]:
        """The handed-over invoices by the agency collecting them, with its details (read
        only for a debtor with such an invoice)."""
        by_agency: dict[str, list[Invoice]] = {}
        for i in sorted(invoices, key=lambda i: (i.due_date, i.number)):
            by_agency.setdefault(str(i.handed_over_to), []).append(i)
        out = []
        for agency_id, mine in sorted(by_agency.items()):
            agency = self.repos.agencies.get(agency_id)
            numbers = [i.number for i in mine]
            booked = [figures[n].open for n in numbers if n in figures]
            open_ = reduce(Amounts.plus, booked, Amounts()) if booked else None
            plan = next(
                (
                    p
                    for p in self._plans_holding(client.client_id, numbers)
                    if p.agency_id == agency_id
                ),
                None,
            )
            out.append(HandedOver(
                agency.name if agency else agency_id, agency.third_party_iban if agency else None,
                agency.contact_email if agency else None, tuple(mine),
                agency_transfer_text(client.client_id, debtor_number, numbers), open_, plan,
                agency.wki_register_number if agency else None,
                register_ended=registration_ended(agency, amsterdam_date(self.clock.now())),
            ))  # fmt: skip
        return tuple(out)

    def _not_handed_over(self, invoices: list[Invoice]) -> None:
        """Refuses an invoice a collection agency collects now: paid to the agency, never
        here to the client (nor postponed by the client's rules): ``refuse_handed_over``."""
        refuse_handed_over(self.repos, invoices, field="invoice")

    def not_prescribed(
        self, client_id: str, debtor: Debtor, invoices: list[Invoice], today: date
    ) -> list[Invoice]:
        """The invoices the portal may ask to be paid: not those the daily run holds as
        possibly prescribed until a person decides (docs/law.md, Prescription). A debtor is
        never asked to pay, nor offered a plan over, a claim that may be time-barred
        (newcomer8 finding 1; ledger_law §9). Reads nothing unless a claim is within 60 days
        of its date."""
        held = self.dunning.prescriptions.held(client_id, debtor, invoices, today)
        return [i for i in invoices if i.number not in held]

    def _plans_holding(self, client_id: str, numbers: list[str]) -> tuple[PaymentPlan, ...]:
        """The running plans that hold any of these invoices: one range read of the holds
        (a row per invoice a plan holds, so the range between the debtor's first and last
        number holds few rows: point reads would be a request per invoice), then each
        holding plan (none for a debtor without a plan)."""
        wanted = {encode(n) for n in numbers}
        ids: set[str] = set()
        continuation: str | None = None
        while True:
            page = self.repos.store.query(
                PLAN_INVOICES, pk=encode(client_id), continuation=continuation,
                rk_range=(min(wanted), max(wanted) + " "),  # [low, high): the last one included
            )  # fmt: skip
            ids |= {str(r.data["PlanId"]) for r in page.rows if r.rk in wanted}
            continuation = page.continuation
            if continuation is None:
                break
        if not ids:
            return ()
        repo = PlanRepository(self.repos.store)
        found = [repo.get(client_id, plan_id) for plan_id in sorted(ids)]
        return tuple(f[0] for f in found if f is not None and f[0].status in RUNNING)

    def invoice_pdf(self, access: PortalAccess, number: str) -> bytes:
        invoice = self._own(access, [number])[0]
        data = self.files.get(INVOICE_PDFS, invoice_pdf_name(access.client_id, invoice.number))
        if data is None:
            raise NotFound("no PDF for this invoice")
        return data

    # -- paying --------------------------------------------------------------------------------
    def pay(
        self,
        access: PortalAccess,
        numbers: list[str],
        base_url: str,
        parties: tuple[Client, Debtor] | None = None,
    ) -> str:
        """Starts one payment for the chosen invoices; the URL to send the debtor to.
        ``parties``: the client and debtor when the caller read them already. The row that
        remembers it (``open|…``) is claimed under its ETag, with an Idempotency-Key, before
        Mollie is asked: a second click meanwhile (another tab) sends the same key and gets
        the same payment, as the plan installment's click does (plans/pay_online.py)."""
        client, debtor = parties or self.parties(access)
        invoices = self._own(access, numbers)
        self._not_handed_over(invoices)  # the agency collects it: its link is no payment here
        today = amsterdam_date(self.clock.now())
        if len(self.not_prescribed(client.client_id, debtor, invoices, today)) != len(invoices):
            raise NotFound("no such invoices")  # not offered on the page: not payable here
        if any(natural_obligation(debtor, i) for i in invoices):
            # a natural obligation is not asked here (art. 6:3 BW); money the debtor pays
            # anyway through a link he has or by transfer is booked as any payment
            raise NotFound("no such invoices")
        chosen = sorted(i.number for i in invoices)
        open_key = (
            "open|"
            + hashlib.sha256("|".join([access.debtor_number, *chosen]).encode()).hexdigest()[:40]
        )
        store = self.repos.store
        for _ in range(CLAIM_TRIES):
            row = store.get(RETURNS, access.client_id, open_key)
            data = dict(row.data) if row is not None else {}
            ours = (
                data.get("Debtor") == access.debtor_number
                and data.get("QuotedOn") == today.isoformat()
            )
            if ours and data.get("PaymentId"):
                reused = self._open_checkout(client, data, chosen, today)
                if reused is not None:
                    return reused
            if row is not None and ours and not data.get("PaymentId") and data.get("Key"):
                # another click's payment under way (a second tab): the same key asks Mollie
                # for the same payment, never a second one
                key, back, etag = str(data["Key"]), str(data["Back"]), row.etag
            else:
                key, back = secrets.token_urlsafe(24), secrets.token_urlsafe(16)
                claim = Row(access.client_id, open_key, {"Debtor": access.debtor_number,
                            "QuotedOn": today.isoformat(), "Key": key, "Back": back})  # fmt: skip
                claimed = self.claim_payment(access, client, row, claim)
                if claimed is None:
                    continue  # another click claimed it first: read what it wrote
                etag = claimed
            try:
                started = self.online.start(client, access.debtor_number, chosen,
                                            f"{base_url}/api/portal/return/{back}", debtor,
                                            idempotency_key=key)  # fmt: skip
            except (MollieError, Invalid, NotFound) as exc:
                if isinstance(exc, MollieError) and exc.status == 409:
                    # Mollie is still making the payment for this key (the other click's)
                    raise Invalid("your payment is being prepared; try again in a moment",
                                  code="payment_being_prepared") from exc  # fmt: skip
                if not (isinstance(exc, MollieError) and exc.transient):
                    # refused: nothing was made, so the next click asks afresh with a new key
                    # (a lost answer keeps the claim: its key finds the payment Mollie made)
                    with contextlib.suppress(PreconditionFailed):
                        store.delete(RETURNS, access.client_id, open_key, etag=etag)
                raise
            store.upsert(RETURNS, Row(access.client_id, back, {
                "Debtor": access.debtor_number, "PaymentId": started.payment_id,
            }))  # fmt: skip
            if not started.checkout_url:
                return started.checkout_url
            done = Row(access.client_id, open_key, {
                "Debtor": access.debtor_number, "PaymentId": started.payment_id,
                "CheckoutUrl": started.checkout_url, "Amount": started.amount,
                "QuotedOn": today.isoformat(), "Key": key, "Back": back,
                **({"ExpiresAt": started.expires_at} if started.expires_at else {}),
            }, etag=etag)  # fmt: skip
            try:
                store.replace(RETURNS, done)
            except PreconditionFailed:
                continue  # the same key's other click recorded it first: read again
            return started.checkout_url
        raise ConflictingUpdate(f"debtor {access.debtor_number}: the payment keeps changing")

    def _open_checkout(
        self, client: Client, data: dict[str, object], numbers: list[str], today: date
    ) -> str | None:
        """The checkout of the payment this link started today for the same invoices, while
        Mollie still has it open: link scanners and previews open every link in a mail, and
        each new payment would be another open checkout for the whole claim. A payment quoted
        on an earlier day is not reused (the claim's interest moved, the caller checks); nor
        one Mollie no longer has open (paid, expired, canceled: the claim moved or the debtor
        starts anew), and one past Mollie's ``expiresAt`` is not asked about: it expired."""
        expires = data.get("ExpiresAt")
        if isinstance(expires, datetime) and expires <= self.clock.now():
            return None
        # asked afresh (not ``_status``): a checkout the debtor just canceled is never reused
        if self.online.status(client, str(data["PaymentId"])) != "open":
            return None
        # and only while it still asks what is open: a payment booked since (a transfer)
        # lowered the claim, and the old checkout would have the debtor pay too much
        claims = self.online.payments.ledger.open_claims(client, numbers, today)
        if sum(c.open.total for c in claims.values()) != data.get("Amount"):
            return None
        return str(data["CheckoutUrl"])

    def payable(self, access: PortalAccess, debtor: Debtor | None = None) -> list[str]:
        """What "pay everything" pays: every open invoice no running payment plan holds (a
        plan's invoices are paid by its installments, not at once). ``debtor``: when the
        caller read it already."""
        invoices = self.repos.invoices.for_debtor(access.client_id, access.debtor_number)
        collectable = [i for i in invoices if i.is_collectable and i.handed_over_to is None]
        if not collectable:
            return []
        debtor = debtor or access.debtor
        if debtor is None:
            found = self.repos.debtors.get(access.client_id, access.debtor_number)
            if found is None:
                raise NotFound("no such debtor")
            debtor = found[0]
        collectable = [i for i in collectable if not natural_obligation(debtor, i)]
        today = amsterdam_date(self.clock.now())
        numbers = [
            i.number for i in self.not_prescribed(access.client_id, debtor, collectable, today)
        ]
        if not numbers:
            return []
        planned = {
            n for p in self._plans_holding(access.client_id, numbers) for n in p.invoice_numbers
        }
        return [n for n in numbers if n not in planned]

    def pay_shown(
        self, access: PortalAccess, numbers: list[str], shown: int | None, base_url: str
    ) -> str:
        """The overview's main button ("Betaal € 300,30"): one payment for the invoices the
        page showed (``numbers``, sent by its form) at the amount it showed (``shown``, cents),
        never for what is open at the click: an invoice imported after the page was shown is
        not paid unseen (newcomer16 #3, € 1.201,19 asked after "Betaal € 300,30"). One of them
        taken into a plan, paid, held or grown since: refused (``pay_page_changed``), the page
        shown again."""
        # the page as it would be drawn now, by the same reads and figures that drew the
        # button: its amount for these invoices must still be the one the button said
        view = self.overview(access)
        payable = {i.number for i in view.payable}
        if not numbers or shown is None or not set(numbers) <= payable:
            raise page_changed()
        if sum(view.claims[n].open.total for n in set(numbers) if n in view.claims) != shown:
            raise page_changed()
        return self.pay(access, numbers, base_url, (view.client, view.debtor))

    def pay_everything(self, access: PortalAccess, base_url: str) -> str | None:
        """The payment link: one payment for all that is open and in no running plan; None
        when nothing is (the overview then shows the plan's next installment)."""
        parties = self.parties(access)  # the debtor read once, for both
        numbers = self.payable(access, parties[1])
        return self.pay(access, numbers, base_url, parties) if numbers else None

    def payment_status(self, access: PortalAccess, client: Client, back: str) -> str:
        """Asked of Mollie, never read from the redirect."""
        if not _RETURN_KEY.fullmatch(back):  # what pay() made, never a key Table Storage refuses
            raise NotFound("no such payment")
        row = self.repos.store.get(RETURNS, access.client_id, back)
        if row is None or row.data.get("Debtor") != access.debtor_number:
            raise NotFound("no such payment")
        return self._status(client, row)

    def _status(self, client: Client, row: Row) -> str:
        """The status of the payment ``row`` (of ``RETURNS``) names, asked of Mollie at most
        once in ``STATUS_FRESH`` (never again once final); what Mollie said is kept on the
        row, so every instance of the app reuses it."""
        known = row.data.get("Status")
        at = row.data.get("StatusAt")
        now = self.clock.now()
        if isinstance(known, str) and (
            known in FINAL_STATUS or (isinstance(at, datetime) and now - at < STATUS_FRESH)
        ):
            return known
        try:
            status = self.online.status(client, str(row.data["PaymentId"]))
        except MollieError as exc:
            if exc.transient and isinstance(known, str):
                return known  # Mollie away or throttling: what it said last, asked next refresh
            raise
        # only over the row as read: a new payment written to it meanwhile is not undone
        with contextlib.suppress(PreconditionFailed):
            self.repos.store.replace(RETURNS, Row(row.pk, row.rk, {**row.data, "Status": status,
                                                                   "StatusAt": now}, etag=row.etag))  # fmt: skip
        return status

    # -- asking --------------------------------------------------------------------------------
    def postpone(self, access: PortalAccess, numbers: list[str], until: date, reason: str) -> str:
        """``postponed`` when granted at once (within the client's limit), ``kept`` when so
        granted but an invoice was paused longer already (that pause stands: a postponement
        only adds time), ``requested`` when staff decide."""
        # refused before anything is written or counted: a 60,000-character reason once
        # failed the contact log's write after the request was counted and the item added
        reason = reason.replace("\r\n", "\n").strip()
        if len(reason) > MAX_REASON:
            raise Invalid(
                f"the reason is longer than {MAX_REASON} characters",
                code="reason_too_long",
                params={"limit": MAX_REASON},
            )
        client, _ = self.parties(access)
        invoices = self._own(access, numbers)
        self._not_handed_over(invoices)  # the agency's to grant, not the client's rules
        today = amsterdam_date(self.clock.now())
        days = (until - today).days
        if days < 1 or days > MAX_POSTPONEMENT_DAYS:
            raise Invalid(
                f"a postponement runs from tomorrow up to {MAX_POSTPONEMENT_DAYS} days",
                code="postpone_range",
                params={"days": MAX_POSTPONEMENT_DAYS},
            )
        chosen = tuple(i.number for i in invoices)
        # a running plan's invoices are paid by its installments: a pause would tell him he
        # need not pay before a day his installments fall before (newcomer16 #2, "niet eerder
        # dan 31-01-2027" with installment 1 due 16-12-2026); the plan's page moves one
        if held := sorted(n for p in self._plans_holding(client.client_id, list(chosen))
                          for n in p.invoice_numbers if n in chosen):  # fmt: skip
            raise Invalid(
                f"invoice {', '.join(held)} is in your payment plan: move an installment on the "
                "plan's page instead",
                field="invoice",
                code="postpone_in_plan",
                params={"invoices": ", ".join(held)},
            )
        # asking for time to pay acknowledges the debt (art. 3:318 BW), granted or not: his
        # written word, kept with the claim's prescription decisions (law10 F4)
        PrescriptionDecisions(self.repos.store).acknowledge(
            client.client_id, access.debtor_number, chosen, today
        )
        # granted at once is one grace period per invoice, counted from the first day the
        # portal granted one: a debtor cannot renew it for as long as links keep coming
        limit = min(client.postpone_auto_days, MAX_POSTPONEMENT_DAYS)
        since = {n: self.moved_from(access, f"inv|{n}") for n in chosen}
        granted = days > 0 and all((until - (since[n] or today)).days <= limit for n in chosen)
        if granted:
            self.count_move(access)
            kept: list[str] = []
            for number in chosen:
                if since[number] is None:
                    self.remember_moved_from(access, f"inv|{number}", today)
                paused = self.dunning.change_invoice(
                    client, number, paused_until=until, postponement=True, author=PORTAL
                )
                if paused.paused_until != until:
                    kept.append(number)
            if kept:
                # nothing changed on those: the log says what he asked and that the longer
                # pause stands (not "paused until" his day, attack15b B1)
                self._log(access, ContactKind.NOTE,
                          f"Asked for postponement until {until}: {reason}; the longer pause of "
                          f"{', '.join(kept)} stands", tuple(kept))  # fmt: skip
            return "kept" if kept else "postponed"
        self.count_request(access)
        now = self.clock.now()
        item = ActionItem(
            client.client_id, time_ordered_id(now), "postponement_request",
            f"Debtor {access.debtor_number} asks to postpone {', '.join(chosen)} until {until}", now,
            debtor_number=access.debtor_number, invoice_numbers=chosen,
            detail={"until": until.isoformat(), "reason": reason},
        )  # fmt: skip
        if not self._renew_request(access, item):
            self.repos.actions.add(item)
            self.repos.store.upsert(THROTTLE, Row(
                self._debtor_key(access), self._request_key(chosen), {"Action": item.action_id},
            ))  # fmt: skip
        self._log(
            access, ContactKind.NOTE, f"Asked for postponement until {until}: {reason}", chosen
        )
        return "requested"

    @staticmethod
    def _request_key(numbers: tuple[str, ...]) -> str:
        return "preq|" + hashlib.sha256("|".join(sorted(numbers)).encode()).hexdigest()[:32]

    def _renew_request(self, access: PortalAccess, item: ActionItem) -> bool:
        """A request for the same invoices that staff have not decided yet is brought up to
        date (the new date and reason) instead of a second item next to it. False when there
        is none open."""
        marker = self.repos.store.get(
            THROTTLE, self._debtor_key(access), self._request_key(item.invoice_numbers)
        )
        if marker is None:
            return False
        for _ in range(RENEWAL_TRIES):
            found = self.repos.actions.get(access.client_id, str(marker.data["Action"]))
            if found is None or found[0].status is ActionStatus.RESOLVED:
                return False
            open_item, etag = found
            if CLAIM in open_item.detail:
                # staff took a decision the item does not show finished yet (an outage after
                # the effect): it stands, and only the same decision may finish it (failure8
                # finding 4)
                return False
            if (open_item.title, open_item.detail) == (item.title, item.detail):
                # brought up to date already: by this renewal's own save, applied and its
                # lost answer retried into a 412 (failure20: a second item for the same
                # request), or by the same request a moment ago
                return True
            try:
                self.repos.actions.save(
                    replace(open_item, title=item.title, detail=item.detail), etag or ""
                )
            except PreconditionFailed:
                continue  # read again: staff decided it meanwhile (a new item), or it is ours
            return True
        return False

    def dispute(self, access: PortalAccess, number: str, reason: str) -> None:
        # a browser counts a line break as one of the form's 1,000 characters and sends it as
        # two (CRLF): cut as sent, a reason in paragraphs lost its last words (debtor24 D6)
        reason = reason.replace("\r\n", "\n").strip()
        if not reason:
            raise Invalid("say why the invoice is disputed", code="dispute_no_reason")
        if len(reason) > MAX_REASON:
            raise Invalid(
                f"the reason is longer than {MAX_REASON} characters",
                code="reason_too_long",
                params={"limit": MAX_REASON},
            )
        client, _ = self.parties(access)
        invoice = self._own(access, [number])[0]
        self.count_request(access)
        self.invoice_status.dispute(client, invoice.number, reason, author=PORTAL)

    def count_request(self, access: PortalAccess) -> None:
        """Each request (a postponement past the limit, a dispute, an installment moved past
        the plan's limit) is an action item staff must read: at most ``REQUESTS_PER_DAY`` a
        debtor, so whoever holds a link cannot bury the client's list."""
        if not self._counted(access, "req", REQUESTS_PER_DAY):
            raise Invalid(
                f"at most {REQUESTS_PER_DAY} requests a day; please try again tomorrow",
                code="requests_per_day",
                params={"limit": REQUESTS_PER_DAY},
            )

    def count_move(self, access: PortalAccess) -> None:
        """Each postponement or installment move granted at once: at most ``MOVES_PER_DAY``
        a debtor. Unbounded, whoever held a link could write the invoice's pause and a line in
        the debtor's contact log for every request sent (attack32: 10,000 posts, 10,000
        lines burying the dossier's history)."""
        if not self._counted(access, "move", MOVES_PER_DAY):
            raise Invalid(
                f"at most {MOVES_PER_DAY} postponements a day; please try again tomorrow",
                code="moves_per_day",
                params={"limit": MOVES_PER_DAY},
            )

    def count_payment(self, access: PortalAccess) -> str:
        """Each new online payment the debtor starts (invoices or a plan installment): at most
        ``PAYMENTS_PER_DAY``; an open checkout shown again is no new payment. The counter's
        key (the day it counted in), for giving the payment back."""
        key = self._day_key("pay")
        if not self._counted(access, "pay", PAYMENTS_PER_DAY, key):
            raise Invalid(
                f"at most {PAYMENTS_PER_DAY} new payments a day; please try again tomorrow or "
                "pay by transfer",
                code="payments_per_day",
                params={"limit": PAYMENTS_PER_DAY},
            )
        return key

    def claim_payment(self, access: PortalAccess, client: Client, row: Row | None,
                      claim: Row) -> str | None:  # fmt: skip
        """A new payment's checkout row claimed for this click (:func:`claim_checkout`),
        counted with the debtor's payments of the day: the claim's ETag, or None when another
        click (a second tab) claimed it first. That click gives its count back: it makes no
        payment, it reuses the winner's (two tabs spent two of the day's 20 for one payment).
        Counted before the claim is written, so a debtor past the limit is refused with
        nothing claimed: a claim written first and counted after could be read meanwhile by
        a second tab, which sends its key to Mollie uncounted. Not while Mollie is paused for
        the client's account: the 503 page, no day's payment spent."""
        self.online.refuse_if_paused(client)
        counted = self.count_payment(access)
        claimed = claim_checkout(self.repos.store, row, claim)
        if claimed is None:
            self.counters.increment(THROTTLE, self._debtor_key(access), counted, by=-1)
        return claimed

    def _day_key(self, what: str) -> str:
        return f"{what}|{amsterdam_date(self.clock.now()):%Y%m%d}"

    def _counted(self, access: PortalAccess, what: str, limit: int, key: str = "") -> bool:
        """One more of ``what`` today for this debtor; False past ``limit``. Today is the
        debtor's Dutch day (Europe/Amsterdam, DST included), not UTC's: at 00:30 in Amsterdam
        a new day's limit counts, and 23:30 is still the same day as the morning."""
        return (
            self.counters.increment(
                THROTTLE, self._debtor_key(access), key or self._day_key(what), limit=limit
            )
            is not None
        )

    def _debtor_key(self, access: PortalAccess) -> str:
        return hashlib.sha256(f"{access.client_id}|{access.debtor_number}".encode()).hexdigest()[
            :32
        ]

    def moved_from(self, access: PortalAccess, what: str) -> date | None:
        """The date the portal first moved ``what`` from (an invoice's pause, an installment),
        None when the portal never moved it."""
        row = self.repos.store.get(THROTTLE, self._debtor_key(access), f"pp|{encode(what)}")
        return date.fromisoformat(row.data["From"]) if row else None

    def remember_moved_from(self, access: PortalAccess, what: str, on: date) -> None:
        """Kept once: the first move's date stands (a second move, or a request a moment ago
        that granted the same, finds it)."""
        try:
            self.repos.store.insert(
                THROTTLE,
                Row(self._debtor_key(access), f"pp|{encode(what)}", {"From": on.isoformat()}),
            )
        except Conflict:
            return

    def message(self, access: PortalAccess, text: str) -> None:
        text = text.replace("\r\n", "\n").strip()  # the form's line breaks as counted there
        if not text:
            raise Invalid("the message is empty", code="message_empty")
        now = self.clock.now()
        # each message is an action item staff must read: a debtor (or whoever holds the link)
        # cannot flood the client's list
        if not self._counted(access, "msg", MESSAGES_PER_DAY):
            raise Invalid(
                f"at most {MESSAGES_PER_DAY} messages a day; please try again tomorrow",
                code="messages_per_day",
                params={"limit": MESSAGES_PER_DAY},
            )
        self.repos.actions.add(ActionItem(
            access.client_id, time_ordered_id(now), "debtor_message",
            f"Message from debtor {access.debtor_number}", now,
            debtor_number=access.debtor_number, detail={"text": text[:4000]},
        ))  # fmt: skip
        self._log(access, ContactKind.MESSAGE, f"Message through the portal: {text[:500]}", ())

    def _log(
        self, access: PortalAccess, kind: ContactKind, summary: str, numbers: tuple[str, ...]
    ) -> None:
        now = self.clock.now()
        self.repos.contacts.add(ContactEntry(access.client_id, access.debtor_number, time_ordered_id(now), now, kind,
                                             summary, channel="portal", invoice_numbers=numbers, author=PORTAL))  # fmt: skip


_RETURN_KEY = re.compile(r"[A-Za-z0-9_-]{1,64}")


def claim_checkout(store: TableStore, row: Row | None, claim: Row) -> str | None:
    """``claim`` written over the checkout's ``row`` under its ETag (inserted when there is
    none): the claim's ETag, or None when another click (a second tab) claimed it first. The
    invoice's pay button and a plan installment's claim alike, so one Mollie payment is made."""
    try:
        if row is None:
            return store.insert(RETURNS, claim).etag
        claim.etag = row.etag
        return store.replace(RETURNS, claim).etag
    except (Conflict, PreconditionFailed):
        return None


def page_changed() -> Invalid:
    """The refusal of a pay form whose page no longer shows what is open: shown again."""
    return Invalid(
        "what is open changed since the page was shown; check the new amount",
        code="pay_page_changed",
    )


def transfer_text(debtor_number: str, numbers: list[str]) -> str:
    """What a transfer without a betalingskenmerk quotes: the text the EPC QR code of these
    invoices carries (DunningService.context), so a typed transfer says what a scanned one
    would and is matched the same way."""
    return f"{debtor_number} {' '.join(numbers)}"[:140]


def agency_transfer_text(client_id: str, debtor_number: str, numbers: list[str]) -> str:
    """What a transfer to the agency's third-party account quotes for a handed-over invoice:
    the client's code first, as that account is every client's and "D-1001 F-0001" may be an
    invoice of each of them (newcomer17b F5); the matcher books it on the client it names."""
    return f"{client_code(client_id)} {transfer_text(debtor_number, numbers)}"[:140]


def _term(
    claims: dict[str, ClaimFigures],
    today: date,
    replayed: Callable[[date], dict[str, ClaimFigures]],
) -> TermNotice | None:
    """The 14-day term still running on open invoices whose costs are not charged yet: the
    earliest term's last day, what paying by then costs (principal and interest up to that
    day, as the letter's QR code asks) and the costs owed from the day after (as the letter
    announced them: the same replay on the day they become owed)."""
    owed_from = min(
        (
            f.costs_owed_from
            for f in claims.values()
            if f.costs_owed_from is not None
            and f.costs_owed_from > today
            and f.charged.costs == 0
            and f.open.total > 0
        ),
        default=None,
    )
    if owed_from is None:
        return None
    numbers = tuple(
        sorted(
            n for n, f in claims.items() if f.costs_owed_from == owed_from and f.charged.costs == 0
        )
    )
    last_day = owed_from - timedelta(days=1)
    within = replayed(last_day)
    after = replayed(owed_from)
    costs = sum(after[n].open.costs + after[n].open.costs_vat for n in numbers if n in after)
    if costs <= 0:
        return None  # nothing follows the term (below the client's minimum, costs waived)
    return TermNotice(
        last_day=last_day,
        invoice_numbers=numbers,
        pay_within=sum(within[n].open.total for n in numbers if n in within),
        costs=costs,
        costs_vat=sum(after[n].open.costs_vat for n in numbers if n in after),
    )
