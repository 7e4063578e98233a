"""Both sides on one timeline: placement, gapless agent playback, cuts on interrupt."""

from __future__ import annotations

import io

import numpy as np
import soundfile as sf

from arena.voice.live.recorder import Recorder


def tone(ms: int, value: int) -> bytes:
    return np.full(16 * ms, value, dtype="<i2").tobytes()


def read(data: bytes) -> np.ndarray:
    samples, rate = sf.read(io.BytesIO(data), dtype="int16", always_2d=True)
    assert rate == 16000
    return samples


def test_user_audio_is_placed_where_it_arrived() -> None:
    recorder = Recorder()
    recorder.add_user(tone(100, 1000), at=0.6)  # arrived at 0.6 s: spans 0.5–0.6 s
    user = read(recorder.finish(1.0).user_wav)[:, 0]
    assert user[: 16 * 500].max() == 0
    assert (user[16 * 500 : 16 * 600] == 1000).all()


def test_agent_audio_plays_gaplessly_after_a_burst() -> None:
    recorder = Recorder()
    assert recorder.add_agent(tone(500, 2000), at=1.0) == 1.0
    assert recorder.add_agent(tone(500, 3000), at=1.01) == 1.5  # queued behind the first
    assert recorder.agent_playing_until() == 2.0
    agent = read(recorder.finish(2.5).agent_wav)[:, 0]
    assert (agent[16 * 1000 : 16 * 1500] == 2000).all()
    assert (agent[16 * 1500 : 16 * 2000] == 3000).all()


def test_interrupt_cuts_what_was_not_played() -> None:
    recorder = Recorder()
    recorder.add_agent(tone(1000, 2000), at=0.0)
    recorder.add_agent(tone(1000, 3000), at=0.01)
    recorder.interrupt(at=0.4)
    assert recorder.agent_playing_until() == 0.4
    agent = read(recorder.finish(2.0).agent_wav)[:, 0]
    assert (agent[: 16 * 400] == 2000).all() and agent[16 * 400 :].max() == 0


def test_the_mix_is_stereo_user_left_agent_right() -> None:
    recorder = Recorder()
    recorder.add_user(tone(200, 1000), at=0.2)
    recorder.add_agent(tone(200, 2000), at=0.5)
    recording = recorder.finish(1.0)
    mix = read(recording.mix_wav)
    assert mix.shape == (16000, 2) and recording.duration_seconds == 1.0
    assert mix[:, 0].max() == 1000 and mix[:, 1].max() == 2000
    assert mix[16 * 100, 0] == 1000 and mix[16 * 100, 1] == 0
