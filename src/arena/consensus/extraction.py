"""Pull `<solution>`, `<critique>` and `<verdict>` out of agent replies, with fallbacks."""

from __future__ import annotations

import re
from enum import StrEnum

from pydantic import BaseModel, Field

__all__ = ["Decision", "Verdict", "extract_tag", "parse_verdict"]


class Decision(StrEnum):
    CONSENSUS = "CONSENSUS"
    CONTINUE = "CONTINUE"


class Verdict(BaseModel):
    """The judge's parsed verdict."""

    decision: Decision
    convergence_score: int = Field(ge=1, le=10)
    remaining_disagreements: str = ""
    base_solution: str | None = None
    modifications: str = ""


def extract_tag(text: str, tag: str) -> str | None:
    """Content of the last complete `<tag>…</tag>`, else of a ```tag fenced block."""
    matches = re.findall(rf"<{tag}>(.*?)</{tag}>", text, flags=re.DOTALL | re.IGNORECASE)
    if matches:
        return str(matches[-1]).strip()
    fenced = re.findall(rf"```{tag}\s*\n(.*?)```", text, flags=re.DOTALL | re.IGNORECASE)
    if fenced:
        return str(fenced[-1]).strip()
    return None


def parse_verdict(text: str, aliases: list[str]) -> Verdict | None:
    """Parse a verdict; outside a `<verdict>` block, fall back to the last decision keyword."""
    body = extract_tag(text, "verdict")
    source = body if body is not None else text
    fields = _fields(source)
    decision = _decision(fields.get("decision"), source)
    if decision is None:
        return None
    score = _score(fields.get("convergence_score"))
    base = fields.get("base_solution", "").strip().lower().replace(" ", "_")
    return Verdict(
        decision=decision,
        convergence_score=score,
        remaining_disagreements=fields.get("remaining_disagreements", ""),
        base_solution=base if base in aliases else None,
        modifications=fields.get("modifications", ""),
    )


def _fields(text: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    current: str | None = None
    for line in text.splitlines():
        match = re.match(r"\s*[-*]?\s*([a-z_ ]+?)\s*:\s*(.*)$", line, flags=re.IGNORECASE)
        key = match.group(1).strip().lower().replace(" ", "_") if match else None
        if match and key in _KEYS:
            current = key
            fields[key] = match.group(2).strip()
        elif current and line.strip():
            fields[current] = (fields[current] + "\n" + line.strip()).strip()
    return fields


_KEYS = {
    "decision",
    "convergence_score",
    "remaining_disagreements",
    "base_solution",
    "modifications",
}


def _decision(value: str | None, text: str) -> Decision | None:
    candidates = re.findall(r"\b(CONSENSUS|CONTINUE)\b", value or "", flags=re.IGNORECASE)
    if not candidates:
        candidates = re.findall(r"\b(CONSENSUS|CONTINUE)\b", text)
    return Decision(candidates[-1].upper()) if candidates else None


def _score(value: str | None) -> int:
    """The 1-10 score; a verdict without one counts as no convergence."""
    match = re.search(r"\d+", value or "")
    if match:
        return max(1, min(10, int(match.group())))
    return 1
