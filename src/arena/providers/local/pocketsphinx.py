"""CMU PocketSphinx 5 with its bundled US English model: batch and native streaming variants."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from arena.config import Settings
from arena.core.audio import Audio
from arena.providers.base import Availability, ProviderError
from arena.providers.hookspecs import Register, hookimpl
from arena.providers.stt import (
    STT_SAMPLE_RATE,
    SpeechToText,
    StreamingRecognizer,
    Transcription,
    Word,
)

INSTALL_HINT = "install the Python package pocketsphinx 5 (pip install 'pocketsphinx>=5')"

FRAME_BYTES = STT_SAMPLE_RATE // 50 * 2  # 20 ms of PCM s16le at 16 kHz
_ALTERNATE_PRONUNCIATION = re.compile(r"\(\d+\)$")


def is_spoken_word(token: str) -> bool:
    """False for PocketSphinx's silence and filler tokens (<s>, <sil>, [NOISE], (NULL))."""
    return bool(token) and token[0] not in "<[("


def clean_word(token: str) -> str:
    """A dictionary entry without its alternate-pronunciation suffix ("read(2)" -> "read")."""
    return _ALTERNATE_PRONUNCIATION.sub("", token)


class DecoderPool:
    """Decoders are not thread-safe and take ~0.4 s to build, so idle ones are kept for reuse.

    `cmn` is the cepstral mean normalization: "batch" (per utterance, so a result never
    depends on earlier calls) or "live" (running, for streaming).
    """

    def __init__(self, cmn: str) -> None:
        self.cmn = cmn
        self.initial_cmn = ""
        self._idle: list[Any] = []
        self._lock = threading.Lock()

    def acquire(self) -> Any:
        with self._lock:
            if self._idle:
                return self._idle.pop()
        from pocketsphinx import Decoder

        decoder = Decoder(loglevel="FATAL", cmn=self.cmn)
        self.initial_cmn = self.initial_cmn or decoder.get_cmn()
        return decoder

    def release(self, decoder: Any) -> None:
        with self._lock:
            self._idle.append(decoder)

    @contextmanager
    def lease(self) -> Iterator[Any]:
        """A decoder for one utterance; one that failed mid-utterance is dropped, not reused."""
        decoder = self.acquire()
        yield decoder
        self.release(decoder)


_batch_pool = DecoderPool("batch")
_live_pool = DecoderPool("live")


def model_dir() -> Path:
    """The en-us acoustic model (HMM) directory shipped inside the pocketsphinx wheel."""
    import pocketsphinx

    return Path(pocketsphinx.get_model_path()) / "en-us" / "en-us"


def _words(decoder: Any) -> tuple[Word, ...]:
    frame_rate = float(decoder.config["frate"])
    return tuple(
        Word(clean_word(seg.word), seg.start_frame / frame_rate, (seg.end_frame + 1) / frame_rate)
        for seg in decoder.seg()
        if is_spoken_word(seg.word)
    )


def _hypothesis(decoder: Any) -> str:
    hyp = decoder.hyp()
    if hyp is None:
        return ""
    return " ".join(clean_word(w) for w in hyp.hypstr.split() if is_spoken_word(w))


class PocketsphinxRecognizer(StreamingRecognizer):
    """Native streaming: each fed chunk is decoded at once and the partial hypothesis returned.

    A decoder is leased from the pool for the length of one utterance. The running cepstral
    mean carries over from one utterance of this stream to the next (it adapts to the speaker
    and channel) but never from another stream: each stream starts from the model's default.
    """

    def __init__(self, system_id: str, sample_rate: int = STT_SAMPLE_RATE) -> None:
        super().__init__(sample_rate)
        self._system_id = system_id
        self._decoder: Any = None
        self._cmn = ""
        self._resampler: Any = None
        self._carry = b""

    def _start(self) -> Any:
        if self._decoder is None:
            self._decoder = _live_pool.acquire()
            self._decoder.set_cmn(self._cmn or _live_pool.initial_cmn)
            self._decoder.start_utt()
            if self.sample_rate != STT_SAMPLE_RATE:
                import soxr

                self._resampler = soxr.ResampleStream(
                    self.sample_rate, STT_SAMPLE_RATE, 1, dtype="int16"
                )
        return self._decoder

    def _to_16k(self, pcm16: bytes, last: bool = False) -> bytes:
        data = self._carry + pcm16
        cut = len(data) - len(data) % 2
        self._carry = data[cut:]
        if self._resampler is None:
            return data[:cut]
        ints = np.frombuffer(data[:cut], dtype="<i2")
        return bytes(self._resampler.resample_chunk(ints, last=last).astype("<i2").tobytes())

    def feed(self, pcm16: bytes) -> str | None:
        try:
            decoder = self._start()
            data = self._to_16k(pcm16)
            if data:
                decoder.process_raw(data, False, False)
            partial = _hypothesis(decoder)
        except RuntimeError as exc:
            self._drop()
            raise ProviderError(self._system_id, f"PocketSphinx failed: {exc}") from exc
        return partial or None

    def finish(self) -> str:
        if self._decoder is None:
            return ""
        decoder = self._decoder
        try:
            tail = self._to_16k(b"", last=True)
            if tail:
                decoder.process_raw(tail, False, False)
            decoder.end_utt()
        except RuntimeError as exc:
            self._drop()
            raise ProviderError(self._system_id, f"PocketSphinx failed: {exc}") from exc
        text = _hypothesis(decoder)
        self._cmn = decoder.get_cmn()
        self._release()
        return text

    def reset(self) -> None:
        if self._decoder is not None:
            self._decoder.end_utt()
            self._release()

    def _release(self) -> None:
        _live_pool.release(self._decoder)
        self._drop()

    def _drop(self) -> None:
        self._decoder = None
        self._resampler = None
        self._carry = b""


@dataclass
class PocketsphinxSTT(SpeechToText):
    """PocketSphinx with the bundled en-us model.

    `streaming=False` decodes the whole clip at once (cepstral mean from the full utterance);
    `streaming=True` feeds 20 ms frames through the live recognizer, as an agent would.
    """

    streaming: bool = False

    def available(self) -> Availability:
        try:
            directory = model_dir()
        except ImportError:
            return Availability.no(f"pocketsphinx is not installed: {INSTALL_HINT}")
        if not (directory / "mdef").is_file():
            return Availability.no(f"the PocketSphinx en-us model is missing: {INSTALL_HINT}")
        return Availability.yes()

    def transcribe(self, audio: Audio) -> Transcription:
        pcm = audio.resampled(STT_SAMPLE_RATE).to_pcm16()
        if not np.frombuffer(pcm, dtype="<i2").any():
            return Transcription("")  # digital silence: batch normalization is undefined on it
        if self.streaming:
            recognizer = self.open_stream(STT_SAMPLE_RATE)
            for start in range(0, len(pcm), FRAME_BYTES):
                recognizer.feed(pcm[start : start + FRAME_BYTES])
            return Transcription(recognizer.finish())
        try:
            with _batch_pool.lease() as decoder:
                decoder.start_utt()
                decoder.process_raw(pcm, False, True)
                decoder.end_utt()
                return Transcription(_hypothesis(decoder), _words(decoder))
        except (ImportError, RuntimeError) as exc:
            raise ProviderError(self.id, f"PocketSphinx failed: {exc}") from exc

    def open_stream(self, sample_rate: int = STT_SAMPLE_RATE) -> StreamingRecognizer:
        return PocketsphinxRecognizer(self.id, sample_rate)


@hookimpl
def register_systems(register: Register, settings: Settings) -> None:
    """PocketSphinx, batch and streaming."""
    model = {
        "model": "CMU Sphinx en-us (bundled with pocketsphinx 5)",
        "acoustic_model": "continuous HMM, en-us",
        "language_model": "en-us.lm.bin (3-gram)",
    }
    for suffix, streaming, decoding in (
        ("batch", False, "whole clip at once, utterance-level cepstral normalization"),
        ("stream", True, "live, 20 ms frames, running cepstral normalization"),
    ):
        register(
            PocketsphinxSTT(
                id=f"stt-pocketsphinx/{suffix}",
                mode="stt",
                display_name=f"PocketSphinx ({suffix})",
                provider="pocketsphinx",
                engine="pocketsphinx",
                config={**model, "decoding": decoding},
                streaming=streaming,
            )
        )
