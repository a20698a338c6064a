# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmarks: API calls, throttled calls and wall time, side by side (make bench).

Scenarios, all against the emulator at its default 10 requests per second:

1. Plays over many hosts (forks 20): a no-API baseline; this collection's lookup with its shared
   cache; the same with the cache off (the naive one-call-per-host plugin); a naive lookup on the
   official SDK.
2. Client cost per call: this collection's client against the official SDK client, same emulator,
   same run, cache and rate limit off (the emulator's limit raised).
3. Module cold start: this collection's module against ansible.builtin.ping, per host.

Prints tables; `--quick` runs smaller plays. Nothing here is a pass/fail test.
"""

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, 'build'))

from emulator.testing import start_emulator, DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, DEMO_ROLE_ARN  # noqa: E402

BIN = os.path.dirname(sys.executable)
CAS = ['cas-member-demo-root', 'cas-member-demo-sub-nearly-full', 'cas-member-demo-expiring',
       'cas-member-demo-sub-ended', 'cas-member-demo-buy', 'cas-member-demo-refund', 'cas-member-demo-revoked']


def many_cas_fixtures(count):
    """Fixtures with ``count`` usable instances, for the many-CA scenario."""
    instances = [{'InstanceId': 'cas-member-bench-%03d' % i, 'Status': 'USED', 'Type': 'SUB_ROOT',
                  'CertTotalCount': 100, 'CertIssuedCount': i, 'BeforeTime': '-10d', 'AfterTime': '+300d',
                  'UseExpireTime': '+300d', 'Identifier': '%032x' % i} for i in range(count)]
    return {'access_keys': [{'id': DEMO_ACCESS_KEY_ID, 'secret': DEMO_ACCESS_KEY_SECRET}], 'instances': instances,
            'roles': [{'arn': DEMO_ROLE_ARN, 'max_session_duration': 3600,
                       'trusted_accounts': [DEMO_ROLE_ARN.split(':')[3]]}]}


PROBE_LOOKUP = """
from __future__ import annotations
DOCUMENTATION = r'''
name: %(name)s
short_description: benchmark probe, calls no API
description: [The cost of loading a collection lookup in a worker, without calling anything.]
author: [seed.alicloud_cas contributors (@seed)]
options:
  _terms: {description: CA instance IDs., required: true, type: list, elements: str}
extends_documentation_fragment: [seed.alicloud_cas.connection, seed.alicloud_cas.connection.plugins]
'''
from ansible.plugins.lookup import LookupBase
%(imports)s

class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        return [{'instance_id': t} for t in terms]
"""


def write_probe_collection(workdir):
    """A throwaway collection with two no-API lookups that carry this collection's option docs.

    ``docs_only`` pays what Ansible spends in each worker on a collection lookup's documentation
    (YAML, fragments); ``docs_and_code`` also imports the client modules a cache hit uses (compiled
    from source in every worker: the collection loader keeps no bytecode). Together they split the
    per-host cost of the real lookup into Ansible's share and the collection's own.
    """
    root = os.path.join(workdir, 'probe')
    plugins = os.path.join(root, 'ansible_collections', 'benchprobe', 'noapi', 'plugins', 'lookup')
    os.makedirs(plugins)
    imports = ('from ansible_collections.seed.alicloud_cas.plugins.plugin_utils.cas_lookup import CasLookupBase  # noqa\n'
               'from ansible_collections.seed.alicloud_cas.plugins.module_utils import cas_cache, cas_client  # noqa\n')
    for name, code in (('docs_only', ''), ('docs_and_code', imports)):
        with open(os.path.join(plugins, name + '.py'), 'w') as handle:
            handle.write(PROBE_LOOKUP % {'name': name, 'imports': code})
    return root


def run_play(emu, workdir, hosts, cas, lookup, cache_ttl, forks=20, playbook='scale.yml', role_arn=''):
    inventory = os.path.join(workdir, 'hosts-%d.ini' % hosts)
    with open(inventory, 'w') as handle:
        handle.write('[all]\n' + ''.join('h%04d ansible_connection=local\n' % i for i in range(hosts)))
    cache_dir = tempfile.mkdtemp(dir=workdir, prefix='cache-')
    evars = {'bench_endpoint': emu.url, 'bench_sdk_endpoint': emu.host_port, 'bench_key_id': DEMO_ACCESS_KEY_ID,
             'bench_key_secret': DEMO_ACCESS_KEY_SECRET, 'bench_cas': cas, 'bench_lookup': lookup,
             'bench_cache_ttl': cache_ttl, 'bench_role_arn': role_arn}
    vars_file = os.path.join(workdir, 'vars.json')
    with open(vars_file, 'w') as handle:
        json.dump(evars, handle)
    # PYTHONDONTWRITEBYTECODE (set on some CI images) would make every worker compile the collection from source;
    # a normal installation keeps bytecode, so the benchmark does too.
    env = dict((k, v) for k, v in os.environ.items()
               if not k.startswith(('ANSIBLE_', 'ALIBABA_CLOUD_', 'ALICLOUD_')) and k != 'PYTHONDONTWRITEBYTECODE')
    probe = os.path.join(workdir, 'probe')
    env.update({'ANSIBLE_COLLECTIONS_PATH': os.pathsep.join([os.path.join(ROOT, 'build'), probe]),
                'ALICLOUD_CAS_CACHE_DIR': cache_dir, 'ALIBABA_CLOUD_STS_ENDPOINT': emu.url,
                'ANSIBLE_PYTHON_INTERPRETER': sys.executable, 'ANSIBLE_HOST_KEY_CHECKING': 'false',
                'ANSIBLE_LOCAL_TEMP': os.path.join(workdir, 'tmp'), 'ANSIBLE_RETRY_FILES_ENABLED': 'false',
                'ANSIBLE_STDOUT_CALLBACK': 'ansible.builtin.minimal', 'HOME': workdir})
    emu.reset()
    start = time.monotonic()
    proc = subprocess.run([os.path.join(BIN, 'ansible-playbook'), '-i', inventory, '--forks', str(forks),
                           os.path.join(HERE, playbook), '-e', '@' + vars_file],
                          env=env, cwd=HERE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
    wall = time.monotonic() - start
    counters = emu.counters()
    failed_hosts = sum(1 for line in proc.stdout.splitlines() if ' | FAILED' in line)
    return {'wall': wall, 'calls': sum(counters['calls_by_action'].values()), 'throttled': counters['throttled'],
            'sts_calls': counters['calls_by_action'].get('AssumeRole', 0),
            'failed_hosts': failed_hosts, 'rc': proc.returncode}


def table(title, header, rows):
    print('\n%s\n' % title)
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]

    def line(cells):
        return '| ' + ' | '.join(str(c).ljust(w) for c, w in zip(cells, widths)) + ' |'
    print(line(header))
    print('|' + '|'.join('-' * (w + 2) for w in widths) + '|')
    for row in rows:
        print(line(row))


def scale_scenarios(quick, workdir, variant_filter=None):
    scenarios = [(200 if quick else 1000, 1), (30 if quick else 100, 30)]
    rows = []
    for hosts, ncas in scenarios:
        fixtures = many_cas_fixtures(ncas) if ncas > len(CAS) else None
        cas = ['cas-member-bench-%03d' % i for i in range(ncas)] if fixtures else CAS[:ncas]
        with start_emulator(fixtures=fixtures, qps=10) as emu:
            variants = [('no-API lookup (baseline)', 'none', 30, ''),
                        ('probe: collection lookup, docs only', 'benchprobe.noapi.docs_only', 30, ''),
                        ('probe: collection lookup, docs + client code', 'benchprobe.noapi.docs_and_code', 30, ''),
                        ('seed.alicloud_cas, cache on (default)', 'seed.alicloud_cas.ca_instance_status', 30, ''),
                        ('seed.alicloud_cas, RAM role, cache on', 'seed.alicloud_cas.ca_instance_status', 30,
                         DEMO_ROLE_ARN),
                        ('seed.alicloud_cas, cache off (naive)', 'seed.alicloud_cas.ca_instance_status', 0, ''),
                        ('official SDK, naive lookup', 'sdk_ca_instance_status', 0, '')]
            base = None
            for label, lookup, ttl, role in variants:
                if variant_filter and lookup != 'none' and not any(f in label for f in variant_filter):
                    continue
                r = run_play(emu, workdir, hosts, cas, lookup, ttl, role_arn=role)
                base = r['wall'] if base is None else base
                target = '%.1f' % (base + ncas / 10.0 + 2) if lookup.startswith(('seed', 'sdk')) else ''
                rows.append(('%d x %d' % (hosts, ncas), label, r['calls'], r['sts_calls'], r['throttled'],
                             r['failed_hosts'], '%.1f' % r['wall'], target))
                print('  done: %d hosts x %d CAs, %s: %.1f s' % (hosts, ncas, label, r['wall']), file=sys.stderr)
    table('Plays (forks 20, emulator limit 10 requests/s)',
          ('hosts x CAs', 'variant', 'API calls', 'of which STS', 'throttled', 'hosts failed', 'wall s', 'target s'),
          rows)


def client_cost(calls):
    from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_client import CasClient
    from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_options import ClientConfig
    from alibabacloud_cas20200630.client import Client
    from alibabacloud_cas20200630 import models
    from alibabacloud_tea_openapi.models import Config
    rows = []
    with start_emulator(qps=100000) as emu:
        ours = CasClient(ClientConfig(endpoint=emu.url, access_key_id=DEMO_ACCESS_KEY_ID,
                                      access_key_secret=DEMO_ACCESS_KEY_SECRET, environ={}))
        sdk = Client(Config(access_key_id=DEMO_ACCESS_KEY_ID, access_key_secret=DEMO_ACCESS_KEY_SECRET,
                            endpoint=emu.host_port, protocol='http'))
        request = models.GetCAInstanceStatusRequest(instance_id='cas-member-demo-root')
        for label, call in (('seed.alicloud_cas client', lambda: ours.get_ca_instance_status('cas-member-demo-root')),
                            ('official SDK (alibabacloud-cas20200630)', lambda: sdk.get_cainstance_status(request))):
            call()  # warm up: connection and imports
            emu.reset()
            wall0, cpu0 = time.perf_counter(), time.process_time()
            for _call in range(calls):
                call()
            wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
            rows.append((label, calls, emu.counters()['calls_by_action'].get('GetCAInstanceStatus'),
                         '%.2f' % (1000 * wall / calls), '%.2f' % (1000 * cpu / calls)))
    table('Client cost per call (same emulator, sequential, keep-alive)',
          ('client', 'calls', 'API calls seen', 'wall ms/call', 'CPU ms/call'), rows)


def cold_start(workdir, hosts):
    rows = []
    with start_emulator(qps=10) as emu:
        for label, playbook in (('ansible.builtin.ping', 'ping.yml'), ('seed.alicloud_cas.ca_instance_status_info', 'module.yml')):
            r = run_play(emu, workdir, hosts, CAS[:1], 'x', 30, playbook=playbook)
            rows.append((label, hosts, r['calls'], '%.1f' % r['wall'], '%.0f' % (1000 * r['wall'] / hosts)))
    table('Module cold start (one task per host, forks 20, cache on)',
          ('module', 'hosts', 'API calls', 'wall s', 'ms/host'), rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--quick', action='store_true', help='smaller plays (about 2 minutes)')
    parser.add_argument('--only', choices=('scale', 'client', 'cold'), help='run one scenario')
    parser.add_argument('--variant', action='append', help='only play variants whose label contains this (repeatable)')
    args = parser.parse_args()
    print('machine: %s, %d cores, Python %s, %s' % (platform.platform(), os.cpu_count(), platform.python_version(),
                                                    subprocess.run([os.path.join(BIN, 'ansible'), '--version'],
                                                                   stdout=subprocess.PIPE, text=True, check=True).stdout.splitlines()[0]))
    print('command: %s %s' % (os.path.relpath(sys.argv[0], ROOT), ' '.join(sys.argv[1:])))
    workdir = tempfile.mkdtemp(prefix='cas-bench-')
    write_probe_collection(workdir)
    try:
        if args.only in (None, 'client'):
            client_cost(200)
        if args.only in (None, 'cold'):
            cold_start(workdir, 40 if args.quick else 100)
        if args.only in (None, 'scale'):
            scale_scenarios(args.quick, workdir, args.variant)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == '__main__':
    main()
