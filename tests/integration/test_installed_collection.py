# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The built tarball installs, and its emulator runs from the installed collection (not the source tree) the three
documented ways: the role seed.alicloud_cas.emulator in a playbook, ``python -m
ansible_collections.seed.alicloud_cas.emulator.run`` with the collections path on PYTHONPATH, and the commands that
``pip install`` of the installed collection's emulator directory gives."""

import os
import re
import subprocess
import sys
import tarfile

from conftest import BIN, ROOT
from emulator.testing import process_gone

BUILD_CLUTTER = ('.venv/', 'build/', 'tests/output/', 'benchmarks/', '.git/', '__pycache__', '.pyc', 'Makefile', '.egg-info')


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
    elsewhere = tmp_path / 'work'
    elsewhere.mkdir()

    # The role, as a user's test playbook would use it: the emulator of the installed collection, stopped with the run.
    play = elsewhere / 'offline_test.yml'
    play.write_text(ROLE_PLAY)
    played = run([os.path.join(BIN, 'ansible-playbook'), '-i', 'localhost,', '-c', 'local', str(play)], env, str(elsewhere))
    assert played.returncode == 0, played.stdout[-4000:]
    assert 'started from %s with pid' % home in played.stdout
    pid = int(re.search(r'with pid (\d+)', played.stdout).group(1))
    assert process_gone(pid), 'the emulator outlived the playbook run'

    # python -m, from anywhere, with the collections path on PYTHONPATH (a namespace package: no __init__.py above it).
    env_m = dict(env, PYTHONPATH=str(collections))
    version = run([sys.executable, '-m', 'ansible_collections.seed.alicloud_cas.emulator', '--version'], env_m, str(elsewhere))
    assert version.returncode == 0 and version.stdout.split()[-1] == '1.0.0', version.stdout  # from MANIFEST.json
    demo = run([sys.executable, '-m', 'ansible_collections.seed.alicloud_cas.emulator.run', '--', os.path.join(BIN, 'ansible-playbook'),
                '-i', 'localhost,', '-c', 'local', str(home / 'examples' / 'demo_gate.yml')], env_m, str(elsewhere))
    assert demo.returncode == 0, demo.stdout[-4000:]
    assert 'Deployment stopped by the gate, as intended: CA gate failed: cas-member-demo-sub-nearly-full' in demo.stdout

    # pip install of the installed collection's emulator/ (offline: no dependencies, this Python's setuptools), then
    # its commands, which know their version from the distribution's metadata (no MANIFEST.json next to them).
    target = tmp_path / 'pip-target'
    pipped = run([sys.executable, '-m', 'pip', 'install', '--quiet', '--no-deps', '--no-build-isolation', '--target',
                  str(target), str(home / 'emulator')], env, str(elsewhere))
    assert pipped.returncode == 0, pipped.stdout[-4000:]
    env_pip = dict(env, PYTHONPATH=str(target))
    version = run([str(target / 'bin' / 'alicloud-cas-emulator'), '--version'], env_pip, str(elsewhere))
    assert version.returncode == 0 and version.stdout.strip() == 'alicloud-cas-emulator 1.0.0', version.stdout
    demo = run([str(target / 'bin' / 'alicloud-cas-emulator-run'), '--', os.path.join(BIN, 'ansible-playbook'),
                '-i', 'localhost,', '-c', 'local', str(home / 'examples' / 'demo_gate.yml')], env_pip, str(elsewhere))
    assert demo.returncode == 0, demo.stdout[-4000:]
    assert 'Deployment stopped by the gate, as intended: CA gate failed: cas-member-demo-sub-nearly-full' in demo.stdout
    usage = run([str(target / 'bin' / 'alicloud-cas-emulator-run')], env_pip, str(elsewhere))
    assert usage.returncode == 2 and usage.stdout.startswith('usage: alicloud-cas-emulator-run '), usage.stdout

    assert str(home) in subprocess.run([os.path.join(BIN, 'ansible-doc'), '-t', 'lookup', 'seed.alicloud_cas.ca_instance_status'],
                                       env=env, stdout=subprocess.PIPE, text=True, check=True).stdout


ROLE_PLAY = """
- name: A user's offline test of a CA gate, with the collection's emulator
  hosts: localhost
  gather_facts: false
  roles:
    - seed.alicloud_cas.emulator
  tasks:
    - name: Where it runs from
      ansible.builtin.debug:
        msg: "started from {{ lookup('ansible.builtin.pipe', 'readlink /proc/' ~ emulator_pid ~ '/cwd') }} with pid {{ emulator_pid }}"

    - name: Gate on the CA behind a demo server certificate
      seed.alicloud_cas.ca_instance_status_info:
        endpoint: "{{ emulator_url }}"
        access_key_id: "{{ emulator_access_key_id }}"
        access_key_secret: "{{ emulator_access_key_secret }}"
        identifier: "{{ emulator_demo.DEMO_CERTIFICATES['server-healthy'] }}"
        require: {usable: true, min_days_valid: 30}
"""
