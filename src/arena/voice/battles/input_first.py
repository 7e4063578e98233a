"""Battles that wait for the user's audio before their systems work (STT and S2S).

`generate` only picks the systems (and suggests a curated clip); the mode's input route takes
the audio once (`claim_input`), runs every candidate and settles the battle.
"""

from __future__ import annotations

import random
from abc import abstractmethod
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import CursorResult, func, select, update

from arena.providers.base import System
from arena.providers.registry import Registry
from arena.voice.battles.generation import LABELS, pick_systems
from arena.voice.battles.modes import BattleContext, BattleMode
from arena.voice.battles.votes import load_battle
from arena.voice.clips.inputs import (
    BattleAudio,
    InputRequest,
    get_clip,
    keep_recording,
    resolve_input,
)
from arena.voice.db.clips import BattleInput, Clip
from arena.voice.db.models import Battle, Candidate, SystemRow, new_id
from arena.voice.errors import ArenaError, NotEnoughSystemsError
from arena.voice.schemas import BattleGenerate

DEFAULT_CANDIDATES = 2


class WrongBattleTypeError(ArenaError):
    status_code = 409

    def __init__(self, battle_id: str, actual: str, expected: str) -> None:
        super().__init__(
            f"Battle {battle_id!r} is a {actual} battle; this endpoint is for {expected} "
            f"battles: start one with POST /api/v1/battles/generate "
            f'{{"battle_type": "{expected}"}}.'
        )


class InputAlreadyGivenError(ArenaError):
    status_code = 409

    def __init__(self) -> None:
        super().__init__(
            "This battle already has its input audio; start a new battle to try another clip."
        )


class MetricsBeforeVoteError(ArenaError):
    status_code = 409

    def __init__(self) -> None:
        super().__init__("Metrics name the systems, so they are shown after the vote: vote first.")


def ensure_mode(battle: Battle, mode: str) -> None:
    if battle.mode != mode:
        raise WrongBattleTypeError(battle.id, battle.mode, mode)


async def claim_input(ctx: BattleContext, battle: Battle, given: BattleAudio) -> None:
    """Record the battle's input exactly once; a concurrent second request gets a 409."""
    if given.recording is not None:
        await ctx.session.flush()
    stmt = (
        update(BattleInput)
        .where(BattleInput.battle_id == battle.id, BattleInput.received_at.is_(None))
        .values(
            received_at=datetime.now(UTC),
            clip_id=given.clip.id if given.clip else None,
            recording_id=given.recording.id if given.recording else None,
            ground_truth=given.ground_truth,
        )
        .execution_options(synchronize_session=False)
    )
    result = await ctx.session.execute(stmt)
    assert isinstance(result, CursorResult)
    if result.rowcount != 1:
        await ctx.session.rollback()
        raise InputAlreadyGivenError()
    await keep_recording(ctx.settings.audio_dir, given)
    await ctx.session.commit()


def clip_public(clip: Clip) -> dict[str, Any]:
    """A curated clip as shown before the vote: no ground truth, no voice."""
    return {
        "id": clip.id,
        "category": clip.category,
        "duration_s": clip.duration_s,
        "audio_url": f"/api/v1/clips/{clip.id}/audio",
    }


async def system_rows(ctx: BattleContext, ids: set[str]) -> dict[str, SystemRow]:
    rows = (await ctx.session.scalars(select(SystemRow).where(SystemRow.id.in_(ids)))).all()
    return {row.id: row for row in rows}


class InputFirstMode(BattleMode):
    """A mode whose battles wait for the user's input before the candidates produce anything.

    The mode name is also its clip kind. While waiting, every assigned label is accepted by
    validation, so an early vote gets the 409 "no output yet" rather than a 422 about an
    unknown label.
    """

    # How to install or configure systems of this mode, for the "not enough systems" error.
    install_advice: ClassVar[str]
    # The 409 of an early vote, up to the route that takes the input, e.g. "no answers yet; …".
    waiting_for: ClassVar[str]
    # The input route under /api/v1/battles/{id}/.
    input_route: ClassVar[str]

    def __init__(self, rng: random.Random | None = None) -> None:
        self._rng = rng or random.SystemRandom()

    @abstractmethod
    def available(self, registry: Registry) -> Sequence[System]:
        """Systems of this mode that can run here."""

    async def generate(self, ctx: BattleContext, request: BattleGenerate) -> Battle:
        systems = self.available(ctx.registry)
        if len(systems) < 2:
            kind = self.name.upper()
            raise NotEnoughSystemsError(
                f"An {kind} battle needs at least 2 available {kind} systems, found "
                f"{len(systems)}: {self.install_advice}."
            )
        clip_id = (request.model_extra or {}).get("audio_clip_id")
        clip = await get_clip(ctx.session, str(clip_id), self.name) if clip_id else None
        clip = clip or await self._random_clip(ctx)
        count = min(request.candidates or DEFAULT_CANDIDATES, len(systems), len(LABELS))
        picked = pick_systems(systems, count, self._rng)
        battle = Battle(id=new_id(), mode=self.name, status="generating", candidates=[])
        for label, system in zip(LABELS, picked, strict=False):
            battle.candidates.append(Candidate(label=label, system_id=system.id))
        ctx.session.add(battle)
        await ctx.session.flush()
        ctx.session.add(BattleInput(battle_id=battle.id, clip_id=clip.id if clip else None))
        await ctx.session.commit()
        return battle

    async def take_input(
        self, ctx: BattleContext, battle_id: str, request: InputRequest
    ) -> tuple[Battle, BattleAudio]:
        """The battle and its input audio, claimed once (a second input gets a 409)."""
        battle = await load_battle(ctx.session, battle_id)
        ensure_mode(battle, self.name)
        if battle.status != "generating":
            raise InputAlreadyGivenError()
        given = await resolve_input(ctx.session, ctx.settings.audio_dir, request, self.name)
        await claim_input(ctx, battle, given)
        return battle, given

    async def voted_battle(self, ctx: BattleContext, battle_id: str) -> Battle:
        """The battle for its metrics, which name the systems: only once it is voted."""
        battle = await load_battle(ctx.session, battle_id)
        ensure_mode(battle, self.name)
        if battle.status != "voted":
            raise MetricsBeforeVoteError()
        return battle

    async def _random_clip(self, ctx: BattleContext) -> Clip | None:
        where = Clip.kind == self.name
        total = await ctx.session.scalar(select(func.count()).select_from(Clip).where(where))
        if not total:
            return None
        stmt = select(Clip).where(where).order_by(Clip.id)
        return await ctx.session.scalar(stmt.offset(self._rng.randrange(total)).limit(1))

    def allowed_winners(self, battle: Battle) -> list[str]:
        if battle.status == "generating":
            return [c.label for c in battle.candidates] + list(self.outcomes)
        return super().allowed_winners(battle)

    def sub_vote_choices(self, battle: Battle) -> list[str]:
        if battle.status == "generating":
            return [c.label for c in battle.candidates] + ["tie"]
        return super().sub_vote_choices(battle)

    def unvotable_reason(self, battle: Battle) -> str | None:
        if battle.status == "generating":
            return f"{self.waiting_for} POST /api/v1/battles/{battle.id}/{self.input_route} first"
        return super().unvotable_reason(battle)

    async def details(self, ctx: BattleContext, battle: Battle, revealed: bool) -> dict[str, Any]:
        """The suggested clip, which input was given, and how many candidates wait for it."""
        given = await ctx.session.get(BattleInput, battle.id)
        if given is None:
            return {}
        received = given.received_at is not None
        return {
            "clip": clip_public(given.clip) if given.clip else None,
            "input": ("clip" if given.clip_id else "recording") if received else None,
            "candidate_count": len(battle.candidates),
        }
