# seed.alicloud_cas — developer entry points. Needs only Python 3.11+ and git.
#   make demo   gating playbook against the embedded emulator
#   make test   the whole suite: sanity, unit, emulator, integration
#   make bench  API calls and wall time at scale (see docs/performance.md)

PYTHON ?= python3
VENV ?= .venv
BIN := $(abspath $(VENV))/bin
PY := $(BIN)/python
ROOT := $(abspath .)
COLLECTIONS := $(ROOT)/build
COLL := $(COLLECTIONS)/ansible_collections/seed/alicloud_cas
STAMP := $(VENV)/.installed
PYTEST := $(PY) -m pytest -p no:cacheprovider
export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)

.PHONY: demo test sanity unit integration bench venv link doc-check clean

venv: $(STAMP)

$(STAMP): requirements.txt tests/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r tests/requirements.txt
	touch $@

# ansible-core and ansible-test need the collection at .../ansible_collections/seed/alicloud_cas.
link: $(COLL)

$(COLL):
	mkdir -p $(dir $(COLL))
	ln -sfn ../../.. $(COLL)

demo: venv link
	cd $(ROOT) && ANSIBLE_PYTHON_INTERPRETER=$(PY) $(PY) -m emulator.run -- $(BIN)/ansible-playbook -i localhost, -c local examples/demo_gate.yml

# Runs every part even when one fails, then fails if any did.
test: venv link
	@status=0; \
	$(MAKE) --no-print-directory sanity || status=1; \
	$(MAKE) --no-print-directory unit || status=1; \
	$(MAKE) --no-print-directory integration || status=1; \
	if [ $$status -ne 0 ]; then echo "make test: FAILED (see above)"; fi; \
	exit $$status

unit: venv link
	cd $(ROOT) && $(PYTEST) -q tests/unit tests/emulator

integration: venv link
	cd $(ROOT) && $(PYTEST) -q tests/integration

sanity: venv link
	cd $(ROOT) && $(PY) tests/sanity/run_sanity.py

bench: venv link
	cd $(ROOT) && $(PY) benchmarks/run.py

clean:
	rm -rf build tests/output .pytest_cache
