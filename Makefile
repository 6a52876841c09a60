# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app wsgi

.PHONY: run test install translations lint translate-update bench bench-api bench-questionnaire bench-load bench-upload bench-floor clean

$(BIN)/activate: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $(BIN)/activate

install: $(BIN)/activate translations

translations: $(BIN)/activate
	$(BIN)/pybabel compile -d translations

run: install
	$(FLASK) db upgrade
	$(FLASK) demo
	$(FLASK) seal-demo
	PORT=$(PORT) $(FLASK) serve --port $(PORT)

# One test process per core (pytest-xdist; one more made the mail timing tests fail under
# load). A file's tests stay together in one process. The slowest tests are listed at the
# end, to see what a CI run spends its time on.
TEST_WORKERS ?= $(shell nproc)
test: install
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --durations=10 $(PYTEST_ARGS)

lint: $(BIN)/activate
	$(BIN)/ruff check .

# Re-extract the strings after changing templates or code, then fill in both catalogs.
translate-update: $(BIN)/activate
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_ngettext:1,2 -o translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete --width 100
	$(BIN)/python translations/fill_en.py
	$(BIN)/python translations/fill_nl.py

bench: install
	$(BIN)/python -m bench
	$(BIN)/python -m bench.api
	$(BIN)/python -m bench.upload

# The API: listing 1,000 dossiers in pages of 100, publishing 100 documents of 1 MB.
bench-api: install
	$(BIN)/python -m bench.api

# Questionnaires: the PDF of 100 questions, a step save and "Voltooien" (in-process, SQLite).
bench-questionnaire: install
	$(BIN)/python -m bench.questionnaire

# A 1 GB resumable upload (tus) in one PATCH to one gunicorn worker against `cp` of the same
# file: MB/s of both, their ratio (at least 0.30) and the worker's memory (flat).
bench-upload: install
	$(BIN)/python -m bench.upload

# Each page against its floor (issue 22): real p50, floor p50 (its own SQL replayed through
# the driver plus a template of the same size) and their ratio; fails over 2x (client) or
# 3x (staff). Not yet part of `make bench`: the pages are over today (issue 22, open).
bench-floor: install
	$(BIN)/python -m bench.floor --pg postgresql://postgres@127.0.0.1:5432/klpfloor

# 50 users for several minutes against gunicorn with 4 workers, on SQLite and PostgreSQL.
bench-load: install
	$(BIN)/python -m bench.load

clean:
	rm -rf $(VENV) instance/portal.sqlite3* instance/files instance/outbox
