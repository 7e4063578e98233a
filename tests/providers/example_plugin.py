"""arena-slow-espeak: an example Arena plugin, espeak-ng's command line at a slow speaking rate."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from arena.config import Settings
from arena.core.audio import Audio, read_wav
from arena.providers.base import Availability, ProviderError
from arena.providers.hookspecs import Register, hookimpl
from arena.providers.tts import TextToSpeech


@dataclass
class SlowEspeak(TextToSpeech):
    """espeak-ng at a chosen speaking rate, run as a subprocess."""

    words_per_minute: int = 120

    def available(self) -> Availability:
        if shutil.which("espeak-ng") is None:
            return Availability.no("espeak-ng is not on PATH: sudo apt-get install espeak-ng")
        return Availability.yes()

    def synthesize(self, text: str) -> Iterator[Audio]:
        with tempfile.TemporaryDirectory() as tmp:
            wav = Path(tmp) / "speech.wav"
            # -w writes a complete WAV file; the header of --stdout has bogus size fields.
            argv = ["espeak-ng", "-s", str(self.words_per_minute), "-w", str(wav), "--", text]
            done = subprocess.run(argv, capture_output=True, check=False)
            if done.returncode != 0:
                raise ProviderError(self.id, done.stderr.decode(errors="replace"))
            yield read_wav(wav.read_bytes())


@hookimpl
def register_systems(register: Register, settings: Settings) -> None:
    """Offer one system; `settings` carries keys and base URLs if a plugin needs them."""
    register(
        SlowEspeak(
            id="slow-espeak/en-us",
            mode="tts",
            display_name="Slow eSpeak",
            provider="slow-espeak",
            engine="espeak-ng",
            config={"words_per_minute": 120},
        )
    )
