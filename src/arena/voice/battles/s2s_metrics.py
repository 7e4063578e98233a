"""S2S battle metrics, computed in the background after the input: progressive, never blocking.

Steps, each committed so a poller sees progress (`computing` → `partial` → `complete`):
1. the input transcript — the ground truth when known (curated question, typed intended text),
   else the reference recognizer on the input audio, else what most candidates heard;
2. per answer: its transcript (the reference recognizer on the answer audio) and its relevance
   to the input — an LLM judge when OPENAI_API_KEY is set, else the deterministic keyword score.

Deterministic relevance (`keyword_relevance`): the share of the question's content words
(normalized, stop words removed, plural "s" stripped) that the answer repeats. "What is the
capital of France?" → {capital, france}; "The capital of France is Paris." scores 1.0, "Sorry,
I don't know that one." scores 0.0. It rewards on-topic answers, not correct ones.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import CursorResult, and_, or_, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from arena.config import Settings
from arena.core.audio import Audio, read_wav
from arena.core.text import normalize_words
from arena.providers.registry import Registry
from arena.providers.stt import SpeechToText
from arena.voice.db.clips import BattleInput
from arena.voice.db.models import Battle
from arena.voice.evaluation.judge import JudgeConfig, JudgeError, ask_json

logger = logging.getLogger(__name__)

# A metrics job that has not committed progress for this long is presumed dead and redone.
STALE_AFTER = timedelta(minutes=5)
REFERENCE_STT = ("stt-whisper-tiny/greedy", "stt-pocketsphinx/batch")
# A word list reads better as one string than as 50 quoted items.
STOP_WORDS = frozenset(
    "a about an and are as at be by can could do does for from give have how i in is it me my "  # noqa: SIM905
    "of on or please our so tell that the their there these this to was we what when where "
    "which who why will with would you your".split()
)
JUDGE_SYSTEM = (
    "You rate spoken answers of voice assistants. Given what the user asked and what the "
    "assistant answered (both transcribed from speech), rate how relevant and helpful the "
    "answer is to the question, from 0.0 (unrelated or unhelpful) to 1.0 (directly and "
    "correctly answers it). Reply with one JSON object and nothing else."
)

_running: set[asyncio.Task[None]] = set()


class RelevanceJudgeError(RuntimeError):
    """The LLM judge gave no usable score (after retries)."""


def content_words(text: str) -> set[str]:
    """Normalized words of `text` without stop words, with a plural "s" stripped."""
    out = set()
    for word in normalize_words(text):
        if word in STOP_WORDS:
            continue
        stem = (
            word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word
        )
        out.add(stem)
    return out


def keyword_relevance(question: str, answer: str) -> float | None:
    """Share of the question's content words the answer repeats; None if the question has none."""
    asked = content_words(question)
    if not asked:
        return None
    return round(len(asked & content_words(answer)) / len(asked), 4)


@dataclass(frozen=True)
class Relevance:
    score: float | None
    method: str
    reason: str = ""


async def judge_relevance(
    config: JudgeConfig, question: str, answer: str, client: httpx.AsyncClient
) -> Relevance:
    """Ask the OpenAI-compatible judge; retries transient failures, then raises."""
    prompt = (
        f"USER ASKED: {question}\nASSISTANT ANSWERED: {answer}\n\n"
        'Return {"relevance": 0.0-1.0, "reason": "one sentence"}.'
    )
    try:
        return await ask_json(
            config, client, JUDGE_SYSTEM, prompt, _parse_verdict, "a relevance object"
        )
    except JudgeError as exc:
        raise RelevanceJudgeError(str(exc)) from exc


def _parse_verdict(payload: Any) -> Relevance:
    content = payload["choices"][0]["message"]["content"]
    verdict = json.loads(content)
    score = float(verdict["relevance"])
    if not 0.0 <= score <= 1.0:
        raise ValueError(f"relevance {score} is outside 0..1")
    return Relevance(round(score, 4), "llm_judge", str(verdict.get("reason", ""))[:500])


def reference_stt(registry: Registry) -> SpeechToText | None:
    """The recognizer that transcribes inputs and answers for every candidate alike."""
    available = [
        s for s in registry.of_mode("stt") if isinstance(s, SpeechToText) and s.available().ok
    ]
    for preferred in REFERENCE_STT:
        for system in available:
            if system.id == preferred:
                return system
    return available[0] if available else None


def needs_start(given: BattleInput, now: datetime | None = None) -> bool:
    """Whether no live job is computing `given`'s metrics (never started, or gone silent)."""
    if given.metrics_status == "complete" or given.received_at is None:
        return False
    if given.metrics_status == "pending" or given.metrics_heartbeat_at is None:
        return True
    beat = given.metrics_heartbeat_at
    beat = beat if beat.tzinfo else beat.replace(tzinfo=UTC)  # SQLite returns naive UTC
    return beat < (now or datetime.now(UTC)) - STALE_AFTER


def start_metrics(
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
    registry: Registry,
    battle_id: str,
    input_audio: Audio | None,
) -> None:
    """Compute the battle's metrics in a background task (at most one per battle, by claim)."""
    job = MetricsJob(sessions, settings, registry, battle_id, input_audio)
    task = asyncio.get_running_loop().create_task(job.run())
    _running.add(task)
    task.add_done_callback(_running.discard)


@dataclass
class MetricsJob:
    sessions: async_sessionmaker[AsyncSession]
    settings: Settings
    registry: Registry
    battle_id: str
    input_audio: Audio | None

    async def run(self) -> None:
        try:
            async with self.sessions() as session:
                if await self._claim(session):
                    await self._compute(session)
        except Exception as exc:  # a background job has no caller to raise to: log and record
            logger.exception("S2S metrics for battle %s failed", self.battle_id)
            await self._record_failure(f"{type(exc).__name__}: {exc}")

    async def _record_failure(self, message: str) -> None:
        """End the job as complete with an error, so pollers stop waiting."""
        async with self.sessions() as session:
            given = await session.get(BattleInput, self.battle_id)
            if given is not None:
                given.metrics = {**given.metrics, "error": message}
                given.metrics_status = "complete"
                await session.commit()

    async def _claim(self, session: AsyncSession) -> bool:
        """Take the job if nobody has, or if its last owner went silent (a restart)."""
        now = datetime.now(UTC)
        unowned = or_(
            BattleInput.metrics_status == "pending",
            and_(
                BattleInput.metrics_status.in_(("computing", "partial")),
                or_(
                    BattleInput.metrics_heartbeat_at.is_(None),
                    BattleInput.metrics_heartbeat_at < now - STALE_AFTER,
                ),
            ),
        )
        stmt = (
            update(BattleInput)
            .where(
                BattleInput.battle_id == self.battle_id,
                BattleInput.received_at.is_not(None),
                unowned,
            )
            .values(metrics_status="computing", metrics_heartbeat_at=now)
            .execution_options(synchronize_session=False)
        )
        result = await session.execute(stmt)
        assert isinstance(result, CursorResult)
        await session.commit()
        return result.rowcount == 1

    async def _compute(self, session: AsyncSession) -> None:
        given = await session.get(BattleInput, self.battle_id)
        battle = await session.get(Battle, self.battle_id)
        assert given is not None and battle is not None
        ready = [c for c in battle.candidates if c.status == "ready"]
        recognizer = reference_stt(self.registry)
        question, source = await self._input_transcript(given, ready, recognizer)
        given.transcript = question
        given.metrics = {"input_source": source, "candidates": {}}
        given.metrics_status = "partial"
        given.metrics_heartbeat_at = datetime.now(UTC)
        await session.commit()
        judge = JudgeConfig.from_settings(self.settings)
        async with httpx.AsyncClient() as client:
            for candidate in ready:
                row = await self._answer_metrics(
                    candidate.audio_path, candidate.metrics, question, recognizer, judge, client
                )
                given.metrics = {
                    **given.metrics,
                    "candidates": {**given.metrics["candidates"], candidate.label: row},
                }
                given.metrics_heartbeat_at = datetime.now(UTC)
                await session.commit()
        given.metrics_status = "complete"
        await session.commit()

    async def _input_transcript(
        self, given: BattleInput, ready: list[Any], recognizer: SpeechToText | None
    ) -> tuple[str, str]:
        if given.ground_truth:
            return given.ground_truth, "ground_truth"
        if self.input_audio is not None and recognizer is not None:
            heard = await asyncio.to_thread(recognizer.transcribe, self.input_audio)
            return heard.text.strip(), "reference_stt"
        votes = Counter(str(c.metrics.get("heard", "")).strip() for c in ready)
        votes.pop("", None)
        if votes:
            return votes.most_common(1)[0][0], "candidates"
        return "", "unknown"

    async def _answer_metrics(
        self,
        audio_path: str | None,
        metrics: dict[str, Any],
        question: str,
        recognizer: SpeechToText | None,
        judge: JudgeConfig | None,
        client: httpx.AsyncClient,
    ) -> dict[str, Any]:
        transcript: str | None = None
        if recognizer is not None and audio_path is not None:
            audio = read_wav(await asyncio.to_thread(Path(audio_path).read_bytes))
            transcript = (await asyncio.to_thread(recognizer.transcribe, audio)).text.strip()
        answer = str(metrics.get("response_text") or transcript or "")
        relevance = await self._relevance(question, answer, judge, client)
        return {
            "response_transcript": transcript,
            "relevance": relevance.score,
            "relevance_method": relevance.method,
            "relevance_reason": relevance.reason,
        }

    async def _relevance(
        self, question: str, answer: str, judge: JudgeConfig | None, client: httpx.AsyncClient
    ) -> Relevance:
        if judge is not None and question and answer:
            try:
                return await judge_relevance(judge, question, answer, client)
            except RelevanceJudgeError as exc:
                logger.warning("relevance judge failed, using keyword overlap: %s", exc)
                score = keyword_relevance(question, answer)
                return Relevance(score, "keyword_overlap", f"judge unavailable: {exc}")
        return Relevance(keyword_relevance(question, answer), "keyword_overlap")
