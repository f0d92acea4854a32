"""attack14 A2: the client's admin key undid the agency's clean slate by a sequence of its own
standings. Consumer D1, F1 1,000.00 (costs 150.00 from 22-1-2026); the agency sets WSNP since
10-2-2026 (on 25-3) and lifts it ``clean_slate`` (1-4): F1 a natural obligation (art. 358 lid 1
Fw, 6:3 BW), its interest frozen at the ruling (9.32: 1,159.32 on 1-9-2026). On 2-4 the client's
admin posted (1) WSNP since 11-2, (2) normal ``ended``, (3) bankrupt since 2-4, (4) normal
``mistake``: all 200, and step 3 dropped the agency's ruling (a standing kept one ended ruling):
F1 claimable again, 1,176.08 on 1-9 (interest running again). Every ruling that still binds is
kept now, whatever is set after it; the agency's is the agency's to correct."""

from __future__ import annotations

from datetime import date
from typing import Any

from shared.domain.standing import RULINGS_KEPT
from tests.unit.standing.test_standing_ruling_claims import URL, _at, _set, _world

CLAIM = "/v1/clients/C1/invoices/F1/claim"
STEPS = [
    {"standing": "wsnp", "since": "2026-02-11"},
    {"standing": "normal", "reason": "ended"},
    {"standing": "bankrupt", "since": "2026-04-02"},
    {"standing": "normal", "reason": "mistake"},
]


def _clean_slate() -> Any:
    """The world after the agency's WSNP of 10-2-2026 ended with a clean slate on 1-4."""
    w = _world()
    _at(w, date(2026, 3, 25))
    _set(w, {"standing": "wsnp", "since": "2026-02-10"})
    _at(w, date(2026, 4, 1))
    _set(w, {"standing": "normal", "reason": "clean_slate"})
    return w


def _admin(w: Any) -> Any:
    a = w.agency_a
    body = {"scope": "client", "client": "C1", "admin": True}
    return a.as_key(a.call("POST", "/v1/keys", body).body["key"])


def _not_claimable(w: Any) -> list[str]:
    return [x["invoice"] for x in w.agency_a.call("GET", URL).body["not_claimable"]]


def _agencys(w: Any) -> list[dict[str, Any]]:
    """The agency's clean slate among the rulings that bind, as the API lists them."""
    return [
        r
        for r in w.agency_a.call("GET", URL).body["rulings"]
        if r["since"] == "2026-02-10" and r["standing"] == "wsnp"
    ]


def test_the_clients_own_standings_stacked_over_the_clean_slate_leave_it_binding() -> None:
    w = _clean_slate()
    before = w.agency_a.call("GET", CLAIM, on="2026-09-01").body["open"]
    assert before["total"] == "1159.32", before  # the ruling's interest frozen at 9.32
    admin = _admin(w)
    _at(w, date(2026, 4, 2))
    done = [admin.call("POST", URL, s) for s in STEPS]
    assert [r.status for r in done] == [200, 200, 200, 200], [r.body for r in done]
    assert _not_claimable(w) == ["F1"]
    (kept,) = _agencys(w)
    assert kept["lift_reason"] == "clean_slate" and kept["recorded_by_agency"] is True, kept
    # the client's own WSNP that ended stays too: every ruling that binds, newest first
    rulings = w.agency_a.call("GET", URL).body["rulings"]
    assert [(r["since"], r["lift_reason"]) for r in rulings] == [
        ("2026-02-11", "ended"), ("2026-02-10", "clean_slate"),
    ], rulings  # fmt: skip
    after = w.agency_a.call("GET", CLAIM, on="2026-09-01").body["open"]
    assert after == before  # no interest runs on the natural obligation (1,176.08 before)


def test_however_many_standings_the_client_stacks_the_clean_slate_binds() -> None:
    w = _clean_slate()
    admin = _admin(w)
    _at(w, date(2026, 4, 2))
    for day in ("2026-02-11", "2026-02-12", "2026-02-13"):
        for body in ({"standing": "bankrupt", "since": day},
                     {"standing": "normal", "reason": "ended"}):  # fmt: skip
            assert admin.call("POST", URL, body).status == 200
        assert (
            admin.call("POST", URL, {"standing": "deceased", "since": "2026-04-02"}).status == 200
        )
        assert admin.call("POST", URL, {"standing": "normal", "reason": "mistake"}).status == 200
        assert _not_claimable(w) == ["F1"]
        assert [r["lift_reason"] for r in _agencys(w)] == ["clean_slate"]
    assert len(w.agency_a.call("GET", URL).body["rulings"]) == 4


def test_the_client_cannot_set_the_agencys_ruling_again_from_under_its_own() -> None:
    """Set again with its own day, the agency's ruling would be corrected (how it ended
    undone): refused for the client also when rulings of its own were set over it since."""
    w = _clean_slate()
    admin = _admin(w)
    _at(w, date(2026, 4, 2))
    for step in STEPS[:3]:
        assert admin.call("POST", URL, step).status == 200
    for body in ({"standing": "wsnp", "since": "2026-02-10"},
                 {"standing": "bankrupt", "since": "2026-02-10"}):  # fmt: skip
        if body["standing"] == "wsnp":
            assert admin.call("POST", URL, {"standing": "normal", "reason": "ended"}).status == 200
        again = admin.call("POST", URL, {"standing": "wsnp", "since": "2026-02-10"})
        assert again.status == 422 and "standing_agency_recorded" in str(again.body), again.body
    assert _not_claimable(w) == ["F1"]


def test_the_agency_corrects_its_own_ruling_under_the_clients_standings() -> None:
    """The agency may still do all of it: its ruling set again (the client's standings set
    over it kept) and lifted as a mistake leaves F1 claimable, its interest running again."""
    w = _clean_slate()
    settled = w.agency_a.call("GET", CLAIM, on="2026-09-01").body["open"]
    admin = _admin(w)
    _at(w, date(2026, 4, 2))
    for step in STEPS:
        assert admin.call("POST", URL, step).status == 200
    _set(w, {"standing": "wsnp", "since": "2026-02-10"})
    _set(w, {"standing": "normal", "reason": "mistake"})
    assert _not_claimable(w) == [] and _agencys(w) == []
    rulings = w.agency_a.call("GET", URL).body["rulings"]
    assert [(r["since"], r["lift_reason"]) for r in rulings] == [("2026-02-11", "ended")]
    # the client's WSNP that ended still stops F1's interest for its own period (11-2..2-4)
    again = w.agency_a.call("GET", CLAIM, on="2026-09-01").body["open"]
    assert again["interest"] != settled["interest"], (again, settled)


def test_a_set_that_would_carry_too_many_rulings_is_refused_none_dropped() -> None:
    w = _clean_slate()
    admin = _admin(w)
    _at(w, date(2026, 4, 2))
    for n in range(RULINGS_KEPT - 1):  # with the agency's: as many as are kept
        since = date(2025, 1, 1 + n).isoformat()
        assert admin.call("POST", URL, {"standing": "bankrupt", "since": since}).status == 200
        assert admin.call("POST", URL, {"standing": "normal", "reason": "ended"}).status == 200
    refused = admin.call("POST", URL, {"standing": "bankrupt", "since": "2025-02-01"})
    assert refused.status == 422 and "standing_too_many_rulings" in str(refused.body)
    assert _not_claimable(w) == ["F1"] and len(_agencys(w)) == 1
