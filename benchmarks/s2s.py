"""End-to-end latency of every offline S2S system inside real S2S battles (all answering at once).

Usage: .venv/bin/python -m benchmarks.s2s [--rounds 1] [--database-url URL]
In a fresh ARENA_HOME, renders the spoken questions, then plays each question as one S2S battle
with every available offline S2S system (in parallel, as `POST …/input-audio` does) and reports
per system the end-to-end latency, time to first audio and relevance, plus the battle's wall time
(input received → every answer stored) and the time until its metrics are complete.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from arena.config import Settings
from arena.providers.s2s import SpeechToSpeech
from arena.voice.battles.modes import BattleContext
from arena.voice.battles.s2s import MODE, available_s2s
from arena.voice.clips.catalog import library
from arena.voice.clips.inputs import InputRequest
from arena.voice.clips.library import sync_clip_library
from arena.voice.db.clips import BattleInput
from arena.voice.schemas import BattleGenerate
from arena.voice.state import ArenaState


def offline(system: SpeechToSpeech) -> bool:
    return type(system).__module__.startswith("arena.providers.local.")


async def run(home: Path, database_url: str | None, rounds: int) -> None:
    settings = Settings(ARENA_HOME=home, ARENA_DATABASE_URL=database_url)
    state = ArenaState.build(settings)
    await state.prepare()
    systems = [s for s in available_s2s(state.registry) if offline(s)]
    async with state.sessions() as session:
        questions = [s for s in library() if s.kind == "s2s"]
        clips = await sync_clip_library(session, state.registry, settings.audio_dir, questions)
    latencies: dict[str, list[float]] = defaultdict(list)
    first_audio: dict[str, list[float]] = defaultdict(list)
    relevance: dict[str, list[float]] = defaultdict(list)
    walls: list[float] = []
    metric_waits: list[float] = []
    for _ in range(rounds):
        for clip in clips:
            async with state.sessions() as session:
                ctx = BattleContext(session, settings, state.registry)
                request = BattleGenerate(
                    battle_type="s2s", candidates=len(systems), audio_clip_id=clip.id
                )
                battle = await MODE.generate(ctx, request)
                start = time.perf_counter()
                await MODE.respond(ctx, battle.id, InputRequest(clip_id=clip.id))
                answered = time.perf_counter()
                walls.append(answered - start)
                while True:
                    given = await session.get(BattleInput, battle.id, populate_existing=True)
                    if given is not None and given.metrics_status == "complete":
                        break
                    await asyncio.sleep(0.05)
                metric_waits.append(time.perf_counter() - answered)
                scores = given.metrics["candidates"]
                for candidate in battle.candidates:
                    if candidate.status != "ready":
                        continue
                    latencies[candidate.system_id].append(candidate.metrics["e2e_latency_s"])
                    first_audio[candidate.system_id].append(candidate.metrics["first_audio_s"])
                    score = scores.get(candidate.label, {}).get("relevance")
                    if score is not None:
                        relevance[candidate.system_id].append(score)
    await state.close()
    answered_count = len(clips) * rounds
    print(f"{answered_count} battles ({len(clips)} questions x {rounds}), {len(systems)} systems\n")
    print("| S2S system | e2e median s | e2e max s | first audio median s | answered | relevance |")
    print("|---|---:|---:|---:|---:|---:|")
    for system in systems:
        lat = latencies[system.id]
        rel = relevance[system.id]
        print(
            f"| {system.id} | {statistics.median(lat):.2f} | {max(lat):.2f} | "
            f"{statistics.median(first_audio[system.id]):.2f} | {len(lat)}/{answered_count} | "
            f"{statistics.mean(rel) if rel else float('nan'):.2f} |"
        )
    print(
        f"\nbattle wall time (input → all answers stored): median {statistics.median(walls):.2f} s,"
        f" max {max(walls):.2f} s; metrics complete after a further median "
        f"{statistics.median(metric_waits):.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1, help="times to play every question")
    parser.add_argument("--database-url", default=None, help="default: SQLite in a temp folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        asyncio.run(run(Path(home), args.database_url, args.rounds))


if __name__ == "__main__":
    main()
