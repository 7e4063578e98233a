"""The speech-to-speech contract: spoken input in, spoken answer out, with its latencies."""

from __future__ import annotations

from abc import abstractmethod
from dataclasses import dataclass, field

from arena.core.audio import Audio
from arena.providers.base import System


@dataclass(frozen=True)
class S2SResponse:
    """A spoken answer and what is known about how it was made.

    Latencies count from the moment the whole input was handed over: `latency_s` until the
    last answer audio, `first_audio_s` until the first. `stages` holds per-stage seconds when
    the system has stages (a cascade's "stt", "respond", "tts").
    """

    audio: Audio
    input_transcript: str
    response_text: str
    latency_s: float
    first_audio_s: float
    stages: dict[str, float] = field(default_factory=dict)


@dataclass
class SpeechToSpeech(System):
    """An S2S system (mode "s2s"). Synchronous and possibly slow: call it from a worker thread."""

    @abstractmethod
    def respond(self, audio: Audio) -> S2SResponse:
        """Answer one spoken utterance (mono, any sample rate)."""
