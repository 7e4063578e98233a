# Arena: `make serve` runs the voice arena on SQLite; `make test` runs every gate.

VENV ?= .venv
PYTHON ?= python3
PG_HOST ?= 127.0.0.1
PG_USER ?= postgres
BIN := $(VENV)/bin
PYTEST_ARGS ?=
# Most tests wait on sockets, audio pacing or a browser, so 4 workers pay off even on 2 cores.
PYTEST_WORKERS ?= 4

.PHONY: install lint test serve

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed

lint: install
	$(BIN)/ruff check
	$(BIN)/ruff format --check
	$(BIN)/mypy --strict src

# pytest on SQLite and on a fresh PostgreSQL database, dropped afterwards.
test: lint
	@db=arena_test_$$(date +%s)_$$$$; \
	createdb -h $(PG_HOST) -U $(PG_USER) $$db || { echo "PostgreSQL at $(PG_HOST) (user $(PG_USER)) is needed for the tests: start it or set PG_HOST/PG_USER"; exit 1; }; \
	echo "PostgreSQL test database: $$db"; \
	ARENA_TEST_DATABASE_URL=postgresql+asyncpg://$(PG_USER)@$(PG_HOST)/$$db $(BIN)/pytest -p no:cacheprovider -q -n $(PYTEST_WORKERS) --durations=15 $(PYTEST_ARGS); \
	status=$$?; dropdb -h $(PG_HOST) -U $(PG_USER) --if-exists --force $$db; exit $$status

serve: install
	$(BIN)/arena serve --host 127.0.0.1 --port 8000
