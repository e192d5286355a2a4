"""A lesson that a student opens in JupyterLab and saves without a change keeps every byte, so
its file is not "modified" and nbgitpuller has nothing to merge the next day."""

from __future__ import annotations

import pytest

from .conftest import lessons

pytestmark = pytest.mark.browser

FIRST = lessons()[0].with_suffix(".ipynb").name


def test_opening_and_saving_an_untouched_student_edition_changes_no_byte(lab, lab_root):
    notebook = lab_root / FIRST
    before = notebook.read_bytes()
    lab.open(FIRST)
    saved = lab.page.evaluate("""async () => {
        const w = window.jupyterapp.shell.currentWidget;
        await w.sessionContext.session.kernel.info;  // JupyterLab writes language_info from this reply
        const kernelspec = w.model.getMetadata('kernelspec');
        await window.jupyterapp.commands.execute('docmanager:save');
        return {kernelspec, dirty: w.model.dirty};
    }""")
    assert saved["kernelspec"]["display_name"] == "Python 3 (ipykernel)" and not saved["dirty"]
    assert notebook.read_bytes() == before
