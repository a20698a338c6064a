# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The cross-process result cache and rate limiter (mechanisms, not timings)."""

import json
import multiprocessing
import os
import signal
import stat
import time

import pytest

from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_cache import (
    ResultCache, _FileLock, ensure_private_dir, shared_cache_and_limiter)
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
