"""`arena seed` renders the clip library into ARENA_HOME, and a second run reuses it."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from arena.voice.clips.catalog import library

pytestmark = pytest.mark.slow


def _seed(home: Path) -> str:
    env = {**os.environ, "ARENA_HOME": str(home)}
    env.pop("ARENA_DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "arena", "seed"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    return done.stdout


def test_seed_renders_every_clip_once(tmp_path: Path) -> None:
    first = _seed(tmp_path)
    wavs = {p: p.stat().st_mtime_ns for p in (tmp_path / "audio" / "clips").glob("*.wav")}
    second = _seed(tmp_path)
    expected = len(library())
    assert f"and {expected} clips" in first and f"and {expected} clips" in second
    assert len(wavs) == expected
    assert {p: p.stat().st_mtime_ns for p in wavs} == wavs  # cached, not rendered again
    with sqlite3.connect(tmp_path / "arena.db") as db:
        rows = db.execute("SELECT kind, category, count(*) FROM clips GROUP BY 1, 2").fetchall()
    counts = {(kind, category): n for kind, category, n in rows}
    assert counts[("s2s", "question")] == 6
    assert counts[("stt", "noisy")] == 6 and counts[("stt", "numbers")] == 5
