# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The result cache shared by every worker process of a controller.

:class:`ResultCache` keeps successful answers (and "instance not found" answers) for ``cache_ttl``
seconds, in the shared per-user directory of :mod:`cas_files`, keyed by a hash of endpoint, caller
identity, action, parameters and a one-way digest of the credentials. Entries hold the service's
JSON body and nothing else: no secret, no token. ``single_flight`` makes concurrent workers asking
for the same key wait for one API call instead of all calling. Standard library only.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import math
import os
import time

from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_errors import CasResponseError
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_files import (
    CACHE_DIR_ENV, FileLock, digest, load_json, read_private, write_private)

FORMAT_VERSION = 1


class ResultCache:
    """Answers shared by all workers for ``ttl`` seconds.

    The files are shared with every other process of the user, so what they hold is untrusted: an entry that is
    torn, foreign, stamped with a time that is not a finite number, or whose value the caller rejects counts as
    absent, and a path that cannot be used (a symlink, a directory, a read-only directory) makes the cache step
    aside for that call with a warning (``warn``). A damaged file costs at most one fresh API call.
    """

    def __init__(self, directory, ttl, clock=time.time, warn=None):
        self.directory = directory
        self.ttl = ttl
        self._clock = clock
        self._warn = warn or (lambda message: None)
        self.hits = 0
        self.misses = 0

    @staticmethod
    def key(base_url, access_key_id, action, params, credential_fingerprint=''):
        """The entry's name: a hash, so that no ID, parameter or key appears in a file name.

        ``credential_fingerprint`` (a one-way digest of secret and token) makes a
        wrong or rotated secret miss the cache instead of reading an answer it
        could not have got from the service.
        """
        return digest('result', FORMAT_VERSION, base_url, access_key_id, action, params, credential_fingerprint)

    def _path(self, key, suffix):
        return os.path.join(self.directory, '%s.%s' % (key, suffix))

    def get(self, key):
        """The stored value if it is fresh and well formed, else None."""
        entry = load_json(read_private(self._path(key, 'json')))
        if not isinstance(entry, dict) or not isinstance(entry.get('value'), dict):
            return None
        stored_at = entry.get('stored_at')
        if isinstance(stored_at, bool) or not isinstance(stored_at, (int, float)):
            return None
        try:
            stored_at = float(stored_at)
        except OverflowError:
            return None  # an integer of hundreds of digits: no time at all
        if not math.isfinite(stored_at):
            return None  # NaN would never expire: every comparison with it is false
        age = self._clock() - stored_at
        if not 0 <= age < self.ttl:
            return None
        return entry['value']

    def put(self, key, value):
        entry = {'stored_at': self._clock(), 'value': value}
        try:
            write_private(self._path(key, 'json'), json.dumps(entry, separators=(',', ':')).encode('utf-8'))
        except OSError as exc:
            self._step_aside(self._path(key, 'json'), exc)

    def _step_aside(self, path, exc):
        reason = exc.strerror or exc
        self._warn('The result cache was not used for this call: %s cannot be used (%s). Check the directory %s '
                   '(option cache_ttl, environment variable %s).' % (path, reason, self.directory, CACHE_DIR_ENV))

    def _cached(self, key, use):
        value = self.get(key)
        if value is None or use is None:
            return value
        try:
            return use(value)
        except CasResponseError:
            return None  # a damaged entry: the caller gets a fresh answer, which replaces it

    def single_flight(self, key, produce, wait, use=None):
        """``use(value)`` of the cached value, or of one ``produce()`` made by one worker while the others wait.

        ``use`` (by default: the value itself) turns a value into the caller's result and raises
        CasResponseError for a value it cannot use: a cached one then counts as absent; a produced one is not
        cached. It must not return None.
        ``wait()`` (called on a miss only) bounds how long to wait for another worker's call; past it, this
        worker calls the API itself.
        """
        result = self._cached(key, use)
        if result is not None:
            self.hits += 1
            return result
        lock = FileLock(self._path(key, 'lock'))
        try:
            try:
                lock.acquire(wait())
            except OSError as exc:
                self._step_aside(lock.path, exc)
                self.misses += 1
                value = produce()
                return value if use is None else use(value)
            result = self._cached(key, use)  # the holder may have produced it while we waited
            if result is not None:
                self.hits += 1
                return result
            self.misses += 1
            value = produce()
            result = value if use is None else use(value)
            self.put(key, value)
            return result
        finally:
            lock.release()
