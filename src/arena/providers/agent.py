"""The live voice agent contract: connect to a scenario, stream PCM in, events out."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from arena.providers.base import ProviderError, System
from arena.voice.live.events import AgentEvent

if TYPE_CHECKING:
    from arena.core.scenarios import Scenario


class AgentConnectError(ProviderError):
    """The agent could not be reached or refused the call (bad key, network, protocol)."""

    def __init__(self, system_id: str, provider: str, message: str) -> None:
        super().__init__(system_id, message)
        self.provider = provider


class AgentSession(ABC):
    """One live call with an agent.

    `send_audio` takes user PCM s16le 16 kHz mono; `events()` yields the agent's events in
    order and finishes after an `Ended` or `Error` (or when `close` is called). `end` asks the
    agent to hang up politely; `close` releases everything and is safe to call twice.
    """

    @abstractmethod
    async def send_audio(self, pcm16_16k: bytes) -> None:
        """Forward one chunk of user audio (even length, any size)."""

    @abstractmethod
    def events(self) -> AsyncIterator[AgentEvent]:
        """The agent's events, in order, until the call ends."""

    @abstractmethod
    async def end(self) -> None:
        """Hang up (provider hang-up message, or stop the local pipeline)."""

    @abstractmethod
    async def close(self) -> None:
        """Release sockets, threads and models; idempotent."""


@dataclass
class VoiceAgent(System):
    """A system of mode "agent": something a person can hold a live conversation with."""

    @abstractmethod
    async def connect(self, scenario: Scenario) -> AgentSession:
        """Start a call primed with the scenario's system prompt and simulated tools.

        Raises `AgentConnectError` when the provider cannot be reached or refuses the call.
        """


__all__ = ["AgentConnectError", "AgentSession", "VoiceAgent"]
