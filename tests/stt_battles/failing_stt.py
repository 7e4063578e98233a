"""A real STT plugin for tests whose engine always crashes, to exercise failed battles."""

from __future__ import annotations

from dataclasses import dataclass

from arena.core.audio import Audio
from arena.providers.base import ProviderError
from arena.providers.stt import SpeechToText, Transcription


@dataclass
class CrashingSTT(SpeechToText):
    """Fails every transcription, as an engine with a corrupt model would."""

    def transcribe(self, audio: Audio) -> Transcription:
        raise ProviderError(self.id, "the acoustic model could not be loaded")


def crashing_stt() -> CrashingSTT:
    return CrashingSTT(
        id="crashy/one", mode="stt", display_name="Crashy One", provider="crashy", engine="crashy"
    )
