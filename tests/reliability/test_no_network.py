"""The README's "Nothing leaves your computer", checked on real processes with strace.

Each command runs as a real subprocess under ``strace -f -e trace=socket,connect`` and must not
open one AF_INET/AF_INET6 socket (a DNS lookup is one). onnxruntime's telemetry (1.29+) fires
about 9 s after its first session is created and only while the process lives, so each command
runs through ``viva.cli.main`` and the process then stays alive for ``WATCH_S`` seconds with
everything still loaded.

The subprocesses get a minimal environment: no CI variables (onnxruntime stays silent when it
sees ``CI``, ``GITHUB_ACTIONS``, ...), no ``ORT_*``/``HF_*`` variables, so the only protection is
what Viva does itself. A control process runs the same transcription with Viva's opt-out removed:
when the installed onnxruntime carries the telemetry client, the control must be seen opening
inet sockets within the window, which proves the window is long enough and the harness works.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

#: Seconds each process stays alive after its command finished (telemetry fired after ~9 s in
#: 5 of 5 runs here; the issue saw ~25 s on a loaded machine).
WATCH_S = float(os.environ.get("VIVA_PRIVACY_WATCH_S", "30"))
COLLECTOR = b"mobile.events.data.microsoft.com"
INET = re.compile(r"\b(?:socket\(AF_INET6?\b|connect\(\d+, \{sa_family=AF_INET6?\b)")
#: Passed through to the subprocesses; everything else (CI markers, ORT_*, HF_*) is dropped.
KEEP_ENV = (
    "PATH",
    "LANG",
    "LC_ALL",
    "LC_CTYPE",
    "TZ",
    "PULSE_SERVER",
    "PULSE_RUNTIME_PATH",
    "XDG_RUNTIME_DIR",
    "PYTHONPATH",
    "VIRTUAL_ENV",
)

RUNNER = """\
import os, sys, time
import viva
if os.environ.get("VIVA_TEST_CONTROL") == "1":
    # Control only: undo Viva's opt-out to show the harness would see the telemetry.
    os.environ.pop("ORT_DISABLE_TELEMETRY", None)
from viva.cli import main
code = main(sys.argv[1:])
sys.stdout.flush()
time.sleep(float(os.environ["VIVA_TEST_WATCH_S"]))
sys.exit(code)
"""


@dataclass
class Traced:
    name: str
    proc: subprocess.Popen[str]
    trace: Path
    code: int | None = None
    output: str = ""

    def inet_lines(self) -> list[str]:
        text = self.trace.read_text(encoding="utf-8", errors="replace")
        return [line for line in text.splitlines() if INET.search(line)]


def _strace_usable(tmp_path: Path) -> str | None:
    """None if strace can trace a child here, else why not."""
    if shutil.which("strace") is None:
        return "strace is not installed (scripts/setup.sh test installs it)"
    probe = subprocess.run(
        ["strace", "-f", "-o", str(tmp_path / "probe.txt"), "true"],
        capture_output=True,
        text=True,
        check=False,
    )
    if probe.returncode != 0:
        return f"strace cannot trace here (ptrace not permitted?): {probe.stderr.strip()[:200]}"
    return None


def _onnxruntime_has_collector() -> bool:
    """Whether the installed onnxruntime native library contains the telemetry collector."""
    import importlib.util

    spec = importlib.util.find_spec("onnxruntime")
    if spec is None or spec.origin is None:
        return False
    capi = Path(spec.origin).parent / "capi"
    for lib in capi.glob("libonnxruntime.so*"):
        with open(lib, "rb") as fh:
            tail = b""
            for block in iter(lambda fh=fh: fh.read(1 << 22), b""):
                if COLLECTOR in tail + block:
                    return True
                tail = block[-len(COLLECTOR) :]
    return False


def _env(tmp_path: Path, name: str) -> dict[str, str]:
    env = {k: os.environ[k] for k in KEEP_ENV if k in os.environ}
    home = tmp_path / name
    env.update(
        HOME=str(home / "home"),
        XDG_DATA_HOME=str(home / "xdg-data"),
        XDG_CONFIG_HOME=str(home / "xdg-config"),
        XDG_CACHE_HOME=str(home / "xdg-cache"),
        VIVA_DATA_DIR=str(home / "viva-data"),
        QT_QPA_PLATFORM="offscreen",
        VIVA_TEST_WATCH_S=str(WATCH_S),
    )
    return env


def _start(tmp_path: Path, name: str, args: list[str], **extra_env: str) -> Traced:
    runner = tmp_path / "runner.py"
    if not runner.exists():
        runner.write_text(RUNNER, encoding="utf-8")
    trace = tmp_path / f"{name}.strace"
    env = _env(tmp_path, name)
    env.update(extra_env)
    cmd = [
        "strace",
        "-f",
        "-qq",
        "-e",
        "trace=socket,connect",
        "-o",
        str(trace),
        sys.executable,
        str(runner),
        *args,
    ]
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    return Traced(name, proc, trace)


def test_no_inet_socket_while_transcribing_scoring_and_in_the_smoke_test(
    tmp_path: Path, jfk_wav: Path
) -> None:
    reason = _strace_usable(tmp_path)
    if reason:
        pytest.skip(reason)
    answer = tmp_path / "answer.txt"
    answer.write_text(
        "A canary release sends a small share of traffic to the new version and watches the "
        "error rate; blue-green keeps two full environments and switches all traffic at once, "
        "so rollback is instant.",
        encoding="utf-8",
    )
    has_collector = _onnxruntime_has_collector()
    runs = [
        _start(tmp_path, "transcribe", ["transcribe", str(jfk_wav)]),
        _start(
            tmp_path,
            "score",
            ["score", "--question", "canary-vs-blue-green", "--transcript", str(answer), "--save"],
        ),
        _start(tmp_path, "smoke", ["--smoke-test"]),
    ]
    control = None
    if has_collector:
        control = _start(tmp_path, "control", ["transcribe", str(jfk_wav)], VIVA_TEST_CONTROL="1")
    for run in [*runs, *([control] if control else [])]:
        run.output, _ = run.proc.communicate(timeout=WATCH_S + 400)
        run.code = run.proc.returncode

    # First the point of the test: no inet socket, no telemetry state on disk, in any run.
    for run in runs:
        seen = run.inet_lines()
        assert not seen, (
            f"viva {run.name} opened {len(seen)} inet socket(s) (data may leave the machine):\n"
            + "\n".join(seen[:10])
        )
        # The telemetry client also keeps a device id and an event cache on disk.
        kept = list((tmp_path / run.name).rglob(".onnxruntime"))
        assert not kept, f"viva {run.name} left a telemetry device id/cache: {kept}"
    if control is not None:
        assert control.code == 0, control.output[-3000:]
        assert control.inet_lines(), (
            f"the control (Viva's opt-out removed) opened no inet socket in {WATCH_S:g} s, so "
            "this test watched too briefly to mean anything; raise VIVA_PRIVACY_WATCH_S"
        )
    # Then that each command really ran (and so loaded what it loads).
    for run in runs:
        if run.name == "smoke" and run.code != 0 and "model loaded from" in run.output:
            # The smoke test's own deadlines (ui/smoke.py) can pass on a machine loaded far
            # beyond its 2 cores; the model was loaded and watched, which is what counts here.
            pytest.xfail(f"viva --smoke-test ran out of time under load:\n{run.output[-600:]}")
        assert run.code == 0, f"viva {run.name} failed:\n{run.output[-3000:]}"
