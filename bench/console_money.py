"""The console's money pages (upload, payments, reports, jobs) for a client with 10,000
debtors (``--scale`` scales it), through the local host on Azurite: p50 and p95 over 200
requests per page by one signed-in person, next to the account page (the shell alone) from
the same run. The goal of issue #16 is a p95 under 100 ms.

The person signs in as a browser does (password, then the TOTP code), so each request pays
what a real one pays: the session, the client, the page's reads and the rendering.
"""

from __future__ import annotations

import logging
import os
import re
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pyotp

from bench.harness import figure
from shared import bootstrap
from shared.domain.parties import Debtor, DebtorKind
from shared.domain.records import Payment, PaymentSource
from shared.services.imports import InvoiceDraft
from tools.devhost.config import HostConfig, load_local_settings
from tools.devhost.host import LocalHost

ROOT = Path(__file__).resolve().parent.parent
PAGES = ("upload", "payments", "reports", "jobs")
REQUESTS = 200


def _seed(debtors: int) -> dict[str, str]:
    from tools.demo import AGENCY_ID, seed
    from tools.demo_people import CLIENT, seed_people

    services = bootstrap.services()
    data = Path(tempfile.mkdtemp(prefix="bench-console-"))
    seed(services, data, date.today())
    users = seed_people(services, data)
    client_id = services.repos.clients.id_for_number(AGENCY_ID, CLIENT)
    assert client_id
    client = services.repos.clients.get(client_id)
    assert client
    people = [Debtor(client_id, f"B{i:05d}", DebtorKind.B2B, f"Bench {i}") for i in range(debtors)]
    today = date.today()
    for start in range(0, debtors, 1000):
        part = people[start : start + 1000]
        services.imports.upsert_debtors(client[0], list(enumerate(part)))
        drafts = [InvoiceDraft(f"BF{p.number}", p.number, today - timedelta(days=40),
                               today - timedelta(days=10), 12_100) for p in part]  # fmt: skip
        services.imports.upsert_invoices(client[0], list(enumerate(drafts)))
    payments = [Payment(client_id, f"bench-{i:05d}", people[i].number, 5_000 + i,
                        today - timedelta(days=i % 60), PaymentSource.BANK) for i in range(debtors // 5)]  # fmt: skip
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(services.repos.payments.add, payments))
    return users["client_staff"]


def _cookies(response: httpx.Response, jar: dict[str, str]) -> None:
    for header in response.headers.get_list("set-cookie"):
        name, _, rest = header.partition("=")
        jar[name] = rest.split(";")[0]


def _csrf(response: httpx.Response) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', response.text)
    assert found, response.text[:300]
    return found.group(1)


def _sign_in(http: httpx.Client, user: dict[str, str]) -> dict[str, str]:
    """Password, then the TOTP code, as the sign-in pages ask; the session cookie kept by hand
    (a ``__Host-`` cookie is Secure, and httpx keeps Secure cookies from plain http)."""
    jar: dict[str, str] = {}

    def send(method: str, path: str, form: dict[str, str] | None = None) -> httpx.Response:
        r = http.request(
            method,
            path,
            data=form,
            headers={"cookie": "; ".join(f"{k}={v}" for k, v in jar.items())},
        )
        _cookies(r, jar)
        return r

    login = send("GET", "/api/console/login?lang=en")
    send(
        "POST",
        "/api/console/login",
        {"email": user["email"], "password": user["password"], "csrf": _csrf(login)},
    )
    second = send("GET", "/api/console/login/second-factor")
    send("POST", "/api/console/login/second-factor",
         {"code": pyotp.TOTP(user["totp_secret"]).now(), "csrf": _csrf(second)})  # fmt: skip
    assert send("GET", "/api/console/account").status_code == 200, "not signed in"
    return jar


def _time(http: httpx.Client, jar: dict[str, str], path: str, n: int) -> list[float]:
    header = {"cookie": "; ".join(f"{k}={v}" for k, v in jar.items())}
    out = []
    for _ in range(n):
        began = time.perf_counter()
        r = http.get(path, headers=header)
        out.append((time.perf_counter() - began) * 1000)
        if r.status_code != 200:
            raise RuntimeError(f"{path} answered {r.status_code}")
    return out


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[94]


def run(connection: str, scale: float) -> dict[str, Any]:
    logging.getLogger("urllib3.connectionpool").setLevel(logging.ERROR)
    saved = dict(os.environ)
    os.environ["AzureWebJobsStorage"] = connection
    for key, value in load_local_settings(ROOT).items():
        os.environ.setdefault(key, value)
    bootstrap.reset()
    host = LocalHost(ROOT / "function_app.py", HostConfig.load(ROOT / "host.json"), port=0)
    host.start()
    debtors = max(100, int(10_000 * scale))
    n = max(20, int(REQUESTS * min(scale, 1.0)))
    try:
        began = time.perf_counter()
        user = _seed(debtors)
        seeded = time.perf_counter() - began
        with httpx.Client(base_url=host.url, timeout=60) as http:
            jar = _sign_in(http, user)
            for page in ("account", *PAGES):  # warm up: imports, connections, templates
                _time(http, jar, f"/api/console/{page}?lang=en", 3)
            baseline = _time(http, jar, "/api/console/account?lang=en", n)
            pages = {page: _time(http, jar, f"/api/console/{page}?lang=en", n) for page in PAGES}
    finally:
        host.stop()
        bootstrap.reset()
        os.environ.clear()
        os.environ.update(saved)
    base95 = _p95(baseline)
    return {
        "benchmark": "console_money",
        "debtors": debtors,
        "payments": debtors // 5,
        "requests_per_page": n,
        "seed_seconds": round(seeded, 1),
        **{
            f"{page}_p95_ms": figure(
                _p95(times),
                base95,
                unit="ms",
                baseline_is="the account page's p95",
                goal="p95 under 100 ms",
            )
            for page, times in pages.items()
        },
        **{f"{page}_p50_ms": round(statistics.median(times), 1) for page, times in pages.items()},
    }
