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


@pytest.fixture(scope="module")
def schema(served) -> Any:
    url, keys = served
    document = httpx.get(f"{url}/api/v1/openapi.json").json()
    loaded = schemathesis.openapi.from_dict(document)
    loaded.config.update(base_url=f"{url}/api", headers={"X-Api-Key": keys["agency"]})
    return loaded


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
    for operation in operations(schema):
        names = {p.name for p in operation.path_parameters}
        demo = {k: v for k, v in DEMO_PATH.items() if k in names}
        strategies = [operation.as_strategy(GenerationMode.POSITIVE)]
        if demo:  # also reach past the 404 of a made-up client into the handler
            strategies.append(operation.as_strategy(GenerationMode.POSITIVE, path_parameters=demo))
        run(
            st.one_of(*strategies),
            lambda case: case.call_and_validate(checks=CONFORMANCE),
            examples=8,
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
        run(
            operation.as_strategy(GenerationMode.NEGATIVE),
            lambda case, checks=checks: case.call_and_validate(checks=checks),
            examples=5,
        )
    assert checked >= 20


def _can_be_invalid(operation: Any) -> bool:
    definition = operation.definition.raw
    return bool(definition.get("requestBody")) or any(
        p.get("in") == "query" and (p.get("schema", {}).keys() - {"type"})
        for p in definition.get("parameters", [])
    )
