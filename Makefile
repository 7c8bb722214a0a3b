# Two commands: `make run` (set up everything and start the portal with demo data, a Celery worker and
# the sandbox) and `make test` (set up everything and run the whole suite).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PORT ?= 8000
SANDBOX_PORT ?= 8765

.PHONY: install run test lint bench clean messages compilemessages

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

.env: | $(STAMP)
	$(PY) -m portal.envfile > .env

# The portal's translations (locale/<lang>/LC_MESSAGES/django.po). The invoice PDF has its own catalogue in
# exports/locale, made from exports/pdf and templates/invoices: `make messages` leaves those out.
MESSAGE_LOCALES := -l et -l fi
MESSAGE_IGNORES := -i '.venv/*' -i 'var/*' -i 'tests/*' -i 'exports/pdf/*' -i 'templates/invoices/*' \
	-i 'exports/locale/*' -i 'exports/sandbox/*'

# After adding strings: `make messages`, translate the new (empty) msgstr in both files, then `make test`
# (tests/i18n names every string still untranslated).
messages: install
	DJANGO_SETTINGS_MODULE=portal.settings_test $(PY) manage.py makemessages $(MESSAGE_LOCALES) $(MESSAGE_IGNORES) \
		--no-obsolete --add-location file

compilemessages: install
	DJANGO_SETTINGS_MODULE=portal.settings_test $(PY) manage.py compilemessages -i '.venv' -i 'var'

run: install .env compilemessages
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo --if-empty --port $(PORT)
	$(PY) manage.py runportal --port $(PORT) --sandbox-port $(SANDBOX_PORT)

lint: install
	$(PY) -m ruff check .

test: install lint compilemessages
	$(PY) -m pytest

bench: install
	$(PY) -m pytest -m bench -p no:cacheprovider -s tests/bench

clean:
	rm -rf $(VENV) var db.sqlite3
