"""A case's id is made of the client's internal id ("clad2c…-K101-…"); people saw it so on the
contact log, the dossier, the action lists and in the mails (reasons20's left). The id stays the
API's, people read the case by the client's code and the debtor: "zaak PRDNXZB K101"."""

from __future__ import annotations

from shared.api.console import action_text, contact_text
from shared.domain.people.authorisation import Role
from shared.domain.statements.client_code import client_code
from shared.services.case_names import case_id_of, case_name_of_id
from tests.unit.console.conftest import desk_for
from tests.unit.dunning.test_case_withdrawal_by_client import handed_over
from tests.unit.dunning.test_daily_run import engine  # noqa: F401


def _nobody(_: str) -> str | None:
    return None


def test_a_case_id_names_the_client_by_code_and_the_debtor():
    case_id = case_id_of("cla9d17f58cbc6", "K101", ["TF-101", "TF-102"])
    assert case_name_of_id(case_id) == f"{client_code('cla9d17f58cbc6')} K101"
    # a debtor number the key escapes, with hyphens and a slash, comes back as it is
    odd = case_id_of("cl01", "D-10/2 b", ["F1"])
    assert case_name_of_id(odd) == f"{client_code('cl01')} D-10/2 b"
    for other in ("K1", "case-1", "cl01-D1-nothex", "cl01-D!zz-0123456789ab"):
        assert case_name_of_id(other) == other  # not an id the hand-over made: as it is


def test_the_contact_log_and_titles_show_the_case_by_name():
    case_id = case_id_of("cla9d17f58cbc6", "K101", ["TF-101"])
    name = f"{client_code('cla9d17f58cbc6')} K101"
    said = {
        f"Handed over to the collection agency (case {case_id})":
            f"Overgedragen aan het incassobureau (zaak {name})",
        f"Case {case_id} withdrawn by the client: betaald":
            f"Zaak {name} ingetrokken door de opdrachtgever: betaald",
        f"Case {case_id} withdrawn by the agency: onvindbaar":
            f"Zaak {name} ingetrokken door het incassobureau: onvindbaar",
        f"Invoice TF-101 left case {case_id} (credited); the agency was told":
            f"Factuur TF-101 uit zaak {name} (gecrediteerd); het incassobureau is ingelicht",
        f"Invoice TF-101 of case {case_id} lowered (credit note CN1); the agency was told":
            f"Factuur TF-101 van zaak {name} verlaagd (creditnota CN1); het incassobureau is ingelicht",
    }  # fmt: skip
    for english, dutch in said.items():
        assert contact_text.summary(english, "nl") == dutch
        assert contact_text.summary(english, "en") == english
    titles = {
        f"Tulp withdrew case {case_id} (debtor K101): betaald": f"Tulp trok zaak {name} in: betaald",
        f"Case {case_id} withdrawn; Tulp was told": f"Zaak {name} ingetrokken; Tulp is ingelicht",
        f"Tulp credited invoice TF-101 (EUR 1234.50 when handed over) of case {case_id} (debtor K101): "
        "stop collecting it. Still in the case: TF-102.":
            f"Tulp heeft factuur TF-101 (€ 1.234,50 bij de overdracht) van zaak {name} gecrediteerd: "
            "niet meer innen. Nog in de zaak: TF-102.",
        f"Tulp booked credit note CN1 on invoice TF-101 of case {case_id} (debtor K101): its "
        "principal open is now EUR 100.00; collect no more than that.":
            f"Tulp boekte creditnota CN1 op factuur TF-101 van zaak {name}: de open hoofdsom is nu "
            "€ 100,00; int niet meer dan dat.",
    }  # fmt: skip
    for english, dutch in titles.items():
        assert action_text.title(english, "nl") == dutch
    assert action_text.resolution(f"handed over to Acme (case {case_id})", "nl", _nobody) == (
        f"overgedragen aan Acme (zaak {name})"
    )


def test_the_dossier_and_the_agencys_item_name_the_case(engine):  # noqa: F811
    world, client = engine
    a = world.agency_a
    case_id = handed_over(world, client)
    name = f"{client_code(client.client_id)} D1"
    log = a.call("GET", "/v1/clients/C1/debtors/D1/contacts").body["items"]
    assert f"Handed over to the collection agency (case {case_id})" in [e["summary"] for e in log]
    staff = desk_for(world, Role.CLIENT_STAFF, client.client_id, "s@c1.example")
    dossier = staff.get("/dossier/D1").encoded().decode()
    assert f"Overgedragen aan het incassobureau (zaak {name})" in dossier
    assert case_id not in dossier

    key = a.call("POST", "/v1/keys", {"scope": "client", "client": "C1"}).body["key"]
    assert a.as_key(key).call("POST", f"/v1/cases/{case_id}/withdraw", {"reason": "zelf geregeld"}).status == 200  # fmt: skip
    dossier = staff.get("/dossier/D1").encoded().decode()
    assert f"Zaak {name} ingetrokken door de opdrachtgever: zelf geregeld" in dossier
    items, _ = world.services.repos.actions.list("@agency-a", kind="case_withdrawn")
    [item] = [i for i in items if i.detail.get("case_id") == case_id]
    agency = desk_for(world, Role.AGENCY_STAFF, None, "staff@agency-a.example")
    page = agency.get(f"/agency-actions/{item.action_id}").encoded().decode()
    assert f"trok zaak {name} in: zelf geregeld" in page
    assert case_id not in page
    outbox = world.services.messaging.outbox.list(client.client_id)[0]
    [mail] = [m for m in outbox if m.key == f"case-{case_id}-withdrawn"]
    assert world.services.messaging.content(client.client_id, mail.key).subject == (
        f"Zaak {name} teruggetrokken"
    )
