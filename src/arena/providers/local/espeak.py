"""espeak-ng, in process: ctypes bindings to the libespeak-ng bundled by `espeakng-loader`."""

from __future__ import annotations

import ctypes
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from arena.config import Settings
from arena.core.audio import Audio
from arena.providers.base import Availability, ProviderError
from arena.providers.hookspecs import Register, hookimpl
from arena.providers.tts import TextToSpeech

INSTALL_HINT = "install the Python package espeakng-loader (pip install espeakng-loader)"

# espeak-ng voice name (with an optional +variant) for each system id suffix.
VOICES: dict[str, tuple[str, str]] = {
    "en-us": ("en-us", "American English, default male"),
    "en-gb": ("en", "British English, default male"),
    "en-us-f3": ("en-us+f3", "American English, female variant f3"),
    "en-gb-scotland": ("en-gb-scotland", "Scottish English, default male"),
}

_AUDIO_OUTPUT_SYNCHRONOUS = 2
_ESPEAK_CHARS_UTF8 = 1
_EE_OK = 0
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+")

_SynthCallback = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)


def split_sentences(text: str) -> list[str]:
    """Sentences of `text`, so the first one can be spoken before the rest are synthesized."""
    return [s for s in (part.strip() for part in _SENTENCE_END.split(text)) if s]


class EspeakLibrary:
    """libespeak-ng loaded once per process; its global state is guarded by one lock."""

    def __init__(self) -> None:
        import espeakng_loader

        self._lib = ctypes.CDLL(espeakng_loader.get_library_path())
        self._lib.espeak_Initialize.argtypes = [
            ctypes.c_int,
            ctypes.c_int,
            ctypes.c_char_p,
            ctypes.c_int,
        ]
        self._lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        self._lib.espeak_Synth.argtypes = [
            ctypes.c_void_p,
            ctypes.c_size_t,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_uint,
            ctypes.c_void_p,
            ctypes.c_void_p,
        ]
        data_path = espeakng_loader.get_data_path().encode()
        self.sample_rate: int = self._lib.espeak_Initialize(
            _AUDIO_OUTPUT_SYNCHRONOUS, 0, data_path, 0
        )
        if self.sample_rate <= 0:
            raise RuntimeError(f"espeak_Initialize failed with code {self.sample_rate}")
        self._chunks: list[np.ndarray[Any, np.dtype[np.int16]]] = []
        self._callback = _SynthCallback(self._collect)
        self._lib.espeak_SetSynthCallback(self._callback)
        self.lock = threading.Lock()

    def _collect(self, wav: Any, count: int, _events: Any) -> int:
        if count > 0:
            self._chunks.append(np.ctypeslib.as_array(wav, shape=(count,)).copy())
        return 0

    def speak(self, voice: str, text: str) -> Audio:
        """Synthesize one piece of text with `voice` (e.g. "en-us+f3")."""
        with self.lock:
            if self._lib.espeak_SetVoiceByName(voice.encode()) != _EE_OK:
                raise ValueError(f"espeak-ng has no voice named {voice!r}")
            self._chunks = []
            data = text.encode("utf-8")
            code = self._lib.espeak_Synth(
                data, len(data) + 1, 0, 0, 0, _ESPEAK_CHARS_UTF8, None, None
            )
            if code != _EE_OK:
                raise RuntimeError(f"espeak_Synth failed with code {code}")
            pcm = np.concatenate(self._chunks) if self._chunks else np.zeros(0, np.int16)
            self._chunks = []
        return Audio(pcm.astype(np.float32) / 32768.0, self.sample_rate)


_library: EspeakLibrary | None = None
_library_lock = threading.Lock()


def library() -> EspeakLibrary:
    """The process-wide espeak-ng library, loaded on first use."""
    global _library
    with _library_lock:
        if _library is None:
            _library = EspeakLibrary()
        return _library


@dataclass
class EspeakVoice(TextToSpeech):
    """One espeak-ng voice; speaks sentence by sentence so the first chunk comes early."""

    voice: str = "en-us"

    def available(self) -> Availability:
        try:
            library()
        except ImportError:
            return Availability.no(f"espeak-ng is not installed: {INSTALL_HINT}")
        except (OSError, RuntimeError) as exc:
            return Availability.no(f"libespeak-ng could not be loaded ({exc}): {INSTALL_HINT}")
        return Availability.yes()

    def synthesize(self, text: str) -> Iterator[Audio]:
        try:
            engine = library()
            for sentence in split_sentences(text):
                yield engine.speak(self.voice, sentence)
        except (ImportError, OSError, RuntimeError, ValueError) as exc:
            raise ProviderError(self.id, f"espeak-ng failed: {exc}") from exc


@hookimpl
def register_systems(register: Register, settings: Settings) -> None:
    """The espeak-ng voices."""
    for suffix, (voice, description) in VOICES.items():
        register(
            EspeakVoice(
                id=f"espeak-ng/{suffix}",
                mode="tts",
                display_name=f"eSpeak NG ({suffix})",
                provider="espeak-ng",
                engine="espeak-ng",
                config={"voice": voice, "description": description, "synthesis": "formant"},
                voice=voice,
            )
        )
