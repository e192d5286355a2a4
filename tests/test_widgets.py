"""Every explorer, as a Python object: it builds, each control changes what it shows, bad
values are shown as messages, and its output is escaped HTML."""

import itertools
import re

import ipywidgets as w
import pytest

from lessonkit import tables, widgets


def values_for(control):
    if isinstance(control, w.Button):
        return [None, None]
    if getattr(control, "options", None):
        return [o[1] if isinstance(o, tuple) else o for o in control.options]
    if isinstance(control, w.Checkbox):
        return [False, True]
    if isinstance(control, (w.FloatSlider, w.IntSlider)):
        return [control.min, control.max, (control.min + control.max) / 2]
    return [0.0, 2.5, 1e12, -3.0]


def test_the_list_of_explorers_is_complete():
    public = {name for name in dir(widgets) if name.endswith(("_explorer", "_converter", "_stepper"))}
    assert public == set(widgets.EXPLORERS)


@pytest.mark.parametrize("name", widgets.EXPLORERS)
def test_every_control_of_every_explorer_changes_the_output(name):
    count = len(widgets.controls(getattr(widgets, name)()))
    assert count, f"{name} has no controls"
    for i in range(count):  # a fresh explorer for each control, so earlier filters don't hide changes
        box = getattr(widgets, name)()
        out = box.children[-1]
        assert isinstance(out, w.HTML) and out.value
        control = widgets.controls(box)[i]
        if name == "claim_stepper" and control.description == "Your verdict":
            box.children[1].children[-1].click()  # a guess shows only next to the revealed verdict
        if name == "truce_game_explorer" and control.description.startswith("Chance"):
            widgets.controls(box)[1].value = 10  # verification matters only when there is a penalty
        seen = {out.value}
        for value in values_for(control):
            if isinstance(control, w.Button):
                control.click()
            else:
                control.value = value
            seen.add(out.value)
        assert len(seen) > 1, f"{name}: changing {type(control).__name__} {control.description!r} changed nothing"


@pytest.mark.parametrize("name", widgets.EXPLORERS)
def test_explorer_controls_are_labelled_for_screen_readers(name):
    for control in widgets.controls(getattr(widgets, name)()):
        assert control.description or control.tooltip, f"{name}: a control has no label"


def test_timeline_explorer_filters_by_actor_theme_and_period():
    box = widgets.timeline_explorer()
    actor, theme, period = widgets.controls(box)[:3]
    out = box.children[-1]
    period.value = "on"
    assert re.fullmatch(r"(no events|1 event|\d+ events)( on| from) .*", widgets.summary(box))
    for a, t in itertools.product([o[1] for o in actor.options][:6], [o[1] for o in theme.options]):
        actor.value, theme.value = a, t
        assert "<table" in out.value and "event" in widgets.summary(box)


def test_claim_stepper_reveals_the_verdict_only_when_asked():
    box = widgets.claim_stepper()
    back, forward, guess, reveal = widgets.controls(box)
    out = box.children[-1]
    assert "Verdict" not in out.value
    guess.value = "accurate"
    reveal.click()
    assert "Verdict" in out.value and "Sources" in out.value
    forward.click()
    assert "Verdict" not in out.value and guess.value is None


def test_converter_explains_a_missing_rate_and_shows_the_rate_used():
    box = widgets.currency_converter()
    amount, base, quote = widgets.controls(box)
    out = box.children[-1]
    base.value, quote.value = "GBP", "EUR"
    assert "per GBP" in out.value and "Source" in out.value
    base.value, quote.value = "EUR", "EUR"
    assert "is" in out.value


def test_outputs_are_escaped():
    box = widgets.claim_stepper()
    assert "<script" not in box.children[-1].value


@pytest.mark.parametrize("name", widgets.EXPLORERS)
def test_no_list_starts_blank(name):
    """A selection whose value is None shows as an empty list in the browser."""
    for control in widgets.controls(getattr(widgets, name)()):
        if getattr(control, "options", None) and control.description != "Your verdict":
            assert control.index is not None, f"{name}: {control.description!r} starts with nothing selected"


def test_actor_card_gives_the_role_at_the_summit_and_what_changed_later():
    box = widgets.actor_explorer()
    (pick,) = widgets.controls(box)
    out = box.children[-1]
    pick.value = "trudeau"
    assert "(outgoing)" in out.value and "at the time of the summit" in out.value
    assert "After the summit" in out.value and "14 March 2025" in out.value and "Carney" in out.value
    pick.value = "tusk"
    assert "After the summit" not in out.value


def test_quotes_not_in_english_are_shown_with_a_translation():
    box = widgets.quote_explorer()
    (speaker,) = widgets.controls(box)
    out = box.children[-1]
    speaker.value = "scholz"
    assert "Friedenszeiten" in out.value and "in English: <q>It will also have to stay large in peacetime.</q>" in out.value
    assert "in English" in widgets.role_card_html("fra")


def test_role_cards_do_not_call_terms_asked_of_an_actor_its_own_announcement():
    card = widgets.role_card_html("ukr")
    assert "minerals deal" in card and "you announced" not in card
    assert "terms others asked of you" in card
    germany = widgets.role_card_html("deu")
    assert "After the summit</strong>, Olaf Scholz (6 May 2025)" in germany


@pytest.mark.parametrize("actor", ["gbr", "fra", "ukr", "deu", "ita", "pol", "eu-commission", "nato", "can"])
def test_a_role_card_names_who_represented_the_actor_once(actor):
    import html
    import re

    from lessonkit.lessons import capstone

    who = capstone.role_card(actor)["represented_by"]
    summit = re.search(r"At the summit:</strong>(.*?)<small>", widgets.role_card_html(actor), re.S)
    assert who and summit and html.unescape(summit.group(1)).count(who) == 1


def test_quote_explorer_lists_people_only():
    from lessonkit import load

    people = set(load("actors").query("kind == 'person'")["actor_id"])
    speakers = widgets.controls(widgets.quote_explorer())[0].options
    assert speakers and {value for _, value in speakers} <= people
    assert "United States" not in {name for name, _ in speakers}


def test_explorers_show_words_not_codes():
    box = widgets.pledge_explorer()
    kind = widgets.controls(box)[1]
    assert ("Export finance", "export_finance") in kind.options
    kind.value = "export_finance"
    assert "export_finance" not in box.children[-1].value
    assert ">Export finance<" in box.children[-1].value
    theme = widgets.controls(widgets.timeline_explorer())[1]
    assert ("Sanctions and assets", "sanctions_and_assets") in theme.options
    quotes = widgets.quote_explorer()
    for _, value in widgets.controls(quotes)[0].options:
        widgets.controls(quotes)[0].value = value
        assert " on european" not in quotes.children[-1].value


def test_truce_game_inputs_line_up_and_are_named():
    box = widgets.truce_game_explorer()
    inputs = widgets.controls(box)
    assert len(inputs) == 5
    assert len({c.style.description_width for c in inputs}) == 1 and inputs[0].style.description_width
    assert len({c.layout.width for c in inputs}) == 1
    for control in inputs:  # a number input's label is tied to it; a slider's handle has no name
        assert isinstance(control, w.BoundedFloatText) and control.description and not control.description_allow_html


def test_truce_game_payoff_table_has_spaced_cells_and_explains_a_tie():
    box = widgets.truce_game_explorer()
    gain, penalty, verification = widgets.controls(box)[:3]
    cells = re.findall(r"<t[dh][ >][^>]*>?", box.children[-1].value)
    assert len(cells) == 9 and all("padding" in cell for cell in cells)  # "B keeps | B breaks", not "B keepsB breaks"
    gain.value, penalty.value, verification.value = 4, 8, 0.5
    assert "A tie" in box.children[-1].value


def test_widget_text_never_opens_mathematics():
    box = widgets.pledge_explorer()
    widgets.controls(box)[2].value = "USD"
    assert "$" in load_as_reported_dollars()
    assert "$" not in box.children[-1].value and "&#36;" in box.children[-1].value


def load_as_reported_dollars() -> str:
    from lessonkit import load

    return " ".join(load("pledges")["as_reported"])


@pytest.mark.parametrize("name", widgets.EXPLORERS)
def test_where_a_widget_cannot_be_drawn_an_explorer_names_itself(name):
    """JupyterLab shows text/html, not the widget, for an untrusted executed lesson."""
    data = getattr(widgets, name)()._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in data
    assert "children" not in data["text/plain"] and "interactive explorer" in data["text/plain"]
    assert "interactive explorer" in data["text/html"] and "VBox" not in data["text/html"]


def test_tabs_hold_each_explorer_under_its_title():
    page = widgets.tabbed({"Money": [widgets.pledge_explorer(), widgets.currency_converter()],
                           "Claims": widgets.claim_stepper()})
    tab = page.children[-1]
    assert isinstance(tab, w.Tab) and tab.titles == ("Money", "Claims")
    assert [type(c).__name__ for c in tab.children[0].children] == ["Explorer", "Explorer"]


def test_an_explorer_shows_ten_rows_and_says_how_to_see_the_rest():
    box = widgets.timeline_explorer()
    shown = box.children[-1].value
    from lessonkit import load

    total = len(load("events"))
    assert total > widgets.ROWS and shown.count("<tr>") == widgets.ROWS + 1  # the header row too
    assert f"Showing {widgets.ROWS} of {total} rows; pick an actor" in shown
    assert f"<td style=\"{tables.DATE_CELL}\">" in shown  # dates on one line


@pytest.mark.parametrize("name", widgets.EXPLORERS)
def test_every_explorer_summarises_its_result_apart_from_the_table(name):
    box = getattr(widgets, name)()
    status = [c for c in box.children if "lessonkit-status" in getattr(c, "_dom_classes", ())]
    assert len(status) == 1 and status[0] is not box.children[-1]
    line = widgets.summary(box)
    assert line and "\n" not in line and "<table" not in status[0].value
    first = widgets.controls(box)[0]
    if isinstance(first, w.Button):
        first.click()
    else:
        first.value = values_for(first)[-1] if values_for(first)[-1] != first.value else values_for(first)[0]
    assert widgets.summary(box) != line or name == "truce_game_explorer"  # a stable outcome may stay


@pytest.mark.parametrize("name", widgets.EXPLORERS)
def test_every_explorer_brings_its_keys_script_and_style(name):
    box = getattr(widgets, name)()
    scripts = [c for c in box.children if isinstance(c, w.Output)]
    assert len(scripts) == 1 and scripts[0].layout.display == "none"
    html = scripts[0].outputs[0]["data"]["text/html"]
    assert "data-lm-suppress-shortcuts" in html and "aria-pressed" in html and "'status'" in html
    styles = [c for c in box.children if isinstance(c, w.HTML) and "<style>" in c.value]
    assert len(styles) == 1 and "outline: 3px" in styles[0].value


def test_summaries_say_what_the_result_is():
    assert widgets.summary(widgets.currency_converter()).startswith("1.600bn GBP = ")
    timeline = widgets.summary(widgets.timeline_explorer())
    assert re.fullmatch(r"\d+ events from \d+ \w+( \d{4})? to \d+ \w+ \d{4}", timeline), timeline


def test_the_truce_game_has_no_fixed_width():
    box = widgets.truce_game_explorer()
    for control in widgets.controls(box):
        assert control.layout.width == "100%" and control.layout.max_width == "28em"
