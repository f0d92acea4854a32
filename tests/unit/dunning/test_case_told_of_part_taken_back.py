"""money26's left item (disputes27 item 3): the client's books take a part of a receipt back
(they reported 100.00 of 121.00 paid, the next night 60.00). The agency of the case was told
two items: "The earlier payment of EUR 100.00 ... was taken back: collect it again" and
"received EUR 60.00": for a while the list asked it to collect 100.00 again, and its sum
depended on reading both. Now one item per event: 40.00 of the 100.00 taken back, 60.00
stands, collect 40.00 again; once on the next sync's retry."""

from __future__ import annotations

from tests.unit.dunning.test_case_follows_credit import _agency_items, _agency_mail
from tests.unit.dunning.test_case_told_of_direct_receipt import _sync
from tests.unit.dunning.test_case_told_of_own_money import _received
from tests.unit.dunning.test_case_withdrawal_by_client import handed_over
from tests.unit.dunning.test_daily_run import engine  # noqa: F401


def test_a_part_of_a_receipt_taken_back_is_told_once_as_that_part(engine):  # noqa: F811
    world, client = engine
    case_id = handed_over(world, client)
    _sync(world, "21.00")  # 100.00 of 121.00 paid to the client
    [first] = _received(world)
    was = world.services.repos.payments.list(client.client_id)[0][0].received_on
    _sync(world, "61.00")  # the books now count 60.00 of it
    _sync(world, "61.00")  # the next night's sync, the same figure: nothing new

    assert [i["title"] for i in _received(world)] == [first["title"]]  # no "received 60.00"
    titles = [i["title"] for i in _agency_items(world, "case_invoice_lowered")]
    assert [t for t in titles if t.startswith("The earlier payment")] == []  # 100.00 again
    assert [t for t in titles if t.startswith("Partly taken back")] == [
        f"Partly taken back: of the payment of EUR 100.00 that Client C1 received itself on "
        f"invoice F1 of case {case_id} (debtor D1) on {was.isoformat()}, EUR 40.00 was taken "
        "back and EUR 60.00 stands: collect EUR 40.00 again, not more."
    ]
    mails = _agency_mail(world, client, f"case-{case_id}-")
    texts = [world.services.messaging.content(client.client_id, m.key).text for m in mails]
    assert sum("deels" in t or "teruggedraaid" in t for t in texts) == 1
    assert sum("is € 40,00 teruggedraaid en blijft € 60,00 staan" in t for t in texts) == 1
    assert _agency_mail(world, client, f"case-{case_id}-taken-back-") == []
