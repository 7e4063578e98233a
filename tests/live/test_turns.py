"""Turns and latency from VAD edges, agent audio and transcripts (times in seconds)."""

from __future__ import annotations

import pytest

from arena.voice.live.turns import TurnTracker, percentile


def test_latency_is_end_of_speech_to_first_agent_byte() -> None:
    tracker = TurnTracker()
    tracker.agent_audio(0.1, 0.1, 1.0)
    tracker.agent_transcript("Hello, how can I help?", True, 1.0)
    tracker.user_speech_started(2.0)
    tracker.user_speech_ended(3.0)
    tracker.user_transcript("book a haircut", True, 3.3)
    tracker.agent_audio(3.45, 3.45, 5.0)
    tracker.agent_audio(3.47, 5.0, 6.0)  # the same reply: not a second measurement
    tracker.agent_transcript("Sure, for when?", True, 3.5)
    assert tracker.latencies_ms == [pytest.approx(450.0)]
    assert tracker.ttfb_ms == pytest.approx(100.0)
    turns = [t.as_dict() for t in tracker.finish(7.0)]
    assert [(t["role"], t["latency_ms"]) for t in turns] == [
        ("agent", None),
        ("user", None),
        ("agent", 450),
    ]
    assert turns[1]["start_ms"] == 2000 and turns[1]["end_ms"] == 3000
    assert turns[2]["end_ms"] == 6000


def test_a_reply_starting_during_the_vad_hangover_is_still_measured() -> None:
    tracker = TurnTracker()
    tracker.user_speech_started(1.0)
    tracker.agent_audio(2.25, 2.25, 3.0)  # the VAD has not called the end yet
    tracker.user_speech_ended(2.0)  # ... and then says speech ended at 2.0
    assert tracker.latencies_ms == [pytest.approx(250.0)]


def test_agent_audio_continuing_through_a_backchannel_is_not_a_reply() -> None:
    tracker = TurnTracker()
    for step in range(4):  # a paced stream: a chunk every 200 ms
        tracker.agent_audio(0.2 * step, 0.2 * step, 0.2 * step + 0.2)
    tracker.user_speech_started(0.5)
    tracker.user_speech_ended(0.7)
    tracker.agent_audio(0.8, 0.8, 1.0)
    assert tracker.latencies_ms == []
    tracker.agent_audio(1.5, 1.5, 2.5)  # after a pause: a new burst answers the "uh-huh"
    assert tracker.latencies_ms == [pytest.approx(800.0)]


def test_interrupt_marks_the_agent_turn_even_if_its_transcript_comes_after() -> None:
    tracker = TurnTracker()
    tracker.agent_audio(0.0, 0.0, 4.0)
    tracker.interrupted(1.5)
    tracker.agent_transcript("Hello! How can", True, 1.6)
    (turn,) = tracker.finish(2.0)
    assert turn.interrupted and turn.end_ms == 1500


def test_partials_left_at_the_end_become_turns() -> None:
    tracker = TurnTracker()
    tracker.user_transcript("I want to", False, 1.0)
    assert [t.text for t in tracker.finish(2.0)] == ["I want to"]


def test_percentile_interpolates() -> None:
    assert percentile([], 50) is None
    assert percentile([100.0, 200.0, 300.0, 400.0], 50) == 250.0
    assert percentile([100.0, 200.0], 95) == 195.0
