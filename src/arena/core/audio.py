"""PCM and WAV helpers: one in-memory audio type and the conversions around it."""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import soundfile as sf
import soxr

Samples = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Audio:
    """Mono audio as float32 samples in [-1, 1] at `sample_rate` Hz."""

    samples: Samples
    sample_rate: int

    @property
    def duration_s(self) -> float:
        return len(self.samples) / self.sample_rate if self.sample_rate else 0.0

    @classmethod
    def from_pcm16(cls, data: bytes, sample_rate: int) -> Audio:
        """Decode little-endian signed 16-bit mono PCM."""
        if len(data) % 2:
            raise ValueError("PCM s16le data must have an even number of bytes")
        ints = np.frombuffer(data, dtype="<i2")
        return cls(ints.astype(np.float32) / 32768.0, sample_rate)

    def to_pcm16(self) -> bytes:
        """Encode as little-endian signed 16-bit mono PCM (clipped)."""
        clipped = np.clip(self.samples, -1.0, 1.0)
        return (clipped * 32767.0).round().astype("<i2").tobytes()

    def resampled(self, sample_rate: int) -> Audio:
        """This audio at another rate (soxr, high quality)."""
        if sample_rate == self.sample_rate or len(self.samples) == 0:
            return Audio(self.samples, sample_rate)
        out = soxr.resample(self.samples, self.sample_rate, sample_rate)
        return Audio(np.asarray(out, dtype=np.float32), sample_rate)


def concat(parts: list[Audio], sample_rate: int) -> Audio:
    """Join audio chunks, resampling each to `sample_rate`."""
    if not parts:
        return Audio(np.zeros(0, dtype=np.float32), sample_rate)
    arrays = [p.resampled(sample_rate).samples for p in parts]
    return Audio(np.concatenate(arrays).astype(np.float32), sample_rate)


def to_wav_bytes(audio: Audio) -> bytes:
    """Encode as a WAV file, PCM s16le mono."""
    buf = io.BytesIO()
    sf.write(buf, audio.samples, audio.sample_rate, subtype="PCM_16", format="WAV")
    return buf.getvalue()


def read_wav(data: bytes) -> Audio:
    """Decode a WAV (or any libsndfile format) to mono float32, mixing down channels."""
    samples, rate = sf.read(io.BytesIO(data), dtype="float32", always_2d=True)
    mono = samples.mean(axis=1).astype(np.float32)
    return Audio(mono, int(rate))
