"""Fixtures for live-agent tests: emulators on 127.0.0.1, speech clips, a scenario."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from arena.core.scenarios import SCENARIOS, Scenario
from arena.providers.agent import AgentSession
from arena.providers.local.espeak import library
from arena.voice.live.events import AgentEvent
from tests.fakes.agent_call import CallOptions, ThreadedServer
from tests.fakes.retell_api import RetellEmulator
from tests.fakes.vapi_api import VapiEmulator

FRAME = 640


def speech(text: str) -> bytes:
    """`text` spoken by espeak-ng as PCM s16le 16 kHz mono."""
    return library().speak("en-us", text).resampled(16000).to_pcm16()


def silence(ms: int) -> bytes:
    return bytes(32 * ms)


async def stream(session: AgentSession, pcm: bytes, frame_delay: float = 0.005) -> None:
    """Send `pcm` in 20 ms frames, a little faster than real time."""
    for start in range(0, len(pcm), FRAME):
        await session.send_audio(pcm[start : start + FRAME])
        await asyncio.sleep(frame_delay)


async def collect_until(
    events: AsyncIterator[AgentEvent], predicate: Any, within: float = 20.0
) -> list[AgentEvent]:
    """Read events until one satisfies `predicate`; return all read so far."""
    seen: list[AgentEvent] = []

    async def read() -> None:
        async for event in events:
            seen.append(event)
            if predicate(event):
                return
        raise AssertionError(f"events ended first: {[type(e).__name__ for e in seen[-8:]]}")

    await asyncio.wait_for(read(), within)
    return seen


@pytest.fixture
def scenario() -> Scenario:
    return SCENARIOS[0]


@pytest.fixture
def vapi_options() -> CallOptions:
    return CallOptions(voice="speech", transcriber="pocketsphinx")


@pytest.fixture
def vapi(vapi_options: CallOptions) -> Iterator[VapiEmulator]:
    emulator = VapiEmulator("test-vapi-key", vapi_options)
    server = ThreadedServer(emulator.app).start()
    emulator.base_url = server.base_url  # type: ignore[attr-defined]
    try:
        yield emulator
    finally:
        server.stop()


@pytest.fixture
def retell() -> Iterator[RetellEmulator]:
    emulator = RetellEmulator("test-retell-key", CallOptions(transcriber="pocketsphinx"))
    server = ThreadedServer(emulator.app).start()
    emulator.base_url = server.base_url  # type: ignore[attr-defined]
    try:
        yield emulator
    finally:
        server.stop()


async def eventually(predicate: Any, within: float = 5.0) -> None:
    """Wait until `predicate()` holds (state changed by a server thread)."""
    deadline = asyncio.get_running_loop().time() + within
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.02)
