# bactivate: two commands on a fresh machine with Python 3.11+ and make.
#   make report   set up .venv, install bactivate, render the sample client's report
#   make test     install the test extras, lint, build the wheel and render the report from it
#                 in a fresh venv (what users install), then run every test and every notebook
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SAMPLE ?= data/sample/client-alex.xlsx
REPORT ?= reports/client-alex-report.html

.PHONY: report test lint benchmark clean check-install
$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "bactivate needs Python 3.11 or newer; set PYTHON=python3.11 (or newer)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-base: pyproject.toml setup.py | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml setup.py | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $@ $(VENV)/.installed-base

report: $(VENV)/.installed-base
	$(BIN)/bactivate report $(SAMPLE) -o $(REPORT) || [ $$? -eq 1 ]  # 1: written, with cells to fix

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
