# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rate limiter shared by every worker process and thread of a controller, through one small file.

At most N calls per caller identity (AccessKeyId, or role) in any sliding one-second window; see
:class:`RateLimiter`. Loaded only by a worker that sends. Standard library only; POSIX only (``fcntl``).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import errno
import math
import os
import stat
import struct
import threading
import time

from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_files import POLL, digest, lock_within

try:
    import fcntl
except ImportError:  # callers check cas_files.HAS_FCNTL first
    fcntl = None

# How long to wait for the limiter file's lock, which a healthy holder keeps for microseconds. Past it (a
# stopped process holds it), the call goes ahead unpaced, with a warning: the retry policy handles throttling.
LOCK_WAIT = 5.0
# One slot per call the window admits: when it started, when it was answered (0 while in flight), whose it is.
SLOT = struct.Struct('<dd8s')
_ANSWERED_AT = 8  # offset of the answer time in a slot
HEAD = struct.Struct('<Q')  # the file starts with the index of the slot to look at first
# (pid, path) -> (descriptor, lock for the process's threads): opened once per process; a forked child opens its own,
# since an flock belongs to an open file, which a child would share with its parent.
_OPEN_FILES = {}
_OPEN_GUARD = threading.Lock()


class RateLimiter:
    """At most ``count`` calls in any sliding ``window`` (seconds), shared through a file of ``count`` slots.

    A token bucket with a burst of N plus refill lets N+1 calls through in some one-second interval; a sliding
    window over the last N call times does not. The file holds exactly those N times, so it never grows.

    The service counts a call when it *arrives*, which is somewhere between the moment a worker took its slot
    and the moment the answer came back; on a loaded controller that gap can be long. So a call is counted at
    its latest possible arrival: "now" while it is in flight (:meth:`acquire` returns a slot, :meth:`release`
    records the answer time), its answer time after. The slot of a crashed worker counts for at most
    ``max_flight`` seconds. ``margin`` adds a little more room on top.

    Cost per call: one lock round trip, a few small reads, one slot and the head written in place by :meth:`acquire`;
    one slot field written by :meth:`release`, without the lock (the slot is the caller's until the call ends,
    well before anyone may take it again). Threads of one process take turns in memory first, since an
    ``flock`` on one open file does not exclude them from each other.

    The file is shared with every other process of the user, so what it holds is untrusted: a file of another
    size starts afresh, a slot whose times are not finite numbers counts as free, and times in the future are
    written back as now, so that no slot delays a call by more than one window, or ``max_flight`` while in
    flight. A path that cannot be used makes the limiter step aside for that call, with a warning (``warn``).
    """

    def __init__(self, directory, identity, rate, margin=0.05, max_flight=30.0, clock=time.time, sleep=time.sleep,
                 warn=None):
        self.window = max(1.0, 1.0 / rate)
        self.count = max(1, int(round(rate * self.window)))
        self.span = self.window + margin
        self.max_flight = max_flight
        # The shape is in the name: limiters of another rate keep their own file instead of misreading this one.
        self.path = os.path.join(directory, 'rate-%s.bin' % digest('rate', identity, self.count, self.window))
        self._clock = clock
        self._sleep = sleep
        self._warn = warn or (lambda message: None)

    def acquire(self):
        """Wait for a slot; return it, to :meth:`release` when the call is answered (None: not paced)."""
        token = os.urandom(8)
        try:
            fd, turns = self._open()
        except OSError as exc:
            self._warn('The rate limiter did not pace this call: %s cannot be used (%s). Check the directory %s.'
                       % (self.path, exc.strerror or exc, os.path.dirname(self.path)))
            return None
        with turns:
            while True:
                outcome = self._take(fd, token)
                if outcome is None:
                    self._warn('The rate limiter did not pace this call: another process has held the lock of %s for '
                               '%s seconds.' % (self.path, LOCK_WAIT))
                    return None
                if isinstance(outcome, tuple):
                    return outcome
                self._sleep(max(outcome, POLL))

    def release(self, slot):
        """Record that the call of ``slot`` was answered (or failed) now."""
        if slot is None:
            return
        index, token, fd = slot
        offset = HEAD.size + index * SLOT.size
        try:
            if os.pread(fd, SLOT.size, offset)[16:] == token:
                os.pwrite(fd, struct.pack('<d', self._clock()), offset + _ANSWERED_AT)
        except OSError:
            pass  # the slot counts as in flight for max_flight at most

    def _take(self, fd, token):
        """A slot ``(index, token, fd)``, or the seconds to wait for one, or None if the lock stayed held.

        Slots are taken in turn from the head, which usually holds the call that left the window first, so a slot
        is found after one or two reads of one slot; all N are read only when every one is in the window (and a
        wait follows).
        """
        if not lock_within(fd, LOCK_WAIT):
            return None
        try:
            size = HEAD.size + SLOT.size * self.count
            if os.fstat(fd).st_size != size:  # new, torn, foreign or of another shape: start afresh
                os.pwrite(fd, bytes(size), 0)
                os.ftruncate(fd, size)
            now = self._clock()
            head = HEAD.unpack(_exactly(os.pread(fd, HEAD.size, 0), HEAD.size))[0] % self.count
            soonest = None
            for step in range(self.count):  # from the head on: usually the first slot looked at is free
                index = (head + step) % self.count
                offset = HEAD.size + index * SLOT.size
                started, answered, owner = SLOT.unpack(_exactly(os.pread(fd, SLOT.size, offset), SLOT.size))
                if not (math.isfinite(started) and math.isfinite(answered) and started <= now and answered <= now):
                    started, answered = self._repair(fd, offset, started, answered, owner, now)
                counted_at = answered or (min(now, started + self.max_flight) if started else 0.0)
                if counted_at <= now - self.span:
                    os.pwrite(fd, SLOT.pack(now, 0.0, token), offset)
                    os.pwrite(fd, HEAD.pack((index + 1) % self.count), 0)
                    return (index, token, fd)
                soonest = counted_at if soonest is None else min(soonest, counted_at)
            return soonest + self.span - now
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)

    @staticmethod
    def _repair(fd, offset, started, answered, owner, now):
        """A slot whose times are not finite counts as free; times in the future count (and are written) as now."""
        if not (math.isfinite(started) and math.isfinite(answered)):
            started, answered = 0.0, 0.0
        started, answered = min(started, now), min(answered, now)
        os.pwrite(fd, SLOT.pack(started, answered, owner), offset)
        return started, answered

    def _open(self):
        """``(descriptor, threads' lock)`` of the file for this process (raises OSError for a path that cannot be used)."""
        key = (os.getpid(), self.path)
        with _OPEN_GUARD:
            opened = _OPEN_FILES.get(key)
            if opened is None:
                flags = os.O_RDWR | os.O_CREAT | getattr(os, 'O_NOFOLLOW', 0) | getattr(os, 'O_NONBLOCK', 0)
                fd = os.open(self.path, flags, 0o600)
                info = os.fstat(fd)
                if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid():
                    os.close(fd)
                    raise OSError(errno.EPERM, 'not a regular file of this user')
                opened = _OPEN_FILES[key] = (fd, threading.Lock())
            return opened


def _exactly(data, size):
    """``data`` if it is ``size`` bytes long; zeros (a free slot) if the file was cut short under us."""
    return data if len(data) == size else bytes(size)
