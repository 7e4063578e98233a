"""A scenario's facts, read out of its system prompt, and retrieval over them.

The prompt's instruction sentences ("You are…", "Ask for…") are dropped; the rest are facts.
A fact may list options as `Name (attribute, attribute)`; retrieval can then answer with just
the options' attributes that the question is about. Text is made speakable on the way out
("8am-9pm" → "8 am to 9 pm", "$9.99/mo" → "$9.99 a month", "100GB" → "100 gigabytes").
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

_INSTRUCTION = re.compile(
    r"^(you are|you're|help|ask|confirm|be |do not|don't|walk through|provide|offer)", re.I
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9])")
_OPTION = re.compile(r"([A-Z][\w'&-]*(?: [A-Z0-9][\w'&-]*)*) \(([^)]*)\)")
_NEGATIVE = re.compile(r"\b(no|not|cannot|can't|only|without)\b", re.I)
_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "with",
        "from",
        "by",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "i",
        "you",
        "your",
        "we",
        "our",
        "my",
        "me",
        "us",
        "do",
        "does",
        "did",
        "can",
        "could",
        "would",
        "will",
        "should",
        "what",
        "which",
        "who",
        "how",
        "when",
        "where",
        "why",
        "there",
        "here",
        "have",
        "has",
        "had",
        "any",
        "some",
        "about",
        "please",
        "just",
        "like",
        "want",
        "need",
        "get",
        "know",
        "tell",
        "also",
        "so",
        "if",
        "then",
        "than",
        "them",
        "they",
        "their",
        "he",
        "she",
        "his",
        "her",
        "im",
        "id",
        "ive",
        "hi",
        "hello",
        "hey",
        "thanks",
        "thank",
        "yes",
        "no",
        "okay",
        "ok",
        "well",
        "much",
        "many",
        "each",
        "one",
    ]
)
_DAYS = {
    "Mon": "Monday",
    "Tue": "Tuesday",
    "Wed": "Wednesday",
    "Thu": "Thursday",
    "Fri": "Friday",
    "Sat": "Saturday",
    "Sun": "Sunday",
}
_SPEAKABLE: tuple[tuple[str, str], ...] = (
    (r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun)-(Mon|Tue|Wed|Thu|Fri|Sat|Sun)\b", "DAYS"),
    (r"(\d)(am|pm)\b", r"\1 \2"),
    (r"(\d (?:am|pm))-(\d)", r"\1 to \2"),
    (r"/mo\b", " a month"),
    (r"/night\b", " a night"),
    (r"(\d)\s?GB\b", r"\1 gigabytes"),
    (r"\b1\s?TB\b", "1 terabyte"),
    (r"(\d)\s?TB\b", r"\1 terabytes"),
    (r"#(?=\w)", "number "),
    (r"\s&\s", " and "),
    (r"(?<=[a-z])/(?=[a-z])", " or "),
    (r"\bThe customer's\b", "Your"),
    (r"\bthe customer's\b", "your"),
    (r"\+", " and "),
    (r"\s+", " "),
)


def speakable(text: str) -> str:
    """`text` as it should be said (and shown): ranges, units and symbols in words."""
    for pattern, replacement in _SPEAKABLE:
        if replacement == "DAYS":
            text = re.sub(pattern, lambda m: f"{_DAYS[m[1]]} to {_DAYS[m[2]]}", text)
        else:
            text = re.sub(pattern, replacement, text)
    return text.strip()


def content_words(text: str) -> set[str]:
    """Lower-cased content words, plural "s" dropped: what retrieval compares."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    return {_stem(w) for w in words if w not in _STOPWORDS}


def _stem(word: str) -> str:
    if len(word) > 5 and word.endswith("ing"):
        return word[:-3]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


@dataclass(frozen=True)
class Option:
    """One listed option inside a fact: `Name (attributes)`."""

    name: str
    attributes: tuple[str, ...]

    def describe(self, only: tuple[str, ...] | None = None) -> str:
        attributes = self.attributes if only is None else only
        return f"{self.name} ({', '.join(attributes)})" if attributes else self.name


@dataclass(frozen=True)
class Fact:
    """One fact sentence of the system prompt, with its options if it lists any."""

    text: str
    options: tuple[Option, ...]


def facts_of(system_prompt: str) -> list[Fact]:
    """The prompt's fact sentences (instructions dropped)."""
    facts = []
    for sentence in _SENTENCE.split(system_prompt.strip()):
        sentence = sentence.strip()
        if not sentence or _INSTRUCTION.match(sentence):
            continue
        options = tuple(
            Option(m[1], tuple(a.strip() for a in m[2].split(",") if a.strip()))
            for m in _OPTION.finditer(sentence)
        )
        facts.append(Fact(sentence, options))
    return facts


def numbered_steps(system_prompt: str) -> list[str]:
    """Steps written as "1) … 2) …" in the prompt, in order (empty when there are none)."""
    parts = re.split(r"(?:^|\s)\d+\)\s", system_prompt)
    if len(parts) < 3:
        return []
    steps = [part.strip() for part in parts[1:]]
    last = steps[-1]
    steps[-1] = re.split(r"(?<=[.!?])\s+(?=[A-Z])", last)[0]
    return [step.rstrip(".") + "." for step in steps if step]


class FactIndex:
    """Retrieval over a scenario's facts by content-word overlap, weighted by rarity."""

    def __init__(self, system_prompt: str) -> None:
        self.facts = facts_of(system_prompt)
        self._words = [content_words(f.text) for f in self.facts]
        counts: Counter[str] = Counter(w for words in self._words for w in words)
        total = max(1, len(self.facts))
        self._idf = {w: math.log(1 + total / n) for w, n in counts.items()}

    def best(self, question: str) -> tuple[Fact, float] | None:
        """The fact sharing the most (rarity-weighted) content words with `question`."""
        asked = content_words(question)
        scored = [
            (sum(self._idf[w] for w in asked & words), index)
            for index, words in enumerate(self._words)
        ]
        if not scored:
            return None
        score, index = max(scored)
        return (self.facts[index], score) if score > 0 else None

    def answer(self, question: str, focus: str | None = None) -> str | None:
        """A spoken answer from the best fact, narrowed to what `focus` (default: the
        question) asks about: just the relevant option attributes or list items."""
        found = self.best(question)
        if found is None:
            return None
        fact, _ = found
        asked = content_words(question if focus is None else focus)
        focused = _focused_options(fact, asked)
        if focused:
            return speakable(_join(focused))
        return speakable(_sentence(fact.text, asked))

    def option_named(self, names: set[str]) -> Option | None:
        """The listed option whose name is one of `names` (e.g. from a tool's canned result)."""
        for fact in self.facts:
            for option in fact.options:
                if option.name in names:
                    return option
        return None


def _focused_options(fact: Fact, asked: set[str]) -> list[str]:
    """Each option with only the attributes the question asks about (if it asks about some)."""
    names = {w for option in fact.options for w in content_words(option.name)}
    about = asked - names
    if not fact.options or not about:
        return []
    described = []
    for option in fact.options:
        relevant = tuple(a for a in option.attributes if about & content_words(a))
        if relevant:
            described.append(option.describe(relevant).replace(" (", ", ").rstrip(")"))
    return described


_PREPOSITIONS = frozenset(["from", "to", "in", "on", "at", "for", "with", "without", "if"])


def _sentence(text: str, asked: set[str]) -> str:
    """A fact written as "Label: a, b" said as a sentence, keeping only the asked-about items."""
    label, colon, rest = text.partition(": ")
    if not colon or len(label.split()) > 4:
        return text
    clauses = [c.strip() for c in re.split(r",\s(?![^()]*\))", rest.rstrip("."))]
    about = asked - content_words(label)
    relevant = [c for c in clauses if about & content_words(c)]
    if about and relevant and len(relevant) < len(clauses):
        rest = ", ".join(relevant) + "."
    first = label.split()[0].lower()
    said_label = label[0].lower() + label[1:]
    if first in _PREPOSITIONS:
        return f"{label}, {rest}"
    if len(label.split()) > 3 or any(ch.isdigit() for ch in label):
        return f"{label}: {rest}"
    last = label.split()[-1].lower()
    verb = "are" if last.endswith("s") and not last.endswith("ss") else "is"
    return f"The {said_label} {verb} {rest}"


def _join(items: list[str]) -> str:
    if len(items) == 1:
        return items[0] + "."
    return "; ".join(items[:-1]) + "; and " + items[-1] + "."


def is_negative(attribute: str) -> bool:
    """Whether an option attribute rules something out ("no late checkout", "aisle only")."""
    return bool(_NEGATIVE.search(attribute))
