"""A client that cannot deduct VAT may charge it on the collection costs only when its 14-day
letter expressly says so (Besluit BIK art. 2 lid 3): the letter context gives the VAT apart,
the template check asks for it and the statement, and a letter without them is not sent
(review law3 finding 6)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from shared.domain.dunning.letter_costs import vat_in, with_vat
from shared.domain.dunning.templates import (
    MessageTemplate,
    TemplateError,
    render,
    sample_context,
    validate,
)
from shared.domain.law.fourteen_day_letter import VatPart, missing_vat_parts
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.dunning.test_daily_run import FOURTEEN, SEEN, TEMPLATES, WORKFLOW, simulate
from tools.demo import DEMO_TEMPLATES

LETTER_BODY: dict[str, object] = dict(TEMPLATES["t-14"])  # type: ignore[call-overload]
PLAIN = MessageTemplate("nl", "Veertiendagenbrief", FOURTEEN, fourteen_day_letter=True)
DEMO = DEMO_TEMPLATES["veertiendagenbrief"]


def test_the_vat_splits_back_out_of_the_announced_costs():
    # 15 % of 1,000.00 = 150.00 + 21 % = 31.50 -> 181.50 in the letter
    assert vat_in(18_150) == 3_150
    assert vat_in(4_840) == 840  # the EUR 40 minimum: 40.00 + 8.40
    for costs in range(0, 700_000, 37):
        assert vat_in(with_vat(costs)) == with_vat(costs) - costs


def test_templates_get_the_costs_without_and_the_vat_apart():
    variables = sample_context("nl", vat_not_deductible=True).variables()
    assert (variables["costs"], variables["costs_excl_vat"], variables["costs_vat"]) == (
        4_840,
        4_000,
        840,
    )
    plain = sample_context("nl").variables()
    assert (plain["costs"], plain["costs_excl_vat"], plain["costs_vat"]) == (4_000, 4_000, 0)


def test_the_check_asks_a_non_deducting_clients_letter_for_the_vat_and_the_statement():
    validate(PLAIN)  # a client that deducts VAT: as before
    with pytest.raises(TemplateError) as refused:
        validate(PLAIN, vat_not_deductible=True)
    assert "vat_amount, vat_statement" in str(refused.value)
    amount_only = MessageTemplate(
        "nl", "V", FOURTEEN + " Inclusief {{ costs_vat|money }} btw.", fourteen_day_letter=True
    )
    with pytest.raises(TemplateError, match="vat_statement"):
        validate(amount_only, vat_not_deductible=True)
    validate(DEMO, vat_not_deductible=True)
    validate(DEMO)


def test_the_statement_in_both_languages():
    nl = "Dit bedrag is inclusief € 8,40 btw, omdat wij de btw niet kunnen verrekenen."
    assert missing_vat_parts(nl, "nl", "€ 8,40") == []
    assert missing_vat_parts(nl, "nl", "€ 9,40") == [VatPart.VAT_AMOUNT]
    en = "This includes EUR 8.40 VAT, charged because we cannot deduct the VAT."
    assert missing_vat_parts(en, "en", "EUR 8.40") == []
    assert missing_vat_parts("Inclusief € 8,40 btw.", "nl", "€ 8,40") == [VatPart.VAT_STATEMENT]


def test_the_demo_letter_states_the_vat_only_when_there_is_some():
    with_vat_text = render(DEMO, sample_context("nl", vat_not_deductible=True)).text
    assert "€ 48,40" in with_vat_text and "€ 8,40 btw" in with_vat_text
    assert "kan de btw niet verrekenen" in with_vat_text
    assert "btw" not in render(DEMO, sample_context("nl")).text


@pytest.mark.parametrize("deductible", [False, True])
def test_the_letter_context_of_the_service(world, deductible):
    world.clock.at = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1", vat_deductible=deductible)]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row("F1", amount="1000.00")]})
    services = world.services
    client = services.access.client_for(services.access.authenticate(a.key), "C1")
    debtor = services.repos.debtors.get(client.client_id, "D1")[0]
    invoice = services.repos.invoices.get(client.client_id, "F1").invoice
    context = services.dunning.context(
        client, debtor, [invoice], date(2025, 3, 3), date(2025, 3, 20), with_links=False
    )
    variables = context.variables()
    text = render(DEMO, context).text
    if deductible:
        assert (variables["costs"], variables["costs_vat"]) == (15_000, 0)
        assert "btw" not in text
    else:
        # 15 % of 1,000.00 = 150.00, + 21 % VAT = 31.50: 181.50
        assert (variables["costs"], variables["costs_excl_vat"], variables["costs_vat"]) == (
            18_150,
            15_000,
            3_150,
        )
        assert "€ 181,50" in text and "€ 31,50 btw (21 % over € 150,00)" in text


def _client_with_workflow(world, letter_text, deductible=False):
    SEEN.clear()
    a = world.agency_a
    world.clock.at = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", vat_deductible=deductible)]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", name="Jan")]})
    for template_id, body in {**TEMPLATES, "t-14": {**LETTER_BODY, "text": letter_text}}.items():
        assert a.call("PUT", f"/v1/clients/C1/templates/{template_id}", body).status == 200
    assert a.call("PUT", "/v1/clients/C1/workflows/particulier", WORKFLOW).status == 200
    return a


def test_saving_a_non_deducting_clients_letter_without_the_statement_is_refused(world):
    a = _client_with_workflow(world, DEMO.text)
    refused = a.call("PUT", "/v1/clients/C1/templates/t-14", LETTER_BODY)
    assert refused.status == 422 and "vat_statement" in json_text(refused.body)
    services = world.services
    client = services.access.client_for(services.access.authenticate(a.key), "C1")
    assert services.dunning_setup.check(PLAIN, client) is not None
    assert services.dunning_setup.check(PLAIN) is None  # no client: the general check
    assert a.call("POST", "/v1/clients/C1/workflows/particulier/activate").status == 200


def test_activation_refuses_a_letter_without_the_statement(world):
    # the letter was saved while the client deducted VAT; now it cannot (or it was saved
    # before this check existed): activation checks again with the client's VAT
    a = _client_with_workflow(world, FOURTEEN, deductible=True)
    no_vat(world)
    refused = a.call("POST", "/v1/clients/C1/workflows/particulier/activate")
    assert refused.status == 422
    assert "vat_statement" in json_text(refused.body)


def test_a_letter_without_the_statement_is_not_sent(world):
    # a workflow activated before the check (or a client whose VAT status changed since)
    a = _client_with_workflow(world, FOURTEEN, deductible=True)
    assert a.call("POST", "/v1/clients/C1/workflows/particulier/activate").status == 200
    client = no_vat(world)
    assert not client.vat_deductible
    rules = {"rules": [{"workflow": "particulier"}]}
    assert a.call("PUT", "/v1/clients/C1/segment-rules", rules).status == 200
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row("F1", due_date="2025-03-10")]})
    log = simulate(world, client, 30)
    assert [channel for _, channel, _, _ in log] == ["email", "sms"]  # no letter
    actions = a.call("GET", "/v1/clients/C1/actions").body["items"]
    assert any("vat_statement" in json_text(item) for item in actions)


def no_vat(world):
    """The client's VAT status changes: it can no longer deduct VAT."""
    a = world.agency_a
    reply = a.call("POST", "/v1/clients", {"items": [client_row("C1", vat_deductible=False)]})
    assert reply.status < 300, reply.body
    services = world.services
    return services.access.client_for(services.access.authenticate(a.key), "C1")


def json_text(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)
