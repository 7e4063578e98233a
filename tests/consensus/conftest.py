"""Fixtures: a live Cursor emulator on 127.0.0.1 and a runner for the consensus CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.fakes.cursor_api import CursorEmulator, EmulatorServer, Script

REPO_ROOT = Path(__file__).resolve().parents[2]
POLL = ["--poll-interval", "0.02", "--max-poll-interval", "0.1"]


@dataclass
class Cli:
    """Runs `python -m arena.consensus` in a working directory against the emulator."""

    cwd: Path
    env: dict[str, str]

    def __call__(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = self.start(*args).communicate(timeout=120)
        proc = subprocess.CompletedProcess(list(args), self._last.returncode, *result)
        if check and proc.returncode != 0:
            raise AssertionError(f"arena {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
        return proc

    def start(self, *args: str) -> subprocess.Popen[str]:
        self._last = subprocess.Popen(
            [sys.executable, "-m", "arena.consensus", *args],
            cwd=self.cwd,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        return self._last


@pytest.fixture
def emulator() -> Iterator[EmulatorServer]:
    server = EmulatorServer(CursorEmulator("test-key", Script(run_seconds=0.05))).start()
    yield server
    server.stop()


@pytest.fixture
def cli(tmp_path: Path, emulator: EmulatorServer) -> Cli:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CURSOR_", "OPENAI_"))}
    env["PYTHONPATH"] = str(REPO_ROOT / "src")
    env["CURSOR_BASE_URL"] = emulator.url
    (tmp_path / ".env").write_text("CURSOR_API_KEY=test-key\n")
    return Cli(tmp_path, env)
