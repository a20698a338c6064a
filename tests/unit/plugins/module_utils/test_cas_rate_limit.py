# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rate limiter shared by processes and threads: its guarantees, proven by counting (never by timing)."""

import math
import multiprocessing
import os
import struct
import threading
import time

import pytest

from ansible_collections.seed.alicloud_cas.plugins.module_utils import cas_rate_limit
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_files import FileLock
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_rate_limit import HEAD, SLOT, RateLimiter

FORK = multiprocessing.get_context('fork')


class FakeTime:
    def __init__(self):
        self.now = 100.0
        self.slept = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


def _limited_sender(directory, rate, n, out):
    limiter = RateLimiter(directory, 'AKID', rate)
    for _i in range(n):
        slot = limiter.acquire()
        out.put(time.time())
        limiter.release(slot)


def _assert_never_more_than(stamps, count, window=1.0):
    stamps = sorted(stamps)
    for i, start in enumerate(stamps):
        in_window = [t for t in stamps[i:] if t < start + window]
        assert len(in_window) <= count, (i, in_window)


def test_never_more_than_the_rate_in_any_window_across_processes(tmp_path):
    out = FORK.Queue()
    procs = [FORK.Process(target=_limited_sender, args=(str(tmp_path), 5, 4, out)) for _i in range(4)]
    for p in procs:
        p.start()
    stamps = [out.get(timeout=30) for _i in range(16)]
    for p in procs:
        p.join(10)
    _assert_never_more_than(stamps, 5)


def test_never_more_than_the_rate_across_threads_of_one_process(tmp_path):
    stamps = []
    guard = threading.Lock()

    def sender():
        limiter = RateLimiter(str(tmp_path), 'AKID', 4)  # one limiter per thread, as clients of one worker have
        for _i in range(3):
            slot = limiter.acquire()
            with guard:
                stamps.append(time.time())
            limiter.release(slot)
    threads = [threading.Thread(target=sender) for _i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(stamps) == 12
    _assert_never_more_than(stamps, 4)


def test_window_math_with_fake_clock(tmp_path):
    t = FakeTime()
    limiter = RateLimiter(str(tmp_path), 'AKID', 3, margin=0.1, clock=t.clock, sleep=t.sleep)
    for _i in range(3):
        limiter.release(limiter.acquire())
    assert t.slept == []
    limiter.acquire()  # the 4th must wait until the 1st leaves the 1.1 s window
    assert abs(sum(t.slept) - 1.1) < 1e-6


@pytest.mark.parametrize('rate, window, count', [(10, 1.0, 10), (2.5, 1.0, 2), (0.25, 4.0, 1), (0.1, 10.0, 1)])
def test_rate_shapes(tmp_path, rate, window, count):
    limiter = RateLimiter(str(tmp_path), 'K', rate)
    assert (limiter.window, limiter.count) == (window, count)


def test_in_flight_calls_count_until_they_are_answered(tmp_path):
    t = FakeTime()
    limiter = RateLimiter(str(tmp_path), 'AKID', 1, margin=0.0, max_flight=10, clock=t.clock, sleep=t.sleep)
    first = limiter.acquire()
    t.now += 3.0  # the first call is still in flight 3 s later (a slow, loaded worker)
    limiter.release(first)  # answered now: it may have reached the service just now
    limiter.acquire()
    assert abs(sum(t.slept) - 1.0) < 1e-6  # waits a full window after the slow call's answer


def test_a_crashed_workers_slot_expires(tmp_path):
    t = FakeTime()
    limiter = RateLimiter(str(tmp_path), 'AKID', 1, margin=0.0, max_flight=5, clock=t.clock, sleep=t.sleep)
    limiter.acquire()  # never released: the worker died
    limiter.acquire()
    assert 5.0 <= sum(t.slept) <= 6.0 + 1e-6


def test_the_file_never_grows(tmp_path):
    limiter = RateLimiter(str(tmp_path), 'AKID', 1000)
    for _i in range(3000):
        limiter.release(limiter.acquire())
    assert os.path.getsize(limiter.path) == HEAD.size + SLOT.size * 1000
    assert sorted(os.listdir(str(tmp_path))) == [os.path.basename(limiter.path)]


def test_one_lock_round_trip_per_call(tmp_path, monkeypatch):
    calls = []
    real_flock = cas_rate_limit.fcntl.flock
    monkeypatch.setattr(cas_rate_limit.fcntl, 'flock', lambda fd, op: (calls.append(op), real_flock(fd, op))[1])
    limiter = RateLimiter(str(tmp_path), 'AKID', 1000)
    for _i in range(10):
        limiter.release(limiter.acquire())
    # acquire: lock and unlock once; release: no lock at all.
    assert len(calls) == 20


def test_a_release_never_touches_a_slot_that_changed_hands(tmp_path):
    t = FakeTime()
    limiter = RateLimiter(str(tmp_path), 'AKID', 1, margin=0.0, max_flight=1, clock=t.clock, sleep=t.sleep)
    stale = limiter.acquire()
    t.now += 10
    current = limiter.acquire()  # the stale holder's slot expired and was taken
    limiter.release(stale)
    with open(limiter.path, 'rb') as handle:
        _started, answered, owner = SLOT.unpack(handle.read()[HEAD.size:])
    assert answered == 0.0 and owner == current[1]


def _write_slots(limiter, slots):
    with open(limiter.path, 'wb') as handle:
        handle.write(HEAD.pack(0) + b''.join(SLOT.pack(*slot) for slot in slots))


@pytest.mark.parametrize('slots', [
    [(3600.0, 0.0, b'a' * 8)],                            # in flight "for an hour", stamped in the future
    [(7200.0, 9000.0, b'a' * 8)],                          # answered in the future
    [(float('nan'), 0.0, b'a' * 8)],
    [(1.0, float('inf'), b'a' * 8)],
])
def test_slots_from_the_future_or_not_finite_delay_nobody_beyond_a_window(tmp_path, slots):
    t = FakeTime()
    limiter = RateLimiter(str(tmp_path), 'AKID', 1, margin=0.0, max_flight=3, clock=t.clock, sleep=t.sleep)
    _write_slots(limiter, [(s + t.now if math.isfinite(s) and s > 1 else s, a + t.now if math.isfinite(a) and a > 1 else a, o)
                           for s, a, o in slots])
    limiter.release(limiter.acquire())
    # A slot stamped in the future counts from now: in flight for max_flight, answered for one window; never hours.
    assert sum(t.slept) <= 3.0 + 1.0 + 1e-6
    with open(limiter.path, 'rb') as handle:
        slots = SLOT.iter_unpack(handle.read()[HEAD.size:])
        assert all(started <= t.now and answered <= t.now for started, answered, _o in slots)


@pytest.mark.parametrize('content', [b'', b'garbage', b'\0' * 7, b'\xff' * (HEAD.size + SLOT.size * 3),
                                     b'\xff' * (HEAD.size + SLOT.size * 2)])
def test_a_file_of_the_wrong_size_or_content_is_started_afresh(tmp_path, content):
    t = FakeTime()
    limiter = RateLimiter(str(tmp_path), 'AKID', 2, clock=t.clock, sleep=t.sleep)
    with open(limiter.path, 'wb') as handle:
        handle.write(content)
    limiter.release(limiter.acquire())
    limiter.release(limiter.acquire())
    assert t.slept == [] and os.path.getsize(limiter.path) == HEAD.size + SLOT.size * 2


@pytest.mark.parametrize('damage', ['symlink', 'directory'])
def test_a_path_that_cannot_be_used_steps_aside_with_a_warning(tmp_path, damage):
    warnings = []
    limiter = RateLimiter(str(tmp_path), 'AKID', 10, warn=warnings.append)
    if damage == 'symlink':
        os.symlink(str(tmp_path / 'elsewhere'), limiter.path)
    else:
        os.mkdir(limiter.path)
    slot = limiter.acquire()
    limiter.release(slot)
    assert slot is None and len(warnings) == 1 and 'The rate limiter did not pace this call' in warnings[0]


def test_a_stuck_lock_holder_delays_a_call_by_the_lock_wait_only(tmp_path, monkeypatch):
    monkeypatch.setattr(cas_rate_limit, 'LOCK_WAIT', 0.2)
    warnings = []
    limiter = RateLimiter(str(tmp_path), 'AKID', 10, warn=warnings.append)
    holder = FileLock(limiter.path)  # another open file of the same path: another process's lock
    assert holder.acquire(1)
    try:
        assert limiter.acquire() is None
    finally:
        holder.release()
    assert 'another process has held the lock' in warnings[0]


def _hold_and_die(path, ready):
    lock = FileLock(path)
    lock.acquire(5)
    ready.set()
    time.sleep(60)


def test_a_crashed_lock_holder_blocks_nobody(tmp_path, monkeypatch):
    limiter = RateLimiter(str(tmp_path), 'AKID', 10)
    ready = FORK.Event()
    holder = FORK.Process(target=_hold_and_die, args=(limiter.path, ready))
    holder.start()
    assert ready.wait(10)
    os.kill(holder.pid, 9)
    holder.join(10)
    warnings = []
    limiter = RateLimiter(str(tmp_path), 'AKID', 10, warn=warnings.append)
    assert limiter.acquire() is not None and warnings == []


def test_a_forked_child_opens_its_own_file(tmp_path):
    limiter = RateLimiter(str(tmp_path), 'AKID', 1, margin=0.0)
    limiter.release(limiter.acquire())  # the parent has the file open now
    out = FORK.Queue()

    def child():
        # The parent's descriptor would share the parent's lock; the child's own must exclude it.
        child_limiter = RateLimiter(str(tmp_path), 'AKID', 1, margin=0.0)
        out.put(child_limiter._open()[0] != parent_fd)  # pylint: disable=protected-access
    parent_fd = limiter._open()[0]  # pylint: disable=protected-access
    process = FORK.Process(target=child)
    process.start()
    assert out.get(timeout=10) is True
    process.join(10)
    assert struct.calcsize('<dd8s') == SLOT.size
