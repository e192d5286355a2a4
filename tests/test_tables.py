"""Tables wrap whole sentences, show plain numbers and empty cells, and align prose left."""

import re

import pandas as pd
from IPython.core.interactiveshell import InteractiveShell

from lessonkit import analysis, load
from lessonkit._escape import html_text
from lessonkit.tables import frame_html, show_frames_readably, table_html


def test_long_text_is_kept_whole_and_wraps():
    summary = max(analysis.positions()["summary"], key=len)
    assert len(summary) > 60
    shown = frame_html(analysis.positions()[["actor", "summary"]])
    assert html_text(summary) in shown  # the whole sentence, not its first 50 characters
    assert "\u2026" not in shown and "..." not in shown
    assert "white-space:normal" in shown


def test_numbers_are_plain_and_empty_cells_stay_empty():
    frame = pd.DataFrame({"amount": [3e9, float("nan"), 1.2075], "quantity": pd.array([5000, None, 2], dtype="Int64"),
                          "note": ["a", None, "c"]})
    shown = frame_html(frame)
    assert ">3,000,000,000<" in shown and ">1.2075<" in shown and ">5,000<" in shown
    for raw in ("NaN", "<NA>", "&lt;NA&gt;", "None", "e+09"):
        assert raw not in shown


def test_prose_is_left_aligned_and_numbers_right_aligned():
    shown = frame_html(load("pledges")[["item", "amount"]])
    prose = re.findall(r'<td style="([^"]*)">[A-Za-z]', shown)
    numbers = re.findall(r'<td style="([^"]*)">[0-9]', shown)
    assert prose and all("text-align:left" in s for s in prose)
    assert numbers and all("text-align:right" in s for s in numbers)


def test_a_meaningful_index_is_shown_and_a_counter_is_not():
    frame = load("topics")[["topic_id", "name"]]
    assert "scope=\"row\"" not in frame_html(frame)
    assert "scope=\"row\"" in frame_html(frame.set_index("topic_id"))


def test_widget_tables_show_code_columns_as_words():
    shown = table_html(load("pledges"), {"item": "What", "kind": "Kind"}, limit=100)
    assert "export_finance" not in shown and ">Export finance<" in shown


def test_show_frames_readably_makes_a_notebook_show_every_dataframe_readably():
    shell = InteractiveShell.instance()
    try:
        assert show_frames_readably()
        data, _ = shell.display_formatter.format(pd.DataFrame({"amount": [3e9, float("nan")]}))
        assert "3,000,000,000" in data["text/html"] and "NaN" not in data["text/html"]
    finally:
        InteractiveShell.clear_instance()


def test_feedback_and_progress_never_open_mathematics():
    from lessonkit import Feedback
    from lessonkit._escape import NO_MATH

    shown = Feedback("money.total", "incorrect", "Not $50 billion but $119.8 billion.")._repr_html_()
    assert "$" not in shown and shown.count("&#36;") == 2 and NO_MATH in shown


def test_a_wide_table_scrolls_in_a_focusable_named_region_with_a_caption():
    shown = frame_html(load("pledges"))
    wrap = re.match(r'<div tabindex="0" role="region" aria-label="([^"]+)" class="lessonkit-table-wrap', shown)
    assert wrap and "pledges.csv" in wrap.group(1)
    assert "<caption" in shown and wrap.group(1) in re.search(r"<caption[^>]*>([^<]*)</caption>", shown).group(1)
    assert re.search(r"</table></div>$", shown)  # the wrapper holds the table only, nothing below it
    named = table_html(load("pledges"), {"item": "What"}, caption="Money figures", limit=5)
    assert 'aria-label="Money figures"' in named and ">Money figures</caption>" in named
    assert named.index("</table></div>") < named.index("<p>Showing 5 of")


def test_no_header_cell_is_empty():
    frame = pd.DataFrame({"amount": [1, 2]}, index=pd.Index(["a", "b"]))  # an unnamed, meaningful index
    shown = frame_html(frame)
    assert 'scope="row"' in shown
    assert not re.search(r"<th[^>]*>\s*</th>", shown)
