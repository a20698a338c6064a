# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Lifecycle options for test runs: --daemon, --parent-pid, --parent-program, POST /_emulator/shutdown, and the version it
reports."""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request

import pytest

import emulator
from emulator import __main__ as emulator_main
from emulator.testing import COLLECTION_ROOT, process_gone, start_emulator

OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _run(*args, timeout=30):
    return subprocess.run([sys.executable, '-m', 'emulator', '--port', '0'] + list(args), cwd=COLLECTION_ROOT,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=timeout, check=False)


def _health(url):
    with OPENER.open(url + '/_emulator/health', timeout=5) as response:
        return json.loads(response.read().decode('utf-8'))


def _shutdown(url):
    request = urllib.request.Request(url + '/_emulator/shutdown', data=b'{}', method='POST')
    with OPENER.open(request, timeout=5) as response:
        return response.status, json.loads(response.read().decode('utf-8'))


def test_daemon_prints_url_and_pid_returns_at_once_and_stops_on_shutdown():
    result = _run('--daemon')
    assert result.returncode == 0 and result.stderr == ''
    lines = result.stdout.splitlines()
    assert len(lines) == 2 and re.match(r'^http://127\.0\.0\.1:\d+$', lines[0]) and re.match(r'^pid: \d+$', lines[1])
    url, pid = lines[0], int(lines[1].split()[1])
    try:
        assert _health(url) == {'ok': True}
        assert _shutdown(url) == (200, {'stopping': True})  # the answer arrives before it stops
        assert process_gone(pid)
    finally:
        if not process_gone(pid, within=0):
            os.kill(pid, 15)


def test_daemon_with_tls_prints_the_ca_file_and_removes_its_temporary_files_when_stopped():
    result = _run('--daemon', '--tls')
    assert result.returncode == 0, result.stderr
    url, ca_line, pid_line = result.stdout.splitlines()
    ca_file, pid = ca_line.split(': ', 1)[1], int(pid_line.split()[1])
    assert url.startswith('https://') and os.path.isfile(ca_file)
    os.kill(pid, 15)
    assert process_gone(pid)
    deadline = time.monotonic() + 5
    while os.path.exists(ca_file) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not os.path.exists(os.path.dirname(ca_file))


def test_parent_pid_stops_the_emulator_when_that_process_ends():
    parent = subprocess.Popen([sys.executable, '-c', 'import sys; sys.stdin.read()'], stdin=subprocess.PIPE)
    try:
        result = _run('--daemon', '--parent-pid', str(parent.pid))
        assert result.returncode == 0, result.stderr
        url, pid = result.stdout.splitlines()[0], int(result.stdout.splitlines()[1].split()[1])
        assert _health(url) == {'ok': True}
        time.sleep(0.6)  # a few of its checks pass while the parent lives
        assert _health(url) == {'ok': True}
    finally:
        parent.stdin.close()
        parent.wait(10)
    assert process_gone(pid)


def test_parent_pid_in_the_foreground_too():
    parent = subprocess.Popen([sys.executable, '-c', 'import sys; sys.stdin.read()'], stdin=subprocess.PIPE)
    with start_emulator(extra_args=['--parent-pid', str(parent.pid)]) as emu:
        assert emu.health()
        parent.stdin.close()
        parent.wait(10)
        assert emu.process.wait(10) == 0


@pytest.mark.parametrize('pid', ['999999999', '0', '-1'])
def test_parent_pid_that_is_not_running_is_a_startup_error(pid):
    result = _run('--parent-pid', pid)
    assert result.returncode == 2 and result.stdout == ''
    assert result.stderr == 'emulator: error: --parent-pid %s: no such process\n' % pid


def test_shutdown_takes_post_only():
    with start_emulator() as emu:
        status, body = emu.control('GET', 'shutdown')
        assert status == 405 and 'allowed: POST' in body['error']
        assert emu.health()
        assert emu.control('POST', 'shutdown') == (200, {'stopping': True})
        assert emu.process.wait(10) == 0


def test_version_is_the_collection_version(tmp_path, monkeypatch):
    with open(os.path.join(COLLECTION_ROOT, 'galaxy.yml'), encoding='utf-8') as handle:
        galaxy_version = re.search(r'^version:\s*(\S+)', handle.read(), re.MULTILINE).group(1)
    assert emulator.__version__ == galaxy_version
    assert _run('--version').stdout.strip().endswith(' ' + galaxy_version)
    # An installed collection has MANIFEST.json instead of galaxy.yml.
    (tmp_path / 'MANIFEST.json').write_text(json.dumps({'collection_info': {'version': '9.8.7'}}))
    assert emulator.collection_version(str(tmp_path)) == '9.8.7'
    (tmp_path / 'MANIFEST.json').unlink()
    (tmp_path / 'galaxy.yml').write_text("namespace: seed\nversion: '2.0.0'  # quoted\n")
    assert emulator.collection_version(str(tmp_path)) == '2.0.0'
    (tmp_path / 'galaxy.yml').unlink()
    # Installed by pip (no collection around it): the distribution's version, which the build took from one of them.
    monkeypatch.setattr(importlib.metadata, 'version', lambda name: {'alicloud-cas-emulator': '3.0.0'}[name])
    assert emulator.collection_version(str(tmp_path)) == '3.0.0'

    def not_installed(name):
        raise importlib.metadata.PackageNotFoundError(name)
    monkeypatch.setattr(importlib.metadata, 'version', not_installed)
    assert emulator.collection_version(str(tmp_path)) == 'unknown'


@pytest.mark.parametrize('argv0, module, name', [
    ('/venv/lib/python3.11/site-packages/emulator/__main__.py', '', 'python -m emulator'),
    ('/checkout/emulator/run.py', 'run', 'python -m emulator.run'),
    ('/venv/bin/alicloud-cas-emulator', '', 'alicloud-cas-emulator'),
    ('/venv/bin/alicloud-cas-emulator-run', 'run', 'alicloud-cas-emulator-run'),
])
def test_usage_names_the_command_as_it_was_invoked(monkeypatch, argv0, module, name):
    monkeypatch.setattr(sys, 'argv', [argv0, '--help'])
    assert emulator.command_name(module) == name


@pytest.mark.parametrize('command_line, program', [
    ('/venv/bin/python /tmp/ansible-test-x1-bin/ansible-playbook site.yml -i inventory', 'ansible-playbook'),
    ('/venv/bin/python3.13 /venv/bin/ansible-test integration --local', 'ansible-test'),
    ('/usr/bin/ansible-playbook site.yml', 'ansible-playbook'),
    ('/bin/sh -c /venv/bin/python && sleep 0', 'python'),
    ('sleep 30', 'sleep'),
    ('', ''),
])
def test_program_of_a_command_line(command_line, program):
    assert emulator_main.program_of(command_line) == program


def test_ancestor_running_is_the_outermost_one():
    # ansible-test -> ansible-playbook (main) -> ansible-playbook (forked worker) -> sh -> python (module) -> emulator
    table = {
        10: (1, 'bash'),
        20: (10, '/venv/bin/python /venv/bin/ansible-test integration --local'),
        30: (20, '/venv/bin/python /tmp/ansible-test-x-bin/ansible-playbook t.yml -i inventory'),
        31: (30, '/venv/bin/python /tmp/ansible-test-x-bin/ansible-playbook t.yml -i inventory'),
        40: (31, "/bin/sh -c '/venv/bin/python && sleep 0'"),
        50: (40, '/venv/bin/python'),
        60: (50, '/venv/bin/python -m emulator --daemon --parent-program ansible-test'),
    }
    assert emulator_main.ancestor_running('ansible-playbook', 60, table) == 30
    assert emulator_main.ancestor_running('ansible-test', 60, table) == 20
    assert emulator_main.ancestor_running('ansible-inventory', 60, table) is None
    table[10] = (10, 'loop')  # a cycle ends the walk
    assert emulator_main.ancestor_running('ansible-test', 60, table) == 20


def test_parent_program_stops_the_emulator_with_that_program():
    # A program named "ansible-playbook" (a copy of sleep-like Python) that starts the emulator and then waits.
    with tempfile.TemporaryDirectory() as directory:
        script = os.path.join(directory, 'ansible-playbook')
        with open(script, 'w', encoding='utf-8') as handle:
            handle.write('import subprocess, sys\n'
                         'out = subprocess.run([sys.executable, "-m", "emulator", "--port", "0", "--daemon", "--parent-program",'
                         ' "ansible-playbook"], stdout=subprocess.PIPE, text=True, check=True).stdout\n'
                         'print(out, flush=True)\n'
                         'sys.stdin.read()\n')
        process = subprocess.Popen([sys.executable, script], cwd=COLLECTION_ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            url, pid_line = process.stdout.readline().strip(), process.stdout.readline().strip()
            pid = int(pid_line.split()[1])
            assert _health(url) == {'ok': True}
        finally:
            process.stdin.close()
            process.wait(10)
        assert process_gone(pid)


def test_parent_program_not_among_the_ancestors_is_a_startup_error():
    result = _run('--parent-program', 'no-such-program')
    assert result.returncode == 2 and result.stdout == ''
    assert result.stderr == 'emulator: error: --parent-program no-such-program: no ancestor process runs no-such-program\n'
    assert _run('--parent-program', 'x', '--parent-pid', '1').returncode == 2  # one or the other


def test_tls_without_trustme_says_what_to_install(tmp_path):
    (tmp_path / 'trustme.py').write_text('raise ImportError("no trustme here")\n')
    result = subprocess.run([sys.executable, '-m', 'emulator', '--port', '0', '--tls'], cwd=COLLECTION_ROOT, text=True,
                            env=dict(os.environ, PYTHONPATH=str(tmp_path)), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            timeout=30, check=False)
    assert result.returncode == 2 and result.stdout == ''
    assert result.stderr == ('emulator: error: --tls needs the Python package "trustme" '
                             '(pip install -r emulator/requirements.txt)\n')


def test_tls_dir_with_a_broken_ca_is_a_startup_error(tmp_path):
    (tmp_path / 'ca.pem').write_text('not a certificate\n')
    (tmp_path / 'ca-key.pem').write_text('not a key\n')
    result = _run('--tls', '--tls-dir', str(tmp_path))
    assert result.returncode == 2 and result.stdout == ''
    assert result.stderr.startswith('emulator: error: cannot reuse the CA in %s: ' % tmp_path)
    assert len(result.stderr.splitlines()) == 1
