"""The clip library's catalog: every category present, stable ids that never name a voice."""

from __future__ import annotations

from collections import Counter

from arena.providers.registry import Registry
from arena.voice.clips.catalog import library
from arena.voice.clips.texts import CATEGORIES


def test_every_category_has_clips_and_questions_exist() -> None:
    counts = Counter(spec.category for spec in library())
    for category in CATEGORIES:
        assert counts[category] >= 4, category
    assert counts["question"] >= 4
    assert {spec.kind for spec in library() if spec.category == "question"} == {"s2s"}


def test_ids_are_unique() -> None:
    ids = [spec.id for spec in library()]
    assert len(ids) == len(set(ids))


def test_noisy_clips_cover_several_snrs_and_noise_kinds() -> None:
    noisy = [s.augmentation for s in library() if s.category == "noisy"]
    assert {a.snr_db for a in noisy} == {5.0, 10.0, 20.0}
    assert len({a.noise for a in noisy}) >= 3


def test_ids_never_name_a_voice_or_engine(tts_registry: Registry) -> None:
    words = {part for s in tts_registry for part in (s.provider, s.engine, s.id) if part}
    words |= {voice for spec in library() for voice in spec.voices}
    for spec in library():
        for word in words:
            assert word.lower() not in spec.id.lower(), (spec.id, word)
