"""Fifty conversations cut at random moments — tab closed, End pressed, time limit, provider
crash, server shutdown — are all stored with their audio and how they ended.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import soundfile as sf
import uvicorn
from sqlalchemy import select
from websockets.asyncio.client import ClientConnection, connect

from arena.cli.battle import speak
from arena.config import Settings
from arena.providers.registry import Registry
from arena.voice.app import create_app
from arena.voice.db.agents import AgentConversation
from arena.voice.db.session import make_engine, make_sessionmaker
from tests.agent.conftest import Emulators, hosted_agents, next_json, silence, ws_url
from tests.fakes.agent_call import CallOptions

TIME_LIMIT_S = 4
VOICE = speak("Yes, please book that for me.") + silence(500)


@dataclass
class Arena:
    """An arena server we can stop in the middle of a test."""

    url: str
    settings: Settings
    server: uvicorn.Server
    thread: threading.Thread

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


def start_arena(settings: Settings, registry: Registry) -> Arena:
    app = create_app(settings, registry)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(app, log_level="warning", lifespan="on", timeout_graceful_shutdown=10)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the arena did not start"
        time.sleep(0.02)
    return Arena(f"http://127.0.0.1:{sock.getsockname()[1]}", settings, server, thread)


@pytest.fixture
def doomed_emulators() -> Iterator[Emulators]:
    """A second pair of provider emulators, stopped mid-call by the test."""
    running = Emulators(CallOptions(voice="tone", transcriber="none"))
    try:
        yield running
    finally:
        with contextlib.suppress(Exception):
            running.stop()


async def talk(ws: ClientConnection) -> None:
    """Stream the caller's line, then silence, a little faster than real time."""
    pcm = VOICE + silence(10_000)
    for start in range(0, len(pcm), 640):
        await ws.send(pcm[start : start + 640])
        await asyncio.sleep(0.01)


async def converse(
    url: str, cut: str, after: float, started: asyncio.Event, release: asyncio.Event
) -> None:
    """One conversation, cut by the client (`disconnect`, `abort`, `end`) or not at all."""
    ws = await connect(url)
    first = json.loads(await asyncio.wait_for(ws.recv(), 60))
    started.set()
    if first["type"] == "error":  # the provider was already gone: nothing more to say
        await ws.close()
        return
    speaking = asyncio.create_task(talk(ws))
    try:
        if cut in ("disconnect", "abort", "end"):
            await asyncio.sleep(after)
        if cut == "disconnect":
            await ws.close()
        elif cut == "abort":
            ws.transport.abort()
        elif cut == "end":
            await ws.send(json.dumps({"type": "end_conversation"}))
            await next_json(ws, "conversation_ended")
        else:  # timeout / provider crash / server shutdown: hold on until the server ends it
            with contextlib.suppress(Exception):
                await next_json(ws, "conversation_ended", within=30)
            await release.wait()
    finally:
        speaking.cancel()
        with contextlib.suppress(BaseException):
            await speaking
        with contextlib.suppress(Exception):
            await ws.close()


async def new_battle(arena: Arena) -> str:
    async with httpx.AsyncClient(base_url=arena.url) as http:
        response = await http.post("/api/v1/battles/generate", json={"battle_type": "agent"})
        assert response.status_code == 200, response.text
        battle_id: str = response.json()["id"]
        return battle_id


async def stored(settings: Settings) -> list[AgentConversation]:
    engine = make_engine(settings.resolved_database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            return list((await session.execute(select(AgentConversation))).scalars())
    finally:
        await engine.dispose()


@pytest.mark.slow
async def test_fifty_conversations_cut_at_random_moments_are_all_stored(
    emulators: Emulators, doomed_emulators: Emulators, settings: Settings, tmp_path: Path
) -> None:
    rng = random.Random(20261122)
    main_settings = settings.model_copy(update={"agent_conversation_timeout": TIME_LIMIT_S})
    crash_settings = Settings(ARENA_HOME=tmp_path / "crash-home")
    main = start_arena(main_settings, Registry(hosted_agents(emulators.settings())))
    crash = start_arena(crash_settings, Registry(hosted_agents(doomed_emulators.settings())))
    stop_settings = Settings(ARENA_HOME=tmp_path / "stop-home")
    stopping = start_arena(stop_settings, Registry(hosted_agents(emulators.settings())))
    release = asyncio.Event()
    plan: list[tuple[Arena, str, float]] = []
    for cut in ["shutdown"] * 6 + ["provider"] * 6:
        plan.append((stopping if cut == "shutdown" else crash, cut, 0.0))
    for _ in range(38):
        cut = rng.choice(["disconnect", "abort", "end", "timeout"])
        plan.append((main, cut, rng.uniform(0.05, 2.5)))
    expected = {
        "disconnect": {"client_disconnect"},
        "abort": {"client_disconnect"},
        "end": {"user"},
        "timeout": {"timeout"},
        "shutdown": {"server_shutdown"},
        "provider": {"provider_error", "agent"},
    }
    try:
        battles = [await new_battle(arena) for arena, _, _ in plan]
        started = [asyncio.Event() for _ in plan]
        tasks = [
            asyncio.create_task(
                converse(ws_url(arena.url, battle, "a"), cut, after, started[i], release)
            )
            for i, ((arena, cut, after), battle) in enumerate(zip(plan, battles, strict=True))
        ]
        await asyncio.wait_for(asyncio.gather(*(event.wait() for event in started)), 150)
        await asyncio.sleep(rng.uniform(0.3, 1.0))
        await asyncio.to_thread(doomed_emulators.stop)
        await asyncio.to_thread(stopping.stop)
        await asyncio.sleep(TIME_LIMIT_S + 1.5)
        release.set()
        await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), 60)
    finally:
        release.set()
        for arena in (main, crash, stopping):
            arena.stop()
    rows = {
        c.battle_id: c for arena in (main, crash, stopping) for c in await stored(arena.settings)
    }
    assert len(rows) == 50
    for (_, cut, _), battle in zip(plan, battles, strict=True):
        conversation = rows[battle]
        assert conversation.status == "ended", (cut, conversation.started_at)
        assert conversation.ended_by in expected[cut], (cut, conversation.ended_by)
        for path, channels in (
            (conversation.user_audio_path, 1),
            (conversation.agent_audio_path, 1),
            (conversation.mix_audio_path, 2),
        ):
            assert path is not None
            info = await asyncio.to_thread(sf.info, path)
            assert info.samplerate == 16000 and info.channels == channels
        assert conversation.duration_seconds > 0
