"""A real TTS plugin for tests: each system speaks a short tone sequence derived from the text.

Registered through the same pluggy hook as the built-in engines; fast and deterministic, so
battle tests do not depend on which offline engines a machine has.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from arena.config import Settings
from arena.core.audio import Audio
from arena.providers.base import ProviderError
from arena.providers.hookspecs import Register, hookimpl
from arena.providers.tts import TextToSpeech

SAMPLE_RATE = 16000
# id, display name, provider, base pitch in Hz; "broken" engines always fail.
TONES: tuple[tuple[str, str, str, float], ...] = (
    ("tonegen/alto", "Tonegen Alto", "tonegen", 440.0),
    ("tonegen/bass", "Tonegen Bass", "tonegen", 220.0),
    ("chimeworks/soprano", "Chimeworks Soprano", "chimeworks", 660.0),
    ("bellcraft/tenor", "Bellcraft Tenor", "bellcraft", 330.0),
)


@dataclass
class ToneVoice(TextToSpeech):
    """Speaks `seconds` of tones whose pitches follow the text's hash."""

    pitch: float = 440.0
    seconds: float = 0.6
    broken: bool = False

    def synthesize(self, text: str) -> Iterator[Audio]:
        if self.broken:
            raise ProviderError(self.id, "this test engine always fails")
        digest = hashlib.sha256(text.encode()).digest()
        per_chunk = self.seconds / 3
        t = np.arange(int(per_chunk * SAMPLE_RATE), dtype=np.float32) / SAMPLE_RATE
        for byte in digest[:3]:
            freq = self.pitch * (1 + byte / 512)
            yield Audio((0.3 * np.sin(2 * np.pi * freq * t)).astype(np.float32), SAMPLE_RATE)


def tone_systems(broken: int = 0) -> list[ToneVoice]:
    """The four tone systems; the last `broken` of them always fail."""
    systems = [
        ToneVoice(id=i, mode="tts", display_name=n, provider=p, engine=p, pitch=f, config={"hz": f})
        for i, n, p, f in TONES
    ]
    for system in systems[len(systems) - broken :]:
        system.broken = True
    return systems


@hookimpl
def register_systems(register: Register, settings: Settings) -> None:
    for system in tone_systems():
        register(system)
