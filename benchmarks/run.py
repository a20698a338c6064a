# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmarks: API calls, throttled calls, wall and CPU time, side by side (make bench).

Everything against the emulator, in one run:

1. Client cost per call: this collection's client without and with its rate limiter, and the official SDK's
   client; same emulator, sequential, keep-alive, cache off, the emulator's limit raised, medians of rounds.
2. One lookup with 1,000 instance IDs (cache off, rate limit raised) against 1,000 official SDK calls.
3. Cached plays: 200 and 1,000 hosts asking the lookup about one CA, against the same play with the builtin
   lookup ansible.builtin.env (no API), with probe lookups that split the per-host cost between Ansible and
   the collection.
4. The inventory plugin: 1,000 hosts sharing 50 certificates, its sync cold and with a warm inventory cache, and a
   per-host gate with the Jinja test over its facts, against the lookup on every host and a no-API play.
5. Plays at the service's limit (10 requests/s): the naive approaches (cache off, official SDK), many CAs, and
   hosts that each ask about the CA behind their own certificate (1,000 distinct certificates, or 50 shared).
6. Module cold start against ansible.builtin.ping.

Prints tables; `--quick` runs smaller plays; `--only` one part. Nothing here is a pass/fail test.
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


def many_cas_fixtures(count, certificates=0):
    """Fixtures with ``count`` usable instances and ``certificates`` server certificates issued by them in turn."""
    instances = [{'InstanceId': 'cas-member-bench-%03d' % i, 'Status': 'USED', 'Type': 'SUB_ROOT',
                  'CertTotalCount': 100, 'CertIssuedCount': i % 100, 'BeforeTime': '-10d', 'AfterTime': '+300d',
                  'UseExpireTime': '+300d', 'Identifier': '%032x' % i} for i in range(count)]
    issued = [{'Identifier': bench_certificate(i), 'InstanceId': 'cas-member-bench-%03d' % (i % count),
               'CertificateType': 'SERVER', 'CommonName': 'h%04d.bench.example' % i} for i in range(certificates)]
    return {'access_keys': [{'id': DEMO_ACCESS_KEY_ID, 'secret': DEMO_ACCESS_KEY_SECRET}], 'instances': instances,
            'certificates': issued,
            'roles': [{'arn': DEMO_ROLE_ARN, 'max_session_duration': 3600,
                       'trusted_accounts': [DEMO_ROLE_ARN.split(':')[3]]}]}


def bench_certificate(index):
    """The identifier of the scenario's certificate number ``index`` (32 hexadecimal digits, like the service's)."""
    return 'ce%030x' % index


PROBE_LOOKUP = """
from __future__ import annotations
DOCUMENTATION = r'''
name: %(name)s
short_description: benchmark probe, calls no API
description: [The cost of loading a collection lookup in a worker, without calling anything.]
author: [seed.alicloud_cas contributors (@seed)]
options:
  _terms: {description: CA instance IDs., required: true, type: list, elements: str}
extends_documentation_fragment: [seed.alicloud_cas.connection, seed.alicloud_cas.connection.plugins,
                                 seed.alicloud_cas.connection.variables]
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
    (YAML, fragments); ``docs_and_code`` also imports the client modules a cache hit uses, through
    cas_bytecode as the real lookup does (Ansible's collection loader alone keeps no bytecode).
    Together they split the per-host cost of the real lookup into Ansible's share and the collection's own.
    """
    root = os.path.join(workdir, 'probe')
    plugins = os.path.join(root, 'ansible_collections', 'benchprobe', 'noapi', 'plugins', 'lookup')
    os.makedirs(plugins)
    imports = ('from ansible_collections.seed.alicloud_cas.plugins.plugin_utils import cas_bytecode\n'
               'cas_bytecode.install()\n'
               'from ansible_collections.seed.alicloud_cas.plugins.plugin_utils.cas_lookup import CasLookupBase  # noqa\n'
               'from ansible_collections.seed.alicloud_cas.plugins.module_utils import cas_cache, cas_client  # noqa\n')
    for name, code in (('docs_only', ''), ('docs_and_code', imports)):
        with open(os.path.join(plugins, name + '.py'), 'w') as handle:
            handle.write(PROBE_LOOKUP % {'name': name, 'imports': code})
    return root


def bench_environment(workdir, cache_dir, emu):
    """The environment of a benchmarked ansible command: isolated, with this collection and the probes."""
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
    return env


def run_play(emu, workdir, hosts, cas, lookup, cache_ttl, forks=20, playbook='scale.yml', role_arn='', certificates=0):
    """Run a benchmark play; with ``certificates``, host i holds certificate i modulo that many (tls_certificate)."""
    inventory = os.path.join(workdir, 'hosts-%d.ini' % hosts)
    with open(inventory, 'w') as handle:
        handle.write('[all]\n' + ''.join('h%04d ansible_connection=local%s\n'
                                         % (i, ' tls_certificate=' + bench_certificate(i % certificates) if certificates else '')
                                         for i in range(hosts)))
    cache_dir = tempfile.mkdtemp(dir=workdir, prefix='cache-')
    by_certificate = bool(certificates) and lookup != 'none'
    terms = ['HOME'] if lookup == 'none' else [] if by_certificate else cas
    evars = {'bench_endpoint': emu.url, 'bench_sdk_endpoint': emu.host_port, 'bench_key_id': DEMO_ACCESS_KEY_ID,
             'bench_key_secret': DEMO_ACCESS_KEY_SECRET, 'bench_cas': cas, 'bench_terms': terms,
             'bench_lookup': 'ansible.builtin.env' if lookup == 'none' else lookup,
             'bench_by_certificate': by_certificate, 'bench_expected': 1 if by_certificate else len(terms),
             'bench_cache_ttl': cache_ttl, 'bench_role_arn': role_arn}
    vars_file = os.path.join(workdir, 'vars.json')
    with open(vars_file, 'w') as handle:
        json.dump(evars, handle)
    env = bench_environment(workdir, cache_dir, emu)
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
    """Plays at the service's limit: hosts asking about D distinct CAs, or each about the CA behind its certificate
    (hosts sharing D distinct certificates)."""
    scenarios = [(200 if quick else 1000, 1, 'CA'), (30 if quick else 100, 30, 'CAs'),
                 (200 if quick else 1000, 200 if quick else 1000, 'certificates'), (200 if quick else 1000, 50, 'certificates')]
    rows = []
    for hosts, distinct, kind in scenarios:
        by_certificate = kind == 'certificates'
        ncas = 10 if by_certificate else distinct
        fixtures = many_cas_fixtures(ncas, distinct if by_certificate else 0) if by_certificate or ncas > len(CAS) else None
        cas = ['cas-member-bench-%03d' % i for i in range(ncas)] if fixtures else CAS[:ncas]
        variants = [('no-API lookup (baseline)', 'none', 30, ''),
                    ('seed.alicloud_cas, cache on (default)', 'seed.alicloud_cas.ca_instance_status', 30, ''),
                    ('seed.alicloud_cas, RAM role, cache on', 'seed.alicloud_cas.ca_instance_status', 30, DEMO_ROLE_ARN),
                    ('seed.alicloud_cas, cache off (naive)', 'seed.alicloud_cas.ca_instance_status', 0, ''),
                    ('official SDK, naive lookup', 'sdk_ca_instance_status', 0, '')]
        if by_certificate:  # the certificate shapes measure sharing, which a role, cache off or the SDK do not change
            variants = variants[:2]
        with start_emulator(fixtures=fixtures, qps=10) as emu:
            base = None
            for label, lookup, ttl, role in variants:
                if variant_filter and lookup != 'none' and not any(f in label for f in variant_filter):
                    continue
                r = run_play(emu, workdir, hosts, cas, lookup, ttl, role_arn=role, certificates=distinct if by_certificate else 0)
                base = r['wall'] if base is None else base
                target = '%.1f' % (base + distinct / 10.0 + 2) if lookup.startswith(('seed', 'sdk')) else ''
                shape = '%d x %d %s' % (hosts, distinct, kind)
                rows.append((shape, label, r['calls'], r['sts_calls'], r['throttled'], r['failed_hosts'],
                             '%.1f' % r['wall'], target))
                print('  done: %s, %s: %.1f s' % (shape, label, r['wall']), file=sys.stderr)
    table('Plays at the service limit (forks 20, emulator limit 10 requests/s)',
          ('hosts x distinct', 'variant', 'API calls', 'of which STS', 'throttled', 'hosts failed', 'wall s', 'target s'),
          rows)


def client_cost(calls, rounds=7):
    import statistics
    from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_client import CasClient
    from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_options import ClientConfig
    from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_rate_limit import RateLimiter
    from alibabacloud_cas20200630.client import Client
    from alibabacloud_cas20200630 import models
    from alibabacloud_tea_openapi.models import Config
    shared = tempfile.mkdtemp(prefix='cas-bench-limiter-')
    with start_emulator(qps=100000) as emu:
        config = ClientConfig(endpoint=emu.url, access_key_id=DEMO_ACCESS_KEY_ID, access_key_secret=DEMO_ACCESS_KEY_SECRET,
                              environ={})
        plain = CasClient(config)
        # The limiter at work, at a rate these sequential calls never reach (a window of 10,000 slots, above what
        # rate_limit accepts): its cost, not its pacing.
        limiter = RateLimiter(shared, plain.identity, 10000)

        class LimitedClient(CasClient):
            def limiter_for(self, identity):
                return limiter

        limited = LimitedClient(config, shared_dir=shared)
        sdk = Client(Config(access_key_id=DEMO_ACCESS_KEY_ID, access_key_secret=DEMO_ACCESS_KEY_SECRET,
                            endpoint=emu.host_port, protocol='http'))
        request = models.GetCAInstanceStatusRequest(instance_id='cas-member-demo-root')
        variants = [('seed.alicloud_cas client, no rate limiter', lambda: plain.get_ca_instance_status('cas-member-demo-root')),
                    ('seed.alicloud_cas client, rate limiter', lambda: limited.get_ca_instance_status('cas-member-demo-root')),
                    ('official SDK (alibabacloud-cas20200630)', lambda: sdk.get_cainstance_status(request))]
        samples = dict((label, []) for label, _call in variants)
        for _label, call in variants:
            call()  # warm up: connection and imports
        emu.reset()
        for _round in range(rounds):  # interleaved, so that a busy moment of the machine hits every variant
            for label, call in variants:
                wall0, cpu0 = time.perf_counter(), time.process_time()
                for _call in range(calls):
                    call()
                samples[label].append((time.perf_counter() - wall0, time.process_time() - cpu0))
        seen = emu.counters()['calls_by_action'].get('GetCAInstanceStatus')
    sdk_wall = statistics.median(w for w, _c in samples[variants[-1][0]]) / calls
    sdk_cpu = statistics.median(c for _w, c in samples[variants[-1][0]]) / calls
    rows = []
    for label, _call in variants:
        wall = statistics.median(w for w, _c in samples[label]) / calls
        cpu = statistics.median(c for _w, c in samples[label]) / calls
        rows.append((label, '%.3f' % (1000 * wall), '%.3f' % (1000 * cpu), '%.2f' % (wall / sdk_wall), '%.2f' % (cpu / sdk_cpu)))
    table('Client cost per call (%d rounds of %d sequential calls, medians; %d calls seen by the emulator)'
          % (rounds, calls, seen), ('client', 'wall ms/call', 'CPU ms/call', 'wall vs SDK', 'CPU vs SDK'), rows)


MANY_IDS = r'''
import json, os, sys, time
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import init_plugin_loader, lookup_loader
from ansible.template import Templar
from alibabacloud_cas20200630.client import Client
from alibabacloud_cas20200630 import models
from alibabacloud_tea_openapi.models import Config
url, host_port, key_id, secret, count = sys.argv[1:6]
ids = ['cas-member-bench-%03d' % i for i in range(int(count))]
init_plugin_loader()
loader = DataLoader()
variables = {'alicloud_cas_endpoint': url, 'alicloud_cas_access_key_id': key_id, 'alicloud_cas_access_key_secret': secret,
             'alicloud_cas_cache_ttl': 0, 'alicloud_cas_rate_limit': 1000}
lookup = lookup_loader.get('seed.alicloud_cas.ca_instance_status', loader=loader, templar=Templar(loader=loader))
lookup.run(ids[:1], variables)  # warm up: imports, connection
time.sleep(1.1)  # the warm-up call leaves the limiter's one-second window: the timed 1000 calls may all fit in it
wall0, cpu0 = time.perf_counter(), time.process_time()
assert len(lookup.run(ids, variables)) == len(ids)
ours = [time.perf_counter() - wall0, time.process_time() - cpu0]
sys.stdout.write('READY\n'); sys.stdout.flush(); sys.stdin.readline()  # the caller counts our calls, then resets
sdk = Client(Config(access_key_id=key_id, access_key_secret=secret, endpoint=host_port, protocol='http'))
sdk.get_cainstance_status(models.GetCAInstanceStatusRequest(instance_id=ids[0]))  # warm up: connection
wall0, cpu0 = time.perf_counter(), time.process_time()
for instance_id in ids:
    sdk.get_cainstance_status(models.GetCAInstanceStatusRequest(instance_id=instance_id))
print(json.dumps({'ours': ours, 'sdk': [time.perf_counter() - wall0, time.process_time() - cpu0]}))
'''


def many_ids_lookup(workdir, count):
    """One lookup call with ``count`` instance IDs against ``count`` sequential official SDK calls (one process)."""
    with start_emulator(fixtures=many_cas_fixtures(count), qps=100000) as emu:
        env = bench_environment(workdir, tempfile.mkdtemp(dir=workdir, prefix='cache-'), emu)
        emu.reset()
        proc = subprocess.Popen([sys.executable, '-c', MANY_IDS, emu.url, emu.host_port, DEMO_ACCESS_KEY_ID,
                                 DEMO_ACCESS_KEY_SECRET, str(count)], env=env, stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, text=True)
        assert proc.stdout.readline().strip() == 'READY'
        ours_calls = emu.counters()['calls_by_action'].get('GetCAInstanceStatus')
        emu.reset()
        out, _err = proc.communicate('go\n', timeout=600)
        sdk_calls = emu.counters()['calls_by_action'].get('GetCAInstanceStatus')
    times = json.loads(out.strip().splitlines()[-1])
    rows = [('seed.alicloud_cas lookup, one call with %d IDs (8 threads, rate_limit 1000)' % count, ours_calls,
             '%.2f' % times['ours'][0], '%.2f' % times['ours'][1], '%.2f' % (times['ours'][0] / times['sdk'][0])),
            ('official SDK, %d sequential calls' % count, sdk_calls, '%.2f' % times['sdk'][0], '%.2f' % times['sdk'][1],
             '1.00')]
    table('%d instance IDs (emulator limit raised, cache off; API calls include one warm-up call each)' % count,
          ('variant', 'API calls', 'wall s', 'CPU s', 'wall vs SDK'), rows)


def cached_plays(quick, workdir):
    rows = []
    with start_emulator(qps=10) as emu:
        for hosts in ((200,) if quick else (200, 1000)):
            base = None
            for label, lookup in (('ansible.builtin.env lookup (baseline, no API)', 'none'),
                                  ('probe: collection lookup, docs only', 'benchprobe.noapi.docs_only'),
                                  ('probe: collection lookup, docs + client code', 'benchprobe.noapi.docs_and_code'),
                                  ('seed.alicloud_cas lookup, cache on (default)', 'seed.alicloud_cas.ca_instance_status')):
                r = run_play(emu, workdir, hosts, CAS[:1], lookup, 30)
                base = r['wall'] if base is None else base
                rows.append((hosts, label, r['calls'], r['failed_hosts'], '%.1f' % r['wall'], '%.2f' % (r['wall'] / base)))
                print('  done: cached play, %d hosts, %s: %.1f s' % (hosts, label, r['wall']), file=sys.stderr)
    table('Cached plays: every host asks about one CA (forks 20)',
          ('hosts', 'variant', 'API calls', 'hosts failed', 'wall s', 'vs baseline'), rows)


GATE_PLAY = """
- name: Gate every host on the CA behind its certificate
  hosts: all
  gather_facts: false
  vars:
    alicloud_cas_endpoint: %(endpoint)s
    alicloud_cas_access_key_id: %(key_id)s
    alicloud_cas_access_key_secret: %(key_secret)s
  tasks:
    - name: Gate
      ansible.builtin.assert:
        that:
          - %(that)s
        quiet: true
"""
# The gate's condition in each variant: one task and no `when` (a skipped task costs a forked worker per host too).
# The inventory plugin's source: none, synced by the play (its cache emptied first), or its cache warm from that run.
GATES = (('play without API (baseline): ansible.builtin.env lookup', "lookup('ansible.builtin.env', 'HOME') | length > 0", None),
         ('play: inventory plugin facts, Jinja test (sync included)', 'alicloud_cas_issuer is seed.alicloud_cas.ca_usable', 'cold'),
         ('play: inventory plugin facts, Jinja test (inventory cache warm)', 'alicloud_cas_issuer is seed.alicloud_cas.ca_usable',
          'warm'),
         ('play: the lookup on every host, Jinja test',
          "lookup('seed.alicloud_cas.ca_instance_status', identifier=tls_certificate) is seed.alicloud_cas.ca_usable", None))


def inventory_scale(quick, workdir):
    """Hosts sharing 50 certificates: the inventory plugin's sync (cold and with its cache warm), and the per-host
    gate with the Jinja test over its facts, against the same gate through the lookup on every host and a no-API play."""
    hosts, distinct = (200 if quick else 1000), 50
    machines = os.path.join(workdir, 'inventory', '10-machines.yml')
    os.makedirs(os.path.dirname(machines))
    with open(machines, 'w') as handle:
        line = '    m%05d: {ansible_connection: local, tls_certificate: %s}\n'
        handle.write('all:\n  hosts:\n' + ''.join(line % (i, bench_certificate(i % distinct)) for i in range(hosts)))
    config = os.path.join(workdir, 'issuers.cas.yml')
    rows = []
    with start_emulator(fixtures=many_cas_fixtures(10, distinct), qps=10) as emu:
        with open(config, 'w') as handle:
            handle.write('plugin: seed.alicloud_cas.ca_instances\nendpoint: %s\naccess_key_id: %s\naccess_key_secret: %s\n'
                         'add_instance_hosts: false\ncertificate_var: tls_certificate\ncache: true\n'
                         'cache_plugin: ansible.builtin.jsonfile\ncache_connection: %s\ncache_timeout: 3600\n'
                         % (emu.url, DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, os.path.join(workdir, 'inv-cache')))

        def timed(cmd):
            env = bench_environment(workdir, tempfile.mkdtemp(dir=workdir, prefix='cache-'), emu)
            emu.reset()
            start = time.monotonic()
            proc = subprocess.run(cmd, env=env, cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                  check=False)
            return proc, time.monotonic() - start, sum(emu.counters()['calls_by_action'].values())

        for label, warm in (('ansible-inventory --list, first sync', False), ('ansible-inventory --list, inventory cache warm', True)):
            if not warm:
                shutil.rmtree(os.path.join(workdir, 'inv-cache'), ignore_errors=True)
            proc, wall, calls = timed([os.path.join(BIN, 'ansible-inventory'), '-i', machines, '-i', config, '--list'])
            listed = json.loads(proc.stdout)['_meta']['hostvars'] if proc.returncode == 0 else {}
            rows.append((label, hosts, sum(1 for v in listed.values() if 'alicloud_cas_issuer' in v), calls, '%.1f' % wall, ''))
        base = None
        for label, that, plugin in GATES:
            play = os.path.join(workdir, 'gate.yml')
            with open(play, 'w') as handle:
                handle.write(GATE_PLAY % {'endpoint': emu.url, 'key_id': DEMO_ACCESS_KEY_ID, 'key_secret': DEMO_ACCESS_KEY_SECRET,
                                          'that': json.dumps(that)})
            if plugin != 'warm':
                shutil.rmtree(os.path.join(workdir, 'inv-cache'), ignore_errors=True)
            sources = ['-i', machines] + (['-i', config] if plugin else [])
            proc, wall, calls = timed([os.path.join(BIN, 'ansible-playbook')] + sources + ['--forks', '20', play])
            base = wall if base is None else base
            passed = hosts - sum(1 for line in proc.stdout.splitlines() if ' | FAILED' in line)
            rows.append((label, hosts, passed, calls, '%.1f' % wall, '%.2f' % (wall / base)))
            print('  done: gate over %d hosts, %s: %.1f s' % (hosts, label, wall), file=sys.stderr)
    table('CA health for %d hosts sharing %d certificates (forks 20)' % (hosts, distinct),
          ('variant', 'hosts', 'hosts with alicloud_cas_issuer / passing the gate', 'API calls', 'wall s', 'vs baseline play'),
          rows)


def cold_start(workdir, hosts):
    rows = []
    with start_emulator(qps=10) as emu:
        for label, playbook in (('ansible.builtin.ping', 'ping.yml'), ('seed.alicloud_cas.ca_instance_status_info', 'module.yml')):
            r = run_play(emu, workdir, hosts, CAS[:1], 'x', 30, playbook=playbook)
            rows.append((label, hosts, r['calls'], '%.1f' % r['wall'], '%.0f' % (1000 * r['wall'] / hosts)))
    table('Module cold start (one task per host, forks 20, cache on)',
          ('module', 'hosts', 'API calls', 'wall s', 'ms/host'), rows)


PARTS = ('client', 'lookup', 'plays', 'inventory', 'scale', 'cold')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--quick', action='store_true', help='smaller plays (a few minutes)')
    parser.add_argument('--only', choices=PARTS, action='append', help='run these parts only (repeatable)')
    parser.add_argument('--variant', action='append', help='only scale variants whose label contains this (repeatable)')
    args = parser.parse_args()
    parts = args.only or PARTS
    print('machine: %s, %d cores, Python %s, %s' % (platform.platform(), os.cpu_count(), platform.python_version(),
                                                    subprocess.run([os.path.join(BIN, 'ansible'), '--version'],
                                                                   stdout=subprocess.PIPE, text=True, check=True).stdout.splitlines()[0]))
    print('command: %s %s' % (os.path.relpath(sys.argv[0], ROOT), ' '.join(sys.argv[1:])))
    workdir = tempfile.mkdtemp(prefix='cas-bench-')
    write_probe_collection(workdir)
    try:
        if 'client' in parts:
            client_cost(200)
        if 'lookup' in parts:
            many_ids_lookup(workdir, 1000)
        if 'plays' in parts:
            cached_plays(args.quick, workdir)
        if 'inventory' in parts:
            inventory_scale(args.quick, workdir)
        if 'scale' in parts:
            scale_scenarios(args.quick, workdir, args.variant)
        if 'cold' in parts:
            cold_start(workdir, 40 if args.quick else 100)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == '__main__':
    main()
