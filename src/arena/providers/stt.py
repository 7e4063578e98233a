"""The speech-to-text contract: batch transcription and a streaming recognizer."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

from arena.core.audio import Audio
from arena.providers.base import System

STT_SAMPLE_RATE = 16000


@dataclass(frozen=True)
class Word:
    """One recognized word with its position in the audio, in seconds."""

    text: str
    start_s: float
    end_s: float


@dataclass(frozen=True)
class Transcription:
    """What a system heard: the text as the engine printed it, and word timings if it has them."""

    text: str
    words: tuple[Word, ...] = ()


class StreamingRecognizer(ABC):
    """Recognizes one stream of PCM s16le mono audio, utterance by utterance.

    `feed` is cheap enough to call for every 20 ms frame and returns the current partial
    hypothesis when the engine has one (None otherwise). `finish` ends the utterance, returns
    the final text and leaves the recognizer ready for the next utterance; `reset` drops the
    current utterance without decoding it. A recognizer is used by one thread at a time.
    """

    def __init__(self, sample_rate: int = STT_SAMPLE_RATE) -> None:
        if sample_rate <= 0:
            raise ValueError(f"sample_rate must be positive, got {sample_rate}")
        self.sample_rate = sample_rate

    @abstractmethod
    def feed(self, pcm16: bytes) -> str | None:
        """Add audio; return the current partial transcript, or None if there is none yet."""

    @abstractmethod
    def finish(self) -> str:
        """End the utterance and return its final transcript."""

    @abstractmethod
    def reset(self) -> None:
        """Forget the current utterance."""


class BufferedRecognizer(StreamingRecognizer):
    """Streaming on top of batch: buffer the audio, transcribe it all on `finish`.

    For engines without native streaming; it never has partials.
    """

    def __init__(self, system: SpeechToText, sample_rate: int = STT_SAMPLE_RATE) -> None:
        super().__init__(sample_rate)
        self._system = system
        self._buffer = bytearray()

    def feed(self, pcm16: bytes) -> str | None:
        self._buffer.extend(pcm16)
        return None

    def finish(self) -> str:
        data = bytes(self._buffer[: len(self._buffer) - len(self._buffer) % 2])
        self._buffer.clear()
        if not data:
            return ""
        return self._system.transcribe(Audio.from_pcm16(data, self.sample_rate)).text

    def reset(self) -> None:
        self._buffer.clear()


@dataclass
class SpeechToText(System):
    """An STT system (mode "stt").

    Engines are synchronous and may block; callers run them in a worker thread. Models load
    once per process, lazily and thread-safely, so the first call may be slower.
    """

    @abstractmethod
    def transcribe(self, audio: Audio) -> Transcription:
        """Transcribe one clip of mono audio at any sample rate."""

    def open_stream(self, sample_rate: int = STT_SAMPLE_RATE) -> StreamingRecognizer:
        """A recognizer for PCM s16le mono at `sample_rate`; batch-backed unless overridden."""
        return BufferedRecognizer(self, sample_rate)
