"""Reading list-keys and filling a prompt's template as tmux does (tuimux.control.bindings)."""

from __future__ import annotations

import shlex

from hypothesis import given
from hypothesis import strategies as st

from tuimux.control.bindings import (
    Block,
    aimed_at,
    fill,
    parse_commands,
    parse_list_keys,
    prompt_of,
    template_replace,
)
from tuimux.control.command import build

# Verbatim from list-keys of tmux 3.2a, 3.3a and next-3.8.
LINES = [
    r"bind-key -T copy-mode-vi \#                send-keys -FX search-backward "
    r'"#{copy_cursor_word}"',
    r'bind-key -T copy-mode-vi /                 command-prompt -T search -p "(search down)" '
    r'{ send-keys -X search-forward "%%" }',
    r'bind-key -T copy-mode-vi /                 command-prompt -p "(search down)" '
    r'"send -X search-forward \"%%%\""',
    r"bind-key  -T copy-mode-vi 1                 command-prompt -NP -I 1 -p (repeat) "
    r'{ send-keys -N "%%" }',
    r'bind-key -T copy-mode C-s               command-prompt -i -I "#{pane_search_string}" '
    r'-T search -p "(search down)" { send-keys -X search-forward-incremental "%%" }',
    r'bind-key    -T prefix &       confirm-before -p "kill-window #W? (y/n)" kill-window',
    r"bind-key -T copy-mode-vi \;   send-keys -X jump-again",
    r"bind-key -r -T prefix Up      select-pane -U",
    r'bind-key -T copy-mode f                 command-prompt -1 -p "(jump forward)" '
    r'{ send-keys -X jump-forward "%%" }',
]


def test_list_keys_lines_parse_to_keys_and_commands() -> None:
    table = parse_list_keys(LINES)
    assert table["#"] == (("send-keys", "-FX", "search-backward", "#{copy_cursor_word}"),)
    assert table[";"] == (("send-keys", "-X", "jump-again"),)
    assert table["Up"] == (("select-pane", "-U"),)
    # The 3.2a string template is the later line for "/": it wins, as it would in tmux.
    assert table["/"] == (
        ("command-prompt", "-p", "(search down)", 'send -X search-forward "%%%"'),
    )


def test_prompts_of_each_kind() -> None:
    table = parse_list_keys(LINES)
    search = prompt_of(parse_commands(LINES[1].split("/", 1)[1]))
    assert search is not None and search.kind == "text"
    assert search.prompts == (("(search down) ", ""),)
    assert search.template == (("send-keys", "-X", "search-forward", "%%"),)
    old = prompt_of(table["/"])
    assert old is not None and old.template == (("send", "-X", "search-forward", "%%%"),)
    number = prompt_of(table["1"])
    assert number is not None and (number.kind, number.prompts) == ("number", (("(repeat) ", "1"),))
    incremental = prompt_of(table["C-s"])
    assert incremental is not None and incremental.kind == "incremental"
    assert incremental.prompts == (("(search down) ", "#{pane_search_string}"),)
    single = prompt_of(table["f"])
    assert single is not None and single.kind == "key"
    confirm = prompt_of(table["&"])
    assert confirm is not None and confirm.kind == "confirm"
    assert confirm.prompts == (("kill-window #W? (y/n) ", ""),)
    assert confirm.template == (("kill-window",),)
    assert prompt_of(table["#"]) is None


def test_default_labels_follow_tmux() -> None:
    named = prompt_of(parse_commands("command-prompt { rename-window '%%' }"))
    assert named is not None and named.prompts == (("(rename-window) ", ""),)
    bare = prompt_of(parse_commands("command-prompt"))
    assert bare is not None and bare.prompts == ((":", ""),) and bare.template == (("%1",),)
    confirm = prompt_of(parse_commands("confirm-before kill-server"))
    assert confirm is not None and confirm.prompts == (("Confirm 'kill-server'? (y/n) ", ""),)
    two = prompt_of(parse_commands("command-prompt -p a,b -I x { new-window -n %1 %2 }"))
    assert two is not None and two.prompts == (("a ", "x"), ("b ", ""))
    assert fill(two.template, ["one", "two"]) == [["new-window", "-n", "one", "two"]]


def test_template_replace_as_cmd_template_replace() -> None:
    assert template_replace("%%", "x", 1) == "x"
    assert template_replace("a %% b %%", "x", 1) == "a x b %%"  # only the first %%
    assert template_replace("%1 and %1", "x", 1) == "x and x"
    assert template_replace("%2 %%", "x", 1) == "%2 x"
    assert template_replace("%%%", "x", 1) == "x"
    assert template_replace("100%", "x", 1) == "100%"


def test_nested_blocks_become_one_string_argument() -> None:
    (command,) = parse_commands('if -F 1 { send -X search-forward "%%" ; send -X x }')
    assert isinstance(command[3], Block)
    assert fill((command,), ["a b"]) == [
        ["if", "-F", "1", "send -X search-forward 'a b' ; send -X x"]
    ]


def test_send_keys_is_aimed_at_the_pane_in_mode() -> None:
    argvs = [["send-keys", "-X", "search-forward", "x"], ["send", "-t", "%9", "y"], ["kill-pane"]]
    assert aimed_at(argvs, "%3") == [
        ["send-keys", "-t", "%3", "-X", "search-forward", "x"],
        ["send", "-t", "%9", "y"],
        ["kill-pane"],
    ]


@given(st.text(alphabet=st.characters(blacklist_characters="\n\r\0"), max_size=40))
def test_typed_text_stays_one_argument(typed: str) -> None:
    """Whatever is typed at the prompt reaches tmux as the one argument it fills: no
    quote, ``;``, ``{`` or ``#`` in it can end the command or add one."""
    for line in LINES[1:3]:
        spec = prompt_of(parse_list_keys([line])["/"])
        assert spec is not None
        (argv,) = fill(spec.template, [typed])
        built = build(*argv)
        assert shlex.split(built) == [*argv[:3], typed]
        assert argv[3] == typed
