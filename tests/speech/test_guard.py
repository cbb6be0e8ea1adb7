from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from viva.speech.guard import (
    WINDOW_S,
    DecodedSegment,
    VoiceMap,
    check_segment,
    is_known_hallucination,
)
from viva.speech.transcript import Word


def _voice(speech: list[tuple[float, float]], total_s: float = 12.0) -> VoiceMap:
    """A VAD map with probability 0.9 inside the given spans and 0.05 elsewhere."""
    n = int(total_s / WINDOW_S)
    probs = np.full(n, 0.05, dtype=np.float32)
    for a, b in speech:
        probs[int(a / WINDOW_S) : int(b / WINDOW_S)] = 0.9
    return VoiceMap(probs)


def _seg(text: str, start: float, end: float, nsp: float = 0.0) -> DecodedSegment:
    tokens = text.split()
    step = (end - start) / len(tokens)
    words = tuple(
        Word(t, round(start + i * step, 3), round(start + (i + 1) * step, 3))
        for i, t in enumerate(tokens)
    )
    return DecodedSegment(start, end, text, words, no_speech_prob=nsp, avg_logprob=-0.3)


def test_speech_backed_segment_is_kept_whole() -> None:
    voice = _voice([(1.0, 4.0)])
    seg = _seg("ask what you can do", 1.1, 3.9)
    verdict = check_segment(seg, voice)
    assert verdict.words == seg.words
    assert verdict.reason == ""


def test_words_over_silence_are_dropped() -> None:
    voice = _voice([(1.0, 4.0)])
    assert not check_segment(_seg("Thanks for watching.", 6.0, 7.0), voice).kept
    assert not check_segment(_seg("And the rest of it", 8.0, 11.0), voice).kept


def test_known_hallucination_needs_voice_behind_it() -> None:
    voice = _voice([(1.0, 4.0), (6.0, 7.0)])
    # At the end of speech, mostly over silence: invented.
    assert not check_segment(_seg("Thank you.", 3.9, 4.6), voice).kept
    # Said, and heard by the VAD: kept.
    assert check_segment(_seg("Thank you.", 6.0, 7.0), voice).kept
    # Said, but Whisper doubts it is speech: still kept when VAD hears voice under it.
    assert check_segment(_seg("Yeah.", 6.1, 6.9, nsp=0.3), voice).kept


def test_doubtful_segment_over_mostly_silence_is_dropped() -> None:
    voice = _voice([(1.0, 4.0)])
    assert not check_segment(_seg("and then some more", 3.8, 5.5, nsp=0.8), voice).kept
    assert check_segment(_seg("and then some more", 1.5, 3.5, nsp=0.8), voice).kept


def test_unvoiced_edge_words_are_trimmed() -> None:
    voice = _voice([(1.0, 3.0)])
    seg = DecodedSegment(
        1.0,
        5.0,
        "ask not what you",
        (
            Word("ask", 1.0, 1.5),
            Word("not", 1.5, 2.5),
            Word("what", 2.5, 3.0),
            Word("you", 4.5, 5.0),
        ),
    )
    verdict = check_segment(seg, voice)
    assert [w.word for w in verdict.words] == ["ask", "not", "what"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thank you.", True),
        ("Thank you. Thank you.", True),
        ("Yeah.", True),
        ("Thanks for watching!", True),
        ("Thank you for the question, I think", False),
        ("Ask not.", False),
        ("", False),
    ],
)
def test_known_hallucinations(text: str, expected: bool) -> None:
    assert is_known_hallucination(text) is expected


def test_voice_map_of_silence_and_speech(jfk_wav: Path) -> None:
    from viva.speech.audio import load_audio

    audio = load_audio(jfk_wav)
    voice = VoiceMap.of(np.concatenate([np.zeros(3 * 16000, dtype=np.float32), audio]))
    assert voice.peak(0.0, 2.5) < 0.5
    assert voice.coverage(4.0, 6.0) > 0.5
    assert 5.0 < voice.speech_s() < 11.0


def _seg_p(words: list[tuple[str, float, float, float]]) -> DecodedSegment:
    ws = tuple(Word(w, a, b, p) for w, a, b, p in words)
    return DecodedSegment(ws[0].start, ws[-1].end, " ".join(w for w, *_ in words), ws)


def test_doubted_words_at_a_segment_end_are_trimmed() -> None:
    # "... double the infrastructure. 2%." - the decoder ran past the last word, on the tail
    # of the voice (VAD's padding still calls it speech), and read a vocabulary term back.
    voice = _voice([(1.0, 4.0)])
    seg = _seg_p(
        [
            ("double", 1.0, 1.5, 0.89),
            ("the", 1.5, 1.8, 0.34),  # a real word may be doubted this much: kept
            ("infrastructure.", 1.8, 3.4, 0.86),
            ("2%.", 3.4, 3.9, 0.002),
        ]
    )
    verdict = check_segment(seg, voice)
    assert [w.word for w in verdict.words] == ["double", "the", "infrastructure."]
    # A segment made only of such a word is dropped.
    assert not check_segment(_seg_p([("here,", 3.5, 3.9, 0.01)]), voice).kept
    # Inside a segment a doubted word stays: only an appended tail is trimmed.
    middle = _seg_p([("we", 1.0, 1.3, 0.9), ("um", 1.3, 1.6, 0.01), ("deploy", 1.6, 2.2, 0.95)])
    assert len(check_segment(middle, voice).words) == 3
