"""newcomer27 F3: a bank file whose account is no IBAN that checks out (oca-nl's real ING
export names NL77INGB0574908765, check digits wrong; Wise's statement names its own account id)
is refused with what to do, and on the Dutch console that instruction read in English after a
Dutch first half: "rekening ... kan voor geen enkele opdrachtgever geboekt worden: the account
... has an IBAN's form but its check digits are wrong ...: download the statement from the
bank again". Now the whole reason is Dutch; the English page keeps the service's words."""

from __future__ import annotations

import re

from shared.api.console.statement_refusal_text import refusal
from shared.domain.people.authorisation import Role
from tests.conftest import STATEMENTS
from tests.unit.console.conftest import desk_for
from tests.unit.services.test_statement_account_not_iban import _euro_wise

ING = STATEMENTS / "mt940" / "oca-nl" / "test-ing.940"
ACCOUNT = "NL77INGB0574908765"


def _text(reply) -> str:  # type: ignore[no-untyped-def]
    return re.sub(r"\s+", " ", reply.encoded().decode())


def test_the_damaged_iban_refusal_reads_in_dutch_on_the_agency_item(world, tenants):
    report = world.services.statements.ingest("agency-a/test-ing.940", ING.read_bytes())
    assert report.status == "quarantined" and report.error is not None
    assert "has an IBAN's form but its check digits are wrong" in str(report.error["error"])
    items = world.agency_a.call("GET", "/v1/actions").body["items"]
    [item] = [i for i in items if i["kind"] == "statement_quarantined"]
    staff = desk_for(world, Role.AGENCY_STAFF, None, "staff@agency-a.example")
    page = _text(staff.get(f"/agency-actions/{item['action_id']}?lang=nl"))
    assert f"rekening {ACCOUNT} kan voor geen enkele opdrachtgever geboekt worden" in page
    assert f"de rekening {ACCOUNT} heeft de vorm van een IBAN, maar de controlecijfers" in page
    assert "download het afschrift opnieuw bij de bank" in page
    assert "IBAN&#39;s form" not in page and "download the statement" not in page
    english = _text(staff.get(f"/agency-actions/{item['action_id']}?lang=en"))
    assert "download the statement from the bank again" in english


def test_the_wrong_length_and_the_banks_own_id_read_in_dutch(world):
    length = (
        "account NL77INGB057490876 cannot be booked for any client: the account "
        "NL77INGB057490876 has an IBAN's form but its length is wrong (IBAN length 17, NL "
        "needs 18): the file is damaged or its account was changed by hand, so it is not the "
        "bank's own export; download the statement from the bank again (no client can "
        "register an account whose IBAN does not check out)"
    )
    dutch = refusal(length, "nl")
    assert "heeft de vorm van een IBAN, maar de lengte klopt niet" in dutch
    assert "length" not in dutch and "download the" not in dutch
    wise = world.services.statements.ingest("agency-a/wise.xml", _euro_wise())
    reason = str(wise.error["error"]) if wise.error else ""
    dutch = refusal(reason, "nl")
    assert dutch.startswith("rekening 11111111 kan voor geen enkele opdrachtgever geboekt")
    assert "(Wise Account ID, Wise Payments Ltd.) is een eigen rekeningnummer van de bank" in dutch
    assert "bank's own account id" not in dutch and "export the statement" not in dutch
    assert refusal(reason, "en") == reason
