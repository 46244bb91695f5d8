# Khuyến học — two commands: `make run` (the demo) and `make test` (the whole suite).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
HOST ?= 127.0.0.1
PG_URL ?= postgres://postgres@127.0.0.1:5432/khuyenhoc

.PHONY: install translations run serve demo test lint check-migrations check-deploy check-translations \
        test-sqlite test-postgres e2e messages postgres-up openapi clean

install: $(VENV)/.installed translations

translations: $(VENV)/.installed
	@$(PY) scripts/compile_translations.py

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@test -x $(PY) || "$$(scripts/find-python)" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

# The demo: migrate the SQLite database in var/, load both maps and the Krông Bông
# demo, then serve with gunicorn (static files by whitenoise), the task worker and the
# daily task reminders and report clean-up (in production: cron runs `manage.py plans remind`
# and `manage.py report_jobs purge` each morning).
run: install
	@mkdir -p var
	DEMO=1 $(PY) manage.py migrate --no-input
	DEMO=1 $(PY) manage.py load_places
	DEMO=1 $(PY) manage.py demo
	DEMO=1 $(PY) manage.py collectstatic --no-input --verbosity 0
	@$(MAKE) --no-print-directory serve

serve:
	@echo "Khuyến học: http://$(HOST):$(PORT)/"
	@echo "Tài khoản demo / demo logins: admin, tinh, krongbong, dangkang, hoason, hoikh, thuquy — mật khẩu / password: demo"
	@trap 'kill 0' EXIT INT TERM; \
	DEMO=1 $(PY) manage.py db_worker --queue-name '*' & \
	while true; do DEMO=1 $(PY) manage.py plans remind >/dev/null; \
	    DEMO=1 $(PY) manage.py report_jobs purge >/dev/null; sleep 86400; done & \
	DEMO=1 $(VENV)/bin/gunicorn khuyenhoc.wsgi --bind $(HOST):$(PORT) --workers 2 --threads 4 \
	    --access-logfile - --forwarded-allow-ips 127.0.0.1

test: install lint check-migrations check-deploy check-translations test-sqlite test-postgres e2e
	@echo "All checks passed."

lint:
	$(VENV)/bin/ruff check .

check-migrations:
	DEMO=1 $(PY) manage.py makemigrations --check --dry-run

check-deploy:
	SECRET_KEY=$$(openssl rand -hex 32) ALLOWED_HOSTS=khuyenhoc.example.vn \
	    $(PY) manage.py check --deploy --fail-level WARNING

check-translations:
	$(PY) scripts/check_translations.py

test-sqlite:
	$(PY) -m pytest -m "not e2e" -n 2 -q

postgres-up:
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@for i in $$(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && exit 0; sleep 1; done; \
	    echo "PostgreSQL is not answering on 127.0.0.1:5432" >&2; exit 1

test-postgres: postgres-up
	DATABASE_URL=$(PG_URL) $(PY) -m pytest -m "not e2e" -n 2 -q

e2e:
	$(PY) -m pytest -m e2e -q tests/e2e

# Maintainers: refresh the Vietnamese catalog after changing strings, then translate.
messages:
	DEMO=1 $(PY) manage.py makemessages -l vi --no-obsolete --no-location
	DEMO=1 $(PY) manage.py makemessages -l vi -d djangojs --no-obsolete --no-location --ignore '.venv/*' --ignore 'var/*'

openapi:
	DEMO=1 $(PY) manage.py export_openapi docs/openapi.json

clean:
	rm -rf $(VENV) var/static
