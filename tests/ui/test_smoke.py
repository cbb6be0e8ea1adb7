"""``viva --smoke-test`` runs the real app offscreen and reports feedback and the model's folder."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytestmark = [pytest.mark.gui, pytest.mark.slow, pytest.mark.e2e]


def test_smoke_test_command_succeeds(model_path: object) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-m", "viva", "--smoke-test"],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"model loaded from: {model_path}" in result.stdout
    assert "stop to feedback:" in result.stdout
    assert "smoke test: OK" in result.stdout
