"""Time to generate a 4-candidate TTS battle (pick, synthesize in parallel, store), cold and cached.

Usage: .venv/bin/python -m benchmarks.tts_battle [--battles 6] [--database-url URL]
Cold: a fresh ARENA_HOME, so every candidate is synthesized. Cached: the same battles again
(same seeds, so the same prompts and systems), so every candidate comes from the audio cache.
The very first battle of the process also pays engine start-up (Piper loads its model).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from pathlib import Path

from arena.config import Settings
from arena.voice.battles.modes import BattleContext
from arena.voice.battles.tts import TtsMode
from arena.voice.battles.views import battle_public
from arena.voice.schemas import BattleGenerate
from arena.voice.state import ArenaState


async def one_battle(state: ArenaState, seed: int) -> float:
    """Seconds to generate battle `seed` and shape its public view, as the API does."""
    mode = TtsMode(random.Random(seed))
    started = time.perf_counter()
    async with state.sessions() as session:
        ctx = BattleContext(session=session, settings=state.settings, registry=state.registry)
        battle = await mode.generate(ctx, BattleGenerate(battle_type="tts", candidates=4))
        public = await battle_public(ctx, mode, battle)
    elapsed = time.perf_counter() - started
    assert len(public.candidates) == 4, "a candidate failed; see the log"
    return elapsed


def summary(name: str, times: list[float]) -> str:
    return (
        f"{name:8} median {statistics.median(times) * 1000:8.1f} ms   "
        f"mean {statistics.fmean(times) * 1000:8.1f} ms   max {max(times) * 1000:8.1f} ms"
    )


async def run(battles: int, database_url: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        url = database_url or f"sqlite+aiosqlite:///{home / 'arena.db'}"
        settings = Settings(_env_file=None, ARENA_HOME=home, ARENA_DATABASE_URL=url)
        state = ArenaState.build(settings)
        try:
            await state.prepare()
            first = await one_battle(state, seed=10_000)
            cold = [await one_battle(state, seed) for seed in range(battles)]
            cached = [await one_battle(state, seed) for seed in range(battles)]
        finally:
            await state.close()
    print(f"{battles} battles of 4 candidates; database {url.split(':')[0]}")
    print(f"first battle in process (engine start-up): {first * 1000:.1f} ms")
    print(summary("cold", cold))
    print(summary("cached", cached))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--battles", type=int, default=6)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    asyncio.run(run(args.battles, args.database_url))


if __name__ == "__main__":
    main()
