"""Text normalization for WER/CER: one canonical form shared by every metric.

Engines print the same speech differently (Whisper: "Call 555-1234 at 2pm, it's $49.99";
PocketSphinx: "call five five five one two three four at two p m it is forty nine dollars
ninety nine cents"), so reference and hypothesis are both reduced to lowercase words, with
every number as single digits, before they are compared. The rules, in order:

1. Unicode NFKC, lowercase, typographic quotes and dashes made plain; "&" -> "and".
2. Phone-like numbers (three or more digit groups joined by "-" or ".", or a parenthesized
   area code) and digit strings of five or more digits are read digit by digit.
3. Money: "$49.99" -> "forty nine dollars ninety nine cents", "$5 million" -> "five million
   dollars" (also £ pounds, € euros); "dollars and ninety nine cents" drops the "and".
4. Grouped numbers ("1,250"), percentages ("20%" -> "twenty percent"), clock times ("2:30" ->
   "two thirty", "2:05" -> "two oh five", "2:00" -> "two"), "2pm"/"2 p.m." -> "two p m",
   numeric dates "3/14/2024" -> "march fourteenth twenty twenty four", ordinals ("22nd" ->
   "twenty second"), decimals ("3.5" -> "three point five"), other numbers as cardinals
   (4-digit years as years: "1984" -> "nineteen eighty four").
5. Contractions expanded ("don't" -> "do not", "it's" -> "it is", "I'm" -> "i am", "can't"
   and "cannot" -> "can not"); other apostrophes dropped ("john's" -> "johns").
6. Every other punctuation mark becomes a space.
7. Titles "mr"/"mrs"/"dr" -> "mister"/"missus"/"doctor", "ok" -> "okay"; hesitations
   (uh, um, umm, hmm, mm, mhm, er, erm) removed; "a hundred" -> "one hundred", "two pm" ->
   "two p m", "and" inside a number dropped ("hundred and one"); "oh" next to a number
   word -> "zero".
8. (`normalize_words` only) every spoken number becomes its digits, one token per digit:
   "five five five", "five hundred fifty five" and "555" all become "5 5 5"; "twenty twenty
   five", "two thousand twenty five" and "2025" all become "2 0 2 5". Ordinals stay words
   ("22nd" and "twenty second" -> "twenty second").

`spoken_words` stops after rule 7 (numbers as words), for code that reads numbers, such as
the grounded responder's arithmetic.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

__all__ = [
    "TENS_VALUES",
    "UNIT_WORDS",
    "cardinal",
    "normalize",
    "normalize_words",
    "ordinal",
    "read_number",
    "spoken_words",
    "year",
]

# Number words, also read by `arena.core.slots`: UNIT_WORDS[n] is n for n < 20.
UNIT_WORDS = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
)
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_SCALES = ((10**12, "trillion"), (10**9, "billion"), (10**6, "million"), (1000, "thousand"))
_ORDINAL_IRREGULAR = {
    "one": "first",
    "two": "second",
    "three": "third",
    "five": "fifth",
    "eight": "eighth",
    "nine": "ninth",
    "twelve": "twelfth",
}
_MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_CURRENCIES = {"$": ("dollar", "cent"), "£": ("pound", "penny"), "€": ("euro", "cent")}
_NUMBER_WORDS = frozenset(
    [*UNIT_WORDS, *_TENS[2:], "hundred", *(name for _, name in _SCALES), "point"]
)

_SCALE_WORDS = frozenset(["hundred", *(name for _, name in _SCALES)])

_CONTRACTIONS = (
    (r"\bwon't\b", "will not"),
    (r"\bcan't\b", "can not"),
    (r"\bcannot\b", "can not"),
    (r"\bshan't\b", "shall not"),
    (r"\bain't\b", "is not"),
    (r"\blet's\b", "let us"),
    (r"n't\b", " not"),
    (r"'re\b", " are"),
    (r"\bi'm\b", "i am"),
    (r"'ll\b", " will"),
    (r"'ve\b", " have"),
    (r"'d\b", " would"),
    (r"\b(it|that|what|he|she|there|here|where|who|how)'s\b", r"\1 is"),
)
_WORD_SUBSTITUTIONS = {
    "mr": "mister",
    "mrs": "missus",
    "dr": "doctor",
    "ok": "okay",
}
_HESITATIONS = frozenset({"uh", "um", "umm", "hmm", "mm", "mhm", "er", "erm"})


def cardinal(n: int) -> str:
    """`n` >= 0 in words, without "and": 1250 -> "one thousand two hundred fifty"."""
    if n < 20:
        return UNIT_WORDS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + (f" {UNIT_WORDS[ones]}" if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return f"{UNIT_WORDS[hundreds]} hundred" + (f" {cardinal(rest)}" if rest else "")
    for scale, name in _SCALES:
        if n >= scale:
            high, rest = divmod(n, scale)
            return f"{cardinal(high)} {name}" + (f" {cardinal(rest)}" if rest else "")
    raise ValueError(f"cannot spell {n}")  # unreachable for n >= 0


def ordinal(n: int) -> str:
    """`n` >= 1 as an ordinal: 22 -> "twenty second"."""
    *head, last = cardinal(n).split()
    if last in _ORDINAL_IRREGULAR:
        last = _ORDINAL_IRREGULAR[last]
    elif last.endswith("y"):
        last = last[:-1] + "ieth"
    else:
        last += "th"
    return " ".join([*head, last])


def year(n: int) -> str:
    """A year as people say it: 1984 -> "nineteen eighty four", 2005 -> "two thousand five"."""
    high, low = divmod(n, 100)
    if not 1100 <= n <= 2099 or (2000 <= n <= 2009):
        return cardinal(n)
    if low == 0:
        return f"{cardinal(high)} hundred"
    return f"{cardinal(high)} " + (f"oh {UNIT_WORDS[low]}" if low < 10 else cardinal(low))


def _digits(text: str) -> str:
    return " ".join(UNIT_WORDS[int(d)] for d in text if d.isdigit())


def _number(token: str) -> str:
    """A bare digit string: digit by digit when long, a year when year-like, else cardinal."""
    if len(token) >= 5:
        return _digits(token)
    n = int(token)
    if len(token) == 4 and 1100 <= n <= 2099:
        return year(n)
    return cardinal(n)


def _money(match: re.Match[str]) -> str:
    unit, subunit = _CURRENCIES[match["symbol"]]
    whole = int(match["whole"].replace(",", ""))
    if match["scale"]:
        amount = _decimal(str(whole), match["fraction"]) if match["fraction"] else cardinal(whole)
        return f" {amount} {match['scale']} {unit}s "
    words = f"{cardinal(whole)} {unit}" + ("" if whole == 1 else "s")
    if match["fraction"]:
        cents = int(match["fraction"].ljust(2, "0")[:2])
        if cents:
            plural = subunit if cents == 1 else ("pence" if subunit == "penny" else f"{subunit}s")
            words += f" {cardinal(cents)} {plural}"
    return f" {words} "


def _decimal(whole: str, fraction: str) -> str:
    return f"{cardinal(int(whole))} point {_digits(fraction)}"


def _clock(match: re.Match[str]) -> str:
    hour, minute = int(match["hour"]), int(match["minute"])
    if minute == 0:
        spoken = cardinal(hour)
    elif minute < 10:
        spoken = f"{cardinal(hour)} oh {UNIT_WORDS[minute]}"
    else:
        spoken = f"{cardinal(hour)} {cardinal(minute)}"
    suffix = match["suffix"]
    return f" {spoken} {suffix[0]} m " if suffix else f" {spoken} "


def _date(match: re.Match[str]) -> str:
    month, day = int(match["month"]), int(match["day"])
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return f" {_digits(match[0])} "
    words = f"{_MONTHS[month - 1]} {ordinal(day)}"
    if match["year"]:
        y = int(match["year"])
        words += f" {year(y if y >= 100 else 2000 + y)}"
    return f" {words} "


def _digit_groups(match: re.Match[str]) -> str:
    """Phone numbers and codes digit by digit; "3.5" or "9-5" are left to later rules."""
    groups = re.findall(r"\d+", match[0])
    phone_like = len(groups) >= 3 or ("-" in match[0] and sum(map(len, groups)) >= 7)
    return f" {_digits(match[0])} " if phone_like else match[0]


Replacement = str | Callable[[re.Match[str]], str]
_AMPM = r"(?:\s*(?P<suffix>[ap])\.?\s?m\b\.?)"
_RULES: tuple[tuple[re.Pattern[str], Replacement], ...] = (
    (re.compile(r"&"), " and "),
    (re.compile(r"(?:\(\d{3}\)\s*|\b\d+[-.])(?:\d+[-.])*\d+\b"), _digit_groups),
    (
        re.compile(
            r"(?P<symbol>[$£€])\s?(?P<whole>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<fraction>\d+))?"
            r"(?:\s(?P<scale>thousand|million|billion|trillion)\b)?"
        ),
        _money,
    ),
    (re.compile(r"\b\d{1,3}(?:,\d{3})+\b"), lambda m: f" {cardinal(int(m[0].replace(',', '')))} "),
    (
        re.compile(
            r"\b(dollars?|pounds?|euros?) and (?=[\w-]+(?: [\w-]+)? (?:cents?|pence|penny)\b)"
        ),
        r"\1 ",
    ),
    (re.compile(r"(\d+(?:\.\d+)?)\s?%"), r"\1 percent"),
    (re.compile(r"\b(?P<hour>\d{1,2}):(?P<minute>\d{2})\b" + _AMPM + "?"), _clock),
    (
        re.compile(r"\b(?P<hour>\d{1,2})" + _AMPM),
        lambda m: f" {cardinal(int(m['hour']))} {m['suffix']} m ",
    ),
    (re.compile(r"\b(?P<month>\d{1,2})/(?P<day>\d{1,2})(?:/(?P<year>\d{4}|\d{2}))?\b"), _date),
    (
        re.compile(r"\b(\d+)(?:st|nd|rd|th)\b"),
        lambda m: f" {ordinal(int(m[1]))} " if int(m[1]) else m[0],
    ),
    (re.compile(r"\b(\d+)\.(\d+)\b"), lambda m: f" {_decimal(m[1], m[2])} "),
    (re.compile(r"\d+"), lambda m: f" {_number(m[0])} "),
)


def _expand_numbers(text: str) -> str:
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    for fancy, plain in (("’", "'"), ("‘", "'"), ("“", '"'), ("”", '"'), ("–", "-"), ("—", " ")):
        text = text.replace(fancy, plain)
    return text


def normalize_words(text: str) -> list[str]:
    """`text` as canonical words, numbers as single digits (see the module docstring)."""
    return _digit_forms(spoken_words(text))


def spoken_words(text: str) -> list[str]:
    """`text` as lowercase spoken words with every number spelled out (rules 1-7)."""
    text = _expand_numbers(_plain(text))
    for pattern, replacement in _CONTRACTIONS:
        text = re.sub(pattern, replacement, text)
    text = text.replace("'", "")
    words = re.sub(r"[^a-z0-9]+", " ", text).split()
    words = [_WORD_SUBSTITUTIONS.get(w, w) for w in words if w not in _HESITATIONS]
    words = _spoken_numbers(words)
    return ["zero" if w == "oh" and _next_to_number(words, i) else w for i, w in enumerate(words)]


def _next_to_number(words: list[str], i: int) -> bool:
    neighbours = words[i - 1 : i] + words[i + 1 : i + 2]
    return any(w in _NUMBER_WORDS for w in neighbours)


def _spoken_numbers(words: list[str]) -> list[str]:
    """ "a hundred" -> "one hundred"; "hundred and one" -> "hundred one"."""
    out: list[str] = []
    for i, word in enumerate(words):
        after = words[i + 1] if i + 1 < len(words) else ""
        if word == "a" and after in ("hundred", "thousand"):
            out.append("one")
        elif word in ("am", "pm") and out and out[-1] in _NUMBER_WORDS:
            out.extend((word[0], "m"))  # "two pm" as "2 p.m." is read
        elif not (word == "and" and out and out[-1] in _SCALE_WORDS and after in _NUMBER_WORDS):
            out.append(word)
    return out


_UNIT_VALUES = {word: value for value, word in enumerate(UNIT_WORDS) if value}
TENS_VALUES = {word: 10 * value for value, word in enumerate(_TENS) if value >= 2}
_SCALE_VALUES = {name: scale for scale, name in _SCALES}


def _number_run(words: list[str], start: int) -> tuple[int, int]:
    """The cardinal spoken from `words[start:]` (zero excluded) and the index after it."""
    total = current = 0
    i = start
    while i < len(words):
        word, low = words[i], current % 100
        if word in TENS_VALUES and low == 0:
            current += TENS_VALUES[word]
        elif word in _UNIT_VALUES and (
            low == 0 or (low >= 20 and low % 10 == 0 and _UNIT_VALUES[word] < 10)
        ):
            current += _UNIT_VALUES[word]
        elif word == "hundred" and 0 < current < 100:
            current *= 100
        elif word in _SCALE_VALUES and current and _SCALE_VALUES[word] > current:
            total += current * _SCALE_VALUES[word]
            current = 0
        else:
            break
        i += 1
    return total + current, i


def read_number(words: list[str], start: int = 0) -> tuple[int, int] | None:
    """The cardinal spoken at `words[start]` ("two hundred five") as (value, end index)."""
    if start < len(words) and words[start] == "zero":
        return 0, start + 1
    value, end = _number_run(words, start)
    return (value, end) if end > start else None


def _digit_forms(words: list[str]) -> list[str]:
    """Every spoken number as its digits, one token each: "twenty twenty five" and "two
    thousand twenty five" -> "2 0 2 5", "five five five" and "five hundred fifty five" ->
    "5 5 5", so every way of reading a number agrees."""
    out: list[str] = []
    i = 0
    while i < len(words):
        number = read_number(words, i)
        if number is None:
            out.append(words[i])
            i += 1
            continue
        value, end = number
        if end < len(words) and words[end] in _ORDINAL_WORDS:  # "twenty second" stays words
            out.extend(words[i : end + 1])
            i = end + 1
            continue
        out.extend(str(value))
        i = end
    return out


_ORDINAL_WORDS = frozenset(
    ordinal(n) for n in (*range(1, 20), *range(20, 100, 10), 100, 1000, 10**6)
)


def normalize(text: str) -> str:
    """`text` as one canonical lowercase string of words and digits separated by single spaces."""
    return " ".join(normalize_words(text))
