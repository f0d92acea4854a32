from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from shared.adapters.blobs.store import InMemoryFileStore
from shared.adapters.queues.storage import InMemoryQueueSender
from shared.adapters.tables.memory import InMemoryTableStore
from shared.api.app import IntegrationApi
from shared.api.http import ApiRequest
from shared.bootstrap import build_services
from shared.clock import FixedClock
from shared.domain.access import Scope
from shared.domain.parties import Agency
from shared.domain.references import iban
from shared.services.container import Services
from shared.settings import Settings
from tests.support.faults import FaultPlan, FaultyTableStore

SETTINGS = Settings.from_env({"AzureWebJobsStorage": "UseDevelopmentStorage=true"})


@dataclass
class Reply:
    status: int
    body: Any


class ApiClient:
    def __init__(self, api: IntegrationApi, key: str | None = None) -> None:
        self.api = api
        self.key = key

    def call(
        self, method: str, path: str, body: Any = None, *, raw: bytes | None = None, **query: str
    ) -> Reply:
        headers = {"x-api-key": self.key} if self.key else {}
        data = raw if raw is not None else (b"" if body is None else json.dumps(body).encode())
        response = self.api.handle(ApiRequest(method, path, headers, dict(query), data))
        payload = json.loads(response.encoded()) if response.encoded() else None
        return Reply(response.status, payload)

    def as_key(self, key: str) -> ApiClient:
        return ApiClient(self.api, key)


@dataclass
class World:
    api: IntegrationApi
    services: Services
    clock: FixedClock
    store: InMemoryTableStore
    agency_a: ApiClient
    agency_b: ApiClient


@pytest.fixture
def world() -> World:
    return make_world()


def make_world(
    at: datetime = datetime(2025, 3, 3, 9, 0, tzinfo=UTC), faults: FaultPlan | None = None
) -> World:
    """A fresh world (a test comparing two runs of one story builds its second with it);
    with ``faults`` its services write through a fault-injecting store over ``World.store``
    (tests/support/faults.py), which the test reads as it is."""
    store = InMemoryTableStore()
    clock = FixedClock(at)
    services = build_services(
        SETTINGS,
        clock=clock,
        store=store if faults is None else FaultyTableStore(store, faults),
        files=InMemoryFileStore(),
        queues=InMemoryQueueSender(),
        senders={},
    )
    api = IntegrationApi(services)
    keys = []
    for agency_id in ("agency-a", "agency-b"):
        services.repos.agencies.save(Agency(agency_id, agency_id.upper()))
        _, text = services.access.issue(scope=Scope.AGENCY, agency_id=agency_id)
        keys.append(text)
    return World(api, services, clock, store, ApiClient(api, keys[0]), ApiClient(api, keys[1]))


def client_iban(number: str) -> str:
    """A valid Dutch IBAN of its own for every client number (accounts are unique)."""
    digits = f"{int.from_bytes(number.encode(), 'big') % 10**10:010d}"
    return iban.build("NL", "ABNA" + digits)


def client_row(number: str = "C1", **extra: Any) -> dict[str, Any]:
    return {"number": number, "name": f"Client {number}", "ibans": [client_iban(number)], **extra}


def debtor_row(number: str = "D1", **extra: Any) -> dict[str, Any]:
    return {
        "number": number,
        "kind": "b2c",
        "name": f"Debtor {number}",
        "emails": [f"{number.lower()}@example.nl"],
        "mobile": "06 12345678",
        "address": {"street": "Dorpsstraat 1", "postal_code": "1234ab", "city": "Utrecht"},
        **extra,
    }


def invoice_row(number: str = "F1", debtor: str = "D1", **extra: Any) -> dict[str, Any]:
    return {
        "number": number,
        "debtor": debtor,
        "invoice_date": "2025-01-01",
        "due_date": "2025-01-31",
        "amount": "121.00",
        **extra,
    }


def verify_ibans(agency: ApiClient, number: str) -> None:
    """The client proves its accounts: its own key confirms each pending code (#12: an IBAN is
    the client's for statements only after proof)."""
    key = agency.call(
        "POST", "/v1/keys", {"scope": "client", "client": number, "admin": True}
    ).body["key"]
    client = agency.as_key(key)
    for item in client.call("GET", f"/v1/clients/{number}/ibans").body["items"]:
        if item["status"] == "pending":
            reply = client.call("POST", f"/v1/clients/{number}/ibans/confirm",
                                {"iban": item["iban"], "code": item["code"]})  # fmt: skip
            assert reply.status == 200 and reply.body["status"] == "verified", reply.body
