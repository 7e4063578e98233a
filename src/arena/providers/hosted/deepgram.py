"""Deepgram pre-recorded transcription (`POST {DEEPGRAM_BASE_URL}/v1/listen`, WAV body)."""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx

from arena.config import Settings
from arena.core.audio import Audio, to_wav_bytes
from arena.providers.base import Availability, ProviderError
from arena.providers.hookspecs import Register, hookimpl
from arena.providers.hosted.http import DEFAULT_TIMEOUT_S, error_message, http_failure
from arena.providers.hosted.openai_stt import post_audio
from arena.providers.stt import STT_SAMPLE_RATE, SpeechToText, Transcription, Word

MODELS: dict[str, str] = {
    "nova-3": "Nova-3, general",
    "nova-2": "Nova-2, general",
}


@dataclass
class DeepgramTranscriber(SpeechToText):
    """One Deepgram model, with smart formatting (digits, punctuation) on."""

    model: str = "nova-3"
    base_url: str = "https://api.deepgram.com"
    api_key: str | None = field(default=None, repr=False)
    timeout_s: float = DEFAULT_TIMEOUT_S

    def available(self) -> Availability:
        return Availability.needs_key(self.api_key, "DEEPGRAM_API_KEY", "Deepgram")

    def transcribe(self, audio: Audio) -> Transcription:
        response = post_audio(
            self.id,
            "DEEPGRAM_BASE_URL",
            self.timeout_s,
            url=f"{self.base_url.rstrip('/')}/v1/listen",
            params={"model": self.model, "language": "en", "smart_format": "true"},
            headers={"Authorization": f"Token {self.api_key or ''}", "Content-Type": "audio/wav"},
            content=to_wav_bytes(audio.resampled(STT_SAMPLE_RATE)),
        )
        if response.status_code != httpx.codes.OK:
            raise http_failure(self.id, response, _error_detail(response), "DEEPGRAM_API_KEY")
        return _transcription(self.id, response)


def _error_detail(response: httpx.Response) -> str:
    """Deepgram errors carry `err_msg` (and `err_code`)."""
    try:
        body = response.json()
    except ValueError:
        return error_message(response)
    if isinstance(body, dict) and isinstance(body.get("err_msg"), str):
        return f"{body.get('err_code', 'error')}: {body['err_msg']}"
    return error_message(response)


def _transcription(system_id: str, response: httpx.Response) -> Transcription:
    try:
        best = response.json()["results"]["channels"][0]["alternatives"][0]
        text = str(best["transcript"])
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise ProviderError(
            system_id, f"unexpected Deepgram answer: {response.text[:200]}"
        ) from exc
    words = tuple(
        Word(str(w.get("punctuated_word") or w["word"]), float(w["start"]), float(w["end"]))
        for w in best.get("words") or []
        if isinstance(w, dict) and {"word", "start", "end"} <= w.keys()
    )
    return Transcription(text.strip(), words)


@hookimpl
def register_systems(register: Register, settings: Settings) -> None:
    """Deepgram models; available when DEEPGRAM_API_KEY is set."""
    for model, description in MODELS.items():
        register(
            DeepgramTranscriber(
                id=f"stt-deepgram/{model}",
                mode="stt",
                display_name=f"Deepgram {model}",
                provider="deepgram",
                engine="deepgram",
                config={"model": model, "description": description, "smart_format": True},
                model=model,
                base_url=settings.deepgram_base_url,
                api_key=settings.deepgram_api_key,
            )
        )
