"""Offline S2S cascades answer a spoken question with relevant, audible speech."""

from __future__ import annotations

import numpy as np
import pytest

from arena.config import Settings
from arena.core.audio import Audio
from arena.providers.base import ProviderError
from arena.providers.local.cascade import Cascade, register_systems
from arena.providers.local.responder import ChatResponder
from arena.providers.s2s import SpeechToSpeech
from tests.fakes.openai_api import OpenAIEmulator
from tests.stt.conftest import speak


def cascades(settings: Settings) -> dict[str, Cascade]:
    found: list[Cascade] = []
    register_systems(register=found.append, settings=settings)  # type: ignore[arg-type]
    return {s.id: s for s in found}


@pytest.fixture(scope="module")
def question() -> Audio:
    return speak("What is the capital of France?")


def test_registers_two_distinct_offline_cascades(settings: Settings) -> None:
    found = cascades(settings)
    assert set(found) == {"s2s-local-fast", "s2s-local-quality"}
    configs = [s.config for s in found.values()]
    assert configs[0]["stt"] != configs[1]["stt"]
    assert configs[0]["tts"] != configs[1]["tts"]
    for system in found.values():
        assert isinstance(system, SpeechToSpeech)
        assert system.mode == "s2s"
        assert system.available().ok, system.available().reason
        assert system.config["responder"] == "grounded offline knowledge base"


@pytest.mark.parametrize("system_id", ["s2s-local-fast", "s2s-local-quality"])
def test_answers_a_spoken_question(settings: Settings, question: Audio, system_id: str) -> None:
    response = cascades(settings)[system_id].respond(question)
    assert "capital of france" in response.input_transcript.lower()
    assert "Paris" in response.response_text
    rms = float(np.sqrt(np.mean(response.audio.samples.astype(np.float64) ** 2)))
    assert rms > 0.01
    assert 0.8 < response.audio.duration_s < 10
    assert 0 < response.first_audio_s <= response.latency_s
    assert set(response.stages) == {"stt", "respond", "tts"}
    assert sum(response.stages.values()) == pytest.approx(response.latency_s, abs=0.01)


def test_uses_the_chat_model_when_a_key_is_set(settings: Settings, question: Audio) -> None:
    with OpenAIEmulator(api_key="sk-test") as api:
        keyed = settings.model_copy(
            update={"openai_api_key": "sk-test", "openai_base_url": api.base_url}
        )
        system = cascades(keyed)["s2s-local-fast"]
        assert isinstance(system.responder, ChatResponder)
        assert "gpt-4o-mini" in system.config["responder"]
        api.enqueue_chat("It is Paris, on the Seine.")
        response = system.respond(question)
        assert response.response_text == "It is Paris, on the Seine."
        sent = api.requests_to("/chat/completions")[0].body["messages"][-1]["content"]
        assert "capital of france" in sent.lower()


def test_a_failing_chat_model_is_a_provider_error(settings: Settings, question: Audio) -> None:
    with OpenAIEmulator(api_key="sk-test") as api:
        keyed = settings.model_copy(
            update={"openai_api_key": "sk-test", "openai_base_url": api.base_url}
        )
        api.fail_next(500, path_contains="/chat/completions")
        with pytest.raises(ProviderError, match="s2s-local-fast: the responder failed"):
            cascades(keyed)["s2s-local-fast"].respond(question)


def test_missing_component_is_explained() -> None:
    broken = Cascade(id="s2s-x", mode="s2s", display_name="x", provider="local")
    assert not broken.available().ok
    with pytest.raises(ProviderError, match="not installed"):
        broken.respond(Audio(np.zeros(160, dtype=np.float32), 16000))
