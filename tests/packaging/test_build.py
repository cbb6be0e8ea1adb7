"""The self-contained build: from a clean clone to a bundle that runs offline.

Takes a few minutes (PyInstaller on 2 cores), so it is not part of the normal run or CI:
``VIVA_TEST_PACKAGING=1 pytest tests/packaging`` runs it, ``packaging/build.sh --check`` does
the same checks on the working copy. The clone is of the committed HEAD, not of local edits.
By default the build reuses this interpreter's environment (``PYTHON``); set
``VIVA_TEST_PACKAGING_FRESH_VENV=1`` to let build.sh create its own venv from PyPI as a user
would.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.e2e,
    pytest.mark.skipif(
        os.environ.get("VIVA_TEST_PACKAGING") != "1",
        reason="builds the PyInstaller bundle (minutes); set VIVA_TEST_PACKAGING=1",
    ),
]


@pytest.fixture(scope="module")
def clean_clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    clone = tmp_path_factory.mktemp("clone") / "viva"
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(clone)], check=True)
    return clone


def test_clean_clone_builds_a_bundle_that_runs_offline(
    clean_clone: Path, jfk_wav: Path, tmp_path: Path
) -> None:
    env = dict(os.environ)
    if os.environ.get("VIVA_TEST_PACKAGING_FRESH_VENV") == "1":
        env.pop("PYTHON", None)
    else:
        env["PYTHON"] = sys.executable
    results = tmp_path / "results"
    build = subprocess.run(
        [
            "bash",
            str(clean_clone / "packaging" / "build.sh"),
            "--check",
            "--audio",
            str(jfk_wav),
            "--repeats",
            "3",
            "--results-dir",
            str(results),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=3000,
        check=False,
    )
    log = f"stdout:\n{build.stdout[-6000:]}\nstderr:\n{build.stderr[-6000:]}"
    assert build.returncode == 0, log
    bundle = clean_clone / "packaging" / "dist" / "viva"
    assert f"Viva is ready: {bundle / 'viva'}" in build.stdout

    data = json.loads((results / "packaging.json").read_text(encoding="utf-8"))
    failed = [check["name"] for check in data["checks"] if not check["ok"]]
    assert failed == [], log
    names = {check["name"] for check in data["checks"]}
    assert {"version", "smoke test offscreen", "model loaded from inside the bundle"} <= names
    assert any(name.startswith("transcribe") for name in names)
    assert data["network_isolated"], "the checks must run with the network cut off (unshare -n)"

    model = Path(data["model_path"]).resolve()
    assert model.is_relative_to(bundle.resolve()), model
    assert (model / "model.bin").is_file()
    assert (bundle / "_internal" / "questions").is_dir()
    assert (results / "packaging.md").is_file()
