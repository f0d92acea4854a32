"""The OpenAPI document against the app served by the local host (schemathesis): every
operation is called with the document's own examples, with generated valid requests and with
generated invalid ones; each answer must have a documented status code, content type, headers
and body, never a 500, and an invalid request must be refused with a 4xx."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.e2e.conftest import serving
from tools import azurite

# schemathesis's own strategies draw from `random`; that is its business, not a finding here
pytestmark = pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisDeprecationWarning")

CONFORMANCE = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# bulk routes answer 200 with the rejected rows listed, by design (README: bulk requests)
ROW_LEVEL_ERRORS = {"/v1/clients", "/v1/clients/{client}/debtors", "/v1/clients/{client}/invoices"}
# a PDF upload travels as bytes, as schemathesis sends application/octet-stream
schemathesis.serializer.alias("application/pdf", "application/octet-stream")
schemathesis.serializer.alias("text/csv", "text/plain")
AGENCY_ONLY = {"/v1/actions", "/v1/dunning/runs", "/v1/statutory-rates"}
DEMO_PATH = {"client": "BAKKERIJ", "debtor": "D-1001", "invoice": "F-0001"}


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[tuple[str, dict[str, str]]]:
    """The demo app on an Azurite of this module's own: the requests below write clients,
    debtors and invoices that the other end-to-end tests must not see."""
    with (
        azurite.running(tmp_path_factory.mktemp("azurite")) as ports,
        serving(
            ports.connection_string, tmp_path_factory.mktemp("data"), INNING_ENVIRONMENT="local"
        ) as running,
    ):
        yield running


def load(served: tuple[str, dict[str, str]], key: str) -> Any:
    url, keys = served
    document = httpx.get(f"{url}/api/v1/openapi.json").json()
    loaded = schemathesis.openapi.from_dict(document)
    # both schemes carry the key: a generated bearer token would otherwise win over it
    headers = {"X-Api-Key": keys[key], "Authorization": f"Bearer {keys[key]}"}
    loaded.config.update(base_url=f"{url}/api", headers=headers)
    return loaded


@pytest.fixture(scope="module")
def schema(served) -> Any:
    return load(served, "agency")


@pytest.fixture(scope="module")
def client_schema(served) -> Any:
    return load(served, "BAKKERIJ")


def operations(schema: Any) -> list[Any]:
    found = [result.ok() for result in schema.get_all_operations()]
    assert len(found) >= 40
    return found


def run(strategy: Any, check: Any, examples: int) -> None:
    @given(case=strategy)
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def one(case: Any) -> None:
        check(case)

    one()


def test_the_documents_own_examples_are_answered_as_documented(schema):
    with_examples = 0
    for operation in operations(schema):
        strategies = schema.get_strategies_from_examples(operation)
        if not strategies:
            continue
        with_examples += 1
        run(
            st.one_of(*strategies),
            lambda case: case.call_and_validate(checks=CONFORMANCE),
            examples=5,
        )
    assert with_examples >= 30


def test_generated_requests_are_answered_as_documented(schema):
    succeeded: set[str] = set()

    def check(case: Any) -> None:
        response = case.call_and_validate(checks=CONFORMANCE)
        if response.status_code < 300:
            succeeded.add(f"{case.method} {case.operation.path}")

    for operation in operations(schema):
        names = {p.name for p in operation.path_parameters}
        demo = {k: v for k, v in DEMO_PATH.items() if k in names}
        strategies = [operation.as_strategy(GenerationMode.POSITIVE)]
        if demo:  # also reach past the 404 of a made-up client into the handler
            strategies.append(operation.as_strategy(GenerationMode.POSITIVE, path_parameters=demo))
        run(st.one_of(*strategies), check, examples=8)
    # the generated requests get past the key and the path into most handlers
    assert len(succeeded) >= 40, sorted(succeeded)


def test_a_client_key_is_answered_as_documented(served, client_schema):
    """The same document seen with a client key: agency routes and other clients answer the
    documented 404, the client's own data as documented. The agency key's generated requests
    above may have deactivated the demo client (its keys then answer 403 client_inactive, as
    documented): it is activated again first, so the reach of a live key is what is checked."""
    url, keys = served
    again = httpx.post(f"{url}/api/v1/clients/{DEMO_PATH['client']}/activate",
                       headers={"X-Api-Key": keys["agency"]})  # fmt: skip
    assert again.status_code == 200, again.text
    for operation in operations(client_schema):
        if operation.method.upper() != "GET":
            continue
        names = {p.name for p in operation.path_parameters}
        demo = {k: v for k, v in DEMO_PATH.items() if k in names}

        def check(case: Any) -> None:
            response = case.call_and_validate(checks=CONFORMANCE)
            if case.path in AGENCY_ONLY:
                assert response.status_code == 404, case.path

        run(
            operation.as_strategy(GenerationMode.POSITIVE, path_parameters=demo or None),
            check,
            examples=3,
        )


def test_invalid_requests_are_refused_as_documented(schema):
    checked = 0
    for operation in operations(schema):
        if not _can_be_invalid(operation):
            continue
        checked += 1
        checks = list(CONFORMANCE)
        if operation.path not in ROW_LEVEL_ERRORS:
            checks.append(negative_data_rejection)
        try:
            run(
                operation.as_strategy(GenerationMode.NEGATIVE),
                lambda case, checks=checks: case.call_and_validate(checks=checks),
                examples=5,
            )
        except Exception as exc:
            raise AssertionError(f"{operation.method} {operation.path}") from exc
    assert checked >= 20


def _can_be_invalid(operation: Any) -> bool:
    """A JSON body or a constrained query parameter: something a request can get wrong (a
    raw file body is any bytes, and the key headers are fixed)."""
    definition = operation.definition.raw
    body = definition.get("requestBody", {}).get("content", {})
    return "application/json" in body or any(
        p.get("in") == "query" and (p.get("schema", {}).keys() - {"type"})
        for p in definition.get("parameters", [])
    )
