"""What an automated evaluation says about one conversation, and which method said it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

Method = Literal["llm_judge", "rubric"]


@dataclass(frozen=True)
class Assessment:
    """Task success, coherence and instruction following (0–1) and hallucinations, by `method`."""

    method: Method
    task_success: bool
    coherence: float
    instruction_following: float
    hallucination_count: int
    explanation: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
