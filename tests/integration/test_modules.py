# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the ansible-test targets of the modules and the lookup cannot see: API calls counted, warnings printed.

The behaviour itself is checked by the targets (tests/integration/targets); these tests run some of them again,
each with an emulator and a result cache of its own, and look at them from outside.
"""

from conftest import assert_ok
from emulator.testing import DEMO_CERTIFICATES, UNKNOWN_CERTIFICATE_IDENTIFIER


def test_lookup_warns_about_unknown_instances_with_on_missing_warn(runner):
    result = runner.target('lookup_ca_instance_status')
    assert_ok(result)
    assert 'CA instance not found: cas-member-gone' in result.stdout  # the on_missing=warn warning


def test_facts_gathered_once_apply_to_every_host(runner):
    inventory = runner.tmp / 'hosts.ini'
    inventory.write_text('[all]\nweb1 ansible_connection=local\nweb2 ansible_connection=local\nweb3 ansible_connection=local\n')
    result = runner.playbook('facts_run_once.yml', inventory=str(inventory))
    assert_ok(result)
    assert result.stdout.count('All assertions passed') == 3
    assert runner.emu.counters()['calls_by_action'] == {'GetCAInstanceStatus': 1}


def test_certificate_identifiers_are_asked_once_per_certificate(runner):
    assert_ok(runner.target('identifier'))
    by_identifier = runner.emu.counters()['calls_by_identifier']
    # One call per certificate and cache TTL, whichever plugin asked and however often.
    assert by_identifier[DEMO_CERTIFICATES['server-healthy']] == 1
    assert by_identifier[UNKNOWN_CERTIFICATE_IDENTIFIER] == 1
