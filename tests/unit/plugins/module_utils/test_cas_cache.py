# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The result cache shared by the workers (mechanisms, not timings); its files are untrusted."""

import errno
import json
import multiprocessing
import os
import time

import pytest

from ansible_collections.seed.alicloud_cas.plugins.module_utils import cas_files
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_cache import ResultCache
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_client import build_client
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_errors import CasResponseError
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_options import ClientConfig

FORK = multiprocessing.get_context('fork')


def _worker(directory, counter, key, barrier):
    cache = ResultCache(directory, ttl=60)
    barrier.wait()

    def produce():
        with counter.get_lock():
            counter.value += 1
        time.sleep(0.3)  # a slow API call: everybody else arrives meanwhile
        return {'RequestId': 'R', 'InstanceStatusList': []}
    assert cache.single_flight(key, produce, wait=lambda: 30)['RequestId'] == 'R'


def test_concurrent_workers_on_one_key_make_one_call(tmp_path):
    counter = FORK.Value('i', 0)
    barrier = FORK.Barrier(12)
    key = ResultCache.key('https://cas.aliyuncs.com', 'AKID', 'GetCAInstanceStatus', {'InstanceId': 'x'})
    procs = [FORK.Process(target=_worker, args=(str(tmp_path), counter, key, barrier)) for _i in range(12)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(30)
    assert [p.exitcode for p in procs] == [0] * 12
    assert counter.value == 1


def test_expired_entry_is_refreshed(tmp_path):
    now = [1000.0]
    cache = ResultCache(str(tmp_path), ttl=30, clock=lambda: now[0])
    calls = []

    def produce():
        calls.append(now[0])
        return {'n': len(calls)}
    assert cache.single_flight('k', produce, wait=lambda: 1) == {'n': 1}
    now[0] += 29.9
    assert cache.single_flight('k', produce, wait=lambda: 1) == {'n': 1}
    now[0] += 0.1
    assert cache.single_flight('k', produce, wait=lambda: 1) == {'n': 2}
    assert cache.hits == 1 and cache.misses == 2


def test_torn_or_foreign_entries_are_ignored(tmp_path):
    cache = ResultCache(str(tmp_path), ttl=30)
    (tmp_path / 'k.json').write_text('{"stored_at": ')
    assert cache.get('k') is None
    os.symlink('/etc/passwd', str(tmp_path / 'l.json'))
    assert cache.get('l') is None


def test_build_client_respects_ttl_zero_and_the_env_dir(tmp_path):
    env = {'ALICLOUD_CAS_CACHE_DIR': str(tmp_path / 'c')}
    uncached = build_client(ClientConfig(cache_ttl=0, environ={}, access_key_id='AKID', access_key_secret='s' * 10), env)
    assert uncached.cache is None and uncached.shared_dir == str(tmp_path / 'c') and uncached.warnings == []
    cached = build_client(ClientConfig(environ={}, access_key_id='AKID', access_key_secret='s' * 10), env)
    assert cached.cache.directory == str(tmp_path / 'c') and cached.cache.ttl == 30
    assert cached.limiter.path.startswith(str(tmp_path / 'c'))


def test_entries_are_private_files(tmp_path):
    cache = ResultCache(str(tmp_path), 30)
    cache.put('k', {'a': 1})
    assert os.stat(str(tmp_path / 'k.json')).st_mode & 0o777 == 0o600


def test_key_holds_no_identifier_in_clear():
    key = ResultCache.key('https://cas.aliyuncs.com', 'LTAIsomething', 'GetCAInstanceStatus', {'InstanceId': 'cas-member-x'})
    assert len(key) == 64 and 'LTAI' not in key and 'cas-member' not in key
    assert key != ResultCache.key('https://cas.aliyuncs.com', 'OTHER', 'GetCAInstanceStatus', {'InstanceId': 'cas-member-x'})
    assert key != ResultCache.key('http://127.0.0.1:1', 'LTAIsomething', 'GetCAInstanceStatus', {'InstanceId': 'cas-member-x'})


def test_entries_hold_only_the_body(tmp_path):
    cache = ResultCache(str(tmp_path), 30)
    cache.put('k', {'RequestId': 'R', 'InstanceStatusList': [{'InstanceId': 'x'}]})
    stored = json.loads((tmp_path / 'k.json').read_text())
    assert set(stored) == {'stored_at', 'value'}


def test_wrong_or_rotated_secret_misses_the_cache():
    from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_credentials import Credentials, credential_fingerprint
    right = credential_fingerprint(Credentials('AKID', 'right-secret'))
    wrong = credential_fingerprint(Credentials('AKID', 'wrong-secret'))
    token = credential_fingerprint(Credentials('AKID', 'right-secret', 'tok'))
    assert len({right, wrong, token}) == 3
    assert 'right-secret' not in right
    args = ('https://cas.aliyuncs.com', 'AKID', 'GetCAInstanceStatus', {'InstanceId': 'x'})
    assert ResultCache.key(*args, right) != ResultCache.key(*args, wrong)


# ---- the shared files are untrusted: a damaged one costs at most one fresh call -------------------------------


def _count_calls(cache, key, use=None):
    calls = []

    def produce():
        calls.append(1)
        return {'RequestId': 'fresh', 'InstanceStatusList': []}
    return cache.single_flight(key, produce, wait=lambda: 1, use=use), calls


@pytest.mark.parametrize('content', [
    '{"stored_at": NaN, "value": {"RequestId": "stale"}}',        # NaN never expires: every comparison is false
    '{"stored_at": Infinity, "value": {"RequestId": "stale"}}',
    '{"stored_at": 1%s, "value": {"RequestId": "stale"}}' % ('0' * 400),  # too large for a float: no time at all
    '{"stored_at": -1%s, "value": {"RequestId": "stale"}}' % ('0' * 400),
    '{"stored_at": "1000", "value": {"RequestId": "stale"}}',
    '{"stored_at": true, "value": {"RequestId": "stale"}}',
    '{"stored_at": 1000, "value": ["not", "a", "dict"]}',
    '{"stored_at": 1000}',
    '[' * 100000 + ']' * 100000,                                  # nested too deep for the parser
    '\xff\xfe',
])
def test_damaged_entries_cost_one_fresh_call(tmp_path, content):
    cache = ResultCache(str(tmp_path), ttl=30, clock=lambda: 1000.0)
    (tmp_path / 'k.json').write_text(content, encoding='latin-1')
    value, calls = _count_calls(cache, 'k')
    assert value['RequestId'] == 'fresh' and calls == [1]
    value, calls = _count_calls(cache, 'k')  # and the entry was replaced by a good one
    assert value['RequestId'] == 'fresh' and calls == []


def test_an_entry_the_caller_rejects_counts_as_absent(tmp_path):
    cache = ResultCache(str(tmp_path), ttl=30, clock=lambda: 1000.0)
    cache.put('k', {'shape': 'wrong'})

    def use(value):
        if 'RequestId' not in value:
            raise CasResponseError('wrong shape')
        return value['RequestId']
    assert _count_calls(cache, 'k', use) == ('fresh', [1])
    assert _count_calls(cache, 'k', use) == ('fresh', [])


def test_a_produced_value_the_caller_rejects_is_not_cached(tmp_path):
    cache = ResultCache(str(tmp_path), ttl=30)

    def use(value):
        raise CasResponseError('the service answered badly')
    with pytest.raises(CasResponseError):
        _count_calls(cache, 'k', use)
    assert not (tmp_path / 'k.json').exists()


def test_an_oversized_file_is_not_read(tmp_path, monkeypatch):
    monkeypatch.setattr(cas_files, 'MAX_FILE_BYTES', 100)
    cache = ResultCache(str(tmp_path), ttl=30)
    cache.put('k', {'RequestId': 'x' * 200})
    assert cache.get('k') is None


def _warnings_and_value(cache_dir, key='k'):
    warnings = []
    cache = ResultCache(str(cache_dir), ttl=30, warn=warnings.append)
    value, calls = _count_calls(cache, key)
    return warnings, value, calls


@pytest.mark.parametrize('damage', ['symlink', 'directory', 'fifo'])
def test_a_lock_path_that_cannot_be_used_steps_aside_with_a_warning(tmp_path, damage):
    lock = tmp_path / 'k.lock'
    if damage == 'symlink':
        os.symlink(str(tmp_path / 'elsewhere'), str(lock))
    elif damage == 'directory':
        lock.mkdir()
    else:
        os.mkfifo(str(lock))
    warnings, value, calls = _warnings_and_value(tmp_path)
    assert value['RequestId'] == 'fresh' and calls == [1]
    if damage != 'fifo':  # a FIFO can be opened and flocked: nothing to warn about
        assert len(warnings) == 1 and 'The result cache was not used for this call' in warnings[0]
        assert str(lock) in warnings[0]


def test_an_entry_path_that_is_a_directory_steps_aside_with_a_warning(tmp_path):
    (tmp_path / 'k.json').mkdir()
    warnings, value, calls = _warnings_and_value(tmp_path)
    assert value['RequestId'] == 'fresh' and calls == [1]
    assert len(warnings) == 1 and 'k.json cannot be used' in warnings[0]


def test_a_directory_that_cannot_be_written_steps_aside_with_a_warning(tmp_path, monkeypatch):
    # Root can write anywhere, so a read-only file system (EROFS) is simulated where files are created.
    real_open = os.open

    def read_only(path, flags, *args):
        if flags & os.O_CREAT:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), path)
        return real_open(path, flags, *args)
    monkeypatch.setattr(os, 'open', read_only)
    warnings, value, calls = _warnings_and_value(tmp_path)
    assert value['RequestId'] == 'fresh' and calls == [1]
    assert len(warnings) == 1 and 'Read-only file system' in warnings[0]
