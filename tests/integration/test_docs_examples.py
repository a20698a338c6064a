# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The runnable examples of the guides run, against the emulator, as the guides say."""

import os

from conftest import ROOT, assert_ok


def test_module_defaults_example_sets_the_connection_once(runner, emu):
    # A wrong key and endpoint in the environment: the example passes only if it uses what it sets itself.
    env = {'CAS_EMULATOR_URL': emu.url, 'ALIBABA_CLOUD_ACCESS_KEY_ID': 'LTAIwrong',
           'ALIBABA_CLOUD_ACCESS_KEY_SECRET': 'wrong', 'ALIBABA_CLOUD_ENDPOINT_CAS': 'http://127.0.0.1:9'}
    result = runner.playbook(os.path.join(ROOT, 'docs', 'examples', 'module_defaults.yml'), env=env)
    assert_ok(result)
    assert 'modules and lookup used the same connection, set once' in result.stdout
    assert emu.counters()['calls_by_action'].get('GetCAInstanceStatus', 0) >= 1


def test_ram_role_example_assumes_the_role(runner, emu):
    from emulator.testing import DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET
    env = {'ALIBABA_CLOUD_ENDPOINT_CAS': emu.url, 'ALIBABA_CLOUD_STS_ENDPOINT': emu.sts_endpoint,
           'ALIBABA_CLOUD_ACCESS_KEY_ID': DEMO_ACCESS_KEY_ID, 'ALIBABA_CLOUD_ACCESS_KEY_SECRET': DEMO_ACCESS_KEY_SECRET}
    result = runner.playbook(os.path.join(ROOT, 'docs', 'examples', 'ram_role.yml'), env=env)
    assert_ok(result)
    assert 'read with the role' in result.stdout
    assert emu.counters()['calls_by_action'].get('AssumeRole', 0) >= 1
