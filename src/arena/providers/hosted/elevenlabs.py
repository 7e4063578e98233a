"""ElevenLabs text-to-speech (`POST /v1/text-to-speech/{voice_id}/stream`), as 16 kHz PCM."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from arena.config import Settings
from arena.core.audio import Audio
from arena.providers.base import Availability
from arena.providers.hookspecs import Register, hookimpl
from arena.providers.hosted.http import DEFAULT_TIMEOUT_S, SpeechRequest, stream_speech
from arena.providers.tts import TextToSpeech

OUTPUT_FORMAT = "pcm_16000"
PCM_RATE = 16000


@dataclass(frozen=True)
class ElevenLabsVoiceSpec:
    """A premade ElevenLabs voice and the model that speaks it."""

    voice_id: str
    name: str
    model_id: str


VOICES: dict[str, ElevenLabsVoiceSpec] = {
    "rachel-flash-v2.5": ElevenLabsVoiceSpec("21m00Tcm4TlvDq8ikWAM", "Rachel", "eleven_flash_v2_5"),
    "george-multilingual-v2": ElevenLabsVoiceSpec(
        "JBFqnCBsd6RMkjVDRZzb", "George", "eleven_multilingual_v2"
    ),
}


@dataclass
class ElevenLabsSpeech(TextToSpeech):
    """One ElevenLabs voice and model, streamed as raw PCM."""

    voice_id: str = "21m00Tcm4TlvDq8ikWAM"
    model_id: str = "eleven_flash_v2_5"
    base_url: str = "https://api.elevenlabs.io"
    api_key: str | None = field(default=None, repr=False)
    timeout_s: float = DEFAULT_TIMEOUT_S

    def available(self) -> Availability:
        return Availability.needs_key(self.api_key, "ELEVENLABS_API_KEY", "ElevenLabs TTS")

    def synthesize(self, text: str) -> Iterator[Audio]:
        request = SpeechRequest(
            system_id=self.id,
            url=f"{self.base_url.rstrip('/')}/v1/text-to-speech/{self.voice_id}/stream",
            headers={"xi-api-key": self.api_key or ""},
            body={"text": text, "model_id": self.model_id},
            params={"output_format": OUTPUT_FORMAT},
            sample_rate=PCM_RATE,
            key_env="ELEVENLABS_API_KEY",
            base_url_env="ELEVENLABS_BASE_URL",
            timeout_s=self.timeout_s,
        )
        return stream_speech(request)


@hookimpl
def register_systems(register: Register, settings: Settings) -> None:
    """ElevenLabs premade voices; available when ELEVENLABS_API_KEY is set."""
    for suffix, spec in VOICES.items():
        register(
            ElevenLabsSpeech(
                id=f"elevenlabs/{suffix}",
                mode="tts",
                display_name=f"ElevenLabs {spec.name} ({spec.model_id})",
                provider="elevenlabs",
                engine="elevenlabs",
                config={
                    "voice": spec.name,
                    "voice_id": spec.voice_id,
                    "model": spec.model_id,
                    "format": OUTPUT_FORMAT,
                },
                voice_id=spec.voice_id,
                model_id=spec.model_id,
                base_url=settings.elevenlabs_base_url,
                api_key=settings.elevenlabs_api_key,
            )
        )
