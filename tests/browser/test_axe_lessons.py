"""axe-core on the live JupyterLab page of every lesson, after Run All, at 1366x768 and at 200% zoom.

A violation is the lesson's when its element sits in what the lesson puts on the page: a
rendered Markdown cell or a cell's outputs (tables, figures, feedback, widgets). Those fail
the test when serious or critical. Everything else (menus, toolbars, the file browser, the
status bar) is JupyterLab's own: printed, listed in the closing note, never failed on here.
"""

from __future__ import annotations

import collections
import time

import pytest

from .conftest import SAMPLE, lessons

pytestmark = pytest.mark.browser
LESSONS = [p.with_suffix(".ipynb").name for p in lessons() if p != SAMPLE]  # the sample is checked below

BLOCKING = ("serious", "critical")
CONTENT = ".jp-MarkdownOutput, .jp-RenderedMarkdown, .jp-OutputArea, .jp-OutputArea-output"
_IN_CONTENT = """([targets, selector]) => targets.map(target => {
    const sel = Array.isArray(target) ? target[target.length - 1] : target;
    let el = null;
    try { el = document.querySelector(sel); } catch (e) { return false; }
    return !!(el && el.closest(selector));
})"""


def split_violations(page, violations: list[dict]) -> tuple[list[str], list[str]]:
    """(the lesson's, JupyterLab's) violations, one line per rule and impact with its count."""
    from collections import Counter

    lesson, lab = Counter(), Counter()
    examples: dict[tuple, str] = {}
    for v in violations:
        inside = page.evaluate(_IN_CONTENT, [[n["target"] for n in v["nodes"]], CONTENT])
        for node, is_lesson in zip(v["nodes"], inside):
            key = (v["impact"], v["id"])
            (lesson if is_lesson else lab)[key] += 1
            examples.setdefault((is_lesson, *key), node["html"][:140])
    fmt = lambda c, own: [f"{impact} {rule} x{n}: e.g. {examples[(own, impact, rule)]}"  # noqa: E731
                          for (impact, rule), n in sorted(c.items())]
    return fmt(lesson, True), fmt(lab, False)


def run_axe(page) -> list[dict]:
    from axe_playwright_python.sync_playwright import Axe

    return Axe().run(page).response["violations"]


# A school laptop's screen, and the same screen at 200% zoom: the page lays out exactly as in a
# 683 x 384 window (CSS pixels), which is what zooming does to the layout.
SIZES = {"1366x768": (1366, 768), "200% zoom": (683, 384)}

# Outputs (and rendered Markdown) whose content is wider than their box: at 200% zoom their
# right side would be cut off or need the whole page to scroll sideways. A wide table is fine
# inside its own scrolling wrapper, which keeps the overflow to itself.
_TOO_WIDE = """() => Array.from(document.querySelectorAll(
        '.jp-Notebook .jp-OutputArea-output, .jp-Notebook .jp-RenderedMarkdown'))
    .filter(el => el.offsetParent !== null && el.scrollWidth > el.clientWidth + 1)
    .map(el => `${el.scrollWidth}px in ${el.clientWidth}px: ${el.textContent.trim().slice(0, 80)}`)"""


@pytest.mark.parametrize("notebook", LESSONS)
def test_no_serious_axe_violation_in_a_lesson_s_own_content(lab, notebook):
    """At 1366x768 and at 200% zoom: no serious or critical axe violation in the lesson's content,
    and at 200% no output wider than the notebook (WCAG 1.4.10, reflow)."""
    started = time.monotonic()
    lab.page.set_viewport_size({"width": 1366, "height": 768})
    lab.open(notebook)
    lab.run_all()
    lab.page.wait_for_timeout(500)  # widgets finish drawing
    blocking, too_wide = [], []
    for size, (width, height) in SIZES.items():
        lab.page.set_viewport_size({"width": width, "height": height})
        lab.page.wait_for_timeout(300)  # JupyterLab lays the panels out again
        lesson, own = split_violations(lab.page, run_axe(lab.page))
        print(f"\naxe {notebook} at {size} ({time.monotonic() - started:.0f} s)")
        print("  lesson content: " + ("none" if not lesson else "\n    " + "\n    ".join(lesson)))
        print("  JupyterLab's own (not counted): " + ("none" if not own else "\n    " + "\n    ".join(own)))
        blocking += [f"{size}: {line}" for line in lesson if line.split()[0] in BLOCKING]
        if size == "200% zoom":
            too_wide = lab.page.evaluate(_TOO_WIDE)
    assert not blocking, f"{notebook}: serious or critical violations in the lesson's content: {blocking}"
    assert not too_wide, f"{notebook}: outputs wider than the notebook at 200% zoom: {too_wide}"


def test_jupyterlab_s_own_violations_are_listed(lab):
    """The closing note's list: JupyterLab's violations on an empty notebook page (the same on
    every lesson, so one page is enough)."""
    lab.open("sample.ipynb")
    lesson, own = split_violations(lab.page, run_axe(lab.page))
    print("\naxe, JupyterLab's own violations (not the lessons'):\n  " + "\n  ".join(own or ["none"]))
    counts = collections.Counter(line.split()[0] for line in own)
    print(f"  by impact: {dict(counts)}")


def test_a_content_violation_is_counted_as_the_lesson_s(lab):
    """The split is not blind: an image without alt text put into an output is the lesson's."""
    lab.open("sample.ipynb")
    lab.run_all()
    lab.page.evaluate("""() => {
        const out = document.querySelector('.jp-OutputArea-output');
        const img = document.createElement('img');
        img.src = 'data:image/gif;base64,R0lGODlhAQABAAAAACw=';
        img.id = 'lessonkit-axe-probe';
        out.appendChild(img);
    }""")
    lesson, own = split_violations(lab.page, run_axe(lab.page))
    assert any(line.startswith("critical image-alt") and "lessonkit-axe-probe" in line for line in lesson), lesson
    assert not any("lessonkit-axe-probe" in line for line in own)
