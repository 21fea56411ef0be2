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

# Compiled catalogues are build output; the .po files are the source.
translations: install
	$(BIN)/pybabel compile -f -d translations 2>/dev/null || true

migrate: install translations
	$(FLASK) db upgrade -d portal/migrations
	$(FLASK) plus init

seed: migrate
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
	$(BIN)/python -m bench

extract-messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching

# Front-end packages come from npm; their built files and licences are committed, so
# `make run` never needs Node.
vendor:
	bash portal/static/vendor/build.sh

clean-db:
	rm -f instance/plus.db
