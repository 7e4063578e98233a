"""BS.1770-style loudness: calibrated on a sine, within ±1 LU on real speech, never clipping."""

from __future__ import annotations

import math

import numpy as np
import pytest

from arena.config import Settings
from arena.core.audio import Audio
from arena.core.loudness import integrated_loudness, limit_peaks, normalize_loudness
from arena.providers.local import espeak, piper
from arena.providers.tts import TextToSpeech
from tests.providers.speech import SENTENCE, joined


def sine(freq: float, amplitude: float, seconds: float = 3.0, rate: int = 48000) -> Audio:
    t = np.arange(round(seconds * rate)) / rate
    return Audio((amplitude * np.sin(2 * np.pi * freq * t)).astype(np.float32), rate)


def test_full_scale_997_hz_sine_reads_minus_3_01_lufs() -> None:
    # The calibration point of BS.1770: a 0 dBFS 997 Hz sine is -3.01 LUFS.
    assert integrated_loudness(sine(997, 1.0)) == pytest.approx(-3.01, abs=0.02)


def test_loudness_follows_gain_at_other_rates() -> None:
    quiet = integrated_loudness(sine(997, 0.1, rate=16000))
    assert quiet == pytest.approx(-23.01, abs=0.1)


def test_silence_is_minus_infinity_and_left_alone() -> None:
    silence = Audio(np.zeros(24000, dtype=np.float32), 24000)
    assert integrated_loudness(silence) == -math.inf
    assert normalize_loudness(silence, -20.0) is silence


def test_gating_ignores_long_pauses() -> None:
    tone = sine(997, 0.1, seconds=2.0)
    padded = Audio(np.concatenate([tone.samples, np.zeros(48000 * 6, np.float32)]), 48000)
    assert integrated_loudness(padded) == pytest.approx(integrated_loudness(tone), abs=0.5)


def test_limiter_holds_the_ceiling_without_touching_quiet_parts() -> None:
    loud = sine(440, 1.0, seconds=1.0)
    limited = limit_peaks(loud, peak_dbfs=-1.0)
    assert float(np.abs(limited.samples).max()) <= 10 ** (-1.0 / 20) + 1e-6
    quiet = sine(440, 0.5, seconds=1.0)
    assert limit_peaks(quiet, peak_dbfs=-1.0) is quiet


def spoken(module: object) -> Audio:
    found: list[TextToSpeech] = []
    module.register_systems(register=found.append, settings=Settings(_env_file=None))  # type: ignore[attr-defined, call-arg]
    return joined(found[0].synthesize(SENTENCE))


@pytest.mark.parametrize("target", [-16.0, -20.0, -26.0])
def test_formant_speech_lands_within_one_lu_and_never_clips(target: float) -> None:
    normalized = normalize_loudness(spoken(espeak), target)
    assert integrated_loudness(normalized) == pytest.approx(target, abs=1.0)
    assert float(np.abs(normalized.samples).max()) <= 10 ** (-1.0 / 20) + 1e-6


def test_neural_speech_pushed_hard_still_lands_within_one_lu() -> None:
    normalized = normalize_loudness(spoken(piper), -14.0)
    assert integrated_loudness(normalized) == pytest.approx(-14.0, abs=1.0)
    assert float(np.abs(normalized.samples).max()) <= 10 ** (-1.0 / 20) + 1e-6
