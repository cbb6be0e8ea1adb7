"""The ``viva bank`` command contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from viva.bank import load_builtin_bank
from viva.cli import main

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"


def test_validate_builtin_bank_passes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bank", "validate"]) == 0
    out = capsys.readouterr()
    assert out.out == ""
    assert "0 errors" in out.err


def test_validate_broken_bank_prints_file_line_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("questions:\n  - id: x\n    question: What?\n", encoding="utf-8")
    assert main(["bank", "validate", "--bank", str(tmp_path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines
    assert all(line.startswith(f"{bad}:2: ") for line in lines)


def test_list_json_lists_every_question(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bank", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    bank = load_builtin_bank()
    assert [q["id"] for q in listed] == [q.id for q in bank]
    assert len(listed) >= 150


def test_list_by_topic_and_unknown_topic(capsys: pytest.CaptureFixture[str]) -> None:
    topic = load_builtin_bank().topics()[0]
    assert main(["bank", "list", "--topic", topic]) == 0
    assert topic in capsys.readouterr().out
    assert main(["bank", "list", "--topic", "no-such-topic"]) == 2
    assert "topics are:" in capsys.readouterr().err


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seed documents not available")
def test_import_round_trips_a_seed_document(tmp_path: Path) -> None:
    seed = SEEDS / "003_ef4e6b730d3eb40e.txt"
    out = tmp_path / "imported" / "seed.yaml"
    assert main(["bank", "import", str(seed), "--out", str(out)]) == 0
    assert main(["bank", "validate", "--bank", str(out.parent)]) == 0
    assert main(["bank", "import", str(seed), "--out", str(out)]) == 2  # no silent overwrite


def test_import_missing_file_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bank", "import", str(tmp_path / "nope.md")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_validate_checks_the_users_own_banks_too(capsys: pytest.CaptureFixture[str]) -> None:
    """Without --bank, validate reads what the app reads: the built-in and the user's banks."""
    from viva.storage.paths import user_bank_dir

    user_bank_dir().mkdir(parents=True, exist_ok=True)
    broken = user_bank_dir() / "mine.yaml"
    broken.write_text('questions:\n  - id: q-1\n    question: "What is it\n', encoding="utf-8")
    assert main(["bank", "validate"]) == 1
    out = capsys.readouterr()
    assert f"{broken}:" in out.out
    # An unclosed quote is reported with the line where it opened.
    assert "YAML syntax error" in out.out
    assert "starts on line 3" in out.out


@pytest.mark.parametrize("command", [["bank", "list"], ["bank", "validate"], ["due"]])
def test_a_missing_bank_folder_is_an_error_not_an_empty_bank(
    command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([*command, "--bank", str(tmp_path / "no-such-folder")])
    assert exit_.value.code == 2
    assert "no such file or folder" in capsys.readouterr().err
