"""The one event vocabulary every live agent speaks, whatever the provider.

Small frozen dataclasses in the spirit of pipecat's frames: adapters translate their wire
protocol into these, and the bridge turns them into client frames, recordings and timings.
Audio is always PCM s16le, 16 kHz, mono.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Role = Literal["user", "agent"]

SAMPLE_RATE = 16000
"""Sample rate of every PCM byte that crosses the bridge, in either direction."""

BYTES_PER_SAMPLE = 2


@dataclass(frozen=True, slots=True)
class AgentAudio:
    """A chunk of the agent's speech: PCM s16le 16 kHz mono, any even length."""

    pcm: bytes


@dataclass(frozen=True, slots=True)
class UserTranscript:
    """What the provider heard the user say; `final` marks the end of the utterance."""

    text: str
    final: bool


@dataclass(frozen=True, slots=True)
class AgentTranscript:
    """What the agent says; partial while it is still speaking, final once per utterance."""

    text: str
    final: bool


@dataclass(frozen=True, slots=True)
class SpeechStarted:
    """A provider-side voice activity notice: `role` started speaking."""

    role: Role


@dataclass(frozen=True, slots=True)
class SpeechStopped:
    """A provider-side voice activity notice: `role` stopped speaking."""

    role: Role


@dataclass(frozen=True, slots=True)
class Interrupt:
    """The user barged in: drop every agent sample not yet played (the client gets `clear`)."""


@dataclass(frozen=True, slots=True)
class ToolCall:
    """The agent called one of the scenario's (simulated) tools."""

    name: str
    arguments: Mapping[str, Any] = field(default_factory=dict)
    result: str = ""


@dataclass(frozen=True, slots=True)
class Ended:
    """The provider ended the call (the agent hung up, a provider limit, the socket closed)."""

    reason: str


@dataclass(frozen=True, slots=True)
class Error:
    """The provider failed mid-call; the conversation ends with `ended_by="provider_error"`."""

    message: str


AgentEvent = (
    AgentAudio
    | UserTranscript
    | AgentTranscript
    | SpeechStarted
    | SpeechStopped
    | Interrupt
    | ToolCall
    | Ended
    | Error
)

__all__ = [
    "BYTES_PER_SAMPLE",
    "SAMPLE_RATE",
    "AgentAudio",
    "AgentEvent",
    "AgentTranscript",
    "Ended",
    "Error",
    "Interrupt",
    "Role",
    "SpeechStarted",
    "SpeechStopped",
    "ToolCall",
    "UserTranscript",
]
