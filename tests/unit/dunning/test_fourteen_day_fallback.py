"""A 14-day letter is a written demand (art. 6:96 lid 6 BW): only a letter or an e-mail starts
its costs term. A 14-day step whose debtor has neither address nor e-mail may fall back to a
staff task, which sends nothing and starts no term; a fallback to an SMS (or WhatsApp, or a
call) is refused at activation (law4 finding 2).

Hand: consumer F1 1,000.00 due 2025-02-28, the step 3 days after (Mon 2025-03-03). Had the
staff task counted as an e-mailed letter, its term would run 03-04 ... 03-17 and 15 % = 150.00
costs would be owed from 03-18; on 04-01 the claim is the principal and interest alone:
1,000 x 6 % x 31/365 = 5.096 -> 5.10."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.dunning.test_daily_run import SEEN, TEMPLATES, day


def _workflow(fallback: str | None) -> dict[str, object]:
    return {"name": "W", "steps": [
        {"name": "Veertiendagenbrief", "channel": "fourteen_day_letter", "offset_days": 3,
         "templates": {"nl": "t-14"}, "fallback": fallback},
        {"name": "Bellen", "channel": "staff_task", "offset_days": 40, "offset_from": "previous_step"}]}  # fmt: skip


def _setup(world, emails: list[str] | None = None):
    SEEN.clear()
    a = world.agency_a
    world.clock.at = datetime(2025, 3, 3, 6, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", contact_email="f@c1.example")]})
    unreachable = debtor_row("D1", name="Jan")
    unreachable.pop("address")
    unreachable["emails"] = emails or []
    assert a.call("POST", "/v1/clients/C1/debtors", {"items": [unreachable]}).body["created"] == 1
    for tid, body in TEMPLATES.items():
        assert a.call("PUT", f"/v1/clients/C1/templates/{tid}", body).status == 200
    return a


def test_a_staff_task_standing_in_for_the_letter_starts_no_costs_term(world):
    a = _setup(world)
    assert a.call("PUT", "/v1/clients/C1/workflows/w", _workflow("staff_task")).status == 200
    assert a.call("POST", "/v1/clients/C1/workflows/w/activate").status == 200
    a.call("PUT", "/v1/clients/C1/segment-rules", {"rules": [{"workflow": "w"}]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row(
        "F1", "D1", amount="1000.00", invoice_date="2025-02-01", due_date="2025-02-28")]})  # fmt: skip
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    sent = []
    for n in range(6):
        world.clock.at = datetime(2025, 3, 3, 6, 0, tzinfo=UTC) + timedelta(days=n)
        sent += day(world, client)
    assert sent == []  # nothing reached the debtor
    [task] = [i for i in a.call("GET", "/v1/clients/C1/actions").body["items"] if i["kind"] == "staff_task"]  # fmt: skip
    assert "no collection costs are owed" in task["detail"]["note"]
    assert "its fallback is this task" in task["detail"]["note"]
    claim = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2025-04-01").body
    assert claim["open"]["costs"] == "0.00" and claim["open"]["interest"] == "5.10", claim
    assert claim.get("costs_owed_from") is None


def test_a_14_day_letter_cannot_fall_back_to_an_sms(world):
    a = _setup(world)
    assert a.call("PUT", "/v1/clients/C1/workflows/w", _workflow("sms")).status == 200
    refused = a.call("POST", "/v1/clients/C1/workflows/w/activate")
    assert refused.status == 422, refused.body
    assert "cannot fall back to sms" in str(refused.body)


def test_a_letter_by_post_to_a_debtor_with_only_an_e_mail_says_what_is_missing(world):
    """newcomer18 F3: a consumer with an e-mail address and no postal address, the step by
    post without a fallback (the demo's, which onboarding copies): the task read "no postal
    address or e-mail", and staff looked for an e-mail address that was there. It names what
    is missing for the carrier and the two ways to send the letter."""
    a = _setup(world, emails=["jan@example.nl"])
    assert a.call("PUT", "/v1/clients/C1/workflows/w", _workflow(None)).status == 200
    assert a.call("POST", "/v1/clients/C1/workflows/w/activate").status == 200
    a.call("PUT", "/v1/clients/C1/segment-rules", {"rules": [{"workflow": "w"}]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row(
        "F1", "D1", amount="1000.00", invoice_date="2025-02-01", due_date="2025-02-28")]})  # fmt: skip
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    for n in range(6):
        world.clock.at = datetime(2025, 3, 3, 6, 0, tzinfo=UTC) + timedelta(days=n)
        day(world, client)
    [task] = [i for i in a.call("GET", "/v1/clients/C1/actions").body["items"] if i["kind"] == "staff_task"]  # fmt: skip
    note = task["detail"]["note"]
    assert "or e-mail" not in note
    assert "it goes by post and the debtor has no postal address" in note
    assert "the step has no fallback" in note
    assert "add the debtor's postal address or give the step the e-mail fallback" in note
    assert "no collection costs are owed" in note


def test_the_note_names_a_channel_the_client_switched_off_and_an_e_mail_carrier():
    from shared.domain.dunning.unsent_letter import unsent_letter_note
    from shared.domain.dunning.workflow import Step, StepChannel
    from shared.domain.parties import Debtor, DebtorKind

    step = Step("V", StepChannel.FOURTEEN_DAY_LETTER, 3, fallback=StepChannel.EMAIL)
    jan = Debtor("c", "D1", DebtorKind.B2C, "Jan", emails=("jan@example.nl",))
    note = unsent_letter_note(step, jan, frozenset({"letter", "email"}))
    assert "it goes by post and the client switched letter off" in note
    assert "its fallback (email) cannot either: the client switched email off" in note
    assert "add the debtor's postal address" not in note  # no address would help
    by_mail = Step("V", StepChannel.FOURTEEN_DAY_LETTER, 3, letter_by=StepChannel.EMAIL)
    nobody = Debtor("c", "D2", DebtorKind.B2C, "Piet")
    note = unsent_letter_note(by_mail, nobody)
    assert "it goes by e-mail and the debtor has no e-mail address" in note
    assert "(add the debtor's e-mail address)" in note
