# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""An execution environment that installs this collection gets its Python requirements.

No container runtime is needed: ``ansible-builder create`` only writes the build context. The two
build stages that matter are then replayed on this machine, as the Containerfile runs them:
the galaxy stage (``ansible-galaxy collection install -r requirements.yml`` in ``_build``) and the
builder stage (the context's own ``introspect.py``, which collects the requirements of every installed
collection). What comes out must be the collection's requirements.txt: requests and jmespath.

ansible-builder lives in the tools venv (``make tools``); the Makefile passes its path in
``ANSIBLE_BUILDER``.
"""

import glob
import os
import re
import shlex
import shutil
import subprocess
import sys

import pytest
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BIN = os.path.dirname(sys.executable)
BUILDER = os.environ.get('ANSIBLE_BUILDER') or os.path.join(ROOT, 'build', 'venvs', 'tools', 'bin', 'ansible-builder')
COLLECTION = 'seed.alicloud_cas'

with open(os.path.join(ROOT, 'galaxy.yml')) as _handle:
    VERSION = yaml.safe_load(_handle)['version']
TARBALL = 'seed-alicloud_cas-%s.tar.gz' % VERSION

# The smallest definition that installs the collection from its tarball (ansible-builder schema 3).
DEFINITION = """---
version: 3
images:
  base_image:
    name: quay.io/centos/centos:stream9
dependencies:
  python_interpreter:
    package_system: python3.11
    python_path: /usr/bin/python3.11
  ansible_core:
    package_pip: ansible-core>=2.16
  ansible_runner:
    package_pip: ansible-runner
  galaxy:
    collections:
      - name: collections/%(tarball)s
        type: file
additional_build_files:
  - src: %(tarball)s
    dest: collections
""" % {'tarball': TARBALL}

# Example definitions shipped in docs/ are checked the same way (their directory, plus the tarball).
DOC_EXAMPLES = sorted(glob.glob(os.path.join(ROOT, 'docs', '**', 'execution-environment.yml'), recursive=True))


def requirement_names(lines):
    names = []
    for line in lines:
        line = line.split('#', 1)[0].strip()
        if line and not line.startswith('-'):
            names.append(re.match(r'[A-Za-z0-9_.-]+', line).group(0).lower())
    return names


def collection_requirements():
    with open(os.path.join(ROOT, 'requirements.txt')) as handle:
        return [line.split('#', 1)[0].strip() for line in handle if line.split('#', 1)[0].strip()]


def clean_env(tmp):
    env = dict((k, v) for k, v in os.environ.items() if not k.startswith(('ANSIBLE_', 'ALIBABA_CLOUD_', 'ALICLOUD_')))
    env.update({'HOME': str(tmp), 'ANSIBLE_LOCAL_TEMP': str(tmp / 'ansible-tmp'),
                'ANSIBLE_COLLECTIONS_SCAN_SYS_PATH': 'false'})
    return env


def run(cmd, env, cwd):
    result = subprocess.run(cmd, env=env, cwd=str(cwd), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, timeout=600, check=False)
    assert result.returncode == 0, '%s\n%s' % (' '.join(cmd), result.stdout[-4000:])
    return result.stdout


def assert_names_the_collection_requirements(lines):
    """Every line of the collection's requirements.txt, attributed to the collection, and nothing else from it."""
    ours = [line for line in lines if line.rstrip().endswith('# from collection %s' % COLLECTION)]
    assert [line.split('#', 1)[0].strip() for line in ours] == collection_requirements()
    assert requirement_names(ours) == ['requests', 'jmespath']


@pytest.fixture(scope='module')
def built(tmp_path_factory):
    """The collection tarball, built as a user would (ansible-galaxy collection build)."""
    if not os.access(BUILDER, os.X_OK):
        pytest.fail('ansible-builder not found at %s: run `make tools` (or set ANSIBLE_BUILDER)' % BUILDER)
    tmp = tmp_path_factory.mktemp('ee-build')
    run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'build', '--output-path', str(tmp), ROOT],
        clean_env(tmp), tmp)
    assert (tmp / TARBALL).is_file()
    return tmp / TARBALL


def test_metadata_points_at_the_runtime_requirements():
    with open(os.path.join(ROOT, 'meta', 'execution-environment.yml')) as handle:
        meta = yaml.safe_load(handle)
    assert meta['version'] == 3
    # Relative to the collection root, as ansible-builder reads it in the installed collection.
    assert meta['dependencies'] == {'python': 'requirements.txt'}
    assert requirement_names(collection_requirements()) == ['requests', 'jmespath']
    assert not os.path.exists(os.path.join(ROOT, 'bindep.txt'))  # no system packages needed


def test_introspect_finds_the_requirements_in_the_installed_collection(built, tmp_path):
    env = clean_env(tmp_path)
    collections = tmp_path / 'collections'
    run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'install', '-p', str(collections), str(built)], env, tmp_path)
    installed = collections / 'ansible_collections' / 'seed' / 'alicloud_cas'
    assert (installed / 'meta' / 'execution-environment.yml').is_file() and (installed / 'requirements.txt').is_file()

    out = run([BUILDER, 'introspect', '--sanitize', str(collections)], env, tmp_path)
    data = yaml.safe_load(out[out.index('---'):])
    assert_names_the_collection_requirements(data['python'])
    assert data['system'] == []


@pytest.mark.parametrize('definition', ['tests'] + [os.path.relpath(p, ROOT) for p in DOC_EXAMPLES])
def test_execution_environment_context_installs_the_requirements(definition, built, tmp_path):
    env = clean_env(tmp_path)
    ee = tmp_path / 'ee'
    if definition == 'tests':
        ee.mkdir()
        (ee / 'execution-environment.yml').write_text(DEFINITION)
    else:
        shutil.copytree(os.path.dirname(os.path.join(ROOT, definition)), str(ee))
    shutil.copy(str(built), str(ee / TARBALL))

    context = tmp_path / 'context'
    run([BUILDER, 'create', '--file', str(ee / 'execution-environment.yml'), '--context', str(context),
         '--output-filename', 'Containerfile'], env, ee)
    containerfile = (context / 'Containerfile').read_text()
    build = context / '_build'
    assert (build / 'collections' / TARBALL).is_file()

    # Galaxy stage: COPY _build /build; WORKDIR /build; ansible-galaxy collection install -r requirements.yml ...
    galaxy = [line for line in containerfile.splitlines() if 'ansible-galaxy collection install' in line]
    assert len(galaxy) == 1 and '-r requirements.yml' in galaxy[0], containerfile
    collections = tmp_path / 'usr-share-ansible-collections'
    run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'install', '-r', 'requirements.yml',
         '--collections-path', str(collections)], env, build)

    # Builder stage: $PYCMD /output/scripts/introspect.py introspect [options], over the collections installed above.
    introspect = [line for line in containerfile.splitlines() if 'introspect.py introspect' in line]
    assert len(introspect) == 1, containerfile
    options = [o for o in shlex.split(introspect[0].split('introspect.py introspect', 1)[1])
               if not o.startswith(('--write-pip', '--write-bindep'))]
    pip_out, bindep_out = tmp_path / 'out' / 'requirements.txt', tmp_path / 'out' / 'bindep.txt'
    run([sys.executable, str(build / 'scripts' / 'introspect.py'), 'introspect', str(collections)] + options
        + ['--write-pip=%s' % pip_out, '--write-bindep=%s' % bindep_out], env, build)
    assert_names_the_collection_requirements(pip_out.read_text().splitlines())
    assert not bindep_out.exists()  # no system packages
