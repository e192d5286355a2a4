"""Wherever a student sees a source, its reliability class is named beside it: in cite(),
in the explorers' cards and tables and in the figures that name outlets."""

import html
import json

import pytest

from lessonkit import analysis, cite, load, widgets
from lessonkit._data import COPY_LABEL, RELIABILITY_LABELS, reliability_label, source_name
from lessonkit._dates import long_date
from lessonkit._paths import data_dir
from lessonkit.lessons import capstone

from .data_copies import copy_with


def first_source_of_class(reliability: str) -> str:
    sources = load("sources")
    return str(sources[sources["reliability"] == reliability]["source_id"].iloc[0])


def test_every_class_in_the_package_description_has_a_label():
    descriptor = json.loads((data_dir() / "datapackage.json").read_text(encoding="utf-8"))
    sources = next(r for r in descriptor["resources"] if r["name"] == "sources")
    field = next(f for f in sources["schema"]["fields"] if f["name"] == "reliability")
    assert set(RELIABILITY_LABELS) == set(field["constraints"]["enum"])
    assert all(label and label == label.strip() for label in RELIABILITY_LABELS.values())


@pytest.mark.parametrize("reliability", sorted(set(load("sources")["reliability"]) - {"seed"}))
def test_cite_names_publisher_and_class(reliability):
    source_id = first_source_of_class(reliability)
    row = load("sources").set_index("source_id").loc[source_id]
    line = cite(source_id)
    assert line.startswith(f"{row['publisher']} ({reliability_label(source_id)})")
    assert RELIABILITY_LABELS[reliability] in reliability_label(source_id)
    assert f"\u201c{row['title']}\u201d, {long_date(row['published'])}, {row['url']}" in line
    assert cite(source_id, links=False) == line.replace(f", {row['url']}", "")


def test_cite_names_the_state_and_a_copy(tmp_path, monkeypatch):
    source_id = first_source_of_class("official")
    copy_with(tmp_path, monkeypatch, {("sources", source_id): {
        "publisher": "TASS", "reliability": "state_media", "controlled_by": "Russian", "copy": "true"}})
    assert reliability_label(source_id) == f"Russian state-controlled media; {COPY_LABEL}"
    assert source_name(source_id) == f"TASS (Russian state-controlled media; {COPY_LABEL})"
    assert cite(source_id).startswith(f"TASS (Russian state-controlled media; {COPY_LABEL}), \u201c")


def test_state_media_without_a_named_state_still_says_state_controlled(tmp_path, monkeypatch):
    source_id = first_source_of_class("official")
    copy_with(tmp_path, monkeypatch, {("sources", source_id): {
        "reliability": "state_media", "controlled_by": "", "copy": "false"}})
    assert reliability_label(source_id) == "state-controlled media"


def test_an_official_text_read_in_a_copy_is_labelled_a_copy(tmp_path, monkeypatch):
    source_id = first_source_of_class("official")
    copy_with(tmp_path, monkeypatch, {("sources", source_id): {"copy": "true"}})
    assert reliability_label(source_id) == f"{RELIABILITY_LABELS['official']}; {COPY_LABEL}"


def test_several_sources_are_cited_in_order_each_with_its_class():
    ids = [first_source_of_class(r) for r in sorted(set(load("sources")["reliability"]))]
    parts = cite(";".join(ids)).split("; ")
    for source_id in ids:
        assert any(p.startswith(source_name(source_id)) for p in parts)


# --- the explorers -------------------------------------------------------------------


def cells(markup: str) -> list[str]:
    """The text of every table cell (th and td) in some HTML, entities decoded."""
    from html.parser import HTMLParser

    found: list[str] = []

    class Cells(HTMLParser):
        inside = False

        def handle_starttag(self, tag, attrs):
            if tag in ("td", "th"):
                self.inside = True
                found.append("")

        def handle_endtag(self, tag):
            if tag in ("td", "th"):
                self.inside = False

        def handle_data(self, data):
            if self.inside:
                found[-1] += data

    Cells().feed(markup)
    return found


def test_timeline_explorer_names_each_event_source_with_its_class():
    """Every event's source, period by period and page by page of the explorer's controls."""
    box = widgets.timeline_explorer()
    actor, theme, period = widgets.controls(box)
    for _, theme_id in theme.options[1:]:
        theme.value = theme_id
        out = cells(box.children[-1].value)
        for source_id in analysis.timeline(theme=theme_id)["source_id"].head(widgets.ROWS):
            assert cite(source_id, links=False) in out


def test_pledge_explorer_names_each_source_with_its_class():
    box = widgets.pledge_explorer()
    kind = widgets.controls(box)[1]
    for _, kind_id in kind.options[1:]:
        kind.value = kind_id
        out = cells(box.children[-1].value)
        assert "Source" in out
        for source_id in analysis.pledges(kind=kind_id)["source_id"].head(widgets.ROWS):
            assert source_name(source_id) in out


def test_position_explorer_names_each_source_with_its_class():
    box = widgets.position_explorer()
    topic = widgets.controls(box)[0]
    for topic_id in [o[1] for o in topic.options]:
        topic.value = topic_id
        for source_id in analysis.positions(topic=topic_id)["source_id"]:
            assert source_name(source_id) in cells(box.children[-1].value)


@pytest.mark.parametrize("actor_id", capstone.ROLE_ACTORS)
def test_role_cards_name_each_source_with_its_class(actor_id):
    card = capstone.role_card(actor_id)
    out = widgets.role_card_html(actor_id)
    ids = [card["source_id"], *card["positions"]["source_id"], *card["linked_positions"]["source_id"]]
    for source_id in ids:
        assert f"[{html.escape(source_name(source_id))}]" in out


@pytest.mark.parametrize("name", ["actor_explorer", "quote_explorer", "currency_converter", "claim_stepper"])
def test_explorers_that_cite_show_a_class(name):
    box = getattr(widgets, name)()
    if name == "claim_stepper":
        widgets.controls(box)[-1].click()  # show the evidence
    out = box.children[-1].value
    assert any(f" ({html.escape(label)}" in out for label in RELIABILITY_LABELS.values())


def test_a_relabelled_source_shows_in_cards_and_tables_escaped(tmp_path, monkeypatch):
    positions = analysis.positions(actor="gbr")
    source_id = str(positions["source_id"].iloc[0])
    copy_with(tmp_path, monkeypatch, {("sources", source_id): {
        "publisher": "<b>Press & Co</b>", "reliability": "state_media", "controlled_by": "Russian",
        "copy": "true"}})
    expected = f"&lt;b&gt;Press &amp; Co&lt;/b&gt; (Russian state-controlled media; {COPY_LABEL})"
    card = widgets.role_card_html("gbr")
    assert f"[{expected}]" in card and "<b>Press" not in card
    box = widgets.position_explorer()
    widgets.controls(box)[0].value = str(positions["topic_id"].iloc[0])
    assert f"<td>{expected}</td>" in box.children[-1].value


# --- figures -----------------------------------------------------------------------


def test_versions_chart_names_each_outlet_with_its_class():
    group = str(load("pledges")["report_group"].value_counts().index[0])
    from lessonkit.lessons import money

    chart = money.versions_chart(group)
    rows = analysis.versions(group)
    for source_id in rows[rows["amount"].notna()]["source_id"]:
        assert f"({reliability_label(source_id)}): printed" in chart.alt


# --- HTML exports --------------------------------------------------------------------


def test_html_export_keeps_the_class_in_say_notes():
    import nbformat

    from lessonkit import say
    from lessonkit.teacher.export import notebook_to_html

    claims = load("claims")
    claim_id = str(claims["claim_id"].iloc[0])
    said = say(f"{{claims:{claim_id}:verdict}}")
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(f'say("{{claims:{claim_id}:verdict}}")')
    cell.outputs = [nbformat.v4.new_output("execute_result", data={"text/markdown": said._repr_markdown_(),
                                                                   "text/plain": repr(said)},
                                           execution_count=1)]
    nb.cells.append(cell)
    page = notebook_to_html(nb, "Export test")
    assert html.escape(source_name(said.sources[0]), quote=False) in page
