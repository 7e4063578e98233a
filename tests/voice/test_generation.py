"""Choosing a battle's systems: different engines before a second voice of the same engine."""

from __future__ import annotations

import random

from arena.voice.battles.generation import pick_systems
from tests.voice.tone_plugin import ToneVoice


def _voices(engines: dict[str, int]) -> list[ToneVoice]:
    return [
        ToneVoice(
            id=f"{engine}/{i}", mode="tts", display_name=engine, provider=engine, engine=engine
        )
        for engine, count in engines.items()
        for i in range(count)
    ]


def test_picks_one_per_engine_before_repeating_an_engine() -> None:
    systems = _voices({"espeak": 4, "flite": 4, "piper": 1})
    for seed in range(50):
        picked = pick_systems(list(systems), 3, random.Random(seed))
        assert sorted(s.engine for s in picked) == ["espeak", "flite", "piper"]
        four = pick_systems(list(systems), 4, random.Random(seed))
        assert len({s.id for s in four}) == 4 and {s.engine for s in four} == {
            "espeak",
            "flite",
            "piper",
        }


def test_order_and_choice_vary_between_battles() -> None:
    systems = _voices({"espeak": 3, "flite": 3})
    orders = {
        tuple(s.id for s in pick_systems(list(systems), 2, random.Random(seed)))
        for seed in range(40)
    }
    assert len(orders) > 6
