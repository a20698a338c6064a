# seed.alicloud_cas — developer entry points. Needs Python 3.11 and git (make demo); make test also needs
# Python 3.12 and 3.13 (found by tools/find-python: pyenv's interpreters, or python3.X on PATH).
#   make demo         gating playbook against the embedded emulator
#   make test         the whole suite: sanity, unit, emulator, integration, ee, lint, matrix
#   make sanity       ansible-test sanity on ansible-core 2.19 (.venv) and 2.21 (every Python it supports that
#                     is installed), and 2.16's compile and import tests (Python 3.7, the modules' floor)
#   make lint         ansible-lint (production profile), antsibull-changelog lint, antsibull-docs lint, and
#                     docs/plugins/ up to date with the plugins (lint-plugin-docs)
#   make plugin-docs  regenerate docs/plugins/ with antsibull-docs after changing a plugin's documentation
#   make integration  ansible-test integration (tests/integration/targets) and the pytest integration tests
#   make matrix       integration targets, unit and integration tests again on the oldest and the newest ansible-core,
#                     2.16 (Python 3.11) and 2.21 (Python 3.13); MATRIX="2.17 2.18" or MATRIX=all for others
#   make ee           an execution environment built with ansible-builder gets requests and jmespath
#   make bench        API calls and wall time at scale (see docs/performance.md)
#
# The ansible-core matrix (each release on a Python it supports; pins in tests/requirements-X.Y.txt):
#   2.16 on 3.11, 2.17 on 3.12, 2.18 on 3.13, 2.19 on 3.12, 2.20 on 3.12, 2.21 on 3.13, and .venv: 2.19 on 3.11.
#   make test runs .venv, 2.16 and 2.21; `make matrix MATRIX=all` runs all six, `MATRIX="2.18 2.20"` some.
#
# Virtual environments: .venv (the tests: tests/requirements.txt, ansible-core 2.19 on python3 = 3.11),
# build/venvs/tools (ansible-lint, antsibull-*, ansible-builder: tests/requirements-tools.txt) and
# build/venvs/core-X.Y (make matrix and make sanity: tests/requirements-X.Y.txt). build/ is ignored by git and by
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
# The ansible-core releases of the matrix and the Python each runs on (one it supports as a controller), each
# pinned in tests/requirements-X.Y.txt and installed in build/venvs/core-X.Y by tools/find-python's interpreter.
PYTHON_2.16 := 3.11
PYTHON_2.17 := 3.12
PYTHON_2.18 := 3.13
PYTHON_2.19 := 3.12
PYTHON_2.20 := 3.12
PYTHON_2.21 := 3.13
MATRIX_ALL := 2.16 2.17 2.18 2.19 2.20 2.21
OLDEST := 2.16
NEWEST := 2.21
# make matrix (and so make test) runs the oldest and the newest; MATRIX=all or MATRIX="2.17 2.18" for others.
MATRIX ?= $(OLDEST) $(NEWEST)
ifeq ($(strip $(MATRIX)),all)
override MATRIX := $(MATRIX_ALL)
endif
$(foreach v,$(MATRIX),$(if $(PYTHON_$(v)),,$(error MATRIX: no ansible-core $(v) in the matrix; it has $(MATRIX_ALL))))
core_stamp = $(VENVS)/core-$(1)/.installed-py$(PYTHON_$(1))
MATRIX_STAMPS := $(foreach v,$(MATRIX),$(call core_stamp,$(v)))
SANITY_STAMPS := $(call core_stamp,$(OLDEST)) $(call core_stamp,$(NEWEST))

.PHONY: demo test test-parts test-venvs sanity unit integration ee lint lint-ansible lint-changelog lint-docs \
	lint-plugin-docs plugin-docs matrix bench venv tools link clean distclean

venv: $(STAMP)

# The emulator is installed into it as a user would (pip install of emulator/, editable so that it is this tree's):
# the commands alicloud-cas-emulator and alicloud-cas-emulator-run.
$(STAMP): requirements.txt tests/requirements.txt tests/requirements-2.19.txt tests/requirements-test.txt \
		emulator/pyproject.toml emulator/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r tests/requirements.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation --editable ./emulator
	touch $@

# Linters and ansible-builder, apart from the test venvs so that their dependencies move no test pin.
tools: $(TOOLS_STAMP)

$(TOOLS_STAMP): tests/requirements-tools.txt
	rm -rf $(TOOLS)
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS_BIN)/python -m pip install --quiet --upgrade pip
	$(TOOLS_BIN)/python -m pip install --quiet -r tests/requirements-tools.txt
	touch $@

# build/venvs/core-X.Y, made anew when its pins or its Python (PYTHON_X.Y) change.
define CORE_VENV
$(call core_stamp,$(1)): requirements.txt tests/requirements-test.txt tests/requirements-$(1).txt
	rm -rf $(VENVS)/core-$(1)
	python=$$$$($(ROOT)/tools/find-python $(PYTHON_$(1))) && $$$$python -m venv $(VENVS)/core-$(1)
	$(VENVS)/core-$(1)/bin/python -m pip install --quiet --upgrade pip
	$(VENVS)/core-$(1)/bin/python -m pip install --quiet -r tests/requirements-$(1).txt
	touch $$@
endef
$(foreach v,$(MATRIX_ALL),$(eval $(call CORE_VENV,$(v))))

# ansible-core and ansible-test need the collection at .../ansible_collections/seed/alicloud_cas.
link: $(COLL)

$(COLL):
	mkdir -p $(dir $(COLL))
	ln -sfn ../../.. $(COLL)

demo: venv link
	cd $(ROOT) && ANSIBLE_PYTHON_INTERPRETER=$(PY) $(BIN)/alicloud-cas-emulator-run -- $(BIN)/ansible-playbook -i localhost, -c local examples/demo_gate.yml

# Every part runs even when one fails; make test fails if any did. Two lanes run side by side (2 cores; a
# lane keeps about one busy): the main venv's sanity, unit and integration tests, streamed; and the parts
# with venvs of their own (ee, lint, matrix), logged to build/test-extra.log and printed when both are done.
# The integration suites (integration, and matrix's one per release) never run at the same time (ONE_AT_A_TIME).
# Every venv is made first, two at a time, so that the lanes never make the same one.
TEST_MAIN := sanity unit integration
TEST_EXTRA := ee lint matrix
EXTRA_LOG := $(ROOT)/build/test-extra.log

test: link
	@$(MAKE) --no-print-directory -j2 test-venvs
	@echo "make test: $(TEST_EXTRA) run alongside; their output follows ($(EXTRA_LOG))"; \
	status=0; \
	$(MAKE) --no-print-directory test-parts PARTS="$(TEST_EXTRA)" > $(EXTRA_LOG) 2>&1 & extra=$$!; \
	$(MAKE) --no-print-directory test-parts PARTS="$(TEST_MAIN)" || status=1; \
	wait $$extra || status=1; \
	echo "==== $(TEST_EXTRA) ($(EXTRA_LOG)) ===="; \
	cat $(EXTRA_LOG); \
	if [ $$status -ne 0 ]; then echo "make test: FAILED (see above)"; else echo "make test: every part passed"; fi; \
	exit $$status

test-venvs: $(STAMP) $(TOOLS_STAMP) $(sort $(MATRIX_STAMPS) $(SANITY_STAMPS))

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

# ansible-test integration runs the targets of tests/integration/targets from the collection at its ansible_collections
# path ($(COLL), the link made by `make link`): ansible-test resolves its working directory, so the path is named by
# ANSIBLE_TEST_CONTENT_ROOT (the variable ansible-test sets itself when it delegates). --local: the venv's own Python
# and packages (ansible-test --venv or --docker would need the requirements fetched or a container runtime); HOME
# apart, so that the user's ~/.aliyun and result cache take no part. The targets share one emulator, started by the
# first (setup_emulator, with the role seed.alicloud_cas.emulator) and stopped when ansible-test ends.
# $(call RUN_TARGETS,<venv bin directory>)
RUN_TARGETS = mkdir -p $(ROOT)/build/integration-home && cd $(COLL) && HOME=$(ROOT)/build/integration-home \
	ANSIBLE_TEST_CONTENT_ROOT=$(COLL) $(1)/ansible-test integration --local --color no \
	--python $$($(1)/python -c "import sys; print(\"%d.%d\" % sys.version_info[:2])")

# The targets, then the pytest tests that count API calls, read output at -vvvv or install the tarball; both run
# even when one fails.
integration: venv link
	@cd $(ROOT) && $(ONE_AT_A_TIME) sh -c 'status=0; \
		echo "+ ansible-test integration (tests/integration/targets)"; ($(call RUN_TARGETS,$(BIN))) || status=1; \
		echo "+ pytest tests/integration"; $(PYTEST) -q tests/integration || status=1; exit $$status'

# ansible-test sanity (tools/run_sanity.py; tests/config.yml, tests/sanity/ignore-X.Y.txt, all empty):
# - ansible-core 2.19 (.venv): every test, on Python 3.11;
# - the newest (2.21): every test on Python 3.13, and the per-Python ones (compile, import) on every Python it
#   supports that is installed, as far as tests/config.yml allows (3.9 to 3.13 here);
# - the oldest (2.16): compile and import on every Python from 3.7 (the modules' floor; newer ansible-test no
#   longer tests 3.7) to 3.12.
# Each runs even when one fails, one after the other (they share ansible-test's venvs in ~/.ansible/test).
sanity: venv link $(SANITY_STAMPS)
	@status=0; cd $(ROOT); \
	$(PY) tools/run_sanity.py || status=1; \
	$(VENVS)/core-$(NEWEST)/bin/python tools/run_sanity.py --target-pythons || status=1; \
	$(VENVS)/core-$(OLDEST)/bin/python tools/run_sanity.py --target-pythons --test compile --test import || status=1; \
	exit $$status

# The collection in an execution environment: ansible-builder create, then the context's galaxy and
# introspection steps replayed without a container runtime.
ee: venv tools
	cd $(ROOT) && ANSIBLE_BUILDER=$(TOOLS_BIN)/ansible-builder $(PYTEST) -q tests/ecosystem

# The tests that run ansible-core, on every release in MATRIX (each in its own venv), one after the other: the
# integration targets with that release's ansible-test, then the pytest tests. tests/emulator is left out: the
# emulator imports nothing of Ansible.
MATRIX_TESTS := tests/unit tests/integration

matrix: link $(MATRIX_STAMPS)
	@status=0; \
	for v in $(MATRIX); do \
		py=$(VENVS)/core-$$v/bin/python; \
		version=$$($$py -c 'import ansible.release; print(ansible.release.__version__)'); \
		python=$$($$py -c 'import platform; print(platform.python_version())'); \
		echo "+ ansible-core $$version on Python $$python: integration targets, unit and integration tests"; \
		case "$$version" in "$$v".*) ;; *) echo "make matrix: expected ansible-core $$v, found $$version"; status=1; continue;; esac; \
		(cd $(ROOT) && $(ONE_AT_A_TIME) sh -c '$(call RUN_TARGETS,$(VENVS)/core-'"$$v"'/bin)') || status=1; \
		(cd $(ROOT) && $(ONE_AT_A_TIME) $$py -m pytest -p no:cacheprovider -q $(MATRIX_TESTS)) || status=1; \
	done; \
	exit $$status

# Every lint runs even when one fails, then fails if any did.
LINTS := lint-ansible lint-changelog lint-docs lint-plugin-docs

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

# docs/plugins/: a page per plugin and index.rst, written by antsibull-docs (simplified RST, which GitHub shows)
# from the documentation ansible-doc reads (tools venv), with tools/antsibull-docs.cfg; README.md is not generated.
# `make plugin-docs` rewrites them; `make lint-plugin-docs` (in make lint) fails when they are not current.
PLUGIN_DOCS := docs/plugins
ANTSIBULL_DOCS = cd $(ROOT) && PATH=$(TOOLS_BIN):$$PATH $(TOOLS_BIN)/antsibull-docs --config-file tools/antsibull-docs.cfg \
	collection --use-current --squash-hierarchy --output-format simplified-rst --fail-on-error \
	--no-add-antsibull-docs-version --no-breadcrumbs --dest-dir

plugin-docs: tools link
	rm -rf $(ROOT)/build/plugin-docs && mkdir -p $(ROOT)/build/plugin-docs
	$(ANTSIBULL_DOCS) build/plugin-docs seed.alicloud_cas
	cd $(ROOT) && rm -f $(PLUGIN_DOCS)/*.rst && cp build/plugin-docs/*.rst $(PLUGIN_DOCS)/
	@echo "$(PLUGIN_DOCS)/ regenerated: commit it."

lint-plugin-docs: tools link
	@rm -rf $(ROOT)/build/plugin-docs-check && mkdir -p $(ROOT)/build/plugin-docs-check
	@$(ANTSIBULL_DOCS) build/plugin-docs-check seed.alicloud_cas
	@cd $(ROOT) && diff -ru --exclude=README.md $(PLUGIN_DOCS) build/plugin-docs-check || { \
		echo "lint-plugin-docs: $(PLUGIN_DOCS)/ does not match the plugins' documentation (a plugin, a doc fragment,"; \
		echo "galaxy.yml or meta/runtime.yml changed). Run \`make plugin-docs\` and commit $(PLUGIN_DOCS)/."; exit 1; }
	@echo "lint-plugin-docs: $(PLUGIN_DOCS)/ is up to date."
# -----------------------------------------------------------------------------------------------------------

bench: venv link
	cd $(ROOT) && $(PY) benchmarks/run.py

# Keeps the venvs under build/venvs (slow to make); distclean removes them and .venv too.
clean:
	find build -mindepth 1 -maxdepth 1 ! -name venvs -exec rm -rf {} + 2>/dev/null || true
	rm -rf tests/output .pytest_cache

distclean: clean
	rm -rf build $(VENV)
