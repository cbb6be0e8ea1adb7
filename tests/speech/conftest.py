from __future__ import annotations

import shutil

import pytest

from viva.speech.transcriber import Transcriber


@pytest.fixture(scope="session")
def transcriber() -> Transcriber:
    """The real tiny.en model, loaded once per session."""
    t = Transcriber()
    t.load()
    return t


@pytest.fixture
def need_espeak() -> None:
    if shutil.which("espeak-ng") is None or shutil.which("sox") is None:
        pytest.skip("espeak-ng and sox are needed")
