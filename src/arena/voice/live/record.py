"""What a finished live conversation leaves behind, however it ended."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from arena.voice.live.events import ToolCall
from arena.voice.live.recorder import Recording
from arena.voice.live.turns import Turn, percentile

EndedBy = Literal[
    "user",  # the End button: client sent {"type": "end_conversation"}
    "client_disconnect",  # the tab closed or the network dropped
    "agent",  # the provider/agent hung up (Ended event)
    "provider_error",  # the provider failed mid-call (Error event or a broken socket)
    "connect_failed",  # the provider could not be reached or refused the call
    "timeout",  # the duration watchdog fired
    "max_turns",  # the agent answered the scenario's last allowed user turn
    "server_shutdown",  # the server is stopping (shutdown event or task cancellation)
]


CALLER_ENDINGS: tuple[EndedBy, ...] = ("user", "client_disconnect", "timeout")
"""Endings on the caller's side: with no word from the caller, such a call cannot be judged."""


@dataclass(frozen=True)
class ConversationRecord:
    """One conversation: transcript with timings, latencies (ms), recordings and how it ended."""

    conversation_id: str
    ended_by: EndedBy
    end_reason: str
    turns: list[Turn]
    duration_seconds: float
    latencies_ms: list[float]
    ttfb_ms: float | None
    recording: Recording
    tool_calls: list[ToolCall] = field(default_factory=list)
    error: str | None = None
    caller_heard: bool = False  # the bridge's VAD heard the caller speak at least once

    @property
    def total_turns(self) -> int:
        return len(self.turns)

    @property
    def caller_spoke(self) -> bool:
        """Whether the caller said anything: heard by the bridge's VAD, or transcribed."""
        return self.caller_heard or any(turn.role == "user" for turn in self.turns)

    @property
    def judgeable(self) -> bool:
        """Whether a voter can judge the agent on this call.

        Not when the caller's side ended it (hung up, lost the connection, or let the time run
        out) without saying anything: nothing of the task was tried. An agent that hangs up or
        fails before the caller speaks is judged on that.
        """
        return self.caller_spoke or self.ended_by not in CALLER_ENDINGS

    @property
    def avg_latency_ms(self) -> float | None:
        return sum(self.latencies_ms) / len(self.latencies_ms) if self.latencies_ms else None

    @property
    def p50_latency_ms(self) -> float | None:
        return percentile(self.latencies_ms, 50)

    @property
    def p95_latency_ms(self) -> float | None:
        return percentile(self.latencies_ms, 95)

    def transcript(self) -> list[dict[str, Any]]:
        """The turns as JSON-ready dicts (role, text, start_ms, end_ms, latency_ms, ...)."""
        return [turn.as_dict() for turn in self.turns]

    def ended_frame(self) -> dict[str, Any]:
        """The `conversation_ended` frame sent to the client."""
        return {
            "type": "conversation_ended",
            "conversation_id": self.conversation_id,
            "total_turns": self.total_turns,
            "duration_seconds": round(self.duration_seconds, 2),
            "transcript": self.transcript(),
            "ended_by": self.ended_by,
            "judgeable": self.judgeable,
        }
