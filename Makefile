# Quick start: `make demo` (dashboard on the demo data) and `make test` (the whole suite).
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
DB ?= data/warehouse.duckdb
HOST ?= 127.0.0.1
PORT ?= 8050

.PHONY: demo test bench clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-* && touch $@

demo: $(STAMP)
	@[ -f $(DB) ] || $(BIN)/carevisit demo --db $(DB)
	$(BIN)/carevisit serve --db $(DB) --host $(HOST) --port $(PORT) --no-auth

test: $(STAMP)
	$(BIN)/ruff check dashboard etl tests bench
	$(BIN)/pytest -n auto --dist loadscope

bench: $(STAMP)
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/dashboard.py

clean:
	rm -rf $(VENV) data/warehouse.duckdb data/demo-*
