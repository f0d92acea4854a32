"""The overview page's storage work: a good page view writes nothing (the guessing throttle is
read, not written), failures still take their places under the limit before they are
answered, and the EPC QR code of an unchanged claim is drawn once."""

from __future__ import annotations

import threading

from shared.domain.references import epc_qr
from shared.services.portal import FAILURES_PER_WINDOW
from tests.support.page_words import words
from tests.unit.payments.test_portal import Browser, enter, portal  # noqa: F401 - fixture


class Writes:
    """Counts the store's writes per table while wrapped around it."""

    def __init__(self, store) -> None:
        self.store = store
        self.tables: list[str] = []

    def __getattr__(self, name: str):
        inner = getattr(self.store, name)
        if name not in ("transact", "upsert", "insert", "replace", "delete"):
            return inner

        def counted(table, *args, **kwargs):
            self.tables.append(table)
            return inner(table, *args, **kwargs)

        return counted


def test_a_good_page_view_writes_nothing(portal):  # noqa: F811
    world, _, app = portal
    browser = enter(world, app)
    writes = Writes(world.services.portal.counters.store)
    world.services.portal.counters.store = writes
    for _ in range(3):
        browser.page()
    assert writes.tables == []


def test_concurrent_failures_are_counted_before_they_are_answered(portal):  # noqa: F811
    world, _, app = portal
    answers: list[int] = []
    barrier = threading.Barrier(30)

    def guess(i):
        browser = Browser(app, source=f"[2001:db8::{i:x}]:{40000 + i}")  # one /64
        barrier.wait()
        for j in range(2):
            answers.append(browser.go("GET", f"/p/guess{i}-{j}.abc").status)

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(30)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert answers.count(403) == FAILURES_PER_WINDOW
    assert answers.count(429) == 60 - FAILURES_PER_WINDOW
    client_id = next(c.client_id for c in world.services.repos.clients.all() if c.number == "C1")
    good = world.services.portal.links.token(client_id, "D1")
    assert Browser(app, source="[2001:db8::99]:1").go("GET", f"/p/{good}").status == 429


def test_a_revoked_link_counts_as_a_failure(portal):  # noqa: F811
    world, _, app = portal
    client_id = next(c.client_id for c in world.services.repos.clients.all() if c.number == "C1")
    old = world.services.portal.links.token(client_id, "D1")
    world.services.portal.links.revoke(client_id, "D1")
    browser = Browser(app, source="198.51.100.20:1000")
    for _ in range(FAILURES_PER_WINDOW):
        assert browser.go("GET", f"/p/{old}").status == 403
    fresh = world.services.portal.links.token(client_id, "D1")
    assert browser.go("GET", f"/p/{fresh}").status == 429


def test_the_qr_code_of_an_unchanged_claim_is_drawn_once(portal):  # noqa: F811
    world, _, app = portal
    browser = enter(world, app)
    browser.page()
    drawn = epc_qr.qr_svg.cache_info()
    first = browser.page()
    again = epc_qr.qr_svg.cache_info()
    assert "<svg" in first
    assert again.misses == drawn.misses and again.hits > drawn.hits


def test_a_pdf_stored_before_invoices_noted_it_is_still_offered(portal):  # noqa: F811
    """Invoice rows written before the PDF flag existed (``pdf`` unknown) ask the blob store."""
    from dataclasses import replace

    from shared.services.dunning import INVOICE_PDFS, invoice_pdf_name

    world, client, app = portal
    repos = world.services.repos
    stored = repos.invoices.get(client.client_id, "F2")
    repos.invoices.save(replace(stored.invoice, pdf=None), stored)
    world.services.files.put(INVOICE_PDFS, invoice_pdf_name(client.client_id, "F2"), b"%PDF-1.4")
    page = enter(world, app).page()
    assert "/api/portal/invoice/F2" in page and "/api/portal/invoice/F1" not in page


class Reads:
    """Counts the point reads of the client and the debtor (money9 #4) while installed."""

    def __init__(self, repos) -> None:
        self.counts = {"client": 0, "debtor": 0}
        self._wrap(repos.clients, "client")
        self._wrap(repos.debtors, "debtor")

    def _wrap(self, repo, name: str) -> None:
        inner = repo.get

        def counted(*args, **kwargs):
            self.counts[name] += 1
            return inner(*args, **kwargs)

        repo.get = counted


def test_a_page_reads_the_client_and_the_debtor_once(portal):  # noqa: F811
    """The token check reads the client (its sandbox gate); the overview takes it from there
    instead of reading it again (main: 2 client reads a page)."""
    world, _, app = portal
    browser = enter(world, app)
    reads = Reads(world.services.portal.repos)
    browser.page()
    assert reads.counts == {"client": 1, "debtor": 1}


def test_paying_everything_reads_the_debtor_once(portal):  # noqa: F811
    """The payment link ``/p/<token>/pay``: what is payable and the payment itself read the
    client and the debtor once (main: the client twice, the debtor twice)."""
    world, _, app = portal
    client_id = next(c.client_id for c in world.services.repos.clients.all() if c.number == "C1")
    token = world.services.portal.links.token(client_id, "D1")
    reads = Reads(world.services.portal.repos)
    response = Browser(app).go("GET", f"/p/{token}/pay")
    assert response.status == 303 and "/api/pay/simulate/" in response.headers["Location"]
    assert reads.counts == {"client": 1, "debtor": 1}


def test_the_overview_reads_beside_the_token_check(portal):  # noqa: F811
    """The debtor, its invoices and its ledger need only the keys the signature vouches for:
    they are read while the check's own reads are under way (perf19: two round trips a page,
    not three). The generation's read waits here until the ledger's has begun; read after the
    check, it never begins in time."""
    world, _, app = portal
    browser = enter(world, app)
    store = world.services.portal.repos.store
    ledger_begun = threading.Event()
    seen: list[bool] = []
    get, query = store.get, store.query

    def gated_get(table, pk, rk, *args, **kwargs):
        if table == "PortalAccess" and rk.startswith("gen|"):
            seen.append(ledger_begun.wait(timeout=2))
        return get(table, pk, rk, *args, **kwargs)

    def noted_query(table, *args, **kwargs):
        if table == "Ledger":
            ledger_begun.set()
        return query(table, *args, **kwargs)

    store.get, store.query = gated_get, noted_query
    try:
        page = browser.page()
    finally:
        del store.get, store.query
    assert seen == [True]
    assert 'id="total"' in page


def test_a_revoked_session_is_refused_whatever_the_early_reads_found(portal):  # noqa: F811
    """The overview's reads start before the generation is compared; a revoked link still
    gets the refusal and nothing of the debtor's."""
    world, _, app = portal
    browser = enter(world, app)
    client_id = next(c.client_id for c in world.services.repos.clients.all() if c.number == "C1")
    world.services.portal.links.revoke(client_id, "D1")
    response = browser.go("GET", "/portal/")
    assert response.status == 403
    assert "F1" not in words(response.encoded())
