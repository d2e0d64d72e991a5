# Two commands do all set-up on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test venv messages fonts lint serve worker bench clean

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -r requirements-dev.txt
	touch $@

# Compile the zh-hans catalogue (needs gettext's msgfmt; installed here if missing and we are root).
messages: venv
	@command -v msgfmt >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y -qq --no-install-recommends gettext; }
	$(MANAGE) compilemessages --ignore=.venv -v0

# The monthly report's PDF prints Chinese with a CJK font (installed here if missing and we are root).
fonts:
	@fc-list 2>/dev/null | grep -qi "noto sans cjk" || { [ "$$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y -qq --no-install-recommends fonts-noto-cjk; } || echo "No CJK font: the report PDF's Chinese will print as boxes (apt-get install fonts-noto-cjk)"

# The app on http://$(HOST):$(PORT) with a Celery worker and its embedded beat, and the fake group robots
# (manage.py fake_robots on DEMO_ROBOTS_URL, http://127.0.0.1:8025) that the demo teams' robots post to.
# No environment: SQLite + a folder broker. With DATABASE_URL / REDIS_URL: PostgreSQL + Redis.
# WECOM_DEMO=1 (the default here): a fake WeCom on 127.0.0.1:8700 (README "WeCom"); WECOM_DEMO=0 turns it off.
# The worker runs in its own session (setsid): Ctrl-C or a closed terminal would otherwise reach it directly, and
# Celery answers SIGHUP by re-executing itself, orphaned. The trap stops it (warm shutdown) and waits for it.
WECOM_DEMO ?= 1
run: messages fonts
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	@mkdir -p var
	@export WECOM_DEMO=$(WECOM_DEMO); \
	  if [ "$(WECOM_DEMO)" = 1 ]; then $(MANAGE) fake_wecom > var/fake_wecom.log 2>&1 & fake=$$!; \
	    echo "Fake WeCom on http://127.0.0.1:8700 (log: var/fake_wecom.log)"; fi; \
	  $(MANAGE) fake_robots > var/fake_robots.log 2>&1 & \
	  robots=$$!; \
	  $$(command -v setsid) $(VENV)/bin/celery -A config worker -B --loglevel INFO --concurrency 2 \
	    > var/celery.log 2>&1 & \
	  worker=$$!; trap "kill $$worker $$fake $$robots 2>/dev/null; wait $$worker 2>/dev/null" EXIT INT TERM HUP; \
	  echo "Celery worker + beat running (log: var/celery.log); fake group robots (log: var/fake_robots.log)"; \
	  $(MANAGE) runserver $(HOST):$(PORT)

# ruff, migrations up to date, catalogue compiles, deploy checks, then the whole pytest suite.
test: messages
	$(VENV)/bin/ruff check .
	$(MANAGE) makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=config.settings.production SECRET_KEY=$$(head -c 48 /dev/urandom | base64) \
	  ALLOWED_HOSTS=kefu.example.com $(MANAGE) check --deploy --fail-level WARNING
	$(VENV)/bin/pytest -n 2 --dist loadfile -q

lint: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: messages
	bash bench/run.sh

clean:
	rm -rf var $(VENV)
