"""Prescription warnings say what can be done under a debtor's ruling (law14b F).

Consumer D1, F1 1,000.00 due 1-12-2025 (no claim kind: a consumer sale, 2 years: prescribes
2-12-2027, warned from 3-10-2027; test_standing_ruling_claims' world, without the client's
14-day letter: that is a written demand too and would move the date, law17 P2).

- A WSNP of 10-2-2026 ended in a clean slate on 1-4-2026: F1 is a natural obligation (art.
  358 lid 1 Fw, 6:3 BW), nothing can be claimed. On lead the run of 4-10-2027 advised "send a
  written demand or go to court", on 3-12-2027 a hold item, and counted D1 in ``no_workflow``
  ("activate a workflow"): now no prescription item and no count.
- Bankrupt since 10-2-2026, in force: the claim is pursued only by filing it with the curator
  (art. 26, 110 Fw), and filing interrupts prescription (art. 3:316 BW): the item says so, not
  "send a written demand or go to court"; the same for a WSNP with the administrator."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.unit.standing.test_standing_ruling_claims import _at, _set, _world


def _client_id(w: Any) -> str:
    return str(w.services.repos.clients.id_for_number("agency-a", "C1"))


def _run(w: Any, day: date) -> list[dict[str, Any]]:
    _at(w, day)
    w.services.dunning.run_client(_client_id(w), day)
    return list(w.agency_a.call("GET", "/v1/clients/C1/actions").body["items"])


def test_a_natural_obligation_after_a_clean_slate_gets_no_prescription_advice() -> None:
    w: Any = _world(letter=None)
    _at(w, date(2026, 3, 25))
    _set(w, {"standing": "wsnp", "since": "2026-02-10"})
    _at(w, date(2026, 4, 1))
    _set(w, {"standing": "normal", "reason": "clean_slate"})
    for day in (date(2027, 10, 4), date(2027, 12, 3)):
        items = _run(w, day)
        assert [x["title"] for x in items if x["kind"] == "prescription"] == [], day
        assert [x for x in items if x["kind"] == "no_workflow"] == [], day


@pytest.mark.parametrize(
    ("standing", "who"), [("bankrupt", "curator"), ("wsnp", "administrator (bewindvoerder)")]
)
def test_a_claim_under_a_ruling_in_force_is_to_be_filed_not_sued(standing: str, who: str) -> None:
    w: Any = _world(letter=None)
    _at(w, date(2026, 3, 25))
    _set(w, {"standing": standing, "since": "2026-02-10"})
    [item] = [x for x in _run(w, date(2027, 10, 4)) if x["kind"] == "prescription"]
    title = item["title"]
    assert "go to court" not in title and "send a written demand" not in title, title
    assert f"filing it with the {who}" in title, title
    assert "may prescribe on 02-12-2027" in title, title
    assert title.endswith("filing interrupts prescription (art. 3:316 BW): record its day")
    # past the date: the hold's item says the same, and names the person's decision
    [held] = [x for x in _run(w, date(2027, 12, 3)) if x["kind"] == "prescription"
              and "may have prescribed" in x["title"]]  # fmt: skip
    assert "go to court" not in held["title"] and f"with the {who}" in held["title"]


def test_a_claim_the_ruling_does_not_cover_keeps_the_ordinary_advice() -> None:
    """Control: the ruling came after the claim only if it arose before; a ruling lifted as a
    mistake covers nothing: the ordinary advice."""
    w: Any = _world(letter=None)
    _at(w, date(2026, 3, 25))
    _set(w, {"standing": "bankrupt", "since": "2026-02-10"})
    _at(w, date(2026, 3, 26))
    _set(w, {"standing": "normal", "reason": "mistake"})
    [item] = [x for x in _run(w, date(2027, 10, 4)) if x["kind"] == "prescription"]
    assert "send a written demand or go to court" in item["title"]
