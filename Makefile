# Two commands do everything on a fresh clone (each creates .venv if needed):
#   make run    extract every report in corpora/ into outputs/
#   make test   run the accuracy eval against the gold set, then the test suite (what CI runs)
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin

.PHONY: run test eval bench clean

$(BIN)/govreport: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

run: $(BIN)/govreport
	$(BIN)/govreport run corpora --out outputs --quiet

test: $(BIN)/govreport
	$(BIN)/govreport eval
	$(BIN)/python -m pytest

eval: $(BIN)/govreport
	$(BIN)/govreport eval

bench: $(BIN)/govreport
	$(BIN)/python bench/bench_extract.py
	$(BIN)/python bench/bench_grammar.py
	$(BIN)/python bench/bench_batch.py

clean:
	rm -rf outputs/*.json outputs/_manifest.jsonl outputs/errors.jsonl outputs/.govreport.lock \
	       outputs/govreport.duckdb outputs/dataset outputs/review build *.egg-info
