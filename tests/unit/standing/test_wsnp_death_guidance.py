"""law15c F3: a WSNP debtor dies (4-3-2026). The refusal of 'deceased' told staff "his death does
not end the bankruptcy or WSNP (the curator winds up the estate); lift it first with how it ended,
then record the death". For a WSNP that is wrong: the death ends it (art. 350 lid 3 a Fw) and
the estate is then bankrupt by law (art. 350 lid 5 Fw), whose bankruptcy keeps the interest out
(art. 128 Fw); a WSNP has a bewindvoerder, no curator. Staff who followed the text (lift
'ended', record the death) let F1's interest run: 15.60 on 1-6-2026 where the estate's
bankruptcy recorded over the WSNP keeps 9.32. The WSNP's refusal now says so (API and console,
Dutch and English); a bankruptcy's stays as it was."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from shared.api.console.refusal_text import refusal
from shared.services.errors import Invalid
from tests.unit.settlement.test_paid_after_ruling_held import _paid_after_the_ruling
from tests.unit.standing.test_standing_ruling_claims import URL, _at


def _interest_on_1_june(w: Any) -> str:
    _at(w, date(2026, 6, 1))
    return str(w.agency_a.call("GET", "/v1/clients/C1/invoices/F1/claim").body["interest"])


def test_the_wsnp_refusal_says_to_record_the_estates_bankruptcy_which_keeps_the_stop() -> None:
    w, _ = _paid_after_the_ruling("wsnp")  # WSNP of 10-2-2026, p1 500.00 received 20-2
    _at(w, date(2026, 3, 6))
    r = w.agency_a.call("POST", URL, {"standing": "deceased", "since": "2026-03-04"})
    assert r.status == 422, r.body
    [detail] = r.body["error"]["details"]
    assert detail["code"] == "standing_ruling_in_force"
    said = str(r.body["error"])
    assert "record the estate's bankruptcy" in said and "curator" not in said, said
    assert "lift it first" not in said and "then record the death" not in said, said
    # what it says to do: the estate's bankruptcy from the day the court ended the WSNP
    done = w.agency_a.call("POST", URL, {"standing": "bankrupt", "since": "2026-03-06"})
    assert done.status == 200, done.body
    assert _interest_on_1_june(w) == "9.32"  # lift 'ended' and 'deceased' as told before: 15.60


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_console_gives_the_wsnp_its_own_words(lang: str) -> None:
    def said(standing: str) -> str:
        params = {"standing": standing, "day": date(2026, 2, 10)}
        return refusal(Invalid("x", code="standing_ruling_in_force", params=params), lang)

    wsnp, bankrupt = said("wsnp"), said("bankrupt")
    estate = "faillissement van de nalatenschap" if lang == "nl" else "estate's bankruptcy"
    lift = "Hef het eerst op" if lang == "nl" else "Lift it first"
    assert estate in wsnp and lift not in wsnp and "curator" not in wsnp, wsnp
    assert "350 Fw" in wsnp, wsnp
    # a bankruptcy runs on as the estate's: lifted with how it ended, then the death recorded
    assert lift in bankrupt and "curator" in bankrupt and "WSNP" not in bankrupt, bankrupt
