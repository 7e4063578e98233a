"""The LLM judge against the OpenAI-compatible emulator: JSON verdicts, retries, anonymity."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from arena.core.scenarios import get_scenario
from arena.voice.evaluation.judge import JudgeConfig, JudgeError, judge_conversation
from tests.fakes.openai_api import OpenAIEmulator

SCENARIO = get_scenario("order-status-check")
TURNS = [
    {"role": "agent", "text": "ShopFast, how can I help?"},
    {"role": "user", "text": "Order 78432?"},
    {"role": "agent", "text": "It shipped yesterday, tracking FX9876543."},
]
VERDICT = {
    "task_success": True,
    "coherence": 0.9,
    "instruction_following": 0.8,
    "hallucination_count": 0,
    "explanation": "Clear status and tracking number.",
}


@pytest.fixture
def openai() -> Iterator[OpenAIEmulator]:
    with OpenAIEmulator() as emulator:
        yield emulator


def config(api: OpenAIEmulator, attempts: int = 3) -> JudgeConfig:
    return JudgeConfig(api.base_url, api.api_key, "judge-model", attempts=attempts, backoff_s=0.01)


async def test_a_json_verdict_becomes_an_llm_judge_assessment(openai: OpenAIEmulator) -> None:
    openai.enqueue_chat(json.dumps(VERDICT))
    result = await judge_conversation(config(openai), SCENARIO, "A", TURNS)
    assert result.method == "llm_judge" and result.task_success and result.coherence == 0.9
    body = openai.requests_to("/chat/completions")[0].body
    assert body["response_format"] == {"type": "json_object"} and body["model"] == "judge-model"
    prompt = body["messages"][1]["content"]
    assert "AGENT A: It shipped yesterday" in prompt and "CALLER: Order 78432?" in prompt


async def test_server_errors_and_malformed_answers_are_retried(openai: OpenAIEmulator) -> None:
    openai.fail_next(503, path_contains="chat")
    openai.enqueue_chat(json.dumps({**VERDICT, "coherence": 7}), json.dumps(VERDICT))
    result = await judge_conversation(config(openai), SCENARIO, "B", TURNS)
    assert result.explanation == VERDICT["explanation"]
    # the emulator logs served requests only: the 503 was answered before logging
    assert len(openai.requests_to("/chat/completions")) == 2


async def test_giving_up_after_the_last_attempt(openai: OpenAIEmulator) -> None:
    openai.enqueue_chat(json.dumps({"verdict": "good"}), json.dumps(["not", "an", "object"]))
    with pytest.raises(JudgeError, match="after 2 attempts"):
        await judge_conversation(config(openai, attempts=2), SCENARIO, "A", TURNS)


async def test_a_refused_key_is_not_retried(openai: OpenAIEmulator) -> None:
    bad = JudgeConfig(openai.base_url, "wrong-key", "m", attempts=3, backoff_s=0.01)
    with pytest.raises(JudgeError, match="OPENAI_API_KEY"):
        await judge_conversation(bad, SCENARIO, "A", TURNS)
    assert len(openai.requests) <= 1
