"""Layout strings: real tmux output checked against tmux's own pane geometry, then edges."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import TmuxServer
from tests.helpers import pane_geometry
from tuimux.control.layout import (
    MAX_CELLS,
    MAX_DEPTH,
    MAX_NUMBER,
    MAX_PANE_ID,
    MAX_SIZE,
    Layout,
    format_layout,
    layout_checksum,
    parse_layout,
)
from tuimux.errors import LayoutError


def signed(body: str) -> str:
    """A layout line with a correct checksum, so only the body's shape is under test."""
    return f"{layout_checksum(body):04x},{body}"


def leaves(layout: Layout) -> dict[str, tuple[int, int, int, int]]:
    """(left, top, width, height) per pane, the shape ``pane_geometry`` reports."""
    return {
        cell.pane_id or "?": (cell.x, cell.y, cell.width, cell.height) for cell in layout.panes()
    }


def shape(layout: Layout) -> str:
    if layout.split == "leaf":
        return "p"
    inner = ",".join(shape(child) for child in layout.children)
    return "{" + inner + "}" if layout.split == "horizontal" else "[" + inner + "]"


def assert_tiles(cell: Layout) -> None:
    """Children of a split fill it exactly, one border cell apart, along the split's axis."""
    if cell.split == "leaf":
        return
    across = cell.split == "horizontal"
    position = cell.x if across else cell.y
    for child in cell.children:
        if across:
            assert (child.x, child.y, child.height) == (position, cell.y, cell.height)
            position += child.width + 1
        else:
            assert (child.y, child.x, child.width) == (position, cell.x, cell.width)
            position += child.height + 1
        assert_tiles(child)
    assert position == (cell.x + cell.width if across else cell.y + cell.height) + 1


def check_window(server: TmuxServer, window: str) -> Layout:
    """Parse the window's layout and hold every leaf against ``list-panes``."""
    text = server.display(window, "#{window_layout}")
    layout = parse_layout(text)
    assert format_layout(layout) == text
    assert leaves(layout) == pane_geometry(server, window)
    assert len(layout.pane_ids()) == len(list(layout.panes()))
    assert_tiles(layout)
    return layout


# Each case: the splits to make (flag, target pane index), then the tree tmux should build.
SCENARIOS = {
    "single": ([], "p"),
    "side-by-side": ([("-h", "0")], "{p,p}"),
    "stacked": ([("-v", "0")], "[p,p]"),
    "three-columns": ([("-h", "0"), ("-h", "1")], "{p,p,p}"),
    "nested": ([("-h", "0"), ("-v", "1")], "{p,[p,p]}"),
    "deep": (
        [("-h", "0"), ("-v", "1"), ("-h", "0"), ("-v", "0"), ("-h", "4")],
        "{[p,p],p,[p,{p,p}]}",  # a same-direction split joins its parent, not nests
    ),
}


@pytest.mark.parametrize("name", SCENARIOS)
def test_real_layouts_match_tmux_geometry(tmux_server: TmuxServer, name: str) -> None:
    splits, expected_shape = SCENARIOS[name]
    tmux_server.new_session("s", width=159, height=48)
    for flag, pane in splits:
        tmux_server.run("split-window", "-d", flag, "-t", f"s:0.{pane}")
    layout = check_window(tmux_server, "s:0")
    assert shape(layout) == expected_shape
    assert (layout.width, layout.height, layout.x, layout.y) == (159, 48, 0, 0)


def test_preset_and_resized_layouts(tmux_server: TmuxServer) -> None:
    tmux_server.new_session("s", width=120, height=40)
    for _ in range(4):
        tmux_server.run("split-window", "-d", "-t", "s:0.0")
    for preset in ("tiled", "main-vertical", "even-horizontal"):
        tmux_server.run("select-layout", "-t", "s:0", preset)
        check_window(tmux_server, "s:0")
    tmux_server.run("resize-pane", "-t", "s:0.0", "-R", "7")
    tmux_server.run("resize-window", "-t", "s:0", "-x", "97", "-y", "31")
    assert parse_layout(tmux_server.display("s:0", "#{window_layout}")).width == 97
    check_window(tmux_server, "s:0")


def test_zoom_keeps_the_tree_and_shows_one_pane(tmux_server: TmuxServer) -> None:
    tmux_server.new_session("s", width=100, height=30)
    tmux_server.run("split-window", "-d", "-h", "-t", "s:0.0")
    tmux_server.run("split-window", "-d", "-v", "-t", "s:0.1")
    before = tmux_server.display("s:0", "#{window_layout}")
    assert tmux_server.display("s:0", "#{window_visible_layout}") == before
    zoomed = tmux_server.display("s:0.2", "#{pane_id}")
    tmux_server.run("resize-pane", "-Z", "-t", zoomed)
    assert tmux_server.display("s:0", "#{window_zoomed_flag}") == "1"
    full = parse_layout(tmux_server.display("s:0", "#{window_layout}"))
    visible = parse_layout(tmux_server.display("s:0", "#{window_visible_layout}"))
    # window_layout still describes the unzoomed tree; the visible one is the zoomed pane.
    assert format_layout(full) == before
    assert visible == Layout(100, 30, 0, 0, zoomed, "leaf")
    geometry = pane_geometry(tmux_server, "s:0")
    assert geometry[zoomed] == (0, 0, 100, 30)
    hidden = {k: v for k, v in leaves(full).items() if k != zoomed}
    assert hidden == {k: v for k, v in geometry.items() if k != zoomed}
    tmux_server.run("resize-pane", "-Z", "-t", zoomed)
    assert tmux_server.display("s:0", "#{window_visible_layout}") == before


def test_known_single_pane_string_is_what_tmux_prints(tmux_server: TmuxServer) -> None:
    tmux_server.new_session("s", width=80, height=24)
    assert tmux_server.display("s:0", "#{window_layout}") == "b25d,80x24,0,0,0"
    assert layout_checksum("80x24,0,0,0") == 0xB25D
    assert parse_layout("b25d,80x24,0,0,0") == Layout(80, 24, 0, 0, "%0", "leaf")


def test_every_one_character_change_fails_the_checksum(tmux_server: TmuxServer) -> None:
    tmux_server.new_session("s", width=120, height=40)
    tmux_server.run("split-window", "-d", "-h", "-t", "s:0.0")
    tmux_server.run("split-window", "-d", "-v", "-t", "s:0.1")
    text = tmux_server.display("s:0", "#{window_layout}")
    parse_layout(text)
    csum, body = text.split(",", 1)
    for at, old in enumerate(body):
        for new in {"0", "1", "9", ",", "x"} - {old}:
            with pytest.raises(LayoutError, match="checksum"):
                parse_layout(f"{csum},{body[:at]}{new}{body[at + 1 :]}")
    wrong = f"{(int(csum, 16) + 1) % 0x10000:04x}"
    with pytest.raises(LayoutError, match="checksum"):
        parse_layout(f"{wrong},{body}")


def test_cells_without_ids_are_what_tmux_accepts(tmux_server: TmuxServer) -> None:
    # ",79x48" after "X,Y" is the next cell, not pane 79: tmux rewinds when digits meet "x".
    body = "159x48,0,0{79x48,0,0,79x48,80,0}"
    layout = parse_layout(signed(body))
    assert layout.children == (
        Layout(79, 48, 0, 0, None, "leaf"),
        Layout(79, 48, 80, 0, None, "leaf"),
    )
    assert layout.pane_ids() == []
    assert format_layout(layout) == signed(body)
    # tmux itself takes the id-less string and hands the cells to its panes in order.
    tmux_server.new_session("s", width=159, height=48)
    tmux_server.run("split-window", "-d", "-v", "-t", "s:0.0")
    tmux_server.run("select-layout", "-t", "s:0", signed(body))
    real = check_window(tmux_server, "s:0")
    assert [(c.x, c.width) for c in real.children] == [(0, 79), (80, 79)]


@pytest.mark.parametrize(
    ("body", "ids", "xs"),
    [
        ("159x48,0,0{79x48,0,0,1,79x48,80,0,2}", ["%1", "%2"], [0, 80]),
        ("159x48,0,0{79x48,0,0,12,79x48,80,0,345}", ["%12", "%345"], [0, 80]),
        ("159x48,0,0{79x48,0,0,79x48,80,0,7}", ["%7"], [0, 80]),
        ("159x48,0,0[159x24,0,0,0,159x23,0,25,4294967295]", ["%0", "%4294967295"], [0, 0]),
    ],
)
def test_ids_versus_next_cell(body: str, ids: list[str], xs: list[int]) -> None:
    layout = parse_layout(signed(body))
    assert layout.pane_ids() == ids
    assert [child.x for child in layout.children] == xs
    assert format_layout(layout) == signed(body)


def test_floating_section_of_newer_tmux() -> None:
    # Verbatim from tmux next-3.8 (tmux/tmux#5577): the float is listed in the tree *and*
    # in "<…>"; its checksum matches ours, so the section is part of the checked body.
    text = "e741,120x40,0,0{60x40,0,0,0,59x40,61,0,1,28x8,21,11,2}<28x8,21,11,2>"
    layout = parse_layout(text)
    assert layout.floating == (Layout(28, 8, 21, 11, "%2", "leaf"),)
    assert layout.pane_ids() == ["%0", "%1", "%2"]
    assert [cell.pane_id for cell in layout.panes()] == ["%0", "%1", "%2", "%2"]
    assert format_layout(layout) == text
    dragged = parse_layout(signed("80x24,0,0,1<20x10,-3,-100000,7,5x5,0,0[5x2,0,0,8,5x2,0,3,9]>"))
    assert (dragged.floating[0].x, dragged.floating[0].y) == (-3, -100_000)
    assert dragged.pane_ids() == ["%1", "%7", "%8", "%9"]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "80x24,0,0,0",
        "b25d",
        "b25d,",
        "B25D,80x24,0,0,0",
        "b25,80x24,0,0,0",
        "0b25d,80x24,0,0,0",
        "zzzz,80x24,0,0,0",
        " b25d,80x24,0,0,0",
        "b25d,80x24,0,0,0\n",
        "b25d,80x24,0,0,0\x00",
    ],
)
def test_bad_checksum_fields_raise(text: str) -> None:
    with pytest.raises(LayoutError):
        parse_layout(text)


@pytest.mark.parametrize(
    "body",
    [
        "80x24,0,0{40x24,0,0,1",  # unclosed
        "80x24,0,0{40x24,0,0,1]",  # mismatched
        "80x24,0,0[40x24,0,0,1}",
        "80x24,0,0{}",  # a split needs a cell
        "80x24,0,0{40x24,0,0,1,}",
        "80x24,0,0,1}",
        "80x24,0,0,1junk",  # trailing junk
        "80x24,0,0,1,",
        "80x24,0,0,1 ",
        "80x24,0,0,1,2",
        "80x24,0,0,5{40x24,0,0,1}",  # a split with a pane id
        "80x24,0,",
        "80x24",
        "x24,0,0,1",
        "80x,0,0,1",
        "-80x24,0,0,1",
        "80x24,+1,0,1",
        "80x24,0,0,-1",
        "080x24,0,0,1",  # tmux never pads: not the string it printed
        "80x24,00,0,1",
        "80x24,-0,0,1",
        "80x24,0,0,01",
        "100001x24,0,0,1",  # huge
        "80x24,-100001,0,1",
        "80x24,0,0,4294967296",
        "999999999999x24,0,0,1",
        "80x24,0,0," + "9" * 5000,  # past int()'s digit limit: still a LayoutError
        "8\u0660x24,0,0,1",  # an Arabic-Indic zero is a digit to \d, not to tmux
        "80x24,0,0,\uff11",
        "80x24,0,0,1<>",
        "80x24,0,0,1<20x10,0,0,2",
        "80x24,0,0,1<20x10,0,0,2><5x5,0,0,3>",
        "80x24,0,0{40x24,0,0,1<5x5,0,0,3>,39x24,41,0,2}",
        "80x24,0,0,1\n",
    ],
)
def test_malformed_bodies_raise_even_with_good_checksums(body: str) -> None:
    with pytest.raises(LayoutError, match="malformed"):
        parse_layout(signed(body))


def nested(depth: int) -> str:
    return "1x1,0,0" + "{1x1,0,0" * depth + ",1" + "}" * depth


def test_cells_and_sizes_are_bounded() -> None:
    """One line may be 256 MB; the tree built from it is at most MAX_CELLS objects, and no
    cell is larger than tmux's WINDOW_MAXIMUM (a forged 100000x100000 is refused)."""

    def flat(count: int) -> str:
        return "1x1,0,0{" + ",".join(f"1x1,0,0,{n}" for n in range(count)) + "}"

    assert len(parse_layout(signed(flat(MAX_CELLS - 1))).pane_ids()) == MAX_CELLS - 1
    with pytest.raises(LayoutError, match=f"more than {MAX_CELLS} cells"):
        parse_layout(signed(flat(MAX_CELLS)))
    assert parse_layout(signed(f"{MAX_SIZE}x{MAX_SIZE},0,0,1")).width == MAX_SIZE
    for body in ("100000x100000,0,0,1", f"80x{MAX_SIZE + 1},0,0,1"):
        with pytest.raises(LayoutError, match="out of range"):
            parse_layout(signed(body))


def test_nesting_is_bounded() -> None:
    deepest = parse_layout(signed(nested(MAX_DEPTH)))
    assert deepest.pane_ids() == ["%1"]
    with pytest.raises(LayoutError, match="nested"):
        parse_layout(signed(nested(MAX_DEPTH + 1)))
    with pytest.raises(LayoutError, match="nested"):
        parse_layout(signed(nested(50_000)))


@pytest.mark.parametrize(
    "make",
    [
        lambda: Layout(80, 24, 0, 0, "%1", "leaf", (Layout(1, 1, 0, 0, "%2", "leaf"),)),
        lambda: Layout(80, 24, 0, 0, None, "horizontal"),
        lambda: Layout(80, 24, 0, 0, "%1", "vertical", (Layout(1, 1, 0, 0, "%2", "leaf"),)),
        lambda: Layout(80, 24, 0, 0, "1", "leaf"),
        lambda: Layout(80, 24, 0, 0, "%01", "leaf"),
        lambda: Layout(80, 24, 0, 0, "%4294967296", "leaf"),
        lambda: Layout(80, 24, 0, 0, "%1", "diagonal"),  # type: ignore[arg-type]
        lambda: Layout(-1, 24, 0, 0, "%1", "leaf"),
        lambda: Layout(80, MAX_SIZE + 1, 0, 0, "%1", "leaf"),
        lambda: Layout(80, 24, -MAX_NUMBER - 1, 0, "%1", "leaf"),
    ],
)
def test_trees_that_cannot_be_written_back_are_refused(make: Callable[[], Layout]) -> None:
    with pytest.raises(LayoutError):
        make()


def test_floating_only_formats_on_the_root() -> None:
    float_cell = Layout(5, 5, 0, 0, "%9", "leaf")
    inner = Layout(40, 24, 0, 0, "%1", "leaf", floating=(float_cell,))
    root = Layout(80, 24, 0, 0, None, "horizontal", (inner, Layout(39, 24, 41, 0, "%2", "leaf")))
    with pytest.raises(LayoutError, match="root"):
        format_layout(root)


# --- properties -------------------------------------------------------------------------

sizes = st.integers(min_value=0, max_value=MAX_SIZE)
offsets = st.integers(min_value=-MAX_NUMBER, max_value=MAX_NUMBER)
pane_ids = st.none() | st.integers(min_value=0, max_value=MAX_PANE_ID).map(lambda n: f"%{n}")
leaf_cells = st.builds(Layout, sizes, sizes, offsets, offsets, pane_ids, st.just("leaf"))


def with_children(children: st.SearchStrategy[Layout]) -> st.SearchStrategy[Layout]:
    return st.builds(
        Layout,
        sizes,
        sizes,
        offsets,
        offsets,
        st.none(),
        st.sampled_from(["horizontal", "vertical"]),
        st.lists(children, min_size=1, max_size=4).map(tuple),
    )


trees = st.recursive(leaf_cells, with_children, max_leaves=12)
roots = st.builds(
    lambda root, floating: replace(root, floating=floating),
    trees,
    st.lists(trees, max_size=3).map(tuple),
)


@given(roots)
def test_format_then_parse_round_trips(layout: Layout) -> None:
    text = format_layout(layout)
    assert parse_layout(text) == layout
    assert text.isascii() and text[4] == "," and text[:4] == f"{int(text[:4], 16):04x}"


def parse_or_refuse(text: str) -> None:
    """Either a LayoutError, or a parse that writes back to the very same string."""
    try:
        layout = parse_layout(text)
    except LayoutError:
        return
    assert format_layout(layout) == text


@settings(max_examples=300)
@given(st.text(max_size=80))
def test_garbage_raises_only_layout_error(text: str) -> None:
    parse_or_refuse(text)
    parse_or_refuse(signed(text))


layout_alphabet = st.sampled_from("0123456789x,{}[]<>-%")


@settings(max_examples=300)
@given(st.text(layout_alphabet, max_size=60))
def test_near_layouts_with_good_checksums_parse_exactly_or_refuse(body: str) -> None:
    parse_or_refuse(signed(body))


@settings(max_examples=300)
@given(roots, st.integers(min_value=0), layout_alphabet | st.characters(), st.integers(0, 2))
def test_mutated_layouts_parse_exactly_or_refuse(
    layout: Layout, at: int, char: str, kind: int
) -> None:
    body = format_layout(layout)[5:]
    at %= len(body)
    mutated = [
        body[:at] + char + body[at:],
        body[:at] + body[at + 1 :],
        body[:at] + char + body[at + 1 :],
    ][kind]
    parse_or_refuse(signed(mutated))
    if kind == 2 and mutated != body and mutated.isascii():
        with pytest.raises(LayoutError, match="checksum"):
            parse_layout(format_layout(layout)[:5] + mutated)
