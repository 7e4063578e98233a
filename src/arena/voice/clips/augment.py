"""Clip augmentation: generated noise mixed in at a target SNR, and tempo change keeping pitch.

Everything is seeded, so regenerating a clip gives the same samples.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from arena.core.audio import Audio, Samples

NoiseKind = Literal["white", "pink", "brown", "babble"]
NOISE_KINDS: tuple[NoiseKind, ...] = ("white", "pink", "brown", "babble")
PEAK = 0.89  # -1 dBFS: loud enough to hear, never clipping


@dataclass(frozen=True)
class Augmentation:
    """What was done to the clean speech: noise kind and SNR in dB, and a tempo factor."""

    noise: NoiseKind | None = None
    snr_db: float | None = None
    tempo: float = 1.0

    def __post_init__(self) -> None:
        if (self.noise is None) != (self.snr_db is None):
            raise ValueError("noise and snr_db go together: give both or neither")
        if not 0.5 <= self.tempo <= 2.0:
            raise ValueError(f"tempo {self.tempo} is out of range: use 0.5 to 2.0")

    def as_dict(self) -> dict[str, Any]:
        """The non-default fields, for storage and display."""
        out: dict[str, Any] = {}
        if self.noise is not None:
            out["noise"] = self.noise
            out["snr_db"] = self.snr_db
        if self.tempo != 1.0:
            out["tempo"] = self.tempo
        return out


def colored_noise(kind: NoiseKind, length: int, rng: np.random.Generator) -> Samples:
    """White, pink (1/f) or brown (1/f²) noise with unit RMS; babble needs speech, see `babble`."""
    if kind == "babble":
        raise ValueError("babble noise is made from speech: call babble() instead")
    white = rng.standard_normal(length)
    if kind == "white":
        shaped = white
    else:
        spectrum = np.fft.rfft(white)
        freqs = np.fft.rfftfreq(length)
        freqs[0] = freqs[1] if length > 1 else 1.0
        exponent = 0.5 if kind == "pink" else 1.0  # amplitude ~ f^-exponent
        shaped = np.fft.irfft(spectrum / freqs**exponent, n=length)
    return _unit_rms(shaped)


def babble(voices: list[Audio], length: int, rate: int) -> Samples:
    """Several talkers at once, each looped to `length` and offset, with unit RMS."""
    if not voices:
        raise ValueError("babble needs at least one speech recording")
    mix = np.zeros(length, dtype=np.float64)
    for index, voice in enumerate(voices):
        speech = voice.resampled(rate).samples.astype(np.float64)
        if speech.size == 0:
            continue
        looped = np.resize(_unit_rms(speech), length + speech.size)
        offset = (index * speech.size) // max(len(voices), 1)
        mix += looped[offset : offset + length]
    return _unit_rms(mix)


def mix_at_snr(speech: Samples, noise: Samples, snr_db: float) -> Samples:
    """Speech plus `noise` scaled so that speech power / noise power is `snr_db` decibels."""
    if noise.size < speech.size:
        noise = np.resize(noise, speech.size)
    speech_rms = float(np.sqrt(np.mean(np.square(speech, dtype=np.float64))))
    gain = speech_rms / 10 ** (snr_db / 20)
    return (speech + gain * _unit_rms(noise[: speech.size])).astype(np.float32)


def change_tempo(audio: Audio, tempo: float, frame_s: float = 0.04) -> Audio:
    """Speed speech up (tempo > 1) or slow it down, keeping its pitch (WSOLA overlap-add)."""
    if tempo == 1.0 or audio.samples.size == 0:
        return audio
    x = audio.samples.astype(np.float64)
    frame = max(int(frame_s * audio.sample_rate), 32)
    hop_out = frame // 2
    hop_in = hop_out * tempo
    search = hop_out // 2
    window = np.hanning(frame)
    count = int((x.size - frame - search) / hop_in)
    if count <= 1:
        return audio
    padded = np.concatenate([x, np.zeros(frame + 2 * search + hop_out)])
    out = np.zeros(count * hop_out + frame)
    norm = np.zeros_like(out)
    chosen = 0
    for k in range(count):
        nominal = int(k * hop_in)
        if k > 0:
            # The segment near `nominal` that best continues what was last written (WSOLA).
            target = padded[chosen + hop_out : chosen + hop_out + frame]
            lo = max(nominal - search, 0)
            scores = np.correlate(padded[lo : nominal + search + frame], target, mode="valid")
            chosen = lo + int(np.argmax(scores))
        out[k * hop_out : k * hop_out + frame] += padded[chosen : chosen + frame] * window
        norm[k * hop_out : k * hop_out + frame] += window
    stretched = out / np.maximum(norm, 1e-3)
    return Audio(stretched.astype(np.float32), audio.sample_rate)


def peak_normalized(samples: Samples, peak: float = PEAK) -> Samples:
    """`samples` scaled so the loudest sample sits at `peak`."""
    top = float(np.abs(samples).max()) if samples.size else 0.0
    if top == 0.0:
        return samples.astype(np.float32)
    return (samples * (peak / top)).astype(np.float32)


def _unit_rms(x: Any) -> Samples:
    data = np.asarray(x, dtype=np.float64)
    rms = float(np.sqrt(np.mean(np.square(data)))) if data.size else 0.0
    return (data / rms if rms > 0 else data).astype(np.float32)
