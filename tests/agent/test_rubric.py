"""The deterministic rubric: facts, hallucinations, coherence, task success, containment."""

from __future__ import annotations

from arena.core.scenarios import get_scenario
from arena.voice.evaluation.jga import track_goal
from arena.voice.evaluation.rubric import assess, coherence, contained, facts, hallucinations

ORDER = get_scenario("order-status-check")
HOURS = get_scenario("store-hours-and-directions")


def turns(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"role": role, "text": text} for role, text in pairs]


def test_facts_are_canonical() -> None:
    assert facts("Open 10am to 6 p.m., $49.99, flight SW305, order 78432") == {
        "time:10:00",
        "time:18:00",
        "money:49.99",
        "id:sw305",
        "id:78432",
    }


def test_unsupported_specifics_count_as_hallucinations() -> None:
    conversation = turns(
        ("user", "Order 78432 please."),
        ("agent", "Order 78432 shipped via FedEx, tracking FX9876543, it costs $12.50."),
    )
    assert hallucinations(ORDER, conversation) == ["money:12.50"]


def test_a_successful_support_call() -> None:
    conversation = turns(
        ("agent", "ShopFast support, how can I help?"),
        ("user", "Where is order seven eight four three two?"),
        ("agent", "Order 78432 shipped yesterday by FedEx; tracking number FX9876543."),
    )
    result = assess(ORDER, conversation, track_goal(ORDER.required_slots, conversation))
    assert result.method == "rubric" and result.task_success
    assert result.hallucination_count == 0 and result.coherence == 1.0


def test_info_retrieval_succeeds_on_grounded_facts() -> None:
    good = turns(("user", "Sunday hours?"), ("agent", "Sunday we're open 10am to 6pm."))
    assert assess(HOURS, good, track_goal(HOURS.required_slots, good)).task_success
    vague = turns(("user", "Sunday hours?"), ("agent", "We have hours, open 9am to 5pm."))
    result = assess(HOURS, vague, track_goal(HOURS.required_slots, vague))
    assert not result.task_success and result.hallucination_count == 2


def test_coherence_penalizes_silence_and_repetition() -> None:
    assert coherence(turns(("user", "hi"))) == 0.0
    repeated = turns(("user", "a"), ("agent", "Sorry?"), ("user", "b"), ("agent", "Sorry?"))
    assert coherence(repeated) == 0.75


def test_containment() -> None:
    assert contained(turns(("agent", "Done!")), "user")
    assert not contained(turns(("agent", "Let me transfer you to a representative.")), "user")
    assert not contained(turns(("agent", "Hi")), "provider_error")
