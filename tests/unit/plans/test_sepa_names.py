"""attack3 finding 1: an account holder's name with no basic-Latin letter (王小明, Ωμέγα) was an
empty ``<Nm/>``, which fails the pain.008 schema: the bank refuses the whole day's file, every
debtor's collection in it. Names are transliterated, a name with nothing left is written
``Mandaat <id>`` and named on the action list, and the forms refuse such a name."""

from __future__ import annotations

from datetime import date
from xml.etree import ElementTree as ET

import xmlschema

from shared.domain.plans.pain008 import NAMESPACE, pain008, unnamed
from shared.domain.plans.plan import Mandate
from shared.domain.sepa_xml import sepa_name_error, sepa_text
from shared.services.plans.direct_debit import CONTAINER
from tests.unit.plans.test_pain008 import XSD, batch, collection
from tests.unit.plans.test_plan_service import BASE, make, run_day
from tests.unit.plans.test_plan_service import plans as plans
from tests.unit.plans.test_portal_plans import IBAN, accept, enter
from tests.unit.plans.test_portal_plans import portal as portal


def _debtor_names(xml: bytes) -> list[str | None]:
    return [n.text for n in ET.fromstring(xml).iter(f"{{{NAMESPACE}}}Dbtr")
            for n in n.iter(f"{{{NAMESPACE}}}Nm")]  # fmt: skip


def test_names_in_other_scripts_are_transliterated_and_the_file_validates() -> None:
    items = [
        collection(1, debtor_name="王小明"),
        collection(2, debtor_name="Ωμέγα Παπαδόπουλος"),
        collection(3, debtor_name="Иван Петров"),
        collection(4, debtor_name="!!! ???"[:3]),  # stored before the forms refused it
        collection(5, debtor_name="Jan de Vries", remittance="€€€"),
    ]
    xml = pain008(batch(*items, creditor_name="αβγ"))
    xmlschema.XMLSchema(str(XSD)).validate(xml)
    assert _debtor_names(xml) == ["WangXiaoMing", "Omega Papadopoylos", "Ivan Petrov",
                                  "Mandaat MND-4", "Jan de Vries"]  # fmt: skip
    assert unnamed(items) == ("MND-4",)
    assert b"<Ustrd>EUREUREUR</Ustrd>" in xml  # transliterated, never empty either


def test_an_empty_remittance_or_creditor_name_is_never_an_empty_element() -> None:
    xml = pain008(batch(collection(1, remittance="€"[:0] + "!!"), creditor_name="!!"))
    xmlschema.XMLSchema(str(XSD)).validate(xml)
    doc = ET.fromstring(xml)
    assert doc.findtext(f".//{{{NAMESPACE}}}Ustrd") == "PL019B-1"
    assert doc.findtext(f".//{{{NAMESPACE}}}InitgPty/{{{NAMESPACE}}}Nm") == "NL69ZZZ123456780000"


def test_which_names_the_forms_refuse() -> None:
    assert sepa_name_error("王小明") is None and sepa_text("王小明", 70) == "WangXiaoMing"
    assert sepa_name_error("Ωμέγα") is None and sepa_text("Ωμέγα", 70) == "Omega"
    assert sepa_name_error("!!!") is not None and sepa_name_error("  ") is not None
    assert sepa_name_error("() - ?") is not None  # SEPA characters, but no letter at all


def test_a_days_file_with_such_names_is_valid_and_staff_are_told(plans) -> None:
    world, client = plans
    a = world.agency_a
    a.call("PUT", "/v1/clients/C1/plan-rules", {"creditor_id": "NL69ZZZ123456780000"})
    ids = []
    for invoice, name in (("F1", "王小明"), ("F2", "Debtor D1")):
        plan_id = make(a, method="direct_debit", start="2026-01-26", installments=2,
                       invoices=[invoice]).body["plan_id"]  # fmt: skip
        mandate = {
            "mandate_id": f"MND-{invoice}",
            "signed_on": "2026-01-05",
            "iban": IBAN,
            "name": name,
        }
        assert a.call("PUT", f"{BASE}/{plan_id}/mandate", mandate).status == 200
        ids.append(plan_id)
    # a name stored before the API refused it (no letter in any script): on the second plan
    world.services.plans.set_mandate(
        client, ids[1], Mandate("MND-F2", date(2026, 1, 5), IBAN, "!!!"), "test"
    )
    for plan_id in ids:
        assert a.call("POST", f"{BASE}/{plan_id}/activate").status == 200
    for day in (21, 22, 23, 24):  # submitted five days before, the file made before the date
        run_day(world, date(2026, 1, day))
    (name,) = world.services.files.names(CONTAINER)
    xml = world.services.files.get(CONTAINER, name)
    assert xml is not None
    xmlschema.XMLSchema(str(XSD)).validate(xml)
    assert sorted(str(n) for n in _debtor_names(xml)) == ["Mandaat MND-F2", "WangXiaoMing"]
    items = a.call("GET", "/v1/clients/C1/actions").body["items"]
    (item,) = [x for x in items if x["kind"] == "direct_debit_file"]
    assert "'Mandaat <id>' for MND-F2" in item["title"]
    assert item["detail"]["unnamed_mandates"] == "MND-F2"


def test_the_api_refuses_a_name_with_no_letter(plans) -> None:
    world, _ = plans
    a = world.agency_a
    plan_id = make(a, method="direct_debit", start="2026-01-26", installments=2).body["plan_id"]
    mandate = {"mandate_id": "MND-1", "signed_on": "2026-01-05", "iban": IBAN, "name": "!!!"}
    refused = a.call("PUT", f"{BASE}/{plan_id}/mandate", mandate)
    assert refused.status == 422 and "Latin letters" in str(refused.body)
    assert a.call("GET", f"{BASE}/{plan_id}").body.get("mandate") is None


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
    base = {"method": "direct_debit", "by": "count", "installments": "2", "iban": IBAN,
            "consent": "yes", "mandate_text": html.unescape(text.group(1))}  # fmt: skip
    refused = accept(browser, **base, holder="!!!")
    assert refused.status == 400
    page = refused.raw.decode()
    assert "in Latijnse letters" in page and "Latin letters" not in page
    assert (
        world.services.plans.of_client(
            world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
        )
        == []
    )
    done = accept(browser, **base, holder="王小明")
    assert done.headers["Location"].endswith("done=plan_requested")


def test_the_api_refuses_a_mandate_id_the_epc_refuses(plans) -> None:
    # MndtId: no '//', not starting or ending with '/' (EPC; the schema's pattern takes them),
    # else the day's pain.008 cannot be written, every debtor's collection in it (settle32)
    world, _ = plans
    a = world.agency_a
    plan_id = make(a, method="direct_debit", start="2026-01-26", installments=2).body["plan_id"]
    for bad in ("/MND-1", "MND-1/", "MND//1"):
        mandate = {"mandate_id": bad, "signed_on": "2026-01-05", "iban": IBAN, "name": "Jan"}
        refused = a.call("PUT", f"{BASE}/{plan_id}/mandate", mandate)
        assert refused.status == 422 and "mandate_id" in str(refused.body), bad
    assert a.call("GET", f"{BASE}/{plan_id}").body.get("mandate") is None
