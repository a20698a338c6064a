# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Faults, clock skew and TLS through ansible-playbook: the module and the lookup, not just the client."""

import pytest

from conftest import Runner, assert_ok
from emulator.testing import start_emulator


def test_faults_through_module_and_lookup(runner):
    result = runner.playbook('faults.yml')
    assert_ok(result)
    # transient kinds twice each, permanent ones once, the drips and the endless answer, and the lookup's own
    assert runner.emu.counters()['faults_injected'] >= 9 * 2 + 9 + 2 + 1


@pytest.fixture(scope='module')
def tls_emulator():
    with start_emulator(tls=True) as emu:
        yield emu


def test_tls(tls_emulator, tmp_path):
    runner = Runner(tls_emulator, tmp_path)
    assert_ok(runner.playbook('tls.yml', extra_vars={'emu_ca_file': tls_emulator.ca_file}))
