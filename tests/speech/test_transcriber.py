from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from viva.speech.errors import AudioUnreadable, ModelNotFound, SpeechError
from viva.speech.transcriber import Transcriber

from .helpers import espeak_wav, invented, normalise, wer

JFK_TEXT = (
    "And so my fellow Americans, ask not what your country can do for you, "
    "ask what you can do for your country."
)


def test_missing_model_dir_is_a_clear_error(tmp_path: Path) -> None:
    t = Transcriber(tmp_path / "nope")
    with pytest.raises(ModelNotFound) as info:
        t.load()
    assert "does not exist" in info.value.user_message


def test_incomplete_model_dir_names_missing_files(tmp_path: Path) -> None:
    (tmp_path / "model.bin").write_bytes(b"")
    with pytest.raises(ModelNotFound) as info:
        Transcriber(tmp_path).load()
    assert "tokenizer.json" in info.value.user_message
    assert isinstance(info.value, SpeechError)


def test_unreadable_audio(tmp_path: Path, transcriber: Transcriber) -> None:
    bad = tmp_path / "answer.wav"
    bad.write_text("this is not audio")
    with pytest.raises(AudioUnreadable) as info:
        transcriber.transcribe(bad)
    assert "answer.wav" in info.value.user_message
    with pytest.raises(AudioUnreadable):
        transcriber.transcribe(tmp_path / "missing.flac")


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("empty.wav", b"", "is empty (0 bytes)"),
        ("noise.wav", b"RIFF\x00\x00garbage" * 50, "not an audio file Viva understands"),
        ("notes.mp3", b"just some text, not audio\n" * 40, "not an audio file Viva understands"),
    ],
)
def test_a_file_that_is_no_audio_is_told_apart_before_decoding(
    tmp_path: Path, jfk_wav: Path, name: str, content: bytes, words: str
) -> None:
    """check_audio_file reads only the header (Review asks it before asking which question
    the file answers), and load_audio says the same."""
    from viva.speech.audio import check_audio_file, load_audio

    check_audio_file(jfk_wav)  # real audio passes
    bad = tmp_path / name
    bad.write_bytes(content)
    with pytest.raises(AudioUnreadable) as info:
        check_audio_file(bad)
    assert words in info.value.user_message
    assert name in info.value.user_message
    if not content:
        with pytest.raises(AudioUnreadable, match="0 bytes"):
            load_audio(bad)


def test_silence_and_empty_give_empty_transcripts(transcriber: Transcriber) -> None:
    assert transcriber.transcribe(np.zeros(16000 * 2, dtype=np.float32)).text == ""
    empty = transcriber.transcribe(np.zeros(0, dtype=np.float32))
    assert empty.text == ""
    assert empty.words == ()


@pytest.mark.slow
def test_jfk_transcribes_with_word_timestamps(jfk_wav: Path, transcriber: Transcriber) -> None:
    transcript = transcriber.transcribe(jfk_wav)
    # A bound with margin (int8 decodes differ between CPUs; here it is 0.0-0.05).
    assert wer(JFK_TEXT, transcript.text) <= 0.1, transcript.text
    assert invented(JFK_TEXT, transcript.text) == [], transcript.text
    assert transcript.words
    assert transcript.duration_s == pytest.approx(11.0, abs=0.01)
    starts = [w.start for w in transcript.words]
    assert starts == sorted(starts)
    assert all(w.end >= w.start for w in transcript.words)
    data = transcript.to_dict()
    assert set(data) >= {"text", "language", "duration_s", "words", "segments"}
    assert set(data["words"][0]) == {"word", "start", "end", "probability"}


@pytest.mark.slow
def test_model_loads_once(transcriber: Transcriber) -> None:
    other = Transcriber()
    assert other.load() is transcriber.load()  # one model per process


@pytest.mark.slow
@pytest.mark.usefixtures("need_espeak")
def test_fillers_survive(tmp_path: Path, transcriber: Transcriber) -> None:
    wav = espeak_wav(
        "Um, I think, uh, we should retrain the model every week.",
        tmp_path / "fillers.wav",
        speed=140,
    )
    words = normalise(transcriber.transcribe(wav).text).split()
    assert {"um", "uh", "umm", "uhh", "hmm"} & set(words), words


@pytest.mark.slow
@pytest.mark.usefixtures("need_espeak")
def test_hotwords_spell_jargon(tmp_path: Path, transcriber: Transcriber) -> None:
    wav = espeak_wav(
        "We log every run in MLflow, orchestrate training with Kubeflow, watch for drift, "
        "and ship a canary first.",
        tmp_path / "jargon.wav",
        speed=150,
    )
    text = normalise(transcriber.transcribe(wav, hotwords="MLflow Kubeflow canary drift").text)
    for term in ("mlflow", "kubeflow", "canary", "drift"):
        assert term in text, text


def test_filler_positions_come_from_the_cheap_pass_only_where_missing() -> None:
    from viva.speech.transcriber import _filler_positions
    from viva.speech.transcript import Word

    words = [
        Word(w, i * 0.5, i * 0.5 + 0.4) for i, w in enumerate(["So", "the", "pipeline", "reads"])
    ]
    # The cheap pass hears "uh" after "So" and a word of its own ("pipe line"): only the filler
    # is taken, placed before the main decode's next word.
    assert _filler_positions(words, "So, uh, the pipe line reads") == {1: ["uh"]}
    assert _filler_positions(words, "Um, so the pipeline reads.") == {0: ["Um"]}
    assert _filler_positions(words, "So the pipeline reads") == {}


def test_filler_pass_runs_only_on_evidence() -> None:
    from viva.speech.transcriber import _may_hide_fillers
    from viva.speech.transcript import Word

    fluent = [Word("ask", 0.0, 0.3), Word("what", 0.3, 0.55), Word("you", 0.55, 0.7)]
    stretched = [Word("and", 0.0, 0.3), Word("the", 0.3, 1.3), Word("model", 1.3, 1.7)]
    assert not _may_hide_fillers(fluent, None)
    assert _may_hide_fillers(stretched, None)


@pytest.mark.slow
def test_question_vocabulary_invents_nothing_at_the_end(transcriber: Transcriber) -> None:
    """The canary question's whole hotword list on the smoke answer (espeak, 19.7 s): the
    jargon is spelled, and nothing follows the last word said (it ended in an invented "here,"
    or "2%." before the guard trimmed end words Whisper itself doubts)."""
    from viva.bank import load_builtin_bank
    from viva.scoring.coverage import hotwords
    from viva.ui.smoke import SMOKE_WAV

    question = load_builtin_bank().questions["canary-vs-blue-green"]
    text = normalise(transcriber.transcribe(SMOKE_WAV, hotwords=hotwords(question)).text)
    assert "canary" in text
    assert "blue green" in text
    assert text.split()[-1] == "infrastructure", text


class _LoopSignal:
    """The real Whisper model, whose first decode at temperature 0 reports a repetition loop
    (compression ratio 3.0, as a read-back vocabulary list does); records each call's
    temperature. A real loop cannot be produced on demand: it depends on the CPU's int8 maths."""

    def __init__(self, model: Any, loop_at_zero: bool) -> None:
        self._model = model
        self.loop_at_zero = loop_at_zero
        self.temperatures: list[Any] = []

    def transcribe(self, audio: Any, **options: Any) -> tuple[Any, Any]:
        self.temperatures.append(options["temperature"])
        segments, info = self._model.transcribe(audio, **options)
        if self.loop_at_zero and options["temperature"] == 0.0:
            segments = (replace(s, compression_ratio=3.0) for s in segments)
        return segments, info


@pytest.mark.parametrize("loops", [False, True])
def test_only_a_looping_decode_is_decoded_again_by_sampling(
    jfk_wav: Path, transcriber: Transcriber, loops: bool
) -> None:
    """Decodes run at temperature 0 (faster-whisper's fallback sampled words after an answer
    that nobody said); only one whose text repeats itself is decoded again with sampling."""
    from viva.speech.audio import load_audio
    from viva.speech.transcriber import LOOP_TEMPERATURES

    model = _LoopSignal(transcriber.load(), loop_at_zero=loops)
    looping = Transcriber()
    looping._model = model  # type: ignore[assignment]
    text = looping.decode(load_audio(jfk_wav), fillers=False).text
    assert model.temperatures == ([0.0, LOOP_TEMPERATURES] if loops else [0.0])
    assert wer(JFK_TEXT, text) <= 0.15, text


def _count_encoder_passes(model: Any, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Each Whisper encoder pass (one per 30 s window decoded) appends to the list returned."""
    passes: list[int] = []
    real = model.encode

    def encode(features: Any) -> Any:
        passes.append(1)
        return real(features)

    monkeypatch.setattr(model, "encode", encode)
    return passes


@pytest.mark.slow
@pytest.mark.usefixtures("need_espeak")
def test_silence_after_the_last_word_costs_no_second_window(
    tmp_path: Path, transcriber: Transcriber, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A live chunk as cut at a pause (lead-in, a sentence, a little silence) with the previous
    text as prompt: faster-whisper would decode the silence after the last word as a second
    30 s window, a whole second encoder pass (benchmarks/results/transcription.md). VAD shows
    nothing there, so it is not decoded."""
    from viva.speech.audio import SAMPLE_RATE, load_audio

    text = "A model registry keeps every version with its metrics, so a rollback takes one click."
    said = load_audio(espeak_wav(text, tmp_path / "s.wav", voice="en-gb", speed=175))
    quiet = np.zeros(SAMPLE_RATE // 2, dtype=np.float32)
    passes = _count_encoder_passes(transcriber.load(), monkeypatch)
    result = transcriber.decode(
        np.concatenate([quiet, said, quiet[: SAMPLE_RATE // 5]]),
        prompt="I would start with the pipeline. Every change is tested, then deployed.",
        fillers=False,
    )
    assert len(passes) == 1
    assert {"model", "registry", "version", "metrics"} <= set(normalise(result.text).split())


@pytest.mark.slow
def test_speech_beyond_the_first_window_is_still_decoded(
    jfk_wav: Path, transcriber: Transcriber, monkeypatch: pytest.MonkeyPatch
) -> None:
    """35 s of speech need a second window: voice follows the first window's last word."""
    from viva.speech.audio import SAMPLE_RATE, load_audio

    jfk = load_audio(jfk_wav)
    gap = np.zeros(SAMPLE_RATE, dtype=np.float32)
    passes = _count_encoder_passes(transcriber.load(), monkeypatch)
    text = transcriber.decode(np.concatenate([jfk, gap, jfk, gap, jfk]), fillers=False).text
    assert len(passes) >= 2
    assert normalise(text).split().count("country") >= 5, text
