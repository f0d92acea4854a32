"""`inning poison replay --queue`: a queue name no trigger has is refused with the names there
are (review newcomer8 #8: a typo replayed nothing and exited 0, as if the queue were empty)."""

from __future__ import annotations

import pytest

from shared.cli.main import main
from shared.cli.poison_commands import _source


def test_a_mistyped_queue_is_refused_before_anything_runs(capsys):
    assert main(["poison", "replay", "--queue", "send-emial"]) == 2
    err = capsys.readouterr().err
    assert "no queue 'send-emial'" in err and "send-email" in err and "blob-trigger" in err


@pytest.mark.parametrize(
    ("name", "source"),
    [
        ("send-email", "send-email"),
        ("send-email-poison", "send-email"),
        ("blob-trigger", "blob-trigger"),
        ("webjobs-blobtrigger-poison", "blob-trigger"),
        ("dunning-run", "dunning-run"),
    ],
)
def test_a_queue_is_named_as_it_is_or_by_its_poison_queue(name, source):
    assert _source(name) == source
