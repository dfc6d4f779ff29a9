"""The prompt's line editor on its own: history bounds and completion rules from
status.c that the side-by-side tests with tmux's client do not reach."""

from __future__ import annotations

from tuimux.ui.prompt_editing import (
    CANCEL,
    ENTER,
    PASTE,
    LineEditor,
    PromptSettings,
    completion_words,
    option_names,
)


def test_history_is_per_type_bounded_and_skips_a_repeat() -> None:
    settings = PromptSettings(history_limit=2)
    for line in ("one", "two", "two", "three"):
        editor = LineEditor(line, settings)
        assert editor.key("Enter") == ENTER
    LineEditor("found", settings, "search").key("Enter")
    assert settings.history("command") == ["two", "three"]
    assert settings.history("search") == ["found"]
    editor = LineEditor("", settings)
    editor.key("Up")
    editor.key("Up")
    assert editor.text == "two"
    assert editor.key("Up") == "nothing"  # the oldest kept
    editor.key("Down")
    editor.key("Down")
    assert editor.text == ""  # back to an empty line, as tmux


def test_tab_completes_commands_first_then_options_and_layouts() -> None:
    settings = PromptSettings(
        commands=completion_words(["new-window\tneww", "next-window\tnext"], ["splitp=split-w"]),
        options=option_names(["status-keys vi", "command-alias[0] x=y", "@mine 1"]),
    )
    editor = LineEditor("spl", settings)
    editor.key("Tab")
    assert editor.text == "splitp "  # a command-alias name
    editor = LineEditor("ne", settings)
    editor.key("Tab")
    assert editor.text == "ne"  # new-window, next-window, neww: nothing longer in common
    editor = LineEditor("set status-k", settings)
    editor.key("Tab")
    assert editor.text == "set status-keys "
    editor = LineEditor("selectl ti", settings)
    editor.key("Tab")
    assert editor.text == "selectl tiled "
    editor = LineEditor("status-k", settings)
    editor.key("Tab")
    assert editor.text == "status-k"  # options only after the first word
    assert "@mine" not in settings.options


def test_yank_takes_the_cut_word_else_tmuxs_buffer_up_to_a_control_character() -> None:
    editor = LineEditor("a b", PromptSettings())
    assert editor.key("C-y") == PASTE  # nothing cut: the caller asks tmux
    editor.paste("xy\nz")
    assert editor.text == "a bxy"
    editor.key("C-w")
    editor.key("C-a")
    editor.key("C-y")
    assert editor.text == "bxya "


def test_vi_escape_then_q_cancels_and_escape_in_command_mode_inserts() -> None:
    editor = LineEditor("word", PromptSettings(status_keys="vi"))
    assert editor.key("Escape") == "nothing"
    assert editor.key("Escape") == "nothing"  # back to insert mode, as tmux 3.4
    assert editor.key("q") == "changed"
    assert editor.text == "wordq"
    editor.key("Escape")
    assert editor.key("q") == CANCEL
