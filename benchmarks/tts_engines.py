"""Per-engine TTS speed through the synthesis service: time to first chunk, synthesis time, RTF.

Usage: .venv/bin/python -m benchmarks.tts_engines [--runs 3]
Prints one row per available offline TTS system (median over runs, cache disabled by a fresh
ARENA_HOME per run), then the cost of a cache hit.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from arena.config import Settings
from arena.providers.registry import Registry
from arena.providers.tts import TextToSpeech
from arena.voice.synthesis import Synthesis, synthesize

TEXT = (
    "Thanks for calling. Your order of three items shipped on March fourth "
    "and should arrive by Friday."
)

HEADER = (
    f"{'system':28} {'first call s':>12} {'ttfb s':>8} {'synth s':>8} {'audio s':>8} {'rtf':>6}"
)


async def run(runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base = Settings(_env_file=None, arena_home=Path(tmp) / "warmup")  # type: ignore[call-arg]
        systems = Registry.load(base).available("tts", TextToSpeech)
        print(f"text: {len(TEXT)} chars; {runs} runs per system; median values")
        print(HEADER)
        for system in systems:
            started = time.perf_counter()
            await synthesize(system, TEXT, base)
            first_call = time.perf_counter() - started
            results: list[Synthesis] = []
            for i in range(runs):
                fresh = base.model_copy(update={"arena_home": Path(tmp) / f"{system.engine}-{i}"})
                results.append(await synthesize(system, TEXT, fresh))
            print(
                f"{system.id:28} {first_call:12.3f}"
                f" {statistics.median(r.ttfb_s for r in results):8.3f}"
                f" {statistics.median(r.synthesis_s for r in results):8.3f}"
                f" {statistics.median(r.duration_s for r in results):8.2f}"
                f" {statistics.median(r.rtf for r in results):6.3f}"
            )
        started = time.perf_counter()
        hits = [await synthesize(s, TEXT, base) for s in systems]
        assert all(h.cached for h in hits)
        per_hit = (time.perf_counter() - started) / len(hits)
        print(f"cache hit: {per_hit * 1000:.2f} ms per utterance")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    asyncio.run(run(parser.parse_args().runs))


if __name__ == "__main__":
    main()
