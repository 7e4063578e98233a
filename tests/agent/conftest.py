"""Fixtures for agent battles: Vapi and Retell emulators behind the real adapters, and helpers."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection

from arena.config import Settings
from arena.providers.base import System
from arena.providers.hosted import retell, vapi
from arena.providers.registry import Registry
from arena.voice.live.events import SAMPLE_RATE
from tests.fakes.agent_call import CallOptions, ThreadedServer
from tests.fakes.retell_api import RetellEmulator
from tests.fakes.vapi_api import VapiEmulator

VAPI_KEY = "test-vapi-key"
RETELL_KEY = "test-retell-key"


class Emulators:
    """The two provider emulators on 127.0.0.1, as real servers."""

    def __init__(self, options: CallOptions) -> None:
        self.vapi = VapiEmulator(VAPI_KEY, options)
        self.retell = RetellEmulator(RETELL_KEY, options)
        self.vapi_server = ThreadedServer(self.vapi.app).start()
        self.retell_server = ThreadedServer(self.retell.app).start()

    def settings(self, vapi_key: str = VAPI_KEY) -> Settings:
        return Settings(
            VAPI_API_KEY=vapi_key,
            VAPI_BASE_URL=self.vapi_server.base_url,
            RETELL_API_KEY=RETELL_KEY,
            RETELL_BASE_URL=self.retell_server.base_url,
        )

    def stop(self) -> None:
        self.vapi_server.stop()
        self.retell_server.stop()


def hosted_agents(settings: Settings, ids: tuple[str, ...] | None = None) -> list[System]:
    """The Vapi and Retell agent systems, registered by their plugins' own hook."""
    found: list[System] = []
    vapi.register_systems(found.append, settings)
    retell.register_systems(found.append, settings)
    return [s for s in found if ids is None or s.id in ids]


@pytest.fixture
def call_options() -> CallOptions:
    """Fast emulated agents: tone replies, no speech recognition."""
    return CallOptions(voice="tone", transcriber="none")


@pytest.fixture
def emulators(call_options: CallOptions) -> Iterator[Emulators]:
    running = Emulators(call_options)
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def registry(emulators: Emulators) -> Registry:
    """One Vapi and one Retell agent, so every battle pairs two providers."""
    return Registry(
        hosted_agents(emulators.settings(), ("agent-vapi-default", "agent-retell-default"))
    )


def system_words(registry: Registry) -> set[str]:
    """Everything that would identify a system: ids, names, providers, component names."""
    words: set[str] = set()
    for system in registry:
        words |= {system.id, system.display_name, system.provider}
        components = system.config.get("components") or {}
        words |= {str(v) for v in components.values()}
    return {w.lower() for w in words if w}


def assert_blind(text: str, registry: Registry) -> None:
    """No system id, name, provider or component in `text` (case-insensitive)."""
    lowered = text.lower()
    leaked = sorted(w for w in system_words(registry) if w in lowered)
    assert not leaked, f"pre-vote data names a system ({leaked}): {text[:300]}"


def ws_url(base: str, battle_id: str, label: str) -> str:
    return f"{base.replace('http', 'ws', 1)}/api/v1/battles/{battle_id}/agent-stream?agent={label}"


async def next_json(ws: ClientConnection, kind: str, within: float = 20.0) -> dict[str, Any]:
    """Skip audio and other frames until a JSON frame of `kind` arrives."""

    async def read() -> dict[str, Any]:
        while True:
            frame = await ws.recv()
            if isinstance(frame, str):
                message: dict[str, Any] = json.loads(frame)
                if message["type"] == kind:
                    return message

    return await asyncio.wait_for(read(), within)


def silence(ms: int) -> bytes:
    return bytes(2 * SAMPLE_RATE * ms // 1000)
