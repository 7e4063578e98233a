"""Rendering the clip library to 16 kHz WAV files with offline TTS voices, cached by content.

A clip's file name is a hash of everything that shapes its audio, so `arena seed` re-runs are
cheap and a changed text or augmentation produces a new file instead of a stale one.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

from arena.core.audio import Audio, concat, to_wav_bytes
from arena.providers.base import ProviderError
from arena.providers.registry import Registry
from arena.providers.tts import TextToSpeech
from arena.voice.clips.augment import (
    babble,
    change_tempo,
    colored_noise,
    mix_at_snr,
    peak_normalized,
)
from arena.voice.clips.catalog import BABBLE_VOICES, ClipSpec
from arena.voice.clips.texts import EVERYDAY

log = logging.getLogger(__name__)

CLIP_RATE = 16_000
# Bump when the rendering itself changes (not the catalog), so cached files are rebuilt.
RENDER_VERSION = 1
CLIPS_FOLDER = "clips"


class NoVoiceAvailableError(RuntimeError):
    """None of a clip's preferred voices can run here."""


@dataclass(frozen=True)
class RenderedClip:
    """A clip on disk: its spec, the voice that spoke it, and where the WAV is."""

    spec: ClipSpec
    voice: str
    path: Path
    duration_s: float


class ClipRenderer:
    """Speaks clip specs with the first available voice, augments them, and caches the WAVs."""

    def __init__(self, registry: Registry, audio_dir: Path) -> None:
        self._voices = {
            s.id: s
            for s in registry.of_mode("tts")
            if isinstance(s, TextToSpeech) and s.available().ok
        }
        self._folder = audio_dir / CLIPS_FOLDER
        self._babble: Audio | None = None

    def render_all(self, specs: Iterable[ClipSpec]) -> list[RenderedClip]:
        """Every spec that has a voice here; the ones that cannot be spoken are logged."""
        rendered: list[RenderedClip] = []
        for spec in specs:
            try:
                rendered.append(self.render(spec))
            except (NoVoiceAvailableError, ProviderError) as exc:
                log.warning("clip %s skipped: %s", spec.id, exc)
        return rendered

    def render(self, spec: ClipSpec) -> RenderedClip:
        """One clip, from the cache when an identical one was rendered before."""
        voice = self.voice_for(spec)
        path = self._folder / f"{fingerprint(spec, voice.id)}.wav"
        if path.is_file():
            return RenderedClip(spec, voice.id, path, sf.info(str(path)).duration)
        audio = self._augmented(self._speak(voice, spec.text), spec)
        self._folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(to_wav_bytes(audio))
        os.replace(tmp, path)
        return RenderedClip(spec, voice.id, path, audio.duration_s)

    def voice_for(self, spec: ClipSpec) -> TextToSpeech:
        for voice_id in spec.voices:
            if voice_id in self._voices:
                return self._voices[voice_id]
        raise NoVoiceAvailableError(
            f"none of the voices {', '.join(spec.voices)} is available: install espeak-ng "
            "(pip install espeakng-loader) or piper-tts"
        )

    def _speak(self, voice: TextToSpeech, text: str) -> Audio:
        speech = concat(list(voice.synthesize(text)), CLIP_RATE)
        if speech.samples.size == 0:
            raise ProviderError(voice.id, f"produced no audio for {text!r}")
        return speech

    def _augmented(self, speech: Audio, spec: ClipSpec) -> Audio:
        aug = spec.augmentation
        audio = change_tempo(speech, aug.tempo)
        samples = audio.samples
        if aug.noise is not None and aug.snr_db is not None:
            rng = np.random.default_rng(_seed(spec.id))
            if aug.noise == "babble":
                track = self._babble_track().samples
                start = int(rng.integers(track.size))
                noise = np.resize(np.roll(track, -start), samples.size)
            else:
                noise = colored_noise(aug.noise, samples.size, rng)
            samples = mix_at_snr(samples, noise, aug.snr_db)
        return Audio(peak_normalized(samples), CLIP_RATE)

    def _babble_track(self) -> Audio:
        """Several espeak-ng talkers reading the everyday sentences, mixed into one track."""
        if self._babble is None:
            talkers = [v for v in BABBLE_VOICES if v in self._voices]
            if not talkers:
                raise NoVoiceAvailableError("babble noise needs an espeak-ng voice")
            tracks: list[Audio] = []
            for index, voice_id in enumerate(talkers):
                lines = " ".join(t.text for t in EVERYDAY[index::2])
                tracks.append(self._speak(self._voices[voice_id], lines))
            mixed = babble(tracks, max(t.samples.size for t in tracks), CLIP_RATE)
            self._babble = Audio(mixed, CLIP_RATE)
        return self._babble


def fingerprint(spec: ClipSpec, voice_id: str) -> str:
    """A short hash of everything that shapes the clip's samples."""
    payload = {
        "text": spec.text,
        "voice": voice_id,
        "augmentation": spec.augmentation.as_dict(),
        "render": RENDER_VERSION,
        "id": spec.id,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:20]


def _seed(clip_id: str) -> int:
    return int.from_bytes(hashlib.sha256(clip_id.encode()).digest()[:8], "little")
