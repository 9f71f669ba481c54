# The two commands a new machine needs: `make run` and `make test`.
# Everything they depend on is installed here; nothing is installed by hand.

PYTHON ?= python3
# Development defaults; production sets DEBUG=0 and SECRET_KEY in its own environment.
export DEBUG ?= 1
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MANAGE := $(BIN)/python manage.py
# Debian packages: CJK fonts (WenQuanYi Zen Hei for documents, Noto Sans CJK for
# the rare characters it lacks) and HarfBuzz's subsetter for Chinese PDFs
# (without libharfbuzz-subset0 WeasyPrint falls back to a far slower subsetter),
# gettext for the translations, DejaVu for Latin-only documents.
SYSTEM_PACKAGES := fonts-wqy-zenhei fonts-noto-cjk libharfbuzz-subset0 gettext fonts-dejavu-core
TEST_PACKAGES := chromium poppler-utils
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Waits up to ten minutes for a dpkg lock held by another apt run (a fresh cloud
# machine installs its own updates in its first minutes) instead of failing at once.
APT := $(SUDO) apt-get -o DPkg::Lock::Timeout=600
PORT ?= 8000

.PHONY: run test fuzz mutation bench lint format setup system-deps test-system-deps messages worker beat

run: setup
	$(MANAGE) migrate --noinput -v0
	$(MANAGE) seed_demo
	$(MANAGE) demo_logins
	$(MANAGE) runserver 127.0.0.1:$(PORT)

# The suite runs in one worker per core (pytest-xdist): each worker has its own
# database and Redis database (tests/conftest.py). TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= auto
test: setup test-system-deps
	$(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal

# The API fuzzed at length; `make test` runs the same test with 5 examples per route.
fuzz: setup test-system-deps
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-200} $(BIN)/pytest tests/readiness/test_fuzz.py

# Mutation testing of the rules (bench/mutation.py): a score per group, goal 90 %,
# written to bench/results.json. MUTATION_GROUPS=identity,draw runs only those;
# MUTATION_NAMED_ONLY=1 only the named mutants.
mutation: setup
	$(BIN)/python -m bench.mutation $(if $(MUTATION_GROUPS),--groups $(MUTATION_GROUPS)) $(if $(MUTATION_NAMED_ONLY),--named-only)

bench: setup
	$(BIN)/python -m bench

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

setup: system-deps $(STAMP) messages

$(STAMP): requirements.txt requirements-dev.txt
	[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

# Installs only what is missing, so a second run costs one dpkg query.
system-deps:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages: $$missing"; \
		$(APT) update -qq && DEBIAN_FRONTEND=noninteractive $(APT) install -y -qq $$missing; \
	fi

test-system-deps:
	@missing=$$(for p in $(TEST_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages for the tests: $$missing"; \
		$(APT) update -qq && DEBIAN_FRONTEND=noninteractive $(APT) install -y -qq $$missing; \
	fi

# Compiled catalogues are build output: rebuilt when a .po file changes.
messages: $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po))

locale/%.mo: locale/%.po $(STAMP)
	msgfmt --check-format -o $@ $<

worker: setup
	$(BIN)/celery -A portal worker --loglevel=info

beat: setup
	$(BIN)/celery -A portal beat --loglevel=info
