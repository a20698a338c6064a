# seed.alicloud_cas — developer entry points. Needs only Python 3.11+ and git.
#   make demo    gating playbook against the embedded emulator
#   make test    the whole suite: sanity, unit, emulator, integration, ee, lint, matrix
#   make lint    ansible-lint (production profile), antsibull-changelog lint, antsibull-docs lint
#   make matrix  unit and integration tests again on the oldest supported ansible-core (2.16)
#   make ee      an execution environment built with ansible-builder gets requests and jmespath
#   make bench   API calls and wall time at scale (see docs/performance.md)
#
# Virtual environments: .venv (the tests, tests/requirements.txt: the newest ansible-core for this Python),
# build/venvs/tools (ansible-lint, antsibull-*, ansible-builder: tests/requirements-tools.txt) and
# build/venvs/core-X.Y (make matrix: tests/requirements-X.Y.txt). build/ is ignored by git and by
# ansible-galaxy collection build; `make clean` keeps the venvs, `make distclean` removes them too.

PYTHON ?= python3
VENV ?= .venv
BIN := $(abspath $(VENV))/bin
PY := $(BIN)/python
ROOT := $(abspath .)
COLLECTIONS := $(ROOT)/build
COLL := $(COLLECTIONS)/ansible_collections/seed/alicloud_cas
STAMP := $(VENV)/.installed
PYTEST := $(PY) -m pytest -p no:cacheprovider
# make test runs two lanes side by side; their integration suites take turns (flock, from util-linux), since
# some of those tests count API calls within a cache TTL and must not share the CPU with another such suite.
ONE_AT_A_TIME := $(shell command -v flock >/dev/null 2>&1 && echo flock $(abspath build)/.integration.lock)
export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)

VENVS := $(ROOT)/build/venvs
TOOLS := $(VENVS)/tools
TOOLS_BIN := $(TOOLS)/bin
TOOLS_STAMP := $(TOOLS)/.installed
# ansible-core releases `make matrix` tests on, each pinned in tests/requirements-X.Y.txt. The main venv
# already runs the newest one for Python 3.11 (2.19; 2.20 and later need Python 3.12). For all of them:
#   make matrix MATRIX="2.16 2.17 2.18"
MATRIX ?= 2.16
MATRIX_STAMPS := $(foreach v,$(MATRIX),$(VENVS)/core-$(v)/.installed)

.PHONY: demo test test-parts sanity unit integration ee lint lint-ansible lint-changelog lint-docs matrix bench venv tools \
	link doc-check clean distclean

venv: $(STAMP)

$(STAMP): requirements.txt tests/requirements.txt tests/requirements-test.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r tests/requirements.txt
	touch $@

# Linters and ansible-builder, apart from the test venvs so that their dependencies move no test pin.
tools: $(TOOLS_STAMP)

$(TOOLS_STAMP): tests/requirements-tools.txt
	rm -rf $(TOOLS)
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS_BIN)/python -m pip install --quiet --upgrade pip
	$(TOOLS_BIN)/python -m pip install --quiet -r tests/requirements-tools.txt
	touch $@

$(VENVS)/core-%/.installed: requirements.txt tests/requirements-test.txt tests/requirements-%.txt
	rm -rf $(VENVS)/core-$*
	$(PYTHON) -m venv $(VENVS)/core-$*
	$(VENVS)/core-$*/bin/python -m pip install --quiet --upgrade pip
	$(VENVS)/core-$*/bin/python -m pip install --quiet -r tests/requirements-$*.txt
	touch $@

# ansible-core and ansible-test need the collection at .../ansible_collections/seed/alicloud_cas.
link: $(COLL)

$(COLL):
	mkdir -p $(dir $(COLL))
	ln -sfn ../../.. $(COLL)

demo: venv link
	cd $(ROOT) && ANSIBLE_PYTHON_INTERPRETER=$(PY) $(PY) -m emulator.run -- $(BIN)/ansible-playbook -i localhost, -c local examples/demo_gate.yml

# Every part runs even when one fails; make test fails if any did. Two lanes run side by side (2 cores; a
# lane keeps about one busy): the main venv's sanity, unit and integration tests, streamed; and the parts
# with venvs of their own (ee, lint, matrix), logged to build/test-extra.log and printed when both are done.
# The two integration suites (integration, matrix) never run at the same time (ONE_AT_A_TIME).
TEST_MAIN := sanity unit integration
TEST_EXTRA := ee lint matrix
EXTRA_LOG := $(ROOT)/build/test-extra.log

test: venv link
	@echo "make test: $(TEST_EXTRA) run alongside; their output follows ($(EXTRA_LOG))"; \
	status=0; \
	$(MAKE) --no-print-directory test-parts PARTS="$(TEST_EXTRA)" > $(EXTRA_LOG) 2>&1 & extra=$$!; \
	$(MAKE) --no-print-directory test-parts PARTS="$(TEST_MAIN)" || status=1; \
	wait $$extra || status=1; \
	echo "==== $(TEST_EXTRA) ($(EXTRA_LOG)) ===="; \
	cat $(EXTRA_LOG); \
	if [ $$status -ne 0 ]; then echo "make test: FAILED (see above)"; else echo "make test: every part passed"; fi; \
	exit $$status

# Runs the parts named in PARTS in order, every one even when one fails, then fails if any did.
test-parts:
	@status=0; failed=; \
	for part in $(PARTS); do \
		$(MAKE) --no-print-directory $$part || { status=1; failed="$$failed $$part"; }; \
	done; \
	if [ $$status -ne 0 ]; then echo "FAILED:$$failed"; fi; \
	exit $$status

unit: venv link
	cd $(ROOT) && $(PYTEST) -q tests/unit tests/emulator

integration: venv link
	cd $(ROOT) && $(ONE_AT_A_TIME) $(PYTEST) -q tests/integration

sanity: venv link
	cd $(ROOT) && $(PY) tests/sanity/run_sanity.py

# The collection in an execution environment: ansible-builder create, then the context's galaxy and
# introspection steps replayed without a container runtime.
ee: venv tools
	cd $(ROOT) && ANSIBLE_BUILDER=$(TOOLS_BIN)/ansible-builder $(PYTEST) -q tests/ecosystem

# The tests that run ansible-core, on every release in MATRIX (each in its own venv), one after the other.
# tests/emulator is left out: the emulator imports nothing of Ansible.
matrix: link $(MATRIX_STAMPS)
	@status=0; \
	for v in $(MATRIX); do \
		py=$(VENVS)/core-$$v/bin/python; \
		version=$$($$py -c 'import ansible.release; print(ansible.release.__version__)'); \
		echo "+ ansible-core $$version: unit and integration tests"; \
		case "$$version" in "$$v".*) ;; *) echo "make matrix: expected ansible-core $$v, found $$version"; status=1; continue;; esac; \
		(cd $(ROOT) && $(ONE_AT_A_TIME) $$py -m pytest -p no:cacheprovider -q tests/unit tests/integration) || status=1; \
	done; \
	exit $$status

# Every lint runs even when one fails, then fails if any did.
LINTS := lint-ansible lint-changelog lint-docs

lint: tools link
	@status=0; \
	for part in $(LINTS); do $(MAKE) --no-print-directory $$part || status=1; done; \
	exit $$status

# Every playbook and example (ansible-lint finds them in the files git tracks), profile production (.ansible-lint).
# VIRTUAL_ENV and ANSIBLE_HOME keep its cache in the tools venv, not in the checkout or ~/.ansible.
lint-ansible: tools link
	cd $(ROOT) && PATH=$(TOOLS_BIN):$$PATH VIRTUAL_ENV=$(TOOLS) ANSIBLE_HOME=$(TOOLS)/ansible-home $(TOOLS_BIN)/ansible-lint --nocolor

lint-changelog: tools
	cd $(ROOT) && $(TOOLS_BIN)/antsibull-changelog lint

# ---- docs checks -----------------------------------------------------------------------------------------
# The plugin documentation as the Ansible docsite renders it (schema, markup, references), from the
# collection at build/ansible_collections/seed/alicloud_cas.
lint-docs: tools link
	cd $(ROOT) && PATH=$(TOOLS_BIN):$$PATH $(TOOLS_BIN)/antsibull-docs lint-collection-docs --plugin-docs $(COLL)

# DOCS CHECK TO BE ADDED HERE: docs/plugins/ up to date with the plugins. Uncomment these two lines and add
# lint-plugin-docs to LINTS above (and to .PHONY).
# lint-plugin-docs: venv link
# 	cd $(ROOT) && $(PY) tools/plugin_docs.py --check
# -----------------------------------------------------------------------------------------------------------

bench: venv link
	cd $(ROOT) && $(PY) benchmarks/run.py

# Keeps the venvs under build/venvs (slow to make); distclean removes them and .venv too.
clean:
	find build -mindepth 1 -maxdepth 1 ! -name venvs -exec rm -rf {} + 2>/dev/null || true
	rm -rf tests/output .pytest_cache

distclean: clean
	rm -rf build $(VENV)
