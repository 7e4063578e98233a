"""`/api/v1/battles`: generate, read, vote, and battle-scoped audio."""

from __future__ import annotations

import asyncio
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

from arena.voice.battles.views import battle_public
from arena.voice.battles.votes import cast_vote, load_battle
from arena.voice.deps import ContextDep, ModesDep, SessionDep, VoterSessionDep
from arena.voice.errors import CandidateNotFoundError
from arena.voice.schemas import BattleGenerate, BattlePublic, VoteIn

router = APIRouter(prefix="/api/v1/battles", tags=["battles"])


@router.post("/generate", response_model=BattlePublic)
async def generate_battle(body: BattleGenerate, ctx: ContextDep, modes: ModesDep) -> BattlePublic:
    """Start a blind battle of `battle_type`; the response names no system."""
    mode = modes.get(body.battle_type)
    battle = await mode.generate(ctx, body)
    return await battle_public(ctx, mode, battle)


@router.get("/{battle_id}", response_model=BattlePublic)
async def read_battle(battle_id: str, ctx: ContextDep, modes: ModesDep) -> BattlePublic:
    """A battle: blinded before its vote, revealed after."""
    battle = await load_battle(ctx.session, battle_id)
    return await battle_public(ctx, modes.get(battle.mode), battle)


@router.post("/{battle_id}/vote", response_model=BattlePublic)
async def vote_battle(
    battle_id: str, body: VoteIn, ctx: ContextDep, modes: ModesDep, voter: VoterSessionDep
) -> BattlePublic:
    """Cast the battle's one vote and reveal who was who."""
    battle = await load_battle(ctx.session, battle_id)
    mode = modes.get(battle.mode)
    battle = await cast_vote(ctx, mode, battle, body, voter)
    return await battle_public(ctx, mode, battle)


@router.get("/{battle_id}/audio/{label}", response_class=FileResponse)
async def battle_audio(battle_id: str, label: str, session: SessionDep) -> FileResponse:
    """A candidate's audio under an opaque, battle-scoped URL (no names in headers either)."""
    battle = await load_battle(session, battle_id)
    candidate = next((c for c in battle.candidates if c.label == label), None)
    path = candidate.audio_path if candidate else None
    if path is None or not await asyncio.to_thread(Path(path).is_file):
        raise CandidateNotFoundError(label)
    return FileResponse(
        path,
        media_type="audio/wav",
        headers={"Cache-Control": "private, max-age=86400"},
    )
