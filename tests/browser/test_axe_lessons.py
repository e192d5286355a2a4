"""axe-core on the live JupyterLab page of every lesson, after Run All (issue 13).

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


@pytest.mark.parametrize("notebook", LESSONS)
def test_no_serious_axe_violation_in_a_lesson_s_own_content(lab, notebook):
    started = time.monotonic()
    lab.open(notebook)
    lab.run_all()
    lab.page.wait_for_timeout(500)  # widgets finish drawing
    violations = run_axe(lab.page)
    lesson, own = split_violations(lab.page, violations)
    print(f"\naxe {notebook} ({time.monotonic() - started:.0f} s)")
    print("  lesson content: " + ("none" if not lesson else "\n    " + "\n    ".join(lesson)))
    print("  JupyterLab's own: " + ("none" if not own else "\n    " + "\n    ".join(own)))
    blocking = [line for line in lesson if line.split()[0] in BLOCKING]
    assert not blocking, f"{notebook}: serious or critical violations in the lesson's content: {blocking}"


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
