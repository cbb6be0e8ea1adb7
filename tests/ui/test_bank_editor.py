"""Bank editor: inline validation with the validator's own messages; saving to the user bank."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from tests.ui.conftest import QT_LOG_IGNORE, NoDevices

pytestmark = [pytest.mark.gui, QT_LOG_IGNORE]

ANSWER = " ".join(["A shadow deployment runs the new model on copies of live requests."] * 6)


def _validator_messages(data: dict[str, Any], tmp_path: Path) -> list[str]:
    from viva.bank import load_bank

    (tmp_path / "bank").mkdir()
    (tmp_path / "bank" / "q.yaml").write_text(yaml.safe_dump({"questions": [data]}))
    return [p.message for p in load_bank([tmp_path / "bank"]).errors]


def _fill(editor: Any) -> None:
    editor.new_question()
    editor.id_edit.setText("shadow-deployment-basics")
    editor.question_edit.setPlainText("What is a shadow deployment?")
    editor.topic_edit.setText("deployment")
    editor.answer_edit.setPlainText(ANSWER)
    editor.kp_text.setText("The new model gets a copy of live traffic.")
    for text in ("Its answers are not returned to users.", "Compare both models' outputs."):
        editor.add_key_point()
        editor.kp_text.setText(text)


def test_invalid_key_point_is_rejected_with_the_validators_message(
    qtbot: Any, make_window: Any, tmp_path: Path
) -> None:
    window = make_window(sd_module=NoDevices())
    editor = window.show_view("bank")
    _fill(editor)
    editor.kp_concepts.setPlainText("shadow | mirror\n |  ")  # second idea has no wording
    editor.add_key_point()  # and a key point with no text
    with qtbot.waitSignal(editor.validated, timeout=10_000) as result:
        editor.validate_now()
    expected = _validator_messages(editor.form_data(), tmp_path)
    assert expected, "the validator must reject this question"
    assert result.args[0] == expected
    assert any("key_points" in message for message in expected)
    assert not editor.save_button.isEnabled()
    assert expected[0] in editor.problems_label.text()
    with qtbot.waitSignal(editor.error_occurred, timeout=5_000):
        editor.save()


def test_valid_question_is_saved_to_the_user_bank(qtbot: Any, make_window: Any) -> None:
    from viva.storage import paths

    window = make_window(sd_module=NoDevices())
    editor = window.show_view("bank")
    _fill(editor)
    with qtbot.waitSignal(editor.validated, timeout=10_000) as result:
        editor.validate_now()
    assert not [m for m in result.args[0] if not m.startswith("warning")]
    with qtbot.waitSignal(editor.saved, timeout=10_000) as saved:
        editor.save()
    path = Path(saved.args[0])
    assert path.parent == paths.user_bank_dir()
    data = yaml.safe_load(path.read_text())
    assert data["questions"][0]["id"] == "shadow-deployment-basics"
    assert len(data["questions"][0]["key_points"]) == 3
