"""Word and character error rates and the word-level alignment behind them.

Both texts go through `arena.core.text.normalize` first, so "2pm" and "two p.m." agree. WER is
(substitutions + deletions + insertions) / reference words; CER is the same over the
characters of the normalized text (spaces included), as jiwer computes them.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from arena.core.text import normalize_words

__all__ = [
    "EditOp",
    "EmptyReferenceError",
    "ErrorReport",
    "align_words",
    "char_error_rate",
    "edit_distance",
    "score",
    "word_error_rate",
]

OpKind = Literal["equal", "substitute", "delete", "insert"]


class EmptyReferenceError(ValueError):
    """The reference has no words after normalization, so an error rate is undefined."""


@dataclass(frozen=True)
class EditOp:
    """One step of the alignment: a reference word against a hypothesis word.

    `ref` is None for an insertion, `hyp` is None for a deletion.
    """

    op: OpKind
    ref: str | None
    hyp: str | None


@dataclass(frozen=True)
class ErrorReport:
    """Everything a reveal shows about one transcript against its ground truth."""

    wer: float
    cer: float
    hits: int
    substitutions: int
    deletions: int
    insertions: int
    reference: str
    hypothesis: str
    diff: tuple[EditOp, ...]


def _distances(
    ref: Sequence[int], hyp: Sequence[int], indel: int = 1, substitution: int = 1
) -> npt.NDArray[np.int64]:
    """The full weighted Levenshtein table, one numpy pass per reference token."""
    hyp_arr = np.asarray(hyp, dtype=np.int64)
    columns = np.arange(len(hyp) + 1, dtype=np.int64) * indel
    table = np.empty((len(ref) + 1, len(hyp) + 1), dtype=np.int64)
    table[0] = columns
    for i, token in enumerate(ref, start=1):
        prev = table[i - 1]
        row = np.empty_like(prev)
        row[0] = i * indel
        row[1:] = np.minimum(prev[1:] + indel, prev[:-1] + (hyp_arr != token) * substitution)
        # insertions within the row: row[j] = min_k<=j (row[k] + (j - k) * indel)
        table[i] = np.minimum.accumulate(row - columns) + columns
    return table


def _ids(*sequences: Sequence[Hashable]) -> list[list[int]]:
    vocabulary: dict[Hashable, int] = {}
    return [[vocabulary.setdefault(token, len(vocabulary)) for token in s] for s in sequences]


def edit_distance(ref: Sequence[Hashable], hyp: Sequence[Hashable]) -> int:
    """Minimum substitutions + deletions + insertions turning `ref` into `hyp`."""
    ref_ids, hyp_ids = _ids(ref, hyp)
    return int(_distances(ref_ids, hyp_ids)[-1, -1])


def align_words(ref: Sequence[str], hyp: Sequence[str]) -> list[EditOp]:
    """A minimum-edit word alignment (most matches among ties), one op per word, in order."""
    ref_ids, hyp_ids = _ids(ref, hyp)
    # Among alignments with the fewest edits, prefer the one with the most matched words: an
    # edit costs `indel`, a substitution one more, and the extra never outweighs an edit.
    indel = len(ref) + len(hyp) + 1
    table = _distances(ref_ids, hyp_ids, indel, indel + 1)
    ops: list[EditOp] = []
    i, j = len(ref), len(hyp)
    while i or j:
        here = table[i, j]
        same = i and j and ref[i - 1] == hyp[j - 1]
        if i and j and here == table[i - 1, j - 1] + (0 if same else indel + 1):
            kind: OpKind = "equal" if same else "substitute"
            ops.append(EditOp(kind, ref[i - 1], hyp[j - 1]))
            i, j = i - 1, j - 1
        elif i and here == table[i - 1, j] + indel:
            ops.append(EditOp("delete", ref[i - 1], None))
            i -= 1
        else:
            ops.append(EditOp("insert", None, hyp[j - 1]))
            j -= 1
    ops.reverse()
    return ops


def score(reference: str, hypothesis: str) -> ErrorReport:
    """WER, CER, error counts and the word diff of `hypothesis` against `reference`."""
    ref_words, hyp_words = normalize_words(reference), normalize_words(hypothesis)
    if not ref_words:
        raise EmptyReferenceError(
            f"the reference {reference!r} has no words to compare against: "
            "give a ground-truth text with at least one spoken word"
        )
    diff = align_words(ref_words, hyp_words)
    counts = {kind: sum(op.op == kind for op in diff) for kind in ("equal", "substitute")}
    deletions = sum(op.op == "delete" for op in diff)
    insertions = sum(op.op == "insert" for op in diff)
    ref_text, hyp_text = " ".join(ref_words), " ".join(hyp_words)
    return ErrorReport(
        wer=(counts["substitute"] + deletions + insertions) / len(ref_words),
        cer=edit_distance(ref_text, hyp_text) / len(ref_text),
        hits=counts["equal"],
        substitutions=counts["substitute"],
        deletions=deletions,
        insertions=insertions,
        reference=ref_text,
        hypothesis=hyp_text,
        diff=tuple(diff),
    )


def word_error_rate(reference: str, hypothesis: str) -> float:
    """WER of `hypothesis` against `reference`, both normalized."""
    return score(reference, hypothesis).wer


def char_error_rate(reference: str, hypothesis: str) -> float:
    """CER of `hypothesis` against `reference`, both normalized."""
    return score(reference, hypothesis).cer
