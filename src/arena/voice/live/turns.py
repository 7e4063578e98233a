"""Turns and turn latency, measured at the bridge.

Turn latency is end of user speech (VAD on the user's stream, the last voiced frame) → the
first agent audio byte of the reply, in milliseconds. A reply is a new burst of agent audio:
audio after an interrupt or after a pause of `BURST_GAP_S`, so an agent still finishing an
earlier sentence does not count as a fast answer. TTFB is call start → first agent byte.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from arena.voice.live.events import Role

BURST_GAP_S = 0.25


def _ms(seconds: float) -> int:
    return round(seconds * 1000)


@dataclass(slots=True)
class Turn:
    """One side's utterance(s) between two turns of the other side; times in ms from start."""

    role: Role
    text: str
    start_ms: int
    end_ms: int
    latency_ms: int | None = None
    interrupted: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "text": self.text,
            "start_ms": self.start_ms,
            "end_ms": self.end_ms,
            "latency_ms": self.latency_ms,
            "interrupted": self.interrupted,
        }


def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile (0-100) by linear interpolation, None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass
class TurnTracker:
    """Builds the transcript and the latencies from VAD edges, agent audio and transcripts.

    Every time is seconds since the call started, on the bridge's monotonic clock.
    """

    turns: list[Turn] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    ttfb_ms: float | None = None
    user_speaking: bool = False
    caller_heard: bool = False  # the VAD heard the caller at least once
    _speech_start: float | None = None
    _speech_end: float | None = None
    _awaiting_reply_since: float | None = None
    last_agent_audio_at: float | None = None
    _interrupted_since_audio: bool = False
    _pending_latency: float | None = None
    _agent_audio_start: float | None = None
    _agent_plays_until: float = 0.0
    _user_partial: str = ""
    _unclaimed_interrupt: float | None = None
    _burst_started_at: float | None = None
    _agent_partial: str = ""

    @property
    def user_turns(self) -> int:
        return sum(1 for turn in self.turns if turn.role == "user")

    def user_speech_started(self, at: float) -> None:
        self.user_speaking = True
        self.caller_heard = True
        self._awaiting_reply_since = None
        if self._speech_start is None:
            self._speech_start = at

    def user_speech_ended(self, at: float) -> None:
        """Speech ended at `at` (the last voiced frame; known only after the VAD's hangover)."""
        self.user_speaking = False
        self._speech_end = at
        self._awaiting_reply_since = at
        burst = self._burst_started_at
        if burst is not None and burst >= at:
            # The reply began during the hangover, before the VAD could call the end.
            self._measure(burst - at)

    def agent_audio(self, at: float, starts_playing: float, plays_until: float) -> None:
        """Agent audio arrived at `at`; it plays from `starts_playing` to `plays_until`."""
        if self.ttfb_ms is None:
            self.ttfb_ms = at * 1000
        new_burst = (
            self.last_agent_audio_at is None
            or self._interrupted_since_audio
            or at - self.last_agent_audio_at > BURST_GAP_S
        )
        if new_burst:
            self._burst_started_at = at
        if new_burst and self._awaiting_reply_since is not None and not self.user_speaking:
            self._measure(at - self._awaiting_reply_since)
        if new_burst or self._agent_audio_start is None:
            self._agent_audio_start = starts_playing
        self.last_agent_audio_at = at
        self._interrupted_since_audio = False
        self._unclaimed_interrupt = None
        self._agent_plays_until = plays_until
        last = self.turns[-1] if self.turns else None
        if last is not None and last.role == "agent" and not last.interrupted:
            last.end_ms = max(last.end_ms, _ms(plays_until))

    def _measure(self, seconds: float) -> None:
        latency = seconds * 1000
        self.latencies_ms.append(latency)
        self._awaiting_reply_since = None
        self._attach_latency(latency)

    def interrupted(self, at: float) -> None:
        self._interrupted_since_audio = True
        self._agent_plays_until = min(self._agent_plays_until, at)
        last = self.turns[-1] if self.turns else None
        if last is not None and last.role == "agent" and not last.interrupted:
            last.interrupted = True
            last.end_ms = min(last.end_ms, _ms(at))
        else:
            # Some providers send the interrupted utterance's transcript after the interrupt.
            self._unclaimed_interrupt = at

    def user_transcript(self, text: str, final: bool, at: float) -> None:
        if not final:
            self._user_partial = text
            return
        self._user_partial = ""
        text = text.strip()
        if not text:
            return
        start = self._speech_start if self._speech_start is not None else at
        end = self._speech_end if self._speech_end is not None and self._speech_end >= start else at
        self._speech_start = None if not self.user_speaking else self._speech_start
        last = self.turns[-1] if self.turns else None
        if last is not None and last.role == "user":
            last.text = f"{last.text} {text}"
            last.end_ms = max(last.end_ms, _ms(end))
        else:
            self.turns.append(Turn("user", text, _ms(start), _ms(end)))
            self._pending_latency = None
        if not self.user_speaking:
            self._speech_start = None

    def agent_transcript(self, text: str, final: bool, at: float) -> None:
        if not final:
            self._agent_partial = text
            return
        self._agent_partial = ""
        text = text.strip()
        if not text:
            return
        last = self.turns[-1] if self.turns else None
        if last is not None and last.role == "agent" and not last.interrupted:
            last.text = f"{last.text} {text}"
            last.end_ms = max(last.end_ms, _ms(self._agent_plays_until))
            return
        start = self._agent_audio_start if self._agent_audio_start is not None else at
        if last is not None and start * 1000 < last.end_ms:
            start = at
        turn = Turn("agent", text, _ms(start), _ms(max(at, self._agent_plays_until)))
        turn.latency_ms = None if self._pending_latency is None else round(self._pending_latency)
        self._pending_latency = None
        if self._unclaimed_interrupt is not None:
            turn.interrupted = True
            turn.end_ms = min(turn.end_ms, _ms(self._unclaimed_interrupt))
            self._unclaimed_interrupt = None
        self.turns.append(turn)

    def _attach_latency(self, latency: float) -> None:
        last = self.turns[-1] if self.turns else None
        if (
            last is not None
            and last.role == "agent"
            and last.latency_ms is None
            and self._speech_end is not None
            and last.start_ms >= _ms(self._speech_end)
        ):
            last.latency_ms = round(latency)
            return
        self._pending_latency = latency

    def finish(self, at: float) -> list[Turn]:
        """Close the call: unfinished partial transcripts become turns."""
        if self._user_partial:
            self.user_transcript(self._user_partial, final=True, at=at)
        if self._agent_partial:
            self.agent_transcript(self._agent_partial, final=True, at=at)
        return self.turns
