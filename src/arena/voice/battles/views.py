"""A battle as a client sees it: blinded until its vote, revealed after."""

from __future__ import annotations

from sqlalchemy import select

from arena.voice.battles.modes import BattleContext, BattleMode
from arena.voice.db.models import Battle, Candidate, Prompt, SystemRow, Vote
from arena.voice.schemas import (
    BattlePublic,
    CandidatePublic,
    CandidateReveal,
    PromptPublic,
    VotePublic,
)


async def battle_public(ctx: BattleContext, mode: BattleMode, battle: Battle) -> BattlePublic:
    """The public view of `battle`; names systems only once it has been voted on."""
    revealed = battle.status == "voted"
    contenders = mode.contenders(battle)
    systems = await _systems(ctx, contenders) if revealed else {}
    vote = await _vote(ctx, battle) if revealed else None
    prompt = await ctx.session.get(Prompt, battle.prompt_id) if battle.prompt_id else None
    return BattlePublic(
        id=battle.id,
        battle_type=battle.mode,
        status=battle.status,
        prompt=PromptPublic(id=prompt.id, category=prompt.category, text=prompt.text)
        if prompt
        else None,
        candidates=[
            CandidatePublic(
                label=c.label,
                audio_url=mode.audio_url(battle, c),
                duration_s=c.duration_s,
                transcript=c.transcript,
                reveal=_reveal(c, systems[c.system_id]) if revealed else None,
            )
            for c in contenders
        ],
        allowed_winners=mode.allowed_winners(battle),
        sub_votes=dict(mode.sub_votes),
        vote=vote,
        details=await mode.details(ctx, battle, revealed),
    )


def _reveal(candidate: Candidate, system: SystemRow) -> CandidateReveal:
    return CandidateReveal(
        system_id=system.id,
        display_name=system.display_name,
        provider=system.provider,
        config=system.config,
        metrics=candidate.metrics,
    )


async def _systems(ctx: BattleContext, candidates: list[Candidate]) -> dict[str, SystemRow]:
    ids = {c.system_id for c in candidates}
    rows = (await ctx.session.execute(select(SystemRow).where(SystemRow.id.in_(ids)))).scalars()
    return {row.id: row for row in rows}


async def _vote(ctx: BattleContext, battle: Battle) -> VotePublic | None:
    row = (
        await ctx.session.execute(select(Vote).where(Vote.battle_id == battle.id))
    ).scalar_one_or_none()
    if row is None:
        return None
    return VotePublic(winner=row.winner, sub_votes=row.sub_votes)
