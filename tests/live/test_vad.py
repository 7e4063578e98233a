"""Endpointing on real speech: edges at the first and last voiced frame, any chunk size."""

from __future__ import annotations

from arena.voice.live.vad import Endpointer, SpeechEdge
from tests.live.conftest import silence, speech


def edges_for(pcm: bytes, chunk: int, end_ms: int = 300) -> list[SpeechEdge]:
    endpointer = Endpointer(end_ms=end_ms)
    found: list[SpeechEdge] = []
    for start in range(0, len(pcm), chunk):
        piece = pcm[start : start + chunk]
        found += endpointer.feed(piece, (start + len(piece)) / 32000)
    return found


def test_speech_between_silences_gives_one_start_and_one_end() -> None:
    words = speech("book a table for four")
    pcm = silence(500) + words + silence(600)
    found = edges_for(pcm, 640)
    assert [e.kind for e in found] == ["start", "end"]
    start, end = found[0].at, found[1].at
    assert 0.45 <= start <= 0.75
    assert 0.5 + len(words) / 32000 - 0.3 <= end <= 0.5 + len(words) / 32000 + 0.05


def test_chunk_size_does_not_change_the_edges() -> None:
    pcm = silence(400) + speech("hello there") + silence(500)
    by_frame = edges_for(pcm, 640)
    by_odd_chunks = edges_for(pcm, 1000)
    assert [e.kind for e in by_odd_chunks] == ["start", "end"]
    for a, b in zip(by_frame, by_odd_chunks, strict=True):
        assert abs(a.at - b.at) < 0.021


def test_a_short_pause_does_not_end_speech_but_a_long_one_does() -> None:
    words = speech("yes")
    assert [e.kind for e in edges_for(words + silence(150) + words + silence(400), 640)] == [
        "start",
        "end",
    ]
    held = Endpointer(end_ms=300)
    held.end_ms = 700
    found: list[SpeechEdge] = []
    pcm = words + silence(500) + words + silence(800)
    for start in range(0, len(pcm), 640):
        found += held.feed(pcm[start : start + 640], (start + 640) / 32000)
    assert [e.kind for e in found] == ["start", "end"]


def test_silence_and_quiet_noise_are_not_speech() -> None:
    assert edges_for(silence(2000), 640) == []


def test_flush_ends_speech_in_progress() -> None:
    endpointer = Endpointer()
    endpointer.feed(speech("hello there my friend"), 2.0)
    assert endpointer.speaking
    (edge,) = endpointer.flush()
    assert edge.kind == "end" and not endpointer.speaking
