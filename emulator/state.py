# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Mutable, thread-safe emulator state: clock skew, nonces, throttling windows, faults, counters, issued
temporary credentials, metadata tokens and the runtime settings of the STS and metadata emulation."""

from __future__ import annotations

import collections
import threading
import time

NONCE_WINDOW_SECONDS = 15 * 60
THROTTLE_WINDOW_SECONDS = 1.0
DEFAULT_QPS = 10
# Issued credentials are forgotten this long after they expired (then: InvalidAccessKeyId.NotFound).
EXPIRED_KEY_RETENTION_SECONDS = 86400
MAX_ISSUED_KEYS = 100000
MAX_METADATA_TOKENS = 100000
HOLD_SLICE = 0.1  # how often a held request looks at stop_event (a signal handler sets it; it takes no lock)
DEFAULT_SETTINGS = {'sts_duration': None, 'metadata_enabled': True, 'metadata_require_token': False, 'ecs_role': None}


class EmulatorState:
    """Everything that changes while the emulator runs; every method takes the lock."""

    def __init__(self, qps=DEFAULT_QPS, wall_clock=time.time, monotonic=time.monotonic):
        self.qps = qps
        self._wall_clock = wall_clock
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self.stop_event = threading.Event()
        self._reset_event = threading.Event()
        self._skew = 0.0
        self._faults = collections.deque()
        self._nonces = {}
        self._nonce_expiry = collections.deque()
        self._windows = {}
        self._counters = None
        self._issued = collections.OrderedDict()
        self._metadata_tokens = collections.OrderedDict()
        self._ecs_cache = {}
        self._default_settings = dict(DEFAULT_SETTINGS)
        self._settings = dict(DEFAULT_SETTINGS)
        self.reset()

    def reset(self):
        """Clear counters, queued faults, nonces, throttling windows, clock skew, issued credentials and metadata
        tokens; restore the settings given at startup."""
        with self._lock:
            self._reset_event.set()  # wakes held requests: they belong to what came before the reset
            self._reset_event = threading.Event()
            self._skew = 0.0
            self._faults.clear()
            self._nonces = {}
            self._nonce_expiry.clear()
            self._windows = {}
            self._issued.clear()
            self._metadata_tokens.clear()
            self._ecs_cache = {}
            self._settings = dict(self._default_settings)
            self._counters = {
                'requests': 0,
                'calls_by_action': collections.Counter(),
                'calls_by_instance': collections.Counter(),
                'calls_by_identifier': collections.Counter(),
                'calls_by_role': collections.Counter(),
                'calls_by_access_key': collections.Counter(),
                'credentials_issued': collections.Counter(),
                'metadata_requests': collections.Counter(),
                'throttled': 0,
                'errors_by_code': collections.Counter(),
                'faults_injected': 0,
                'max_in_one_second': 0,
            }

    # Settings --------------------------------------------------------------

    def set_default_settings(self, **settings):
        """Set the startup settings (restored by reset) and apply them now."""
        unknown = sorted(k for k in settings if k not in DEFAULT_SETTINGS)
        if unknown:
            raise KeyError(unknown[0])
        with self._lock:
            self._default_settings.update(settings)
            self._settings = dict(self._default_settings)

    def update_settings(self, **settings):
        """Change settings until the next reset; return the new settings."""
        unknown = sorted(k for k in settings if k not in DEFAULT_SETTINGS)
        if unknown:
            raise KeyError(unknown[0])
        with self._lock:
            self._settings.update(settings)
            if 'ecs_role' in settings or 'sts_duration' in settings:
                self._ecs_cache = {}
            return dict(self._settings)

    def settings(self):
        """A copy of the current settings."""
        with self._lock:
            return dict(self._settings)

    def setting(self, name):
        """One current setting."""
        with self._lock:
            return self._settings[name]

    # Issued credentials ----------------------------------------------------

    def register_key(self, key, now):
        """Remember an issued temporary AccessKey (forgetting long-expired ones) and count it by source."""
        with self._lock:
            horizon = now - EXPIRED_KEY_RETENTION_SECONDS
            while self._issued:
                oldest = next(iter(self._issued.values()))
                if oldest.expires_at >= horizon and len(self._issued) < MAX_ISSUED_KEYS:
                    break
                self._issued.popitem(last=False)
            self._issued[key.id] = key
            self._counters['credentials_issued'][key.source or 'unknown'] += 1

    def issued_key(self, key_id):
        """The issued AccessKey with this id, or None."""
        with self._lock:
            return self._issued.get(key_id)

    def issued_keys(self):
        """The issued AccessKeys, oldest first."""
        with self._lock:
            return list(self._issued.values())

    def expire_issued_keys(self, now):
        """Make every issued credential expire now; the metadata service issues new ones on the next request."""
        with self._lock:
            for key in self._issued.values():
                key.expires_at = min(key.expires_at, now)
            self._ecs_cache = {}
            return len(self._issued)

    def ecs_credentials(self, role, now, factory):
        """The cached credentials of an ECS role, re-issued (``factory()``) when half their lifetime has passed.

        Returns ``(AccessKey, issued_at)``.
        """
        with self._lock:
            cached = self._ecs_cache.get(role)
            if cached is not None:
                key, issued_at = cached
                if now < key.expires_at and now < issued_at + (key.expires_at - issued_at) / 2.0:
                    return key, issued_at
        key = factory()
        self.register_key(key, now)
        with self._lock:
            self._ecs_cache[role] = (key, now)
        return key, now

    # Metadata tokens -------------------------------------------------------

    def new_metadata_token(self, token, ttl, now):
        """Remember a metadata session token valid for ``ttl`` seconds."""
        with self._lock:
            while self._metadata_tokens:
                first_token, expiry = next(iter(self._metadata_tokens.items()))
                if expiry > now and len(self._metadata_tokens) < MAX_METADATA_TOKENS:
                    break
                del self._metadata_tokens[first_token]
            self._metadata_tokens[token] = now + ttl

    def metadata_token_valid(self, token, now):
        """True if the metadata token was issued here and has not expired."""
        with self._lock:
            expiry = self._metadata_tokens.get(token)
            return expiry is not None and now < expiry

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

    def pop_fault(self, target=None):
        """Remove and return the next queued fault for ``target`` (``cas``, ``sts``, ``metadata``), or None.

        Faults queued without a target apply to any request.
        """
        with self._lock:
            for index, fault in enumerate(self._faults):
                if fault.get('target') in (None, target):
                    del self._faults[index]
                    return fault
            return None

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

    def hold(self, seconds):
        """Hold a request for ``seconds`` (the hang fault). Return True if it may go on, False if the emulator
        stopped or was reset meanwhile: the request then belongs to a finished test and must be dropped, neither
        answered nor counted (a late count would land in the next test's counters)."""
        with self._lock:
            reset = self._reset_event
        deadline = time.monotonic() + seconds
        while True:
            left = deadline - time.monotonic()
            if reset.is_set() or self.stop_event.is_set():
                return False
            if left <= 0:
                return True
            reset.wait(min(left, HOLD_SLICE))

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

    def count_identifier_call(self, identifier):
        """Count an authenticated call that reached the action, by Identifier (or ``*``)."""
        with self._lock:
            self._counters['calls_by_identifier'][identifier or '*'] += 1

    def count_role_call(self, role_arn):
        """Count an STS call that reached the action, by RoleArn."""
        with self._lock:
            self._counters['calls_by_role'][role_arn or '(none)'] += 1

    def count_key_call(self, key_id):
        """Count an authenticated call (after throttling) by AccessKeyId."""
        with self._lock:
            self._counters['calls_by_access_key'][key_id] += 1

    def count_metadata(self, *names):
        """Count a metadata request under each of ``names`` (kind, with/without token, outcome)."""
        with self._lock:
            for name in names:
                self._counters['metadata_requests'][name] += 1

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
