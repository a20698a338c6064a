# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The per-user directory that the workers of a controller share, and safe file I/O in it.

Ansible runs each (host, task) in a freshly forked worker, so whatever the workers share (answers, rate
limiter, temporary credentials) lives in files under a per-user directory (0700, files 0600), coordinated
with ``fcntl.flock`` locks, which the kernel drops when a process dies. Any local process of the user can
damage these files, so everything read from them is treated as untrusted by its readers.

Standard library only; POSIX only (``fcntl``): where it is missing, nothing is shared (``HAS_FCNTL``).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import errno
import hashlib
import json
import os
import stat
import time

try:
    import fcntl
    HAS_FCNTL = True
except ImportError:  # Windows: no shared files
    HAS_FCNTL = False

CACHE_DIR_ENV = 'ALICLOUD_CAS_CACHE_DIR'
POLL = 0.02
# No file of ours is larger (answers are capped at 8 MiB): a larger one is not read at all.
MAX_FILE_BYTES = 16 * 1024 * 1024
_NOFOLLOW = getattr(os, 'O_NOFOLLOW', 0)


def default_cache_dir(environ=None):
    """``$ALICLOUD_CAS_CACHE_DIR``, else ``$XDG_CACHE_HOME/seed.alicloud_cas``, else ``~/.cache/seed.alicloud_cas``."""
    environ = os.environ if environ is None else environ
    if environ.get(CACHE_DIR_ENV):
        return os.path.expanduser(environ[CACHE_DIR_ENV])
    base = environ.get('XDG_CACHE_HOME') or os.path.join(os.path.expanduser('~'), '.cache')
    return os.path.join(base, 'seed.alicloud_cas')


def ensure_private_dir(path):
    """Create ``path`` 0700 if needed; return None if usable, else the reason it is not."""
    try:
        try:
            info = os.lstat(path)
        except FileNotFoundError:
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


def shared_directory(environ=None):
    """``(directory, None)`` when the workers can share files, ``(None, reason or None)`` when they cannot."""
    if not HAS_FCNTL:
        return None, None
    directory = default_cache_dir(environ)
    problem = ensure_private_dir(directory)
    return (None, problem) if problem else (directory, None)


def digest(*parts):
    """A SHA-256 hex digest of ``parts`` (JSON): file names that reveal nothing of what they are for."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, separators=(',', ':')).encode('utf-8')).hexdigest()


def lock_within(fd, timeout):
    """Take an exclusive ``flock`` on ``fd``: True once held; False if another process held it for ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                raise
        if time.monotonic() >= deadline:
            return False
        time.sleep(POLL)


class FileLock:
    """An exclusive ``flock`` on a file, with a deadline; released on :meth:`release` or process death.

    :meth:`acquire` raises OSError when the path cannot be used (a symlink, a directory, no permission).
    """

    def __init__(self, path):
        self.path = path
        self.fd = None

    def acquire(self, timeout):
        """True once held; False if another process held it for ``timeout`` seconds."""
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT | _NOFOLLOW, 0o600)
        return lock_within(self.fd, timeout)

    def release(self):
        if self.fd is not None:
            try:
                fcntl.flock(self.fd, fcntl.LOCK_UN)
            finally:
                os.close(self.fd)
                self.fd = None


def write_private(path, data):
    """Atomically replace ``path`` with ``data`` (bytes), mode 0600 (raises OSError if it cannot)."""
    tmp = os.path.join(os.path.dirname(path), '.tmp-%s' % os.urandom(8).hex())
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600)
    try:
        with os.fdopen(fd, 'wb') as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def read_private(path):
    """The bytes of ``path`` if it is a regular file of ours of a sane size, else None (never an exception)."""
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | getattr(os, 'O_NONBLOCK', 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid() or info.st_size > MAX_FILE_BYTES:
            return None
        # One read of the size fstat gave, plus one byte: a file of ours is replaced whole, never grown, so
        # getting no more than its size means it was all read.
        chunks = [os.read(fd, info.st_size + 1)]
        size = len(chunks[0])
        while size > info.st_size and size <= MAX_FILE_BYTES:  # grown meanwhile (not ours): read on, bounded
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b''.join(chunks) if size <= MAX_FILE_BYTES else None
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


def remove(path):
    """Delete ``path`` if it exists; never an exception."""
    try:
        os.unlink(path)
    except OSError:
        pass
