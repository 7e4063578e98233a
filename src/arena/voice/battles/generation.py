"""What every mode does around its systems' work: pick them, time them, record failures, and
settle the battle (votable once at least two candidates produced their output).
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TypeVar

from arena.providers.base import System
from arena.voice.db.models import Battle, Candidate

logger = logging.getLogger(__name__)

LABELS = "abcd"
S = TypeVar("S", bound=System)
T = TypeVar("T")


def pick_systems(systems: Sequence[S], count: int, rng: random.Random) -> list[S]:
    """`count` systems, one per engine before any engine gets a second, in random order."""
    by_engine: dict[str, list[S]] = defaultdict(list)
    for system in systems:
        by_engine[system.engine or system.provider].append(system)
    pools = list(by_engine.values())
    for pool in pools:
        rng.shuffle(pool)
    rng.shuffle(pools)
    picked: list[S] = []
    while len(picked) < count:
        for pool in pools:
            if pool and len(picked) < count:
                picked.append(pool.pop())
    rng.shuffle(picked)
    return picked


async def timed_in_thread(work: Callable[[], T], timeout_s: float) -> tuple[T, float]:
    """Run blocking engine work in a worker thread: its result and wall-clock seconds."""

    def run() -> tuple[T, float]:
        start = time.perf_counter()
        result = work()
        return result, time.perf_counter() - start

    return await asyncio.wait_for(asyncio.to_thread(run), timeout_s)


def fail_candidate(
    battle: Battle, candidate: Candidate, error: BaseException, timeout_setting: str
) -> None:
    """Mark a candidate whose engine raised (or timed out) failed, and log its system."""
    if not isinstance(error, Exception):
        raise error  # cancellation is not an engine failure
    reason = f"timed out ({timeout_setting})" if isinstance(error, TimeoutError) else str(error)
    logger.warning(
        "%s %s failed in battle %s: %s",
        battle.mode.upper(),
        candidate.system_id,
        battle.id,
        reason,
    )
    candidate.status = "failed"
    candidate.error = reason or type(error).__name__


def settle(battle: Battle, produced: str) -> list[Candidate]:
    """Make the battle ready when two or more candidates produced, else failed; the ready ones.

    `produced` completes the error, e.g. "transcribed": "only 1 of 2 systems transcribed".
    """
    ready = [c for c in battle.candidates if c.status == "ready"]
    if len(ready) >= 2:
        battle.status = "ready"
        battle.completed_at = datetime.now(UTC)
    else:
        battle.status = "failed"
        battle.error = f"only {len(ready)} of {len(battle.candidates)} systems {produced}"
    return ready
