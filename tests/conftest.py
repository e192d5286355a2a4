"""Options and fixtures shared by the tests."""

import pytest


def pytest_addoption(parser):
    parser.addoption("--update-goldens", action="store_true", default=False,
                     help="rewrite the golden files under tests/goldens/ from the current build")


@pytest.fixture
def update_goldens(request) -> bool:
    return request.config.getoption("--update-goldens")
