"""After a hard crash: calls left `live` are closed at the next start and their battles fail."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from arena.voice.battles.agent import seed_scenarios, sweep_lost_conversations
from arena.voice.db.agents import AgentBattle, AgentConversation
from arena.voice.db.models import Battle, Candidate
from arena.voice.state import ArenaState


async def live_call(state: ArenaState, started: datetime) -> tuple[str, str]:
    async with state.sessions() as session:
        await seed_scenarios(session)
        battle = Battle(
            mode="agent",
            status="generating",
            candidates=[
                Candidate(label="a", system_id="agent-vapi-default"),
                Candidate(label="b", system_id="agent-retell-default"),
            ],
        )
        session.add(battle)
        await session.flush()
        session.add(AgentBattle(battle_id=battle.id, scenario_id="order-status-check"))
        conversation = AgentConversation(
            battle_id=battle.id,
            label="a",
            system_id="agent-vapi-default",
            scenario_id="order-status-check",
            started_at=started,
        )
        session.add(conversation)
        await session.commit()
        return battle.id, conversation.id


async def test_a_lost_call_is_closed_and_its_battle_fails(arena_state: ArenaState) -> None:
    lost = await live_call(arena_state, datetime.now(UTC) - timedelta(hours=1))
    current = await live_call(arena_state, datetime.now(UTC))
    assert await sweep_lost_conversations(arena_state.sessions) == 1
    async with arena_state.sessions() as session:
        conversation = await session.get(AgentConversation, lost[1])
        battle = await session.get(Battle, lost[0])
        assert conversation is not None and battle is not None
        assert (conversation.status, conversation.ended_by) == ("ended", "server_shutdown")
        assert battle.status == "failed"
        still = await session.get(AgentConversation, current[1])
        assert still is not None and still.status == "live"
