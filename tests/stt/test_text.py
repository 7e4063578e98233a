"""Text normalization: engines' different spellings of the same speech become the same words."""

from __future__ import annotations

import pytest

from arena.core.text import (
    cardinal,
    normalize,
    normalize_words,
    ordinal,
    read_number,
    spoken_words,
    year,
)


@pytest.mark.parametrize(
    ("written", "spoken", "canonical"),
    [
        (
            "Call 555-1234 at 2pm.",
            "call five five five one two three four at two p m",
            "call 5 5 5 1 2 3 4 at 2 p m",
        ),
        (
            "(555) 123-4567",
            "five five five one two three four five six seven",
            "5 5 5 1 2 3 4 5 6 7",
        ),
        ("5.5.5.1.2.3.4", "five five five one two three four", "5 5 5 1 2 3 4"),
        ("555", "five hundred fifty five", "5 5 5"),
        (
            "It's $49.99!",
            "it is forty-nine dollars and ninety-nine cents",
            "it is 4 9 dollars 9 9 cents",
        ),
        ("$5 million", "five million dollars", "5 0 0 0 0 0 0 dollars"),
        (
            "$1,250.50",
            "twelve hundred and fifty dollars and fifty cents",
            "1 2 5 0 dollars 5 0 cents",
        ),
        ("£1", "one pound", "1 pound"),
        ("1,250 people", "one thousand two hundred and fifty people", "1 2 5 0 people"),
        ("in March 2025", "in march two thousand and twenty five", "in march 2 0 2 5"),
        ("1600 Maple Avenue", "one thousand six hundred maple avenue", "1 6 0 0 maple avenue"),
        ("555-0142", "five five five oh one four two", "5 5 5 0 1 4 2"),
        ("20% off", "twenty percent off", "2 0 percent off"),
        ("at 2:30 p.m.", "at two thirty p m", "at 2 3 0 p m"),
        ("at 2:00 PM", "at two PM", "at 2 p m"),
        ("2:05", "two oh five", "2 0 5"),
        ("on 3/14/2024", "on march fourteenth twenty twenty four", "on march fourteenth 2 0 2 4"),
        (
            "the 22nd of March, 1984",
            "the twenty-second of march nineteen eighty-four",
            "the twenty second of march 1 9 8 4",
        ),
        ("in 2005", "in two thousand five", "in 2 0 0 5"),
        ("3.5 mg", "three point five mg", "3 point 5 mg"),
        ("101 dalmatians", "a hundred and one dalmatians", "1 0 1 dalmatians"),
        ("zip 90210", "zip nine oh two one oh", "zip 9 0 2 1 0"),
        ("I can't, won't, don't", "I can not, will not, do not", "i can not will not do not"),
        ("cannot", "can not", "can not"),
        ("I'm sure it's John's", "i am sure it is johns", "i am sure it is johns"),
        (
            "We're here; they'll see, you've won, she'd go",
            "we are here they will see you have won she would go",
            "we are here they will see you have won she would go",
        ),
        (
            "Dr. Smith, Mr. Jones: OK",
            "doctor smith mister jones okay",
            "doctor smith mister jones okay",
        ),
        ("Um, so, uh… yes", "so yes", "so yes"),
        ("  Hello,\tWORLD!! ", "hello world", "hello world"),
        ("“Quoted” — dash", "quoted dash", "quoted dash"),
        ("rock & roll", "rock and roll", "rock and roll"),
        ("wait a second", "wait a second", "wait a second"),
    ],
)
def test_written_and_spoken_forms_agree(written: str, spoken: str, canonical: str) -> None:
    assert normalize(written) == canonical
    assert normalize(spoken) == canonical


@pytest.mark.parametrize(
    ("written", "words"),
    [
        ("Call 555-1234 at 2pm.", "call five five five one two three four at two p m"),
        ("It's $49.99!", "it is forty nine dollars ninety nine cents"),
        ("in March 2025", "in march twenty twenty five"),
        ("What's 12 times 3?", "what is twelve times three"),
        ("a hundred and one", "one hundred one"),
    ],
)
def test_spoken_words_keep_numbers_as_words(written: str, words: str) -> None:
    assert spoken_words(written) == words.split()


def test_whisper_and_pocketsphinx_styles_match() -> None:
    whisper = "Please call me at 555-1234 tomorrow at 2 p.m. It's $49.99."
    sphinx = (
        "please call me at five five five one two three four tomorrow at two p m "
        "it is forty nine dollars ninety nine cents"
    )
    assert normalize_words(whisper) == normalize_words(sphinx)
    assert spoken_words(whisper) == sphinx.split()


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, "zero"),
        (13, "thirteen"),
        (40, "forty"),
        (99, "ninety nine"),
        (100, "one hundred"),
        (1001, "one thousand one"),
        (2_500_000, "two million five hundred thousand"),
        (10**12 + 7, "one trillion seven"),
    ],
)
def test_cardinal(n: int, words: str) -> None:
    assert cardinal(n) == words


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (1, "first"),
        (2, "second"),
        (3, "third"),
        (5, "fifth"),
        (12, "twelfth"),
        (20, "twentieth"),
        (21, "twenty first"),
        (108, "one hundred eighth"),
    ],
)
def test_ordinal(n: int, words: str) -> None:
    assert ordinal(n) == words


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (1984, "nineteen eighty four"),
        (1900, "nineteen hundred"),
        (1905, "nineteen oh five"),
        (2000, "two thousand"),
        (2024, "twenty twenty four"),
        (999, "nine hundred ninety nine"),
    ],
)
def test_year(n: int, words: str) -> None:
    assert year(n) == words


def test_empty_and_punctuation_only_text_has_no_words() -> None:
    assert normalize_words("") == []
    assert normalize_words(" ... !? ") == []


@pytest.mark.parametrize(
    ("spoken", "start", "expected"),
    [
        ("seven plus five", 0, (7, 1)),
        ("seven plus five", 2, (5, 3)),
        ("what is two hundred forty nine", 2, (249, 6)),
        ("one thousand six hundred", 0, (1600, 4)),
        ("twenty twenty five", 0, (20, 1)),
        ("zero", 0, (0, 1)),
        ("plus", 0, None),
    ],
)
def test_read_number(spoken: str, start: int, expected: tuple[int, int] | None) -> None:
    assert read_number(spoken.split(), start) == expected
