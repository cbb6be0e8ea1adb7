"""Bank editor: inline validation with the validator's own messages; saving to the user bank."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from PySide6.QtCore import Qt
from tests.ui.conftest import QT_LOG_IGNORE, NoDevices

from viva.ui.bank_editor import friendly, slug_for

pytestmark = [pytest.mark.gui, QT_LOG_IGNORE]

# Timeouts are long: at start-up the model load and the scorer warm-up can hold both pool
# threads for tens of seconds on a loaded 2-core machine, and validation queues behind them.

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
    with qtbot.waitSignal(editor.validated, timeout=120_000) as result:
        editor.validate_now()
    expected = _validator_messages(editor.form_data(), tmp_path)
    assert expected, "the validator must reject this question"
    assert result.args[0] == expected
    assert any("key_points" in message for message in expected)
    assert "problems" in editor.save_button.toolTip()
    with qtbot.waitSignal(editor.error_occurred, timeout=5_000):
        editor.save()
    # A save attempt shows every problem, in the form's words.
    assert friendly(expected[0]) in editor.problems_label.text()


def test_new_question_shows_problems_only_after_leaving_a_field(
    qtbot: Any, make_window: Any
) -> None:
    window = make_window(sd_module=NoDevices())
    editor = window.show_view("bank")
    with qtbot.waitSignal(editor.validated, timeout=120_000) as result:
        editor.new_question()
    assert result.args[0], "a blank question has problems"
    assert editor.shown_problems() == []
    assert "must not be empty" not in editor.problems_label.text()
    # Tabbing out of the (empty) question and topic fields shows their problems, no others.
    assert editor.question_edit.hasFocus()
    editor.topic_edit.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(editor.topic_edit.hasFocus, timeout=5_000)
    editor.tags_edit.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: len(editor.shown_problems()) == 2, timeout=5_000)
    assert editor.shown_problems() == ["Question: must not be empty", "Topic: must not be empty"]
    assert "Topic: must not be empty" in editor.problems_label.text()
    assert "Reference answer" not in editor.problems_label.text()


def test_new_question_id_follows_its_text_until_typed(qtbot: Any, make_window: Any) -> None:
    window = make_window(sd_module=NoDevices())
    editor = window.show_view("bank")
    editor.new_question()
    editor.question_edit.setPlainText("What is a shadow deployment?")
    assert editor.id_edit.text() == "shadow-deployment"
    qtbot.keyClicks(editor.id_edit, "-mine")
    editor.question_edit.setPlainText("What is a shadow deployment, really?")
    assert editor.id_edit.text() == "shadow-deployment-mine"
    assert slug_for("Why is data validation important?", {"data-validation-important"}) == (
        "data-validation-important-2"
    )


def test_deleting_a_question_can_be_undone(qtbot: Any, make_window: Any) -> None:
    from viva.storage import paths

    window = make_window(sd_module=NoDevices())
    editor = window.show_view("bank")
    _fill(editor)
    with qtbot.waitSignal(editor.validated, timeout=120_000):
        editor.validate_now()
    with qtbot.waitSignal(editor.saved, timeout=120_000):
        editor.save()
    assert editor.delete_button.isEnabled()
    with qtbot.waitSignal(editor.deleted, timeout=120_000):
        editor.delete_current()
    user_file = paths.user_bank_dir() / "my-questions.yaml"
    assert not yaml.safe_load(user_file.read_text())["questions"]
    assert editor.undo_button.isVisible()
    with qtbot.waitSignal(editor.saved, timeout=120_000):
        editor.undo_button.click()
    ids = [q["id"] for q in yaml.safe_load(user_file.read_text())["questions"]]
    assert ids == ["shadow-deployment-basics"]
    assert not editor.undo_button.isVisible()


def test_valid_question_is_saved_to_the_user_bank(qtbot: Any, make_window: Any) -> None:
    from viva.storage import paths

    window = make_window(sd_module=NoDevices())
    editor = window.show_view("bank")
    _fill(editor)
    with qtbot.waitSignal(editor.validated, timeout=120_000) as result:
        editor.validate_now()
    assert not [m for m in result.args[0] if not m.startswith("warning")]
    with qtbot.waitSignal(editor.saved, timeout=120_000) as saved:
        editor.save()
    path = Path(saved.args[0])
    assert path.parent == paths.user_bank_dir()
    data = yaml.safe_load(path.read_text())
    assert data["questions"][0]["id"] == "shadow-deployment-basics"
    assert len(data["questions"][0]["key_points"]) == 3


def test_adding_points_to_a_new_question_leaves_no_empty_point_and_save_says_why(
    qtbot: Any, make_window: Any
) -> None:
    """A new question starts with one empty key point. "Add key point" for each point must
    fill that one first rather than leave it empty before the others; and a Save (button or
    Ctrl+S) on a form with problems names them instead of doing nothing."""
    window = make_window(sd_module=NoDevices())
    editor = window.show_view("bank")
    editor.new_question()
    editor.question_edit.setPlainText("How do you version datasets?")
    editor.topic_edit.setText("data-management")
    editor.answer_edit.setPlainText(ANSWER)
    points = [
        "Store data in object storage and keep only pointers in git.",
        "Every training run records the exact data version it used.",
    ]
    for text in points:
        editor.add_key_point()
        editor.kp_text.setText(text)
    assert [kp["text"] for kp in editor.key_points] == points
    editor.add_key_point()  # a third point, left empty: the form has a problem now
    with qtbot.waitSignal(editor.validated, timeout=120_000) as result:
        editor.validate_now()
    assert any("key_points.2" in message for message in result.args[0])
    assert editor.save_button.isEnabled()  # it explains instead of sitting greyed out
    assert "problem" in editor.save_button.toolTip().lower()
    with qtbot.waitSignal(editor.error_occurred, timeout=5_000):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert "Key point 3" in editor.problems_label.text()
    assert "Fill in the form" not in editor.problems_label.text()


def test_saved_question_can_be_practised_straight_from_the_banner(
    qtbot: Any, make_window: Any
) -> None:
    """Own questions sort after the ~160 built-in ones; the banner's action opens the new one."""
    from viva.bank import open_bank

    window = make_window(sd_module=NoDevices(), bank_loader=lambda: open_bank())
    editor = window.show_view("bank")
    _fill(editor)
    with qtbot.waitSignal(editor.validated, timeout=120_000):
        editor.validate_now()
    with qtbot.waitSignal(editor.question_saved, timeout=120_000) as saved:
        editor.save()
    assert saved.args[0] == "shadow-deployment-basics"
    assert "Saved" in window.banner.text()
    assert window.banner.action_button.text() == "Practise it"
    window.banner.action_button.click()  # may land before the bank has reloaded
    qtbot.waitUntil(
        lambda: window.practice.question is not None
        and window.practice.question.id == "shadow-deployment-basics",
        timeout=120_000,
    )
    assert window.stack.currentWidget() is window.practice
    current = window.practice.question_list.currentItem()
    assert current is not None
    assert current.data(Qt.ItemDataRole.UserRole) == "shadow-deployment-basics"
