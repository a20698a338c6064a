# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Many hosts, one API call per CA: the shared cache, single flight and rate limiter through Ansible.

Counts only, never timings (those live in benchmarks/).
"""

import pytest

from conftest import assert_ok
from emulator.testing import DEMO_CERTIFICATES, DEMO_CERTIFICATE_ISSUERS

USABLE = ['cas-member-demo-root', 'cas-member-demo-sub-nearly-full', 'cas-member-demo-expiring']


def inventory(runner, hosts, certificates=()):
    """An inventory of local hosts; with ``certificates``, host i holds certificate i modulo their number."""
    path = runner.tmp / 'hosts.ini'
    lines = []
    for i in range(hosts):
        line = 'host%03d ansible_connection=local' % i
        if certificates:
            name = certificates[i % len(certificates)]
            line += ' tls_certificate=%s expected_issuer=%s' % (DEMO_CERTIFICATES[name], DEMO_CERTIFICATE_ISSUERS[name])
        lines.append(line + '\n')
    path.write_text('[all]\n' + ''.join(lines))
    return str(path)


def test_one_call_per_ca_across_hosts_lookups_and_modules(runner):
    # A TTL far longer than the play: the count must not depend on how loaded the machine is.
    result = runner.playbook('many_hosts.yml', extra_vars={'emu_instances': USABLE, 'emu_cache_ttl': 600},
                             inventory=inventory(runner, 40), args=['--forks', '10'])
    assert_ok(result)
    counters = runner.emu.counters()
    assert counters['calls_by_instance'] == dict((i, 1) for i in USABLE)
    assert counters['throttled'] == 0


@pytest.mark.parametrize('hosts', [24])
def test_without_cache_every_host_calls_but_the_limiter_avoids_throttling(runner, hosts):
    result = runner.playbook('many_hosts.yml', extra_vars={'emu_instances': USABLE[:1], 'emu_cache_ttl': 0},
                             inventory=inventory(runner, hosts), args=['--forks', '12'])
    assert_ok(result)
    counters = runner.emu.counters()
    assert counters['calls_by_instance'] == {USABLE[0]: 2 * hosts}  # lookup + module per host
    assert counters['throttled'] == 0
    assert counters['max_in_one_second'] <= 10


def test_hosts_sharing_certificates_make_one_call_per_certificate(runner):
    # 40 hosts, 4 distinct certificates from 3 CAs: 4 calls, whichever host asks first for each.
    shared = ['server-healthy', 'client-healthy', 'server-nearly-full', 'client-expiring']
    result = runner.playbook('many_certificates.yml', extra_vars={'emu_cache_ttl': 600},
                             inventory=inventory(runner, 40, shared), args=['--forks', '10'])
    assert_ok(result)
    counters = runner.emu.counters()
    assert counters['calls_by_identifier'] == dict((DEMO_CERTIFICATES[name], 1) for name in shared)
    assert counters['calls_by_action'] == {'GetCAInstanceStatus': 4}
    assert counters['throttled'] == 0
