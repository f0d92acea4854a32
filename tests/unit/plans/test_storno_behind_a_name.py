"""attack13b G1: an ABN AMRO storno (MD06, the debtor's eight-week refund) of a plan's
collection whose mandate holder's name carries '//EREF/X' or '//PREF/X': the bank's own
closing /EREF/ wins over the one the payer opened, so the collection is found and the
installment reopens (payment_plans: "installment reopens"); and the mandate forms refuse
'//' in the name (the pain.008 ``<Nm>`` carries none, also of a name stored before)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shared.domain.plans.pain008 import pain008
from shared.domain.statements.details_nl import split_details
from tests.unit.api.conftest import client_iban
from tests.unit.plans.test_pain008 import batch, collection
from tests.unit.plans.test_plan_service import BASE, make
from tests.unit.plans.test_plan_service import plans as plans
from tests.unit.plans.test_portal_plans import IBAN, accept, enter
from tests.unit.plans.test_portal_plans import portal as portal
from tests.unit.plans.test_statement_batches_and_reversals import _collected

NAMES = ["Debtor D1", "Debtor D1//EREF/X", "Debtor D1//PREF/X", "Debtor D1//REMI/F-1"]


def _storno(name: str, e2e: str) -> str:
    """ABN AMRO's :86: of an SDD storno (its SEPA MT940 layout: the name, then /RTRN/, the
    payer's account and BIC, its own /EREF/ last)."""
    return (f"/TRTP/SEPA Incasso algemeen doorlopend storno/CSID/NL69ZZZ123456780000/NAME/{name}"
            f"/MARF/MND-D1-1/RTRN/MD06/REMI/Termijn 1/IBAN/NL91ABNA0417164300/BIC/ABNANL2A"
            f"/EREF/{e2e}")  # fmt: skip


@pytest.mark.parametrize("name", NAMES)
def test_the_banks_closing_end_to_end_id_wins_over_one_the_payer_opened(name):
    details = split_details(_storno(name, "PLN-1-2-1"), bank="ABNA")
    assert details.end_to_end_id == "PLN-1-2-1"
    assert details.counterparty_name == "Debtor D1"


def test_an_end_to_end_id_the_bank_wrote_is_kept_as_it_is():
    # a credit transfer whose payer's end-to-end id holds a '/' of its own
    text = ("/TRTP/SEPA OVERBOEKING/IBAN/NL91ABNA0417164300/BIC/ABNANL2A/NAME/J Jansen"
            "/REMI/F-1/EREF/INV/2026/7")  # fmt: skip
    assert split_details(text, bank="ABNA").end_to_end_id == "INV/2026/7"


@pytest.mark.parametrize("name", NAMES)
def test_a_storno_behind_such_a_name_reopens_the_installment(plans, name):
    world, a, plan_id, dd, _ = _collected(plans)
    assert a.call("GET", f"{BASE}/{plan_id}").body["installments"][0]["status"] == "paid"
    s = str(dd["euros"]).replace(".", ",")
    world.clock.at = datetime(2026, 2, 10, 18, 0, tzinfo=UTC)
    text = _storno(name, dd["end_to_end_id"])
    chunks = "\n".join(text[i : i + 65] for i in range(0, len(text), 65))
    acct = client_iban("C1")[8:].lstrip("0")
    abn = (
        "ABNANL2A\n940\nABNANL2A\n:20:ABN AMRO BANK NV\n"
        f":25:{acct}\n:28:26041/1\n:60F:C260210EUR{s}\n"
        f":61:2602100210D{s}N159NONREF\n:86:{chunks}\n:62F:C260210EUR0,00\n-\n"
    ).encode()
    assert world.services.statements.ingest("agency-a/abn-storno.sta", abn).returned == 1
    got = a.call("GET", f"{BASE}/{plan_id}").body
    assert [(d["state"], d["reason"]) for d in got["direct_debits"]] == [("returned", "MD06")]
    assert got["installments"][0]["status"] != "paid"
    assert got["installments"][0]["paid"] == "0.00"


def test_the_mandate_route_refuses_a_name_with_a_double_slash(plans):
    world, _ = plans
    a = world.agency_a
    plan_id = make(a, method="direct_debit", start="2026-01-26", installments=2).body["plan_id"]
    mandate = {"mandate_id": "MND-1", "signed_on": "2026-01-05", "iban": IBAN,
               "name": "Debtor D1//EREF/X"}  # fmt: skip
    refused = a.call("PUT", f"{BASE}/{plan_id}/mandate", mandate)
    assert refused.status == 422 and "without '//'" in str(refused.body)
    assert a.call("GET", f"{BASE}/{plan_id}").body.get("mandate") is None
    mandate["name"] = "Debtor D1 c/o J Jansen"  # one slash is a name's own
    assert a.call("PUT", f"{BASE}/{plan_id}/mandate", mandate).status == 200


def test_the_portal_mandate_form_refuses_it_in_dutch(portal) -> None:
    import html
    import re

    world, app = portal
    a = world.agency_a
    a.call("PUT", "/v1/clients/C1/plan-rules",
           {"creditor_id": "NL69ZZZ123456780000", "self_service": "staff"})  # fmt: skip
    browser = enter(world, app)
    preview = browser.page(
        "/portal/plan/preview", method="direct_debit", by="count", installments="2"
    )
    text = re.search(r'name="mandate_text" value="([^"]+)"', preview)
    assert text is not None
    refused = accept(browser, method="direct_debit", by="count", installments="2", iban=IBAN,
                     consent="yes", mandate_text=html.unescape(text.group(1)),
                     holder="J Jansen//PREF/X")  # fmt: skip
    assert refused.status == 400
    assert "zonder '//'" in html.unescape(refused.raw.decode())


def test_a_name_stored_before_is_written_without_a_double_slash() -> None:
    xml = pain008(batch(collection(1, debtor_name="Debtor D1//EREF/X"))).decode()
    assert "<Nm>Debtor D1/EREF/X</Nm>" in xml and "//" not in xml.split("<Dbtr>")[1][:200]
