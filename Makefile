# PLUS — the two commands are `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app run
export PLUS_DEMO_CLIENTS ?= 500

.PHONY: run test install translations migrate seed bench lint vendor clean-db extract-messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

# Compiled catalogues are build output (*.mo is git-ignored); the .po files are the source.
# `-q` is pybabel's global option, so it goes before the command; errors (a broken
# placeholder, say) stop the build. Fuzzy entries are compiled but the test suite fails on them.
translations: install
	$(BIN)/pybabel -q compile -f -d translations

migrate: install translations
	$(FLASK) db upgrade -d portal/migrations
	$(FLASK) plus init

seed: migrate
	$(FLASK) plus load-forms
	$(FLASK) plus seed-demo --clients $(PLUS_DEMO_CLIENTS) --seed 1 --if-empty

run: seed
	@$(FLASK) plus demo-logins
	@echo "PLUS is at http://127.0.0.1:8080"
	$(FLASK) run --host 127.0.0.1 --port 8080

test: install translations
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .

bench: install translations
	$(BIN)/python -m bench && $(BIN)/python -m bench.forms

# After adding or changing strings: refresh the template (our source per babel.cfg, plus the
# Flask-AppBuilder and WTForms strings we translate) and the lv/en catalogues, then translate
# the new empty lv entries (see translations/README.md).
extract-messages: install
	$(BIN)/python -m portal.i18n_catalog translations/messages.pot
	$(BIN)/pybabel update -i translations/messages.pot -d translations -w 100 \
		--no-fuzzy-matching --ignore-obsolete --ignore-pot-creation-date

# Front-end packages come from npm; their built files and licences are committed, so
# `make run` never needs Node.
vendor:
	bash portal/static/vendor/build.sh

clean-db:
	rm -f instance/plus.db
