"""The capstone's memo evidence check in a real JupyterLab: a student types a memo into the
text area, presses the button, and reads which sentence lacks evidence; the memo is saved."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.browser

LESSON = "07-capstone-in-their-shoes.ipynb"
MEMO = ("The UK was ready to put troops into Ukraine [gbr-european-troops-20250227]. "
        "Russia opposes European troops. We hosted the summit in March 2025 [london-sumit]. "
        "This memo sets out our view for the other delegations, so that each of them can read it "
        "before the next meeting and reply in writing. We ask every delegation to answer each point "
        "in turn, to cite the rows it relies on, and to say plainly which of our requests it could "
        "accept and which it could not.")


def test_the_memo_checker_names_the_sentence_that_lacks_evidence(lab, jupyter_server):
    lab.open(LESSON)
    lab.run_all()
    assert lab.error_outputs() == []
    cell = lab.cell(lab.cell_index("capstone.memo_checker()"))
    box = cell.locator(".jp-OutputArea-output .lessonkit-explorer").first
    box.wait_for(state="visible")
    box.scroll_into_view_if_needed()

    area = box.locator("textarea").first
    area.click()
    lab.page.keyboard.type(MEMO, delay=5)
    box.locator("button", has_text="Check my evidence").click()

    output = box.locator(".lessonkit-output")
    output.locator("text=lack evidence").wait_for(timeout=15_000)
    text = " ".join(output.inner_text().split())
    assert "2 of 3 sentences that make a claim lack evidence" in text
    assert "Sentence 2: Russia opposes European troops." in text
    assert "cites no row" in text and "positions row" in text
    assert "Sentence 3:" in text and "did you mean [london-summit]?" in text
    assert "Sentence 1:" not in text  # the cited stance passes
    assert "saved for your teacher" in text

    records = jupyter_server.log.parent / "records"  # the server sets LESSONKIT_RECORD_DIR there
    record = json.loads((records / "lessonkit-record-capstone.json").read_text(encoding="utf-8"))
    memos = [a for a in record["attempts"] if a.get("exercise") == "capstone.memo"]
    assert memos and memos[-1]["status"] == "recorded"
    assert "Russia opposes European troops." in json.dumps(memos[-1]["answer"])


def test_the_memo_checker_has_named_controls_and_passes_axe(lab):
    """The text area is named by its label, and axe finds nothing in the checker and its findings."""
    from axe_playwright_python.sync_playwright import Axe

    lab.open(LESSON)
    lab.run_all()
    box = lab.page.locator(".lessonkit-explorer", has_text="Memo evidence check").first
    box.scroll_into_view_if_needed()
    box.evaluate("e => e.setAttribute('id', 'memo-checker-under-test')")
    box.locator("textarea").first.click()
    lab.page.keyboard.type("Russia opposes European troops [london-sumit].", delay=5)
    box.locator("button", has_text="Check my evidence").click()
    box.locator(".lessonkit-output", has_text="lack evidence").wait_for(timeout=15_000)
    label = box.locator("textarea").evaluate("t => t.labels.length ? t.labels[0].textContent : ''")
    assert label == "Your memo"
    found = Axe().run(lab.page, context="#memo-checker-under-test").response["violations"]
    assert [(v["id"], v["impact"]) for v in found] == []
