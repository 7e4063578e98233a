"""Joint goal accuracy: the documented turn-level definition, case by case."""

from __future__ import annotations

from arena.core.scenarios import get_scenario
from arena.voice.evaluation.jga import track_goal

HAIRCUT = dict(get_scenario("haircut-appointment-booking").required_slots)


def turns(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"role": role, "text": text} for role, text in pairs]


def test_an_agent_that_confirms_every_turn_scores_one() -> None:
    goal = track_goal(
        HAIRCUT,
        turns(
            ("agent", "Hello, StyleCut Salon."),
            ("user", "A haircut tomorrow at 2pm please."),
            ("agent", "Sure, a haircut tomorrow at 2 p.m. May I have your name?"),
            ("user", "Alex."),
            ("agent", "Booked: haircut tomorrow at two pm for Alex."),
        ),
    )
    assert goal.joint_goal_accuracy == 1.0 and goal.slot_accuracy == 1.0
    assert goal.scored_turns == 2


def test_confirming_late_costs_the_early_turns() -> None:
    goal = track_goal(
        HAIRCUT,
        turns(
            ("user", "A haircut tomorrow at 2pm please."),
            ("agent", "What's your name?"),
            ("user", "Alex."),
            ("agent", "Booked a haircut tomorrow at 2pm."),
        ),
    )
    assert goal.joint_goal_accuracy == 0.5 and goal.slot_accuracy == 1.0


def test_listing_options_does_not_set_a_slot_but_a_wrong_value_does() -> None:
    goal = track_goal(
        HAIRCUT,
        turns(
            ("user", "A haircut tomorrow at 2pm."),
            ("agent", "Tomorrow we have 10am, 11am, 2pm and 3:30pm for a haircut."),
            ("user", "2pm."),
            ("agent", "Great, a haircut tomorrow at 3:30pm."),
        ),
    )
    assert goal.joint_goal_accuracy == 0.0
    time = next(s for s in goal.slots if s.slot == "time")
    assert time.agent_value == "15:30" and not time.correct


def test_no_required_slots_means_not_applicable() -> None:
    goal = track_goal({}, turns(("user", "hi"), ("agent", "hello")))
    assert goal.joint_goal_accuracy is None and goal.slot_accuracy is None


def test_nothing_disclosed_scores_zero() -> None:
    goal = track_goal(HAIRCUT, turns(("agent", "Hello?"), ("user", "Hmm."), ("agent", "Hi?")))
    assert goal.joint_goal_accuracy == 0.0 and goal.scored_turns == 0


def test_any_slot_accepts_whatever_digits_the_agent_confirms() -> None:
    required = dict(get_scenario("return-with-missing-receipt").required_slots)
    goal = track_goal(
        required,
        turns(
            ("user", "I want to return a jacket I bought two weeks ago, card ending 4 2 1 7."),
            ("agent", "Found the jacket from two weeks ago on the card ending in 4217."),
        ),
    )
    assert goal.joint_goal_accuracy == 1.0
