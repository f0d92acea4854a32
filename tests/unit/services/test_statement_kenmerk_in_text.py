"""Through the statement window (review newcomer3, finding 1): a credit whose unstructured
``:86:`` starts with the payer's IBAN, and one whose betalingskenmerk the bank's 65-character
wrap cut in two, are booked on the invoice their kenmerk names, as one line at a time does."""

from __future__ import annotations

import pytest

from tests.unit.services.test_statement_window import ACCOUNT, PAID_ON, reference, service, setup

PAYER = "NL43INGB0002821135"  # a made-up Dutch account, as in the review's probe


def statement(ref1: str, ref2: str) -> bytes:
    text2 = f"{PAYER} P. Bakker  Rabobank Nederland betaling {ref2} factuur F2"
    wrapped = text2[:65] + "\n" + text2[65:]
    assert ref2 not in wrapped  # the wrap falls inside the kenmerk
    day = f"{PAID_ON:%y%m%d}"
    return (
        f":20:S1\n:25:{ACCOUNT}\n:28C:00001\n:60F:C{day}EUR0,00\n"
        f":61:{day}{day[2:]}C50,00N526NONREF\n:86:{PAYER} J de Vries betaling {ref1} factuur F1\n"
        f":61:{day}{day[2:]}C250,00N526NONREF\n:86:{wrapped}\n"
        f":62F:C{day}EUR300,00\n-\n"
    ).encode()


@pytest.mark.parametrize("window", [1, 50])
def test_a_kenmerk_in_free_text_is_booked_through_the_window(world, window):
    setup(world)
    data = statement(reference(world, "F1"), reference(world, "F2"))
    report = service(world, window).ingest("agency-a/day.sta", data)
    assert (report.lines, report.booked, report.suggested, report.unmatched) == (2, 2, 0, 0)
    a = world.agency_a
    paid = {p["amount"]: p for p in a.call("GET", "/v1/clients/C1/payments").body["items"]}
    assert sorted(paid) == [5_000, 25_000]
    assert a.call("GET", "/v1/clients/C1/invoices/F2").body["status"] == "paid"
    kinds = [x["kind"] for x in a.call("GET", "/v1/clients/C1/actions").body["items"]]
    assert "payment_suggestion" not in kinds and "unmatched_credit" not in kinds
