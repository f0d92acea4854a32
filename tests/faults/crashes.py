"""Crash points: the worker cut off right after its n-th storage write, for every n.

A crash-point test runs a piece of work once uncut to count its writes, then once per write
with the worker dying right after it (``crash_after``: the write landed, nothing after it ran),
and compares each end state with the uncut one. The count and the cut are one rule on the
world's ``FaultPlan``; :func:`cut_then_replayed` is how a queue-borne piece of work recovers
(the host's retries, then an operator replaying what went to poison).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from tests.faults.checks import all_actions
from tests.faults.world import FaultWorld
from tests.support.faults import FaultPlan

TABLE_WRITES = ("insert", "upsert", "replace", "delete", "transact")
WRITES = (*TABLE_WRITES, "send", "put")  # and a queue message or a blob


@dataclass
class WriteCount:
    """A plan rule that counts the writes it sees and fails the ``at``-th (never when None).

    It stops counting once it fired (a rule fails one operation): the uncut run's count is
    the number of crash points."""

    at: int | None
    ops: tuple[str, ...]
    seen: list[str] = field(default_factory=list)  # "op target", in order
    counting: bool = True  # off while another writer (not the worker) writes

    def __call__(self, op: str, target: str) -> bool:
        if op not in self.ops or not self.counting:
            return False
        self.seen.append(f"{op} {target}")
        return self.at is not None and len(self.seen) == self.at

    @property
    def writes(self) -> int:
        return len(self.seen)

    @property
    def hit(self) -> str | None:
        """The write it failed ("op target"); None while the work made fewer than ``at``."""
        return self.seen[-1] if self.at is not None and self.writes == self.at else None


def crash_after_write(
    plan: FaultPlan, n: int | None, *, ops: tuple[str, ...] = WRITES, kind: str = "crash_after"
) -> WriteCount:
    """Fail the ``n``-th write (of ``ops``) from now with ``kind`` (by default the worker dies
    right after it landed); None counts the writes and fails none. Faults fire only while
    ``plan.enabled``."""
    count = WriteCount(n, ops)
    plan.rule(count, kind)
    return count


def replay_poison(world: FaultWorld) -> None:
    """An operator replays every poison item on the action list; the host runs an hour."""
    for item in [x for x in all_actions(world) if x.kind == "poison"]:
        world.services.poison.replay(item.client_id, item.action_id, "operator")
    world.host.run_until(world.clock.now() + timedelta(hours=1))


def cut_then_replayed(world: FaultWorld, *, faults: bool = True) -> None:
    """An hour of the host with the plan's faults on (``faults``), then off, and the poison
    replayed (:func:`replay_poison`)."""
    world.plan.enabled = faults
    world.host.run_until(world.clock.now() + timedelta(hours=1))
    world.plan.enabled = False
    replay_poison(world)
