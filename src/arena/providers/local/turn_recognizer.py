"""A PocketSphinx recognizer tuned for live turn-taking, as the fast offline agent uses it.

The stock streaming recognizer runs PocketSphinx's flat-lexicon second pass (fwdflat) when an
utterance ends: 100–300 ms on a busy CPU, all of it holding the GIL, so every other
conversation in the process stalls too. A live agent cannot afford that, so this one skips
fwdflat and keeps only the cheap lattice rescoring (bestpath, tens of ms), with one decoder
per call.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from arena.providers.base import ProviderError
from arena.providers.local.pocketsphinx import PocketsphinxSTT, clean_word, is_spoken_word
from arena.providers.stt import STT_SAMPLE_RATE, StreamingRecognizer


class TurnRecognizer(StreamingRecognizer):
    """Streaming PocketSphinx without the fwdflat pass, running cepstral mean (one per call)."""

    def __init__(self, system_id: str) -> None:
        super().__init__(STT_SAMPLE_RATE)
        from pocketsphinx import Decoder

        self._system_id = system_id
        self._decoder: Any = Decoder(loglevel="FATAL", cmn="live", fwdflat=False, bestpath=True)
        self._in_utterance = False

    def _text(self) -> str:
        hyp = self._decoder.hyp()
        if hyp is None:
            return ""
        return " ".join(clean_word(w) for w in hyp.hypstr.split() if is_spoken_word(w))

    def feed(self, pcm16: bytes) -> str | None:
        try:
            if not self._in_utterance:
                self._decoder.start_utt()
                self._in_utterance = True
            self._decoder.process_raw(pcm16, False, False)
            return self._text() or None
        except RuntimeError as exc:
            raise ProviderError(self._system_id, f"PocketSphinx failed: {exc}") from exc

    def finish(self) -> str:
        if not self._in_utterance:
            return ""
        try:
            self._decoder.end_utt()
        except RuntimeError as exc:
            raise ProviderError(self._system_id, f"PocketSphinx failed: {exc}") from exc
        self._in_utterance = False
        return self._text()

    def reset(self) -> None:
        if self._in_utterance:
            self._decoder.end_utt()
            self._in_utterance = False


@dataclass
class TurnPocketsphinxSTT(PocketsphinxSTT):
    """PocketSphinx whose live recognizer is the low-latency `TurnRecognizer`."""

    def open_stream(self, sample_rate: int = STT_SAMPLE_RATE) -> StreamingRecognizer:
        if sample_rate != STT_SAMPLE_RATE:
            return super().open_stream(sample_rate)
        return TurnRecognizer(self.id)
