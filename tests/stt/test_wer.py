"""WER, CER and the word diff agree with jiwer on normalized text."""

from __future__ import annotations

import random

import jiwer
import pytest

from arena.core.text import normalize
from arena.core.wer import EditOp, EmptyReferenceError, align_words, edit_distance, score

PAIRS = [
    ("The quick brown fox jumps over the lazy dog.", "the quick brown box jumps over a lazy dog"),
    ("Call 555-1234 at 2pm.", "call five five five one two three four at two p m"),
    ("Please call me tomorrow.", "please call me tomorrow at noon please"),
    ("Take two tablets of ibuprofen twice daily.", "take tablets of i be profane twice"),
    ("Hello world", ""),
    ("one", "one two three four"),
    ("It's $49.99 today.", "its forty nine ninety nine today"),
]


@pytest.mark.parametrize(("reference", "hypothesis"), PAIRS)
def test_agrees_with_jiwer_on_normalized_text(reference: str, hypothesis: str) -> None:
    report = score(reference, hypothesis)
    ref, hyp = normalize(reference), normalize(hypothesis)
    assert (report.reference, report.hypothesis) == (ref, hyp)
    expected = jiwer.process_words(ref, hyp) if hyp else None
    if expected is not None:
        assert report.wer == pytest.approx(expected.wer)
        edits = expected.substitutions + expected.deletions + expected.insertions
        assert report.substitutions + report.deletions + report.insertions == edits
        assert report.hits >= expected.hits  # among equally short alignments, the most matches
        assert report.cer == pytest.approx(jiwer.cer(ref, hyp))
    else:
        assert report.wer == 1.0
        assert report.deletions == len(ref.split())
        assert report.cer == 1.0


def test_random_word_sequences_agree_with_jiwer() -> None:
    rng = random.Random(7)
    vocabulary = ["a", "b", "c", "d", "e", "f"]
    for _ in range(200):
        ref = " ".join(rng.choices(vocabulary, k=rng.randint(1, 12)))
        hyp = " ".join(rng.choices(vocabulary, k=rng.randint(1, 12)))
        report = score(ref, hyp)
        assert report.wer == pytest.approx(jiwer.wer(ref, hyp)), (ref, hyp)
        assert report.cer == pytest.approx(jiwer.cer(ref, hyp)), (ref, hyp)


def test_diff_names_every_error_with_its_words() -> None:
    report = score("the quick brown fox jumps", "the quick box jumps high")
    assert report.diff == (
        EditOp("equal", "the", "the"),
        EditOp("equal", "quick", "quick"),
        EditOp("delete", "brown", None),
        EditOp("substitute", "fox", "box"),
        EditOp("equal", "jumps", "jumps"),
        EditOp("insert", None, "high"),
    )
    assert (report.substitutions, report.deletions, report.insertions) == (1, 1, 1)
    assert report.wer == pytest.approx(3 / 5)


def test_diff_rebuilds_both_texts() -> None:
    for reference, hypothesis in PAIRS:
        report = score(reference, hypothesis)
        assert " ".join(op.ref for op in report.diff if op.ref) == report.reference
        assert " ".join(op.hyp for op in report.diff if op.hyp) == report.hypothesis


def test_formatting_differences_are_not_errors() -> None:
    report = score(
        "Meet Dr. Smith at 3:30 PM on 3/14.",
        "meet doctor smith at three thirty p.m. on march fourteenth",
    )
    assert report.wer == 0.0
    assert report.cer == 0.0


def test_empty_reference_is_refused() -> None:
    with pytest.raises(EmptyReferenceError, match="no words"):
        score(" ... ", "hello")


def test_edit_distance_and_alignment_edges() -> None:
    assert edit_distance("kitten", "sitting") == 3
    assert edit_distance([], ["a", "b"]) == 2
    assert align_words([], ["a"]) == [EditOp("insert", None, "a")]
    assert align_words(["a"], []) == [EditOp("delete", "a", None)]
