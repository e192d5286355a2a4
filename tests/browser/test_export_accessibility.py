"""The printable copies (``lessonkit export``) in Debian's Chromium, without a kernel or a network.

Every lesson's teacher and student pages are opened from ``file://`` with every other request
refused. The teacher pages must show, for each explorer, a note and then its static version
(a table or a figure), and every figure must carry alt text. axe-core (the copy bundled in
the axe-playwright-python package, injected into the page) then checks each page: no
violation of impact serious or critical is allowed, and the counts by impact and rule are
printed.

Uses the editions that ``make test`` built (``LESSONKIT_EDITIONS``) when it can; otherwise
builds them (the teacher edition executed, about a minute).
"""

from __future__ import annotations

import collections
import os
import re
from pathlib import Path

import pytest

from lessonkit import widgets

from .conftest import REPO, lessons

pytestmark = pytest.mark.browser

LESSONS = [p for p in lessons() if p.parent.name == "notebooks"]
PAGES = [(edition, p.with_suffix(".html").name) for p in LESSONS for edition in ("teacher", "student")]
# An explorer, or the capstone's memo checker: each becomes a note where no kernel runs.
EXPLORER_CALL = re.compile(r"(widgets\.(" + "|".join(widgets.EXPLORERS) + r")|\.memo_checker)\(")
BLOCKING = ("serious", "critical")


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    """The HTML export of both editions of every lesson, made by the ``lessonkit export`` command."""
    from lessonkit.teacher.cli import main
    from lessonkit.teacher.editions import build

    editions = Path(os.environ.get("LESSONKIT_EDITIONS", "")) if os.environ.get("LESSONKIT_EDITIONS") else None
    if editions is None or not all((editions / "teacher" / p.with_suffix(".ipynb").name).exists() for p in LESSONS):
        editions = tmp_path_factory.mktemp("editions")
        build(LESSONS, editions)
    out = tmp_path_factory.mktemp("export")
    assert main(["export", "--editions", str(editions), "--out", str(out)]) == 0
    return out


def test_export_writes_both_editions_of_every_lesson(exported):
    for edition, name in PAGES:
        assert (exported / edition / name).is_file(), f"{edition}/{name} missing"


# In document order: each explorer's note, then the first figure or table after it.
_FALLBACKS = """() => {
  const items = [];
  for (const o of document.querySelectorAll('.jp-OutputArea-output')) {
    if (o.querySelector('.lessonkit-widget-note')) items.push('note');
    else if (o.querySelector('img[alt], table')) items.push('static');
  }
  return items;
}"""


@pytest.mark.parametrize("edition,name", PAGES, ids=[f"{e}/{n}" for e, n in PAGES])
def test_exported_page_is_readable_without_a_kernel_and_passes_axe(exported, offline, edition, name,
                                                                   record_property):
    from axe_playwright_python.sync_playwright import Axe

    page = offline
    page.goto((exported / edition / name).as_uri(), wait_until="load")
    assert page.locator("script[src]").count() == 0
    source = (REPO / "notebooks" / name).with_suffix(".md").read_text(encoding="utf-8")
    explorers = len(EXPLORER_CALL.findall(source))
    notes = page.locator(".lessonkit-widget-note").count()
    images = page.locator(".jp-OutputArea-output img")
    alts = images.evaluate_all("imgs => imgs.map(i => (i.getAttribute('alt') || '').trim())")
    if edition == "teacher":
        assert notes == explorers, f"{notes} widget notes for {explorers} explorers"
        items = page.evaluate(_FALLBACKS)
        for i, item in enumerate(items):
            if item == "note":
                assert "static" in items[i + 1:i + 2], f"explorer {items[:i + 1].count('note')} has no static version after it"
        assert "VBox(children" not in page.evaluate("() => document.body.innerText")
        assert alts and all(len(a) > 20 for a in alts), f"figures without alt text: {alts}"
    else:
        assert notes == 0 and not alts, "the student edition should have no outputs"
    results = Axe().run(page).response
    by_rule = collections.Counter()
    for v in results["violations"]:
        by_rule[(v["impact"], v["id"])] += len(v["nodes"])
    by_impact = collections.Counter()
    for (impact, _), n in by_rule.items():
        by_impact[impact] += n
    print(f"\naxe {edition}/{name}: {dict(by_impact) or 'no violations'}")
    for (impact, rule), n in sorted(by_rule.items()):
        print(f"  {impact:9} {rule}: {n}")
    record_property("axe", {f"{impact}/{rule}": n for (impact, rule), n in by_rule.items()})
    assert page.refused == [], f"requests left the machine: {page.refused}"
    blocking = [f"{v['id']} ({v['impact']}): {v['help']}; e.g. {v['nodes'][0]['html'][:120]}"
                for v in results["violations"] if v["impact"] in BLOCKING]
    assert blocking == []
