# PLUS — the two commands are `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app run
export PLUS_DEMO_CLIENTS ?= 500
# Port of the national login simulator (a local SAML IdP) that `make run` starts beside PLUS.
PLUS_IDP_PORT ?= 8081

.PHONY: run test install translations migrate seed bench lint bandit-all vendor clean-db \
	extract-messages simulators stop-simulators worker

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

# Simulators (connectors/simulators) in demo mode, background processes on local ports: TIS,
# ProIS and IeVP IS each offering a few deterministic decisions; the unified calendar and the
# state e-address; the registries VIIS, IIS VDEAVK, VID and RD answering queries; pids in
# instance/.
SIM_PORTS := tis:8091 prois:8092 ievp:8093 calendar:8094 eaddress:8095 viis:8096 vdeavk:8097 \
	vid:8098 rd:8099
SIM_ENV := PLUS_TIS_URL=http://127.0.0.1:8091 PLUS_PROIS_URL=http://127.0.0.1:8092 \
	PLUS_IEVP_URL=http://127.0.0.1:8093 PLUS_CALENDAR_URL=http://127.0.0.1:8094 \
	PLUS_EADDRESS_URL=http://127.0.0.1:8095 PLUS_VIIS_URL=http://127.0.0.1:8096 \
	PLUS_VDEAVK_URL=http://127.0.0.1:8097 PLUS_VID_URL=http://127.0.0.1:8098 \
	PLUS_RD_URL=http://127.0.0.1:8099
simulators: install
	@mkdir -p instance
	@for sp in $(SIM_PORTS); do sys=$${sp%%:*}; port=$${sp##*:}; \
	  if [ -f instance/sim-$$sys.pid ] && kill -0 $$(cat instance/sim-$$sys.pid) 2>/dev/null; then continue; fi; \
	  $(BIN)/python -m connectors.simulators --system $$sys --port $$port --demo 6 --unit RIG \
	    > instance/sim-$$sys.log 2>&1 & echo $$! > instance/sim-$$sys.pid; \
	done; sleep 1; echo "Simulators: $(SIM_PORTS) (stop with: make stop-simulators)"

stop-simulators:
	@for sp in $(SIM_PORTS); do sys=$${sp%%:*}; \
	  if [ -f instance/sim-$$sys.pid ]; then kill $$(cat instance/sim-$$sys.pid) 2>/dev/null; rm -f instance/sim-$$sys.pid; fi; \
	done

# The simulators (the national login's IdP and the other systems) run while PLUS runs and stop
# with it.
run: seed simulators
	$(SIM_ENV) $(FLASK) plus seed-exchanges
	@$(FLASK) plus demo-logins
	@$(FLASK) plus demo-national-login --output instance/idp-persons.json
	@echo "PLUS is at http://127.0.0.1:8080 (portal: /portal/login)"
	@$(BIN)/python -m connectors.simulators.saml_idp --port $(PLUS_IDP_PORT) \
		--persons instance/idp-persons.json & idp=$$!; \
	trap 'kill $$idp 2>/dev/null; $(MAKE) --no-print-directory stop-simulators' EXIT INT TERM; \
	$(SIM_ENV) PLUS_SAML_IDP_METADATA_URL=$${PLUS_SAML_IDP_METADATA_URL:-http://127.0.0.1:$(PLUS_IDP_PORT)/metadata} \
		$(FLASK) run --host 127.0.0.1 --port 8080

# One Celery worker and one beat (needs REDIS_URL); the beat sweeps the outbox and polls the
# inbound systems every PLUS_EXCHANGE_SWEEP_SECONDS.
worker: install translations
	@test -n "$$REDIS_URL" || { echo "Set REDIS_URL (e.g. redis://127.0.0.1:6379/1)"; exit 1; }
	$(SIM_ENV) $(BIN)/celery -A worker beat --loglevel INFO --schedule instance/celerybeat-schedule & \
	beat=$$!; trap "kill $$beat" EXIT INT TERM; \
	$(SIM_ENV) $(BIN)/celery -A worker worker --loglevel INFO --concurrency 2

test: install translations
	$(BIN)/python -m pytest

# bandit: no medium or high finding may stay (each exception is a `# nosec Bxxx` with its
# reason beside it); low findings are reported by `make bandit-all`.
lint: install
	$(BIN)/ruff check .
	$(BIN)/bandit -q -r portal connectors reports config.py run.py worker.py -x portal/static \
		--severity-level medium

bandit-all: install
	$(BIN)/bandit -r portal connectors reports config.py run.py worker.py -x portal/static

bench: install translations
	$(BIN)/python -m bench && $(BIN)/python -m bench.forms && $(BIN)/python -m bench.documents && $(BIN)/python -m bench.opendata && $(BIN)/python -m bench.forms_logic && $(BIN)/python -m bench.connectors

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
