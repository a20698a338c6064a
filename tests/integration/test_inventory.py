# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The inventory plugin seed.alicloud_cas.ca_instances through ansible-inventory and ansible-playbook.

Mechanisms are proven by counting the emulator's calls: one per CA listing, distinct certificate or instance,
none per host, none within the inventory cache's timeout.
"""

import json
import os

import yaml

from conftest import assert_ok
from emulator.testing import (
    DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, DEMO_CERTIFICATE_ISSUERS, DEMO_CERTIFICATES, DEMO_INSTANCE_IDS,
    UNKNOWN_CERTIFICATE_IDENTIFIER)


def write(path, data):
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data))
    return path


def connection(runner, **extra):
    """The plugin's configuration for the emulator: the connection in the file, as a user writes it."""
    config = {'plugin': 'seed.alicloud_cas.ca_instances', 'endpoint': runner.emu.url,
              'access_key_id': DEMO_ACCESS_KEY_ID, 'access_key_secret': DEMO_ACCESS_KEY_SECRET}
    config.update(extra)
    return config


def listed(result):
    assert result.returncode == 0, result.stderr[-4000:]
    return plain(json.loads(result.stdout))


def plain(value):
    """ansible-inventory 2.19+ shows strings that are never templated as {"__ansible_unsafe": ...}: unwrap them."""
    if isinstance(value, dict):
        if list(value) == ['__ansible_unsafe']:
            return value['__ansible_unsafe']
        return dict((k, plain(v)) for k, v in value.items())
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def said(result):
    """stderr with its line breaks undone (older releases wrap warnings)."""
    return ' '.join(result.stderr.split())


def calls(runner):
    return runner.emu.counters()['calls_by_action'].get('GetCAInstanceStatus', 0)


def hosts_with_certificates(runner, count):
    """A YAML inventory of ``count`` web hosts using the demo certificates in turn, and two without one."""
    names = ['server-healthy', 'server-nearly-full', 'client-expiring', 'server-sub-ended']
    hosts = dict(('web%04d' % i, {'tls_certificate': DEMO_CERTIFICATES[names[i % len(names)]]}) for i in range(count))
    hosts.update({'db1': {}, 'db2': {'tls_certificate': ''}})
    return write(runner.tmp / 'hosts.yml', {'all': {'children': {'web': {'hosts': hosts}}}})


def test_ca_instances_become_hosts_with_constructed_groups(runner):
    source = write(runner.tmp / 'ca.cas.yml', connection(
        runner, keyed_groups=[{'key': 'status', 'prefix': 'ca_status'}],
        groups={'ca_quota_low': 'cert_remaining_count is not none and cert_remaining_count < 50'},
        compose={'ca_days_left': 'validity_days_left'}))
    inventory = listed(runner.inventory([source]))
    hostvars = inventory['_meta']['hostvars']
    assert sorted(inventory['alicloud_cas_instances']['hosts']) == sorted(DEMO_INSTANCE_IDS)
    assert 'cas-member-demo-root' in inventory['ca_status_USED']['hosts']
    assert inventory['ca_status_REVOKE']['hosts'] == ['cas-member-demo-revoked']
    assert 'cas-member-demo-sub-nearly-full' in inventory['ca_quota_low']['hosts']
    assert 'cas-member-demo-root' not in inventory['ca_quota_low']['hosts']
    root = hostvars['cas-member-demo-root']
    assert root['usable'] is True and root['status'] == 'USED' and root['alicloud_cas_instance']['instance_id'] == 'cas-member-demo-root'
    assert root['ca_days_left'] == root['validity_days_left'] and root['ansible_connection'] == 'local'
    assert calls(runner) == 1  # the account's list, once


def test_hosts_get_the_ca_behind_their_certificate_one_call_per_certificate(runner):
    hosts = hosts_with_certificates(runner, 400)
    source = write(runner.tmp / 'zz-issuers.cas.yml', connection(
        runner, add_instance_hosts=False, certificate_var='tls_certificate',
        groups={'ca_unhealthy': 'not alicloud_cas_issuer.usable'},
        keyed_groups=[{'key': 'alicloud_cas_issuer.instance_id', 'prefix': 'issued_by'}]))
    inventory = listed(runner.inventory([hosts, source]))
    hostvars = inventory['_meta']['hostvars']
    assert hostvars['web0000']['alicloud_cas_issuer']['instance_id'] == DEMO_CERTIFICATE_ISSUERS['server-healthy']
    assert hostvars['web0001']['alicloud_cas_issuer']['cert_remaining_count'] == 2
    assert 'alicloud_cas_issuer' not in hostvars.get('db1', {}) and 'alicloud_cas_issuer' not in hostvars.get('db2', {})
    assert sorted(inventory['ca_unhealthy']['hosts']) == sorted('web%04d' % i for i in range(400) if i % 4 == 3)
    assert len(inventory['issued_by_cas_member_demo_root']['hosts']) == 100
    assert 'alicloud_cas_instances' not in inventory
    # 400 hosts, 4 distinct certificates: 4 calls, none per host.
    assert calls(runner) == 4
    assert sorted(runner.emu.counters()['calls_by_identifier'].values()) == [1, 1, 1, 1]


def test_instance_var_is_answered_from_the_account_list_without_more_calls(runner):
    hosts = write(runner.tmp / 'hosts.yml', {'all': {'hosts': {
        'app1': {'ca': 'cas-member-demo-root'}, 'app2': {'ca': 'cas-member-demo-expiring'},
        'app3': {'ca': 'cas-member-demo-root'}, 'app4': {'ca': 'cas-member-nope'}}}})
    source = write(runner.tmp / 'zz.cas.yml', connection(runner, instance_var='ca'))
    result = runner.inventory([hosts, source])
    hostvars = listed(result)['_meta']['hostvars']
    assert hostvars['app2']['alicloud_cas_issuer']['validity_days_left'] in (4, 5)
    assert hostvars['app3']['alicloud_cas_issuer']['usable'] is True and 'alicloud_cas_issuer' not in hostvars['app4']
    assert 'CA instance cas-member-nope not found (host app4): alicloud_cas_issuer left unset' in said(result)
    assert calls(runner) == 1
    # Without the CA hosts, each distinct ID is asked for once.
    runner.emu.reset()
    write(source, connection(runner, instance_var='ca', add_instance_hosts=False, cache_ttl=0))
    listed(runner.inventory([hosts, source]))
    assert sorted(runner.emu.counters()['calls_by_instance'].values()) == [1, 1, 1]


def test_an_unknown_certificate_warns_or_fails_with_strict(runner):
    hosts = write(runner.tmp / 'hosts.yml', {'all': {'hosts': {
        'web1': {'tls_certificate': UNKNOWN_CERTIFICATE_IDENTIFIER}, 'web2': {'tls_certificate': 'not an identifier'},
        'web3': {'tls_certificate': DEMO_CERTIFICATES['server-healthy']}}}})
    source = write(runner.tmp / 'zz.cas.yml', connection(runner, add_instance_hosts=False, certificate_var='tls_certificate'))
    result = runner.inventory([hosts, source])
    hostvars = listed(result)['_meta']['hostvars']
    assert 'alicloud_cas_issuer' in hostvars['web3'] and 'alicloud_cas_issuer' not in hostvars['web1']
    assert ('no CA instance of the account issued certificate %s (host web1): alicloud_cas_issuer left unset'
            % UNKNOWN_CERTIFICATE_IDENTIFIER) in said(result)
    assert "host web2: tls_certificate 'not an identifier' is not a certificate identifier" in said(result)
    write(source, connection(runner, add_instance_hosts=False, certificate_var='tls_certificate', strict=True))
    result = runner.inventory([hosts, source], env={'ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED': 'true'})
    assert result.returncode != 0
    assert str(source) in said(result) and 'is not a certificate identifier' in said(result)
    assert 'Traceback' not in result.stderr + result.stdout


def test_the_inventory_cache_makes_a_second_sync_free(runner):
    hosts = hosts_with_certificates(runner, 20)
    cache_dir = runner.tmp / 'inventory-cache'
    source = write(runner.tmp / 'zz.cas.yml', connection(
        runner, certificate_var='tls_certificate', cache=True, cache_plugin='ansible.builtin.jsonfile',
        cache_connection=str(cache_dir), cache_timeout=300, cache_ttl=0))
    first = listed(runner.inventory([hosts, source]))
    assert calls(runner) == 1 + 4
    second = listed(runner.inventory([hosts, source]))
    assert calls(runner) == 1 + 4  # no call at all within cache_timeout
    assert second['_meta']['hostvars']['web0000']['alicloud_cas_issuer'] == first['_meta']['hostvars']['web0000']['alicloud_cas_issuer']
    assert sorted(second['alicloud_cas_instances']['hosts']) == sorted(DEMO_INSTANCE_IDS)
    # A host with a certificate the cache does not hold costs one call, for that certificate only.
    write(hosts, yaml.safe_load(hosts.read_text()) | {'all': {'children': {'web': {'hosts': dict(
        yaml.safe_load(hosts.read_text())['all']['children']['web']['hosts'],
        new1={'tls_certificate': DEMO_CERTIFICATES['client-healthy']})}}}})
    third = listed(runner.inventory([hosts, source]))
    assert calls(runner) == 1 + 4 + 1 and third['_meta']['hostvars']['new1']['alicloud_cas_issuer']['usable']
    # --flush-cache (here of ansible-playbook: ansible-inventory has it only from 2.17) asks everything again.
    play = write(runner.tmp / 'nothing.yml', '- hosts: localhost\n  gather_facts: false\n  tasks: []\n')
    assert_ok(runner.playbook(str(play), inventory=str(hosts), args=['-i', str(source), '--flush-cache']))
    assert calls(runner) == 1 + 4 + 1 + 1 + 5
    cached = ''.join(p.read_text() for p in cache_dir.iterdir())
    assert DEMO_ACCESS_KEY_SECRET not in cached and 'cas-member-demo-root' in cached


def test_a_play_over_the_ca_hosts_runs_on_the_controller(runner):
    source = write(runner.tmp / 'ca.cas.yml', connection(runner, instance_ids=['cas-member-demo-root', 'cas-member-demo-expiring']))
    play = write(runner.tmp / 'over_cas.yml', '''
- hosts: alicloud_cas_instances
  gather_facts: false
  tasks:
    - ansible.builtin.ping:
    - ansible.builtin.assert:
        that:
          - alicloud_cas_instance.instance_id == inventory_hostname
          - inventory_hostname != 'cas-member-demo-root' or alicloud_cas_instance is seed.alicloud_cas.ca_usable
          - inventory_hostname != 'cas-member-demo-expiring' or alicloud_cas_instance is seed.alicloud_cas.ca_expiring(30)
''')
    result = runner.playbook(str(play), inventory=str(source))
    assert_ok(result)
    assert 'ok=2' in result.stdout and result.stdout.count('ok=2') == 2
    assert runner.emu.counters()['calls_by_instance'] == {'cas-member-demo-root': 1, 'cas-member-demo-expiring': 1}


def test_errors_are_one_sentence_naming_the_file(runner):
    cases = [
        ({'plugin': 'seed.alicloud_cas.ca_instances', 'certificat_var': 'x'},
         "does not know the option 'certificat_var' (did you mean 'certificate_var'?)"),
        (connection(runner, timeout='soon'), "'soon'"),
        (connection(runner, rate_limit=0.001), 'rate_limit must be a number between 0.1 and 1000.0'),
        (connection(runner, instance_ids=['cas-member-nope']), 'CA instance not found: cas-member-nope'),
        (connection(runner, endpoint='http://127.0.0.1:9', retries=0), 'Could not connect to 127.0.0.1:9'),
        (connection(runner, access_key_secret='wrong-secret-of-the-right-length'), 'SignatureDoesNotMatch'),
        ({'plugin': 'seed.alicloud_cas.ca_instances', 'endpoint': runner.emu.url}, 'No Alibaba Cloud credentials found'),
    ]
    for index, (config, fragment) in enumerate(cases):
        source = write(runner.tmp / ('bad%d.cas.yml' % index), config)
        result = runner.inventory([source], env={'ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED': 'true',
                                                 'ALIBABA_CLOUD_ECS_METADATA_DISABLED': 'true'})
        assert result.returncode != 0, fragment
        assert fragment in said(result) and str(source) in said(result), (fragment, result.stderr[-3000:])
        assert 'Traceback' not in result.stderr


def test_no_secret_at_vvvv_with_wrong_credentials(runner):
    secret = 'WrongSecret-ButLongEnough-12345'
    source = write(runner.tmp / 'ca.cas.yml', connection(runner, access_key_secret=secret))
    result = runner.inventory([source], args=('--list', '-vvvv'))
    assert 'SignatureDoesNotMatch' in said(result)
    assert secret not in result.stdout + result.stderr
    written = [os.path.join(d, f) for d, _s, files in os.walk(str(runner.tmp)) for f in files if not f.endswith('.cas.yml')]
    assert all(secret not in open(p, errors='replace').read() for p in written)


def test_a_damaged_inventory_cache_costs_a_fresh_sync_not_a_traceback(runner):
    cache_dir = runner.tmp / 'inventory-cache'
    source = write(runner.tmp / 'ca.cas.yml', connection(
        runner, cache=True, cache_plugin='ansible.builtin.jsonfile', cache_connection=str(cache_dir), cache_timeout=300,
        cache_ttl=0))
    listed(runner.inventory([source]))
    assert calls(runner) == 1
    entries = list(cache_dir.iterdir())
    good = json.loads(entries[0].read_text())
    wrapped = '__payload__' in good  # 2.19 and later wrap the value in __payload__
    answers = json.loads(good['__payload__']) if wrapped else good
    root = next(f for f in answers['instances'] if f['instance_id'] == 'cas-member-demo-root')
    other = next(f for f in answers['instances'] if f['instance_id'] != 'cas-member-demo-root')
    shapes = [
        [{'status': 'USED'}],  # an instance without its ID
        [None],  # null where an instance belongs
        0, '', {}, 'cas-member-demo-root',  # not a list (falsy or not)
        [root, 5],
        [root, dict(root, after_time='tomorrow')],  # a field of the wrong kind
        [root, dict(root, before_time=float('nan'))],  # Python's json reads NaN
        [root, dict(root)],  # one instance twice
    ]
    damaged = [dict(answers, instances=shape) for shape in shapes] + [
        dict(answers, by_id={'cas-member-demo-root': other}),  # another instance's facts under an ID
        dict(answers, by_id=[]), dict(answers, issuers={'x': 'y'}), dict(answers, format=None), [answers],
        '{not JSON',  # a file the cache plugin cannot read at all
    ]
    for number, value in enumerate(damaged, start=2):
        for entry in entries:
            entry.write_text(value if isinstance(value, str) else
                             json.dumps({'__payload__': json.dumps(value)} if wrapped else value))
        result = runner.inventory([source])
        inventory = listed(result)
        assert calls(runner) == number, value
        assert sorted(inventory['alicloud_cas_instances']['hosts']) == sorted(DEMO_INSTANCE_IDS), value
        assert 'Traceback' not in result.stderr and 'damaged' in said(result), value
    result = runner.inventory([source])  # the fresh sync was stored again: the next one is served by the cache
    assert calls(runner) == number and 'damaged' not in said(result)
    assert sorted(listed(result)['alicloud_cas_instances']['hosts']) == sorted(DEMO_INSTANCE_IDS)


def test_graph_shows_both_jobs_groups(runner):
    hosts = hosts_with_certificates(runner, 8)
    source = write(runner.tmp / 'zz-ca.cas.yml', connection(
        runner, certificate_var='tls_certificate', keyed_groups=[{'key': 'status', 'prefix': 'ca_status'}],
        groups={'ca_unhealthy': 'alicloud_cas_issuer is defined and not alicloud_cas_issuer.usable'}))
    result = runner.inventory([hosts, source], args=('--graph',))
    assert result.returncode == 0, result.stderr[-4000:]
    graph = result.stdout
    # The CA hosts under their own group and their keyed group; the machines under the group of their CA's health.
    assert '@alicloud_cas_instances:' in graph and '|--cas-member-demo-root' in graph
    assert '@ca_status_REVOKE:' in graph and '|--cas-member-demo-revoked' in graph
    unhealthy = graph.split('@ca_unhealthy:')[1].split('@')[0]
    assert sorted(line.strip(' |-') for line in unhealthy.splitlines() if line.strip()) == ['web0003', 'web0007']
    # The account's list once, then one call per distinct certificate.
    assert calls(runner) == 1 + 4
