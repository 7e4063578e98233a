"""S2S battle routes (mounted by the S2S mode): the spoken input and the progressive metrics."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from arena.voice.api.stt_inputs import read_input_request
from arena.voice.battles.s2s import AnswersPublic, S2SMetricsPublic, S2SMode
from arena.voice.deps import ContextDep, mode_dependency

router = APIRouter(prefix="/api/v1/battles", tags=["s2s"])


S2SModeDep = Annotated[S2SMode, Depends(mode_dependency("s2s", S2SMode))]


@router.post("/{battle_id}/input-audio", response_model=AnswersPublic)
async def input_audio(
    battle_id: str, request: Request, ctx: ContextDep, mode: S2SModeDep
) -> AnswersPublic:
    """Send the spoken question (upload or `curated_clip_id`); answers when every system has."""
    given = await read_input_request(request)
    return await mode.respond(ctx, battle_id, given)


@router.get("/{battle_id}/metrics", response_model=S2SMetricsPublic)
async def metrics(battle_id: str, ctx: ContextDep, mode: S2SModeDep) -> S2SMetricsPublic:
    """After the vote: transcripts, relevance and latencies; `status` computing → complete."""
    return await mode.metrics_after_vote(ctx, battle_id)
