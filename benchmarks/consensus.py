"""Consensus arena: wall time of phases with concurrent polling vs the agents' run time.

Each of 3 emulated Cursor agents takes RUN seconds per turn; polled concurrently a generate or
critique phase should take about RUN, not 3 × RUN. Runs in-process (no CLI start-up noise).

    PYTHONPATH=. .venv/bin/python benchmarks/consensus.py
"""

from __future__ import annotations

import logging
import tempfile
import time
from pathlib import Path

from tests.fakes.cursor_api import CursorEmulator, EmulatorServer, Script

from arena.config import Settings
from arena.consensus import orchestrator
from arena.consensus.state import ArenaConfig

RUN = 2.0


def main() -> None:
    logging.getLogger("arena.consensus").setLevel(logging.WARNING)
    script = Script(run_seconds=RUN, consensus_round=2)
    server = EmulatorServer(CursorEmulator("test-key", script)).start()
    settings = Settings(CURSOR_API_KEY="test-key", CURSOR_BASE_URL=server.url)
    options = orchestrator.RunOptions(0.05, 0.1, verbose=True)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            arena = Path(tmp) / "0001"
            orchestrator.create_arena(ArenaConfig(task="bench", repo="acme/widgets"), arena)
            with orchestrator.runtime(arena, settings, options) as rt:
                timings = []
                while rt.state.phase.value != "done":
                    label = f"round {rt.state.round + 1} {rt.state.phase.value}"
                    start = time.perf_counter()
                    orchestrator.step(rt)
                    timings.append((label, time.perf_counter() - start))
        print(f"3 agents, {RUN:.1f}s per agent turn (sequential polling: ≥ {3 * RUN:.1f}s/phase)")
        for label, seconds in timings:
            print(f"  {label:<18} {seconds:6.2f}s wall")
        print(f"  {'whole arena':<18} {sum(s for _, s in timings):6.2f}s wall")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
