# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The runnable examples of the guides run, against the emulator, as the guides say."""

import os

from conftest import ROOT, assert_ok
from emulator.testing import DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET


def test_module_defaults_example_sets_the_connection_once(runner, emu):
    # A wrong key and endpoint in the environment: the example passes only if it uses what it sets itself.
    env = {'CAS_EMULATOR_URL': emu.url, 'ALIBABA_CLOUD_ACCESS_KEY_ID': 'LTAIwrong',
           'ALIBABA_CLOUD_ACCESS_KEY_SECRET': 'wrong', 'ALIBABA_CLOUD_ENDPOINT_CAS': 'http://127.0.0.1:9'}
    result = runner.playbook(os.path.join(ROOT, 'docs', 'examples', 'module_defaults.yml'), env=env)
    assert_ok(result)
    assert 'modules and lookup used the same connection, set once' in result.stdout
    assert emu.counters()['calls_by_action'].get('GetCAInstanceStatus', 0) >= 1


def test_ram_role_example_assumes_the_role(runner, emu):
    env = {'ALIBABA_CLOUD_ENDPOINT_CAS': emu.url, 'ALIBABA_CLOUD_STS_ENDPOINT': emu.sts_endpoint,
           'ALIBABA_CLOUD_ACCESS_KEY_ID': DEMO_ACCESS_KEY_ID, 'ALIBABA_CLOUD_ACCESS_KEY_SECRET': DEMO_ACCESS_KEY_SECRET}
    result = runner.playbook(os.path.join(ROOT, 'docs', 'examples', 'ram_role.yml'), env=env)
    assert_ok(result)
    assert 'read with the role' in result.stdout
    assert emu.counters()['calls_by_action'].get('AssumeRole', 0) >= 1


def test_certificate_gate_example_stops_only_the_host_whose_ca_is_unhealthy(runner, emu):
    result = runner.playbook(os.path.join(ROOT, 'docs', 'examples', 'certificate_gate.yml'), env={'CAS_EMULATOR_URL': emu.url},
                             inventory=os.path.join(ROOT, 'docs', 'examples', 'certificate_gate_inventory.yml'))
    assert result.returncode == 2, result.stdout[-4000:]  # api1 failed its gate, as the example says
    out = result.stdout
    assert 'deploying to web1 (certificate issued by cas-member-demo-root)' in out
    assert 'deploying to web2 (certificate issued by cas-member-demo-root)' in out
    assert 'deploying to api1' not in out
    assert 'cas-member-demo-sub-nearly-full, which issued the certificate of api1, is not healthy' in out
    assert 'deploying to web1: its CA is cas-member-demo-root' in out
    # One call per certificate, whatever the number of hosts and tasks that asked.
    assert sorted(emu.counters()['calls_by_identifier'].values()) == [1, 1, 1]


def test_the_guides_show_the_examples_as_they_are():
    for guide, example in (('gating.md', 'module_defaults.yml'), ('gating.md', 'certificate_gate.yml')):
        with open(os.path.join(ROOT, 'docs', guide)) as handle:
            text = handle.read()
        with open(os.path.join(ROOT, 'docs', 'examples', example)) as handle:
            play = ''.join(line for line in handle if not line.startswith(('#', '---')))
        assert play.strip() in text, '%s no longer shows docs/examples/%s as it is' % (guide, example)


def test_inventory_example_groups_machines_by_the_health_of_their_ca(runner, emu):
    inventory = os.path.join(ROOT, 'docs', 'examples', 'inventory')
    env = {'ALIBABA_CLOUD_ENDPOINT_CAS': emu.url, 'ALIBABA_CLOUD_ACCESS_KEY_ID': DEMO_ACCESS_KEY_ID,
           'ALIBABA_CLOUD_ACCESS_KEY_SECRET': DEMO_ACCESS_KEY_SECRET}
    result = runner.playbook(os.path.join(ROOT, 'docs', 'examples', 'inventory_play.yml'), env=env, inventory=inventory)
    assert_ok(result)
    out = result.stdout
    assert 'deploying to web1, certificate issued by cas-member-demo-root' in out
    assert 'deploying to db1, certificate issued by no CA' in out
    assert 'deploying to api1' not in out and 'deploying to legacy1' not in out
    assert 'cas-member-demo-root: 88 certificates left, usable=True' in out
    assert 'cas-member-demo-revoked' not in out
    # The sync: the account's list and one call per distinct certificate (the guide says 5).
    assert emu.counters()['calls_by_action']['GetCAInstanceStatus'] == 5


def test_inventory_gate_example_fails_exactly_the_machines_whose_ca_is_not_healthy(runner, emu):
    inventory = os.path.join(ROOT, 'docs', 'examples', 'inventory')
    env = {'ALIBABA_CLOUD_ENDPOINT_CAS': emu.url, 'ALIBABA_CLOUD_ACCESS_KEY_ID': DEMO_ACCESS_KEY_ID,
           'ALIBABA_CLOUD_ACCESS_KEY_SECRET': DEMO_ACCESS_KEY_SECRET}
    result = runner.playbook(os.path.join(ROOT, 'docs', 'examples', 'inventory_gate.yml'), env=env, inventory=inventory)
    assert result.returncode != 0  # two machines failed their gate
    out = result.stdout
    for healthy in ('web1', 'web2', 'db1'):  # db1 has no certificate: not gated
        assert '"msg": "deploying to %s"' % healthy in out
    for unhealthy in ('api1', 'legacy1'):  # issued by the nearly full CA and by the CA whose subscription ended
        assert 'the CA behind the certificate of %s is not healthy or not known' % unhealthy in out
        assert '"msg": "deploying to %s"' % unhealthy not in out
    # The inventory sync's calls only (the account's list, one per distinct certificate): none from the play.
    assert emu.counters()['calls_by_action']['GetCAInstanceStatus'] == 5


def test_the_inventory_guide_shows_the_example_files_as_they_are():
    with open(os.path.join(ROOT, 'docs', 'inventory.md')) as handle:
        text = handle.read()
    examples = os.path.join(ROOT, 'docs', 'examples')
    for name in ('inventory/10-web.yml', 'inventory/20-ca.cas.yml', 'inventory/30-issuers.cas.yml', 'inventory_play.yml',
                 'inventory_gate.yml'):
        with open(os.path.join(examples, name)) as handle:
            content = ''.join(line for line in handle if not line.startswith(('#', '---')))
        assert content.strip() in text, 'docs/inventory.md no longer shows docs/examples/%s as it is' % name
