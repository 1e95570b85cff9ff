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

.PHONY: install demo test check lint generate sim http bench fuzz image export clean

install: $(STAMP)

# Reinstall when the dependency list changes; compat mode keeps start-up free of import hooks.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --config-settings editable_mode=compat -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(PY) bin/demo

test: $(STAMP)
	$(VENV)/bin/ruff check . bin/icon_pagerduty bin/demo
	$(PY) -m pytest -q

check: $(STAMP) lint
	$(PY) -m actionkit generate --check

lint: $(STAMP)
	$(VENV)/bin/ruff check . bin/icon_pagerduty bin/demo
	$(VENV)/bin/hadolint Dockerfile

generate: $(STAMP)
	$(PY) -m actionkit generate

sim: $(STAMP)
	$(PY) -m pagerduty_sim --seed demo --port 8765

# The plugin calls only PagerDuty's hosts unless PLUGIN_ALLOWED_HOSTS lists others: here `make sim`'s.
http: $(STAMP)
	ACTIONKIT_BIND=$${ACTIONKIT_BIND:-127.0.0.1} \
	PLUGIN_ALLOWED_HOSTS=$${PLUGIN_ALLOWED_HOSTS-127.0.0.1:8765,localhost:8765} \
	$(PY) bin/icon_pagerduty http --port $(PORT)

bench: $(STAMP)
	$(PY) -m bench

fuzz: $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check "schemathesis>=4,<5"
	$(PY) -m bench.fuzz_http

image:
	docker build --pull -t $(IMAGE):$(VERSION) -t $(IMAGE):latest .

export: image
	docker save $(IMAGE):$(VERSION) | gzip > $(VENDOR)_$(NAME)_$(VERSION).tar

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
