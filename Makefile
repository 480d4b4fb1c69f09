# bactivate: two commands on a fresh machine with Python 3.11+ and make.
#   make report   set up .venv, install bactivate, render the sample client's report
#   make test     install the test extras, lint, build the wheel and render the report from it
#                 in a fresh venv (what users install), then run every test and every notebook
#   make lab      copy a template notebook into work/ (git ignores it) and open JupyterLab on it:
#                 make lab [NOTEBOOK=client-report|cohort-comparison|teaching-demo] [LOG=path]
# Every set-up also installs the Jupyter kernel `bactivate` (this .venv's Python) and, in a git
# checkout, the git filter that strips notebook outputs before a commit (bactivate.workspace.set_up).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SAMPLE ?= data/sample/client-alex.xlsx
REPORT ?= reports/client-alex-report.html
NOTEBOOK ?= client-report
LOG ?=
LAB_OPTIONS ?=
SET_UP = $(BIN)/python -c 'from bactivate.workspace import set_up; print(*set_up(), sep="\n")'

.PHONY: report test lint benchmark clean check-install lab
$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "bactivate needs Python 3.11 or newer; set PYTHON=python3.11 (or newer)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-base: pyproject.toml setup.py | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e . "nbstripout>=0.8"
	$(SET_UP)
	@touch $@

$(VENV)/.installed-lab: pyproject.toml setup.py | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[lab]"
	$(SET_UP)
	@touch $@ $(VENV)/.installed-base

$(VENV)/.installed-test: pyproject.toml setup.py | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	$(SET_UP)
	@touch $@ $(VENV)/.installed-base $(VENV)/.installed-lab

report: $(VENV)/.installed-base
	$(BIN)/bactivate report $(SAMPLE) -o $(REPORT) || [ $$? -eq 1 ]  # 1: written, with cells to fix

# the copy in work/ is kept if it is there (bactivate notebook NAME --force starts it again);
# Lab listens on 127.0.0.1 only; LAB_OPTIONS go to JupyterLab (e.g. --no-browser)
lab: $(VENV)/.installed-lab
	$(BIN)/bactivate notebook $(NOTEBOOK) $(if $(LOG),--log '$(LOG)') $(if $(FORCE),--force) --lab -- $(LAB_OPTIONS)

test: $(VENV)/.installed-test
	$(BIN)/ruff check .
	scripts/check-install $(BIN)/python
	$(BIN)/python -m pytest

check-install: $(VENV)/.installed-test
	scripts/check-install $(BIN)/python

benchmark: $(VENV)/.installed-test
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) reports .pytest_cache .ruff_cache .hypothesis
