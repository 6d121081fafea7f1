# The two commands: `make run` (demo on SQLite at http://127.0.0.1:5000) and `make test`.
PYTHON ?= python3
VENV ?= .venv
PORT ?= 5000
BIN := $(VENV)/bin
CATALOGUES := $(wildcard caseapp/translations/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGUES:.po=.mo)

.PHONY: run test lint install translations messages clean bench loadtest assets demo-reset

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "caseapp needs Python 3.11 or newer (set PYTHON=python3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,assets]'
	touch $@

install: $(VENV)/.installed

%.mo: %.po $(VENV)/.installed
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@

translations: $(COMPILED)

# Designsystemet and the Inter font from npm (package-lock.json), copied into
# caseapp/static/vendor/ (git-ignored build output; nothing is loaded from a CDN).
VENDOR := caseapp/static/vendor
node_modules/.ci-stamp: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

$(VENDOR)/.built: node_modules/.ci-stamp tools/build_assets.sh tools/trim_css.py $(VENV)/.installed
	PYFTSUBSET=$(BIN)/pyftsubset PYTHON=$(BIN)/python sh tools/build_assets.sh
	touch $@

# Designsystemet's CSS keeps the components the sources write (tools/trim_css.py): trimmed
# again whenever a template, module or app.js changes.
CLASS_SOURCES := $(shell find templates caseapp roles consent audit -path '*/vendor' -prune -o \( -name '*.html' -o -name '*.py' -o -name 'app.js' \) -print)
$(VENDOR)/designsystemet.css: $(VENDOR)/.built $(CLASS_SOURCES)
	$(BIN)/python tools/trim_css.py node_modules/@digdir/designsystemet-css/dist/src/index.css $@

assets: $(VENDOR)/.built $(VENDOR)/designsystemet.css

run: install translations assets
	$(BIN)/caseapp init
	$(BIN)/caseapp demo
	@echo "Plain http on 127.0.0.1: Secure cookies are turned off for this local run only."
	CASEAPP_SESSION_COOKIE_SECURE=false sh tools/oidc_provider/demo.sh $(BIN)/caseapp $(PORT) --with-worker

# The demo is dated relative to the day it was loaded: this sets its files aside (instance/previous/)
# so the next `make run` loads it afresh, dated today. Stop `make run` first.
demo-reset: install
	$(BIN)/caseapp demo-reset

# SQLite always; PostgreSQL too when DATABASE_URL is given (make test DATABASE_URL=postgresql://…).
# In parallel (pytest-xdist): TEST_WORKERS processes, one per core by default, each with its own
# instance folder, keys and database (on PostgreSQL <db>_gw<N>, made and dropped by the
# fixtures). TEST_WORKERS=0 runs the suite in one process.
TEST_WORKERS ?= auto
PYTEST := $(BIN)/pytest -p no:cacheprovider -n $(TEST_WORKERS)
test: install translations assets
	$(PYTEST)
	@if [ -n "$(DATABASE_URL)" ]; then \
		echo "== the suite again on PostgreSQL =="; \
		$(PYTEST) --db "$(DATABASE_URL)"; \
	fi

# ruff with the rule set in pyproject.toml ([tool.ruff]); .ci/run runs it too.
lint: install
	$(BIN)/ruff check .

# Benchmarks and the load test (not part of `make test`; docs/benchmarks.md). `make bench` makes
# (once) and measures a dataset per size on SQLite and on PostgreSQL, writes
# benchmarks/results/<db>-<N>.json and the summary table in README.md. Datasets live in
# $(BENCH_DIR), outside the repository; each PostgreSQL size gets its own database
# (caseapp_bench_<N>, created on $(BENCH_PG)); the SQLite dataset of a size is a copy of the
# PostgreSQL one (same rows and keys). BENCH_PG= (empty) skips PostgreSQL and generates on
# SQLite. N = 100,000 takes 30–60 minutes to generate the first time.
BENCH_SIZES ?= 1000 100000
BENCH_PG ?= postgresql://127.0.0.1:5432
BENCH_DIR ?= /work/benchdata
# The nightly incremental check of the audit log at this many events (benchmarks/verify_incremental.py).
BENCH_VERIFY_EVENTS ?= 2000000
bench: install translations
	@for n in $(BENCH_SIZES); do \
		if [ -n "$(BENCH_PG)" ]; then \
			BENCH_DIR=$(BENCH_DIR) benchmarks/bench.sh $$n "$(BENCH_PG)/caseapp_bench_$$n" || exit 1; \
			BENCH_DIR=$(BENCH_DIR) BENCH_COPY_FROM="$(BENCH_PG)/caseapp_bench_$$n" \
				benchmarks/bench.sh $$n || exit 1; \
		else \
			BENCH_DIR=$(BENCH_DIR) benchmarks/bench.sh $$n || exit 1; \
		fi; \
	done
	$(BIN)/python benchmarks/report.py --readme README.md
	nice -n 15 $(BIN)/python benchmarks/verify_incremental.py --events $(BENCH_VERIFY_EVENTS)

loadtest: install translations
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	benchmarks/loadtest.sh $(BENCH_DIR)/$(if $(BENCH_DB),pg,sqlite)-load $(BENCH_DB)

# Update the catalogues after adding or changing UI strings.
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
		--project caseapp -o caseapp/translations/messages.pot .
	$(BIN)/pybabel update -i caseapp/translations/messages.pot -d caseapp/translations \
		--no-fuzzy-matching --ignore-obsolete

clean:
	rm -rf $(VENV) build *.egg-info node_modules $(VENDOR)
	find . -name '*.mo' -path '*/translations/*' -delete
