"""STT battle routes (mounted by the STT mode) and the curated clip library they play."""

from __future__ import annotations

import asyncio
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse

from arena.voice.api.stt_inputs import read_input_request
from arena.voice.battles.input_first import clip_public
from arena.voice.battles.stt import SttMetricsPublic, SttMode, TranscriptsPublic
from arena.voice.clips.inputs import ClipNotFoundError, clip_file, list_clips
from arena.voice.db.clips import Clip
from arena.voice.deps import ContextDep, SessionDep, SettingsDep, mode_dependency

router = APIRouter(tags=["stt"])


SttModeDep = Annotated[SttMode, Depends(mode_dependency("stt", SttMode))]


@router.post("/api/v1/battles/{battle_id}/stt-transcribe", response_model=TranscriptsPublic)
async def transcribe(
    battle_id: str, request: Request, ctx: ContextDep, mode: SttModeDep
) -> TranscriptsPublic:
    """Give the battle its audio (curated clip or upload); every candidate transcribes it."""
    given = await read_input_request(request)
    return await mode.transcribe(ctx, battle_id, given)


@router.get("/api/v1/battles/{battle_id}/stt-metrics", response_model=SttMetricsPublic)
async def stt_metrics(battle_id: str, ctx: ContextDep, mode: SttModeDep) -> SttMetricsPublic:
    """After the vote: per label the system, WER, CER, word diff and latency."""
    return await mode.metrics_after_vote(ctx, battle_id)


@router.get("/api/v1/clips")
async def clips(
    session: SessionDep, kind: Annotated[Literal["stt", "s2s"], Query()] = "stt"
) -> list[dict[str, object]]:
    """The curated clips of `kind` (no ground truth text, no voice)."""
    return [clip_public(c) for c in await list_clips(session, kind)]


@router.get("/api/v1/clips/{clip_id}/audio", response_class=FileResponse)
async def clip_audio(clip_id: str, session: SessionDep, settings: SettingsDep) -> FileResponse:
    """A curated clip's 16 kHz WAV (STT clip or spoken S2S question)."""
    clip = await session.get(Clip, clip_id)
    path = clip_file(settings.audio_dir, clip) if clip else None
    if clip is None or path is None or not await asyncio.to_thread(path.is_file):
        raise ClipNotFoundError(clip_id, clip.kind if clip else "stt")
    return FileResponse(
        path, media_type="audio/wav", headers={"Cache-Control": "public, max-age=86400"}
    )
