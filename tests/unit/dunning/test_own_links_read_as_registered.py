"""review32: a message's own links (its portal and payment links, the client's complaint
procedure) are compared with the hosts found in its text in the same form. Since leftover32 a
found host is compared in its ASCII form without ``www.`` (``normalise_domain``), but the own
links stayed as written: the client's own procedure "https://bücher.nl/klachten" (or one
written "www.bakkerij.nl/klachten") was refused as a foreign link in its own notice."""

from __future__ import annotations

from shared.domain.dunning.foreign_links import foreign_hosts


def test_an_own_link_with_an_international_host_is_own() -> None:
    own = ["https://bücher.nl/klachten"]
    assert foreign_hosts(["Zie https://bücher.nl/klachten"], (), own) == []
    # the same host in its ASCII form is the same host
    assert foreign_hosts(["Zie https://xn--bcher-kva.nl/klachten"], (), own) == []


def test_an_own_link_written_with_www_is_own() -> None:
    own = ["www.bakkerij.nl/klachten"]
    assert foreign_hosts(["Zie www.bakkerij.nl/klachten"], (), own) == []
    assert (
        foreign_hosts(["Betaal https://www.pay.example/x"], (), ["https://www.pay.example/x"]) == []
    )


def test_other_hosts_stay_foreign() -> None:
    own = ["https://www.bakkerij.nl/klachten", "https://bücher.nl/x"]
    assert foreign_hosts(["Zie evil.nl/x"], (), own) == ["evil.nl"]
    assert foreign_hosts(["Zie bakkerij.nl.evil.io/x"], (), own) == ["bakkerij.nl.evil.io"]
    assert foreign_hosts(["Zie bücher.nl.evil.io/x"], (), own) == ["bücher.nl.evil.io"]
