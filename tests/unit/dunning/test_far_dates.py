"""#12 item 10: a due date near the year 9999 neither breaks the portal, the preview nor the
daily run; the API refuses absurd dates at import."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from shared.api.http import ApiRequest
from tests.unit.api.conftest import invoice_row
from tests.unit.dunning.test_daily_run import engine  # noqa: F401 - fixture


def test_absurd_dates_are_refused_at_import(engine):  # noqa: F811
    world, _ = engine
    a = world.agency_a
    for row in (invoice_row("F8", "D1", due_date="9999-12-30"),
                invoice_row("F8", "D1", invoice_date="0001-01-01", due_date="2025-01-31"),
                invoice_row("F8", "D1", invoice_date="2025-01-01", due_date="2150-01-01")):  # fmt: skip
        reply = a.call("POST", "/v1/clients/C1/invoices", {"items": [row]})
        assert reply.body["rejected"] == 1, reply.body
        assert reply.body["errors"][0]["field"] in ("due_date", "invoice_date")


def test_a_stored_far_date_breaks_nothing(engine):  # noqa: F811
    world, client = engine
    services = world.services
    stored = services.repos.invoices.get(client.client_id, "F1")
    far = replace(stored.invoice, invoice_date=date(9999, 12, 1), due_date=date(9999, 12, 31))
    services.repos.invoices.save(far, stored)  # as written before the API refused such dates
    a = world.agency_a
    preview = a.call("POST", "/v1/clients/C1/templates/t-reminder/preview", {"debtor": "D1"})
    assert preview.status in (200, 422), preview.body
    for day in (date(2025, 3, 17), date(2025, 3, 18)):
        services.dunning.run_client(client.client_id, day)  # no exception: the job completes
    links = services.portal_links.links(client.client_id, "D1")
    token = links[0].rsplit("/", 1)[-1]
    access = services.portal.enter(token, "127.0.0.1")
    overview = services.portal.overview(access)
    assert any(line.number == "F1" for line in overview.owed.invoices) or overview is not None
    reply = world.api.handle(
        ApiRequest("GET", "/v1/clients/C1/invoices/F1", {"x-api-key": a.key}, {}, b"")
    )
    assert reply.status == 200
