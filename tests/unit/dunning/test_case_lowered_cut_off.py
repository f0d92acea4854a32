"""A credit note on an invoice handed over to the agency (F2 of the case, CN-7 20.00): the
agency's item case_invoice_lowered is written first, then the client's contact log and the
e-mail to the agency. Cut off right after the item (the worker dies at the log's write), the
client's retry of the same credit note used to find the item and return 'told already': the
agency never got the e-mail and the contact log never said so (failure15 F7). The retry now
finishes both, once (the entry and the mail are keyed)."""

from __future__ import annotations

from typing import Any

import pytest

from shared.services.cases import CaseService
from tests.unit.dunning.test_case_follows_credit import _agency_items, _agency_mail
from tests.unit.dunning.test_case_withdrawal_by_client import handed_over
from tests.unit.dunning.test_daily_run import engine  # noqa: F401


def test_a_credit_note_cut_off_after_the_agency_item_mails_the_agency_on_retry(
    engine: Any,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    world, client = engine
    a = world.agency_a
    case_id = handed_over(world, client)
    note = {"amount": "20.00", "reference": "CN-7"}

    def cut_off(*args: Any, **kw: Any) -> None:  # the worker dies at the contact log's write
        raise RuntimeError("cut off")

    with monkeypatch.context() as m:
        m.setattr(CaseService, "_log", cut_off)
        first = a.call("POST", "/v1/clients/C1/invoices/F2/credit", note)
    assert first.status == 500, first.body
    for _ in range(2):  # a retry, and one more: told once
        assert a.call("POST", "/v1/clients/C1/invoices/F2/credit", note).status == 200
        assert len(_agency_items(world, "case_invoice_lowered")) == 1
        log = a.call("GET", "/v1/clients/C1/debtors/D1/contacts").body["items"]
        told = [e["summary"] for e in log if "lowered" in e["summary"]]
        mails = _agency_mail(world, client, f"case-{case_id}-lowered-")
        assert (len(mails), len(told)) == (1, 1), (mails, told)
