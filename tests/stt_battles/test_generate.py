"""Rendering clips: the first available voice speaks, augmentation applies, the cache holds."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from arena.providers.registry import Registry
from arena.voice.clips.augment import Augmentation
from arena.voice.clips.catalog import ClipSpec
from arena.voice.clips.generate import ClipRenderer, NoVoiceAvailableError

TEXT = "The weather today is sunny with a light breeze."


def _spec(clip_id: str, **augment: object) -> ClipSpec:
    voices = ("piper/not-installed", "espeak-ng/en-us")
    return ClipSpec(clip_id, "stt", "clean", TEXT, voices, Augmentation(**augment))  # type: ignore[arg-type]


def test_renders_16k_wav_with_the_first_available_voice(
    espeak_registry: Registry, tmp_path: Path
) -> None:
    clip = ClipRenderer(espeak_registry, tmp_path).render(_spec("clean-a"))
    assert clip.voice == "espeak-ng/en-us"
    data, rate = sf.read(str(clip.path), dtype="float32")
    assert rate == 16_000
    assert clip.duration_s == pytest.approx(data.size / rate, abs=1e-3)
    assert 1.0 < clip.duration_s < 6.0
    assert float(np.abs(data).max()) == pytest.approx(0.89, abs=0.01)
    assert clip.path.parent == tmp_path / "clips"


def test_cache_reuses_the_file_and_changes_follow_the_content(
    espeak_registry: Registry, tmp_path: Path
) -> None:
    renderer = ClipRenderer(espeak_registry, tmp_path)
    first = renderer.render(_spec("clean-a"))
    first.path.write_bytes(first.path.read_bytes())  # same bytes, new mtime to compare against
    stamp = first.path.stat().st_mtime_ns
    again = ClipRenderer(espeak_registry, tmp_path).render(_spec("clean-a"))
    assert again.path == first.path
    assert again.path.stat().st_mtime_ns == stamp
    noisy = renderer.render(_spec("clean-a", noise="pink", snr_db=10.0))
    assert noisy.path != first.path


def test_augmentations_change_the_audio(espeak_registry: Registry, tmp_path: Path) -> None:
    renderer = ClipRenderer(espeak_registry, tmp_path)
    clean = renderer.render(_spec("c"))
    fast = renderer.render(_spec("f", tempo=1.5))
    babble = renderer.render(_spec("b", noise="babble", snr_db=5.0))
    assert fast.duration_s == pytest.approx(clean.duration_s / 1.5, rel=0.08)
    clean_audio, _ = sf.read(str(clean.path), dtype="float32")
    babble_audio, _ = sf.read(str(babble.path), dtype="float32")

    def quietest_frame(x: np.ndarray) -> float:
        frames = x[: x.size // 320 * 320].reshape(-1, 320)
        return float(np.sqrt(np.mean(frames**2, axis=1)).min())

    # Background talkers fill even the quietest 20 ms of the clip.
    assert quietest_frame(clean_audio) < 0.001
    assert quietest_frame(babble_audio) > 0.008


def test_no_available_voice_is_a_clear_error_and_is_skipped_in_bulk(
    espeak_registry: Registry, tmp_path: Path
) -> None:
    spec = ClipSpec("x", "stt", "clean", TEXT, ("piper/not-installed",))
    renderer = ClipRenderer(espeak_registry, tmp_path)
    with pytest.raises(NoVoiceAvailableError, match="piper/not-installed is available"):
        renderer.render(spec)
    assert [c.spec.id for c in renderer.render_all([spec, _spec("ok")])] == ["ok"]
