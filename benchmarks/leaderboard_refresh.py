"""The voice arena's leaderboard read after each vote: pair-count table → ratings with intervals.

Usage: PYTHONPATH=. .venv/bin/python -m benchmarks.leaderboard_refresh [--systems 50]
           [--votes 2000,50000] [--after 100] [--database-url URL]
Fills the TTS pair-count table with votes among `--systems` systems (a Bradley–Terry model
with N(0, 1) strengths), reads the leaderboard once (the process's first read rebuilds the
bootstrap), then records a vote in the table and reads the leaderboard `--after` times, timing
`leaderboard_for` as the API calls it: the pair-count query, the live refresh, the system
names, metric averages and the vote total (the last two read small totals tables, whatever the
number of candidates and votes).
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

import numpy as np
from benchmarks.ratings import simulate
from sqlalchemy import delete, update

from arena.config import Settings
from arena.providers.registry import Registry
from arena.voice.db.models import PairCount
from arena.voice.leaderboard import leaderboard_for
from arena.voice.state import ArenaState


async def run_one(state: ArenaState, systems: int, votes: int, after: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    names = [f"system-{i:02d}" for i in range(systems)]
    first, second, outcome = simulate(rng.normal(0.0, 1.0, systems), votes + after, 0.1, rng)
    tally: dict[tuple[str, str], list[int]] = {}

    def record(k: int) -> tuple[str, str, int]:
        """Vote k as (system_a, system_b, column): 0 a won, 1 b won, 2 tie; a < b."""
        a, b = sorted((names[first[k]], names[second[k]]))
        code = int(outcome[k])  # 0: first won, 1: second won, 2–3: tie
        if code >= 2:
            return a, b, 2
        return a, b, code if names[first[k]] == a else 1 - code

    for k in range(votes):
        a, b, column = record(k)
        tally.setdefault((a, b), [0, 0, 0])[column] += 1
    mode = state.modes.get("tts")
    async with state.sessions() as session:
        await session.execute(delete(PairCount))
        session.add_all(
            PairCount(
                mode="tts",
                dimension="overall",
                system_a=a,
                system_b=b,
                wins_a=wa,
                wins_b=wb,
                ties=t,
            )
            for (a, b), (wa, wb, t) in tally.items()
        )
        await session.commit()
        started = time.perf_counter()
        await leaderboard_for(session, state.boards, mode)
        first_read = time.perf_counter() - started
    times = []
    columns = (PairCount.wins_a, PairCount.wins_b, PairCount.ties)
    for k in range(votes, votes + after):
        a, b, column = record(k)
        async with state.sessions() as session:
            if (a, b) in tally:
                await session.execute(
                    update(PairCount)
                    .where(
                        PairCount.mode == "tts",
                        PairCount.dimension == "overall",
                        PairCount.system_a == a,
                        PairCount.system_b == b,
                    )
                    .values({columns[column]: columns[column] + 1})
                )
            else:
                counts = [0, 0, 0]
                counts[column] = 1
                session.add(
                    PairCount(
                        mode="tts",
                        dimension="overall",
                        system_a=a,
                        system_b=b,
                        wins_a=counts[0],
                        wins_b=counts[1],
                        ties=counts[2],
                    )
                )
            tally.setdefault((a, b), [0, 0, 0])[column] += 1
            await session.commit()
            started = time.perf_counter()
            board = await leaderboard_for(session, state.boards, mode)
            times.append(time.perf_counter() - started)
        assert len(board.ratings) == systems
        assert state.boards.get("tts", "overall").last_refresh == "incremental"
    p50, p95 = np.percentile(times, [50, 95]) * 1000
    print(
        f"{votes:>7,} votes  first read {first_read * 1000:6.0f} ms   read after a vote: "
        f"p50 {p50:5.1f} ms  p95 {p95:5.1f} ms  max {max(times) * 1000:5.1f} ms"
    )


async def run(systems: int, votes: list[int], after: int, database_url: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        url = database_url or f"sqlite+aiosqlite:///{home / 'arena.db'}"
        settings = Settings(_env_file=None, ARENA_HOME=home, ARENA_DATABASE_URL=url)
        print(
            f"## leaderboard_for after each vote, {systems} systems; database {url.split(':')[0]}"
        )
        for seed, total in enumerate(votes):
            state = ArenaState.build(settings, registry=Registry([]))
            try:
                await state.prepare(seed=False, recover=False)
                await run_one(state, systems, total, after, seed)
            finally:
                await state.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--systems", type=int, default=50)
    parser.add_argument("--votes", default="2000,50000")
    parser.add_argument("--after", type=int, default=100)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    votes = [int(part) for part in args.votes.split(",")]
    asyncio.run(run(args.systems, votes, args.after, args.database_url))


if __name__ == "__main__":
    main()
