# copbot: `make run` and `make test` do all set-up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench migrate demo clean catalogs

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/copbot run

demo: $(STAMP)
	$(BIN)/copbot run --demo

migrate: $(STAMP)
	$(BIN)/copbot migrate

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy bot adapters scheduler data copbot

test: lint
	$(BIN)/python -m pytest

# Translations: extract the English source strings (babel.cfg; keywords from
# bot/kernel/i18n_extract.py) into locale/copbot.pot, merge them into every
# locale/<lang>/LC_MESSAGES/copbot.po, then check that each catalog compiles. copbot reads
# the .po files directly (compiled in memory at start-up), so no .mo file is kept.
POT := locale/copbot.pot
catalogs: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg --no-default-keywords \
		$$($(BIN)/python -m bot.kernel.i18n_extract) \
		--project=copbot --version=0.1.0 --omit-header --sort-by-file --no-wrap -o $(POT) .
	$(BIN)/pybabel update -i $(POT) -d locale -D copbot --no-fuzzy-matching --ignore-obsolete \
		--width 100
	tmp=$$(mktemp -d) && cp -r locale/. $$tmp && \
		$(BIN)/pybabel compile -d $$tmp -D copbot --statistics; \
		status=$$?; rm -rf $$tmp; exit $$status

bench: $(STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .mypy_cache .ruff_cache
