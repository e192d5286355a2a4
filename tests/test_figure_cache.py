"""A figure is drawn once: the same chart with the same inputs comes from the user's cache,
byte for byte; a changed argument, data file or damaged entry is drawn again."""

from pathlib import Path

import pytest

from lessonkit import _cache, _data, _figure_cache, analysis, plots
from lessonkit.lessons import context, money

from .data_copies import copy_with


@pytest.fixture
def drawings(monkeypatch) -> list[str]:
    """The titles of the figures matplotlib actually drew."""
    drawn: list[str] = []
    finish = plots._finish

    def counted(fig, title, source, alt):
        drawn.append(title)
        return finish(fig, title, source, alt)

    monkeypatch.setattr(plots, "_finish", counted)
    return drawn


def figures(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.figure"))


def test_a_second_call_is_not_drawn_and_gives_the_same_bytes(cache, drawings):
    first = plots.attendance_map()
    second = plots.attendance_map()
    assert drawings == [first.title]
    assert second == first and second.png == first.png
    assert len(figures(cache)) == 1
    assert figures(cache)[0].read_bytes().split(b"\n", 2)[1:2] != [b""]  # digest line, then the entry
    assert _figure_cache.FORMAT in figures(cache)[0].read_bytes()  # JSON and PNG, not pickle


def test_a_changed_dataframe_argument_is_drawn_again(cache, drawings):
    rows = analysis.timeline()
    some, fewer = rows.head(12), rows.head(11)
    a = context.timeline_chart(some)
    b = context.timeline_chart(fewer)
    again = context.timeline_chart(rows.head(12).copy())
    assert len(drawings) == 2
    assert a.png != b.png and again.png == a.png
    changed = rows.head(12).copy()
    changed.loc[changed.index[0], "title"] = changed["title"].iloc[0] + " (edited)"
    context.timeline_chart(changed)
    assert len(drawings) == 3  # one changed cell is a new picture


def test_keyword_and_scalar_arguments_are_part_of_the_key(cache, drawings):
    gbp = money.versions_chart("uk-lmm-export-finance-2025-03-02", "GBP")
    money.versions_chart("uk-lmm-export-finance-2025-03-02", currency="GBP")
    eur = money.versions_chart("uk-lmm-export-finance-2025-03-02", "EUR")
    assert len(drawings) == 3  # a keyword spelled out is a call of its own; EUR is another picture
    assert gbp.png != eur.png


def test_a_changed_data_file_is_drawn_again(cache, drawings, tmp_path, monkeypatch):
    plots.attendance_map()
    assert len(drawings) == 1
    folder = copy_with(tmp_path / "edited", monkeypatch)
    monkeypatch.setattr(_data, "data_dir", lambda: folder)
    plots.attendance_map()
    assert len(drawings) == 1  # a copy with the same bytes: the same data, the same picture
    events = folder / "events.csv"
    events.write_bytes(events.read_bytes() + b"\n")
    _data._cache.clear()
    plots.attendance_map()
    assert len(drawings) == 2


def test_a_damaged_entry_is_drawn_again_and_replaced(cache, drawings):
    first = plots.attendance_map()
    entry = figures(cache)[0]
    raw = bytearray(entry.read_bytes())
    raw[-10] ^= 0xFF
    entry.write_bytes(bytes(raw))
    again = plots.attendance_map()
    assert len(drawings) == 2 and again.png == first.png
    assert plots.attendance_map().png == first.png and len(drawings) == 2  # the rewritten entry serves


def test_an_argument_without_a_value_is_drawn_every_time_and_not_kept(cache, drawings):
    class Opaque:
        pass

    assert _figure_cache.figure_key(plots.attendance_map, (Opaque(),), {}) is None
    assert _figure_cache.figure_key(plots.attendance_map, (), {"x": [1, {"a": Opaque()}]}) is None
    assert _figure_cache.figure_key(plots.attendance_map, (), {"x": [1, {"a": 2}]}) is not None


def test_the_cache_turned_off_keeps_nothing(tmp_path, monkeypatch, drawings):
    monkeypatch.setenv(_cache.CACHE_ENV, "none")
    plots.attendance_map()
    plots.attendance_map()
    assert len(drawings) == 2


def test_figures_do_not_push_the_data_out_of_the_cache(cache, drawings):
    _data.load_package()
    tables = sorted(cache.glob("*.pickle"))
    rows = analysis.timeline()
    for n in range(_cache.KEEP + 2):
        context.timeline_chart(rows.head(n + 3))
    assert sorted(cache.glob("*.pickle")) == tables
    assert len(figures(cache)) == _cache.KEEP + 2


def _calls():
    """A call of every cached chart function, with arguments as the lessons pass them."""
    from lessonkit.game import TruceGame
    from lessonkit.lessons import capstone, ceasefire, news

    pledges = analysis.pledges(donor="gbr", include_seed=False)
    return {
        plots.attendance_map: ((), {}),
        plots.pledge_chart: ((pledges.head(6),), {}),
        plots.position_chart: ((analysis.position_matrix(list(capstone.ROLE_ACTORS)),), {}),
        context.timeline_chart: ((analysis.timeline(),), {}),
        money.announcement_chart: ((pledges.head(5), "GBP"), {"log": True, "title": "Some UK pledges"}),
        money.versions_chart: (("uk-lmm-export-finance-2025-03-02", "GBP"), {}),
        ceasefire.stance_timeline_chart: (("ceasefire",), {"theme": "ceasefire"}),
        ceasefire.truce_games_chart: (({"No guarantees": TruceGame(penalty=0, verification=0.5)},), {}),
        news.verdict_chart: ((), {}),
    }


def test_every_cached_chart_gives_the_same_figure_from_the_cache_as_drawn(cache, drawings):
    calls = _calls()
    assert set(calls) == set(_figure_cache.CACHED), "a new cached chart needs a call here"
    for function, (args, kwargs) in calls.items():
        drawn = function(*args, **kwargs)
        before = len(drawings)
        kept = function(*args, **kwargs)
        assert len(drawings) == before, f"{function.__qualname__} was drawn again"
        assert kept == drawn and kept.png == drawn.png, function.__qualname__
