"""S2S metrics: keyword relevance, the LLM judge over HTTP, and the background job's fallbacks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from arena.core.audio import to_wav_bytes
from arena.voice.battles.s2s_metrics import (
    MetricsJob,
    RelevanceJudgeError,
    judge_relevance,
    keyword_relevance,
    needs_start,
)
from arena.voice.db.clips import BattleInput
from arena.voice.db.models import Battle, Candidate
from arena.voice.evaluation.judge import JudgeConfig
from arena.voice.state import ArenaState
from tests.fakes.openai_api import OpenAIEmulator
from tests.stt_battles.audio_files import tone


@pytest.mark.parametrize(
    ("question", "answer", "expected"),
    [
        ("What is the capital of France?", "The capital of France is Paris.", 1.0),
        ("What is the capital of France?", "Sorry, I don't know that one.", 0.0),
        ("How many minutes are there in an hour?", "There are sixty minutes in an hour.", 2 / 3),
        ("What is it?", "Anything at all.", None),
    ],
)
def test_keyword_relevance(question: str, answer: str, expected: float | None) -> None:
    assert keyword_relevance(question, answer) == (
        None if expected is None else pytest.approx(expected, abs=1e-4)
    )


async def test_judge_scores_retries_and_fails_clearly() -> None:
    with OpenAIEmulator(api_key="k") as api:
        config = JudgeConfig(api.base_url, "k", "judge-model", backoff_s=0.01)
        api.fail_next(503)
        api.enqueue_chat('{"relevance": 0.8, "reason": "answers it"}')
        async with httpx.AsyncClient() as client:
            verdict = await judge_relevance(config, "Capital of France?", "Paris.", client)
            api.enqueue_chat("not json", "still not json", '{"relevance": 7}')
            with pytest.raises(RelevanceJudgeError, match="not a relevance object"):
                await judge_relevance(config, "Capital of France?", "Paris.", client)
            refused = JudgeConfig(api.base_url, "wrong-key", "judge-model")
            with pytest.raises(RelevanceJudgeError, match="HTTP 401"):
                await judge_relevance(refused, "Capital of France?", "Paris.", client)
    assert verdict.score == 0.8 and verdict.method == "llm_judge"
    assert verdict.reason == "answers it"


async def _battle(state: ArenaState, audio_path: str, heard: list[str]) -> str:
    async with state.sessions() as session:
        battle = Battle(mode="s2s", status="voted", candidates=[])
        for label, text in zip("ab", heard, strict=True):
            battle.candidates.append(
                Candidate(
                    label=label,
                    system_id="stt-pocketsphinx/batch",
                    status="ready",
                    audio_path=audio_path,
                    metrics={"heard": text, "response_text": "Paris is the capital of France."},
                )
            )
        session.add(battle)
        await session.flush()
        session.add(BattleInput(battle_id=battle.id, received_at=datetime.now(UTC)))
        await session.commit()
        return battle.id


async def test_job_without_input_audio_uses_what_the_candidates_heard(
    arena_state: ArenaState, tmp_path: Path
) -> None:
    answer = tmp_path / "answer.wav"
    answer.write_bytes(to_wav_bytes(tone(0.5, rate=16_000)))
    heard = ["what is the capital of france", "what is the capital of france"]
    battle_id = await _battle(arena_state, str(answer), heard)
    job = MetricsJob(
        arena_state.sessions, arena_state.settings, arena_state.registry, battle_id, None
    )
    await job.run()
    await job.run()  # a second run finds the job claimed and does nothing
    async with arena_state.sessions() as session:
        given = await session.get(BattleInput, battle_id)
    assert given is not None and given.metrics_status == "complete"
    assert given.transcript == heard[0] and given.metrics["input_source"] == "candidates"
    for label in "ab":
        row = given.metrics["candidates"][label]
        assert row["relevance"] == 1.0 and row["relevance_method"] == "keyword_overlap"
        assert row["response_transcript"] is not None


async def test_a_failing_job_completes_with_the_error(arena_state: ArenaState) -> None:
    battle_id = await _battle(arena_state, "/nonexistent/answer.wav", ["hello", "hello"])
    job = MetricsJob(
        arena_state.sessions, arena_state.settings, arena_state.registry, battle_id, None
    )
    await job.run()
    async with arena_state.sessions() as session:
        given = await session.get(BattleInput, battle_id)
    assert given is not None and given.metrics_status == "complete"
    assert "FileNotFoundError" in given.metrics["error"]


@pytest.mark.parametrize(("age_minutes", "redone"), [(10, True), (1, False)])
async def test_a_silent_job_is_redone_and_a_live_one_is_left_alone(
    arena_state: ArenaState, tmp_path: Path, age_minutes: int, redone: bool
) -> None:
    answer = tmp_path / "answer.wav"
    answer.write_bytes(to_wav_bytes(tone(0.5, rate=16_000)))
    battle_id = await _battle(arena_state, str(answer), ["capital of france"] * 2)
    async with arena_state.sessions() as session:
        given = await session.get(BattleInput, battle_id)
        assert given is not None
        given.metrics_status = "computing"
        given.metrics_heartbeat_at = datetime.now(UTC) - timedelta(minutes=age_minutes)
        await session.commit()
    async with arena_state.sessions() as session:
        stored = await session.get(BattleInput, battle_id)
        assert stored is not None and needs_start(stored) is redone
    job = MetricsJob(
        arena_state.sessions, arena_state.settings, arena_state.registry, battle_id, None
    )
    await job.run()
    async with arena_state.sessions() as session:
        given = await session.get(BattleInput, battle_id)
    assert given is not None
    assert given.metrics_status == ("complete" if redone else "computing")
