# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rate limiter shared by every worker process of a controller, through a locked file.

At most N calls per caller identity (AccessKeyId, or role) in any sliding one-second window, across
processes; see :class:`RateLimiter`. Loaded only by a worker that sends (``cas_cache`` builds it lazily).
Standard library only; POSIX only (``fcntl``, through ``cas_cache``).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import math
import os
import time

from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_cache import (
    _POLL, _FileLock, _hash, _read_private, _write_private, load_json)

# How long to wait for the limiter file's lock, which a healthy holder keeps for microseconds. Past it (a
# stopped process holds it), the call goes ahead unpaced, with a warning: the retry policy handles throttling.
LOCK_WAIT = 5.0
_STEPPED_ASIDE = object()


class RateLimiter:
    """At most ``count`` calls in any sliding ``window`` (seconds), shared through a file.

    A token bucket with a burst of N plus refill lets N+1 calls through in some
    one-second interval; a sliding window over recorded call times does not.

    The service counts a call when it *arrives*, which is somewhere between the
    moment a worker took its slot and the moment the answer came back; on a
    loaded controller that gap can be long. So a call is counted at its latest
    possible arrival: "now" while it is in flight (:meth:`acquire` returns a
    token, :meth:`release` records the completion time), its completion time
    after. In-flight entries of a crashed worker count for at most
    ``max_flight`` seconds. ``margin`` adds a little more room on top.

    The file is shared with every other process of the user, so what it holds is untrusted: entries that are not
    well formed, or whose time is not a finite number, are dropped, and times in the future are stored as now. So
    no entry delays a call by more than one window, or ``max_flight`` while it is in flight. A path that cannot be used makes the limiter step aside for that
    call, with a warning (``warn``).
    """

    def __init__(self, directory, identity, rate, margin=0.05, max_flight=30.0, clock=time.time, sleep=time.sleep,
                 warn=None):
        self.window = max(1.0, 1.0 / rate)
        self.count = max(1, int(round(rate * self.window)))
        self.span = self.window + margin
        self.max_flight = max_flight
        self.path = os.path.join(directory, 'rate-%s.json' % _hash('rate', identity))
        self._clock = clock
        self._sleep = sleep
        self._warn = warn or (lambda message: None)
        self.waited = 0.0

    def _entries(self, now):
        """The well-formed entries of the file, times clamped to ``now``."""
        stored = load_json(_read_private(self.path))
        entries = []
        for item in stored if isinstance(stored, list) else ():
            if not (isinstance(item, list) and len(item) == 3 and isinstance(item[0], str)
                    and isinstance(item[1], (int, float)) and not isinstance(item[1], bool) and isinstance(item[2], bool)):
                continue
            token, stamp, done = item
            if math.isfinite(stamp):
                entries.append((token, min(float(stamp), now), done))
        return entries

    def _update(self, change):
        """Run ``change(entries, now)`` under the file lock; it returns (entries to keep, result).

        ``_STEPPED_ASIDE`` if the file cannot be used (the caller goes ahead unpaced; the reason is warned).
        """
        lock = _FileLock(self.path + '.lock')
        try:
            if not lock.acquire(LOCK_WAIT):
                self._warn('The rate limiter did not pace this call: another process has held %s.lock for %s '
                           'seconds.' % (self.path, LOCK_WAIT))
                return _STEPPED_ASIDE
            now = self._clock()
            entries, result = change(self._entries(now), now)
            _write_private(self.path, json.dumps(entries).encode('utf-8'))
            return result
        except OSError as exc:
            self._warn('The rate limiter did not pace this call: %s cannot be used (%s). Check the directory %s.'
                       % (self.path, exc.strerror or exc, os.path.dirname(self.path)))
            return _STEPPED_ASIDE
        finally:
            lock.release()

    def _effective(self, entry, now):
        _token, stamp, done = entry
        return stamp if done else min(now, stamp + self.max_flight)

    def acquire(self):
        """Wait for a slot; return the token to :meth:`release` when the call is answered."""
        token = os.urandom(6).hex()

        def take(entries, now):
            live = [e for e in entries if now - self.span < self._effective(e, now)]
            if len(live) < self.count:
                return live + [(token, now, False)], None
            times = sorted(self._effective(e, now) for e in live)
            return live, times[-self.count] + self.span - now

        while True:
            delay = self._update(take)
            if delay is _STEPPED_ASIDE:
                return None  # nothing to release
            if delay is None:
                return token
            delay = max(delay, _POLL)
            self.waited += delay
            self._sleep(delay)

    def release(self, token):
        """Record that the call of ``token`` was answered (or failed) now."""
        if token is None:
            return

        def finish(entries, now):
            return [(t, now, True) if t == token else (t, s, d) for t, s, d in entries], None
        self._update(finish)
