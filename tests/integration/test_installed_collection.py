# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The built tarball installs and runs the demo from the installed collection, not the source tree."""

import os
import subprocess
import sys
import tarfile

from conftest import BIN, ROOT

BUILD_CLUTTER = ('.venv/', 'build/', 'tests/output/', 'benchmarks/', '.git/', '__pycache__', '.pyc', 'Makefile')


def run(cmd, env, cwd):
    return subprocess.run(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=600, check=False)


def test_build_install_and_run_demo_from_the_tarball(tmp_path):
    env = dict((k, v) for k, v in os.environ.items() if not k.startswith(('ANSIBLE_', 'ALIBABA_CLOUD_', 'ALICLOUD_')))
    env.update({'HOME': str(tmp_path), 'ANSIBLE_PYTHON_INTERPRETER': sys.executable,
                'ALICLOUD_CAS_CACHE_DIR': str(tmp_path / 'cache'), 'ANSIBLE_LOCAL_TEMP': str(tmp_path / 'tmp')})
    built = run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'build', '--output-path', str(tmp_path), ROOT],
                env, str(tmp_path))
    assert built.returncode == 0, built.stdout
    tarball = str(tmp_path / 'seed-alicloud_cas-1.0.0.tar.gz')
    with tarfile.open(tarball) as archive:
        names = archive.getnames()
    assert 'plugins/lookup/ca_instance_status.py' in names and 'emulator/__main__.py' in names
    assert [n for n in names if any(c in n for c in BUILD_CLUTTER)] == []

    collections = tmp_path / 'collections'
    installed = run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'install', '-p', str(collections), tarball],
                    env, str(tmp_path))
    assert installed.returncode == 0, installed.stdout
    home = collections / 'ansible_collections' / 'seed' / 'alicloud_cas'
    env['ANSIBLE_COLLECTIONS_PATH'] = str(collections)
    demo = run([sys.executable, '-m', 'emulator.run', '--', os.path.join(BIN, 'ansible-playbook'), '-i', 'localhost,',
                '-c', 'local', 'examples/demo_gate.yml'], env, str(home))
    assert demo.returncode == 0, demo.stdout[-4000:]
    assert 'Deployment stopped by the gate, as intended: CA gate failed: cas-member-demo-sub-nearly-full' in demo.stdout
    assert str(home) in subprocess.run([os.path.join(BIN, 'ansible-doc'), '-t', 'lookup', 'seed.alicloud_cas.ca_instance_status'],
                                       env=env, stdout=subprocess.PIPE, text=True, check=True).stdout
