"""Loudness measurement and normalization in the spirit of ITU-R BS.1770 (K-weighting + gating).

Battles compare voices, not volume: every candidate is brought to one integrated loudness and
peak-limited so that it never clips.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
from scipy import ndimage, signal

from arena.core.audio import Audio, Samples

ABSOLUTE_GATE_LUFS = -70.0
RELATIVE_GATE_LU = -10.0
BLOCK_S = 0.400
BLOCK_OVERLAP = 0.75
DEFAULT_PEAK_DBFS = -1.0
LIMITER_WINDOW_S = 0.005

Coefficients = tuple[Samples, Samples]


def _high_shelf(sample_rate: int) -> Coefficients:
    """BS.1770 stage 1: the head-related +4 dB high shelf, derived for any sample rate."""
    gain_db, q, fc = 3.999843853973347, 0.7071752369554196, 1681.974450955533
    k = math.tan(math.pi * fc / sample_rate)
    vh = 10.0 ** (gain_db / 20.0)
    vb = vh**0.4996667741545416
    a0 = 1.0 + k / q + k * k
    b = np.array([(vh + vb * k / q + k * k), 2.0 * (k * k - vh), (vh - vb * k / q + k * k)]) / a0
    a = np.array([1.0, 2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0])
    return b.astype(np.float64), a.astype(np.float64)


def _high_pass(sample_rate: int) -> Coefficients:
    """BS.1770 stage 2: the RLB high-pass (about 38 Hz), derived for any sample rate."""
    q, fc = 0.5003270373238773, 38.13547087602444
    k = math.tan(math.pi * fc / sample_rate)
    a0 = 1.0 + k / q + k * k
    b = np.array([1.0, -2.0, 1.0])
    a = np.array([1.0, 2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0])
    return b.astype(np.float64), a.astype(np.float64)


def k_weighted(audio: Audio) -> Samples:
    """The K-weighted signal: what BS.1770 measures the energy of."""
    x = audio.samples.astype(np.float64)
    for b, a in (_high_shelf(audio.sample_rate), _high_pass(audio.sample_rate)):
        x = signal.lfilter(b, a, x)
    return np.asarray(x, dtype=np.float32)


def _block_powers(weighted: Samples, sample_rate: int) -> npt.NDArray[np.float64]:
    """Mean square of each 400 ms block, blocks overlapping by 75%."""
    block = round(BLOCK_S * sample_rate)
    squares = weighted.astype(np.float64) ** 2
    if len(squares) < block:
        return np.array([squares.mean()]) if len(squares) else np.zeros(0, dtype=np.float64)
    step = max(1, round(block * (1.0 - BLOCK_OVERLAP)))
    cumulative = np.concatenate(([0.0], np.cumsum(squares)))
    starts = np.arange(0, len(squares) - block + 1, step)
    return np.asarray((cumulative[starts + block] - cumulative[starts]) / block, dtype=np.float64)


def _lufs(power: float) -> float:
    return -0.691 + 10.0 * math.log10(power) if power > 0 else -math.inf


def integrated_loudness(audio: Audio) -> float:
    """Gated integrated loudness in LUFS; `-inf` for silence."""
    powers = _block_powers(k_weighted(audio), audio.sample_rate)
    loud = powers[powers > 10.0 ** ((ABSOLUTE_GATE_LUFS + 0.691) / 10.0)]
    if len(loud) == 0:
        return -math.inf
    relative_gate = _lufs(float(loud.mean())) + RELATIVE_GATE_LU
    gated = loud[loud > 10.0 ** ((relative_gate + 0.691) / 10.0)]
    return _lufs(float(gated.mean()))


def limit_peaks(audio: Audio, peak_dbfs: float = DEFAULT_PEAK_DBFS) -> Audio:
    """Bring every sample to at most `peak_dbfs` with a smooth look-ahead gain (no hard clip).

    The gain curve is a moving minimum followed by a moving average of the same width, so at
    every sample it stays at or below the gain that sample needs.
    """
    ceiling = 10.0 ** (peak_dbfs / 20.0)
    magnitude = np.abs(audio.samples)
    if len(magnitude) == 0 or float(magnitude.max()) <= ceiling:
        return audio
    needed = np.minimum(1.0, ceiling / np.maximum(magnitude, 1e-12))
    width = 2 * max(1, round(LIMITER_WINDOW_S * audio.sample_rate)) + 1
    floor = ndimage.minimum_filter1d(needed, width, mode="nearest")
    gain = ndimage.uniform_filter1d(floor, width, mode="nearest")
    limited = audio.samples * np.minimum(gain, needed)
    return Audio(limited.astype(np.float32), audio.sample_rate)


def normalize_loudness(
    audio: Audio, target_lufs: float, peak_dbfs: float = DEFAULT_PEAK_DBFS, passes: int = 3
) -> Audio:
    """`audio` at `target_lufs` integrated loudness, peak-limited to `peak_dbfs`.

    Limiting lowers loudness a little, so gain and limiting are repeated a few passes. Silence
    is returned unchanged.
    """
    current = audio
    for _ in range(passes):
        measured = integrated_loudness(current)
        if not math.isfinite(measured) or abs(measured - target_lufs) < 0.05:
            break
        gain = 10.0 ** ((target_lufs - measured) / 20.0)
        current = limit_peaks(
            Audio(current.samples * np.float32(gain), audio.sample_rate), peak_dbfs
        )
    return current
