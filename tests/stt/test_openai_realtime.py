"""The OpenAI Realtime client against the WebSocket emulator on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from arena.config import Settings
from arena.core.audio import Audio
from arena.providers.base import ProviderError
from arena.providers.hosted.openai_realtime import (
    APPEND_BYTES,
    OpenAIRealtime,
    realtime_url,
    register_systems,
)
from tests.fakes.openai_realtime import RealtimeEmulator
from tests.stt.conftest import speak

MODEL_ID = "s2s-openai-realtime/gpt-4o-realtime-preview"


@pytest.fixture
def api() -> Iterator[RealtimeEmulator]:
    with RealtimeEmulator(api_key="sk-test") as emulator:
        yield emulator


def systems(settings: Settings) -> dict[str, OpenAIRealtime]:
    found: list[OpenAIRealtime] = []
    register_systems(register=found.append, settings=settings)  # type: ignore[arg-type]
    return {s.id: s for s in found}


def connected(settings: Settings, api: RealtimeEmulator, key: str = "sk-test") -> OpenAIRealtime:
    configured = settings.model_copy(
        update={"openai_api_key": key, "openai_base_url": api.base_url}
    )
    return systems(configured)[MODEL_ID]


def rms(audio: Audio) -> float:
    return float(np.sqrt(np.mean(audio.samples.astype(np.float64) ** 2)))


def test_url_scheme_follows_the_base_url() -> None:
    assert (
        realtime_url("https://api.openai.com/v1/", "m")
        == "wss://api.openai.com/v1/realtime?model=m"
    )
    assert realtime_url("http://127.0.0.1:8/v1", "m") == "ws://127.0.0.1:8/v1/realtime?model=m"


def test_without_a_key_it_says_which_variable_to_set(settings: Settings) -> None:
    for system in systems(settings).values():
        assert system.mode == "s2s"
        assert "OPENAI_API_KEY" in system.available().reason


def test_hears_and_answers_a_spoken_question(settings: Settings, api: RealtimeEmulator) -> None:
    question = speak("What is the capital of France?")
    response = connected(settings, api).respond(question)
    assert "capital of france" in response.input_transcript
    assert "Paris" in response.response_text
    assert response.audio.sample_rate == 24000
    assert response.audio.duration_s > 0.8
    assert rms(response.audio) > 0.01
    assert 0 < response.first_audio_s <= response.latency_s
    connection = api.connections[0]
    assert connection["model"] == "gpt-4o-realtime-preview"
    assert connection["authorization"] == "Bearer sk-test"
    update = api.client_events("session.update")[0]["session"]
    assert update["input_audio_format"] == update["output_audio_format"] == "pcm16"
    assert update["turn_detection"] is None
    appended = sum(e["audio"] for e in api.client_events("input_audio_buffer.append"))
    assert appended == len(question.resampled(24000).to_pcm16())
    assert max(e["audio"] for e in api.client_events("input_audio_buffer.append")) == APPEND_BYTES
    assert [e["type"] for e in api.received[-2:]] == [
        "input_audio_buffer.commit",
        "response.create",
    ]


def test_understands_the_ga_event_names(settings: Settings) -> None:
    with RealtimeEmulator(api_key="sk-test", event_names="ga") as api:
        api.enqueue_turn(transcript="hello there", reply="Hi! Nice to hear you.")
        response = connected(settings, api).respond(speak("Hello there"))
    assert response.input_transcript == "hello there"
    assert response.response_text == "Hi! Nice to hear you."
    assert rms(response.audio) > 0.01


def test_rejected_key_is_a_clear_error(settings: Settings, api: RealtimeEmulator) -> None:
    with pytest.raises(ProviderError, match=r"HTTP 401.*check OPENAI_API_KEY"):
        connected(settings, api, key="sk-wrong").respond(speak("Hello"))
    assert api.connections == []


def test_failed_response_and_error_events(settings: Settings, api: RealtimeEmulator) -> None:
    system = connected(settings, api)
    api.enqueue_turn(transcript="hi", fail="the model is overloaded")
    with pytest.raises(ProviderError, match=r"ended failed.*overloaded"):
        system.respond(speak("Hello"))
    too_short = Audio(np.zeros(240, dtype=np.float32), 24000)
    with pytest.raises(ProviderError, match="input_audio_buffer_commit_empty"):
        system.respond(too_short)


def test_unreachable_server(settings: Settings) -> None:
    unreachable = settings.model_copy(
        update={"openai_api_key": "sk-test", "openai_base_url": "http://127.0.0.1:9/v1"}
    )
    with pytest.raises(ProviderError, match=r"could not reach .*check OPENAI_BASE_URL"):
        systems(unreachable)[MODEL_ID].respond(speak("Hello"))
