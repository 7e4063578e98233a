"""Turning text into battle-ready audio: run a TTS engine, resample, normalize loudness, cache.

`synthesize` is what the TTS battle flow calls; `stream_pcm16` / `astream_pcm16` serve live
agents that play speech back chunk by chunk.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import soxr

from arena.config import Settings
from arena.core.audio import Audio, to_wav_bytes
from arena.core.loudness import normalize_loudness
from arena.providers.base import ProviderError
from arena.providers.tts import TextToSpeech

__all__ = ["Synthesis", "astream_pcm16", "stream_pcm16", "synthesize"]


@dataclass(frozen=True)
class Synthesis:
    """A synthesized utterance on disk (WAV PCM s16le mono) and how long it took to make.

    Timings are those of the original synthesis, also when the audio comes from the cache.
    """

    audio_path: Path
    duration_s: float
    synthesis_s: float
    ttfb_s: float
    rtf: float
    cached: bool


@dataclass(frozen=True)
class _Timings:
    duration_s: float
    synthesis_s: float
    ttfb_s: float
    sample_rate: int


async def synthesize(system: TextToSpeech, text: str, settings: Settings) -> Synthesis:
    """`text` spoken by `system` at the common rate and loudness, from the cache when possible.

    Raises `ProviderError(system.id, ...)` when the engine fails or produces no audio.
    """
    entry = _CacheEntry.for_request(system, text, settings)
    hit = entry.load()
    if hit is not None:
        return hit
    audio, timings = await asyncio.to_thread(_render, system, text, settings)
    return entry.store(audio, timings)


def _render(system: TextToSpeech, text: str, settings: Settings) -> tuple[Audio, _Timings]:
    """Run the engine to completion in this (worker) thread, then resample and normalize."""
    started = time.perf_counter()
    first_chunk_at: float | None = None
    chunks: list[Audio] = []
    try:
        for chunk in system.synthesize(text):
            if first_chunk_at is None:
                first_chunk_at = time.perf_counter()
            chunks.append(chunk)
    except ProviderError:
        raise
    except Exception as exc:  # an engine bug must not take the battle down with a bare crash
        raise ProviderError(system.id, f"synthesis failed: {type(exc).__name__}: {exc}") from exc
    finished = time.perf_counter()
    native = _join(system.id, chunks)
    audio = normalize_loudness(
        native.resampled(settings.tts_sample_rate), settings.tts_loudness_lufs
    )
    timings = _Timings(
        duration_s=audio.duration_s,
        synthesis_s=finished - started,
        ttfb_s=(first_chunk_at or finished) - started,
        sample_rate=settings.tts_sample_rate,
    )
    return audio, timings


def _join(system_id: str, chunks: list[Audio]) -> Audio:
    """One Audio from an engine's chunks (which share one rate), refusing silence-free nothing."""
    samples = [c.samples for c in chunks if len(c.samples)]
    if not samples:
        raise ProviderError(system_id, "the engine produced no audio for this text")
    rates = {c.sample_rate for c in chunks}
    if len(rates) != 1:
        raise ProviderError(system_id, f"the engine mixed sample rates {sorted(rates)} in one call")
    audio = Audio(np.concatenate(samples).astype(np.float32), rates.pop())
    if not np.any(np.abs(audio.samples) > 1e-4):
        raise ProviderError(system_id, "the engine produced only silence for this text")
    return audio


@dataclass(frozen=True)
class _CacheEntry:
    """One cached utterance: `<hash>.wav` plus `<hash>.json` with its original timings.

    The hash covers the system id and config, the text and the output format, so the file name
    names no system and a changed voice or rate never serves stale audio.
    """

    wav_path: Path
    meta_path: Path

    @classmethod
    def for_request(cls, system: TextToSpeech, text: str, settings: Settings) -> _CacheEntry:
        key = json.dumps(
            [
                system.id,
                system.config,
                text,
                settings.tts_sample_rate,
                settings.tts_loudness_lufs,
            ],
            sort_keys=True,
            default=str,
        )
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
        folder = settings.cache_dir / "tts" / digest[:2]
        return cls(folder / f"{digest}.wav", folder / f"{digest}.json")

    def load(self) -> Synthesis | None:
        try:
            meta = json.loads(self.meta_path.read_text(encoding="utf-8"))
            timings = _Timings(**meta)
        except (OSError, ValueError, TypeError):
            return None
        if not self.wav_path.is_file():
            return None
        return _synthesis(self.wav_path, timings, cached=True)

    def store(self, audio: Audio, timings: _Timings) -> Synthesis:
        # The WAV lands first: a sidecar JSON means the entry is complete.
        self.wav_path.parent.mkdir(parents=True, exist_ok=True)
        _write_atomically(self.wav_path, to_wav_bytes(audio))
        _write_atomically(self.meta_path, json.dumps(asdict(timings)).encode("utf-8"))
        return _synthesis(self.wav_path, timings, cached=False)


def _synthesis(path: Path, timings: _Timings, *, cached: bool) -> Synthesis:
    rtf = timings.synthesis_s / timings.duration_s if timings.duration_s > 0 else 0.0
    return Synthesis(
        audio_path=path,
        duration_s=timings.duration_s,
        synthesis_s=timings.synthesis_s,
        ttfb_s=timings.ttfb_s,
        rtf=rtf,
        cached=cached,
    )


def _write_atomically(path: Path, data: bytes) -> None:
    """Write via a temp file and rename, so concurrent readers never see a partial file."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def stream_pcm16(system: TextToSpeech, text: str, sample_rate: int) -> Iterator[bytes]:
    """PCM s16le mono at `sample_rate`, yielded as the engine produces each chunk.

    Blocking: run it in a worker thread (or use `astream_pcm16`). Not loudness-normalized,
    since integrated loudness needs the whole utterance.
    """
    resampler: soxr.ResampleStream | None = None
    try:
        for chunk in system.synthesize(text):
            if resampler is None:
                resampler = soxr.ResampleStream(chunk.sample_rate, sample_rate, 1, dtype="float32")
            out = resampler.resample_chunk(chunk.samples)
            if len(out):
                yield Audio(np.asarray(out, dtype=np.float32), sample_rate).to_pcm16()
        if resampler is not None:
            tail = resampler.resample_chunk(np.zeros(0, dtype=np.float32), last=True)
            if len(tail):
                yield Audio(np.asarray(tail, dtype=np.float32), sample_rate).to_pcm16()
    except ProviderError:
        raise
    except Exception as exc:  # an engine bug surfaces as the system's failure
        raise ProviderError(system.id, f"synthesis failed: {type(exc).__name__}: {exc}") from exc


async def astream_pcm16(system: TextToSpeech, text: str, sample_rate: int) -> AsyncIterator[bytes]:
    """`stream_pcm16` for asyncio: the engine runs in a worker thread, chunks arrive here.

    Stopping iteration early (break, cancel) tells the worker to stop after its current chunk.
    """
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[bytes | ProviderError | None] = asyncio.Queue()
    stop = threading.Event()

    def post(item: bytes | ProviderError | None) -> None:
        try:
            loop.call_soon_threadsafe(queue.put_nowait, item)
        except RuntimeError:  # the consumer's loop is closed: nobody is listening any more
            stop.set()

    def produce() -> None:
        try:
            for pcm in stream_pcm16(system, text, sample_rate):
                if stop.is_set():
                    return
                post(pcm)
        except ProviderError as exc:
            post(exc)
        finally:
            post(None)

    loop.run_in_executor(None, produce)
    try:
        while (item := await queue.get()) is not None:
            if isinstance(item, ProviderError):
                raise item
            yield item
    finally:
        stop.set()
