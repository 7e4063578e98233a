"""Deterministic slot values: find what an utterance says for a scenario slot, and compare values.

Used by joint goal accuracy (`arena.voice.evaluation.jga`) and by the offline agents' grounded
policy, so both read utterances the same way. The rules, in order:

1. **Normalization.** Lower-case; "p.m."/"a. m." → "pm"/"am"; "2pm" → "2 pm"; apostrophes dropped
   ("o'clock" → "oclock", "don't" → "dont"); "1,000" → "1000"; hyphens and punctuation become
   spaces except "$" and "." / ":" between digits; number words become digits ("twenty-one" → 21,
   "one hundred and five" → 105). A tens word after a unit starts a new number, so
   "three thirty" → "3 30" and "seven eight four" → "7 8 4".
2. **Kinds.** Each slot has a kind, from the table of known slot names or else inferred from the
   expected value:
   - *time* — "2 pm", "2:30 pm", "2 30 pm", "14:00", "2 oclock", "7 in the evening", "half past
     2", "noon", "midnight", "at 7". Canonical "HH:MM"; without am/pm an hour 1–12 stays
     ambiguous ("~7:00") and matches either half of the day.
   - *time constraint* — "before noon", "after 5 pm": any stated time inside the window matches
     (an ambiguous hour reads as business hours: 7–11 am, 12–6 pm); so does the phrase itself.
   - *day* — weekdays, "today" ("tonight"), "tomorrow"; "this/next friday" → "friday".
   - *count* — a number next to the slot's unit ("4 people", "table for 4", "2 nights"); numbers
     inside times or amounts never count.
   - *identifier* — a token of ≥ 3 digits, or digits read in groups of one or two
     ("7 8 4 3 2", "78 432") joined; a fixed length when the slot says so (card last 4).
   - *money* — "$49.99", "49.99", "49 dollars and 99 cents", "49 99"; canonical "49.99".
   - *elapsed* — "2 weeks ago", "a couple of weeks back", "a fortnight ago", "14 days ago";
     canonical in days, matching within max(2 days, 25%).
   - *flag* — a yes/no preference named by a phrase ("late checkout"); a negation ("no", "not",
     "without", "dont", …) in the three words before the phrase makes it "no".
   - *text* — a small vocabulary per slot of canonical values and their synonyms ("direct" ←
     "nonstop"; "nut allergy" ← "allergic to nuts", "nut free"); phrases match whole words,
     ignoring a plural "s". An expected value outside the vocabulary is its own synonym.
3. **"any".** An expected value of "any" matches every value of the slot's kind.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum

from arena.core.text import TENS_VALUES, UNIT_WORDS

__all__ = [
    "SlotKind",
    "SlotSpec",
    "extract",
    "extract_slots",
    "filled_slots",
    "matches",
    "mentions",
    "normalize",
    "slot_spec",
]


class SlotKind(Enum):
    TIME = "time"
    TIME_CONSTRAINT = "time_constraint"
    DAY = "day"
    COUNT = "count"
    IDENTIFIER = "identifier"
    MONEY = "money"
    ELAPSED = "elapsed"
    FLAG = "flag"
    TEXT = "text"


@dataclass(frozen=True)
class SlotSpec:
    """How to read one slot: its kind plus the kind's parameters."""

    kind: SlotKind
    vocabulary: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    units: tuple[str, ...] = ()
    prefixes: tuple[str, ...] = ()
    digits: int | None = None


ANY = "any"

_UNITS = {word: value for value, word in enumerate(UNIT_WORDS)}
_SCALES = {"hundred": 100, "thousand": 1000}
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_NEGATIONS = frozenset(
    [
        "no",
        "not",
        "without",
        "dont",
        "doesnt",
        "isnt",
        "cant",
        "cannot",
        "never",
        "wont",
        "arent",
        "didnt",
        "nor",
    ]
)


def _text(**vocabulary: tuple[str, ...]) -> SlotSpec:
    return SlotSpec(SlotKind.TEXT, {k.replace("_", " "): v for k, v in vocabulary.items()})


KNOWN_SLOTS: Mapping[str, SlotSpec] = {
    "service": _text(
        haircut=("haircut", "hair cut", "trim"),
        coloring=("color", "colour", "coloring", "colouring", "highlights"),
        shave=("shave",),
    ),
    "date": SlotSpec(SlotKind.DAY),
    "check_in": SlotSpec(SlotKind.DAY),
    "time": SlotSpec(SlotKind.TIME),
    "departure": SlotSpec(SlotKind.TIME_CONSTRAINT),
    "party_size": SlotSpec(
        SlotKind.COUNT,
        units=("people", "person", "persons", "guests", "adults", "diners", "of us"),
        prefixes=("party of", "table for", "group of", "reservation for", "booking for"),
    ),
    "nights": SlotSpec(SlotKind.COUNT, units=("night", "nights")),
    "cuisine": _text(
        italian=("italian",),
        mexican=("mexican",),
        chinese=("chinese",),
        japanese=("japanese", "sushi"),
        indian=("indian",),
        french=("french",),
        thai=("thai",),
    ),
    "location": _text(
        downtown=("downtown", "city center", "city centre", "center of town", "centre of town"),
        uptown=("uptown",),
        midtown=("midtown",),
    ),
    "dietary": _text(
        nut_allergy=(
            "nut allergy",
            "nut allergies",
            "allergic to nuts",
            "nut free",
            "peanut",
            "tree nut",
            "nuts",
        ),
        gluten_free=("gluten",),
        vegetarian=("vegetarian",),
        vegan=("vegan",),
    ),
    "bed_type": _text(
        king=("king",), queen=("queen",), twin=("twin",), double=("double bed", "full bed")
    ),
    "late_checkout": SlotSpec(
        SlotKind.FLAG,
        {"yes": ("late checkout", "late check out", "check out late", "late check")},
    ),
    "destination": _text(
        chicago=("chicago", "ohare"),
        new_york=("new york",),
        boston=("boston",),
        los_angeles=("los angeles",),
        dallas=("dallas",),
    ),
    "seat": _text(window=("window",), aisle=("aisle",), middle=("middle seat",)),
    "flight_type": _text(
        direct=("direct", "nonstop", "non stop"),
        connecting=("connecting", "connection", "layover", "1 stop", "stopover"),
    ),
    "order_number": SlotSpec(SlotKind.IDENTIFIER),
    "card_last4": SlotSpec(SlotKind.IDENTIFIER, digits=4),
    "purchase_date": SlotSpec(SlotKind.ELAPSED),
    "issue": _text(
        double_charge=(
            "double charge",
            "double charged",
            "charged twice",
            "charged me twice",
            "duplicate charge",
            "duplicate",
            "2 charges",
            "billed twice",
            "double billed",
            "double billing",
        ),
    ),
    "amount": SlotSpec(SlotKind.MONEY),
    "info_type": _text(
        hours=("hours", "opening time", "closing time", "opens", "closes", "open from")
    ),
}


# --- normalization -----------------------------------------------------------------------


def normalize(text: str) -> str:
    """Lower-cased words and digits in a canonical spelling (rules in the module docstring)."""
    t = text.lower()
    t = re.sub(r"\b([ap])\s?\.\s?m\b\.?", r"\1m", t)
    t = re.sub(r"(\d)\s?([ap]m)\b", r"\1 \2", t)
    t = re.sub(r"[’'`]", "", t)
    t = re.sub(r"(?<=\d),(?=\d{3}\b)", "", t)
    t = re.sub(r"[^a-z0-9$.:]+", " ", t)
    t = re.sub(r"(?<!\d)[.:]|[.:](?!\d)", " ", t)
    return " ".join(_numbers_to_digits(t.split()))


def _numbers_to_digits(tokens: list[str]) -> list[str]:
    out: list[str] = []
    total = current = 0
    last = ""  # "", "unit", "tens", "hundred", "thousand"
    pending_and = False

    def flush() -> None:
        nonlocal total, current, last, pending_and
        if last:
            out.append(str(total + current))
        if pending_and:
            out.append("and")
        total, current, last, pending_and = 0, 0, "", False

    for tok in tokens:
        after_scale = last in ("hundred", "thousand")
        if tok in _UNITS:
            n = _UNITS[tok]
            if after_scale or (last == "tens" and 0 < n < 10):
                current += n
            else:
                flush()
                current = n
            last, pending_and = "unit", False
        elif tok in TENS_VALUES:
            if after_scale:
                current += TENS_VALUES[tok]
            else:
                flush()
                current = TENS_VALUES[tok]
            last, pending_and = "tens", False
        elif tok == "hundred" and last in ("unit", "tens") and 0 < current < 100:
            current *= 100
            last = "hundred"
        elif tok == "thousand" and last in ("unit", "tens", "hundred") and total == 0:
            total, current = current * 1000, 0
            last = "thousand"
        elif tok == "and" and after_scale and not pending_and:
            pending_and = True
        else:
            flush()
            out.append(tok)
    flush()
    return out


# --- spans: matches found in normalized text ---------------------------------------------


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    value: str


def _pick(hits: list[_Hit], taken: list[_Hit] | None = None) -> list[_Hit]:
    """Keep hits in priority order that don't overlap an earlier kept one; sort by position."""
    kept: list[_Hit] = list(taken or [])
    for hit in hits:
        if all(hit.end <= k.start or hit.start >= k.end for k in kept):
            kept.append(hit)
    own = [k for k in kept if k not in (taken or [])]
    return sorted(own, key=lambda h: h.start)


def _finditer(
    pattern: str, text: str, make: Callable[[re.Match[str]], str | None], group: int = 0
) -> list[_Hit]:
    """Hits for every match; the span is that of `group` (0: the whole match)."""
    hits = []
    for m in re.finditer(pattern, text):
        value = make(m)
        if value is not None:
            hits.append(_Hit(m.start(group), m.end(group), value))
    return hits


# --- times -------------------------------------------------------------------------------


def _clock(hour: int, minute: int, meridiem: str | None) -> str | None:
    if minute > 59 or hour > 23:
        return None
    if meridiem:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
        return f"{hour:02d}:{minute:02d}"
    if hour == 0 or hour >= 13:
        return f"{hour:02d}:{minute:02d}"
    return f"~{hour}:{minute:02d}"


_PART_OF_DAY = {"morning": "am", "afternoon": "pm", "evening": "pm", "night": "pm"}
_HM = r"(\d{1,2})(?::(\d{2})|\s(\d{2}))?"


def _minute(m: re.Match[str], a: int, b: int) -> int:
    return int(m.group(a) or m.group(b) or 0)


def _time_hits(text: str) -> list[_Hit]:
    patterns: list[tuple[str, Callable[[re.Match[str]], str | None]]] = [
        (rf"\b{_HM}\s(am|pm)\b", lambda m: _clock(int(m[1]), _minute(m, 2, 3), m[4])),
        (
            rf"\b{_HM}\s(?:oclock\s)?in the (morning|afternoon|evening)\b",
            lambda m: _clock(int(m[1]), _minute(m, 2, 3), _PART_OF_DAY[m[4]]),
        ),
        (
            rf"\b{_HM}\s(?:oclock\s)?(tonight)\b",
            lambda m: _clock(int(m[1]), _minute(m, 2, 3), "pm"),
        ),
        (r"\b(\d{1,2}):(\d{2})\b", lambda m: _clock(int(m[1]), int(m[2]), None)),
        (rf"\b{_HM}\soclock\b", lambda m: _clock(int(m[1]), _minute(m, 2, 3), None)),
        (r"\bhalf past (\d{1,2})\b", lambda m: _clock(int(m[1]), 30, None)),
        (r"\bquarter past (\d{1,2})\b", lambda m: _clock(int(m[1]), 15, None)),
        (r"\bquarter to (\d{1,2})\b", lambda m: _clock((int(m[1]) - 2) % 12 + 1, 45, None)),
        (r"\b(?:noon|midday)\b", lambda m: "12:00"),
        (r"\bmidnight\b", lambda m: "00:00"),
        (
            r"(?<=\bat )(\d{1,2})(?:\s(\d{2}))?\b(?!\s(?:people|persons|guests|nights?|days?))",
            lambda m: _clock(int(m[1]), int(m[2] or 0), None),
        ),
    ]
    hits: list[_Hit] = []
    for pattern, make in patterns:
        hits.extend(_finditer(pattern, text, make))
    return _pick(hits)


def _minutes(clock: str) -> int:
    h, m = clock.lstrip("~").split(":")
    return int(h) * 60 + int(m)


def _same_time(a: str, b: str) -> bool:
    if a.startswith("~") or b.startswith("~"):
        return _minutes(a) % 720 == _minutes(b) % 720
    return a == b


def _business_minutes(clock: str) -> int:
    """An ambiguous hour read as business hours: 7–11 morning, 12–6 afternoon."""
    minutes = _minutes(clock)
    if clock.startswith("~") and minutes < 7 * 60:
        minutes += 12 * 60
    return minutes


# --- time constraints ----------------------------------------------------------------------


def _constraint_hits(text: str) -> list[_Hit]:
    hits: list[_Hit] = []
    for m in re.finditer(r"\b(before|by|after)\s", text):
        rest = text[m.end() :]
        times = _time_hits(rest)
        if times and times[0].start == 0:
            op = "after" if m[1] == "after" else "before"
            end = m.end() + times[0].end
            hits.append(_Hit(m.start(), end, f"{op} {times[0].value}"))
    for word, value in (("morning", "before 12:00"), ("afternoon", "after 12:00")):
        for m in re.finditer(rf"\b(?:in the |this |tomorrow )?{word}\b", text):
            hits.append(_Hit(m.start(), m.end(), value))
    return hits


def _satisfies(value: str, constraint: str) -> bool:
    if value == constraint or " " in value:
        return value == constraint
    op, clock = constraint.split(" ", 1)
    limit, at = _minutes(clock), _business_minutes(value)
    return at < limit if op == "before" else at > limit


# --- other kinds ---------------------------------------------------------------------------


def _day_hits(text: str) -> list[_Hit]:
    hits = _finditer(r"\b(" + "|".join(_WEEKDAYS) + r")s?\b", text, lambda m: m[1])
    relative = r"\b(today|tonight|tomorrow)\b"
    hits += _finditer(relative, text, lambda m: m[1].replace("tonight", "today"))
    return _pick(hits)


def _money_hits(text: str) -> list[_Hit]:
    def cents(d: str, c: str | None) -> str:
        return f"{int(d)}.{int(c or 0):02d}"

    patterns: list[tuple[str, Callable[[re.Match[str]], str | None]]] = [
        (r"\$?\b(\d+)\.(\d{2})\b", lambda m: cents(m[1], m[2])),
        (r"\$?\b(\d+) dollars?(?: and)? (\d{1,2}) cents?\b", lambda m: cents(m[1], m[2])),
        (r"\$?\b(\d+) dollars? (\d{2})\b", lambda m: cents(m[1], m[2])),
        (r"\$(\d+)\b|\b(\d+) (?:dollars?|bucks)\b", lambda m: cents(m[1] or m[2], None)),
        (r"\b(\d{1,3}) (\d{2})\b", lambda m: cents(m[1], m[2])),
    ]
    hits: list[_Hit] = []
    for pattern, make in patterns:
        hits.extend(_finditer(pattern, text, make))
    return _pick(hits)


_ELAPSED_UNITS = {"day": 1, "week": 7, "month": 30}
_ELAPSED_AMOUNTS = {"a": 1, "an": 1, "a couple of": 2, "a couple": 2, "couple of": 2, "a few": 3}


def _elapsed_hits(text: str) -> list[_Hit]:
    amount = r"(\d+|a couple of|a couple|couple of|a few|an|a)"
    pattern = rf"\b{amount} (day|week|month)s? (?:ago|back|before|earlier)\b"

    def days(m: re.Match[str]) -> str:
        n = int(m[1]) if m[1].isdigit() else _ELAPSED_AMOUNTS[m[1]]
        return f"{n * _ELAPSED_UNITS[m[2]]}d"

    hits = _finditer(pattern, text, days)
    hits += _finditer(r"\b(?:a )?fortnight ago\b", text, lambda m: "14d")
    hits += _finditer(r"\blast (week|month)\b", text, lambda m: f"{_ELAPSED_UNITS[m[1]]}d")
    return _pick(hits)


def _same_elapsed(a: str, b: str) -> bool:
    x, y = int(a.rstrip("d")), int(b.rstrip("d"))
    return abs(x - y) <= max(2.0, 0.25 * max(x, y))


def _blocked_spans(text: str) -> list[_Hit]:
    return _time_hits(text) + _money_hits(text) + _elapsed_hits(text)


def _count_hits(text: str, spec: SlotSpec) -> list[_Hit]:
    blocked = _blocked_spans(text)
    hits: list[_Hit] = []
    if spec.units:
        units = "|".join(re.escape(u) for u in spec.units)
        hits += _finditer(rf"\b(\d+) (?:{units})\b", text, lambda m: str(int(m[1])))
    if spec.prefixes:
        prefixes = "|".join(re.escape(p) for p in (*spec.prefixes, "for"))
        pattern = rf"\b(?:{prefixes}) (\d+)\b"
        hits += _finditer(pattern, text, lambda m: str(int(m[1])), group=1)
    if not spec.units and not spec.prefixes:
        hits += _finditer(r"\b(\d{1,2})\b", text, lambda m: str(int(m[1])))
    return _pick(hits, blocked)


def _identifier_hits(text: str, spec: SlotSpec) -> list[_Hit]:
    hits: list[_Hit] = []
    for m in re.finditer(r"\b\d+(?: \d+)*\b", text):
        tokens = m[0].split()
        if len(tokens) > 1 and all(len(t) <= 2 for t in tokens):
            hits.append(_Hit(m.start(), m.end(), "".join(tokens)))
            continue
        offset = m.start()
        for tok in tokens:
            start = text.index(tok, offset)
            offset = start + len(tok)
            if len(tok) >= 3:
                hits.append(_Hit(start, offset, tok))
    if spec.digits is not None:
        hits = [h for h in hits if len(h.value) == spec.digits]
    return hits


def _phrase_positions(tokens: list[str], phrase: str) -> Iterator[int]:
    words = phrase.split()
    stem = [_singular(w) for w in words]
    for i in range(len(tokens) - len(words) + 1):
        if [_singular(t) for t in tokens[i : i + len(words)]] == stem:
            yield i


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _vocabulary_hits(text: str, spec: SlotSpec, flag: bool) -> list[_Hit]:
    tokens = text.split()
    hits: list[_Hit] = []
    for canonical, phrases in spec.vocabulary.items():
        for phrase in phrases:
            for i in _phrase_positions(tokens, normalize(phrase)):
                value = canonical
                if flag and _NEGATIONS.intersection(tokens[max(0, i - 3) : i]):
                    value = "no"
                hits.append(_Hit(i, i + len(phrase.split()), value))
    return sorted(hits, key=lambda h: h.start)


# --- public API ----------------------------------------------------------------------------


def slot_spec(slot: str, expected: str) -> SlotSpec:
    """How `slot` is read: the known-slot table, else the kind the expected value suggests."""
    known = KNOWN_SLOTS.get(slot)
    value = normalize(expected)
    if known is not None:
        if known.kind is SlotKind.TEXT and expected != ANY and value not in known.vocabulary:
            return SlotSpec(SlotKind.TEXT, {**known.vocabulary, value: (value,)})
        return known
    if value == ANY:
        return SlotSpec(SlotKind.TEXT, {})
    for kind, finder in (
        (SlotKind.TIME_CONSTRAINT, _constraint_hits),
        (SlotKind.ELAPSED, _elapsed_hits),
        (SlotKind.MONEY, lambda t: [h for h in _money_hits(t) if "." in t or "$" in t]),
        (SlotKind.TIME, _time_hits),
        (SlotKind.DAY, _day_hits),
    ):
        found = finder(value)
        if found and found[0].start == 0 and found[0].end == len(value):
            return SlotSpec(kind)
    if value in ("yes", "no"):
        return SlotSpec(SlotKind.FLAG, {"yes": (slot.replace("_", " "),)})
    if value.isdigit():
        return SlotSpec(SlotKind.IDENTIFIER if len(value) >= 3 else SlotKind.COUNT)
    return SlotSpec(SlotKind.TEXT, {value: (value,)})


def _hits(spec: SlotSpec, text: str) -> list[_Hit]:
    kind = spec.kind
    if kind is SlotKind.TIME:
        return _time_hits(text)
    if kind is SlotKind.TIME_CONSTRAINT:
        constraints = _pick(_constraint_hits(text))
        return sorted(constraints + _pick(_time_hits(text), constraints), key=lambda h: h.start)
    if kind is SlotKind.DAY:
        return _day_hits(text)
    if kind is SlotKind.COUNT:
        return _count_hits(text, spec)
    if kind is SlotKind.IDENTIFIER:
        return _identifier_hits(text, spec)
    if kind is SlotKind.MONEY:
        return _money_hits(text)
    if kind is SlotKind.ELAPSED:
        return _elapsed_hits(text)
    return _vocabulary_hits(text, spec, flag=kind is SlotKind.FLAG)


def extract(slot: str, expected: str, text: str) -> tuple[str, ...]:
    """Distinct canonical values `text` states for `slot`, in order of first mention."""
    spec = slot_spec(slot, expected)
    values: list[str] = []
    for hit in _hits(spec, normalize(text)):
        if not any(_same(spec, hit.value, v) for v in values):
            values.append(hit.value)
    return tuple(values)


def _canonical_expected(spec: SlotSpec, expected: str) -> str | None:
    text = normalize(expected)
    if spec.kind is SlotKind.TEXT and text in spec.vocabulary:
        return text
    if spec.kind is SlotKind.FLAG:
        return text if text in ("yes", "no") else None
    if spec.kind is SlotKind.TIME_CONSTRAINT:
        found = _pick(_constraint_hits(text))
        return found[0].value if found else None
    found = _hits(spec, text)
    if spec.kind is SlotKind.COUNT and not found and text.isdigit():
        return str(int(text))
    if spec.kind is SlotKind.IDENTIFIER and not found and text.isdigit():
        return text
    return found[0].value if found else None


def _same(spec: SlotSpec, a: str, b: str) -> bool:
    if spec.kind is SlotKind.TIME or (spec.kind is SlotKind.TIME_CONSTRAINT and ":" in a + b):
        if " " in a or " " in b:
            return a == b
        return _same_time(a, b)
    if spec.kind is SlotKind.ELAPSED:
        return _same_elapsed(a, b)
    return a == b


def matches(slot: str, expected: str, value: str) -> bool:
    """Whether canonical `value` (as returned by `extract`) satisfies the expected value."""
    if normalize(expected) == ANY:
        return True
    spec = slot_spec(slot, expected)
    want = _canonical_expected(spec, expected)
    if want is None:
        return False
    if spec.kind is SlotKind.TIME_CONSTRAINT:
        return _satisfies(value, want)
    return _same(spec, value, want)


def mentions(slot: str, expected: str, text: str) -> bool:
    """Whether `text` states a value for `slot` that satisfies the expected value."""
    return any(matches(slot, expected, v) for v in extract(slot, expected, text))


def extract_slots(required: Mapping[str, str], text: str) -> dict[str, tuple[str, ...]]:
    """For each required slot, the values `text` states for it (empty tuple when none)."""
    return {slot: extract(slot, expected, text) for slot, expected in required.items()}


def filled_slots(required: Mapping[str, str], text: str) -> dict[str, str]:
    """The required slots `text` gives a matching value for, with the first matching value."""
    filled: dict[str, str] = {}
    for slot, expected in required.items():
        for value in extract(slot, expected, text):
            if matches(slot, expected, value):
                filled[slot] = value
                break
    return filled
