"""Bank editor: the optional follow-up question (``probe``) of each key point."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from tests.ui.conftest import QT_LOG_IGNORE, NoDevices

pytestmark = [pytest.mark.gui, QT_LOG_IGNORE]

ANSWER = " ".join(["A shadow deployment runs the new model on copies of live requests."] * 6)
PROBE = "What do you do with the shadow model's answers?"


def test_follow_up_question_is_edited_validated_and_saved(qtbot: Any, make_window: Any) -> None:
    from viva.bank import load_bank
    from viva.storage import paths

    window = make_window(sd_module=NoDevices())
    editor = window.show_view("bank")
    editor.new_question()
    editor.id_edit.setText("shadow-deployment-probe")
    editor.question_edit.setPlainText("What is a shadow deployment?")
    editor.topic_edit.setText("deployment")
    editor.answer_edit.setPlainText(ANSWER)
    editor.kp_text.setText("The new model gets a copy of live traffic.")
    assert editor.kp_probe.isEnabled()
    assert editor.kp_probe.text() == ""
    editor.kp_probe.setText("   ")  # blank: no probe (Viva builds one from the point)
    assert "probe" not in editor.key_points[0]
    editor.add_key_point()
    editor.kp_text.setText("Its answers are not returned to users.")
    editor.kp_probe.setText(f"  {PROBE}  ")
    assert editor.key_points[1]["probe"] == PROBE
    editor.add_key_point()
    editor.kp_text.setText("Compare both models' outputs.")
    # Switching key points shows each one's own follow-up question.
    editor.kp_list.setCurrentRow(1)
    assert editor.kp_probe.text() == PROBE
    editor.kp_list.setCurrentRow(2)
    assert editor.kp_probe.text() == ""
    with qtbot.waitSignal(editor.validated, timeout=120_000) as result:
        editor.validate_now()
    assert not [m for m in result.args[0] if not m.startswith("warning")]
    with qtbot.waitSignal(editor.saved, timeout=120_000) as saved:
        editor.save()
    path = Path(saved.args[0])
    points = yaml.safe_load(path.read_text())["questions"][0]["key_points"]
    assert [p.get("probe") for p in points] == [None, PROBE, None]
    question = load_bank([paths.user_bank_dir()]).get("shadow-deployment-probe")
    assert question is not None
    assert question.key_points[1].probe == PROBE
    # Loading the question back fills the field.
    editor.load_question(question)
    editor.kp_list.setCurrentRow(1)
    assert editor.kp_probe.text() == PROBE
    assert "follow-up" in editor.kp_probe.accessibleName().lower()
