# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The cross-process result cache and rate limiter (mechanisms, not timings)."""

import errno
import json
import multiprocessing
import os
import signal
import stat
import time

import pytest

from ansible_collections.seed.alicloud_cas.plugins.module_utils import cas_cache, cas_rate_limit
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_cache import (
    ResultCache, _FileLock, ensure_private_dir, shared_cache_and_limiter)
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_errors import CasResponseError
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_rate_limit import RateLimiter
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
    assert cache.single_flight(key, produce, wait=30)['RequestId'] == 'R'


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
    assert cache.single_flight('k', produce, wait=1) == {'n': 1}
    now[0] += 29.9
    assert cache.single_flight('k', produce, wait=1) == {'n': 1}
    now[0] += 0.1
    assert cache.single_flight('k', produce, wait=1) == {'n': 2}
    assert cache.hits == 1 and cache.misses == 2


def test_torn_or_foreign_entries_are_ignored(tmp_path):
    cache = ResultCache(str(tmp_path), ttl=30)
    (tmp_path / 'k.json').write_text('{"stored_at": ')
    assert cache.get('k') is None
    os.symlink('/etc/passwd', str(tmp_path / 'l.json'))
    assert cache.get('l') is None


def _hold_lock_and_die(path, ready):
    lock = _FileLock(path)
    lock.acquire(5)
    ready.set()
    time.sleep(60)


def test_crashed_holder_does_not_block(tmp_path):
    path = str(tmp_path / 'k.lock')
    ready = FORK.Event()
    holder = FORK.Process(target=_hold_lock_and_die, args=(path, ready))
    holder.start()
    assert ready.wait(10)
    assert _FileLock(path).acquire(0.2) is False  # held while the holder lives
    os.kill(holder.pid, signal.SIGKILL)
    holder.join(10)
    lock = _FileLock(path)
    assert lock.acquire(5) is True
    lock.release()


def _limited_sender(directory, rate, n, out):
    limiter = RateLimiter(directory, 'AKID', rate)
    for _i in range(n):
        token = limiter.acquire()
        out.put(time.time())
        limiter.release(token)


def test_limiter_never_exceeds_rate_in_any_one_second_window(tmp_path):
    out = FORK.Queue()
    procs = [FORK.Process(target=_limited_sender, args=(str(tmp_path), 5, 4, out)) for _i in range(4)]
    for p in procs:
        p.start()
    stamps = sorted(out.get(timeout=30) for _i in range(16))
    for p in procs:
        p.join(10)
    for i, start in enumerate(stamps):
        in_window = [t for t in stamps[i:] if t < start + 1.0]
        assert len(in_window) <= 5, (i, in_window)


class FakeTime:
    def __init__(self):
        self.now = 100.0
        self.slept = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


def test_limiter_window_math_with_fake_clock(tmp_path):
    t = FakeTime()
    limiter = RateLimiter(str(tmp_path), 'AKID', 3, margin=0.1, clock=t.clock, sleep=t.sleep)
    for _i in range(3):
        limiter.release(limiter.acquire())
    assert t.slept == []
    limiter.acquire()  # the 4th must wait until the 1st leaves the 1.1 s window
    assert abs(sum(t.slept) - 1.1) < 1e-6
    slow = RateLimiter(str(tmp_path / 'x'), 'K', 0.5)
    assert (slow.window, slow.count) == (2.0, 1)


def test_in_flight_calls_count_until_they_are_answered(tmp_path):
    t = FakeTime()
    limiter = RateLimiter(str(tmp_path), 'AKID', 1, margin=0.0, max_flight=10, clock=t.clock, sleep=t.sleep)
    first = limiter.acquire()
    t.now += 3.0  # the first call is still in flight 3 s later (a slow, loaded worker)
    limiter.release(first)  # answered now: it may have reached the service just now
    limiter.acquire()
    assert abs(sum(t.slept) - 1.0) < 1e-6  # waits a full window after the slow call's completion


def test_crashed_worker_slot_expires(tmp_path):
    t = FakeTime()
    limiter = RateLimiter(str(tmp_path), 'AKID', 1, margin=0.0, max_flight=5, clock=t.clock, sleep=t.sleep)
    limiter.acquire()  # never released: the worker died
    limiter.acquire()
    assert 5.0 <= sum(t.slept) <= 6.0 + 1e-6


def test_private_directory_and_files(tmp_path):
    directory = str(tmp_path / 'cache')
    assert ensure_private_dir(directory) is None
    assert stat.S_IMODE(os.stat(directory).st_mode) == 0o700
    os.chmod(directory, 0o755)
    assert ensure_private_dir(directory) is None
    assert stat.S_IMODE(os.stat(directory).st_mode) == 0o700
    cache = ResultCache(directory, 30)
    cache.put('k', {'a': 1})
    assert stat.S_IMODE(os.stat(os.path.join(directory, 'k.json')).st_mode) == 0o600
    (tmp_path / 'file').write_text('x')
    assert 'not a directory' in ensure_private_dir(str(tmp_path / 'file'))


def test_shared_cache_respects_ttl_zero_and_env_dir(tmp_path):
    env = {'ALICLOUD_CAS_CACHE_DIR': str(tmp_path / 'c')}
    cache, limiter, warning = shared_cache_and_limiter(ClientConfig(cache_ttl=0, environ={}), 'AKID', env)
    assert cache is None and limiter is not None and warning is None
    cache, limiter2, warning2 = shared_cache_and_limiter(ClientConfig(environ={}), 'AKID', env)
    assert cache.directory == str(tmp_path / 'c') and cache.ttl == 30


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


@pytest.mark.parametrize('rate, window, count', [(10, 1.0, 10), (2.5, 1.0, 2), (0.25, 4.0, 1)])
def test_rate_shapes(tmp_path, rate, window, count):
    limiter = RateLimiter(str(tmp_path), 'K', rate)
    assert (limiter.window, limiter.count) == (window, count)


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
    return cache.single_flight(key, produce, wait=1, use=use), calls


@pytest.mark.parametrize('content', [
    '{"stored_at": NaN, "value": {"RequestId": "stale"}}',        # NaN never expires: every comparison is false
    '{"stored_at": Infinity, "value": {"RequestId": "stale"}}',
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
    monkeypatch.setattr(cas_cache, 'MAX_FILE_BYTES', 100)
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
    limiter_warnings = []
    limiter = RateLimiter(str(tmp_path), 'AKID', 10, warn=limiter_warnings.append)
    assert limiter.acquire() is None and 'The rate limiter did not pace this call' in limiter_warnings[0]
    limiter.release(None)


@pytest.mark.parametrize('stored', [
    [['a', 'FUTURE', False]],                                     # in flight "for hours"
    [['a', 'FUTURE', True], ['b', 'FUTURE', False]],
    [['a', 'NAN', False], ['b', 'FUTURE', False]],
    [['a', 'FUTURE', False], ['d', 'soon', True], ['e'], 'f', ['g', 'INF', True]],
])
def test_limiter_entries_from_the_future_or_nan_delay_nobody_beyond_a_window(tmp_path, stored):
    t = FakeTime()
    limiter = RateLimiter(str(tmp_path), 'AKID', 1, margin=0.0, max_flight=3, clock=t.clock, sleep=t.sleep)
    text = json.dumps(stored).replace('"FUTURE"', str(t.now + 7200)).replace('"NAN"', 'NaN').replace('"INF"', '1e999')
    with open(limiter.path, 'w') as handle:
        handle.write(text)
    limiter.release(limiter.acquire())
    # Entries stamped in the future count from now (one in flight: for max_flight), not for hours.
    assert sum(t.slept) <= 3.0 + 1.0 + 1e-6
    with open(limiter.path) as handle:
        assert all(stamp <= t.now for _t, stamp, _d in json.load(handle))


def test_a_limiter_file_that_is_not_json_or_too_deep_is_started_afresh(tmp_path):
    t = FakeTime()
    limiter = RateLimiter(str(tmp_path), 'AKID', 2, clock=t.clock, sleep=t.sleep)
    for content in ('[' * 100000 + ']' * 100000, '{"not": "a list"}', 'garbage'):
        with open(limiter.path, 'w') as handle:
            handle.write(content)
        limiter.release(limiter.acquire())
    assert t.slept == []


@pytest.mark.parametrize('damage', ['symlink', 'directory'])
def test_a_limiter_path_that_cannot_be_used_steps_aside_with_a_warning(tmp_path, damage):
    warnings = []
    limiter = RateLimiter(str(tmp_path), 'AKID', 10, warn=warnings.append)
    if damage == 'symlink':
        os.symlink(str(tmp_path / 'elsewhere'), limiter.path + '.lock')
    else:
        os.mkdir(limiter.path)
    token = limiter.acquire()
    limiter.release(token)
    assert token is None and len(warnings) >= 1 and 'The rate limiter did not pace this call' in warnings[0]


def test_a_stuck_limiter_lock_holder_delays_a_call_by_the_lock_wait_only(tmp_path, monkeypatch):
    monkeypatch.setattr(cas_rate_limit, 'LOCK_WAIT', 0.2)
    warnings = []
    limiter = RateLimiter(str(tmp_path), 'AKID', 10, warn=warnings.append)
    holder = _FileLock(limiter.path + '.lock')
    assert holder.acquire(1)
    try:
        assert limiter.acquire() is None
    finally:
        holder.release()
    assert 'another process has held' in warnings[0]
