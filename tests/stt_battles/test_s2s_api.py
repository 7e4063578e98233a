"""The S2S battle flow over HTTP: gated answers, sub-votes, progressive metrics, bad input."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from arena.config import Settings
from arena.core.audio import read_wav
from arena.providers.local import cascade, espeak, pocketsphinx, whisper
from arena.providers.registry import Registry
from tests.conftest import LiveServer
from tests.fakes.openai_api import OpenAIEmulator
from tests.stt_battles.audio_files import encoded_bytes
from tests.stt_battles.conftest import systems_of
from tests.stt_battles.slow_s2s import SleepyS2S, sleepy_s2s

QUESTION = "What is the capital of France?"


@pytest.fixture
def registry() -> Registry:
    """Both offline cascades, the reference recognizers and espeak-ng for the clips."""
    return Registry(systems_of(espeak, pocketsphinx, whisper, cascade))


async def _generate(client: httpx.AsyncClient, **body: Any) -> dict[str, Any]:
    response = await client.post("/api/v1/battles/generate", json={"battle_type": "s2s", **body})
    assert response.status_code == 200, response.text
    return response.json()


async def _metrics_when_complete(client: httpx.AsyncClient, battle_id: str) -> dict[str, Any]:
    seen = []
    for _ in range(600):
        metrics = (await client.get(f"/api/v1/battles/{battle_id}/metrics")).json()
        seen.append(metrics["status"])
        if metrics["status"] == "complete":
            assert set(seen) <= {"computing", "partial", "complete"}
            return metrics
        await asyncio.sleep(0.1)
    raise AssertionError(f"metrics never completed: {seen[-5:]}")


async def test_curated_question_battle_through_sub_votes_and_metrics(
    arena_server: LiveServer,
) -> None:
    async with httpx.AsyncClient(base_url=arena_server.url, timeout=180) as client:
        battle = await _generate(client, audio_clip_id="question-capital")
        bid = battle["id"]
        assert battle["status"] == "generating"
        assert battle["details"]["clip"]["id"] == "question-capital"
        early = await client.post(f"/api/v1/battles/{bid}/vote", json={"winner": "a"})
        assert early.status_code == 409 and "input-audio" in early.json()["detail"]

        answered = await client.post(
            f"/api/v1/battles/{bid}/input-audio", json={"curated_clip_id": "question-capital"}
        )
        assert answered.status_code == 200, answered.text
        body = answered.json()
        assert body["status"] == "ready" and body["skipped"] == 0 and body["input"] == "clip"
        assert [c["label"] for c in body["candidates"]] == ["a", "b"]
        for c in body["candidates"]:
            assert c["audio_url"] == f"/api/v1/battles/{bid}/audio/{c['label']}"
            assert 0 < c["first_audio_s"] <= c["e2e_latency_s"]
            audio = await client.get(c["audio_url"])
            assert audio.status_code == 200 and read_wav(audio.content).duration_s > 0.5

        locked = await client.get(f"/api/v1/battles/{bid}/metrics")
        assert locked.status_code == 409
        voted = await client.post(
            f"/api/v1/battles/{bid}/vote",
            json={"winner": "a", "sub_votes": {"answer": "tie", "voice": "b"}},
        )
        assert voted.status_code == 200, voted.text
        metrics = await _metrics_when_complete(client, bid)
        board = (await client.get("/api/v1/leaderboard", params={"battle_type": "s2s"})).json()
        page = (await client.get("/leaderboard", params={"battle_type": "s2s"})).text
        voice_board = (
            await client.get(
                "/api/v1/leaderboard", params={"battle_type": "s2s", "dimension": "voice"}
            )
        ).json()

    assert metrics["input_transcript"] == QUESTION and metrics["input_source"] == "ground_truth"
    assert {c["system_id"] for c in metrics["candidates"]} == {
        "s2s-local-fast",
        "s2s-local-quality",
    }
    for row in metrics["candidates"]:
        assert row["response_text"] and row["response_transcript"] is not None
        assert row["relevance_method"] == "keyword_overlap"
        assert 0.0 <= row["relevance"] <= 1.0
        assert set(row["stages"]) == {"stt", "respond", "tts"}
    assert board["dimensions"] == ["overall", "answer", "voice"]
    assert ">e2e latency (s)</th>" in page and ">first audio (s)</th>" in page
    for rating in board["ratings"]:
        assert set(rating["metrics"]) == {"e2e_latency_s", "first_audio_s"}
    assert voice_board["total_votes"] == 1 and len(voice_board["ratings"]) == 2


async def test_uploaded_question_is_transcribed_for_metrics(arena_server: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=arena_server.url, timeout=180) as client:
        spoken = (await client.get("/api/v1/clips/question-capital/audio")).content
        battle = await _generate(client)
        answered = await client.post(
            f"/api/v1/battles/{battle['id']}/input-audio",
            files={"audio": ("q.ogg", encoded_bytes(read_wav(spoken), "ogg", "libopus"))},
        )
        assert answered.status_code == 200, answered.text
        assert answered.json()["input"] == "recording"
        await client.post(f"/api/v1/battles/{battle['id']}/vote", json={"winner": "tie"})
        metrics = await _metrics_when_complete(client, battle["id"])
    assert metrics["input_source"] == "reference_stt"
    assert "capital" in metrics["input_transcript"].lower()


class TestJudge:
    @pytest.fixture
    def openai(self) -> Any:
        with OpenAIEmulator(api_key="judge-key") as api:
            api.respond_chat_with(lambda body: '{"relevance": 0.75, "reason": "on topic"}')
            yield api

    @pytest.fixture
    def settings(self, settings: Settings, openai: OpenAIEmulator) -> Settings:
        return settings.model_copy(
            update={"openai_api_key": "judge-key", "openai_base_url": openai.base_url}
        )

    async def test_llm_judge_scores_relevance_blind(
        self, arena_server: LiveServer, openai: OpenAIEmulator
    ) -> None:
        async with httpx.AsyncClient(base_url=arena_server.url, timeout=180) as client:
            battle = await _generate(client)
            await client.post(
                f"/api/v1/battles/{battle['id']}/input-audio",
                json={"curated_clip_id": "question-capital"},
            )
            await client.post(f"/api/v1/battles/{battle['id']}/vote", json={"winner": "b"})
            metrics = await _metrics_when_complete(client, battle["id"])
        for row in metrics["candidates"]:
            assert row["relevance"] == 0.75 and row["relevance_method"] == "llm_judge"
            assert row["relevance_reason"] == "on topic"
        judged = [r for r in openai.requests if r.path.endswith("/chat/completions")]
        assert len(judged) == 2
        for request in judged:
            text = str(request.body).lower()
            assert QUESTION.lower() in text
            assert "cascade" not in text and "s2s-local" not in text


class TestTimeouts:
    @pytest.fixture
    def settings(self, settings: Settings) -> Settings:
        return settings.model_copy(update={"s2s_timeout_s": 8.0})

    @pytest.fixture
    def sleepy(self) -> Iterator[SleepyS2S]:
        system = sleepy_s2s(60.0)
        yield system
        system.release.set()

    @pytest.fixture
    def registry(self, sleepy: SleepyS2S) -> Registry:
        fast = [s for s in systems_of(cascade) if s.id == "s2s-local-fast"]
        return Registry([*systems_of(espeak, pocketsphinx), *fast, sleepy])

    async def test_a_slow_system_is_skipped_and_two_are_needed(
        self, arena_server: LiveServer
    ) -> None:
        async with httpx.AsyncClient(base_url=arena_server.url, timeout=180) as client:
            battle = await _generate(client)
            failed = await client.post(
                f"/api/v1/battles/{battle['id']}/input-audio",
                json={"curated_clip_id": "question-capital"},
            )
            vote = await client.post(f"/api/v1/battles/{battle['id']}/vote", json={"winner": "tie"})
        assert failed.status_code == 502, failed.text
        assert "only 1 of 2 systems answered in time" in failed.json()["detail"]
        assert "sloth" not in failed.text.lower()
        assert vote.status_code == 409 and "failed" in vote.json()["detail"]


async def test_s2s_bad_input(arena_server: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=arena_server.url, timeout=180) as client:
        battle = await _generate(client)
        url = f"/api/v1/battles/{battle['id']}/input-audio"
        corrupt = await client.post(url, files={"audio": ("q.mp3", b"ID3" + b"\x00" * 500)})
        stt_clip = await client.post(url, json={"curated_clip_id": "clean-weather"})
        stt_battle = (
            await client.post("/api/v1/battles/generate", json={"battle_type": "stt"})
        ).json()
        wrong_mode = await client.post(
            f"/api/v1/battles/{stt_battle['id']}/input-audio",
            json={"curated_clip_id": "question-capital"},
        )
        metrics_of_stt = await client.get(f"/api/v1/battles/{stt_battle['id']}/metrics")
    assert corrupt.status_code == 422 and "could not be decoded" in corrupt.json()["detail"]
    assert stt_clip.status_code == 404 and "kind=s2s" in stt_clip.json()["detail"]
    assert wrong_mode.status_code == 409 and metrics_of_stt.status_code == 409


class TestSkip:
    @pytest.fixture
    def settings(self, settings: Settings) -> Settings:
        return settings.model_copy(update={"s2s_timeout_s": 20.0})

    @pytest.fixture
    def sleepy(self) -> Iterator[SleepyS2S]:
        system = sleepy_s2s(60.0)
        yield system
        system.release.set()

    @pytest.fixture
    def registry(self, sleepy: SleepyS2S) -> Registry:
        return Registry([*systems_of(espeak, pocketsphinx, whisper, cascade), sleepy])

    async def test_the_slow_system_is_skipped_and_the_rest_are_votable(
        self, arena_server: LiveServer
    ) -> None:
        async with httpx.AsyncClient(base_url=arena_server.url, timeout=180) as client:
            battle = await _generate(client, candidates=3)
            answered = await client.post(
                f"/api/v1/battles/{battle['id']}/input-audio",
                json={"curated_clip_id": "question-capital"},
            )
            assert answered.status_code == 200, answered.text
            body = answered.json()
            labels = [c["label"] for c in body["candidates"]]
            vote = await client.post(
                f"/api/v1/battles/{battle['id']}/vote", json={"winner": labels[0]}
            )
            metrics = await _metrics_when_complete(client, battle["id"])
        assert body["skipped"] == 1 and len(labels) == 2
        assert "sloth" not in answered.text.lower()
        assert vote.status_code == 200
        assert [c["label"] for c in vote.json()["candidates"]] == labels
        assert {c["system_id"] for c in metrics["candidates"]} == {
            "s2s-local-fast",
            "s2s-local-quality",
        }
