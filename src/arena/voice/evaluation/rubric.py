"""The deterministic rubric: an evaluation that needs no LLM, used when no judge is configured.

- **Facts** are the checkable specifics of a text: clock times, money amounts, numbers of three or
  more digits and tokens mixing letters and digits ("SW305", "100GB"), read with
  `arena.core.slots` so "2 p.m." and "14:00" are one fact.
- **hallucination_count**: distinct facts the agent stated that appear nowhere in the scenario's
  system prompt, its tools' canned results, or what the caller said.
- **coherence**: the mean of (caller turns the agent answered) and (agent turns that are not a
  verbatim repeat of the agent's previous turn).
- **instruction_following**: the mean of grounding (1 − hallucinated / stated facts) and goal
  handling (slot accuracy, or for scenarios without slots, prompt facts conveyed out of 3).
- **task_success**: every required slot confirmed (slot accuracy 1.0, or no slots), plus for
  booking and support tasks a completion cue ("booked", "confirmed", "refund", …), and for
  information tasks at least two prompt facts conveyed and no hallucination.
- **containment** (not part of the assessment): the agent kept the call — no provider failure
  and no hand-off to a human ("transfer", "representative", "supervisor", …).
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from arena.core.scenarios import Scenario
from arena.core.slots import extract, normalize
from arena.voice.evaluation.assessment import Assessment
from arena.voice.evaluation.jga import GoalTracking

COMPLETION_CUES = re.compile(
    r"\b(book(ed)?|confirm(ed|ation)?|reserv(ed|ation)|rebook(ed)?|schedul(ed)?|processed|"
    r"refund(ed)?|credit(ed)?|shipped|tracking|all set)\b"
)
HANDOFF_CUES = re.compile(
    r"\b(transfer(ring)?|human (agent|representative)|representative|supervisor|escalat\w*|"
    r"someone else will call)\b"
)
FAILED_ENDINGS = frozenset({"provider_error", "connect_failed"})
_FACTS_FOR_FULL_COVERAGE = 3


def facts(text: str) -> set[str]:
    """The checkable specifics of `text`, canonicalized (times, amounts, ids, long numbers)."""
    found = {f"time:{t}" for t in extract("time", "noon", text)}
    found |= {f"money:{m}" for m in extract("amount", "$1.00", text)}
    for token in normalize(text).split():
        token = token.lstrip("$")
        has_digit = any(c.isdigit() for c in token)
        if has_digit and (any(c.isalpha() for c in token) or (token.isdigit() and len(token) >= 3)):
            found.add(f"id:{token}")
    return found


def _grounded(fact: str, sources: set[str]) -> bool:
    if fact in sources:
        return True
    kind, _, value = fact.partition(":")
    if kind != "time":
        return False
    minutes = _minutes(value)
    return any(
        s.startswith("time:") and _minutes(s[5:]) % 720 == minutes % 720
        for s in sources
        if s.startswith("time:~") or value.startswith("~")
    )


def _minutes(clock: str) -> int:
    hours, minutes = clock.lstrip("~").split(":")
    return int(hours) * 60 + int(minutes)


def grounding_sources(scenario: Scenario, turns: Sequence[Mapping[str, Any]]) -> set[str]:
    """Facts the agent may state: the system prompt, canned tool results, the caller's words."""
    texts = [scenario.system_prompt]
    texts += [json.dumps(dict(tool.result)) for tool in scenario.tools]
    texts += [str(t.get("text") or "") for t in turns if t.get("role") == "user"]
    return set().union(*(facts(t) for t in texts))


def hallucinations(scenario: Scenario, turns: Sequence[Mapping[str, Any]]) -> list[str]:
    """Facts the agent stated that nothing in the scenario or from the caller supports."""
    sources = grounding_sources(scenario, turns)
    stated = set().union(*(facts(t) for t in _agent_texts(turns))) if turns else set()
    return sorted(f for f in stated if not _grounded(f, sources))


def _agent_texts(turns: Sequence[Mapping[str, Any]]) -> list[str]:
    return [str(t.get("text") or "") for t in turns if t.get("role") == "agent"]


def coherence(turns: Sequence[Mapping[str, Any]]) -> float:
    """Mean of answered caller turns and non-repeating agent turns (0 without agent speech)."""
    agent = [t.strip().lower() for t in _agent_texts(turns) if t.strip()]
    if not agent:
        return 0.0
    user_turns = answered = 0
    for i, turn in enumerate(turns):
        if turn.get("role") == "user":
            user_turns += 1
            later = turns[i + 1 :]
            nxt = next((t for t in later if t.get("role") == "agent" and t.get("text")), None)
            answered += nxt is not None
    responded = answered / user_turns if user_turns else 1.0
    repeats = sum(1 for prev, cur in itertools.pairwise(agent) if prev == cur)
    fresh = 1 - repeats / len(agent)
    return round((responded + fresh) / 2, 3)


def contained(turns: Sequence[Mapping[str, Any]], ended_by: str | None) -> bool:
    """Whether the agent kept the call: no provider failure and no hand-off to a human."""
    if ended_by in FAILED_ENDINGS:
        return False
    return not any(HANDOFF_CUES.search(normalize(t)) for t in _agent_texts(turns))


def assess(
    scenario: Scenario, turns: Sequence[Mapping[str, Any]], goal: GoalTracking
) -> Assessment:
    """The rubric's assessment of one conversation (rules in the module docstring)."""
    agent_texts = _agent_texts(turns)
    stated = set().union(*(facts(t) for t in agent_texts)) if agent_texts else set()
    invented = hallucinations(scenario, turns)
    prompt_facts = facts(scenario.system_prompt)
    conveyed = {f for f in stated if _grounded(f, prompt_facts)}
    grounding = 1 - len(invented) / len(stated) if stated else (1.0 if agent_texts else 0.0)
    if goal.slot_accuracy is not None:
        goal_handling = goal.slot_accuracy
    else:
        goal_handling = min(1.0, len(conveyed) / _FACTS_FOR_FULL_COVERAGE)
    completed = any(COMPLETION_CUES.search(normalize(t)) for t in agent_texts)
    slots_done = goal.slot_accuracy in (None, 1.0)
    if scenario.category == "info_retrieval":
        success = slots_done and len(conveyed) >= 2 and not invented
    else:
        success = slots_done and completed
    explanation = (
        f"slot accuracy {goal.slot_accuracy if goal.slot_accuracy is not None else 'n/a'}; "
        f"{len(conveyed)} prompt facts conveyed; "
        f"{len(invented)} unsupported facts{': ' + ', '.join(invented) if invented else ''}; "
        f"completion cue {'present' if completed else 'absent'}."
    )
    return Assessment(
        method="rubric",
        task_success=success,
        coherence=coherence(turns),
        instruction_following=round((grounding + goal_handling) / 2, 3),
        hallucination_count=len(invented),
        explanation=explanation,
    )
