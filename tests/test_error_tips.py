"""The lesson kernels' error tips: Python's message, then one plain sentence, in a real kernel."""

import nbformat
import pytest
from nbclient import NotebookClient

LOAD = "%load_ext lessonkit"  # what every lesson runs: error tips and readable tables


def run(*sources):
    """Run cells in a fresh kernel (errors allowed) and return the executed notebook's cells."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    NotebookClient(nb, timeout=60, kernel_name="python3", allow_errors=True).execute()
    return nb.cells


def error_of(cell):
    (error,) = [o for o in cell.outputs if o.output_type == "error"]
    return error


@pytest.fixture(scope="module")
def cells():
    return run("import lessonkit\nimport pandas as pd\nprint(get_ipython().custom_exceptions)\n"
               "print(pd.DataFrame in get_ipython().display_formatter.formatters['text/html'].type_printers)",
               'host = Starmer',
               LOAD,
               'host = Starmer',
               'check("start.before", n_before)',
               'x = 1 / 0',
               'print("still running")')


def test_import_alone_changes_no_error_message(cells):
    assert cells[0].outputs[0]["text"] == "()\nFalse\n"  # nor how tables show
    error = error_of(cells[1])
    assert error.evalue == "name 'Starmer' is not defined"
    assert "Tip" not in "\n".join(error.traceback)


def test_a_forgotten_pair_of_quotes_gets_pythons_error_and_one_sentence(cells):
    error = error_of(cells[3])
    assert (error.ename, error.evalue) == ("NameError", "name 'Starmer' is not defined")
    assert "NameError" in "\n".join(error.traceback[:-1])
    assert error.traceback[-1] == ('Tip: text goes in quotes. If you meant the name Starmer, write "Starmer" '
                                   '(with the quotes) and run the cell again.')


def test_a_name_from_a_cell_not_run_gets_the_run_above_sentence(cells):
    error = error_of(cells[4])
    assert error.evalue == "name 'check' is not defined"
    assert error.traceback[-1].startswith("Tip: if check is made in a cell above, run the cells above first")


def test_other_errors_are_left_as_python_shows_them_and_the_kernel_goes_on(cells):
    error = error_of(cells[5])
    assert error.ename == "ZeroDivisionError" and "Tip" not in "\n".join(error.traceback)
    assert cells[6].outputs[0]["text"] == "still running\n"


def test_a_name_error_still_stops_a_run_all():
    """nbval and the grader see the error as an error: the tip does not swallow it."""
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(LOAD), nbformat.v4.new_code_cell("Starmer")])
    with pytest.raises(CellExecutionError, match="NameError"):
        NotebookClient(nb, timeout=60, kernel_name="python3").execute()


def test_the_lesson_extension_shows_tables_readably():
    (cell,) = run(LOAD + "\nimport pandas as pd\npd.DataFrame({'amount': [3e9], 'note': [None]})")
    html = cell.outputs[0]["data"]["text/html"]
    assert "3,000,000,000" in html and "e+09" not in html and "NaN" not in html
