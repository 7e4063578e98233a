"""The text-to-speech contract."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass

from arena.core.audio import Audio
from arena.providers.base import System


@dataclass
class TextToSpeech(System):
    """A TTS system. `synthesize` yields audio chunks as soon as each is ready.

    Engines are synchronous and may block; callers run them in a worker thread. The time to
    the first yielded chunk is the system's time to first byte.
    """

    @abstractmethod
    def synthesize(self, text: str) -> Iterator[Audio]:
        """Speak `text`, yielding mono chunks (any sample rate, consistent within a call)."""
