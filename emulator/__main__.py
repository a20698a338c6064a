# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The emulator's command line: ``python -m emulator --help`` lists its options; docs/emulator.md explains them."""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

from . import __version__, command_name
from .fixtures import FixtureError, load_fixtures, parse_access_key_arg
from .ram_fixtures import MAX_TESTING_DURATION
from .server import EmulatorServer
from .state import DEFAULT_QPS, EmulatorState

EXIT_STARTUP_ERROR = 2


def build_parser():
    """The argument parser."""
    parser = argparse.ArgumentParser(
        prog=command_name(),
        description='Emulator of the Alibaba Cloud CAS API (GetCAInstanceStatus, 2020-06-30), with STS (AssumeRole, '
                    'AssumeRoleWithOIDC) and ECS metadata credentials on the same port. See docs/emulator.md.')
    parser.add_argument('--host', default='127.0.0.1', help='address to listen on (default 127.0.0.1)')
    parser.add_argument('--port', type=int, default=0, help='TCP port; 0 (default) picks a free one')
    parser.add_argument('--fixtures', metavar='FILE', help='YAML or JSON fixtures (default: emulator/default_fixtures.yml)')
    parser.add_argument('--access-key', metavar='ID:SECRET', action='append', default=[],
                        help='add an AccessKey pair to the default account (repeatable)')
    parser.add_argument('--qps', type=int, default=DEFAULT_QPS,
                        help='accepted calls per AccessKey (or shared account) per sliding second; 0 disables (default %d)' % DEFAULT_QPS)
    parser.add_argument('--tls', action='store_true', help='serve HTTPS with a generated test CA')
    parser.add_argument('--tls-dir', metavar='DIR', help='where to write (or reuse) the CA and server certificate (default: a new temp dir)')
    parser.add_argument('--sts-duration', type=int, metavar='SECONDS',
                        help='testing aid: every credential issued by STS or the metadata service expires after SECONDS '
                             '(1-%d), whatever DurationSeconds asked for' % MAX_TESTING_DURATION)
    parser.add_argument('--metadata-require-token', action='store_true',
                        help='hardened metadata service: GETs without X-aliyun-ecs-metadata-token get 403')
    parser.add_argument('--no-metadata', action='store_true',
                        help='no metadata service: requests under /latest/ get a connection reset (as off ECS)')
    parser.add_argument('--daemon', action='store_true',
                        help='serve in the background: print the URL (and ca_file), then "pid: N", and return at once; '
                             'stop it with SIGTERM or POST /_emulator/shutdown')
    parent = parser.add_mutually_exclusive_group()
    parent.add_argument('--parent-pid', type=int, metavar='PID',
                        help='stop when process PID ends (the test run or playbook that needs the emulator)')
    parent.add_argument('--parent-program', metavar='NAME',
                        help='stop when the outermost ancestor process running program NAME (such as ansible-playbook '
                             'or ansible-test) ends')
    parser.add_argument('--verbose', '-v', action='store_true', help='access log and diagnostics on stderr')
    parser.add_argument('--version', action='version', version='%(prog)s ' + __version__)
    return parser


def fail(message):
    """Print a one-line startup error and exit 2."""
    sys.stderr.write('emulator: error: %s\n' % ' '.join(str(message).split()))
    sys.stderr.flush()
    sys.exit(EXIT_STARTUP_ERROR)


def process_exists(pid):
    """True while process ``pid`` exists (also when it belongs to another user)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def program_of(command_line):
    """The program a command line runs: its first word's base name or, when that is an interpreter, the base name
    of its first argument that is not an option (``/venv/bin/python /venv/bin/ansible-playbook site.yml`` runs
    ansible-playbook)."""
    words = [os.path.basename(word) for word in command_line.split()]
    if words and re.match(r'^(python[0-9.]*|pypy[0-9.]*|sh|bash|env)$', words[0]):
        arguments = [word for word in words[1:] if not word.startswith('-')]
        return arguments[0] if arguments else words[0]
    return words[0] if words else ''


def process_table():
    """``{pid: (ppid, command line)}`` of every process, from ``ps`` (POSIX)."""
    output = subprocess.run(['ps', '-A', '-o', 'pid=,ppid=,args='], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True, check=False).stdout
    table = {}
    for line in output.splitlines():
        parts = line.split(None, 2)
        if len(parts) >= 2 and parts[0].isdigit() and parts[1].isdigit():
            table[int(parts[0])] = (int(parts[1]), parts[2] if len(parts) > 2 else '')
    return table


def ancestor_running(program, pid=None, table=None):
    """The outermost ancestor of process ``pid`` (default: this one) that runs ``program``, or None."""
    table = process_table() if table is None else table
    pid = os.getpid() if pid is None else pid
    found, seen = None, set()
    while pid in table and pid not in seen and pid > 1:
        seen.add(pid)
        pid = table[pid][0]
        if pid in table and program_of(table[pid][1]) == program:
            found = pid
    return found


def daemonize():
    """Fork: the parent prints the child's PID and exits 0; the child leaves the session and its terminal and
    returns. The listening socket is already open, so the URL printed before works at once."""
    sys.stdout.flush()
    pid = os.fork()
    if pid:
        sys.stdout.write('pid: %d\n' % pid)
        sys.stdout.flush()
        os._exit(0)  # pylint: disable=protected-access  # the child owns the server, TLS files and their cleanup
    os.setsid()
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)


def _tls_context(args):
    """Create the TLS material; return ``(ssl context, ca_file, temp dir to remove or None)``."""
    from .tls import TlsError, create_tls_material, server_context
    temp_dir = None
    directory = args.tls_dir
    if not directory:
        directory = temp_dir = tempfile.mkdtemp(prefix='cas-emulator-tls-')
    try:
        ca_file, cert_file, key_file = create_tls_material(directory, extra_names=[args.host])
        return server_context(cert_file, key_file), ca_file, temp_dir
    except (TlsError, OSError, ValueError) as exc:
        if temp_dir:
            shutil.rmtree(temp_dir, ignore_errors=True)
        fail(exc)
    return None, None, None


def main(argv=None):
    """Start the emulator and serve until SIGINT or SIGTERM."""
    args = build_parser().parse_args(argv)
    if args.qps < 0:
        fail('--qps must be 0 or more')
    if args.port < 0 or args.port > 65535:
        fail('--port must be between 0 and 65535')
    if args.sts_duration is not None and not 1 <= args.sts_duration <= MAX_TESTING_DURATION:
        fail('--sts-duration must be between 1 and %d seconds' % MAX_TESTING_DURATION)
    if args.parent_pid is not None and not process_exists(args.parent_pid):
        fail('--parent-pid %d: no such process' % args.parent_pid)
    if args.parent_program is not None:
        args.parent_pid = ancestor_running(args.parent_program)
        if args.parent_pid is None:
            fail('--parent-program %s: no ancestor process runs %s' % (args.parent_program, args.parent_program))
    try:
        extra_keys = [parse_access_key_arg(value) for value in args.access_key]
        fixtures = load_fixtures(args.fixtures, now_ms=int(time.time() * 1000), extra_keys=extra_keys)
    except FixtureError as exc:
        fail(exc)

    ssl_context, ca_file, temp_dir = (None, None, None)
    if args.tls:
        ssl_context, ca_file, temp_dir = _tls_context(args)

    state = EmulatorState(qps=args.qps)
    try:
        server = EmulatorServer((args.host, args.port), fixtures, state, verbose=args.verbose, ssl_context=ssl_context)
    except (OSError, OverflowError) as exc:
        if temp_dir:
            shutil.rmtree(temp_dir, ignore_errors=True)
        fail('cannot listen on %s:%s: %s' % (args.host, args.port, exc))
    overrides = {}
    if args.sts_duration is not None:
        overrides['sts_duration'] = args.sts_duration
    if args.metadata_require_token:
        overrides['metadata_require_token'] = True
    if args.no_metadata:
        overrides['metadata_enabled'] = False
    state.set_default_settings(**overrides)

    # SIGINT, SIGTERM and POST /_emulator/shutdown set it; so does the end of --parent-pid.
    stop = state.stop_event

    def _on_signal(signum, frame):
        stop.set()

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)

    host = server.server_address[0]
    url_host = '[%s]' % host if ':' in host else host
    sys.stdout.write('%s://%s:%d\n' % ('https' if ssl_context else 'http', url_host, server.port))
    if ca_file:
        sys.stdout.write('ca_file: %s\n' % ca_file)
    sys.stdout.flush()
    if args.daemon:
        daemonize()
    server.log('serving %d access keys, %d instances, %d roles and %d OIDC providers from %s, qps %d' % (
        len(fixtures.access_keys), len(fixtures.instances), len(fixtures.roles), len(fixtures.oidc_providers),
        fixtures.source, args.qps))

    thread = threading.Thread(target=server.serve_forever, kwargs={'poll_interval': 0.05}, name='emulator-server', daemon=True)
    thread.start()
    try:
        while not stop.wait(0.25):
            if not thread.is_alive():
                break
            if args.parent_pid is not None and not process_exists(args.parent_pid):
                server.log('process %d ended: stopping' % args.parent_pid)
                break
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
        if temp_dir:
            shutil.rmtree(temp_dir, ignore_errors=True)
        server.log('stopped')
    return 0


if __name__ == '__main__':
    sys.exit(main())
