"""Training pairs for the coverage judge: (key point, answer window) -> label.

Labels: 0 covered, 1 partial, 2 incorrect (the window states the point wrongly), 3 missed.

Sources, per key point of the questions in one split of ``split.json``:

- hand-written sentences (``data/written/*.jsonl``: paraphrases, spoken and mis-recognised
  wordings, partial statements, contradictions in the point's own words, bare keyword lists,
  related sentences that make another point; a second round in ``*.v3.jsonl`` aimed at the
  first judge's failures: specific partial statements, vague on-topic talk (missed), wrong
  practices in the speaker's own words, the point made through a concrete example, and
  relabels of vague first-round partial lines as missed);
- the bank: the reference-answer sentence that makes the point, its ``synonyms`` (covered), its
  ``wrong`` statements (incorrect);
- negatives from elsewhere: what makes the question's *other* points, those points stated
  wrongly (so that "incorrect" means "states *this* point wrongly", not "sounds wrong"),
  sentences of other questions (same topic and any topic), and hard neighbours: sentences of
  other questions that share the point's vocabulary without most of its words (what an answer
  to a neighbouring question says);
- light augmentation that keeps the label: recogniser style (lowercase, no punctuation), a
  spoken lead-in, an unrelated sentence before or after (answers are read in 1-3 sentence windows);
- extra questions in no bank and no evaluation set (``data/extra/*.yaml``, checked by
  ``check_extra.py``), key points and lines written by other writers in their own voice, so
  that the judge does not learn only our way of writing a key point (EXTRA_QUESTIONS);
- every train and extra point said without its terms, and described wrongly in the same plain
  words (``data/mechanism/*.jsonl``, checked by ``check_mechanism.py``; MECHANISM_LINES);
- every train and extra point made by naming the bad alternative and rejecting it, and the same
  contrast landing on the wrong side (``data/contrast/*.jsonl``, checked by
  ``check_contrast.py``; CONTRAST_LINES);
- every train and extra point stated in a few words and wrongly as tersely, with long partial
  and long related lines (``data/short/*.jsonl``, checked by ``check_short.py``; SHORT_LINES);
- every train and extra point in its own terms followed by a true further clause, and the same
  shape stated wrongly (``data/extended/*.jsonl``, ``check_extended.py``; EXTENDED_LINES);
- every train and extra point's words reused for a different, true claim, and the point made
  through a concrete example without its terms (``data/neighbour/*.jsonl``,
  ``check_neighbour.py``; NEIGHBOUR_LINES);
- every train and extra point stated with a true clause that sounds negative, and wrongly in the
  same tone, with a line of small talk that makes no point (``data/tone/*.jsonl``,
  ``check_tone.py``; TONE_LINES);
- up to two written lines per train point that make no point and two that state it wrongly,
  spoken by espeak-ng and transcribed by Viva's batch path: missed, and incorrect while the
  transcript keeps most of the wrong statement's words, else missed (``data/asr_channel/``,
  made by ``asr_channel.py``; ASR_CHANNEL_LINES);
- every train and extra point's wrong statements rewritten to state it correctly in as many of
  their words as the meaning allows, half of them without the subject named (``data/mirror/``,
  ``check_mirror.py``; MIRROR_LINES);
- every train and extra point stated correctly with a dismissive or conditional phrase ("no
  need to", "is enough", "as long as") that wrong statements had to themselves
  (``data/cue/``, ``check_cue.py``; CUE_LINES);
- every train and extra point stated correctly through negation, absence or difference words,
  and wrongly in the same words (``data/polarity/``, ``check_polarity.py``; POLARITY_LINES);
- every train and extra point restated in its own frame with other words, and wrongly in the
  same frame (``data/frame/``, ``check_frame.py``; FRAME_LINES);
- the key point itself phrased another way (``data/restated/*.jsonl``, checked by
  ``check_restated.py``): a rubric line about the candidate, an instruction, a plain restatement
  or a terse noun phrase, used in place of the bank's wording in RESTATE_SHARE of the pairs, so
  that a user's own points, written by someone else, read like the bank's (off in the shipped
  recipe: see the README's round 3).
"""

from __future__ import annotations

import importlib
import json
import random
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import snowballstemmer

from viva.bank import Question, load_builtin_bank
from viva.scoring.judge import Judge, JudgeUnavailable
from viva.scoring.lexicon import NEGATORS

HERE = Path(__file__).resolve().parent
WRITTEN = HERE / "data" / "written"
RESTATED = HERE / "data" / "restated"
SPLIT: dict[str, str] = json.loads((HERE / "split.json").read_text())["questions"]

LABELS = ("covered", "partial", "incorrect", "missed")
LABEL_ID = {name: i for i, name in enumerate(LABELS)}

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'])")
_PUNCT = re.compile(r"[^\w\s'%-]")
LEAD_INS = (
    "so um, ",
    "yeah so basically ",
    "I mean, ",
    "right, so ",
    "uh, well, ",
    "and honestly ",
    "okay so in my last team ",
)


@dataclass(frozen=True, slots=True)
class Pair:
    question_id: str
    point: int
    key_point: str
    window: str
    label: int
    source: str

    def to_json(self) -> str:
        return json.dumps(
            {
                "question_id": self.question_id,
                "point": self.point,
                "key_point": self.key_point,
                "window": self.window,
                "label": LABELS[self.label],
                "source": self.source,
            }
        )


#: Share of a point's pairs that show the judge one of its restatements instead of its text.
#: 0 for the shipped judge (2.2): round 3 (0.5, 2, 1, README "Rounds") was not shipped.
RESTATE_SHARE = 0.0
#: Restatements also read as answer windows that make the point (per point), and pairs with a
#: restatement as the key point and the bank's text as the window (0 or 1 per point).
RESTATED_WINDOWS = 0
RESTATED_POINT_PAIRS = 0
#: Hard negatives per key point from other questions sharing its vocabulary, drawn from the
#: NEIGHBOUR_POOL closest; sentences sharing NEIGHBOUR_MAX_SHARED of its content words or more
#: are never used as negatives.
NEIGHBOURS = 3
NEIGHBOUR_POOL = 25
NEIGHBOUR_MAX_SHARED = 0.35
#: ... and none the shipped judge already credits this much (P(covered) + P(partial) / 2).
NEIGHBOUR_SCREEN = 0.7
#: Negatives per key point from the question's *other* points stated wrongly (the bank's
#: ``wrong`` statements and the written contradictions of those points): a wrong statement
#: about another point does not state this one wrongly, it misses it. Without them the judge
#: learns "sounds wrong" rather than "states this point wrongly" and calls every wrong sentence
#: of an answer incorrect for every point. Sentences sharing NEIGHBOUR_MAX_SHARED of the
#: point's content words or more are left out: they may be about this point too. 0 in the
#: shipped recipe: round 4 (3, README "Rounds") made "incorrect" point-specific but was not
#: shipped.
SIBLING_WRONG = 0
#: Negatives per key point from the question's other points stated *correctly* in a negative
#: tone (a negator or a word of failure: "without the versions the logs are almost useless"),
#: tried because round 4's judges read one such answer window as stating a privacy point
#: wrongly. Same overlap bound as above. 0 in the shipped recipe: round 5 (2, README "Rounds")
#: found 2.2 reads only 8 % of them as incorrect at the pair level, and was not shipped.
SIBLING_NEGATIVE = 0
#: Covered lines of each sibling point taken as misses of a ``data/breadth`` point (2, as for
#: every question, in round 23's V). Fewer is the first thing to try if breadth makes the judge
#: miss plain-words paraphrases of the right point too (the round 23 diagnostic D1 did).
BREADTH_SIBLINGS = 2
#: Train on the extra questions of ``data/extra`` (40 questions, 200 key points written by eight
#: other writers) as well as the bank's train split. False in the shipped recipe: round 6 (README
#: "Rounds") lifted the plain sets' paraphrase coverage but lost on ``tuning``, where candidates
#: are chosen, and credited more wrong statements; not shipped.
EXTRA_QUESTIONS = False
#: Train on the questions of ``data/breadth`` too (round 23, ``check_breadth.py``): many more
#: subjects, each with close sibling points and per point only plain, spoken, partial, wrong
#: and related lines, so that "same topic, another claim" is learned as a rule (the sibling
#: pairs are built from them as for every question). False until a candidate trained with it
#: is selected.
BREADTH_QUESTIONS = False
#: Train on ``data/mechanism`` too (``check_mechanism.py``): every train and extra point said
#: without its terms (covered) and described wrongly in the same plain words (incorrect), round 9.
MECHANISM_LINES = False
#: Train on ``data/contrast`` too (``check_contrast.py``): every train and extra point made by
#: naming the bad alternative and rejecting it (covered), and the same contrast landing on the
#: wrong side (incorrect), round 11.
CONTRAST_LINES = False
#: Train on ``data/short`` too (``check_short.py``): every train and extra point stated in 4-16
#: words (covered) and wrongly as tersely (incorrect), and 22-50 word partial and related
#: lines, so that length stops telling covered from partial, round 12.
SHORT_LINES = False
#: Train on ``data/extended`` too (``check_extended.py``): every train and extra point in its
#: own terms followed by a true further clause (covered) and the same shape with the point's claim
#: wrong (incorrect), round 13.
EXTENDED_LINES = False
#: Train on ``data/neighbour`` too (``check_neighbour.py``): two true statements per train and
#: extra point that reuse its words for a different claim (missed), and the point made through a
#: concrete example without its terms (covered), round 14.
NEIGHBOUR_LINES = False
#: Train on ``data/tone`` too (``check_tone.py``): every train and extra point stated with a true
#: clause that sounds negative (covered) and stated wrongly in the same tone (incorrect), and a
#: line of small talk with nothing technical in it (missed), round 15.
TONE_LINES = False
#: Train on ``data/asr_channel`` too (``asr_channel.py``): written lines that make no point or
#: state it wrongly, spoken by espeak-ng and transcribed by Viva's batch path, as missed or
#: incorrect; the hand-written recogniser slips are all covered, so garbled words came to mean
#: a point made, round 20.
ASR_CHANNEL_LINES = False
#: Train on ``data/mirror`` too (``check_mirror.py``): the correct half of minimal pairs, a wrong
#: statement of the point rewritten to state it (covered), so that words shared with wrong
#: statements do not come to mean a wrong statement, round 21.
MIRROR_LINES = False
#: Train on ``data/cue`` too (``check_cue.py``): every point stated correctly with a dismissive
#: or conditional phrase that the other data used only in wrong statements (covered), so the
#: phrase stops meaning a wrong statement, round 22.
CUE_LINES = False
#: Train on ``data/polarity`` too (``check_polarity.py``): every train and extra point stated
#: correctly through negation, absence or difference words ("not the same", "unaffected",
#: "without") and stated wrongly in the same kind of words, so that a negator stops meaning a
#: wrong statement, round 29.
POLARITY_LINES = False
#: Train on ``data/frame`` too (``check_frame.py``): every train and extra point restated
#: correctly in its own frame ("<subject> is ...") with other words for the rest, and wrongly in
#: the same frame, so that a kept frame with new words stops meaning a wrong statement, round 32.
FRAME_LINES = False
#: What makes a sentence negative in tone, for SIBLING_NEGATIVE: the lexicon's negators and
#: stems of words of failure or cost.
_NEGATIVE_STEMS = frozenset(
    [
        "useless",
        "fail",
        "lose",
        "lost",
        "break",
        "broke",
        "wrong",
        "bad",
        "wors",
        "slow",
        "expens",
        "risk",
        "hurt",
        "stale",
        "danger",
        "silent",
        "leak",
        "crash",
        "garbag",
        "degrad",
        "blind",
        "harm",
    ]
)
_STEMMER = snowballstemmer.stemmer("english")
_WORD = re.compile(r"[a-z0-9]+")
_FUNCTION_WORDS = """
a an the and or but of to in on for with by at from as is are was were be been it its this that
these those you your we our i they their them he she not no so if then than into when what which
who how do does did can could would should will may might more most less each every any all only
also just very such other own same one two
"""
_FUNCTION = frozenset(_FUNCTION_WORDS.split())


def _screening_judge() -> Judge | None:
    """The judge shipped in the package, used only to screen hard negatives (None if absent)."""
    try:
        return Judge()
    except JudgeUnavailable as exc:
        print(f"no judge to screen neighbours ({exc}); unscreened")  # noqa: T201
        return None


def content_stems(text: str) -> set[str]:
    """Stems of the content words of ``text`` (function words dropped)."""
    words = [w for w in _WORD.findall(text.lower()) if w not in _FUNCTION and len(w) > 1]
    return set(_STEMMER.stemWords(words))


def shared_share(own: set[str], other: set[str]) -> float:
    """Share of a point's content stems (``own``) that ``other`` has too (0 if it has none)."""
    return len(own & other) / len(own) if own else 0.0


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text.strip()) if s.strip()]


def asr_style(text: str) -> str:
    """What a recogniser without punctuation would give."""
    return re.sub(r"\s+", " ", _PUNCT.sub(" ", text.lower())).strip()


def written() -> dict[tuple[str, int], list[dict[str, str]]]:
    """Hand-written lines per (question id, point), second-round relabels applied.

    A ``relabel`` row names an earlier ``partial`` line of the same point that a second reading
    found vague (it states no specific part of the point): that line becomes ``missed``.
    """
    out: dict[tuple[str, int], list[dict[str, str]]] = defaultdict(list)
    vague: set[tuple[str, int, str]] = set()
    for path in sorted(WRITTEN.glob("*.jsonl")):
        for line in path.read_text().splitlines():
            if line.strip():
                row = json.loads(line)
                key = (row["question_id"], int(row["point"]))
                if row["kind"] == "relabel":
                    vague.add((*key, row["text"].strip().lower()))
                else:
                    out[key].append(row)
    for (qid, point), rows in out.items():
        for row in rows:
            if row["kind"] == "partial" and (qid, point, row["text"].strip().lower()) in vague:
                row.update(label="missed", kind="vague")
    return out


def restated() -> dict[tuple[str, int], list[str]]:
    """(question id, point) -> the point's restatements (``data/restated``; may be empty)."""
    out: dict[tuple[str, int], list[str]] = defaultdict(list)
    for path in sorted(RESTATED.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                out[(row["question_id"], int(row["point"]))].append(row["text"].strip())
    return out


def extra(
    folder: str = "extra",
) -> tuple[list[Question], dict[tuple[str, int], list[dict[str, str]]]]:
    """The extra questions (``data/extra``, or ``data/breadth``) as a user's bank holds them
    (key points as plain sentences, their reference answer the points themselves) and their
    lines, as ``written()`` gives them: one row per sentence with its kind and label."""
    from check_extra import KINDS

    load = importlib.import_module(f"check_{folder}").load

    questions: list[Question] = []
    lines: dict[tuple[str, int], list[dict[str, str]]] = defaultdict(list)
    for raw in load():
        questions.append(
            Question.from_key_points(raw["id"], raw["question"], raw["key_points"], raw["topic"])
        )
        for i, group in enumerate(raw["lines"]):
            for kind, texts in group.items():
                for text in texts:
                    lines[(raw["id"], i)].append(
                        {"kind": kind, "label": KINDS[kind], "text": text.strip()}
                    )
    return questions, lines


#: Kinds of written line that make their point in full (the negatives for the other points).
COVERED_KINDS = (
    "paraphrase",
    "spoken",
    "concrete",
    "mechanism",
    "contrast",
    "short",
    "short_spoken",
    "extended",
    "example",
    "tone",
    "mirror",
    "cue",
    "polarity",
    "frame",
)


def folder_lines(folder: str) -> dict[tuple[str, int], list[dict[str, str]]]:
    """The lines of ``data/<folder>`` (``mechanism``, ``contrast``, ``short``, ``extended``,
    ``neighbour``, ``tone``, ``asr_channel``, ``mirror``, ``cue``, ``polarity`` or ``frame``,
    all in ``check_mechanism``'s format) per (question id, point), as ``written()`` gives them."""
    from check_mechanism import load

    out: dict[tuple[str, int], list[dict[str, str]]] = defaultdict(list)
    for row in load(HERE / "data" / folder):
        out[(str(row["question_id"]), int(str(row["point"])))].append(
            {"kind": str(row["kind"]), "label": str(row["label"]), "text": str(row["text"]).strip()}
        )
    return out


def aligned_sentences(question: Question) -> dict[int, list[str]]:
    """Reference-answer sentences per key point, from the rule scorer's evidence."""
    if question.id.startswith("extra-"):
        return {}  # its reference answer is its key points: nothing to align
    from viva.scoring.coverage import score_coverage
    from viva.scoring.text import build_answer
    from viva.speech.transcript import Transcript

    sents = sentences(question.reference_answer)
    answer = build_answer(Transcript.from_text(question.reference_answer))
    results, _ = score_coverage(question, answer, gate=False)
    out: dict[int, list[str]] = defaultdict(list)
    for i, r in enumerate(results):
        if r.status != "covered" or r.first is None or r.last is None:
            continue
        head = answer.span_text(r.first, r.last)[:40]
        for s in sents:
            if head in s:
                out[i].append(s)
                break
    return out


#: The lexicon's negators as ``_WORD`` tokens them (no apostrophes).
_NEGATORS = frozenset(w.replace("'", "") for w in NEGATORS)


def negative_tone(text: str) -> bool:
    """Does ``text`` carry a negator or a word of failure (``_NEGATIVE_STEMS``)?"""
    words = _WORD.findall(text.lower().replace("n't", " not"))
    return any(w in _NEGATORS or _STEMMER.stemWord(w) in _NEGATIVE_STEMS for w in words)


def build(
    split: str,
    seed: int = 13,
    *,
    sibling_wrong: int = SIBLING_WRONG,
    sibling_negative: int = SIBLING_NEGATIVE,
) -> Iterator[Pair]:
    """Every pair for the questions of ``split`` (train or calibration); ``sibling_wrong`` and
    ``sibling_negative`` override SIBLING_WRONG and SIBLING_NEGATIVE (``specificity.py`` probes
    with them whatever the recipe says)."""
    rng = random.Random(seed)
    bank = load_builtin_bank().questions
    lines = written()
    restatements = restated()
    # Topics in alphabetical order, each in its file's order: the order the pairs have been
    # drawn in since 1.0 (the files were named by topic then), kept so that one seed still
    # gives the same pairs now that the bank's file names carry a study order.
    chosen = sorted((q for q in bank.values() if SPLIT.get(q.id) == split), key=lambda q: q.topic)
    for folder, wanted in (("extra", EXTRA_QUESTIONS), ("breadth", BREADTH_QUESTIONS)):
        if wanted and split == "train":
            more, more_lines = extra(folder)
            chosen += more
            lines.update(more_lines)
    for folder, wanted in (
        ("mechanism", MECHANISM_LINES),
        ("contrast", CONTRAST_LINES),
        ("short", SHORT_LINES),
        ("extended", EXTENDED_LINES),
        ("neighbour", NEIGHBOUR_LINES),
        ("tone", TONE_LINES),
        ("asr_channel", ASR_CHANNEL_LINES),
        ("mirror", MIRROR_LINES),
        ("cue", CUE_LINES),
        ("polarity", POLARITY_LINES),
        ("frame", FRAME_LINES),
    ):
        if wanted and split == "train":
            for key, rows in folder_lines(folder).items():
                lines[key].extend(rows)
    # Sentences of the *same split* only, for negatives from other questions: nothing of a
    # held-out question leaks into training.
    pool: dict[str, list[tuple[str, str]]] = defaultdict(list)  # topic -> (question id, text)
    for q in chosen:
        for s in sentences(q.reference_answer):
            pool[q.topic].append((q.id, s))
        for i in range(len(q.key_points)):
            for row in lines.get((q.id, i), []):
                if row["label"] == "covered":
                    pool[q.topic].append((q.id, row["text"]))
    everything = [item for items in pool.values() for item in items]
    stems = {text: content_stems(text) for _, text in everything}
    screen = _screening_judge() if NEIGHBOURS else None

    def neighbours(q: Question, point: str, k: int) -> list[str]:
        """Hard negatives: sentences of *other* questions that share the point's vocabulary
        (an answer to a neighbouring question talks about the same things, and must not be
        credited for it). Sentences sharing most of the point's words are left out: they may
        make the point after all."""
        own = content_stems(point)
        if not own:
            return []
        scored = []
        for qid, text in everything:
            if qid == q.id:
                continue
            shared = shared_share(own, stems[text])
            if 0 < shared < NEIGHBOUR_MAX_SHARED:
                scored.append((shared, text))
        scored.sort(key=lambda x: -x[0])
        top = [text for _, text in scored[:NEIGHBOUR_POOL]]
        picked = rng.sample(top, min(2 * k, len(top)))
        if not picked or screen is None:
            return picked[:k]
        # A paraphrase shares few words by design: drop what the shipped judge is sure makes
        # the point (the doubtful ones, where it errs on neighbouring answers, stay).
        probs = screen.probabilities([(point, t) for t in picked])
        keep = [
            t for t, p in zip(picked, probs, strict=True) if p[0] + 0.5 * p[1] < NEIGHBOUR_SCREEN
        ]
        return keep[:k]

    def about_else(point: str, candidates: list[str], k: int) -> list[str]:
        """``k`` of ``candidates`` (sentences of the question's other points) that are about
        other things than ``point``."""
        if not k:
            return []
        own = content_stems(point)
        far = [t for t in candidates if shared_share(own, content_stems(t)) < NEIGHBOUR_MAX_SHARED]
        return rng.sample(far, min(k, len(far)))

    def elsewhere(q: Question, same_topic: bool) -> str:
        items = pool[q.topic] if same_topic else everything
        for _ in range(20):
            qid, text = rng.choice(items)
            if qid != q.id:
                return text
        return rng.choice(everything)[1]

    for q in chosen:
        aligned = aligned_sentences(q)
        covered_by: dict[int, list[str]] = defaultdict(list)
        wrong_by: dict[int, list[str]] = defaultdict(list)
        for i, kp in enumerate(q.key_points):
            wrong_by[i] = list(kp.wrong) + [
                r["text"] for r in lines.get((q.id, i), []) if r["label"] == "incorrect"
            ]
            covered_by[i] += aligned.get(i, [])
            covered_by[i] += [
                r["text"]
                for r in lines.get((q.id, i), [])
                if r["kind"] in COVERED_KINDS
            ]
        for i, kp in enumerate(q.key_points):
            point = kp.text
            base: list[tuple[str, int, str]] = []
            base.append((point, LABEL_ID["covered"], "point"))
            base += [(s, LABEL_ID["covered"], "reference") for s in aligned.get(i, [])]
            base += [(s, LABEL_ID["covered"], "synonym") for s in kp.synonyms]
            base += [(s, LABEL_ID["incorrect"], "wrong") for s in kp.wrong]
            for row in lines.get((q.id, i), []):
                base.append((row["text"], LABEL_ID[row["label"]], f"written-{row['kind']}"))
            # The question's other points: what makes them does not make this one.
            own = set(aligned.get(i, []))
            for j, texts in covered_by.items():
                if j == i:
                    continue
                per = BREADTH_SIBLINGS if q.id.startswith("breadth-") else 2
                for s in rng.sample(texts, min(per, len(texts))):
                    if s not in own:
                        base.append((s, LABEL_ID["missed"], "sibling"))
            others_wrong = [s for j, ts in wrong_by.items() if j != i for s in ts]
            for t in about_else(point, others_wrong, sibling_wrong):
                base.append((t, LABEL_ID["missed"], "sibling-wrong"))
            if sibling_negative:
                negative = [
                    s
                    for j, ts in covered_by.items()
                    if j != i
                    for s in ts
                    if s not in own and negative_tone(s)
                ]
                for t in about_else(point, negative, sibling_negative):
                    base.append((t, LABEL_ID["missed"], "sibling-negative"))
            base.append((elsewhere(q, True), LABEL_ID["missed"], "other-question-topic"))
            base.append((elsewhere(q, False), LABEL_ID["missed"], "other-question"))
            base += [(t, LABEL_ID["missed"], "neighbour") for t in neighbours(q, point, NEIGHBOURS)]
            others = restatements.get((q.id, i), [])
            # The point said in its other wordings makes it (both ways round).
            some = rng.sample(others, min(RESTATED_WINDOWS, len(others)))
            base += [(r, LABEL_ID["covered"], "restated") for r in some]

            def asked(point: str = point, others: list[str] = others) -> str:
                """The key point as the judge is shown it: the bank's text or a restatement."""
                return rng.choice(others) if others and rng.random() < RESTATE_SHARE else point

            if others and RESTATED_POINT_PAIRS:
                restatement = rng.choice(others)
                yield Pair(q.id, i, restatement, point, LABEL_ID["covered"], "restated-point")
            for text, label, source in base:
                yield Pair(q.id, i, asked(), text, label, source)
                if source in ("point", "restated"):
                    continue
                # Label-keeping variants: recogniser style, a lead-in, unrelated context.
                r = rng.random()
                if r < 0.25:
                    yield Pair(q.id, i, asked(), asr_style(text), label, source + "+asr")
                elif r < 0.45:
                    yield Pair(
                        q.id,
                        i,
                        asked(),
                        rng.choice(LEAD_INS) + text[0].lower() + text[1:],
                        label,
                        source + "+lead",
                    )
                elif r < 0.70:
                    other = elsewhere(q, rng.random() < 0.5)
                    window = f"{other} {text}" if rng.random() < 0.5 else f"{text} {other}"
                    yield Pair(q.id, i, asked(), window, label, source + "+context")


def main() -> None:
    import argparse
    import collections

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("split", choices=["train", "calibration"])
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    counts: collections.Counter[str] = collections.Counter()
    with args.out.open("w") as f:
        for pair in build(args.split):
            f.write(pair.to_json() + "\n")
            counts[LABELS[pair.label]] += 1
    print(args.out, dict(counts), sum(counts.values()))  # noqa: T201


if __name__ == "__main__":
    main()
