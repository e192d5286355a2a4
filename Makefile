# The two commands of the README:
#   make lesson   set up the student install, build the student edition, open lesson 0 in JupyterLab
#   make test     set everything up (teacher and test extras too) and run the whole test suite
# Needs only Python 3.11+ and make. Everything installs into .venv inside this folder.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Two installs: the student's (the lessons' dependencies only, for `make lesson`) and the
# full one (teacher tools as well, every extra, and the dependency group `dev`: test and maintainer tools).
STUDENT_STAMP := $(VENV)/.lessonkit-student-installed
STAMP := $(VENV)/.lessonkit-installed
HUB_PROXY := $(VENV)/node/node_modules/.bin/configurable-http-proxy
PORT ?= 8888
# Every install reads the lock: exact versions of everything, made by `make lock` from the ranges
# in pyproject.toml (see the README). A newer upstream release changes nothing until the lock does.
LOCK := requirements/lock.txt
# uv (from the lock) installs; lessonkit is built with the locked hatchling, not a fresh download.
INSTALL := $(BIN)/uv pip install --quiet --python $(BIN)/python --no-build-isolation -c $(LOCK)
EXTRAS := teacher,nbgrader,site,hub
FULL := -e '.[$(EXTRAS)]' --group pyproject.toml:dev
# A lesson you changed is never overwritten: the new version arrives beside it as NAME.new.ipynb.
# `make lesson REPLACE=1` replaces it instead, after a copy in editions/student/backups/.
REPLACE_FLAG := $(if $(REPLACE),--replace,)
# JupyterLab refuses to run as root unless told; a school laptop never needs this.
AS_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: lesson teacher test check venv editions app export site bench clean lock test-latest test-lowest

$(VENV)/.created: $(LOCK)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "lessonkit needs Python 3.11 or newer; found " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c $(LOCK) pip uv hatchling editables
	touch $@

# An editable install leaves lessonkit uncompiled; where PYTHONDONTWRITEBYTECODE is set (many
# container images), every process, every grading kernel too, would compile it again.
# compileall writes the bytecode once, as pip does for a package it installs.
COMPILE := $(BIN)/python -m compileall -q src/lessonkit

$(STUDENT_STAMP): pyproject.toml $(LOCK) $(VENV)/.created
	$(INSTALL) -e .
	$(COMPILE)
	touch $@

$(STAMP): pyproject.toml $(LOCK) $(VENV)/.created
	$(INSTALL) $(FULL)
	$(COMPILE)
	touch $(STUDENT_STAMP) $@

venv: $(STAMP) $(HUB_PROXY)

# The JupyterHub test's proxy (configurable-http-proxy, from npm, locked in requirements/npm)
# goes into .venv/node; without npm the test is skipped (and fails in CI, where .ci/run installs npm).
$(HUB_PROXY): requirements/npm/package-lock.json | $(VENV)/.created
	@if command -v npm >/dev/null 2>&1; then \
		mkdir -p $(VENV)/node && cp requirements/npm/package.json requirements/npm/package-lock.json $(VENV)/node/ && \
		npm ci --prefix $(VENV)/node --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the JupyterHub test (tests/browser/test_hub.py) will be skipped"; fi

editions: $(STAMP)
	$(BIN)/lessonkit build --out editions

# The same as `python -m lessonkit lesson` (which also works where there is no make).
# `make lesson PORT=8890 ARGS=--no-browser`: PORT (when given) and ARGS go to JupyterLab.
LAB_ARGS := $(if $(filter command line environment,$(origin PORT)),--port=$(PORT)) $(ARGS)
lesson: $(STUDENT_STAMP)
	$(BIN)/python -m lessonkit lesson --out editions $(REPLACE_FLAG) -- $(LAB_ARGS)

teacher: $(STAMP)
	$(BIN)/lessonkit build --out editions
	$(BIN)/jupyter lab $(AS_ROOT) --ServerApp.root_dir=editions/teacher editions/teacher/00-start-here.ipynb

# The app view: the explorers on one page, code hidden, served by Voila (Ctrl+C stops it).
app: $(STAMP)
	$(BIN)/lessonkit app apps/explorers.md
	JUPYTER_PATH=apps $(BIN)/voila apps/explorers.ipynb --Voila.ip=127.0.0.1 --port=$(PORT) --template=lessonkit \
		--VoilaConfiguration.extension_denylist="['jupyterlab-jupytext']"

# Printable copies: HTML pages of both editions of every lesson (teacher executed) in exports/.
export: $(STAMP)
	$(BIN)/lessonkit export --out exports

# A static website of the student edition (no solutions, no instructor notes) in build/site:
# the folder to publish. Never publish notebooks/ (the sources) or the teacher edition.
site: $(STAMP)
	$(BIN)/lessonkit site --out build/site

# The test suite: build both editions of every lesson (the teacher edition is executed), then
# run the unit, data, edition, browser and Binder tests, and strict nbval over the built
# notebooks (the teacher edition's outputs must come out the same; student cells only run).
# tools/run_tests.py does it, so that Windows runs the same command without make.
test: $(STAMP) $(HUB_PROXY)
	$(INSTALL) $(FULL)
	$(BIN)/python tools/run_tests.py $(PYTEST_ARGS)

# The quick loop while changing code (under a minute): lint, types, and the unit tests and
# doctests that start no kernel, browser or environment (`make test` still runs everything).
check: $(STAMP)
	$(INSTALL) $(FULL)
	$(BIN)/ruff check src tests tools benchmarks
	$(BIN)/mypy
	$(BIN)/python -m pytest -q -m "not slow and not browser" -p no:cacheprovider $(PYTEST_ARGS)

# Every speed figure against same-run baselines, then benchmarks/RESULTS.md written whole with
# the machine named (about 45 minutes; run it on an idle machine; the browser benchmark needs
# Debian's Chromium). `make bench BENCH_ARGS=--quick` is a noisy smoke run;
# BENCH_ARGS="--only bench_lessons" runs one benchmark (see benchmarks/README.md).
bench: $(STAMP)
	$(COMPILE)
	$(BIN)/python benchmarks/run_all.py $(BENCH_ARGS)

# The lock, made again from the ranges in pyproject.toml at today's newest releases (one command;
# it prints each version that changed). Commit requirements/ and binder/requirements.txt after
# `make test` passes with them. LOCK_ARGS="--upgrade-package jupytext" moves one package only.
LOCK_ARGS ?= --upgrade
comma := ,
UV := $(BIN)/uv
lock: $(VENV)/.created
	@cp $(LOCK) $(VENV)/lock.before
	$(UV) pip compile --quiet --universal --python-version 3.11 $(LOCK_ARGS) --custom-compile-command "make lock" \
		pyproject.toml requirements/tools.in $(patsubst %,--extra %,$(subst $(comma), ,$(EXTRAS))) --group pyproject.toml:dev -o $(LOCK)
	$(UV) pip compile --quiet --python-version 3.11.7 --python-platform x86_64-manylinux_2_28 --no-annotate \
		--custom-compile-command "make lock" -c $(LOCK) pyproject.toml -o binder/requirements.txt
	cd requirements/npm && npm install --package-lock-only --no-audit --no-fund --loglevel=error
	@echo "Changed in $(LOCK):"; diff $(VENV)/lock.before $(LOCK) | grep -E '^[<>] [A-Za-z0-9]' || echo "  nothing"

# On purpose, outside `make test` and CI: the fast tier against the newest releases the ranges
# allow (test-latest) and against the lowest (test-lowest), each in a venv of its own, so that
# pyproject.toml's ranges stay true at both ends. Both need the package index.
# The fast tier here also builds both editions (the teacher edition executed) and checks them with nbval.
FAST_TIER := tools/run_tests.py -q -m "not slow and not browser"
test-latest: $(VENV)/.created
	rm -rf .venv-latest && $(PYTHON) -m venv .venv-latest
	$(UV) pip install --quiet --python .venv-latest/bin/python --upgrade $(FULL)
	LESSONKIT_UNLOCKED=1 .venv-latest/bin/python $(FAST_TIER)

test-lowest: $(VENV)/.created
	rm -rf .venv-lowest && $(PYTHON) -m venv .venv-lowest
	$(UV) pip install --quiet --python .venv-lowest/bin/python --resolution lowest-direct $(FULL)
	LESSONKIT_UNLOCKED=1 .venv-lowest/bin/python $(FAST_TIER)

clean:
	rm -rf $(VENV) .venv-latest .venv-lowest editions exports apps/explorers.ipynb .pytest_cache
