# The two commands: `make run` and `make test`. Both install what they need from the locked dependencies.
SHELL := /bin/bash
PORT ?= 8000
UV := $(shell scripts/ensure-uv.sh)
MANAGE := $(UV) run --frozen python manage.py

.PHONY: run test install assets migrate demo serve lint test-sqlite test-postgres test-browser test-prod messages worker periodic prod prod-stop

run: install migrate demo serve

install:
	$(UV) sync --frozen
	npm ci --no-audit --no-fund --loglevel=error
	npm run --silent build

assets:
	npm run --silent build

migrate:
	mkdir -p var
	$(MANAGE) migrate --noinput -v 0

demo:
	$(MANAGE) load_demo

serve:
	@echo "Shangliang: http://127.0.0.1:$(PORT)/  (demo accounts are listed on the login page)"
	PORT=$(PORT) $(MANAGE) runserver 127.0.0.1:$(PORT)

worker:
	TASK_BACKEND=database $(MANAGE) db_worker

# The production stack on PORT (default 8080): PostgreSQL (DATABASE_URL or var/pg), gunicorn behind nginx, the worker
# and the periodic loop, DEBUG=0 (scripts/prod.sh); prod-stop stops exactly what it started.
prod: install
	PORT=$(if $(filter command line environment,$(origin PORT)),$(PORT),8080) bash scripts/prod.sh

prod-stop:
	bash scripts/prod-stop.sh

# The whole suite: SQLite, then PostgreSQL where its server binaries exist, then the browser tests, then the production
# smoke test (one after the other: side by side, the smoke test's migrations outlived its limit on a loaded machine).
# The few slow checks marked postgres_pass (pyproject.toml) run in the PostgreSQL pass only, where they prove the most.
# The browser and prod passes collect only their folders (tests/browser, tests/ops): tests/conftest.py refuses a test
# marked browser or prod anywhere else.
test: install
	bash scripts/ensure-system.sh
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen lint-imports --no-logo importlinter.toml
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres
	$(MAKE) --no-print-directory test-browser
	$(MAKE) --no-print-directory test-prod

test-sqlite:
	@echo "== SQLite =="
	$(UV) run --frozen pytest -m "not browser and not prod and not postgres_pass" -n 2 --dist loadscope -q --durations=15

test-postgres:
	@echo "== PostgreSQL =="
	@status=0; scripts/with-postgres.sh $(UV) run --frozen pytest -m "not browser and not prod" -n 2 --dist loadscope -q --durations=15 || status=$$?; \
	if [ $$status -eq 3 ]; then \
	  if [ -n "$$CI" ]; then echo "PostgreSQL server binaries are required in CI" >&2; exit 1; fi; \
	  echo "PostgreSQL pass skipped: no server binaries on this machine"; \
	elif [ $$status -ne 0 ]; then exit $$status; fi

test-browser:
	@echo "== Browser (Chromium) =="
	$(UV) run --frozen pytest tests/browser -m browser -q --durations=5

# One smoke test of `make prod` on ports and a folder of its own (tests/ops/test_prod_stack.py).
test-prod:
	@echo "== Production stack (nginx, gunicorn, PostgreSQL, worker, periodic loop) =="
	env -u DATABASE_URL $(UV) run --frozen pytest tests/ops -m prod -q --durations=1

lint:
	$(UV) run --frozen ruff check --fix .
	$(UV) run --frozen ruff format .
	$(UV) run --frozen lint-imports --no-logo importlinter.toml

messages:
	$(MANAGE) makemessages -l en --ignore=.venv --ignore=node_modules --ignore=build
	$(MANAGE) compilemessages --ignore=.venv
