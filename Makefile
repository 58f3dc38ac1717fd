# Quick start: `make demo` (dashboard on the demo data) and `make test` (the whole suite).
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
DB ?= data/warehouse.duckdb
HOST ?= 127.0.0.1
PORT ?= 8050
# Two test workers more than there are cores (at least 4): many tests wait on a browser or a subprocess (on the
# 2-core machine, 2026-12-06, CI=true: 4 workers ran the suite in 636 s, the machine's CPU busy 172 % of the time;
# 3 took 747 s at 142 %, 5 took 711 s with a tenth more CPU). Each module runs whole on one worker, the longest
# first (tests/conftest.py LONGEST_MODULES), not xdist's order by number of tests.
WORKERS ?= $(shell python3 -c "import os; print(max(4, (os.cpu_count() or 1) + 2))")

# jemalloc in place of the C library's malloc where the machine has it (Debian: libjemalloc2; .ci/run installs it):
# DuckDB allocates much to plan and start each statement, and a load then costs a tenth less CPU (bench/allocator.py:
# the small demo 17.5 s against 19.5 s, the same peak memory; the suite 612 s against 640 s, 2026-12-06). Without it
# everything runs the same, on glibc's malloc.
JEMALLOC := $(firstword $(wildcard /usr/lib/*-linux-gnu/libjemalloc.so.2 /usr/lib64/libjemalloc.so.2 /usr/lib/libjemalloc.so.2))
PRELOAD := $(if $(JEMALLOC),LD_PRELOAD=$(JEMALLOC))

.PHONY: demo test bench clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-* && touch $@

# The suite also runs the marts on Apache Spark: pyspark (large, its own extra) only for `make test`. On a fresh
# clone one install of both extras (one resolve of the dependencies, not two); after `make demo`, the Spark extra added
SPARK_STAMP := $(VENV)/.spark-$(shell sha1sum pyproject.toml | cut -c1-12)

$(SPARK_STAMP): pyproject.toml
	[ -x $(BIN)/python ] || { python3 -m venv $(VENV) && $(BIN)/python -m pip install --quiet --upgrade pip; }
	$(BIN)/python -m pip install --quiet -e '.[test,spark]'
	rm -f $(VENV)/.installed-* $(VENV)/.spark-* && touch $(STAMP) $@

demo: $(STAMP)
	@[ -f $(DB) ] || env $(PRELOAD) $(BIN)/carevisit demo --db $(DB)
	env $(PRELOAD) $(BIN)/carevisit serve --db $(DB) --host $(HOST) --port $(PORT) --no-auth

# The suite starts a few dozen Python processes (workers, the command line, gunicorn, forked loads): each compiles
# etl/, dashboard/ and tests/ anew (0.3 CPU-s a process, and pytest's assertion rewriting of every test module
# in each worker) unless bytecode is kept, which a PYTHONDONTWRITEBYTECODE in the environment forbids. The slowest
# tests are listed at the end, so that a CI log tells where the suite's time goes.
test: $(SPARK_STAMP)
	$(BIN)/ruff check dashboard etl tests bench
	env -u PYTHONDONTWRITEBYTECODE $(PRELOAD) $(BIN)/pytest -n $(WORKERS) --dist loadscope --no-loadscope-reorder --durations=15

bench: $(STAMP)
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/dashboard.py

clean:
	rm -rf $(VENV) data/warehouse.duckdb data/demo-*
