# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run real ansible-playbook processes against the emulator.

Most integration tests are ansible-test targets (tests/integration/targets, ``make integration``). The tests
here check what only the outside can see: emulator counters with a cache of their own, output at high
verbosity, files written. ``runner.target(name)`` runs a target's tasks against the test's emulator, so that
a test adds such checks to a target without repeating its tasks.
"""

import json
import os
import subprocess
import sys

import pytest

from emulator import demo
from emulator.testing import start_emulator, DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PLAYBOOKS = os.path.join(HERE, 'playbooks')
TARGETS = os.path.join(HERE, 'targets')
BIN = os.path.dirname(sys.executable)


@pytest.fixture(scope='session')
def emulator():
    with start_emulator() as emu:
        yield emu


@pytest.fixture
def emu(emulator):
    emulator.reset()
    return emulator


class Runner:
    """Runs playbooks with a clean, isolated environment (HOME, cache dir, no stray credentials)."""

    def __init__(self, emu, tmp_path):
        self.emu = emu
        self.tmp = tmp_path
        self.home = tmp_path / 'home'
        self.home.mkdir()
        self.cache_dir = tmp_path / 'cache'
        self.log = tmp_path / 'ansible.log'
        self.vars_dir = tmp_path / 'test-inputs'  # written by the tests, not by the collection

    def env(self, extra=None):
        env = dict((k, v) for k, v in os.environ.items()
                   if not k.startswith(('ALIBABA_CLOUD_', 'ALICLOUD_', 'ANSIBLE_')))
        env.update({
            'HOME': str(self.home),
            'ANSIBLE_COLLECTIONS_PATH': os.path.join(ROOT, 'build'),
            'ANSIBLE_COLLECTIONS_SCAN_SYS_PATH': 'false',
            'ANSIBLE_HOST_KEY_CHECKING': 'false',
            'ANSIBLE_RETRY_FILES_ENABLED': 'false',
            'ANSIBLE_LOCAL_TEMP': str(self.tmp / 'ansible-tmp'),
            'ANSIBLE_REMOTE_TEMP': str(self.tmp / 'ansible-remote-tmp'),
            'ANSIBLE_LOG_PATH': str(self.log),
            'ANSIBLE_NOCOLOR': '1',
            'ANSIBLE_FORCE_COLOR': '0',
            'ANSIBLE_PYTHON_INTERPRETER': sys.executable,
            'ALICLOUD_CAS_CACHE_DIR': str(self.cache_dir),
            # Never the real metadata service: the last resort of the credential chain asks it. Port 9 refuses.
            'ALICLOUD_CAS_ECS_METADATA_ENDPOINT': 'http://127.0.0.1:9',
            'PATH': BIN + os.pathsep + os.environ.get('PATH', ''),
        })
        env.update(extra or {})
        return env

    def playbook(self, name, extra_vars=None, env=None, args=(), inventory=None):
        evars = {'emu_endpoint': self.emu.url, 'emu_key_id': DEMO_ACCESS_KEY_ID, 'emu_key_secret': DEMO_ACCESS_KEY_SECRET}
        evars.update(extra_vars or {})
        # Through a file: Ansible prints command-line extra vars at -vvvv, and they hold test secrets.
        self.vars_dir.mkdir(exist_ok=True)
        vars_file = self.vars_dir / ('extra-vars-%d.json' % len(list(self.vars_dir.iterdir())))
        vars_file.write_text(json.dumps(evars))
        cmd = [os.path.join(BIN, 'ansible-playbook'), '-i', inventory or 'localhost,', '-c', 'local',
               os.path.join(PLAYBOOKS, name), '-e', '@' + str(vars_file)] + list(args)
        return subprocess.run(cmd, env=self.env(env), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, timeout=600, cwd=str(self.tmp), check=False)

    def target(self, name, extra_vars=None, env=None, args=(), inventory=None):
        """The tasks of the ansible-test target ``name`` against this emulator: its setup_emulator dependency
        takes the emulator from the extra vars instead of starting one."""
        play = self.tmp / ('target-%s.yml' % name)
        play.write_text(json.dumps([{'name': 'Target %s' % name, 'hosts': 'all', 'gather_facts': False, 'roles': [name]}]))
        evars = {'emulator_url': self.emu.url, 'emulator_access_key_id': DEMO_ACCESS_KEY_ID,
                 'emulator_access_key_secret': DEMO_ACCESS_KEY_SECRET, 'emulator_demo': demo.as_dict(),
                 'output_dir': str(self.tmp / 'output_dir')}
        evars.update(extra_vars or {})
        (self.tmp / 'output_dir').mkdir(exist_ok=True)
        return self.playbook(str(play), evars, dict({'ANSIBLE_ROLES_PATH': TARGETS}, **(env or {})), args, inventory)

    def inventory(self, sources, args=('--list',), env=None):
        """``ansible-inventory`` over ``sources`` (paths); returns the completed process."""
        cmd = [os.path.join(BIN, 'ansible-inventory')]
        for source in sources:
            cmd += ['-i', str(source)]
        return subprocess.run(cmd + list(args), env=self.env(env), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, timeout=600, cwd=str(self.tmp), check=False)


@pytest.fixture
def runner(emu, tmp_path):
    return Runner(emu, tmp_path)


def assert_ok(result):
    assert result.returncode == 0, result.stdout[-6000:]
