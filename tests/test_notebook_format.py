"""The notebook format: exact jupytext round trips, outputs that strict nbval can compare,
reproducible builds, and editions that JupyterLab opens without changing them."""

import re
import shutil
import tomllib
from pathlib import Path

import nbformat
import pytest
from jupytext.cli import jupytext as jupytext_cli

from .lesson_source import front_matter

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
ORDER = tomllib.loads((NOTEBOOKS / "lessons.toml").read_text(encoding="utf-8"))["lesson"]
SOURCES = [NOTEBOOKS / entry["file"] for entry in ORDER] + [
    ROOT / "docs" / "lesson-template.md", ROOT / "tests" / "sample" / "sample.md", ROOT / "apps" / "explorers.md"]


@pytest.mark.parametrize("source", SOURCES, ids=[p.stem for p in SOURCES])
def test_a_lesson_survives_md_to_ipynb_to_md_unchanged(source, tmp_path):
    """What an author does with jupytext (pair, open as a notebook, save) changes no line, even
    for a lesson copied out of the repository: its own header carries the jupytext filters, so
    its key (the lessonkit: front matter) survives without the project's jupytext.toml."""
    assert not (tmp_path / "jupytext.toml").exists()
    text = tmp_path / source.name
    shutil.copy(source, text)
    jupytext_cli(["--quiet", "--to", "ipynb", str(text)])
    text.unlink()
    jupytext_cli(["--quiet", "--to", "myst", str(text.with_suffix(".ipynb"))])
    assert text.read_text(encoding="utf-8") == source.read_text(encoding="utf-8")


@pytest.fixture
def kernel():
    """A fresh ipykernel, as JupyterLab, nbclient and nbval start it."""
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="python3")
    yield client
    client.stop_channels()
    manager.shutdown_kernel(now=True)


def _run(client, code: str, store_history: bool) -> str:
    """Run code in the kernel; return what it printed (raise on an error)."""
    printed = []

    def keep(message):
        if message["msg_type"] == "stream":
            printed.append(message["content"]["text"])
        elif message["msg_type"] == "error":
            raise AssertionError("\n".join(message["content"]["traceback"]))

    client.execute_interactive(code, store_history=store_history, output_hook=keep, timeout=60)
    return "".join(printed)


@pytest.mark.parametrize("store_history", [True, False], ids=["nbclient", "nbval"])
def test_feedback_does_not_depend_on_how_the_cell_is_run(kernel, store_history, tmp_path):
    """nbclient (the build) stores history and nbval does not: a computed answer is recognised
    as computed either way, so strict nbval sees the built outputs again."""
    code = (f"import os; os.environ['LESSONKIT_RECORD_DIR'] = {str(tmp_path)!r}\n"
            "from lessonkit import analysis, check\n"
            "n_before = len(analysis.timeline(period='before'))\n"
            "print(check('start.before', n_before))")
    assert "your code computes the right result" in _run(kernel, code, store_history)



def test_a_figure_in_a_notebook_is_an_image_output_then_its_description(kernel):
    """As IPython really displays it: an image/png output with the alt text in its metadata and
    the same picture as an <img> with that alt text (what JupyterLab shows), then the description."""
    shown = []

    def keep(message):
        if message["msg_type"] in ("display_data", "execute_result"):
            shown.append(message["content"])
        elif message["msg_type"] == "error":
            raise AssertionError("\n".join(message["content"]["traceback"]))

    kernel.execute_interactive("from lessonkit.lessons import news\nnews.verdict_chart()", output_hook=keep, timeout=60)
    from lessonkit.lessons import news

    chart = news.verdict_chart()
    image, description = shown
    assert set(image["data"]) == {"image/png", "text/html", "text/plain"} and image["data"]["text/plain"] == repr(chart)
    assert image["data"]["text/html"] == chart._repr_mimebundle_()[0]["text/html"]
    assert image["metadata"] == {"image/png": {"alt": chart.alt}}
    assert description["data"] == {"text/html": chart.description_html()}


# --- Reproducible builds -------------------------------------------------------------

DEMO = front_matter('demo', 5) + '''
# A lesson with an explorer and a figure

```{code-cell} ipython3
from lessonkit import widgets
from lessonkit.lessons import news

widgets.truce_game_explorer()
```

```{code-cell} ipython3
news.verdict_chart()
```
'''


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory):
    """The same lesson (a widget, a figure) built twice, each teacher edition run in its own kernel."""
    from lessonkit.teacher.editions import build

    source = tmp_path_factory.mktemp("src") / "99-demo.md"
    source.write_text(DEMO, encoding="utf-8")
    first, second = tmp_path_factory.mktemp("first"), tmp_path_factory.mktemp("second")
    build([source], first)
    build([source], second)
    return first, second


@pytest.mark.parametrize("edition", ["teacher", "student"])
def test_two_builds_are_byte_identical(two_builds, edition):
    first, second = two_builds
    assert (first / edition / "99-demo.ipynb").read_bytes() == (second / edition / "99-demo.ipynb").read_bytes()


def test_a_built_teacher_edition_has_no_timestamps_and_its_widgets_resolve(two_builds):
    text = (two_builds[0] / "teacher" / "99-demo.ipynb").read_text(encoding="utf-8")
    nb = nbformat.reads(text, as_version=4)
    assert all("execution" not in cell.metadata for cell in nb.cells)
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    (view,) = [o.data["application/vnd.jupyter.widget-view+json"] for c in nb.cells for o in c.get("outputs", [])
               if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert view["model_id"] in state and state[view["model_id"]]["model_name"] == "VBoxModel"
    references = set(re.findall(r"IPY_MODEL_([0-9a-f]{32})", text))
    assert references and references <= set(state), "a widget refers to a model the notebook does not hold"
    figure = next(o for c in nb.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {}))
    assert 'alt="' in figure.data["text/html"] and figure.data["text/plain"].startswith("Figure: ")


# --- Opening a lesson in JupyterLab changes nothing ---------------------------------

@pytest.mark.parametrize("edition", ["teacher", "student"])
def test_editions_carry_the_metadata_jupyterlab_writes_on_opening(kernel, two_builds, edition):
    """JupyterLab writes the kernel's name with its spec's display name and language, and the
    language_info of the kernel's kernel_info reply, unchanged: here from a real ipykernel."""
    from jupyter_client.kernelspec import KernelSpecManager

    spec = KernelSpecManager().get_kernel_spec("python3")
    reply = kernel.kernel_info(reply=True, timeout=30)
    expected = {"kernelspec": {"name": "python3", "display_name": spec.display_name, "language": spec.language},
                "language_info": reply["content"]["language_info"]}
    nb = nbformat.read(two_builds[0] / edition / "99-demo.ipynb", as_version=4)
    assert {key: nb.metadata.get(key) for key in expected} == expected
    assert nb.metadata["kernelspec"]["display_name"] == "Python 3 (ipykernel)"


# --- The built lessons: what strict nbval compares -----------------------------------

@pytest.fixture(scope="module")
def teacher_editions(tmp_path_factory) -> Path:
    """The executed teacher edition of every lesson: those the test command built
    (LESSONKIT_EDITIONS), or a fresh build."""
    import os

    from lessonkit.teacher.editions import build

    lessons = [NOTEBOOKS / entry["file"] for entry in ORDER]
    given = os.environ.get("LESSONKIT_EDITIONS")
    if given and all((Path(given) / "teacher" / p.with_suffix(".ipynb").name).exists() for p in lessons):
        return Path(given) / "teacher"
    out = tmp_path_factory.mktemp("editions")
    build(lessons, out, editions=("teacher",))
    return out / "teacher"


@pytest.mark.parametrize("entry", ORDER, ids=[e["file"][:-3] for e in ORDER])
def test_a_built_lesson_prints_no_warning_and_shows_figures_as_images(teacher_editions, entry):
    nb = nbformat.read(teacher_editions / entry["file"].replace(".md", ".ipynb"), as_version=4)
    outputs = [o for c in nb.cells for o in c.get("outputs", [])]
    assert [o.text for o in outputs if o.get("name") == "stderr"] == []
    figures = [o.data for o in outputs if "image/png" in o.get("data", {})]
    assert figures, "every lesson has a figure"
    for data in figures:  # JupyterLab shows the <img>, which must name the picture for screen readers
        assert re.search(r'<img src="data:image/png;base64,[^"]+" alt="[^"]{30,}"', data["text/html"])
    assert all("execution" not in c.metadata for c in nb.cells)
