# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers for tests: start the emulator as a subprocess and drive its control interface.

    from emulator.testing import start_emulator, DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET

    with start_emulator(qps=3) as emu:
        emu.inject('http503', count=2)
        ...  # point the client at emu.url / emu.host_port
        assert emu.counters()['requests'] == 3

    with start_emulator() as emu:                 # STS and ECS metadata on the same port
        emu.set_sts_duration(5)                   # every credential issued now lives 5 seconds
        emu.sts_endpoint, emu.metadata_endpoint   # what ALIBABA_CLOUD_STS_ENDPOINT / ALICLOUD_CAS_ECS_METADATA_ENDPOINT take
"""

from __future__ import annotations

import json
import os
import queue
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

from . import COLLECTION_ROOT
from .demo import (
    DEFAULT_ACCOUNT_ID,
    DEMO_ACCESS_KEY_ID,
    DEMO_ACCESS_KEY_SECRET,
    DEMO_CERTIFICATE_ISSUERS,
    DEMO_CERTIFICATES,
    DEMO_ECS_ROLE_NAME,
    DEMO_EXPIRED_OIDC_TOKEN,
    DEMO_INSTANCE_IDS,
    DEMO_NO_BEFORE_TIME_INSTANCE_ID,
    DEMO_NOT_YET_VALID_INSTANCE_ID,
    DEMO_OIDC_ISSUER,
    DEMO_OIDC_PROVIDER_ARN,
    DEMO_OIDC_SUBJECT,
    DEMO_OIDC_TOKEN,
    DEMO_ROLE_ARN,
    DEMO_ROLE_NAME,
    DEMO_STS_ACCESS_KEY_ID,
    DEMO_STS_ACCESS_KEY_SECRET,
    DEMO_STS_SECURITY_TOKEN,
    MISSING_ROLE_ARN,
    NOPERM_ACCESS_KEY_ID,
    NOPERM_ACCESS_KEY_SECRET,
    OTHER_ACCOUNT_ACCESS_KEY_ID,
    OTHER_ACCOUNT_ACCESS_KEY_SECRET,
    OTHER_ACCOUNT_ID,
    OTHER_ACCOUNT_INSTANCE_ID,
    UNASSUMABLE_ROLE_ARN,
    UNASSUMABLE_ROLE_NAME,
    UNKNOWN_CERTIFICATE_IDENTIFIER,
)

__all__ = [
    'Emulator', 'EmulatorError', 'start_emulator', 'COLLECTION_ROOT',
    'DEFAULT_ACCOUNT_ID', 'DEMO_ACCESS_KEY_ID', 'DEMO_ACCESS_KEY_SECRET', 'DEMO_STS_ACCESS_KEY_ID',
    'DEMO_STS_ACCESS_KEY_SECRET', 'DEMO_STS_SECURITY_TOKEN', 'NOPERM_ACCESS_KEY_ID', 'NOPERM_ACCESS_KEY_SECRET',
    'OTHER_ACCOUNT_ACCESS_KEY_ID', 'OTHER_ACCOUNT_ACCESS_KEY_SECRET', 'OTHER_ACCOUNT_ID',
    'DEMO_ROLE_NAME', 'DEMO_ROLE_ARN', 'UNASSUMABLE_ROLE_NAME', 'UNASSUMABLE_ROLE_ARN', 'MISSING_ROLE_ARN',
    'DEMO_OIDC_PROVIDER_ARN', 'DEMO_OIDC_ISSUER', 'DEMO_OIDC_SUBJECT', 'DEMO_OIDC_TOKEN', 'DEMO_EXPIRED_OIDC_TOKEN',
    'DEMO_ECS_ROLE_NAME', 'DEMO_INSTANCE_IDS', 'DEMO_NOT_YET_VALID_INSTANCE_ID', 'DEMO_NO_BEFORE_TIME_INSTANCE_ID',
    'OTHER_ACCOUNT_INSTANCE_ID', 'DEMO_CERTIFICATES', 'DEMO_CERTIFICATE_ISSUERS', 'UNKNOWN_CERTIFICATE_IDENTIFIER',
]

STARTUP_TIMEOUT = 30


class EmulatorError(RuntimeError):
    """The emulator did not start, or a control request failed."""


class Emulator:
    """A running emulator subprocess (also a context manager that stops it)."""

    def __init__(self, process, url, ca_file, stderr_file, temp_files=()):
        self.process = process
        self.url = url
        self.ca_file = ca_file
        self.host_port = url.split('://', 1)[1]
        self.port = int(self.host_port.rsplit(':', 1)[1])
        self._stderr_file = stderr_file
        self._stderr_text = None
        self._temp_files = list(temp_files)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def __repr__(self):
        return 'Emulator(%r, pid=%r)' % (self.url, self.process.pid)

    # Lifecycle -------------------------------------------------------------

    def stop(self, timeout=10):
        """Send SIGTERM, wait (kill after ``timeout`` seconds); return the exit code."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout)
        if self.process.stdout is not None:
            self.process.stdout.close()
        if self._stderr_text is None:
            self._stderr_text = self.stderr_output()
        for path in self._temp_files:
            try:
                os.unlink(path)
            except OSError:
                pass
        self._temp_files = []
        return self.process.returncode

    def stderr_output(self):
        """Everything the emulator wrote to stderr so far (access log with --verbose)."""
        if self._stderr_text is not None:
            return self._stderr_text
        with open(self._stderr_file.name, 'r', encoding='utf-8', errors='replace') as handle:
            return handle.read()

    # Control interface -----------------------------------------------------

    def ssl_context(self):
        """An SSLContext trusting the emulator CA (None over plain HTTP)."""
        if not self.ca_file:
            return None
        return ssl.create_default_context(cafile=self.ca_file)

    def control(self, method, path, body=None, timeout=10):
        """Call ``/_emulator/<path>``; return ``(status, decoded JSON)``."""
        data = None if body is None else json.dumps(body).encode('utf-8')
        request = urllib.request.Request('%s/_emulator/%s' % (self.url, path.lstrip('/')), data=data, method=method,
                                         headers={'Content-Type': 'application/json'})
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=self.ssl_context()))
        try:
            with opener.open(request, timeout=timeout) as response:
                return response.status, json.loads(response.read().decode('utf-8'))
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read().decode('utf-8') or '{}')

    def _checked(self, method, path, body=None):
        """Control call that raises EmulatorError unless the answer is 200."""
        status, data = self.control(method, path, body)
        if status != 200:
            raise EmulatorError('%s /_emulator/%s failed with %s: %s' % (method, path, status, data.get('error', data)))
        return data

    def inject(self, kind, count=1, **kwargs):
        """Queue a fault for the next ``count`` API requests (kwargs: target, seconds, retry_after_ms, interval, field, value)."""
        body = {'kind': kind, 'count': count}
        body.update(kwargs)
        return self._checked('POST', 'faults', body)

    def counters(self):
        """The counters (requests, calls_by_action, calls_by_instance, calls_by_identifier, throttled, ...)."""
        return self._checked('GET', 'counters')

    def certificates(self):
        """The client and server certificates of the fixtures (Identifier, InstanceId, CertificateType, ...)."""
        return self._checked('GET', 'certificates')['certificates']

    def reset(self):
        """Clear counters, faults, nonces, throttling windows and clock skew."""
        return self._checked('POST', 'reset')

    def skew_clock(self, seconds):
        """Skew the emulator clock by ``seconds`` (affects timestamp checks)."""
        return self._checked('POST', 'clock', {'skew_seconds': seconds})

    def health(self):
        """True if the emulator answers its health check."""
        return self._checked('GET', 'health').get('ok') is True

    # STS and metadata ------------------------------------------------------

    @property
    def sts_endpoint(self):
        """The STS endpoint (the base URL: STS is served on the same port), for ALIBABA_CLOUD_STS_ENDPOINT."""
        return self.url

    @property
    def metadata_endpoint(self):
        """The ECS metadata service URL (same port), for ALICLOUD_CAS_ECS_METADATA_ENDPOINT."""
        return self.url

    def settings(self, **changes):
        """Read (no arguments) or change the runtime settings until the next reset:
        ``sts_duration``, ``metadata_enabled``, ``metadata_require_token``, ``ecs_role``."""
        if not changes:
            return self._checked('GET', 'settings')
        return self._checked('POST', 'settings', changes)

    def set_sts_duration(self, seconds):
        """Every credential issued from now on (STS and metadata) expires after ``seconds`` (None: as requested)."""
        return self.settings(sts_duration=seconds)

    def set_metadata(self, enabled=None, require_token=None, **role):
        """Switch the metadata service on/off, its hardened (token required) mode, or the attached role
        (``role=None`` detaches it)."""
        changes = {}
        if enabled is not None:
            changes['metadata_enabled'] = enabled
        if require_token is not None:
            changes['metadata_require_token'] = require_token
        if 'role' in role:
            changes['ecs_role'] = role.pop('role')
        if role:
            raise TypeError('unknown argument %r' % sorted(role)[0])
        return self.settings(**changes)

    def issued_credentials(self):
        """The temporary credentials issued so far (AccessKeyId, account, source, Expiration, expired)."""
        return self._checked('GET', 'credentials')['issued']

    def expire_credentials(self):
        """Make every issued temporary credential expire now; return how many there were."""
        return self._checked('POST', 'credentials/expire')['expired']


def process_gone(pid, within=10.0):
    """True once process ``pid`` has ended (or is a zombie nobody reaped yet) within ``within`` seconds: for
    emulators started with ``--daemon``, which are nobody's child here."""
    deadline = time.monotonic() + within
    while True:
        try:
            with open('/proc/%d/stat' % pid, encoding='ascii') as handle:
                if handle.read().rsplit(')', 1)[1].split()[0] == 'Z':
                    return True
        except FileNotFoundError:
            return True
        except OSError:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)


def _reader(stream, lines):
    """Forward the subprocess stdout lines to a queue."""
    for line in iter(stream.readline, ''):
        lines.put(line)
    lines.put(None)


def start_emulator(extra_args=(), fixtures=None, qps=None, tls=False, env=None, timeout=STARTUP_TIMEOUT):
    """Start ``python -m <this package> --port 0`` from the collection root and return a running Emulator.

    ``fixtures`` is a path or a dict (written to a temporary JSON file); ``env`` is added to os.environ.
    """
    temp_files = []
    # This package's own name: emulator in a checkout, ansible_collections.seed.alicloud_cas.emulator in an installed
    # collection (PYTHONPATH holds the collections directory), alicloud_cas_emulator when pip installed it.
    args = [sys.executable, '-m', __package__, '--port', '0']
    if fixtures is not None:
        if isinstance(fixtures, dict):
            handle = tempfile.NamedTemporaryFile('w', suffix='.json', prefix='cas-emulator-fixtures-', delete=False, encoding='utf-8')
            with handle:
                json.dump(fixtures, handle)
            temp_files.append(handle.name)
            fixtures = handle.name
        args += ['--fixtures', str(fixtures)]
    if qps is not None:
        args += ['--qps', str(qps)]
    if tls:
        args.append('--tls')
    args += [str(arg) for arg in extra_args]
    child_env = dict(os.environ)
    child_env.update(env or {})
    stderr_file = tempfile.NamedTemporaryFile('w+b', prefix='cas-emulator-stderr-', suffix='.log', delete=False)
    temp_files.append(stderr_file.name)
    process = subprocess.Popen(args, cwd=COLLECTION_ROOT, env=child_env, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=stderr_file, text=True, encoding='utf-8')
    stderr_file.close()
    lines = queue.Queue()
    threading.Thread(target=_reader, args=(process.stdout, lines), daemon=True).start()
    wanted = 2 if tls or '--tls' in args else 1
    received = []
    try:
        while len(received) < wanted:
            line = lines.get(timeout=timeout)
            if line is None:
                break
            received.append(line.strip())
    except queue.Empty:
        pass
    if len(received) < wanted or not received[0].startswith(('http://', 'https://')):
        if process.poll() is None:
            process.kill()
        process.wait(5)
        with open(stderr_file.name, 'r', encoding='utf-8', errors='replace') as handle:
            stderr = handle.read().strip()
        for path in temp_files:
            try:
                os.unlink(path)
            except OSError:
                pass
        raise EmulatorError('the emulator did not start (exit code %s): %s' % (process.returncode, stderr or received))
    ca_file = None
    if wanted == 2:
        ca_file = received[1].split(':', 1)[1].strip()
    return Emulator(process, received[0], ca_file, stderr_file, temp_files)
