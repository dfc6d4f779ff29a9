"""Layout strings from a real tmux, checked against tmux's own pane geometry."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import TmuxServer
from tests.helpers import pane_geometry
from tuimux.control.layout import Layout, format_layout, layout_checksum, parse_layout
from tuimux.errors import LayoutError


def geometry(server: TmuxServer, window: str) -> dict[str, tuple[int, int, int, int]]:
    return pane_geometry(server, window)


def leaves(layout: Layout) -> dict[str, tuple[int, int, int, int]]:
    return {c.pane_id or "": (c.x, c.y, c.width, c.height) for c in layout.panes()}


def test_real_layouts_match_tmux_geometry(tmux_server: TmuxServer) -> None:
    tmux_server.new_session("s", width=159, height=48)
    splits = [("-h", "s:0"), ("-v", "s:0.1"), ("-h", "s:0.0"), ("-v", "s:0.0"), ("-v", "s:0.3")]
    for flag, target in splits:
        tmux_server.run("split-window", flag, "-t", target)
        text = tmux_server.display("s:0", "#{window_layout}")
        layout = parse_layout(text)
        assert leaves(layout) == geometry(tmux_server, "s:0")
        assert format_layout(layout) == text
        assert layout.split in ("horizontal", "vertical")


def test_zoomed_visible_layout_is_the_single_pane(tmux_server: TmuxServer) -> None:
    tmux_server.new_session("s", width=100, height=30)
    tmux_server.run("split-window", "-h", "-t", "s:0")
    tmux_server.run("resize-pane", "-Z", "-t", "s:0.1")
    full = parse_layout(tmux_server.display("s:0", "#{window_layout}"))
    visible = parse_layout(tmux_server.display("s:0", "#{window_visible_layout}"))
    assert len(full.pane_ids()) == 2
    zoomed = tmux_server.display("s:0.1", "#{pane_id}")
    assert visible.pane_ids() == [zoomed]
    assert (visible.width, visible.height) == (100, 30)


def test_single_pane_known_string() -> None:
    layout = parse_layout("b25d,80x24,0,0,0")
    assert layout == Layout(80, 24, 0, 0, "%0", "leaf")


def test_checksum_mismatch_is_refused() -> None:
    body = "80x24,0,0{40x24,0,0,1,39x24,41,0,2}"
    good = f"{layout_checksum(body):04x},{body}"
    assert parse_layout(good).pane_ids() == ["%1", "%2"]
    tampered = good.replace("39x24", "38x24")
    with pytest.raises(LayoutError, match="checksum"):
        parse_layout(tampered)


def test_id_versus_next_cell() -> None:
    # ",79x48" after "X,Y" is the next cell, not a pane id (tmux's own disambiguation).
    body = "159x48,0,0{79x48,0,0,79x48,80,0}"
    layout = parse_layout(f"{layout_checksum(body):04x},{body}")
    assert [child.pane_id for child in layout.children] == [None, None]
    assert [child.x for child in layout.children] == [0, 80]


def test_floating_section_of_tmux_3_7() -> None:
    body = "80x24,0,0,1<20x10,-3,5,7>"
    layout = parse_layout(f"{layout_checksum(body):04x},{body}")
    assert layout.pane_ids() == ["%1", "%7"]
    assert layout.floating[0].x == -3


@pytest.mark.parametrize(
    "text",
    [
        "",
        "80x24,0,0,0",
        "zzzz,80x24,0,0,0",
        "0000,",
        "body-without-checksum",
        "{},{}",
    ],
)
def test_malformed_layouts_raise_layout_error(text: str) -> None:
    with pytest.raises(LayoutError):
        parse_layout(text)


@pytest.mark.parametrize(
    "body",
    [
        "80x24,0,0{40x24,0,0,1",
        "80x24,0,0{40x24,0,0,1]",
        "80x24,0,0,1junk",
        "999999999x24,0,0,1",
        "1x1,0,0" + "{1x1,0,0" * 150 + "}" * 150,
    ],
)
def test_malformed_bodies_with_good_checksums(body: str) -> None:
    with pytest.raises(LayoutError):
        parse_layout(f"{layout_checksum(body):04x},{body}")


numbers = st.integers(min_value=0, max_value=500)


def cells(depth: int = 0) -> st.SearchStrategy[Layout]:
    leaf = st.builds(
        Layout,
        numbers,
        numbers,
        numbers,
        numbers,
        st.integers(min_value=0, max_value=9999).map(lambda n: f"%{n}"),
        st.just("leaf"),
    )
    if depth >= 3:
        return leaf
    split = st.builds(
        Layout,
        numbers,
        numbers,
        numbers,
        numbers,
        st.none(),
        st.sampled_from(["horizontal", "vertical"]),
        st.lists(st.deferred(lambda: cells(depth + 1)), min_size=1, max_size=4).map(tuple),
    )
    return st.one_of(leaf, split)


@given(cells())
def test_format_then_parse_round_trips(layout: Layout) -> None:
    assert parse_layout(format_layout(layout)) == layout


@given(st.text(max_size=60))
def test_garbage_raises_only_layout_error(text: str) -> None:
    with contextlib.suppress(LayoutError):
        parse_layout(text)


@given(cells(), st.integers(min_value=0, max_value=200), st.characters())
def test_mutated_bodies_raise_only_layout_error(layout: Layout, at: int, char: str) -> None:
    body = format_layout(layout).split(",", 1)[1]
    at %= len(body) + 1
    mutated = body[:at] + char + body[at:]
    with contextlib.suppress(LayoutError):
        parse_layout(f"{layout_checksum(mutated):04x},{mutated}")
