# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Mutable, thread-safe emulator state: clock skew, nonces, throttling windows, faults, counters."""

from __future__ import annotations

import collections
import threading
import time

NONCE_WINDOW_SECONDS = 15 * 60
THROTTLE_WINDOW_SECONDS = 1.0
DEFAULT_QPS = 10


class EmulatorState:
    """Everything that changes while the emulator runs; every method takes the lock."""

    def __init__(self, qps=DEFAULT_QPS, wall_clock=time.time, monotonic=time.monotonic):
        self.qps = qps
        self._wall_clock = wall_clock
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self.stop_event = threading.Event()
        self._skew = 0.0
        self._faults = collections.deque()
        self._nonces = {}
        self._nonce_expiry = collections.deque()
        self._windows = {}
        self._counters = None
        self.reset()

    def reset(self):
        """Clear counters, queued faults, nonces, throttling windows and clock skew."""
        with self._lock:
            self._skew = 0.0
            self._faults.clear()
            self._nonces = {}
            self._nonce_expiry.clear()
            self._windows = {}
            self._counters = {
                'requests': 0,
                'calls_by_action': collections.Counter(),
                'calls_by_instance': collections.Counter(),
                'throttled': 0,
                'errors_by_code': collections.Counter(),
                'faults_injected': 0,
                'max_in_one_second': 0,
            }

    # Clock -----------------------------------------------------------------

    def now(self):
        """Emulator clock: wall clock plus skew, in epoch seconds."""
        with self._lock:
            return self._wall_clock() + self._skew

    def set_skew(self, seconds):
        """Set the clock skew in seconds (positive: the emulator runs ahead)."""
        with self._lock:
            self._skew = float(seconds)

    @property
    def skew_seconds(self):
        """Current clock skew in seconds."""
        with self._lock:
            return self._skew

    # Faults ----------------------------------------------------------------

    def queue_faults(self, fault, count):
        """Append ``count`` copies of a fault (a dict with at least ``kind``)."""
        with self._lock:
            for _dummy in range(count):
                self._faults.append(dict(fault))

    def pop_fault(self):
        """Remove and return the next queued fault, or None."""
        with self._lock:
            return self._faults.popleft() if self._faults else None

    def pending_faults(self):
        """Return a copy of the queued faults, in order."""
        with self._lock:
            return [dict(fault) for fault in self._faults]

    def clear_faults(self):
        """Drop every queued fault."""
        with self._lock:
            self._faults.clear()

    # Nonces ----------------------------------------------------------------

    def use_nonce(self, key_id, nonce):
        """Record a nonce for a key; return False if it was already used within the window."""
        with self._lock:
            now = self._monotonic()
            while self._nonce_expiry and self._nonce_expiry[0][0] <= now:
                expiry, old_key, old_nonce = self._nonce_expiry.popleft()
                if self._nonces.get((old_key, old_nonce)) == expiry:
                    del self._nonces[(old_key, old_nonce)]
            if (key_id, nonce) in self._nonces:
                return False
            expiry = now + NONCE_WINDOW_SECONDS
            self._nonces[(key_id, nonce)] = expiry
            self._nonce_expiry.append((expiry, key_id, nonce))
            return True

    # Throttling ------------------------------------------------------------

    def try_accept(self, bucket):
        """Sliding one-second window: accept (and count) the call unless ``qps`` calls were accepted already."""
        with self._lock:
            now = self._monotonic()
            window = self._windows.setdefault(bucket, collections.deque())
            while window and window[0] <= now - THROTTLE_WINDOW_SECONDS:
                window.popleft()
            if self.qps and len(window) >= self.qps:
                self._counters['throttled'] += 1
                return False
            window.append(now)
            self._counters['max_in_one_second'] = max(self._counters['max_in_one_second'], len(window))
            return True

    # Counters --------------------------------------------------------------

    def count_request(self, action):
        """Count one API request (any non-control request) by its requested action."""
        with self._lock:
            self._counters['requests'] += 1
            self._counters['calls_by_action'][action] += 1

    def count_instance_call(self, instance_id):
        """Count an authenticated call that reached the action, by InstanceId (or ``*``)."""
        with self._lock:
            self._counters['calls_by_instance'][instance_id or '*'] += 1

    def count_error(self, code):
        """Count an error response by Code."""
        with self._lock:
            self._counters['errors_by_code'][code] += 1

    def count_fault(self):
        """Count an injected fault that was applied."""
        with self._lock:
            self._counters['faults_injected'] += 1

    def counters(self):
        """Return a JSON-ready snapshot of the counters."""
        with self._lock:
            snapshot = {}
            for name, value in self._counters.items():
                snapshot[name] = dict(value) if isinstance(value, collections.Counter) else value
            return snapshot
