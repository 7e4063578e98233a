"""PocketSphinx batch and streaming engines on speech from an offline TTS voice."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from arena.config import Settings
from arena.core.audio import Audio
from arena.core.wer import word_error_rate
from arena.providers.local.pocketsphinx import (
    FRAME_BYTES,
    PocketsphinxSTT,
    clean_word,
    is_spoken_word,
    register_systems,
)
from arena.providers.stt import SpeechToText
from tests.stt.conftest import SENTENCE, speak


def systems(settings: Settings) -> dict[str, PocketsphinxSTT]:
    found: list[PocketsphinxSTT] = []
    register_systems(register=found.append, settings=settings)  # type: ignore[arg-type]
    return {s.id: s for s in found}


def test_registers_batch_and_stream(settings: Settings) -> None:
    found = systems(settings)
    assert set(found) == {"stt-pocketsphinx/batch", "stt-pocketsphinx/stream"}
    for system in found.values():
        assert isinstance(system, SpeechToText)
        assert system.mode == "stt"
        assert system.available().ok
        assert "en-us" in system.config["model"]


@pytest.mark.parametrize("system_id", ["stt-pocketsphinx/batch", "stt-pocketsphinx/stream"])
def test_transcribes_a_spoken_sentence(
    settings: Settings, spoken_sentence: Audio, system_id: str
) -> None:
    result = systems(settings)[system_id].transcribe(spoken_sentence)
    assert word_error_rate(SENTENCE, result.text) < 0.35, result.text


def test_batch_reports_word_timings_inside_the_clip(
    settings: Settings, spoken_sentence: Audio
) -> None:
    result = systems(settings)["stt-pocketsphinx/batch"].transcribe(spoken_sentence)
    assert [w.text for w in result.words] == result.text.split()
    starts = [w.start_s for w in result.words]
    assert starts == sorted(starts)
    assert all(0 <= w.start_s < w.end_s <= spoken_sentence.duration_s + 0.05 for w in result.words)


def test_transcribes_audio_at_another_sample_rate(
    settings: Settings, spoken_sentence: Audio
) -> None:
    result = systems(settings)["stt-pocketsphinx/batch"].transcribe(
        spoken_sentence.resampled(22050)
    )
    assert word_error_rate(SENTENCE, result.text) < 0.35, result.text


@pytest.mark.parametrize("system_id", ["stt-pocketsphinx/batch", "stt-pocketsphinx/stream"])
def test_silence_transcribes_to_nothing(settings: Settings, system_id: str) -> None:
    silence = Audio(np.zeros(16000, dtype=np.float32), 16000)
    assert systems(settings)[system_id].transcribe(silence).text == ""
    hiss = np.random.default_rng(0).standard_normal(32000).astype(np.float32) * 0.0005
    assert systems(settings)[system_id].transcribe(Audio(hiss, 16000)).text == ""


def test_stream_yields_growing_partials_then_a_final(
    settings: Settings, spoken_sentence: Audio
) -> None:
    recognizer = systems(settings)["stt-pocketsphinx/stream"].open_stream(16000)
    pcm = spoken_sentence.to_pcm16()
    partials = [
        p
        for start in range(0, len(pcm), FRAME_BYTES)
        if (p := recognizer.feed(pcm[start : start + FRAME_BYTES])) is not None
    ]
    final = recognizer.finish()
    assert len(set(partials)) >= 3, partials
    assert partials[0] != final
    assert word_error_rate(SENTENCE, final) < 0.35, final


def test_stream_is_reusable_after_finish_and_reset(
    settings: Settings, spoken_sentence: Audio
) -> None:
    recognizer = systems(settings)["stt-pocketsphinx/stream"].open_stream(48000)
    pcm48k = spoken_sentence.resampled(48000).to_pcm16()
    recognizer.feed(pcm48k[: len(pcm48k) // 2])
    recognizer.reset()
    assert recognizer.finish() == ""
    for start in range(0, len(pcm48k), 1921):  # odd-sized chunks split samples in two
        recognizer.feed(pcm48k[start : start + 1921])
    assert word_error_rate(SENTENCE, recognizer.finish()) < 0.35


def test_filler_tokens_are_not_words() -> None:
    assert not any(is_spoken_word(t) for t in ["<s>", "</s>", "<sil>", "[NOISE]", "(NULL)"])
    assert is_spoken_word("fox")
    assert clean_word("read(2)") == "read"


@pytest.mark.parametrize("system_id", ["stt-pocketsphinx/batch", "stt-pocketsphinx/stream"])
def test_results_do_not_depend_on_earlier_calls(
    settings: Settings, spoken_sentence: Audio, system_id: str
) -> None:
    system = systems(settings)[system_id]
    first = system.transcribe(spoken_sentence).text
    system.transcribe(speak("Hello there, how are you doing on this fine morning?"))
    assert system.transcribe(spoken_sentence).text == first


def test_concurrent_calls_get_their_own_decoders(
    settings: Settings, spoken_sentence: Audio
) -> None:
    system = systems(settings)["stt-pocketsphinx/batch"]
    expected = system.transcribe(spoken_sentence).text
    with ThreadPoolExecutor(3) as pool:
        results = list(pool.map(lambda _: system.transcribe(spoken_sentence).text, range(3)))
    assert results == [expected] * 3
