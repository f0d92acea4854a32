"""The 14-day letter that is sent is the one that was checked (attack8 #3; art. 6:96 lid 6 BW:
costs are owed only after a letter stating the amount, the fourteen days counted from receipt
and what not paying means).

- The run checks what the debtor reads (his render, text and HTML): a letter that fails is not
  sent, starts no costs term, and the refusal is on the action list; fixed, it goes out.
- Saving a template an active workflow uses runs that workflow's activation checks, and so
  does copying a template or a workflow over the target client's template of that name."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from shared.domain.dunning.templates import MessageTemplate
from shared.services.dunning_setup import NotActivatable
from tests.unit.api.conftest import client_row
from tests.unit.dunning.test_daily_run import FOURTEEN
from tests.unit.dunning.test_fourteen_day_letter_sent_late import BASE, _mornings, _world

# the legal text for the sample debtor only: the save and activation checks render the sample
SAMPLE_ONLY = (
    "{% if debtor.number == 'D-0001' %}" + FOURTEEN + "{% else %}Beste {{ debtor.name }}, "
    "betaal vandaag {{ total|money }}, anders volgen incassokosten.{% endif %}"
)
PLAIN_TEXT = (
    "Beste {{ debtor.name }}, betaal vandaag {{ total|money }} of wij rekenen incassokosten."
)
PLAIN = {
    "language": "nl",
    "subject": "Laatste kans",
    "text": PLAIN_TEXT,
    "fourteen_day_letter": False,
}
GOOD = {"language": "nl", "subject": "Veertiendagenbrief", "text": FOURTEEN,
        "fourteen_day_letter": True}  # fmt: skip


def _letters(world, client):
    return world.services.messaging.outbox.with_prefix(client.client_id, "dun|D1|")


def _refusals(world, client):
    actions, _ = world.services.repos.actions.list(client.client_id)
    return [a for a in actions if a.kind == "dunning_failure"]


def test_a_letter_legal_for_the_sample_only_is_not_sent_and_starts_no_costs(world):
    a, client = _world(world, datetime(2025, 12, 1, 6, 0, tzinfo=UTC), "2025-12-01")
    body = {**GOOD, "text": SAMPLE_ONLY}
    # the sample passes: saved, and the workflow activates with it
    assert a.call("PUT", "/v1/clients/C1/templates/t-14", body).status == 200
    assert a.call("POST", "/v1/clients/C1/workflows/w/activate").status == 200
    _mornings(world, client, date(2025, 12, 4), date(2025, 12, 4))
    assert _letters(world, client) == []
    claim = a.call("GET", f"{BASE}/F1/claim", on="2026-02-01").body
    assert claim.get("costs_owed_from") is None and claim["open"]["costs"] == "0.00"
    [refused] = _refusals(world, client)
    assert refused.debtor_number == "D1" and "14-day letter not sent" in refused.title
    assert "the term of fourteen days" in str(refused.detail["reason"])
    # fixed, the next morning's run sends it, and its term starts then
    assert a.call("PUT", "/v1/clients/C1/templates/t-14", GOOD).status == 200
    _mornings(world, client, date(2025, 12, 5), date(2025, 12, 5))
    [(message, _)] = _letters(world, client)
    assert "veertien dagen" in world.services.messaging.content(client.client_id, message.key).text
    claim = a.call("GET", f"{BASE}/F1/claim", on="2026-02-01").body
    assert claim["costs_owed_from"] is not None and claim["open"]["costs"] == "150.00"


def test_an_html_part_without_the_legal_parts_is_not_sent(world):
    a, client = _world(world, datetime(2025, 12, 1, 6, 0, tzinfo=UTC), "2025-12-01")
    html = "<p>Beste {{ debtor.name }}, betaal <b>vandaag</b> {{ total|money }}.</p>"
    # refused when saved now (the part mail clients show)...
    put = a.call("PUT", "/v1/clients/C1/templates/t-14", {**GOOD, "html": html})
    assert put.status == 422 and put.body["error"]["details"][0]["field"] == "html"
    # ...and one kept from before this check is refused when it would be sent
    world.services.repos.dunning.save_template(
        client.client_id, "t-14", MessageTemplate("nl", "Veertiendagenbrief", FOURTEEN, html, True)
    )
    _mornings(world, client, date(2025, 12, 4), date(2025, 12, 4))
    assert _letters(world, client) == []
    [refused] = _refusals(world, client)
    assert "html: a 14-day letter must state" in str(refused.detail["reason"])
    claim = a.call("GET", f"{BASE}/F1/claim", on="2026-02-01").body
    assert claim.get("costs_owed_from") is None and claim["open"]["costs"] == "0.00"


def test_a_template_swapped_in_storage_after_activation_is_not_sent(world):
    a, client = _world(world, datetime(2025, 12, 1, 6, 0, tzinfo=UTC), "2025-12-01")
    world.services.repos.dunning.save_template(
        client.client_id, "t-14", MessageTemplate("nl", "Laatste kans", PLAIN_TEXT)
    )
    _mornings(world, client, date(2025, 12, 4), date(2025, 12, 4))
    assert _letters(world, client) == []
    [refused] = _refusals(world, client)
    assert "not marked as a 14-day letter" in str(refused.detail["reason"])
    assert a.call("GET", f"{BASE}/F1/claim", on="2026-02-01").body["open"]["costs"] == "0.00"


def test_saving_a_template_an_active_fourteen_day_step_uses_runs_its_checks(world):
    a, client = _world(world, datetime(2025, 12, 1, 6, 0, tzinfo=UTC), "2025-12-01")
    staff = a.as_key(a.call("POST", "/v1/keys", {"scope": "client", "client": "C1"}).body["key"])
    put = staff.call("PUT", "/v1/clients/C1/templates/t-14", PLAIN)
    assert put.status == 422
    assert "not marked as a 14-day letter" in put.body["error"]["details"][0]["message"]
    kept = world.services.repos.dunning.templates(client.client_id)["t-14"]
    assert kept.fourteen_day_letter and "veertien dagen" in kept.text
    # a template no active workflow uses is saved as before, and so is a passing 14-day letter
    assert staff.call("PUT", "/v1/clients/C1/templates/t-spare", PLAIN).status == 200
    changed = {**GOOD, "subject": "Veertiendagenbrief (nieuw)"}
    assert staff.call("PUT", "/v1/clients/C1/templates/t-14", changed).status == 200
    # an inactive workflow using it does not hold the save
    assert a.call("PUT", "/v1/clients/C1/workflows/w", {"name": "W", "steps": [
        {"name": "Veertiendagenbrief", "channel": "fourteen_day_letter", "offset_days": 3,
         "letter_by": "email", "templates": {"nl": "t-14"}}]}).status == 200  # fmt: skip
    assert staff.call("PUT", "/v1/clients/C1/templates/t-14", PLAIN).status == 200


def test_copies_to_another_client_do_not_replace_its_active_fourteen_day_letter(world):
    a, client = _world(world, datetime(2025, 12, 1, 6, 0, tzinfo=UTC), "2025-12-01")
    assert a.call("POST", "/v1/clients", {"items": [client_row("C2")]}).status == 200
    a.call("PUT", "/v1/clients/C2/templates/t-14", PLAIN)
    a.call("PUT", "/v1/clients/C2/workflows/w2", {"name": "W2", "steps": [
        {"name": "Herinnering", "channel": "email", "offset_days": 3, "templates": {"nl": "t-14"}}]})  # fmt: skip
    services = world.services
    c2 = services.access.client_for(services.access.authenticate(a.key), "C2")
    with pytest.raises(NotActivatable, match="not marked as a 14-day letter"):
        services.dunning_setup.copy_template(c2, "t-14", client)
    with pytest.raises(NotActivatable, match="not marked as a 14-day letter"):
        services.dunning_setup.copy_workflow(c2, "w2", client)
    answer = a.call("POST", "/v1/clients/C2/workflows/w2/copy", {"to": "C1"})
    assert answer.status == 422, answer.body
    assert "w2" not in services.repos.dunning.workflows(client.client_id)
    assert services.repos.dunning.templates(client.client_id)["t-14"].fourteen_day_letter
    # a copy that keeps the letter legal goes through
    a.call("PUT", "/v1/clients/C2/templates/t-14", GOOD)
    assert a.call("POST", "/v1/clients/C2/workflows/w2/copy", {"to": "C1"}).status == 200
