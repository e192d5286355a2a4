"""say() fills each field in its format, cites each row's source with its class, and
stops with a message naming the field on any mistake."""

import pytest

from lessonkit import LessonkitError, load, say
from lessonkit._data import RELIABILITY_LABELS, as_of, source
from lessonkit._dates import long_date

from .data_copies import copy_with


@pytest.fixture
def pledge(tmp_path, monkeypatch):
    """The id of a pledges row whose cells are set to known values in a copy of the data."""
    pledge_id = str(load("pledges")["pledge_id"][0])
    copy_with(tmp_path, monkeypatch, {("pledges", pledge_id): {
        "amount": "2260000000", "quantity": "5000", "announced": "2024-10-09",
        "item": "Loan to Ukraine", "kind": "export_finance"}})
    return pledge_id


def text(said) -> str:
    return said.text.split(" [")[0]


@pytest.mark.parametrize("field, expected", [
    ("announced|date", "9 October 2024"),
    ("announced|day", "9 October"),
    ("announced|year", "2024"),
    ("announced", "9 October 2024"),
    ("amount|bn", "2.26 billion"),
    ("amount|m", "2,260 million"),
    ("amount|int", "2,260,000,000"),
    ("amount", "2,260,000,000"),
    ("quantity|int", "5,000"),
    ("item|lower", "loan to ukraine"),
    ("item", "Loan to Ukraine"),
    ("kind|words", "export finance"),
    ("kind", "export_finance"),
])
def test_each_format(pledge, field, expected):
    assert text(say(f"{{pledges:{pledge}:{field}}}")) == expected


@pytest.mark.parametrize("amount, bn, m", [("1600000000", "1.6 billion", "1,600 million"),
                                           ("12000000000", "12 billion", "12,000 million"),
                                           ("752000000", "0.75 billion", "752 million"),
                                           ("1500000", "0 billion", "1.5 million")])
def test_billions_and_millions_drop_trailing_zeros(tmp_path, monkeypatch, amount, bn, m):
    pledge_id = str(load("pledges")["pledge_id"][0])
    copy_with(tmp_path, monkeypatch, {("pledges", pledge_id): {"amount": amount}})
    assert text(say(f"{{pledges:{pledge_id}:amount|bn}}")) == bn
    assert text(say(f"{{pledges:{pledge_id}:amount|m}}")) == m


def test_one_marker_per_run_of_fields_from_one_source(pledge):
    said = say(f"{{pledges:{pledge}:amount|bn}} on {{pledges:{pledge}:announced|date}}.")
    assert said.text == "2.26 billion on 9 October 2024 [1]."
    assert said.sources == (str(load("pledges").set_index("pledge_id").loc[pledge, "source_id"]),)


def test_notes_name_each_source_with_its_class(tmp_path, monkeypatch):
    pledges = load("pledges").set_index("pledge_id")
    pledge_id = str(pledges.index[0])
    source_id = str(pledges.loc[pledge_id, "source_id"])
    copy_with(tmp_path, monkeypatch, {("sources", source_id): {
        "publisher": "TASS", "reliability": "state_media", "controlled_by": "Russian", "copy": "false"}})
    said = say(f"{{pledges:{pledge_id}:amount}}")
    assert repr(said).splitlines()[1].startswith("[1] TASS (Russian state-controlled media), \u201c")
    assert "[1] TASS (Russian state-controlled media), \u201c" in said._repr_markdown_()


@pytest.mark.parametrize("reliability", sorted(set(load("sources")["reliability"])))
def test_notes_show_the_class_of_every_kind_of_source_in_the_data(reliability):
    """Whatever class a source has today, a fact resting on it shows that class."""
    cited = {str(s) for name in ("events", "pledges", "positions", "actors", "claims")
             for s in load(name)["source_id"]}
    sources = load("sources")
    ids = [s for s in sources[sources["reliability"] == reliability]["source_id"] if s in cited]
    if not ids:
        pytest.skip(f"no row of the data cites a source of class {reliability!r}")
    for table in ("events", "pledges", "positions", "actors", "claims"):
        frame = load(table)
        rows = frame[frame["source_id"] == ids[0]]
        if len(rows):
            key = frame.columns[0]
            said = say(f"{{{table}:{rows.iloc[0][key]}:source_id}}")
            break
    assert RELIABILITY_LABELS[reliability] in repr(said).splitlines()[1]
    assert RELIABILITY_LABELS[reliability] in said._repr_markdown_()


def test_notes_are_html_escaped(tmp_path, monkeypatch):
    pledges = load("pledges").set_index("pledge_id")
    pledge_id = str(pledges.index[0])
    copy_with(tmp_path, monkeypatch, {("sources", str(pledges.loc[pledge_id, "source_id"])): {
        "publisher": "<script>alert(1)</script> & Co"}})
    notes = say(f"{{pledges:{pledge_id}:amount}}")._repr_markdown_()
    assert "<script>" not in notes
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co (" in notes


def test_the_as_of_date_is_a_field_that_cites_nothing():
    said = say("The data in this lesson runs to {package:as_of|date}.")
    assert said.text == f"The data in this lesson runs to {long_date(as_of())}."
    assert said.sources == ()
    assert repr(said) == said.text


def test_the_as_of_date_comes_from_the_data_package(tmp_path, monkeypatch):
    copy_with(tmp_path, monkeypatch, as_of="2025-06-09")
    assert say("{package:as_of|date}").text == "9 June 2025"
    assert say("{package:as_of|year}").text == "2025"
    assert say("{package:as_of}").text == "9 June 2025"


@pytest.mark.parametrize("as_of", ["9 June 2025", "2025-13-01", ...])
def test_a_missing_or_malformed_as_of_date_is_named(tmp_path, monkeypatch, as_of):
    copy_with(tmp_path, monkeypatch, as_of=as_of)
    with pytest.raises(LessonkitError, match=r"datapackage.json: lessonkit:asOf must be a date in the form "
                                             r"YYYY-MM-DD"):
        say("{package:as_of|date}")


@pytest.mark.parametrize("text, message", [
    ("{pledge:uk-x:amount}", r"in \{pledge:uk-x:amount\}: no table 'pledge'; did you mean 'pledges'\?"),
    ("{pledges:no-such-pledge:amount}", r"in \{pledges:no-such-pledge:amount\}: no pledge_id 'no-such-pledge' "
                                        r"in pledges.csv"),
    ("{events:london-summit:amount}", r"in \{events:london-summit:amount\}: no column 'amount' in events.csv"),
    ("{events:london-summit:date|euros}", r"in \{events:london-summit:date\|euros\}: unknown format 'euros'; "
                                          r"use date, day, year, bn, m, int, lower or words"),
    ("{events:london-summit:title|date}", r"the format 'date' needs a date, and this cell holds"),
    ("{events:london-summit:date|bn}", r"the format 'bn' needs a number, and this cell holds"),
    ("{package:as_at|date}", r"in \{package:as_at\|date\}: no package field 'as_at'; use as_of"),
    ("{package:as_of|bn}", r"in \{package:as_of\|bn\}: the format 'bn' needs a number"),
    ("We met {on Sunday}.", r"'\{on Sunday\}' is not a data field"),
    ("The {events:london-summit:date", r"'\{events:london-summit:date' is not a data field"),
    ("a stray } brace", r"'\}' is not a data field"),
    ("{Events:london-summit:date}", r"'\{Events:london-summit:date\}' is not a data field"),
])
def test_mistakes_are_named(text, message):
    with pytest.raises(LessonkitError, match=message):
        say(text)


def test_an_empty_cell_is_named():
    pledges = load("pledges")
    empty = pledges[pledges["quantity"].isna()]["pledge_id"].iloc[0]
    with pytest.raises(LessonkitError, match=rf"in \{{pledges:{empty}:quantity\}}: that cell is empty"):
        say(f"{{pledges:{empty}:quantity}}")


def test_the_seed_is_named_as_the_article_under_check():
    row = source("seed-article")
    assert row["reliability"] == "seed"
    claims = load("claims")
    claim = claims[claims["source_id"] == "seed-article"]["claim_id"].iloc[0]
    notes = repr(say(f"{{claims:{claim}:verdict}}")).splitlines()[1]
    assert notes.startswith(f"[1] The seed article ({RELIABILITY_LABELS['seed']}), undated")


def unescaped_dollars(markdown: str) -> list[int]:
    """Positions of ``$`` signs that Markdown renderers would read as the edge of mathematics."""
    return [i for i, ch in enumerate(markdown) if ch == "$" and (i == 0 or markdown[i - 1] != "\\")]


def test_dollar_signs_are_not_typeset_as_mathematics():
    # lesson 3's sentence on US aid holds four dollar amounts
    said = say("The Kiel Institute counted {pledges:us-aid-kiel:as_reported} of US assistance; "
               "the Pentagon put US military aid alone at {pledges:us-aid-military-pentagon:as_reported}.")
    assert said.text.count("$") == 2
    markdown = said._repr_markdown_()
    assert markdown.count("\\$") == 2
    assert unescaped_dollars(markdown) == []
    assert "\\" not in repr(said).splitlines()[0]


def test_citation_mark_goes_after_a_closing_quotation_mark():
    said = say("The article: \u201c{claims:c20:seed_excerpt}\u201d and \u201c{claims:c13:seed_excerpt}\u201d.")
    first, second = said.text.split(" and ")
    assert first.endswith("\u201d [1]")
    assert second.endswith("\u201d [2].")
    assert ". [1]\u201d" not in said.text


def test_an_apostrophe_after_a_field_is_not_a_closing_quote():
    said = say("In {actors:starmer:name}'s words.")
    assert said.text.endswith("Starmer [1]'s words.")


def test_a_full_stop_before_the_closing_quote_stays_inside_the_quotation():
    said = say("He said: \u201c{claims:c20:seed_excerpt}.\u201d Then more.")
    assert ".\u201d [1] Then more." in said.text
