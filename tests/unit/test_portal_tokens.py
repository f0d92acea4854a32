"""Portal tokens: signed, expiring, rotatable; anything altered is refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.domain.portal.tokens import (
    PortalAccess,
    SigningKeys,
    TokenError,
    csrf_ok,
    csrf_token,
    issue,
    verify,
)

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
OLD = SigningKeys.parse("k1:" + "a" * 40)
ROTATED = SigningKeys.parse("k2:" + "b" * 40 + ",k1:" + "a" * 40)
RETIRED = SigningKeys.parse("k2:" + "b" * 40)


def access(days: int = 30) -> PortalAccess:
    return PortalAccess("c-123", "D 1/x", 0, NOW + timedelta(days=days))


def test_round_trip_names_the_debtor_and_expiry():
    got = verify(OLD, issue(OLD, access()), NOW)
    assert (got.client_id, got.debtor_number, got.generation) == ("c-123", "D 1/x", 0)
    assert got.expires == NOW + timedelta(days=30)


def test_rotation_keeps_live_links_and_retiring_the_key_ends_them():
    old_link = issue(OLD, access())
    assert verify(ROTATED, old_link, NOW).debtor_number == "D 1/x"
    new_link = issue(ROTATED, access())
    assert verify(RETIRED, new_link, NOW).client_id == "c-123"
    with pytest.raises(TokenError, match="unknown key"):
        verify(RETIRED, old_link, NOW)


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),  # signature
        lambda t: "x" + t,  # body
        lambda t: t.replace(".", ""),
        lambda t: t + "." + t,
        lambda t: "",
    ],
)
def test_tampered_tokens_are_refused(mangle):
    with pytest.raises(TokenError):
        verify(OLD, mangle(issue(OLD, access())), NOW)


def test_another_debtor_cannot_be_signed_in_without_the_key():
    token = issue(OLD, access())
    forged = issue(
        SigningKeys.parse("k1:" + "z" * 40), PortalAccess("c-123", "D2", 0, NOW + timedelta(days=9))
    )
    assert forged != token
    with pytest.raises(TokenError, match="bad signature"):
        verify(OLD, forged, NOW)


def test_expired_tokens_are_refused():
    token = issue(OLD, access(days=1))
    assert verify(OLD, token, NOW + timedelta(hours=23)).debtor_number == "D 1/x"
    with pytest.raises(TokenError, match="expired"):
        verify(OLD, token, NOW + timedelta(days=1))


def test_weak_keys_are_refused():
    with pytest.raises(ValueError, match="32 bytes"):
        SigningKeys.parse("k1:short")


def test_csrf_is_bound_to_the_session_and_survives_rotation():
    form = csrf_token(OLD, "session-a")
    assert csrf_ok(OLD, "session-a", form) and csrf_ok(ROTATED, "session-a", form)
    assert not csrf_ok(OLD, "session-b", form)
    assert not csrf_ok(OLD, "session-a", "")
