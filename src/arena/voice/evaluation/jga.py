"""Joint goal accuracy: did the agent track what the caller asked for, turn by turn?

Definitions (slot values are read with `arena.core.slots`):

- **Goal.** The scenario's `required_slots`. A slot is *disclosed* once a caller turn states a
  value that matches its expected value ("any" matches every value of the slot's kind).
- **Agent state.** After each agent turn, a slot holds the value the agent stated for it. A turn
  updates a slot only when it states exactly one distinct value for it; a turn that lists
  several ("10am, 11am or 2pm") is offering options and leaves the slot as it was.
- **Scored turns.** Every agent turn that answers at least one caller turn, once at least one
  slot has been disclosed. A scored turn is correct when every disclosed slot holds a matching
  value and no slot holds a wrong one.
- **joint_goal_accuracy** = correct scored turns / scored turns; `None` when the scenario has no
  required slots, 0.0 when it has some but nothing was ever disclosed and answered.
- **slot_accuracy** = required slots whose final agent value matches / required slots: how much
  of the goal the agent confirmed by the end.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from arena.core.slots import extract, filled_slots, matches


@dataclass(frozen=True)
class SlotOutcome:
    """One required slot at the end of the conversation."""

    slot: str
    expected: str
    disclosed: bool
    agent_value: str | None
    correct: bool


@dataclass(frozen=True)
class GoalTracking:
    """Joint goal accuracy and its parts for one conversation."""

    joint_goal_accuracy: float | None
    slot_accuracy: float | None
    scored_turns: int
    correct_turns: int
    slots: tuple[SlotOutcome, ...]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def track_goal(required: Mapping[str, str], turns: Sequence[Mapping[str, Any]]) -> GoalTracking:
    """Score `turns` (dicts with `role` "user"/"agent" and `text`) against `required` slots."""
    disclosed: set[str] = set()
    state: dict[str, str] = {}
    scored = correct = 0
    answered_user = False
    for turn in turns:
        text = str(turn.get("text") or "")
        if turn.get("role") == "user":
            disclosed.update(filled_slots(required, text))
            answered_user = True
            continue
        _update_state(required, state, text)
        if answered_user and disclosed:
            scored += 1
            correct += _turn_correct(required, disclosed, state)
        answered_user = False
    outcomes = tuple(
        SlotOutcome(
            slot=slot,
            expected=expected,
            disclosed=slot in disclosed,
            agent_value=state.get(slot),
            correct=slot in state and matches(slot, expected, state[slot]),
        )
        for slot, expected in required.items()
    )
    if not required:
        return GoalTracking(None, None, scored, correct, outcomes)
    jga = correct / scored if scored else 0.0
    slot_accuracy = sum(o.correct for o in outcomes) / len(outcomes)
    return GoalTracking(jga, slot_accuracy, scored, correct, outcomes)


def _update_state(required: Mapping[str, str], state: dict[str, str], text: str) -> None:
    for slot, expected in required.items():
        values = extract(slot, expected, text)
        if len(values) == 1:
            state[slot] = values[0]


def _turn_correct(required: Mapping[str, str], disclosed: set[str], state: dict[str, str]) -> bool:
    if any(slot not in state for slot in disclosed):
        return False
    return all(matches(slot, required[slot], value) for slot, value in state.items())
