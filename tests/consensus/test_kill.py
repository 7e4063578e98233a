"""Kill test: SIGKILL the orchestrator at ≥ 50 random moments of one run, restarting each time.

The final state must equal an uninterrupted run's (modulo agent ids, branches, the arena id
and comment ids), the emulator must have seen no duplicate launch or follow-up, and a comment
queued before the run must have been delivered exactly once.
"""

from __future__ import annotations

import random
import signal
import threading
from pathlib import Path
from typing import Any

import pytest

from arena.consensus.state import load_state
from tests.consensus.conftest import POLL, Cli
from tests.fakes.cursor_api import CursorEmulator, EmulatorServer, Script

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1200)]
KILLS = 50
SCRIPT = {"run_seconds": 0.25, "consensus_round": 0}
INIT = ["init", "--task", "Make the parser streaming", "--repo", "acme/widgets", "--seed", "7"]
ROUNDS = "10"
COMMENT = ["add-comment", "--message", "Mind the tests", "--targets", "agent_b"]


def normalized(arena: Path) -> dict[str, Any]:
    """The state with run-specific identifiers blanked out."""
    data = load_state(arena).model_dump(mode="json")

    def scrub(value: Any) -> Any:
        if isinstance(value, dict):
            return {
                k: (None if k in ("agent_id", "branch", "arena_id") else scrub(v))
                for k, v in value.items()
            }
        if isinstance(value, list):
            return [scrub(v) for v in value]
        return value

    data["comment_phase"] = sorted(data["comment_phase"].values())
    data["comment_targets"] = sorted(data["comment_targets"].values())
    return dict(scrub(data))


def received_by_agent(emulator: CursorEmulator, arena: Path) -> dict[str, list[tuple[str, str]]]:
    """Per alias (agent id when unknown), the (kind, first 60 chars) of every prompt received."""
    aliases = {slot.agent_id: alias for alias, slot in load_state(arena).aliases.items()}
    prompts: dict[str, list[tuple[str, str]]] = {}
    for event in emulator.received:
        who = aliases.get(event["agent"], event["agent"])
        prompts.setdefault(who, []).append((event["kind"], event["text"][:60]))
    return prompts


def _kill_at_random_moment(cli: Cli, rng: random.Random) -> bool:
    """Start `run`, SIGKILL it at a random moment once it is working; True if it was killed."""
    proc = cli.start("run", *POLL)
    started = threading.Event()

    def watch() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            if line.startswith("INFO"):
                started.set()

    reader = threading.Thread(target=watch, daemon=True)
    reader.start()
    if rng.random() < 0.1:
        started.wait(rng.uniform(0.0, 0.6))
    elif started.wait(30):
        started.clear()
        threading.Event().wait(rng.uniform(0.0, 0.25))
    if proc.poll() is not None:
        proc.wait()
        reader.join(5)
        return False
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    reader.join(5)
    return True


def test_sigkill_at_50_random_moments_changes_nothing(
    cli: Cli, emulator: EmulatorServer, tmp_path: Path
) -> None:
    reference_dir = tmp_path / "reference"
    reference_dir.mkdir()
    (reference_dir / ".env").write_text("CURSOR_API_KEY=test-key\n")
    reference_emulator = CursorEmulator("test-key", Script(**SCRIPT))
    reference = EmulatorServer(reference_emulator).start()
    try:
        ref_cli = Cli(reference_dir, {**cli.env, "CURSOR_BASE_URL": reference.url})
        ref_cli(*INIT, "--max-rounds", ROUNDS)
        ref_cli(*COMMENT)
        ref_cli("run", *POLL)
    finally:
        reference.stop()

    emulator.emulator.script.update(SCRIPT)
    cli(*INIT, "--max-rounds", ROUNDS)
    cli(*COMMENT)
    rng = random.Random(20261122)
    kills = 0
    while kills < KILLS and _kill_at_random_moment(cli, rng):
        kills += 1
    assert kills >= KILLS, f"the run finished after only {kills} kills"
    cli("run", *POLL)
    assert "already finished" in cli("run", *POLL).stdout

    assert reference_emulator.duplicates() == []
    assert emulator.emulator.duplicates() == []
    launches = [e for e in emulator.emulator.received if e["kind"] == "launch"]
    assert len(launches) == 3
    assert len([e for e in emulator.emulator.received if "Mind the tests" in e["text"]]) == 1
    killed_arena, reference_arena = cli.cwd / "arenas/0001", reference_dir / "arenas/0001"
    killed_prompts = received_by_agent(emulator.emulator, killed_arena)
    reference_prompts = received_by_agent(reference_emulator, reference_arena)
    assert normalized(killed_arena) == normalized(reference_arena), "\n".join(
        f"{alias}:\n  killed run:    {killed_prompts.get(alias)}\n"
        f"  reference run: {reference_prompts.get(alias)}"
        for alias in sorted(set(killed_prompts) | set(reference_prompts))
    )
