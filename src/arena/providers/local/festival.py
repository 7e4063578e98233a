"""Festival voices through its `text2wave` script (Debian festival + festvox packages)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from arena.config import Settings
from arena.core.audio import Audio
from arena.providers.base import Availability
from arena.providers.hookspecs import Register, hookimpl
from arena.providers.local.command import speak_with_command
from arena.providers.tts import TextToSpeech

VOICE_ROOTS: tuple[Path, ...] = (
    Path("/usr/share/festival/voices"),
    Path("/usr/local/share/festival/voices"),
)


@dataclass(frozen=True)
class FestivalVoiceSpec:
    """A festival voice: its Scheme name, the Debian package that ships it, and a description."""

    name: str
    package: str
    description: str


VOICES: dict[str, FestivalVoiceSpec] = {
    "kal": FestivalVoiceSpec("kal_diphone", "festvox-kallpc16k", "US English male, diphone"),
    "ked": FestivalVoiceSpec("ked_diphone", "festvox-kdlpc16k", "US English male, diphone"),
    "slt-hts": FestivalVoiceSpec(
        "cmu_us_slt_arctic_hts", "festvox-us-slt-hts", "US English female, HMM (HTS)"
    ),
}


@dataclass
class FestivalVoice(TextToSpeech):
    """One festival voice, run through `text2wave` per utterance."""

    spec: FestivalVoiceSpec = field(default_factory=lambda: VOICES["kal"])
    voice_roots: tuple[Path, ...] = VOICE_ROOTS

    def available(self) -> Availability:
        if shutil.which("text2wave") is None:
            return Availability.no(
                "festival is not on PATH: install the Debian packages festival and "
                f"{self.spec.package} (sudo apt-get install festival {self.spec.package})"
            )
        if not any(self._has_voice(root) for root in self.voice_roots):
            return Availability.no(
                f"the festival voice {self.spec.name} is not installed: "
                f"sudo apt-get install {self.spec.package}"
            )
        return Availability.yes()

    def _has_voice(self, root: Path) -> bool:
        """Festival keeps voices as <root>/<language>/<voice name>/."""
        return root.is_dir() and any(root.glob(f"*/{self.spec.name}"))

    def synthesize(self, text: str) -> Iterator[Audio]:
        def command(text_file: Path, wav_file: Path) -> list[str]:
            select = f"(voice_{self.spec.name})"
            return ["text2wave", "-eval", select, str(text_file), "-o", str(wav_file)]

        yield speak_with_command(self.id, text, command)


@hookimpl
def register_systems(register: Register, settings: Settings) -> None:
    """The festival voices Debian packages (festvox-*)."""
    for suffix, spec in VOICES.items():
        register(
            FestivalVoice(
                id=f"festival/{suffix}",
                mode="tts",
                display_name=f"Festival ({suffix})",
                provider="festival",
                engine="festival",
                config={
                    "voice": spec.name,
                    "package": spec.package,
                    "description": spec.description,
                },
                spec=spec,
            )
        )
