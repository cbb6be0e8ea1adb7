"""Live transcription while the user speaks, on a 2-core CPU.

Policy (measured in benchmarks/results/transcription.md): **VAD-bounded commits + a tentative
tail**.

* Silero VAD (faster-whisper's ONNX model) runs window by window (32 ms) on the incoming audio.
* The open chunk is *committed* - decoded with beam 5 and word timestamps, the previous committed
  text as prompt - when the speaker pauses (``pause_s`` of non-speech), or when it reaches
  ``max_chunk_s``: then it is cut at the quietest point of its second half (a short gap between
  words), or, failing that, after the last word Whisper places safely before the end.
* About once a second the open chunk is re-decoded cheaply (beam 1, no timestamps) and shown as
  *tentative* text.
* At ``finish()`` only the open chunk (≤ ``max_chunk_s``) is left to decode.

Feed it from :class:`viva.speech.recorder.Recorder` (``on_chunk=live.feed``) or from a file at
real-time pace with :class:`FileSource`. ``feed()`` never blocks: decoding runs on a worker thread.
Callbacks run on that worker thread.
"""

from __future__ import annotations

import bisect
import difflib
import logging
import queue
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from viva.speech.transcriber import SAMPLE_RATE, Transcriber, load_audio
from viva.speech.transcript import Segment, Transcript, Word, join_words

log = logging.getLogger(__name__)

WINDOW = 512  # Silero VAD window at 16 kHz (32 ms)
MIN_SPEECH_WINDOWS = 6  # ~0.2 s of speech before a chunk is worth decoding


@dataclass(frozen=True, slots=True)
class Partial:
    """What a live display shows: committed text plus the tentative tail (may still change)."""

    committed: str
    tentative: str
    audio_s: float  # audio received so far

    @property
    def text(self) -> str:
        return f"{self.committed} {self.tentative}".strip()


@dataclass(frozen=True, slots=True)
class Commit:
    """A stretch of final text with word timestamps."""

    text: str
    words: tuple[Word, ...]
    start_s: float
    end_s: float


@dataclass
class LiveStats:
    after_stop_s: float | None = None
    lag_median_s: float | None = None  # word first shown (tentative or committed)
    lag_p90_s: float | None = None
    commit_lag_median_s: float | None = None  # word final
    commit_lag_p90_s: float | None = None
    commits: int = 0
    partials: int = 0
    decode_s: float = 0.0
    audio_s: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {k: (round(v, 3) if isinstance(v, float) else v) for k, v in vars(self).items()}


class _StreamingVad:
    """Silero speech probabilities for a stream, one per 512-sample window."""

    def __init__(self) -> None:
        from faster_whisper.vad import get_vad_model

        self._model = get_vad_model()
        self._pending = np.zeros(0, dtype=np.float32)
        self._prev = np.zeros(WINDOW, dtype=np.float32)

    def push(self, samples: np.ndarray) -> np.ndarray:
        buf = np.concatenate([self._pending, samples])
        n = len(buf) // WINDOW
        if n == 0:
            self._pending = buf
            return np.zeros(0, dtype=np.float32)
        windows = buf[: n * WINDOW]
        self._pending = buf[n * WINDOW :]
        # Prepend the previous window so the model sees the right context; drop its output.
        probs = np.asarray(self._model(np.concatenate([self._prev, windows])), dtype=np.float32)
        self._prev = windows[-WINDOW:].copy()
        return probs.reshape(-1)[1:]


@dataclass
class _Tentative:
    wall: float
    start_s: float
    words: list[str] = field(default_factory=list)


def _norm_words(text: str) -> list[str]:
    return [w for w in re.sub(r"[^a-z0-9' ]+", " ", text.lower()).split() if w]


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    return float(np.percentile(np.asarray(values), q))


class LiveTranscriber:
    """Incremental transcription; see the module docstring for the policy."""

    def __init__(
        self,
        transcriber: Transcriber,
        *,
        hotwords: str | None = None,
        on_partial: Callable[[Partial], None] | None = None,
        on_commit: Callable[[Commit], None] | None = None,
        pause_s: float = 0.5,
        max_chunk_s: float = 8.0,
        min_chunk_s: float = 3.0,
        tentative_every_s: float = 1.0,
        threshold: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.transcriber = transcriber
        self.hotwords = hotwords
        self.on_partial = on_partial
        self.on_commit = on_commit
        self.pause_s = pause_s
        self.max_chunk_s = max_chunk_s
        self.min_chunk_s = min_chunk_s
        self.tentative_every_s = tentative_every_s
        self.threshold = threshold
        self.neg_threshold = max(threshold - 0.15, 0.01)
        self.clock = clock
        self.stats = LiveStats()
        self.commits: list[Commit] = []
        self._q: queue.Queue[np.ndarray | None] = queue.Queue()
        self._audio = np.zeros(0, dtype=np.float32)  # everything received, 16 kHz
        self._probs = np.zeros(0, dtype=np.float32)  # VAD probability per window
        self._arrivals: list[tuple[int, float]] = []  # (samples received, wall time)
        self._tentatives: list[_Tentative] = []
        self._commit_walls: list[float] = []
        self._chunk_start = 0  # sample index where the open chunk starts
        self._last_tentative_wall = 0.0
        self._last_tentative_len = 0
        self._final: Transcript | None = None
        self._error: BaseException | None = None
        self._done = threading.Event()
        self._finish_called_at: float | None = None
        self._worker = threading.Thread(target=self._run, name="viva-live", daemon=True)
        self._started = False
        self._lock = threading.Lock()

    # -- public -----------------------------------------------------------------------------
    def start(self) -> None:
        """Load the model and VAD and start the worker (``feed`` starts it if needed)."""
        with self._lock:
            if self._started:
                return
            self._started = True
        self.transcriber.load()
        self._vad = _StreamingVad()
        self._worker.start()

    def feed(self, chunk: np.ndarray) -> None:
        """Queue 16 kHz mono float32 samples. Never blocks on decoding."""
        if not self._started:
            self.start()
        samples = np.asarray(chunk, dtype=np.float32).reshape(-1)
        self._q.put(samples)

    def finish(self, timeout: float | None = 120.0) -> Transcript:
        """No more audio: decode the tail and return the whole transcript (blocks)."""
        if not self._started:
            self.start()
        self._finish_called_at = self.clock()
        self._q.put(None)
        if not self._done.wait(timeout):
            raise TimeoutError("live transcription did not finish in time")
        if self._error is not None:
            raise self._error
        assert self._final is not None
        return self._final

    @property
    def committed_text(self) -> str:
        return " ".join(c.text for c in self.commits).strip()

    # -- worker -----------------------------------------------------------------------------
    def _run(self) -> None:
        try:
            finishing = False
            while True:
                timeout = 0.05
                try:
                    item = self._q.get(timeout=timeout)
                    items = [item]
                    while True:
                        try:
                            items.append(self._q.get_nowait())
                        except queue.Empty:
                            break
                except queue.Empty:
                    items = []
                new = [i for i in items if i is not None]
                if any(i is None for i in items):
                    finishing = True
                if new:
                    self._ingest(np.concatenate(new))
                self._maybe_commit()
                if finishing:
                    self._commit_tail()
                    break
                if self._q.empty():
                    self._maybe_tentative()
            self._final = self._build_final()
        except BaseException as exc:  # noqa: BLE001 - handed to the caller of finish()
            log.exception("live transcription failed")
            self._error = exc
        finally:
            if self._finish_called_at is not None:
                self.stats.after_stop_s = self.clock() - self._finish_called_at
            self._compute_lags()
            self._done.set()

    def _ingest(self, samples: np.ndarray) -> None:
        self._audio = np.concatenate([self._audio, samples])
        self._arrivals.append((len(self._audio), self.clock()))
        probs = self._vad.push(samples)
        if len(probs):
            self._probs = np.concatenate([self._probs, probs])

    # chunk geometry, in windows
    def _speech_windows(self, start: int, end: int) -> np.ndarray:
        return np.nonzero(self._probs[start:end] >= self.threshold)[0] + start

    def _maybe_commit(self) -> None:
        while True:
            start_w = self._chunk_start // WINDOW
            end_w = len(self._probs)
            if end_w <= start_w:
                return
            speech = self._speech_windows(start_w, end_w)
            if len(speech) == 0:
                # Only silence so far: keep the chunk start close (0.5 s of lead-in).
                lead = int(0.5 * SAMPLE_RATE)
                self._chunk_start = max(self._chunk_start, end_w * WINDOW - lead)
                return
            last_speech_end = (speech[-1] + 1) * WINDOW
            silence = end_w * WINDOW - last_speech_end
            length = end_w * WINDOW - self._chunk_start
            if (
                silence >= self.pause_s * SAMPLE_RATE
                and last_speech_end - self._chunk_start >= self.min_chunk_s * SAMPLE_RATE
            ):
                cut = min(last_speech_end + int(0.25 * SAMPLE_RATE), end_w * WINDOW)
                self._commit(self._chunk_start, cut)
                continue
            if length >= self.max_chunk_s * SAMPLE_RATE:
                cut = self._quiet_cut(start_w, end_w)
                if cut is not None:
                    self._commit(self._chunk_start, cut)
                else:
                    self._commit_by_words(self._chunk_start, end_w * WINDOW)
                continue
            return

    def _quiet_cut(self, start_w: int, end_w: int) -> int | None:
        """The middle of the longest low-probability run in the chunk's second half."""
        lo = start_w + (end_w - start_w) // 2
        probs = self._probs[lo:end_w]
        quiet = probs < self.neg_threshold
        best_len, best_mid, run = 0, None, 0
        for i, q in enumerate(quiet):
            run = run + 1 if q else 0
            if run >= best_len and run > 0:
                best_len, best_mid = run, lo + i - run // 2
        if best_mid is None or best_len < 3:  # < ~0.1 s: not a real gap
            return None
        return int(best_mid * WINDOW)

    def _prompt(self) -> str | None:
        text = self.committed_text
        return text[-300:] if text else None

    def _decode(self, start: int, end: int, *, final: bool) -> Transcript:
        t0 = time.perf_counter()
        result = self.transcriber.decode(
            self._audio[start:end],
            offset_s=start / SAMPLE_RATE,
            hotwords=self.hotwords,
            prompt=self._prompt(),
            beam_size=None if final else 1,
            word_timestamps=final,
        )
        self.stats.decode_s += time.perf_counter() - t0
        return result

    def _emit_commit(
        self, result: Transcript, words: tuple[Word, ...], start: int, end: int
    ) -> None:
        text = join_words(words) if words else result.text
        if not text.strip():
            return
        commit = Commit(
            text=text.strip(), words=words, start_s=start / SAMPLE_RATE, end_s=end / SAMPLE_RATE
        )
        self.commits.append(commit)
        self._commit_walls.append(self.clock())
        self.stats.commits += 1
        if self.on_commit is not None:
            self.on_commit(commit)
        self._emit_partial("")

    def _commit(self, start: int, end: int) -> None:
        if len(self._speech_windows(start // WINDOW, end // WINDOW)) < MIN_SPEECH_WINDOWS:
            # A click or a breath: Whisper would hallucinate on it (e.g. echo the prompt).
            self._chunk_start = end
            return
        result = self._decode(start, end, final=True)
        self._chunk_start = end
        self._last_tentative_len = 0
        self._emit_commit(result, result.words, start, end)

    def _commit_by_words(self, start: int, end: int) -> None:
        """No gap to cut at: decode, keep the words ending ≥ 1.5 s before the end."""
        result = self._decode(start, end, final=True)
        limit = end / SAMPLE_RATE - 1.5
        keep = tuple(w for w in result.words if w.end <= limit)
        if not keep:
            keep = result.words
            cut = end
        else:
            cut = min(end, int(round(keep[-1].end * SAMPLE_RATE)))
        self._chunk_start = max(cut, start + WINDOW)
        self._last_tentative_len = 0
        self._emit_commit(result, keep, start, self._chunk_start)

    def _maybe_tentative(self) -> None:
        now = self.clock()
        end = len(self._probs) * WINDOW
        start = self._chunk_start
        if now - self._last_tentative_wall < self.tentative_every_s:
            return
        half_s = SAMPLE_RATE // 2
        if end - start < half_s or end - self._last_tentative_len < half_s:
            return
        if len(self._speech_windows(start // WINDOW, end // WINDOW)) == 0:
            return
        self._last_tentative_wall = now
        self._last_tentative_len = end
        result = self._decode(start, end, final=False)
        if self._chunk_start != start:  # pragma: no cover - only the worker moves it
            return
        self._tentatives.append(
            _Tentative(
                wall=self.clock(), start_s=start / SAMPLE_RATE, words=_norm_words(result.text)
            )
        )
        self.stats.partials += 1
        self._emit_partial(result.text)

    def _emit_partial(self, tentative: str) -> None:
        if self.on_partial is not None:
            self.on_partial(
                Partial(
                    committed=self.committed_text,
                    tentative=tentative.strip(),
                    audio_s=len(self._audio) / SAMPLE_RATE,
                )
            )

    def _commit_tail(self) -> None:
        end = len(self._audio)
        start = self._chunk_start
        if end - start < WINDOW:
            return
        start_w, end_w = start // WINDOW, (end + WINDOW - 1) // WINDOW
        # The last partial window has no VAD probability: judge by what we have, plus energy.
        if len(self._speech_windows(start_w, end_w)) >= MIN_SPEECH_WINDOWS:
            self._commit(start, end)

    def _build_final(self) -> Transcript:
        words = tuple(w for c in self.commits for w in c.words)
        segments = tuple(
            Segment(
                start=round(c.words[0].start if c.words else c.start_s, 3),
                end=round(c.words[-1].end if c.words else c.end_s, 3),
                text=c.text,
            )
            for c in self.commits
        )
        duration = len(self._audio) / SAMPLE_RATE
        self.stats.audio_s = duration
        return Transcript(
            text=self.committed_text,
            words=words,
            segments=segments,
            language=self.transcriber.language or "en",
            duration_s=round(duration, 3),
        )

    # -- measurement ------------------------------------------------------------------------
    def _arrival(self, t_s: float) -> float | None:
        """Wall time when the audio at ``t_s`` seconds had been received."""
        sample = int(t_s * SAMPLE_RATE)
        keys = [n for n, _ in self._arrivals]
        i = bisect.bisect_left(keys, sample)
        if i >= len(self._arrivals):
            return None
        return self._arrivals[i][1]

    def _compute_lags(self) -> None:
        commit_lags: list[float] = []
        shown_lags: list[float] = []
        for commit, wall in zip(self.commits, self._commit_walls, strict=False):
            first_seen = self._first_seen(commit, wall)
            for w, seen in zip(commit.words, first_seen, strict=False):
                arrived = self._arrival(w.end)
                if arrived is None:
                    continue
                commit_lags.append(max(0.0, wall - arrived))
                shown_lags.append(max(0.0, seen - arrived))
        self.stats.commit_lag_median_s = _percentile(commit_lags, 50)
        self.stats.commit_lag_p90_s = _percentile(commit_lags, 90)
        self.stats.lag_median_s = _percentile(shown_lags, 50)
        self.stats.lag_p90_s = _percentile(shown_lags, 90)

    def _first_seen(self, commit: Commit, wall: float) -> list[float]:
        """For each committed word, when it was first displayed (a matching tentative word)."""
        seen = [wall] * len(commit.words)
        final = [(_norm_words(w.word) or [""])[0] for w in commit.words]
        for tent in self._tentatives:
            if tent.wall >= wall or abs(tent.start_s - commit.start_s) > 1e-6:
                continue
            matcher = difflib.SequenceMatcher(a=tent.words, b=final, autojunk=False)
            for block in matcher.get_matching_blocks():
                for k in range(block.size):
                    j = block.b + k
                    seen[j] = min(seen[j], tent.wall)
        return seen


class FileSource:
    """Pushes a file's audio into a consumer in blocks, at real-time pace (``speed`` x)."""

    def __init__(
        self, audio: str | Path | np.ndarray, *, block_s: float = 0.1, speed: float = 1.0
    ) -> None:
        self.samples = load_audio(audio)
        self.block = max(1, int(block_s * SAMPLE_RATE))
        self.speed = speed
        self.stopped = threading.Event()

    @property
    def duration_s(self) -> float:
        return len(self.samples) / SAMPLE_RATE

    def run(self, consumer: Callable[[np.ndarray], None]) -> float:
        """Feed every block (blocking). Returns the wall time at which the last block was fed.

        Block *n* is delivered when its audio has "been spoken", i.e. at start + end_of_block.
        """
        t0 = time.monotonic()
        for i in range(0, len(self.samples), self.block):
            block = self.samples[i : i + self.block]
            if self.speed > 0:
                due = t0 + (i + len(block)) / SAMPLE_RATE / self.speed
                delay = due - time.monotonic()
                if delay > 0 and self.stopped.wait(delay):
                    break
            elif self.stopped.is_set():
                break
            consumer(block)
        return time.monotonic()

    def stop(self) -> None:
        self.stopped.set()


def transcribe_live(
    transcriber: Transcriber,
    audio: str | Path | np.ndarray,
    *,
    hotwords: str | None = None,
    speed: float = 1.0,
    on_partial: Callable[[Partial], None] | None = None,
    on_commit: Callable[[Commit], None] | None = None,
    **options: Any,
) -> tuple[Transcript, LiveStats]:
    """Play a file through the live path (``speed`` 1.0 = real time) and return the result."""
    source = FileSource(audio, speed=speed)
    live = LiveTranscriber(
        transcriber, hotwords=hotwords, on_partial=on_partial, on_commit=on_commit, **options
    )
    live.start()
    source.run(live.feed)
    transcript = live.finish()
    return transcript, live.stats
