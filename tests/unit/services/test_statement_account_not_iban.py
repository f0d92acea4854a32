"""A statement naming its account by the bank's own id, not an IBAN (review newcomer6 #5): Wise's
camt.053.001.10 (``Othr/Id`` "11111111", scheme "Wise Account ID"; viafintech's fixture, MIT).
No client can register such an id (it is not unique outside its bank), so the file is refused
with a reason that says what the id is and what to do, not only "belongs to no client"."""

from __future__ import annotations

import pytest

from shared.domain.statements.parse import parse_statement_file
from tests.conftest import STATEMENTS
from tests.unit.api.conftest import client_row

WISE = STATEMENTS / "camt053" / "viafintech" / "valid_example_with_datetime.xml"


def _euro_wise() -> bytes:
    # the same statement in euros (a Wise EUR balance): the currency is not what refuses it
    return WISE.read_bytes().replace(b'Ccy="USD"', b'Ccy="EUR"').replace(b">USD<", b">EUR<")


def test_the_wise_statement_names_its_account_scheme():
    (statement,) = parse_statement_file(_euro_wise())
    assert statement.account == "11111111" and statement.currency == "EUR"
    assert statement.account_scheme == "Wise Account ID, Wise Payments Ltd."
    assert [x.amount for x in statement.lines] == [19586]


@pytest.mark.parametrize("name", ["agency-a/wise.xml", "agency-a/console/c1/wise.xml"])
def test_a_statement_of_an_account_without_iban_is_refused_saying_what_to_do(world, name):
    world.agency_a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    report = world.services.statements.ingest(name, _euro_wise())
    assert report.status == "quarantined"
    error = str(report.error)
    assert "account 11111111" in error
    assert (
        "(Wise Account ID, Wise Payments Ltd.) is the bank's own account id, not an IBAN" in error
    )
    assert "export the statement with the account's IBAN" in error
    # and registering the id on the client is refused as not an IBAN: nothing to route it by
    got = world.agency_a.call(
        "POST", "/v1/clients", {"items": [client_row("C1", ibans=["11111111"])]}
    )
    assert "not an IBAN" in str(got.body)


def test_an_iban_account_of_nobody_is_refused_as_before(world):
    data = _euro_wise().replace(b"<Othr>", b"<IBAN>NL44RABO0123456789</IBAN><Othr>")
    report = world.services.statements.ingest("agency-a/wise.xml", data)
    assert report.status == "quarantined" and report.error is not None
    assert str(report.error["error"]).startswith(
        "account NL44RABO0123456789 belongs to no client of agency agency-a: register it"
    )


ING = STATEMENTS / "mt940" / "oca-nl" / "test-ing.940"


def test_an_iban_with_wrong_check_digits_is_said_to_be_one(world):
    """newcomer15 #5: ING's test-ing.940 names NL77INGB0574908765 (NL47 checks out): no bank's
    own id, a damaged file; it was told to export the IBAN "at Wise"."""
    world.agency_a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    report = world.services.statements.ingest("agency-a/test-ing.940", ING.read_bytes())
    assert report.status == "quarantined" and report.error is not None
    error = str(report.error)
    assert "NL77INGB0574908765 has an IBAN's form but its check digits are wrong" in error
    assert "the file is damaged" in error
    assert "Wise" not in error and "bank's own account id" not in error
