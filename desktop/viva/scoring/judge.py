"""The coverage judge: P(this stretch of the answer states this key point).

A cross-encoder fine-tuned from all-MiniLM-L6-v2 at development time (``training/judge``),
shipped as an int8 ONNX model with its tokenizer in ``viva/data/judge``, and run here with
onnxruntime and tokenizers (both come with faster-whisper; torch is never imported). It reads
``[CLS] key point [SEP] answer window [SEP]`` and gives four probabilities: the window states the
point (covered), a real part of it (partial), states it wrongly (incorrect), or does not make it
(missed).

A judge trained with the question's other key points in view (``training.json``: ``"input":
"point+others"``) reads ``[CLS] key point | other points: a; b [SEP] answer window [SEP]``
instead, so that it can tell a sentence that makes a neighbouring point from one that makes
this point in other words; ``Judge.query`` writes the first part either way.

The model loads lazily, once per process (about 0.1 s); the app's scorer warm-up loads it
ahead of time from a worker thread. Results are cached per (key point, window) so that live
scoring, which re-reads a growing answer, only judges windows it has not seen.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from viva.scoring.text import Answer, content_words, stem

log = logging.getLogger(__name__)

LABELS = ("covered", "partial", "incorrect", "missed")
COVERED, PARTIAL, INCORRECT, MISSED = range(4)
MAX_LENGTH = 128
#: The same for a judge that reads the other points too (their words come before the window's).
MAX_LENGTH_WITH_OTHERS = 192
#: ``training.json`` "input" of a judge that reads the question's other points.
WITH_OTHERS = "point+others"
#: A judge that reads the other points is shown at most this many of them (those sharing most
#: words with the point: the ones an answer could be mistaken for), each cut to OTHER_WORDS.
OTHERS_SHOWN = 3
OTHER_WORDS = 14
#: A sentence longer than this many tokens is read in pieces cut at clause borders (a
#: recogniser may give one long unpunctuated "sentence").
UNIT_TOKENS = 32
#: Adjacent pieces are also read together while the pair is at most this long.
PAIR_TOKENS = 64
#: Pairs judged per onnxruntime call; windows are sorted by length first to cut padding.
BATCH = 32
CACHE_SIZE = 20000


class JudgeUnavailable(RuntimeError):
    """The judge model is missing or cannot be loaded (a broken install)."""

    def __init__(self, detail: str) -> None:
        super().__init__(
            f"The coverage model could not be loaded ({detail}). Reinstall Viva to restore it."
        )


def model_dir() -> Path:
    """Where the judge's files are: ``VIVA_JUDGE_DIR`` or the package's ``data/judge``."""
    override = os.environ.get("VIVA_JUDGE_DIR")
    if override:
        return Path(override)
    return Path(__file__).resolve().parent.parent / "data" / "judge"


@dataclass(frozen=True, slots=True)
class Window:
    """One to two adjacent pieces of the answer, as token indices into ``Answer.tokens``."""

    first: int
    last: int
    text: str


def _pieces(answer: Answer) -> list[tuple[int, int]]:
    """Sentences as token ranges; a long one cut at clause borders into <= UNIT_TOKENS."""
    toks = answer.tokens
    sentences: list[tuple[int, int]] = []
    start = 0
    for i in range(1, len(toks) + 1):
        if i == len(toks) or toks[i].sentence != toks[start].sentence:
            sentences.append((start, i - 1))
            start = i
    out: list[tuple[int, int]] = []
    for lo, hi in sentences:
        while hi - lo + 1 > UNIT_TOKENS:
            # The last clause border that keeps the piece within UNIT_TOKENS (at least half
            # of it), else a hard cut.
            cut = lo + UNIT_TOKENS - 1
            for j in range(lo + UNIT_TOKENS - 1, lo + UNIT_TOKENS // 2, -1):
                if toks[j + 1].clause != toks[j].clause:
                    cut = j
                    break
            out.append((lo, cut))
            lo = cut + 1
        out.append((lo, hi))
    return out


def answer_windows(answer: Answer) -> list[Window]:
    """Every piece of the answer, and every two adjacent pieces that fit in PAIR_TOKENS."""
    if not answer.tokens:
        return []
    pieces = _pieces(answer)
    spans: list[tuple[int, int]] = list(pieces)
    for (a, _), (_, d) in zip(pieces, pieces[1:], strict=False):
        if d - a + 1 <= PAIR_TOKENS:
            spans.append((a, d))
    return [Window(a, b, answer.span_text(a, b)) for a, b in spans]


def _content(text: str) -> set[str]:
    """Stems of the content words of ``text``."""
    return {stem(w) for w in content_words(text)}


def point_with_others(point: str, others: Sequence[str], shown: int = OTHERS_SHOWN) -> str:
    """The first part of a pair for a judge that reads the question's other points.

    Of ``others`` (the question's other key points, in bank order), the ``shown`` that share
    most content words with ``point`` (ties in bank order), each cut to OTHER_WORDS words;
    ``point`` alone when there are none. Training (``training/judge/train.py --others``) and
    the app write it with this one function.
    """
    if not others or shown <= 0:
        return point
    own = _content(point)
    ranked = sorted(range(len(others)), key=lambda i: (-len(own & _content(others[i])), i))
    picked = sorted(ranked[:shown])
    cut = [" ".join(others[i].split()[:OTHER_WORDS]).rstrip(" .;,") for i in picked]
    return f"{point.rstrip()} | other points: " + "; ".join(cut)


class Judge:
    """The ONNX cross-encoder with its tokenizer; thread-safe, with a (point, window) cache."""

    def __init__(self, directory: Path | None = None, threads: int | None = None) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        directory = directory or model_dir()
        model, vocab = directory / "model.onnx", directory / "tokenizer.json"
        if not model.is_file() or not vocab.is_file():
            raise JudgeUnavailable(f"no model in {directory}")
        self.reads_others = _input_mode(directory) == WITH_OTHERS
        self._tokenizer = Tokenizer.from_file(str(vocab))
        self._tokenizer.enable_truncation(
            max_length=MAX_LENGTH_WITH_OTHERS if self.reads_others else MAX_LENGTH,
            strategy="only_second",
        )
        self._tokenizer.no_padding()
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or min(2, os.cpu_count() or 1)
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        try:
            self._session = ort.InferenceSession(
                str(model), options, providers=["CPUExecutionProvider"]
            )
        except Exception as e:  # onnxruntime raises its own untyped errors on a broken file
            raise JudgeUnavailable(str(e)) from e
        self._cache: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def query(self, point: str, others: Sequence[str]) -> str:
        """The first part of the pair this judge reads for ``point`` of a question whose
        other key points are ``others``."""
        return point_with_others(point, others) if self.reads_others else point

    def probabilities(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """(len(pairs), 4) probabilities of covered / partial / incorrect / missed."""
        out = np.zeros((len(pairs), len(LABELS)), dtype=np.float32)
        todo: dict[tuple[str, str], list[int]] = {}
        with self._lock:
            for i, pair in enumerate(pairs):
                hit = self._cache.get(pair)
                if hit is not None:
                    self._cache.move_to_end(pair)
                    out[i] = hit
                else:
                    todo.setdefault(pair, []).append(i)
        if todo:
            keys = list(todo)
            probs = self._run(keys)
            with self._lock:
                for key, p in zip(keys, probs, strict=True):
                    for i in todo[key]:
                        out[i] = p
                    self._cache[key] = p
                while len(self._cache) > CACHE_SIZE:
                    self._cache.popitem(last=False)
        return out

    def _run(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(pairs)
        order = sorted(range(len(pairs)), key=lambda i: len(encodings[i].ids))
        out = np.zeros((len(pairs), len(LABELS)), dtype=np.float32)
        for start in range(0, len(order), BATCH):
            idx = order[start : start + BATCH]
            width = max(len(encodings[i].ids) for i in idx)
            ids = np.zeros((len(idx), width), dtype=np.int64)
            mask = np.zeros_like(ids)
            types = np.zeros_like(ids)
            for row, i in enumerate(idx):
                e = encodings[i]
                n = len(e.ids)
                ids[row, :n] = e.ids
                mask[row, :n] = 1
                types[row, :n] = e.type_ids
            logits = self._session.run(
                None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
            )[0]
            logits = logits - logits.max(axis=1, keepdims=True)
            e = np.exp(logits)
            out[idx] = e / e.sum(axis=1, keepdims=True)
        return out


def _input_mode(directory: Path) -> str:
    """What the model in ``directory`` reads: "point" unless its training.json says else."""
    info = directory / "training.json"
    try:
        return str(json.loads(info.read_text(encoding="utf-8")).get("input", "point"))
    except FileNotFoundError:
        return "point"
    except (OSError, ValueError) as e:
        raise JudgeUnavailable(f"unreadable {info}: {e}") from e


_judge: Judge | None = None
_judge_lock = threading.Lock()


def get_judge() -> Judge:
    """The process's judge, loaded on first use."""
    global _judge
    with _judge_lock:
        if _judge is None:
            _judge = Judge()
            log.debug("coverage judge loaded from %s", model_dir())
        return _judge
