"""Per-mode leaderboards: Bradley–Terry ratings from the pair-count table plus metric averages.

Each (mode, dimension) board is a `LiveLeaderboard` kept for the life of the process: a read
after a vote adds that vote to the kept bootstrap replicates (tens of ms for 50 systems) instead
of bootstrapping from scratch. Every worker process keeps its own boards and catches up from
the pair-count table, so workers never need to hear about each other's votes. The metric
averages and the vote total come from `metric_totals` and `vote_totals`, so no part of a read
grows with the number of votes.
"""

from __future__ import annotations

import asyncio
import threading

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from arena.core.ratings import PairCounts, Rating
from arena.core.ratings_live import LiveLeaderboard
from arena.voice.battles.modes import BattleMode
from arena.voice.battles.votes import OVERALL
from arena.voice.db.metric_totals import metric_averages
from arena.voice.db.models import PairCount, SystemRow, VoteTotal
from arena.voice.errors import InvalidChoiceError
from arena.voice.schemas import LeaderboardPublic, RatingPublic

BOOTSTRAP_ROUNDS = 1000
PairRow = tuple[str, str, int, int, int]


class LiveBoards:
    """The live leaderboards of one arena process, one per (mode, dimension), made on demand."""

    def __init__(self, bootstrap_rounds: int = BOOTSTRAP_ROUNDS) -> None:
        self.bootstrap_rounds = bootstrap_rounds
        self._boards: dict[tuple[str, str], LiveLeaderboard] = {}
        self._lock = threading.Lock()

    def get(self, mode: str, dimension: str) -> LiveLeaderboard:
        with self._lock:
            board = self._boards.get((mode, dimension))
            if board is None:
                board = LiveLeaderboard(bootstrap_rounds=self.bootstrap_rounds, seed=0)
                self._boards[(mode, dimension)] = board
            return board

    def ratings(self, mode: str, dimension: str, rows: tuple[PairRow, ...]) -> list[Rating]:
        """Ratings for this snapshot of the board's pair counts (blocking: run in a thread)."""
        return self.get(mode, dimension).refresh(PairCounts.from_rows(rows))


async def leaderboard_for(
    session: AsyncSession, boards: LiveBoards, mode: BattleMode, dimension: str = OVERALL
) -> LeaderboardPublic:
    """The leaderboard of `mode` on `dimension` ('overall' or one of the mode's sub-votes)."""
    dimensions = [OVERALL, *mode.sub_votes]
    if dimension not in dimensions:
        raise InvalidChoiceError("dimension", dimension, dimensions)
    rows = await _pair_rows(session, mode.name, dimension)
    ratings = await asyncio.to_thread(boards.ratings, mode.name, dimension, rows)
    systems = await _systems(session, [r.system for r in ratings])
    metrics = await metric_averages(session, mode.name, mode.metrics)
    total = await session.scalar(select(VoteTotal.votes).where(VoteTotal.mode == mode.name))
    return LeaderboardPublic(
        battle_type=mode.name,
        dimension=dimension,
        dimensions=dimensions,
        total_votes=total or 0,
        ratings=[_public(r, systems.get(r.system), metrics.get(r.system, {})) for r in ratings],
    )


async def _pair_rows(session: AsyncSession, mode: str, dimension: str) -> tuple[PairRow, ...]:
    """The board's pair counts, read through Core (no ORM layer: 50 systems are 1225 rows)."""
    table = PairCount.__table__
    stmt = (
        select(table.c.system_a, table.c.system_b, table.c.wins_a, table.c.wins_b, table.c.ties)
        .where(table.c.mode == mode, table.c.dimension == dimension)
        .order_by(table.c.system_a, table.c.system_b)
    )
    connection = await session.connection()
    rows = (await connection.execute(stmt)).all()
    return tuple((a, b, wa, wb, t) for a, b, wa, wb, t in rows)


async def _systems(session: AsyncSession, ids: list[str]) -> dict[str, SystemRow]:
    rows = (await session.execute(select(SystemRow).where(SystemRow.id.in_(ids)))).scalars()
    return {row.id: row for row in rows}


def _public(
    rating: Rating, system: SystemRow | None, metrics: dict[str, float | None]
) -> RatingPublic:
    return RatingPublic(
        system_id=rating.system,
        display_name=system.display_name if system else rating.system,
        provider=system.provider if system else "",
        rating=rating.rating,
        ci_low=rating.ci_low,
        ci_high=rating.ci_high,
        rank=rating.rank,
        votes=rating.votes,
        wins=rating.wins,
        losses=rating.losses,
        ties=rating.ties,
        win_rate=rating.win_rate,
        preliminary=rating.preliminary,
        metrics=metrics,
    )
