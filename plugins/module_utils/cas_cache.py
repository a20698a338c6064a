# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A result cache and a rate limiter shared by every worker process of a controller.

Ansible runs each (host, task) in a fresh forked worker, so in-memory caches
never help across hosts. Both mechanisms here live in files under a per-user
directory (0700, files 0600) and coordinate with ``fcntl.flock`` locks, which
the kernel drops when a process dies: a crashed worker never blocks the others.

* :class:`ResultCache` keeps successful answers (and "instance not found"
  answers) for ``cache_ttl`` seconds, keyed by a hash of endpoint, AccessKeyId,
  action and parameters. Entries hold the service's JSON body and nothing else:
  no secret, no token. ``single_flight`` makes concurrent workers asking for the
  same key wait for one API call instead of all calling.
* :class:`~cas_rate_limit.RateLimiter` (built lazily) lets at most N calls per AccessKey and endpoint start in
  any sliding window of one second (plus a safety margin), across processes.

Standard library only; POSIX only (``fcntl``). Where ``fcntl`` or a safe
directory is missing, both step aside and the client works uncached.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import errno
import hashlib
import json
import math
import os
import stat
import time

from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_errors import CasResponseError

try:
    import fcntl
    HAS_FCNTL = True
except ImportError:  # Windows: no shared cache
    HAS_FCNTL = False

CACHE_DIR_ENV = 'ALICLOUD_CAS_CACHE_DIR'
FORMAT_VERSION = 1
_POLL = 0.02
# No file of ours is larger (answers are capped at 8 MiB): a larger one is not read at all.
MAX_FILE_BYTES = 16 * 1024 * 1024


def default_cache_dir(environ=None):
    environ = os.environ if environ is None else environ
    if environ.get(CACHE_DIR_ENV):
        return os.path.expanduser(environ[CACHE_DIR_ENV])
    base = environ.get('XDG_CACHE_HOME') or os.path.join(os.path.expanduser('~'), '.cache')
    return os.path.join(base, 'seed.alicloud_cas')


def ensure_private_dir(path):
    """Create ``path`` 0700 if needed; return None if usable, else the reason it is not."""
    try:
        if not os.path.lexists(path):
            os.makedirs(path, mode=0o700, exist_ok=True)
        info = os.lstat(path)
    except OSError as exc:
        return 'cannot create %s (%s)' % (path, exc.strerror)
    if not stat.S_ISDIR(info.st_mode):
        return '%s is not a directory' % path
    if info.st_uid != os.getuid():
        return '%s belongs to another user' % path
    if info.st_mode & 0o077:
        try:
            os.chmod(path, 0o700)
        except OSError as exc:
            return '%s is accessible to other users and cannot be fixed (%s)' % (path, exc.strerror)
    return None


def _hash(*parts):
    return hashlib.sha256(json.dumps(parts, sort_keys=True, separators=(',', ':')).encode('utf-8')).hexdigest()


class _FileLock:
    """An exclusive ``flock`` on a file, with a deadline; released on close or process death."""

    def __init__(self, path):
        self.path = path
        self.fd = None

    def acquire(self, timeout):
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, 'O_NOFOLLOW', 0), 0o600)
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
            if time.monotonic() >= deadline:
                return False
            time.sleep(_POLL)

    def release(self):
        if self.fd is not None:
            try:
                fcntl.flock(self.fd, fcntl.LOCK_UN)
            finally:
                os.close(self.fd)
                self.fd = None


def _write_private(path, data):
    """Atomically replace ``path`` with ``data`` (bytes), mode 0600."""
    tmp = os.path.join(os.path.dirname(path), '.tmp-%s' % os.urandom(8).hex())
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, 'O_NOFOLLOW', 0), 0o600)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, 'wb') as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _read_private(path):
    """The bytes of ``path`` if it is a regular file of ours of a sane size, else None (never an exception)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, 'O_NOFOLLOW', 0) | getattr(os, 'O_NONBLOCK', 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid() or info.st_size > MAX_FILE_BYTES:
            return None
        chunks = []
        size = 0
        while size <= MAX_FILE_BYTES:
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                return b''.join(chunks)
            chunks.append(chunk)
            size += len(chunk)
        return None
    except OSError:
        return None
    finally:
        os.close(fd)


def load_json(raw):
    """Parsed JSON from bytes read from a shared file, or None for anything torn, foreign or hostile."""
    if raw is None:
        return None
    try:
        return json.loads(raw.decode('utf-8'))
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None


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
        return _hash('result', FORMAT_VERSION, base_url, access_key_id, action, params, credential_fingerprint)

    def _path(self, key, suffix):
        return os.path.join(self.directory, '%s.%s' % (key, suffix))

    def get(self, key):
        """The stored value if it is fresh and well formed, else None."""
        entry = load_json(_read_private(self._path(key, 'json')))
        if not isinstance(entry, dict) or not isinstance(entry.get('value'), dict):
            return None
        stored_at = entry.get('stored_at')
        if isinstance(stored_at, bool) or not isinstance(stored_at, (int, float)) or not math.isfinite(stored_at):
            return None  # NaN would never expire: every comparison with it is false
        age = self._clock() - stored_at
        if not 0 <= age < self.ttl:
            return None
        return entry['value']

    def put(self, key, value):
        entry = {'stored_at': self._clock(), 'value': value}
        try:
            _write_private(self._path(key, 'json'), json.dumps(entry, separators=(',', ':')).encode('utf-8'))
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
        ``wait`` bounds how long to wait for another worker's call; past it, this worker calls the API itself.
        """
        result = self._cached(key, use)
        if result is not None:
            self.hits += 1
            return result
        lock = _FileLock(self._path(key, 'lock'))
        try:
            try:
                lock.acquire(wait)
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


class _LazyLimiter:
    """The :class:`~cas_rate_limit.RateLimiter`, built (and its code loaded) when a call first needs a slot.

    A worker answered from the cache never sends, so it never pays for the limiter's code.
    """

    def __init__(self, *args, **kwargs):
        self._spec = (args, kwargs)  # RateLimiter's arguments
        self._limiter = None

    def get(self):
        if self._limiter is None:
            from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_rate_limit import RateLimiter
            self._limiter = RateLimiter(*self._spec[0], **self._spec[1])
        return self._limiter

    def acquire(self):
        return self.get().acquire()

    def release(self, token):
        return self.get().release(token)

    @property
    def path(self):
        return self.get().path


def shared_cache_and_limiter(config, access_key_id, environ=None, warn=None):
    """``(ResultCache or None, RateLimiter or None, warning or None)`` for a client config.

    ``warn(message)`` receives what the cache and the limiter say when they step aside for a call.
    """
    if not HAS_FCNTL:
        return None, None, None
    directory = default_cache_dir(environ)
    problem = ensure_private_dir(directory)
    if problem:
        return None, None, 'The result cache and rate limiter are off because %s.' % problem
    cache = ResultCache(directory, config.cache_ttl, warn=warn) if config.cache_ttl > 0 else None
    limiter = _LazyLimiter(directory, access_key_id, config.rate_limit, max_flight=config.timeout + 1.0, warn=warn)
    return cache, limiter, None
