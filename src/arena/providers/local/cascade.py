"""Offline speech-to-speech cascades: STT -> responder -> TTS, timed stage by stage."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from types import ModuleType

from arena.config import Settings
from arena.core.audio import Audio, concat
from arena.providers.base import Availability, ProviderError, System
from arena.providers.hookspecs import Register, hookimpl
from arena.providers.local import espeak, piper, pocketsphinx, whisper
from arena.providers.local.responder import Responder, ResponderError, responder_for
from arena.providers.s2s import S2SResponse, SpeechToSpeech
from arena.providers.stt import SpeechToText
from arena.providers.tts import TextToSpeech

# id -> (display name, (STT plugin, STT id), (TTS plugin, TTS id))
CASCADES: dict[str, tuple[str, tuple[ModuleType, str], tuple[ModuleType, str]]] = {
    "s2s-local-fast": (
        "Local cascade (fast)",
        (pocketsphinx, "stt-pocketsphinx/batch"),
        (espeak, "espeak-ng/en-us"),
    ),
    "s2s-local-quality": (
        "Local cascade (quality)",
        (whisper, "stt-whisper-tiny/greedy"),
        (piper, "piper/joe-medium"),
    ),
}


@dataclass
class Cascade(SpeechToSpeech):
    """Transcribe, answer, speak. The first answer audio arrives after the first TTS chunk."""

    stt: SpeechToText | None = None
    responder: Responder | None = field(default=None, repr=False)
    tts: TextToSpeech | None = None

    def available(self) -> Availability:
        if self.stt is None or self.tts is None or self.responder is None:
            return Availability.no("a component of this cascade is not installed")
        for part in (self.stt, self.tts):
            ready = part.available()
            if not ready.ok:
                return Availability.no(f"{part.display_name}: {ready.reason}")
        return Availability.yes()

    def respond(self, audio: Audio) -> S2SResponse:
        if self.stt is None or self.tts is None or self.responder is None:
            raise ProviderError(self.id, "a component of this cascade is not installed")
        start = time.perf_counter()
        transcript = self.stt.transcribe(audio).text
        heard = time.perf_counter()
        try:
            answer = self.responder.reply(transcript)
        except ResponderError as exc:
            raise ProviderError(self.id, f"the responder failed: {exc}") from exc
        answered = time.perf_counter()
        chunks: list[Audio] = []
        first_audio = 0.0
        for chunk in self.tts.synthesize(answer):
            if not chunks:
                first_audio = time.perf_counter() - start
            chunks.append(chunk)
        if not chunks:
            raise ProviderError(self.id, f"{self.tts.display_name} produced no audio")
        done = time.perf_counter()
        return S2SResponse(
            audio=concat(chunks, chunks[0].sample_rate),
            input_transcript=transcript,
            response_text=answer,
            latency_s=done - start,
            first_audio_s=first_audio,
            stages={"stt": heard - start, "respond": answered - heard, "tts": done - answered},
        )


def _component(plugin: ModuleType, system_id: str, settings: Settings) -> System | None:
    """The system `plugin` registers under `system_id`, built the way the registry builds it."""
    found: list[System] = []
    plugin.register_systems(register=found.append, settings=settings)
    return next((s for s in found if s.id == system_id), None)


@hookimpl
def register_systems(register: Register, settings: Settings) -> None:
    """The offline cascades; they answer with a chat model instead when OPENAI_API_KEY is set."""
    responder = responder_for(settings)
    for system_id, (name, (stt_plugin, stt_id), (tts_plugin, tts_id)) in CASCADES.items():
        stt = _component(stt_plugin, stt_id, settings)
        tts = _component(tts_plugin, tts_id, settings)
        register(
            Cascade(
                id=system_id,
                mode="s2s",
                display_name=name,
                provider="local",
                engine=system_id,
                config={"stt": stt_id, "responder": responder.description, "tts": tts_id},
                stt=stt if isinstance(stt, SpeechToText) else None,
                responder=responder,
                tts=tts if isinstance(tts, TextToSpeech) else None,
            )
        )
