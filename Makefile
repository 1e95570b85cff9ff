# icon_pagerduty: every task a developer or CI runs. Only Python 3.10+ and make are assumed.
NAME    := $(shell sed -n 's/^name: *//p' plugin.spec.yaml)
VENDOR  := $(shell sed -n 's/^vendor: *//p' plugin.spec.yaml)
VERSION := $(shell sed -n 's/^version: *//p' plugin.spec.yaml)
IMAGE   := $(VENDOR)/$(NAME)

PYTHON  ?= python3
VENV    ?= .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed
PORT    ?= 10001
SIM_PORT ?= 8765
# Installs say nothing unless something fails (-qq): the first `make demo` shows the demo, not pip.
PIP     := $(PY) -m pip --disable-pip-version-check -qq

.PHONY: help install demo test check lint generate sim http bench fuzz image export tarball clean

# Each target's `##` comment is its line in `make help`.
help: ## List the targets, one line each
	@awk 'BEGIN {FS = ":[^#]*## "} /^[a-z]+:.*## / {printf "  make %-9s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

install: $(STAMP) ## Create .venv with the plugin and its development tools (once; again when pyproject.toml changes)

# Reinstall when the dependency list changes; compat mode keeps start-up free of import hooks.
$(STAMP): pyproject.toml
	@echo "Installing the plugin and its tools into $(VENV) (about a minute, once)..."
	@$(PYTHON) -m venv $(VENV)
	@$(PIP) install --upgrade pip
	@$(PIP) install --config-settings editable_mode=compat -e '.[dev]'
	@touch $(STAMP)

demo: $(STAMP) ## Start a local PagerDuty, run a realistic workflow through the real CLI, stop it
	@$(PY) bin/demo

test: $(STAMP) ## Run every test, ruff included
	$(VENV)/bin/ruff check . bin/icon_pagerduty bin/demo
	$(PY) -m pytest -q

check: $(STAMP) lint ## Lint, and fail when a generated file is stale or the spec is invalid
	$(PY) -m actionkit generate --check

lint: $(STAMP) ## Run ruff on the code and hadolint on the Dockerfile
	$(VENV)/bin/ruff check . bin/icon_pagerduty bin/demo
	$(VENV)/bin/hadolint Dockerfile

generate: $(STAMP) ## Write the schemas, help.md and README's action table from plugin.spec.yaml
	$(PY) -m actionkit generate

sim: $(STAMP) ## Serve the local PagerDuty with its demo account on port SIM_PORT (8765)
	$(PY) -m pagerduty_sim --seed demo --port $(SIM_PORT)

# The plugin calls only PagerDuty's hosts unless PLUGIN_ALLOWED_HOSTS lists others: here `make sim`'s.
http: $(STAMP) ## Serve the plugin over HTTP on 127.0.0.1, port PORT (10001), allowed to call `make sim`
	ACTIONKIT_BIND=$${ACTIONKIT_BIND:-127.0.0.1} \
	PLUGIN_ALLOWED_HOSTS=$${PLUGIN_ALLOWED_HOSTS-127.0.0.1:$(SIM_PORT),localhost:$(SIM_PORT)} \
	$(PY) bin/icon_pagerduty http --port $(PORT)

bench: $(STAMP) ## Measure start-up, HTTP mode, overload, pacing, listings, triggers and the simulator (bench/results)
	$(PY) -m bench

fuzz: $(STAMP) ## Fuzz the HTTP API with schemathesis: requests, 5xx and schema mismatches (targets 0 and 0)
	@$(PIP) install "schemathesis>=4,<5"
	$(PY) -m bench.fuzz_http

image: ## Build the Docker image, tagged with the vendor, name and version of the spec
	docker build --pull -t $(IMAGE):$(VERSION) -t $(IMAGE):latest .

export: image ## Save the image as the tarball InsightConnect imports as a custom plugin
	docker save $(IMAGE):$(VERSION) | gzip > $(VENDOR)_$(NAME)_$(VERSION).tar

tarball: ## Write the source archive the ecosystem receives (no tests, simulator or benchmarks)
	git archive --format=tar.gz --prefix=$(NAME)/ -o $(VENDOR)-$(NAME)-$(VERSION).tar.gz HEAD

clean: ## Remove .venv and the caches
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
