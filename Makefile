# The two commands of the README:
#   make lesson   set everything up, build the student edition, open lesson 0 in JupyterLab
#   make test     set everything up and run the whole test suite
# Needs only Python 3.11+ and make. Everything installs into .venv inside this folder.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.lessonkit-installed
PORT ?= 8888
# A lesson you changed is never overwritten: the new version arrives beside it as NAME.new.ipynb.
# `make lesson REPLACE=1` replaces it instead, after a copy in editions/student/backups/.
REPLACE_FLAG := $(if $(REPLACE),--replace,)
# JupyterLab refuses to run as root unless told; a school laptop never needs this.
AS_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: lesson teacher test venv editions app export bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "lessonkit needs Python 3.11 or newer; found " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m lessonkit.teacher.cli settings
	touch $(STAMP)

venv: $(STAMP)

editions: $(STAMP)
	$(BIN)/lessonkit build --out editions

lesson: $(STAMP)
	$(BIN)/lessonkit build --edition student --out editions $(REPLACE_FLAG)
	$(BIN)/jupyter lab $(AS_ROOT) --ServerApp.root_dir=editions/student editions/student/00-start-here.ipynb

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

# The test suite: build both editions of every lesson (the teacher edition is executed), then
# run the unit, data, edition, browser and Binder tests, and nbval over the built notebooks.
EDITIONS := build/test-editions
test: $(STAMP)
	rm -rf $(EDITIONS)
	$(BIN)/lessonkit build --out $(EDITIONS)
	LESSONKIT_EDITIONS=$(EDITIONS) $(BIN)/python -m pytest -p no:cacheprovider $(PYTEST_ARGS) \
		tests src $(EDITIONS) --nbval-lax --nbval-current-env

# Speed figures against same-run baselines; writes benchmarks/RESULTS.md (about 30 minutes).
bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) editions exports apps/explorers.ipynb .pytest_cache
