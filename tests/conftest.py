"""Options and fixtures shared by the tests."""

import pytest


def pytest_addoption(parser):
    parser.addoption("--update-goldens", action="store_true", default=False,
                     help="rewrite the golden files under tests/goldens/ from the current build")


@pytest.fixture
def update_goldens(request) -> bool:
    return request.config.getoption("--update-goldens")


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """An empty private cache folder of lessonkit's own (the data's tables, figures, keys),
    and no data package held in memory, before and after the test."""
    from lessonkit import _cache, _data

    folder = tmp_path / "cache"
    monkeypatch.setenv(_cache.CACHE_ENV, str(folder))
    _data._cache.clear()
    yield folder
    _data._cache.clear()


# `make check` runs `-m "not slow and not browser"`: the tests below start kernels, notebook
# servers or whole environments, so they are marked slow here (`make test` runs them all).
# A test is slow if its module runs kernels throughout, or if it uses a fixture that does.
SLOW_MODULES = {"test_binder", "test_grading", "test_grading_identity", "test_grading_malformed", "test_sandbox",
                "test_packaging", "test_nbgrader", "test_hub", "test_site"}
SLOW_FIXTURES = {"built", "cells", "kernel", "two_builds", "teacher_editions", "editions", "edition", "graded"}
SLOW_WORDS = ("subprocess", "execute(", "build(", "NotebookClient", "run_notebook", "KernelManager")


def _starts_processes(item) -> bool:
    """True if the test's own code starts a process or a kernel (read from its source)."""
    import inspect

    try:
        source = inspect.getsource(item.function)
    except (OSError, TypeError, AttributeError):
        return False
    return any(word in source for word in SLOW_WORDS)


def pytest_collection_modifyitems(config, items):
    for item in items:
        module = item.module.__name__.rsplit(".", 1)[-1] if getattr(item, "module", None) else ""
        if (module in SLOW_MODULES or SLOW_FIXTURES & set(getattr(item, "fixturenames", ()))
                or _starts_processes(item)):
            item.add_marker(pytest.mark.slow)
