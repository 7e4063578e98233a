"""OpenAI text-to-speech (`POST {OPENAI_BASE_URL}/audio/speech`), streamed as 24 kHz PCM."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

from arena.config import Settings
from arena.core.audio import Audio
from arena.providers.hookspecs import Register, hookimpl
from arena.providers.hosted.http import SpeechRequest, stream_speech
from arena.providers.hosted.openai_account import OpenAIAccount
from arena.providers.tts import TextToSpeech

PCM_RATE = 24000  # response_format "pcm": 24 kHz, 16-bit signed little-endian, mono

# (model, voice) per system id suffix.
VOICES: dict[str, tuple[str, str]] = {
    "gpt-4o-mini-tts-alloy": ("gpt-4o-mini-tts", "alloy"),
    "gpt-4o-mini-tts-coral": ("gpt-4o-mini-tts", "coral"),
    "tts-1-nova": ("tts-1", "nova"),
}


@dataclass
class OpenAISpeech(OpenAIAccount, TextToSpeech):
    """One OpenAI (or OpenAI-compatible) TTS model and voice."""

    product: ClassVar[str] = "OpenAI TTS"

    model: str = "gpt-4o-mini-tts"
    voice: str = "alloy"

    def synthesize(self, text: str) -> Iterator[Audio]:
        request = SpeechRequest(
            system_id=self.id,
            url=self.endpoint("audio/speech"),
            headers=self.auth_headers(),
            body={
                "model": self.model,
                "voice": self.voice,
                "input": text,
                "response_format": "pcm",
            },
            sample_rate=PCM_RATE,
            key_env="OPENAI_API_KEY",
            base_url_env="OPENAI_BASE_URL",
            timeout_s=self.timeout_s,
        )
        return stream_speech(request)


@hookimpl
def register_systems(register: Register, settings: Settings) -> None:
    """OpenAI voices; available when OPENAI_API_KEY is set."""
    for suffix, (model, voice) in VOICES.items():
        register(
            OpenAISpeech(
                id=f"openai/{suffix}",
                mode="tts",
                display_name=f"OpenAI {model} ({voice})",
                provider="openai",
                engine="openai",
                config={"model": model, "voice": voice, "format": "pcm 24 kHz"},
                model=model,
                voice=voice,
                base_url=settings.openai_base_url,
                api_key=settings.openai_api_key,
            )
        )
