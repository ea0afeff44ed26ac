# 阳光村务: `make run` serves the demo region, `make test` runs the whole suite.
VENV   ?= .venv
PYTHON ?= python3
BIN     = $(VENV)/bin
FLASK   = $(BIN)/flask --app portal
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
PORT   ?= 5000

.PHONY: install run serve test test-sqlite test-postgres test-browser lint translations bench clean

$(BIN)/.installed: setup.cfg setup.py pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

install: $(BIN)/.installed

## make run: install, migrate, load Chengdu and the demo, serve on http://127.0.0.1:5000
run: install
	$(FLASK) db upgrade
	$(FLASK) demo load
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

## make test: SQLite, then PostgreSQL, then the browser tests in Debian's chromium
test: install
	bash scripts/test-all

test-sqlite: install
	$(BIN)/pytest -m "not browser" -q

test-postgres: install
	PORTAL_TEST_DATABASE_URL=$(PG_URL) $(BIN)/pytest -m "not browser" -q

test-browser: install
	$(BIN)/pytest -m browser -q

lint: install
	$(BIN)/ruff check .

translations: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -o portal/translations/messages.pot .
	$(BIN)/pybabel update -i portal/translations/messages.pot -d portal/translations --no-fuzzy-matching
	$(BIN)/pybabel compile -d portal/translations

bench: install
	bash bench/run-all

clean:
	rm -rf $(VENV) instance artifacts .pytest_cache
