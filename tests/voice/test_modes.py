"""The battle-mode registry: planned tabs, live modes, and dispatch errors."""

from __future__ import annotations

import pytest

from arena.voice.battles import tts
from arena.voice.battles.modes import BattleContext, BattleMode, Modes
from arena.voice.db.models import Battle
from arena.voice.errors import ModeNotAvailableError, UnknownModeError
from arena.voice.schemas import BattleGenerate


class KaraokeMode(BattleMode):
    """A mode outside the planned list, to show registration is all a mode needs."""

    name = "karaoke"
    title = "Karaoke"
    template = "battles/karaoke.html"
    outcomes = ("tie",)

    async def generate(self, ctx: BattleContext, request: BattleGenerate) -> Battle:
        battle = Battle(mode=self.name, status="ready", candidates=[])
        ctx.session.add(battle)
        await ctx.session.commit()
        return battle


def test_tabs_list_planned_modes_live_or_coming_plus_extra_ones() -> None:
    tabs = Modes([tts.MODE, KaraokeMode()]).tabs()
    assert [(t.name, t.live) for t in tabs] == [
        ("tts", True),
        ("stt", False),
        ("s2s", False),
        ("agent", False),
        ("karaoke", True),
    ]


def test_get_distinguishes_coming_from_unknown_modes() -> None:
    modes = Modes([tts.MODE])
    assert modes.get("tts") is tts.MODE
    with pytest.raises(ModeNotAvailableError, match="agent battles are not available"):
        modes.get("agent")
    with pytest.raises(UnknownModeError, match="choose one of tts"):
        modes.get("karaoke")


def test_load_finds_the_shipped_tts_mode() -> None:
    assert "tts" in Modes.load()


def test_default_vote_rules_follow_contenders_and_outcomes() -> None:
    battle = Battle(mode="karaoke", status="failed", error="mic broke", candidates=[])
    mode = KaraokeMode()
    assert mode.allowed_winners(battle) == ["tie"]
    assert mode.unvotable_reason(battle) == "it failed (mic broke); start a new battle"
    battle.status = "ready"
    assert mode.unvotable_reason(battle) is None
