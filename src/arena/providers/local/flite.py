"""CMU Flite voices through the Debian `flite` binary."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from arena.config import Settings
from arena.core.audio import Audio
from arena.providers.base import Availability
from arena.providers.hookspecs import Register, hookimpl
from arena.providers.local.command import speak_with_command
from arena.providers.tts import TextToSpeech

INSTALL_HINT = "install the Debian package flite (sudo apt-get install flite)"

VOICES: dict[str, str] = {
    "kal16": "US English male, diphone, 16 kHz",
    "awb": "Scottish English male, clustergen",
    "rms": "US English male, clustergen",
    "slt": "US English female, clustergen",
}


@lru_cache(maxsize=8)
def installed_voices(binary: str) -> frozenset[str]:
    """The voices compiled into this flite binary (`flite -lv`)."""
    try:
        done = subprocess.run([binary, "-lv"], capture_output=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return frozenset()
    listing = done.stdout.decode("utf-8", "replace").partition(":")[2]
    return frozenset(listing.split())


@dataclass
class FliteVoice(TextToSpeech):
    """One flite voice, run as a subprocess per utterance."""

    voice: str = "slt"

    def available(self) -> Availability:
        binary = shutil.which("flite")
        if binary is None:
            return Availability.no(f"flite is not on PATH: {INSTALL_HINT}")
        if self.voice not in installed_voices(binary):
            return Availability.no(f"this flite build has no voice {self.voice!r}: {INSTALL_HINT}")
        return Availability.yes()

    def synthesize(self, text: str) -> Iterator[Audio]:
        def command(text_file: Path, wav_file: Path) -> list[str]:
            return ["flite", "-voice", self.voice, "-f", str(text_file), "-o", str(wav_file)]

        yield speak_with_command(self.id, text, command)


@hookimpl
def register_systems(register: Register, settings: Settings) -> None:
    """The flite voices shipped with Debian's flite package."""
    for voice, description in VOICES.items():
        register(
            FliteVoice(
                id=f"flite/{voice}",
                mode="tts",
                display_name=f"Flite ({voice})",
                provider="flite",
                engine="flite",
                config={"voice": voice, "description": description},
                voice=voice,
            )
        )
