"""Bad situations end in a message that says what to do, never a raw traceback or a dead end.

Real subprocesses of `viva`; a full disk and a read-only folder are real mounts (tmpfs, read-only
bind) inside a private mount namespace (``unshare``), so nothing outside the test changes.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from viva.cli import main
from viva.limits import MAX_ANSWER_WORDS

QID = "canary-vs-blue-green"
F_SETPIPE_SZ = getattr(fcntl, "F_SETPIPE_SZ", 1031)
ANSWER = (
    "A canary release sends a small share of traffic to the new version first; blue-green "
    "switches all traffic between two environments, so rollback is instant."
)


def _viva(*args: str, data: Path | None = None, **kw: object) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "viva"]
    if data is not None:
        cmd += ["--data-dir", str(data)]
    return subprocess.run(
        [*cmd, *args],
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
        **kw,  # type: ignore[call-overload]
    )


def _clear(done: subprocess.CompletedProcess[str], code: int, *words: str) -> None:
    assert done.returncode == code, (done.returncode, done.stdout[-2000:], done.stderr[-2000:])
    assert "Traceback" not in done.stderr, done.stderr
    assert done.stderr.startswith("viva: "), done.stderr
    for word in words:
        assert word in done.stderr, done.stderr


@pytest.fixture
def answer_file(tmp_path: Path) -> Path:
    path = tmp_path / "answer.txt"
    path.write_text(ANSWER, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "args",
    [
        ["history"],
        ["bank", "list"],
        ["due"],
        ["score", "--question", QID, "--transcript", "ANSWER", "--save"],
        ["export", "--out", "OUT"],
    ],
)
def test_data_folder_is_a_file(args: list[str], tmp_path: Path, answer_file: Path) -> None:
    blocker = tmp_path / "viva-data"
    blocker.write_text("not a folder", encoding="utf-8")
    args = [
        str(answer_file) if a == "ANSWER" else str(tmp_path / "x.zip") if a == "OUT" else a
        for a in args
    ]
    done = _viva(*args, data=blocker)
    _clear(done, 2, "is a file, not a folder", "--data-dir")


def _fill_history(count: int) -> None:
    from viva.speech.transcript import Transcript
    from viva.storage.store import AttemptStore

    question = {"id": QID, "question": "Canary or blue-green?", "topic": "deployment"}
    feedback = {"question_id": QID, "coverage": 0.5, "key_points": [], "timing": {}, "tips": []}
    with AttemptStore.open() as store:
        for _ in range(count):
            store.add_attempt(question, Transcript.from_text(ANSWER), feedback)


@pytest.mark.parametrize("command", [["history"], ["bank", "list"]])
def test_broken_pipe_is_quiet(command: list[str]) -> None:
    """`viva history | head -1`: the reader leaves early; no BrokenPipeError traceback."""
    _fill_history(120)
    read_end, write_end = os.pipe()
    fcntl.fcntl(read_end, F_SETPIPE_SZ, 4096)  # smaller than the output: the writer must wait
    proc = subprocess.Popen(
        [sys.executable, "-m", "viva", *command],
        stdout=write_end,
        stderr=subprocess.PIPE,
        text=True,
    )
    os.close(write_end)
    with os.fdopen(read_end, "rb") as reader:
        assert reader.readline()
    # The reader is gone, like `head -1` exiting.
    err = proc.stderr.read() if proc.stderr else ""
    assert proc.wait(timeout=120) == 0, err
    assert "Traceback" not in err
    assert "BrokenPipe" not in err


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "0", "-3"])
def test_non_finite_durations_are_refused(
    value: str, answer_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["score", "--question", QID, "--transcript", str(answer_file), f"--duration={value}"]
    )
    assert code == 2
    assert "positive number of seconds" in capsys.readouterr().err
    assert main(["record", "x.wav", f"--seconds={value}"]) == 2
    assert "positive number of seconds" in capsys.readouterr().err


def test_a_huge_answer_is_refused_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    long = tmp_path / "long.txt"
    long.write_text("canary " * (MAX_ANSWER_WORDS + 1), encoding="utf-8")
    assert main(["score", "--question", QID, "--transcript", str(long)]) == 2
    assert "too long to score" in capsys.readouterr().err
    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as fh:
        fh.truncate(40 << 20)  # a 40 MB file is refused before it is read
    assert main(["score", "--question", QID, "--transcript", str(huge)]) == 2
    assert "40 MB" in capsys.readouterr().err


@pytest.mark.slow
def test_an_hour_of_silence_says_nothing_was_heard(tmp_path: Path) -> None:
    silent = tmp_path / "silent.flac"
    with sf.SoundFile(silent, "w", samplerate=16000, channels=1, subtype="PCM_16") as fh:
        block = np.zeros(16000 * 60, dtype=np.int16)
        for _ in range(60):
            fh.write(block)
    done = _viva("transcribe", str(silent))
    _clear(done, 2, "nothing was heard", "3600 s")
    assert done.stdout.strip() == ""


# --- real full disk and read-only folder, in a private mount namespace ---------------------
def _namespace_or_skip(tmp_path: Path) -> list[str]:
    if shutil.which("unshare") is None:
        pytest.skip("unshare (util-linux) is not installed")
    cmd = ["unshare", "--mount", "--map-root-user"]
    probe = subprocess.run(
        [*cmd, "sh", "-c", f"mount -t tmpfs -o size=1m tmpfs {tmp_path}"],
        capture_output=True,
        text=True,
        check=False,
    )
    if probe.returncode != 0:
        pytest.skip(f"cannot mount in a private namespace here: {probe.stderr.strip()[:200]}")
    return cmd


def _script(tmp_path: Path, body: str) -> subprocess.CompletedProcess[str]:
    cmd = _namespace_or_skip(tmp_path)
    viva = f"{sys.executable} -m viva"
    return subprocess.run(
        [*cmd, "bash", "-c", f"set -u\nVIVA='{viva}'\n{body}"],
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
    )


def _result(tmp_path: Path, name: str) -> subprocess.CompletedProcess[str]:
    out = tmp_path / "out"
    return subprocess.CompletedProcess(
        [name],
        int((out / f"{name}.rc").read_text()),
        (out / f"{name}.stdout").read_text(),
        (out / f"{name}.stderr").read_text(),
    )


def _run_line(name: str, command: str) -> str:
    o = "$OUT"
    return f"{command} >{o}/{name}.stdout 2>{o}/{name}.stderr; echo $? >{o}/{name}.rc\n"


@pytest.mark.slow
def test_full_disk(tmp_path: Path, answer_file: Path, jfk_wav: Path) -> None:
    disk = tmp_path / "disk"
    disk.mkdir()
    (tmp_path / "out").mkdir()
    body = (
        f"OUT={tmp_path / 'out'}\nD={disk}\n"
        "mount -t tmpfs -o size=3m tmpfs $D\n"
        "$VIVA --data-dir $D history >/dev/null\n"
        "head -c 8M /dev/zero > $D/filler 2>/dev/null\n"
        + _run_line(
            "score", f"$VIVA --data-dir $D score -q {QID} --transcript {answer_file} --save"
        )
        + _run_line("audio", f"$VIVA --data-dir $D score -q {QID} {jfk_wav} --save")
        + _run_line("history", "$VIVA --data-dir $D history")
        + "find $D -name '*.partial' > $OUT/partials\n"
    )
    done = _script(tmp_path, body)
    assert done.returncode == 0, done.stderr
    score = _result(tmp_path, "score")
    _clear(score, 1, "not saved", "full", "Free some space")
    audio = _result(tmp_path, "audio")
    _clear(audio, 1, "not saved", "full")
    history = _result(tmp_path, "history")
    if history.returncode != 0:  # with no byte free SQLite may not even open it to read
        _clear(history, 2, "full")
        assert "other Viva windows" not in history.stderr
    assert (tmp_path / "out" / "partials").read_text() == ""


@pytest.mark.slow
def test_read_only_folders(tmp_path: Path, answer_file: Path) -> None:
    ro = tmp_path / "ro"
    ro.mkdir()
    (tmp_path / "out").mkdir()
    data = ro / "data"
    body = (
        f"OUT={tmp_path / 'out'}\nRO={ro}\n"
        "$VIVA --data-dir $RO/data history >/dev/null\n"
        "mount --bind $RO $RO && mount -o remount,bind,ro $RO\n"
        + _run_line(
            "save", f"$VIVA --data-dir {data} score -q {QID} --transcript {answer_file} --save"
        )
        + _run_line("record", "$VIVA record $RO/answer.wav --seconds 1")
        + _run_line("export", f"$VIVA --data-dir {data} export --out $RO/backup.zip")
    )
    done = _script(tmp_path, body)
    assert done.returncode == 0, done.stderr
    _clear(_result(tmp_path, "save"), 2, "read-only")
    record = _result(tmp_path, "record")
    assert "Traceback" not in record.stderr
    assert record.returncode in (1, 2), record.stderr
    assert "answer.wav" in record.stderr
    _clear(_result(tmp_path, "export"), 2, "read-only")


def test_the_app_without_a_display_says_so(tmp_path: Path) -> None:
    """`viva` over SSH: a message and exit 2, not Qt's abort advising a reinstall."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    result = subprocess.run(
        [sys.executable, "-m", "viva", "--data-dir", str(tmp_path / "data")],
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
        env=env,
        timeout=120,
    )
    _clear(result, 2, "no display found", "viva --help")
    assert "Reinstalling" not in result.stderr


@pytest.mark.parametrize(
    ("content", "field"),
    [
        ('{"text": "a canary first", "duration_s": "ten"}', "duration_s"),
        ('{"text": "a canary first", "duration_s": -5}', "duration_s"),
        ('{"text": null}', "text"),
        ('{"text": 5}', "text"),
        ('{"text": "x y", "words": [{"word": "x", "start": "x", "end": 1}]}', "words.0.start"),
        ('{"question_id": "canary-vs-blue-green", "coverage": 0.5}', "text"),  # score --json
    ],
)
def test_a_bad_transcript_json_names_the_field(
    content: str, field: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A hand-edited transcript is refused with the bad field named: no traceback, and no
    negative length or the word 'None' scored and saved."""
    path = tmp_path / "t.json"
    path.write_text(content, encoding="utf-8")
    assert main(["score", "--question", QID, "--transcript", str(path), "--save"]) == 2
    err = capsys.readouterr().err
    assert "is not a `viva transcribe --json` transcript" in err
    assert f"({field}:" in err
    assert main(["history"]) == 0
    assert "No attempts" in capsys.readouterr().out


def test_a_transcript_json_round_trips() -> None:
    from viva.speech.transcript import Segment, Transcript, Word

    t = Transcript(
        text="A canary first.",
        words=(Word("A", 0.0, 0.2, 0.9), Word("canary", 0.2, 0.6), Word("first.", 0.6, 1.0)),
        segments=(Segment(0.0, 1.0, "A canary first."),),
        duration_s=1.5,
        extra={"model": "tiny.en"},
    )
    assert Transcript.from_user_json(json.loads(json.dumps(t.to_dict()))) == t


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["transcribe", "DIR"], ["is a folder, not an audio file"]),
        (["import", "DIR"], ["is a folder", "viva export"]),
        (["bank", "import", "DIR"], ["is a folder", "Markdown"]),
        (["score", "-q", QID, "--transcript", "DIR"], ["is a folder"]),
        (["score", "-q", QID, "--transcript", "MISSING"], ["does not exist"]),
        (["score", "-q", QID, "--transcript", "WAV"], ["not UTF-8 text", "without --transcript"]),
        (["bank", "import", "WAV"], ["not UTF-8 text"]),
    ],
)
def test_wrong_kinds_of_path_are_named_plainly(
    args: list[str], words: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A folder is not called missing, and no raw '[Errno 21]' or codec error is shown."""
    wav = tmp_path / "answer.wav"
    sf.write(str(wav), np.zeros(16000, dtype=np.float32), 16000)
    paths = {"DIR": str(tmp_path), "MISSING": str(tmp_path / "nope.txt"), "WAV": str(wav)}
    assert main([paths.get(a, a) for a in args]) == 2
    err = capsys.readouterr().err
    for word in words:
        assert word in err, err
    assert "Errno" not in err
    assert "codec" not in err


@pytest.mark.parametrize(
    "args",
    [
        ["transcribe", "MISSING", "--json"],
        ["score", "-q", "no-such-question", "--transcript", "MISSING", "--json"],
        ["bank", "list", "--topic", "no-such-topic", "--json"],
    ],
)
def test_json_commands_fail_with_json(
    args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With --json a failure is also JSON on stdout (the message and the exit code)."""
    code = main([str(tmp_path / "nope.wav") if a == "MISSING" else a for a in args])
    assert code == 2
    out = capsys.readouterr()
    assert out.err.startswith("viva: error: ")
    assert json.loads(out.out) == {
        "error": out.err.removeprefix("viva: error: ").strip(),
        "exit_code": 2,
    }
