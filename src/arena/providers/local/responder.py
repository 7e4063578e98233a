"""What a cascade says back: an OpenAI-compatible chat model, or an offline grounded responder.

The grounded responder answers deterministically from a small documented knowledge base
(see docs/stt-s2s.md): the time and date, arithmetic on spoken numbers, a few everyday facts
(capitals, planets, units of time, boiling water, sleep), definitions of the clip-library
jargon, greetings and thanks, and a polite fallback that says what it can do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

import httpx

from arena.config import Settings
from arena.core.text import cardinal, read_number, spoken_words

DEFAULT_TIMEOUT_S = 30.0
CHAT_INSTRUCTIONS = (
    "You are a voice assistant. Your answer is spoken aloud: reply in one or two short, "
    "plain sentences, without lists, markdown or emoji."
)
FALLBACK = (
    "Sorry, I don't know that one. I can tell you the time or the date, do simple arithmetic, "
    "or answer simple facts about capitals, planets and units of time."
)
NOT_HEARD = "Sorry, I didn't catch that. Could you say it again?"


class ResponderError(RuntimeError):
    """The responder could not produce an answer (the chat model failed or was unreachable)."""


class Responder(Protocol):
    """Turns what the user said into what the system says back."""

    @property
    def description(self) -> str:
        """What answers, for the post-vote reveal (e.g. "grounded knowledge base")."""
        ...

    def reply(self, utterance: str) -> str:
        """The answer to `utterance`, as plain text to be spoken."""
        ...


@dataclass(frozen=True)
class Fact:
    """A knowledge-base entry: answered when every keyword group has a word in the question."""

    keywords: tuple[frozenset[str], ...]
    answer: str


def _stem(word: str) -> str:
    """A crude plural/verb stem so "minutes", "boils" and "days" meet their keywords."""
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def fact(answer: str, *groups: str) -> Fact:
    """A Fact whose keyword groups are space-separated synonyms, e.g. fact(a, "boil boiling")."""
    return Fact(tuple(frozenset(_stem(w) for w in g.split()) for g in groups), answer)


KNOWLEDGE: tuple[Fact, ...] = (
    fact("The capital of France is Paris.", "capital", "france french"),
    fact("The capital of Germany is Berlin.", "capital", "germany"),
    fact("The capital of Italy is Rome.", "capital", "italy"),
    fact("The capital of Spain is Madrid.", "capital", "spain"),
    fact("The capital of Japan is Tokyo.", "capital", "japan"),
    fact("The capital of the United Kingdom is London.", "capital", "england britain kingdom"),
    fact("The capital of Canada is Ottawa.", "capital", "canada"),
    fact("The capital of the United States is Washington, D.C.", "capital", "states america"),
    fact("There are sixty minutes in an hour.", "minute", "hour"),
    fact("There are sixty seconds in a minute.", "second", "minute"),
    fact("There are twenty-four hours in a day.", "hour", "day"),
    fact("There are seven days in a week.", "day", "week"),
    fact("There are twelve months in a year.", "month", "year"),
    fact("A year has 365 days, or 366 in a leap year.", "day", "year"),
    fact(
        "Water boils at 100 degrees Celsius, or 212 degrees Fahrenheit, at sea level.",
        "water",
        "boil boiling",
    ),
    fact(
        "Water freezes at 0 degrees Celsius, or 32 degrees Fahrenheit.",
        "water",
        "freeze freezing froze",
    ),
    fact("Jupiter is the largest planet in our solar system.", "largest biggest", "planet"),
    fact("Mercury is the smallest planet in our solar system.", "smallest", "planet"),
    fact("Mercury is the planet closest to the Sun.", "closest nearest", "sun"),
    fact("Mars is known as the red planet.", "red", "planet"),
    fact(
        "Keep a regular schedule: go to bed and wake up at the same time every day, and put "
        "screens away an hour before bed.",
        "sleep sleeping asleep",
    ),
    fact(
        "Atorvastatin is a statin, a medicine that lowers cholesterol in the blood.",
        "atorvastatin statin",
    ),
    fact(
        "Hyperlipidemia means too much fat, such as cholesterol, in the blood.",
        "hyperlipidemia cholesterol",
    ),
    fact(
        "Hypertension is high blood pressure, which strains the heart and blood vessels.",
        "hypertension",
    ),
    fact(
        "An MRI is a scan that uses strong magnets and radio waves to picture the inside of the "
        "body.",
        "mri",
    ),
    fact(
        "A herniated disc is a spinal disc whose soft center pushes out and can press on nerves.",
        "herniated disc",
    ),
    fact(
        "EBITDA is earnings before interest, taxes, depreciation and amortization, a measure of "
        "operating profit.",
        "ebitda",
    ),
    fact(
        "Amortization spreads the cost of an intangible asset or a loan over several years.",
        "amortization",
    ),
    fact(
        "A bond yield is the return an investor earns on a bond; it rises when bond prices fall.",
        "bond",
    ),
    fact(
        "A central bank sets a country's interest rates and manages its money supply.",
        "central",
        "bank",
    ),
    fact(
        "I can't check live weather offline, but I hope it's pleasant where you are.",
        "weather rain sunny",
    ),
    fact(
        "Why did the scarecrow win an award? Because he was outstanding in his field.",
        "joke funny",
    ),
    fact(
        "I'm an offline voice assistant in the arena. I answer simple questions.",
        "who",
        "you",
    ),
    fact("I'm doing well, thank you. How can I help?", "how", "are", "you"),
    fact("You're welcome!", "thank thanks"),
    fact("Hello! How can I help you today?", "hello hi hey greetings"),
)

_OPERATORS: dict[tuple[str, ...], tuple[str, Callable[[int, int], float]]] = {
    ("plus",): ("plus", lambda a, b: a + b),
    ("and",): ("plus", lambda a, b: a + b),
    ("minus",): ("minus", lambda a, b: a - b),
    ("times",): ("times", lambda a, b: a * b),
    ("multiplied", "by"): ("times", lambda a, b: a * b),
    ("divided", "by"): ("divided by", lambda a, b: a / b),
    ("over",): ("divided by", lambda a, b: a / b),
}


def _spoken(value: float) -> str:
    if value == int(value):
        n = int(value)
        return cardinal(n) if n >= 0 else f"minus {cardinal(-n)}"
    return f"{value:.2f}".rstrip("0")


@dataclass
class GroundedResponder:
    """Offline, deterministic answers from the knowledge base; `clock` gives "now"."""

    clock: Callable[[], datetime] = field(default=datetime.now)
    description: str = "grounded offline knowledge base"

    def reply(self, utterance: str) -> str:
        spelled = utterance.replace("+", " plus ").replace("×", " times ").replace("÷", " over ")
        words = spoken_words(spelled)
        if not words:
            return NOT_HEARD
        for answer in (self._arithmetic(words), self._clock_answer(words), self._fact(words)):
            if answer:
                return answer
        return FALLBACK

    def _arithmetic(self, words: list[str]) -> str | None:
        for i in range(len(words)):
            left = read_number(words, i)
            if left is None:
                continue
            for spelled, (name, operate) in _OPERATORS.items():
                end = left[1] + len(spelled)
                if tuple(words[left[1] : end]) != spelled:
                    continue
                right = read_number(words, end)
                if right is None:
                    continue
                a, b = left[0], right[0]
                if name == "divided by" and b == 0:
                    return "You can't divide by zero."
                return f"{_spoken(a).capitalize()} {name} {_spoken(b)} is {_spoken(operate(a, b))}."
        return None

    def _clock_answer(self, words: list[str]) -> str | None:
        text = f" {' '.join(words)} "
        now = self.clock()
        if any(p in text for p in (" what time ", " the time ", " time is it ")):
            return f"It's {now.strftime('%I:%M %p').lstrip('0')}."
        if any(p in text for p in (" what day ", " the date ", " today s date ", " what date ")):
            return f"Today is {now.strftime('%A, %B')} {now.day}, {now.year}."
        return None

    def _fact(self, words: list[str]) -> str | None:
        stems = {_stem(w) for w in words}
        matches = [f for f in KNOWLEDGE if all(group & stems for group in f.keywords)]
        if not matches:
            return None
        return max(matches, key=lambda f: len(f.keywords)).answer


@dataclass
class ChatResponder:
    """An OpenAI-compatible chat completions model (`POST {base_url}/chat/completions`)."""

    model: str
    base_url: str
    api_key: str = field(repr=False)
    timeout_s: float = DEFAULT_TIMEOUT_S

    @property
    def description(self) -> str:
        return f"chat model {self.model} (OpenAI-compatible)"

    def reply(self, utterance: str) -> str:
        if not utterance.strip():
            return NOT_HEARD
        url = f"{self.base_url.rstrip('/')}/chat/completions"
        body = {
            "model": self.model,
            "messages": [
                {"role": "system", "content": CHAT_INSTRUCTIONS},
                {"role": "user", "content": utterance},
            ],
            "max_tokens": 150,
            "temperature": 0,
        }
        try:
            with httpx.Client(timeout=httpx.Timeout(self.timeout_s)) as client:
                response = client.post(
                    url, json=body, headers={"Authorization": f"Bearer {self.api_key}"}
                )
        except httpx.HTTPError as exc:
            raise ResponderError(
                f"could not reach the chat model at {url} ({exc}): check OPENAI_BASE_URL"
            ) from exc
        if response.status_code in (httpx.codes.UNAUTHORIZED, httpx.codes.FORBIDDEN):
            raise ResponderError(
                f"the chat model refused the API key (HTTP {response.status_code}): "
                "check OPENAI_API_KEY"
            )
        if response.status_code != httpx.codes.OK:
            raise ResponderError(f"the chat model failed: HTTP {response.status_code}")
        try:
            content = response.json()["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise ResponderError(f"unexpected chat answer: {response.text[:200]}") from exc
        return str(content or "").strip() or FALLBACK


def responder_for(settings: Settings) -> Responder:
    """The chat model when OPENAI_API_KEY is set, otherwise the grounded responder."""
    if settings.openai_api_key:
        return ChatResponder(
            settings.openai_model, settings.openai_base_url, settings.openai_api_key
        )
    return GroundedResponder()
