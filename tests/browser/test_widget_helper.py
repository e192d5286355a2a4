"""The widget helper on a small notebook with one widget of each kind (widgets_demo.md)."""

from __future__ import annotations

import pytest

from .lab_widgets import (
    WidgetCheck,
    assert_widgets_render,
    check_widgets,
    click,
    keys_after_tab,
    select_option,
    type_text,
)

pytestmark = pytest.mark.browser

CHECKS = [
    WidgetCheck("slider, keyboard", cell="# demo: slider", widget=".widget-slider",
                action=keys_after_tab("ArrowRight", target=".noUi-handle"), expect=r"^Year: 2026\s*$"),
    WidgetCheck("slider, keyboard back", cell="# demo: slider", widget=".widget-slider",
                action=keys_after_tab("ArrowLeft", "ArrowLeft", target=".noUi-handle"), expect=r"^Year: 2024\s*$"),
    WidgetCheck("dropdown", cell="# demo: dropdown", widget=".widget-dropdown",
                action=select_option("Canada"), expect=r"^Country: Canada\s*$"),
    WidgetCheck("dropdown again", cell="# demo: dropdown", widget=".widget-dropdown",
                action=select_option("Italy"), expect=r"^Country: Italy\s*$"),
    WidgetCheck("text box", cell="# demo: text", widget=".widget-text",
                action=type_text("Ada"), expect=r"^Hello, Ada\s*$"),
    WidgetCheck("button", cell="# demo: button", widget=".widget-button",
                action=click(), expect=r"^Clicked 1 times\s*$"),
    WidgetCheck("button again", cell="# demo: button", widget=".widget-button",
                action=click(), expect=r"^Clicked 2 times\s*$"),
    WidgetCheck("checkbox", cell="# demo: checkbox", widget=".widget-checkbox",
                action=click("input[type=checkbox]"), expect=r"^Show: True\s*$"),
]


def test_every_widget_renders_and_responds_to_a_person(lab, record_property):
    lab.open("widgets_demo.ipynb")
    lab.run_all()
    assert lab.error_outputs() == []
    for marker in ("# demo: slider", "# demo: dropdown", "# demo: text", "# demo: button", "# demo: checkbox"):
        assert_widgets_render(lab, lab.cell_index(marker), minimum=2)
    assert lab.widget_errors() == []
    report = check_widgets(lab, CHECKS)
    print(report)
    record_property("widget_median_ms", round(report.median_ms))
    assert report.median_ms < 5000, str(report)
