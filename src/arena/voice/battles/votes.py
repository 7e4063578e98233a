"""The generic vote: validate against the mode, lock the battle, store the vote, bump pair counts.

One vote per battle is enforced by the database: a conditional UPDATE moves the battle from
`ready` to `voted` (only one transaction can win it) and UNIQUE(votes.battle_id) backs it up.

Multi-candidate outcomes become pair outcomes: the winner beats every other candidate; `tie`
makes every pair a tie; `all_bad` makes every pair "both bad", counted as a tie (as FastChat does).
`rebuild_pair_counts` replays every vote, so the table can always be derived again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import combinations

from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from arena.voice.battles.modes import BattleContext, BattleMode, Modes
from arena.voice.db.models import Battle, PairCount, Vote, VoteTotal
from arena.voice.db.upsert import upsert
from arena.voice.errors import (
    AlreadyVotedError,
    BattleNotFoundError,
    InvalidChoiceError,
    NotVotableError,
)
from arena.voice.schemas import VoteIn

OVERALL = "overall"


@dataclass(frozen=True)
class PairOutcome:
    """One pair's share of a vote, with `system_a < system_b`."""

    system_a: str
    system_b: str
    wins_a: int
    wins_b: int
    ties: int


def pair_outcomes(systems_by_label: Mapping[str, str], choice: str) -> list[PairOutcome]:
    """Turn a choice among labelled systems (a label, `tie` or `all_bad`) into pair outcomes."""
    if choice in systems_by_label:
        winner = systems_by_label[choice]
        losers = sorted({s for s in systems_by_label.values() if s != winner})
        return [_win(winner, loser) for loser in losers]
    systems = sorted(set(systems_by_label.values()))
    return [PairOutcome(a, b, 0, 0, 1) for a, b in combinations(systems, 2)]


def _win(winner: str, loser: str) -> PairOutcome:
    if winner < loser:
        return PairOutcome(winner, loser, 1, 0, 0)
    return PairOutcome(loser, winner, 0, 1, 0)


async def load_battle(session: AsyncSession, battle_id: str) -> Battle:
    battle = await session.get(Battle, battle_id)
    if battle is None:
        raise BattleNotFoundError(battle_id)
    return battle


def validate_vote(mode: BattleMode, battle: Battle, vote: VoteIn) -> None:
    """Raise `InvalidChoiceError` (422) when the vote names something the battle does not allow."""
    winners = mode.allowed_winners(battle)
    if vote.winner not in winners:
        raise InvalidChoiceError("winner", vote.winner, winners)
    keys = list(mode.sub_votes)
    choices = mode.sub_vote_choices(battle)
    for key, value in vote.sub_votes.items():
        if key not in mode.sub_votes:
            raise InvalidChoiceError("sub-vote", key, keys or ["(none for this mode)"])
        if value not in choices:
            raise InvalidChoiceError(f"sub-vote {key}", value, choices)


async def cast_vote(
    ctx: BattleContext, mode: BattleMode, battle: Battle, vote: VoteIn, voter_session: str | None
) -> Battle:
    """Record the one vote `battle` gets and its pair outcomes in a single transaction."""
    validate_vote(mode, battle, vote)
    if battle.status == "voted":
        raise AlreadyVotedError()
    reason = mode.unvotable_reason(battle)
    if reason is not None:
        raise NotVotableError(reason)
    session = ctx.session
    systems_by_label = {c.label: c.system_id for c in mode.contenders(battle)}
    await session.commit()  # end any read transaction so the lock below is the first write
    await _lock_for_vote(session, battle.id)
    session.add(
        Vote(
            battle_id=battle.id,
            winner=vote.winner,
            sub_votes=dict(vote.sub_votes),
            voter_session=voter_session,
        )
    )
    try:
        await session.flush()
    except IntegrityError:
        await session.rollback()
        raise AlreadyVotedError() from None
    dimensions = {OVERALL: vote.winner, **vote.sub_votes}
    # Rows are locked in one global order (dimension, pair, then the total): no deadlocks.
    for dimension, choice in sorted(dimensions.items()):
        await bump_pair_counts(
            session, battle.mode, dimension, pair_outcomes(systems_by_label, choice)
        )
    await upsert(
        session,
        VoteTotal,
        [{"mode": battle.mode, "votes": 1}],
        keys=("mode",),
        set_=lambda excluded: {"votes": VoteTotal.votes + excluded.votes},
    )
    await session.commit()
    await session.refresh(battle)
    return battle


async def _lock_for_vote(session: AsyncSession, battle_id: str) -> None:
    """Move the battle ready → voted; exactly one concurrent voter gets a row back."""
    stmt = (
        update(Battle)
        .where(Battle.id == battle_id, Battle.status == "ready")
        .values(status="voted", voted_at=datetime.now(UTC))
        .execution_options(synchronize_session=False)
    )
    result = await session.execute(stmt)
    assert isinstance(result, CursorResult)
    if result.rowcount == 1:
        return
    await session.rollback()
    status = (await session.execute(select(Battle.status).where(Battle.id == battle_id))).scalar()
    if status == "voted":
        raise AlreadyVotedError()
    raise NotVotableError(f"its status is {status!r}")


async def bump_pair_counts(
    session: AsyncSession, mode: str, dimension: str, outcomes: list[PairOutcome]
) -> None:
    """Add `outcomes` to the pair counts, in key order so concurrent voters never deadlock."""
    rows = [
        {
            "mode": mode,
            "dimension": dimension,
            "system_a": o.system_a,
            "system_b": o.system_b,
            "wins_a": o.wins_a,
            "wins_b": o.wins_b,
            "ties": o.ties,
        }
        for o in sorted(outcomes, key=lambda o: (o.system_a, o.system_b))
    ]
    await upsert(
        session,
        PairCount,
        rows,
        keys=("mode", "dimension", "system_a", "system_b"),
        set_=lambda excluded: {
            "wins_a": PairCount.wins_a + excluded.wins_a,
            "wins_b": PairCount.wins_b + excluded.wins_b,
            "ties": PairCount.ties + excluded.ties,
        },
    )


async def rebuild_pair_counts(session: AsyncSession, modes: Modes) -> tuple[int, int]:
    """Recompute the pair counts and vote totals from the votes (the source of truth) in one
    transaction.

    Returns (votes replayed, pair rows written).
    """
    await session.commit()
    await session.execute(delete(PairCount))
    await session.execute(delete(VoteTotal))
    totals: dict[tuple[str, str, str, str], list[int]] = {}
    per_mode: dict[str, int] = {}
    replayed = 0
    rows = await session.execute(select(Battle, Vote).join(Vote, Vote.battle_id == Battle.id))
    for battle, vote in rows.all():
        contenders = (
            modes.get(battle.mode).contenders(battle)
            if battle.mode in modes
            else [c for c in battle.candidates if c.status == "ready"]
        )
        systems_by_label = {c.label: c.system_id for c in contenders}
        for dimension, choice in {OVERALL: vote.winner, **vote.sub_votes}.items():
            for o in pair_outcomes(systems_by_label, choice):
                key = (battle.mode, dimension, o.system_a, o.system_b)
                counts = totals.setdefault(key, [0, 0, 0])
                counts[0] += o.wins_a
                counts[1] += o.wins_b
                counts[2] += o.ties
        replayed += 1
        per_mode[battle.mode] = per_mode.get(battle.mode, 0) + 1
    session.add_all(VoteTotal(mode=mode, votes=votes) for mode, votes in sorted(per_mode.items()))
    session.add_all(
        PairCount(mode=mode, dimension=dim, system_a=a, system_b=b, wins_a=wa, wins_b=wb, ties=t)
        for (mode, dim, a, b), (wa, wb, t) in sorted(totals.items())
    )
    await session.commit()
    return replayed, len(totals)
