# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shared per-user directory and its file primitives."""

import multiprocessing
import os
import signal
import stat
import time

from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_files import (
    FileLock, ensure_private_dir, load_json, read_private, shared_directory, write_private)

FORK = multiprocessing.get_context('fork')


def _hold_lock_and_die(path, ready):
    lock = FileLock(path)
    lock.acquire(5)
    ready.set()
    time.sleep(60)


def test_crashed_holder_does_not_block(tmp_path):
    path = str(tmp_path / 'k.lock')
    ready = FORK.Event()
    holder = FORK.Process(target=_hold_lock_and_die, args=(path, ready))
    holder.start()
    assert ready.wait(10)
    assert FileLock(path).acquire(0.2) is False  # held while the holder lives
    os.kill(holder.pid, signal.SIGKILL)
    holder.join(10)
    lock = FileLock(path)
    assert lock.acquire(5) is True
    lock.release()


def test_private_directory(tmp_path):
    directory = str(tmp_path / 'cache')
    assert ensure_private_dir(directory) is None
    assert stat.S_IMODE(os.stat(directory).st_mode) == 0o700
    os.chmod(directory, 0o755)
    assert ensure_private_dir(directory) is None
    assert stat.S_IMODE(os.stat(directory).st_mode) == 0o700
    (tmp_path / 'file').write_text('x')
    assert 'not a directory' in ensure_private_dir(str(tmp_path / 'file'))
    assert shared_directory({'ALICLOUD_CAS_CACHE_DIR': str(tmp_path / 'file')}) == (
        None, '%s is not a directory' % (tmp_path / 'file'))
    assert shared_directory({'ALICLOUD_CAS_CACHE_DIR': directory}) == (directory, None)


def test_private_files_round_trip_and_refuse_what_is_not_theirs(tmp_path):
    path = str(tmp_path / 'f.json')
    write_private(path, b'{"a": 1}')
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert load_json(read_private(path)) == {'a': 1}
    os.symlink(path, str(tmp_path / 'link'))
    assert read_private(str(tmp_path / 'link')) is None
    os.mkfifo(str(tmp_path / 'fifo'))
    assert read_private(str(tmp_path / 'fifo')) is None  # never blocks on a FIFO
    assert read_private(str(tmp_path / 'absent')) is None
    assert [n for n in os.listdir(str(tmp_path)) if n.startswith('.tmp-')] == []
    assert load_json(b'[' * 100000 + b']' * 100000) is None and load_json(b'\xff') is None
