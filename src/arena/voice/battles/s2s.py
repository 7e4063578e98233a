"""S2S battles: the same spoken input goes to 2–4 systems at once; their spoken answers are
revealed together (gated playback) once every system has answered or timed out.

Flow: `generate` picks the systems (and suggests a spoken question); `respond` takes the input
once, fans it out in parallel, stores each answer's audio under an opaque battle-scoped URL and
starts the background metrics; `metrics_after_vote` is the progressive reveal.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from fastapi import APIRouter
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from arena.core.audio import Audio, to_wav_bytes
from arena.core.loudness import normalize_loudness
from arena.providers.registry import Registry, UnknownSystemError
from arena.providers.s2s import S2SResponse, SpeechToSpeech
from arena.voice.battles.generation import fail_candidate, settle, timed_in_thread
from arena.voice.battles.input_first import (
    InputFirstMode,
    system_rows,
)
from arena.voice.battles.modes import BattleContext
from arena.voice.battles.s2s_metrics import needs_start, start_metrics
from arena.voice.clips.inputs import InputRequest
from arena.voice.db.clips import BattleInput
from arena.voice.db.models import Battle, Candidate
from arena.voice.errors import GenerationFailedError

ANSWERS_FOLDER = "s2s"
INSTALL_ADVICE = (
    "the offline cascades need an STT engine (pocketsphinx or faster-whisper) and a TTS voice "
    "(espeak-ng or piper); or set OPENAI_API_KEY for the Realtime model; `arena systems list` "
    "shows what is missing"
)
# Public metric status: `pending` (no job yet) reads as `computing`.
STATUS_NAMES = {"pending": "computing"}


@dataclass(frozen=True)
class AnswerPublic:
    """One label's spoken answer before the vote: an opaque URL and its timings, no names."""

    label: str
    audio_url: str
    e2e_latency_s: float
    first_audio_s: float
    duration_s: float


@dataclass(frozen=True)
class AnswersPublic:
    battle_id: str
    status: str
    input: str
    skipped: int
    candidates: list[AnswerPublic]


@dataclass(frozen=True)
class AnswerMetricPublic:
    """One label after the vote: the system, what it heard and said, relevance and timings."""

    label: str
    system_id: str
    display_name: str
    provider: str
    e2e_latency_s: float | None
    first_audio_s: float | None
    stages: dict[str, float]
    heard: str | None
    response_text: str | None
    response_transcript: str | None = None
    relevance: float | None = None
    relevance_method: str | None = None
    relevance_reason: str | None = None


@dataclass(frozen=True)
class S2SMetricsPublic:
    battle_id: str
    status: str
    input_transcript: str | None
    input_source: str | None
    candidates: list[AnswerMetricPublic]
    error: str | None = None


@dataclass(frozen=True)
class Answer:
    response: S2SResponse
    wall_s: float


def available_s2s(registry: Registry) -> list[SpeechToSpeech]:
    """S2S systems that can run here."""
    return [
        s for s in registry.of_mode("s2s") if isinstance(s, SpeechToSpeech) and s.available().ok
    ]


class S2SMode(InputFirstMode):
    """Speak (or pick) a question, hear every system answer, pick the best answer."""

    name = "s2s"
    title = "Speech to speech"
    template = "battle_s2s.html"
    sub_votes: ClassVar[dict[str, str]] = {
        "answer": "Which gave the better answer?",
        "voice": "Which voice sounded better?",
    }
    metrics = ("e2e_latency_s", "first_audio_s")
    install_advice: ClassVar[str] = INSTALL_ADVICE
    waiting_for: ClassVar[str] = "no answers yet; send a spoken question to"
    input_route: ClassVar[str] = "input-audio"

    def router(self) -> APIRouter:
        from arena.voice.api.s2s import router

        return router

    def available(self, registry: Registry) -> Sequence[SpeechToSpeech]:
        return available_s2s(registry)

    async def respond(
        self, ctx: BattleContext, battle_id: str, request: InputRequest
    ) -> AnswersPublic:
        """Fan the input out to every candidate; answer when all have answered or timed out."""
        battle, given = await self.take_input(ctx, battle_id, request)
        timeout = ctx.settings.s2s_timeout_s
        results = await asyncio.gather(
            *(self._answer(ctx.registry, c, given.audio, timeout) for c in battle.candidates),
            return_exceptions=True,
        )
        folder = ctx.settings.audio_dir / ANSWERS_FOLDER / battle.id
        for candidate, result in zip(battle.candidates, results, strict=True):
            await self._record(battle, candidate, result, folder, ctx.settings.tts_loudness_lufs)
        ready = settle(battle, "answered")
        await ctx.session.commit()
        if battle.status == "failed":
            raise GenerationFailedError(
                f"The S2S battle failed: {battle.error} in time. The server log names the "
                "failing systems; `arena systems list` checks their set-up. Start a new battle."
            )
        start_metrics(_sessions(ctx.session), ctx.settings, ctx.registry, battle.id, given.audio)
        return AnswersPublic(
            battle_id=battle.id,
            status=battle.status,
            input="clip" if given.clip else "recording",
            skipped=len(battle.candidates) - len(ready),
            candidates=[
                AnswerPublic(
                    label=c.label,
                    audio_url=self.audio_url(battle, c) or "",
                    e2e_latency_s=float(c.metrics["e2e_latency_s"]),
                    first_audio_s=float(c.metrics["first_audio_s"]),
                    duration_s=float(c.duration_s or 0.0),
                )
                for c in ready
            ],
        )

    async def _answer(
        self, registry: Registry, candidate: Candidate, audio: Audio, timeout_s: float
    ) -> Answer:
        try:
            system = registry.get(candidate.system_id)
        except UnknownSystemError:
            raise LookupError("the system is no longer registered") from None
        if not isinstance(system, SpeechToSpeech):
            raise LookupError("the system is not a speech-to-speech system")
        response, wall_s = await timed_in_thread(lambda: system.respond(audio), timeout_s)
        return Answer(response, wall_s)

    async def _record(
        self,
        battle: Battle,
        candidate: Candidate,
        result: Answer | BaseException,
        folder: Path,
        loudness_lufs: float,
    ) -> None:
        if not isinstance(result, Answer):
            fail_candidate(battle, candidate, result, "ARENA_S2S_TIMEOUT")
            return
        response = result.response
        if response.audio.samples.size == 0:
            candidate.status = "failed"
            candidate.error = "the system answered with no audio"
            return
        audio = normalize_loudness(response.audio, loudness_lufs)
        path = folder / f"{candidate.id}.wav"
        await asyncio.to_thread(_write, path, to_wav_bytes(audio))
        candidate.status = "ready"
        candidate.audio_path = str(path)
        candidate.duration_s = round(audio.duration_s, 3)
        candidate.metrics = {
            "e2e_latency_s": round(response.latency_s, 4),
            "first_audio_s": round(response.first_audio_s, 4),
            "wall_s": round(result.wall_s, 4),
            "stages": {k: round(v, 4) for k, v in response.stages.items()},
            "heard": response.input_transcript,
            "response_text": response.response_text,
        }

    async def metrics_after_vote(self, ctx: BattleContext, battle_id: str) -> S2SMetricsPublic:
        """Progressive metrics: computing → partial → complete. Names systems, so after the vote."""
        battle = await self.voted_battle(ctx, battle_id)
        given = await ctx.session.get(BattleInput, battle.id)
        assert given is not None
        if needs_start(given):
            # The process that took the input is gone (restart): compute from what is stored.
            start_metrics(_sessions(ctx.session), ctx.settings, ctx.registry, battle.id, None)
        contenders = self.contenders(battle)
        systems = await system_rows(ctx, {c.system_id for c in contenders})
        computed: dict[str, Any] = given.metrics.get("candidates", {})
        rows = []
        for c in contenders:
            system = systems[c.system_id]
            m = c.metrics
            rows.append(
                AnswerMetricPublic(
                    label=c.label,
                    system_id=system.id,
                    display_name=system.display_name,
                    provider=system.provider,
                    e2e_latency_s=m.get("e2e_latency_s"),
                    first_audio_s=m.get("first_audio_s"),
                    stages=m.get("stages", {}),
                    heard=m.get("heard"),
                    response_text=m.get("response_text"),
                    **computed.get(c.label, {}),
                )
            )
        return S2SMetricsPublic(
            battle_id=battle.id,
            status=STATUS_NAMES.get(given.metrics_status, given.metrics_status),
            input_transcript=given.transcript,
            input_source=given.metrics.get("input_source"),
            candidates=rows,
            error=given.metrics.get("error"),
        )


def _sessions(session: AsyncSession) -> async_sessionmaker[AsyncSession]:
    """A session factory on the request session's engine, for work that outlives the request."""
    return async_sessionmaker(session.bind, expire_on_commit=False)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


MODE = S2SMode()
