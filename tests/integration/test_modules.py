# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Modules and the lookup, through ansible-playbook, against the emulator."""

from conftest import assert_ok
from emulator.testing import DEMO_CERTIFICATES, UNKNOWN_CERTIFICATE_IDENTIFIER


def test_info_module(runner):
    assert_ok(runner.playbook('module_info.yml'))


def test_lookup_and_jinja_tests(runner):
    result = runner.playbook('lookup_and_tests.yml')
    assert_ok(result)
    assert 'CA instance not found: cas-member-gone' in result.stdout  # the on_missing=warn warning


def test_facts_module_and_fact_gathering(runner):
    result = runner.playbook('facts.yml', env={'ANSIBLE_FACTS_MODULES': 'seed.alicloud_cas.ca_instance_facts'})
    assert_ok(result)


def test_bad_input_table(runner):
    assert_ok(runner.playbook('bad_input.yml'))


def test_facts_gathered_once_apply_to_every_host(runner):
    inventory = runner.tmp / 'hosts.ini'
    inventory.write_text('[all]\nweb1 ansible_connection=local\nweb2 ansible_connection=local\nweb3 ansible_connection=local\n')
    result = runner.playbook('facts_run_once.yml', inventory=str(inventory))
    assert_ok(result)
    assert result.stdout.count('All assertions passed') == 3
    assert runner.emu.counters()['calls_by_action'] == {'GetCAInstanceStatus': 1}


def test_certificate_identifiers_lead_to_their_issuers(runner):
    result = runner.playbook('identifier.yml', extra_vars={'certs': DEMO_CERTIFICATES,
                                                           'unknown_cert': UNKNOWN_CERTIFICATE_IDENTIFIER})
    assert_ok(result)
    by_identifier = runner.emu.counters()['calls_by_identifier']
    # One call per certificate and cache TTL, whichever plugin asked and however often.
    assert by_identifier[DEMO_CERTIFICATES['server-healthy']] == 1
    assert by_identifier[UNKNOWN_CERTIFICATE_IDENTIFIER] == 1
