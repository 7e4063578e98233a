"""Augmentation: noise lands at the asked SNR, tempo changes length but not pitch."""

from __future__ import annotations

import numpy as np
import pytest

from arena.core.audio import Audio
from arena.voice.clips.augment import (
    Augmentation,
    babble,
    change_tempo,
    colored_noise,
    mix_at_snr,
    peak_normalized,
)

RATE = 16_000


def _sine(freq: float, seconds: float = 1.0) -> Audio:
    t = np.arange(int(seconds * RATE)) / RATE
    return Audio((0.4 * np.sin(2 * np.pi * freq * t)).astype(np.float32), RATE)


def _power(x: np.ndarray) -> float:
    return float(np.mean(np.square(x.astype(np.float64))))


def _dominant_hz(audio: Audio) -> float:
    spectrum = np.abs(np.fft.rfft(audio.samples))
    return float(np.fft.rfftfreq(audio.samples.size, 1 / audio.sample_rate)[np.argmax(spectrum)])


@pytest.mark.parametrize("snr_db", [20.0, 10.0, 5.0])
@pytest.mark.parametrize("kind", ["white", "pink", "brown"])
def test_mix_hits_the_requested_snr(kind: str, snr_db: float) -> None:
    speech = _sine(300).samples
    noise = colored_noise(kind, speech.size, np.random.default_rng(1))  # type: ignore[arg-type]
    mixed = mix_at_snr(speech, noise, snr_db)
    measured = 10 * np.log10(_power(speech) / _power(mixed - speech))
    assert measured == pytest.approx(snr_db, abs=0.01)


def test_pink_and_brown_noise_tilt_towards_low_frequencies() -> None:
    rng = np.random.default_rng(2)
    n = 1 << 15
    low_share = {}
    for kind in ("white", "pink", "brown"):
        spectrum = np.abs(np.fft.rfft(colored_noise(kind, n, rng))) ** 2  # type: ignore[arg-type]
        low_share[kind] = spectrum[: spectrum.size // 8].sum() / spectrum.sum()
    assert low_share["white"] < low_share["pink"] < low_share["brown"]


def test_babble_needs_speech() -> None:
    with pytest.raises(ValueError, match="babble"):
        colored_noise("babble", 100, np.random.default_rng(0))
    with pytest.raises(ValueError, match="at least one"):
        babble([], 100, RATE)


def test_babble_mixes_talkers_to_unit_rms() -> None:
    talkers = [_sine(200, 0.3), _sine(330, 0.5)]
    mix = babble(talkers, RATE, RATE)
    assert mix.size == RATE
    assert _power(mix) == pytest.approx(1.0, rel=1e-3)


@pytest.mark.parametrize("tempo", [1.4, 1.6, 0.8])
def test_tempo_changes_duration_and_keeps_pitch(tempo: float) -> None:
    tone = _sine(440, 2.0)
    faster = change_tempo(tone, tempo)
    assert faster.duration_s == pytest.approx(2.0 / tempo, rel=0.05)
    assert _dominant_hz(faster) == pytest.approx(440, abs=5)


def test_peak_normalized_sets_the_peak() -> None:
    assert float(np.abs(peak_normalized(_sine(100).samples)).max()) == pytest.approx(0.89)
    assert not peak_normalized(np.zeros(10, np.float32)).any()


def test_augmentation_validates_and_describes_itself() -> None:
    with pytest.raises(ValueError, match="together"):
        Augmentation(noise="pink")
    with pytest.raises(ValueError, match="out of range"):
        Augmentation(tempo=3.0)
    assert Augmentation().as_dict() == {}
    assert Augmentation(noise="pink", snr_db=5.0, tempo=1.4).as_dict() == {
        "noise": "pink",
        "snr_db": 5.0,
        "tempo": 1.4,
    }
