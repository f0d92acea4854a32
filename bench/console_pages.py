"""The console's pages for a client with 10,000 debtors: each page in ``PAGES_TO_MEASURE``
fetched 200 times over HTTP by one signed-in browser (a client's staff member, signed in with
password and TOTP through the real pages) against the local host on Azurite; p50 and p95 per
page, the goal p95 <= 100 ms. The baseline is the account page of the same session: the
shell's own cost (session, CSRF, layout) without any of the page's reads, so each page's ratio
shows what its own work adds.

Seeded with batched writes: the imports' bulk upserts (entity-group transactions of 100) for
10,000 debtors and 20,000 invoices, transactions of 100 for the action list, a handful of
payments booked through the payment service and a dossier with a timeline.
"""

from __future__ import annotations

import os
import re
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pyotp

from bench.harness import figure
from shared import bootstrap
from shared.adapters.metering import METER, StorageMeter
from shared.adapters.tables import schema
from shared.adapters.tables.records_repo import ActionRepository
from shared.domain.ids import random_id, time_ordered_id
from shared.domain.parties import Agency, Client, Debtor, DebtorKind
from shared.domain.records import ActionItem, ContactEntry, ContactKind, PaymentSource
from shared.ports.tables import MAX_BATCH, Op, OpKind
from shared.services.imports import InvoiceDraft
from tools.devhost.config import HostConfig, load_local_settings
from tools.devhost.host import LocalHost

ROOT = Path(__file__).resolve().parent.parent
DEBTORS = 10_000
REQUESTS = 200
ACTIONS = 600
GOAL_MS = 100
COOKIE = "__Host-inning_session"
# (name, path) of every console page to measure; {debtor} and {action} are filled in with a
# seeded debtor (with invoices, payments and a timeline) and a payment suggestion. Extend it
# when you add a page.
PAGES_TO_MEASURE: list[tuple[str, str]] = [
    ("today", "/today"),
    ("actions", "/actions"),
    ("actions_filtered", "/actions?kind=staff_task"),
    ("action", "/actions/{action}"),
    ("dossier", "/dossier/{debtor}"),
    # the lists' searches (the index built in the seeding, as a client's first search does)
    ("debtors_by_name", "/debtors?q=debt&by=name"),
    ("debtors_by_two_words", "/debtors?q=debtor+12&by=name"),  # one word's range, narrowed
    ("invoices_by_number", "/invoices?q=F0012&by=number"),
    ("invoices_by_amount", "/invoices?q=121,07&by=amount"),
]


def _seed(debtors: int) -> tuple[dict[str, str], dict[str, str]]:
    """The client, its debtors, invoices, actions, payments and a staff member; returns the
    person's sign-in and the ids the paths need."""
    from shared.domain.people.accounts import Factor, User, UserStatus
    from shared.domain.people.authorisation import Role
    from shared.domain.people.factors import new_totp_secret
    from shared.domain.people.passwords import hash_password

    services = bootstrap.services()
    services.repos.agencies.save(Agency("bench-agency", "Bench Incasso"))
    client = Client(f"bench-console-{time.time_ns()}", "bench-agency", "BC", "Bakkerij Bench",
                    ibans=("NL02ABNA0123456789",), contact_email="facturen@bench.example")  # fmt: skip
    services.repos.clients.save(client, new=True)
    today = date.today()
    people = [Debtor(client.client_id, f"D{i:05d}", DebtorKind.B2C, f"Debtor {i}",
                     emails=(f"d{i}@bench.example",)) for i in range(debtors)]  # fmt: skip
    services.imports.upsert_debtors(client, list(enumerate(people)))
    drafts = [
        InvoiceDraft(f"F{i:05d}-{k}", p.number, today - timedelta(days=20 + 37 * k + i % 90),
                     today - timedelta(days=5 + 37 * k + i % 90), 12_100 + i % 5000)
        for i, p in enumerate(people) for k in range(2)
    ]  # fmt: skip
    services.imports.upsert_invoices(client, list(enumerate(drafts)))
    services.console_search.ensure_built(client.client_id)
    dossier = people[7].number
    for n in range(5):
        services.payments.book(client, payment_id=f"bench-pay-{n}", amount=2_500,
                               received_on=today, source=PaymentSource.BANK,
                               invoice_numbers=[f"F{7 + n:05d}-0"])  # fmt: skip
    now = datetime.now(UTC)
    for n in range(30):
        services.repos.contacts.add(ContactEntry(client.client_id, dossier, time_ordered_id(now, f"{n:02d}"), now,
                                                 ContactKind.NOTE, f"Called, note {n}", author="bench"))  # fmt: skip
    rows = []
    for n in range(ACTIONS):
        kind = ("staff_task", "delivery_failure", "payment_suggestion")[n % 3]
        detail: dict[str, object] = {}
        if kind == "payment_suggestion":
            detail = {"account": "NL02ABNA0123456789", "line_id": f"line-{n}", "amount": 12_100,
                      "date": today.isoformat(), "payer_iban": None,
                      "suggestions": [{"invoice": f"F{n:05d}-0", "client_id": None, "amount": 12_100,
                                       "score": 0.7}]}  # fmt: skip
        rows.append(ActionRepository.to_row(ActionItem(
            client.client_id, f"a{n:05d}", kind, f"{kind} {n}", now, debtor_number=f"D{n:05d}",
            detail=detail)))  # fmt: skip
    for start in range(0, len(rows), MAX_BATCH):
        services.repos.store.transact(
            schema.ACTIONS, [Op(OpKind.INSERT, r) for r in rows[start : start + MAX_BATCH]]
        )
    password, secret = "bench-" + random_id("p"), new_totp_secret()
    user = User(random_id("u"), f"staff-{time.time_ns()}@bench.example", "bench-agency", client.client_id,
                Role.CLIENT_STAFF, UserStatus.ACTIVE, now, password_hash=hash_password(password),
                factor=Factor.TOTP, totp_secret=secret)  # fmt: skip
    services.people.kit.people.users.add(user)
    person = {"email": user.email, "password": password, "totp_secret": secret}
    return person, {"debtor": dossier, "action": "a00002"}


def _csrf(text: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', text)
    assert match, text[:300]
    return match.group(1)


def _cookie(response: httpx.Response, name: str) -> str:
    for header in response.headers.get_list("set-cookie"):
        if header.startswith(name + "="):
            return header.split(";")[0].split("=", 1)[1]
    raise AssertionError(f"no {name} cookie")


def sign_in(http: httpx.Client, person: dict[str, str]) -> dict[str, str]:
    """Password, then TOTP, through the console's pages; the session's cookie header."""
    page = http.get("/api/console/login")
    pre = {"cookie": f"__Host-inning_pre={_cookie(page, '__Host-inning_pre')}"}
    step = http.post("/api/console/login", headers=pre, data={
        "email": person["email"], "password": person["password"], "csrf": _csrf(page.text)})  # fmt: skip
    pending = {"cookie": f"{COOKIE}={_cookie(step, COOKIE)}"}
    second = http.get("/api/console/login/second-factor", headers=pending)
    done = http.post("/api/console/login/second-factor", headers=pending, data={
        "do": "verify", "code": pyotp.TOTP(person["totp_secret"]).now(),
        "csrf": _csrf(second.text)})  # fmt: skip
    assert done.status_code == 303 and done.headers["location"].endswith("/today"), done.text
    return {"cookie": f"{COOKIE}={_cookie(done, COOKIE)}", "accept-language": "en"}


def _measure(http: httpx.Client, session: dict[str, str], path: str, count: int) -> list[float]:
    took = []
    for _ in range(count):
        began = time.perf_counter()
        r = http.get("/api/console" + path, headers=session)
        took.append((time.perf_counter() - began) * 1000)
        if r.status_code != 200:
            raise RuntimeError(f"{path} answered {r.status_code}")
    return took


def _p(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1]


def run(connection: str, scale: float) -> dict[str, Any]:
    saved = dict(os.environ)
    os.environ["AzureWebJobsStorage"] = connection
    for key, value in load_local_settings(ROOT).items():
        os.environ.setdefault(key, value)
    bootstrap.reset()
    host = LocalHost(ROOT / "function_app.py", HostConfig.load(ROOT / "host.json"), port=0)
    host.start()
    debtors = max(500, int(DEBTORS * scale))
    count = max(50, int(REQUESTS * min(scale, 1.0)))
    pages: dict[str, Any] = {}
    baseline: list[float] = []
    try:
        began = time.perf_counter()
        person, ids = _seed(debtors)
        seeded = time.perf_counter() - began
        with httpx.Client(base_url=host.url, follow_redirects=False, timeout=60) as http:
            session = sign_in(http, person)
            for _, path in PAGES_TO_MEASURE:  # warm up: imports, connections, first counts
                _measure(http, session, path.format(**ids), 3)
            _measure(http, session, "/account", 3)
            before = METER.snapshot()
            baseline = _measure(http, session, "/account", count)
            base_requests = StorageMeter.since(before, METER.snapshot())["total"] / count
            base_p95 = _p(baseline, 95)
            for name, path in PAGES_TO_MEASURE:
                before = METER.snapshot()
                took = _measure(http, session, path.format(**ids), count)
                spent = StorageMeter.since(before, METER.snapshot())["total"] / count
                pages[name] = {
                    "path": path,
                    "p50_ms": round(_p(took, 50), 1),
                    "storage_requests": figure(
                        spent,
                        base_requests,
                        unit="requests per page view",
                        baseline_is="the account page's, same session",
                    ),
                    "p95": figure(
                        _p(took, 95),
                        base_p95,
                        unit="ms",
                        baseline_is="p95 of the account page (the shell alone), same session",
                        goal=f"<= {GOAL_MS} ms",
                        digits=1,
                    ),
                    "meets_goal": _p(took, 95) <= GOAL_MS,
                }
    finally:
        host.stop()
        bootstrap.reset()
        os.environ.clear()
        os.environ.update(saved)
    return {
        "benchmark": "console_pages",
        "debtors": debtors,
        "invoices": debtors * 2,
        "actions": ACTIONS,
        "requests_per_page": count,
        "seed_seconds": round(seeded, 1),
        "account_page_p50_ms": round(_p(baseline, 50), 1),
        "account_page_p95_ms": round(base_p95, 1),
        "pages": pages,
        "all_meet_goal": all(p["meets_goal"] for p in pages.values()),
    }
