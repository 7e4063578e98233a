"""The voice arena commands as a user runs them: subprocesses against a fresh database."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from sqlalchemy import func, select

from arena.config import Settings
from arena.voice.db.migrate import current_heads, script_heads
from arena.voice.db.models import Prompt, SystemRow
from arena.voice.db.session import make_engine, make_sessionmaker
from arena.voice.seed import load_prompts


def arena(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "ARENA_HOME": str(settings.arena_home),
        "ARENA_DATABASE_URL": settings.resolved_database_url,
    }
    return subprocess.run(
        [sys.executable, "-m", "arena", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
        cwd=Path(settings.arena_home).parent,
    )


async def test_db_upgrade_then_seed(tmp_path: Path) -> None:
    # SQLite only: `arena seed` also renders the STT clip library, which takes a while;
    # seeding on PostgreSQL is covered in-process (tests/voice/test_seed.py).
    settings = Settings(ARENA_HOME=tmp_path / "home")
    upgraded = arena(settings, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    seeded = arena(settings, "seed")
    assert seeded.returncode == 0, seeded.stderr
    assert f"Seeded {len(load_prompts())} prompts" in seeded.stdout
    engine = make_engine(settings.resolved_database_url)
    try:
        assert await current_heads(engine) == script_heads()
        async with make_sessionmaker(engine)() as session:
            prompts = await session.scalar(select(func.count()).select_from(Prompt))
            tts = await session.scalar(
                select(func.count()).select_from(SystemRow).where(SystemRow.mode == "tts")
            )
    finally:
        await engine.dispose()
    assert prompts == len(load_prompts())
    assert tts and tts >= 2


def test_systems_list_shows_mode_availability_and_reason(settings: Settings) -> None:
    listed = arena(settings, "systems", "list", "--mode", "tts")
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert lines and all(line.startswith("tts ") for line in lines)
    assert any("espeak-ng/" in line and "— available" in line for line in lines)
    unavailable = [line for line in lines if "unavailable:" in line]
    assert any("OPENAI_API_KEY" in line for line in unavailable)


def test_ratings_rebuild_on_an_empty_arena(settings: Settings) -> None:
    rebuilt = arena(settings, "ratings", "rebuild")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "Replayed 0 votes into 0 pair-count rows; 0 metric-total rows." in rebuilt.stdout


def test_serve_migrates_seeds_and_serves_a_battle(tmp_path: Path) -> None:
    settings = Settings(ARENA_HOME=tmp_path / "home")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "ARENA_HOME": str(settings.arena_home)}
    env.pop("ARENA_DATABASE_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "arena", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, server.stdout.read() if server.stdout else ""
            try:
                if httpx.get(f"{url}/api/v1/modes").status_code == 200:
                    break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "arena serve did not come up in 120 s"
                time.sleep(0.5)
        battle = httpx.post(
            f"{url}/api/v1/battles/generate",
            json={"battle_type": "tts", "candidates": 2},
            timeout=120,
        )
        assert battle.status_code == 200, battle.text
        voted = httpx.post(f"{url}/api/v1/battles/{battle.json()['id']}/vote", json={"winner": "a"})
        assert voted.status_code == 200
        board = httpx.get(f"{url}/api/v1/leaderboard", params={"battle_type": "tts"}).json()
        assert board["total_votes"] == 1 and len(board["ratings"]) == 2
        # The clip library was rendered before the server came up: STT battles work at once.
        clips = httpx.get(f"{url}/api/v1/clips", params={"kind": "stt"}).json()
        assert len(clips) >= 20
        stt = httpx.post(f"{url}/api/v1/battles/generate", json={"battle_type": "stt"})
        assert stt.status_code == 200, stt.text
        assert stt.json()["details"]["clip"]["id"] in {clip["id"] for clip in clips}
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    assert (settings.arena_home / "arena.db").is_file()
    assert "Rendering the STT/S2S clip library" in output
    assert any((settings.audio_dir / "clips").glob("*.wav"))


def test_importing_the_cli_leaves_the_voice_app_for_the_commands_that_run_it() -> None:
    # `arena --help` and the consensus commands must not pay for the web app and the database.
    heavy = (
        "alembic",
        "uvicorn",
        "fastapi",
        "sqlalchemy",
        "arena.voice.state",
        "arena.core.ratings",
    )
    probe = "import sys, arena.cli; print(' '.join(sorted(sys.modules)))"
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    ).stdout.split()
    assert [name for name in heavy if name in loaded] == []
