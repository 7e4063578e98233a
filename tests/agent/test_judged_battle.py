"""With OPENAI_* set, the served app's evaluation worker asks the judge once per battle."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from arena.config import Settings
from arena.providers.registry import Registry
from tests.agent.conftest import system_words, ws_url
from tests.agent.test_stream import generate, hold_briefly
from tests.conftest import LiveServer
from tests.fakes.openai_api import OpenAIEmulator

VERDICT = {
    "task_success": False,
    "coherence": 0.5,
    "instruction_following": 0.25,
    "hallucination_count": 1,
    "explanation": "The agent never looked up the order.",
}


@pytest.fixture
def openai() -> Iterator[OpenAIEmulator]:
    with OpenAIEmulator() as emulator:
        emulator.respond_chat_with(lambda body: json.dumps(VERDICT))
        yield emulator


@pytest.fixture
def settings(database_url: str, tmp_path: Path, openai: OpenAIEmulator) -> Settings:
    return Settings(
        ARENA_HOME=tmp_path / "home",
        ARENA_DATABASE_URL=database_url,
        OPENAI_API_KEY=openai.api_key,
        OPENAI_BASE_URL=openai.base_url,
        OPENAI_MODEL="judge-model",
    )


async def test_metrics_go_from_computing_to_a_judged_complete(
    arena_server: LiveServer, openai: OpenAIEmulator, registry: Registry
) -> None:
    async with httpx.AsyncClient(base_url=arena_server.url) as http:
        battle = await generate(http, scenario="order-status-check")
        for label in "ab":
            await hold_briefly(ws_url(arena_server.url, battle["id"], label))
        vote = {"winner": "tie", "sub_votes": {"helpfulness": "a"}}
        assert (await http.post(f"/api/v1/battles/{battle['id']}/vote", json=vote)).is_success
        seen: list[str] = []
        metrics: dict[str, Any] = {}
        for _ in range(120):
            metrics = (await http.get(f"/api/v1/battles/{battle['id']}/agent-metrics")).json()
            seen.append(metrics["status"])
            if metrics["status"] == "complete":
                break
            await asyncio.sleep(0.25)
    assert seen[-1] == "complete"
    evaluation = metrics["automated_eval"]
    assert evaluation["method"] == "llm_judge" and evaluation["judge_configured"]
    assert evaluation["agents"]["a"]["explanation"] == VERDICT["explanation"]
    assert metrics["metrics_a"]["task_success"] is False
    assert metrics["metrics_a"]["config_name"] and metrics["metrics_b"]["provider"]
    prompts = openai.requests_to("/chat/completions")
    assert len(prompts) == 2  # once per conversation, however often the metrics were polled
    for request in prompts:
        text = json.dumps(request.body).lower()
        assert not [w for w in system_words(registry) if w in text]
