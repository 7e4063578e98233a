"""Shared fixtures: a fresh database per test (SQLite, and PostgreSQL when configured), the
voice arena state and a live server on an ephemeral port, and a headless Chromium page.

See docs/voice-internals.md ("Test fixtures") for how other areas reuse and override them.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import pytest
import uvicorn
from fastapi import FastAPI
from sqlalchemy.engine import make_url

from arena.config import Settings
from arena.providers.registry import Registry
from arena.voice.app import create_app
from arena.voice.battles.modes import Modes
from arena.voice.state import ArenaState
from tests.voice.tone_plugin import tone_systems

PG_ENV = "ARENA_TEST_DATABASE_URL"
CHROMIUM = "/usr/bin/chromium"


def _backends() -> list[Any]:
    backends: list[Any] = ["sqlite"]
    if os.environ.get(PG_ENV):
        backends.append("postgresql")
    return backends


@pytest.fixture(params=_backends())
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A fresh, empty database: an SQLite file, or a new database on the test PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'arena.db'}"
        return
    base = make_url(os.environ[PG_ENV])
    name = f"{base.database}_{secrets.token_hex(4)}"
    admin = base.set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(admin)
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.close()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(ARENA_HOME=tmp_path / "home", ARENA_DATABASE_URL=database_url)


@pytest.fixture
def registry(request: pytest.FixtureRequest) -> Registry:
    """The systems under test: the tone plugin's, or a list given by indirect parametrization
    (`@pytest.mark.parametrize("registry", [systems], indirect=True)`); override to test others.
    """
    systems = getattr(request, "param", None)
    return Registry(list(systems) if systems is not None else list(tone_systems()))


@pytest.fixture
def modes() -> Modes:
    """The live battle modes (every shipped `arena.voice.battles.<mode>` module)."""
    return Modes.load()


@pytest.fixture
async def arena_state(
    settings: Settings, registry: Registry, modes: Modes
) -> AsyncIterator[ArenaState]:
    """Migrated to every head, systems synced, prompts seeded; closed after the test."""
    state = ArenaState.build(settings, registry, modes)
    await state.prepare()
    yield state
    await state.close()


@dataclass
class LiveServer:
    url: str
    app: FastAPI


@pytest.fixture
def arena_server(
    arena_state: ArenaState, settings: Settings, registry: Registry, modes: Modes
) -> Iterator[LiveServer]:
    """`create_app` under uvicorn in a background thread on 127.0.0.1 and an ephemeral port."""
    app = create_app(settings, registry, modes=modes, prepare=False)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, log_level="warning", lifespan="on", timeout_graceful_shutdown=5)
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start; see the log above")
        time.sleep(0.02)
    yield LiveServer(url=f"http://127.0.0.1:{port}", app=app)
    server.should_exit = True
    thread.join(timeout=15)
    sock.close()


def chromium_or_skip() -> str:
    """Chromium's path; outside CI a missing browser skips, in CI (`CI` set) it fails."""
    if Path(CHROMIUM).exists() or shutil.which("chromium"):
        return CHROMIUM if Path(CHROMIUM).exists() else str(shutil.which("chromium"))
    if os.environ.get("CI"):
        pytest.fail(f"CI is set but Chromium is missing at {CHROMIUM}: apt-get install chromium")
    pytest.skip(f"Chromium not installed at {CHROMIUM} (install it to run browser tests)")


CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--autoplay-policy=no-user-gesture-required",
)


@contextmanager
def chromium_page(profile_dir: Path, *extra_args: str) -> Iterator[Any]:
    """A Playwright page in headless Chromium with a fresh profile and autoplay allowed;
    `extra_args` add flags (a fake microphone, say).
    """
    executable = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            user_data_dir=str(profile_dir),
            executable_path=executable,
            headless=True,
            args=[*CHROMIUM_ARGS, *extra_args],
        )
        try:
            yield context.pages[0] if context.pages else context.new_page()
        finally:
            context.close()


@pytest.fixture
def browser_page(tmp_path: Path) -> Iterator[Any]:
    """A Playwright page in headless Chromium with a fresh profile; autoplay allowed."""
    with chromium_page(tmp_path / "chromium-profile") as page:
        yield page
