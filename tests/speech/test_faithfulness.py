"""No words without voice behind them, in batch and live decoding (issue 12).

Properties only (int8 decodes differ between CPUs): nothing inserted that was not said, no word
timed over silence, nothing repeated, key words present, WER under a bound with margin.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from viva.speech.audio import SAMPLE_RATE, load_audio
from viva.speech.guard import VoiceMap
from viva.speech.live import transcribe_live
from viva.speech.transcriber import Transcriber
from viva.speech.transcript import Transcript

from .helpers import insertions, invented, key_words_missing, repeats, wer

JFK_TEXT = (
    "And so my fellow Americans, ask not what your country can do for you, "
    "ask what you can do for your country."
)
KEYS = ("americans", "ask", "country")


def _batch(t: Transcriber, audio: np.ndarray) -> Transcript:
    return t.transcribe(audio)


def _stream(t: Transcriber, audio: np.ndarray) -> Transcript:
    return transcribe_live(t, audio, speed=0.0)[0]


PATHS = [pytest.param(_batch, id="batch"), pytest.param(_stream, id="stream")]


def _silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * SAMPLE_RATE), dtype=np.float32)


def _assert_faithful(transcript: Transcript, audio: np.ndarray, reference: str) -> None:
    text = transcript.text
    assert invented(reference, text) == [], text
    # One inserted word of margin: a mis-heard word may split in two ("my" -> "am I") on some
    # CPUs; that is a recognition error, not text made up over silence.
    assert len(insertions(reference, text)) <= 1, text
    assert repeats(text) == [], text
    assert key_words_missing(text, KEYS) == [], text
    assert wer(reference, text) <= 0.1, text
    voice = VoiceMap.of(audio)
    unvoiced = [w for w in transcript.words if not voice.voiced(w.start, w.end, pad_s=0.3)]
    assert unvoiced == [], text


@pytest.mark.slow
@pytest.mark.parametrize("decode", PATHS)
def test_silence_before_and_after_speech_adds_no_words(
    jfk_wav: Path, transcriber: Transcriber, decode: Callable[[Transcriber, np.ndarray], Transcript]
) -> None:
    audio = np.concatenate([_silence(3.0), load_audio(jfk_wav), _silence(8.0)])
    transcript = decode(transcriber, audio)
    _assert_faithful(transcript, audio, JFK_TEXT)
    assert transcript.words[0].start >= 3.0 - 0.3
    assert transcript.words[-1].end <= 14.0 + 0.3


@pytest.mark.slow
@pytest.mark.parametrize("decode", PATHS)
def test_speech_with_no_pause_adds_no_words(
    jfk_wav: Path, transcriber: Transcriber, decode: Callable[[Transcriber, np.ndarray], Transcript]
) -> None:
    jfk = load_audio(jfk_wav)
    audio = np.concatenate([jfk, jfk])
    transcript = decode(transcriber, audio)
    _assert_faithful(transcript, audio, f"{JFK_TEXT} {JFK_TEXT}")


@pytest.mark.slow
@pytest.mark.parametrize("decode", PATHS)
def test_noise_without_voice_gives_no_words(
    transcriber: Transcriber, decode: Callable[[Transcriber, np.ndarray], Transcript]
) -> None:
    rng = np.random.default_rng(12)
    noise = (0.01 * rng.standard_normal(8 * SAMPLE_RATE)).astype(np.float32)
    assert decode(transcriber, noise).text == ""
