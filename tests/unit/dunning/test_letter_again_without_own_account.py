"""heldplan31: a 14-day letter sent again from its failure item while the client has no bank
account of its own (its only IBAN another party's proven account) went out with a payment
block naming no account of the client's: refused now with the hold's words, nothing sent,
the item left open; once the client's own account is registered it goes."""

from __future__ import annotations

from shared.domain.parties import Agency
from shared.services.onboarding import register_agency
from tests.unit.api.conftest import client_iban
from tests.unit.dunning.test_fourteen_day_letter_sent_again import (
    THURSDAY_11,
    _deliver_queued,
    _failed_letter,
    _letters,
)

THIRD_PARTY = "NL91ABNA0417164300"  # agency B's own account, registered for C1 before B's


def test_sending_again_is_refused_until_the_clients_own_account_is_there(world):
    a, client, _, action_id = _failed_letter(world)
    a.call("POST", "/v1/clients", {"items": [{"number": "C1", "ibans": [THIRD_PARTY]}]})
    register_agency(world.services.repos, Agency("agency-b", "B", THIRD_PARTY))
    world.clock.at = THURSDAY_11
    refused = a.call("POST", f"/v1/clients/C1/actions/{action_id}/send-again")
    assert refused.status == 422, refused.body
    assert refused.body["error"]["details"][0]["code"] == "no_bank_account"
    _deliver_queued(world)
    assert len(list(_letters(world, client))) == 1

    a.call("POST", "/v1/clients", {"items": [{"number": "C1", "ibans": [client_iban("C1")]}]})
    assert a.call("POST", f"/v1/clients/C1/actions/{action_id}/send-again").status == 200
