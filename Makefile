# The two commands: `make run` and `make test`. Each sets up what it needs first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test lint install messages migrate demo browser bench clean zapier-test axe screenshots

$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(INSTALLED)

install: $(INSTALLED) messages

# The translations' .mo files, compiled from the .po files in git (never committed); msgfmt is
# Debian's gettext.
messages: $(INSTALLED)
	@command -v msgfmt >/dev/null || (apt-get update -qq && apt-get install -y -qq gettext)
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules --ignore=zapier

# The translations (locale/ and each app's locale/), compiled from the committed .po files.
GETTEXT ?= /usr/bin/msgfmt
messages: install
	@test -x $(GETTEXT) || (apt-get update -qq && apt-get install -y -qq gettext)
	$(BIN)/python manage.py compilemessages --ignore .venv --ignore node_modules --verbosity 0

migrate: messages
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py seed_demo

# Everything at once, from the Procfile: the Kazoo simulator first (the listener waits for its
# websocket), the web server, the workers.
run: demo
	$(BIN)/honcho start

# Debian's Chromium for the browser tests (test tools' own browser downloads cannot work here).
browser:
	@test -x $(CHROMIUM) || (apt-get update -qq && apt-get install -y -qq chromium)

lint: install
	$(BIN)/ruff check .

test: messages browser axe lint zapier-test
	$(BIN)/pytest

# axe-core for the browser tests' accessibility checks (tests/browser/axe.py): npm ci on a lock change.
AXE_INSTALLED := tests/browser/node_modules/.installed
$(AXE_INSTALLED): tests/browser/package-lock.json
	cd tests/browser && npm ci --no-audit --no-fund
	touch $(AXE_INSTALLED)

axe: $(AXE_INSTALLED)

# docs/screenshots/: the main pages at 1280 and 390 px, from the demo, in Chromium.
screenshots: install browser
	$(BIN)/python -m tests.browser.screenshots docs/screenshots

# The Zapier app (zapier/): npm ci when its lock changes; the CLI's validate (it wants Node 22,
# which the lock brings as the `node` package); jest against the live service (test/harness.py).
ZAPIER_INSTALLED := zapier/node_modules/.installed
$(ZAPIER_INSTALLED): zapier/package-lock.json
	cd zapier && npm ci --no-audit --no-fund
	touch $(ZAPIER_INSTALLED)

zapier-test: install $(ZAPIER_INSTALLED)
	cd zapier && DISABLE_ZAPIER_ANALYTICS=1 NO_UPDATE_NOTIFIER=1 \
		node_modules/.bin/node node_modules/.bin/zapier-platform validate --without-style
	$(BIN)/python zapier/test/harness.py

# Speed, latency and memory of the whole pipeline against a bare forwarder: docs/benchmarks.md.
# Not part of `make test`: a benchmark measures, it does not pass or fail.
bench: install
	$(BIN)/python -m kazoo_zapier.bench run
	$(BIN)/python -m kazoo_zapier.bench subscribe
	$(BIN)/python -m kazoo_zapier.bench fairness

clean:
	rm -rf $(VENV) data .pytest_cache .ruff_cache
