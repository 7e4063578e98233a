"""A real S2S plugin for tests that answers with a tone after a delay, to exercise timeouts."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import numpy as np

from arena.core.audio import Audio
from arena.providers.s2s import S2SResponse, SpeechToSpeech


@dataclass
class SleepyS2S(SpeechToSpeech):
    """Thinks until `release` is set (at most `seconds`), then answers with a short tone."""

    seconds: float = 60.0
    release: threading.Event = field(default_factory=threading.Event)

    def respond(self, audio: Audio) -> S2SResponse:
        self.release.wait(self.seconds)
        t = np.arange(8000, dtype=np.float32) / 16000
        tone = Audio((0.3 * np.sin(2 * np.pi * 330 * t)).astype(np.float32), 16000)
        return S2SResponse(tone, "", "hmm", self.seconds, self.seconds)


def sleepy_s2s(seconds: float) -> SleepyS2S:
    return SleepyS2S(
        id="sloth/deep-thought",
        mode="s2s",
        display_name="Sloth Deep Thought",
        provider="sloth",
        engine="sloth",
        seconds=seconds,
    )
