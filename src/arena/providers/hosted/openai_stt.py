"""OpenAI transcription (`POST {OPENAI_BASE_URL}/audio/transcriptions`, multipart WAV)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import httpx

from arena.config import Settings
from arena.core.audio import Audio, to_wav_bytes
from arena.providers.base import ProviderError
from arena.providers.hookspecs import Register, hookimpl
from arena.providers.hosted.http import error_message, http_failure
from arena.providers.hosted.openai_account import OpenAIAccount
from arena.providers.stt import STT_SAMPLE_RATE, SpeechToText, Transcription, Word

MODELS: dict[str, str] = {
    "whisper-1": "Whisper large-v2, hosted",
    "gpt-4o-mini-transcribe": "GPT-4o mini transcribe",
}


def post_audio(
    system_id: str, base_url_env: str, timeout_s: float, **request: Any
) -> httpx.Response:
    """Send one request (httpx.Client.request keywords); transport failures as ProviderError."""
    try:
        with httpx.Client(timeout=httpx.Timeout(timeout_s)) as client:
            return client.request("POST", **request)
    except httpx.TimeoutException as exc:
        raise ProviderError(
            system_id, f"no answer from {request['url']} within {timeout_s:g} s"
        ) from exc
    except httpx.TransportError as exc:
        raise ProviderError(
            system_id, f"could not reach {request['url']} ({exc}): check {base_url_env}"
        ) from exc


@dataclass
class OpenAITranscriber(OpenAIAccount, SpeechToText):
    """One OpenAI (or OpenAI-compatible) transcription model."""

    product: ClassVar[str] = "OpenAI transcription"

    model: str = "whisper-1"

    def transcribe(self, audio: Audio) -> Transcription:
        wav = to_wav_bytes(audio.resampled(STT_SAMPLE_RATE))
        verbose = self.model == "whisper-1"  # the gpt-4o models answer json only
        response = post_audio(
            self.id,
            "OPENAI_BASE_URL",
            self.timeout_s,
            url=self.endpoint("audio/transcriptions"),
            headers=self.auth_headers(),
            data={
                "model": self.model,
                "language": "en",
                "response_format": "verbose_json" if verbose else "json",
                **({"timestamp_granularities[]": "word"} if verbose else {}),
            },
            files={"file": ("audio.wav", wav, "audio/wav")},
        )
        if response.status_code != httpx.codes.OK:
            raise http_failure(self.id, response, error_message(response), "OPENAI_API_KEY")
        return _transcription(self.id, response)


def _transcription(system_id: str, response: httpx.Response) -> Transcription:
    try:
        body = response.json()
        text = body["text"]
    except (ValueError, KeyError, TypeError) as exc:
        raise ProviderError(
            system_id, f"unexpected transcription answer: {response.text[:200]}"
        ) from exc
    words = tuple(
        Word(str(w["word"]), float(w["start"]), float(w["end"]))
        for w in body.get("words") or []
        if isinstance(w, dict) and {"word", "start", "end"} <= w.keys()
    )
    return Transcription(str(text).strip(), words)


@hookimpl
def register_systems(register: Register, settings: Settings) -> None:
    """OpenAI transcription models; available when OPENAI_API_KEY is set."""
    for model, description in MODELS.items():
        register(
            OpenAITranscriber(
                id=f"stt-openai/{model}",
                mode="stt",
                display_name=f"OpenAI {model}",
                provider="openai",
                engine="openai-stt",
                config={"model": model, "description": description},
                model=model,
                base_url=settings.openai_base_url,
                api_key=settings.openai_api_key,
            )
        )
