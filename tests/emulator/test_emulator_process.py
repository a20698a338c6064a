# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The process: stdout contract, signals, TLS, logging, command line errors, the testing helper."""

from __future__ import annotations

import errno
import os
import re
import select
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.request

import pytest

from emulator.testing import (COLLECTION_ROOT, DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, DEMO_ECS_ROLE_NAME, DEMO_INSTANCE_IDS,
                              DEMO_OIDC_PROVIDER_ARN, DEMO_OIDC_TOKEN, DEMO_ROLE_ARN, DEMO_STS_ACCESS_KEY_ID, DEMO_STS_ACCESS_KEY_SECRET,
                              DEMO_STS_SECURITY_TOKEN, EmulatorError, start_emulator)

from emulator_signing import assume_role_v3, build_v1, metadata, oidc_get, oidc_params, v1, v3

KEY = (DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET)


def _popen(*args):
    return subprocess.Popen([sys.executable, '-m', 'emulator', '--port', '0'] + list(args), cwd=COLLECTION_ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.parametrize('signum', [signal.SIGTERM, signal.SIGINT])
def test_first_line_is_the_url_and_signals_stop_cleanly(signum):
    process = _popen()
    try:
        line = process.stdout.readline()
        assert re.match(r'^http://127\.0\.0\.1:\d+\n$', line)
        port = int(line.strip().rsplit(':', 1)[1])
        with urllib.request.build_opener(urllib.request.ProxyHandler({})).open('http://127.0.0.1:%d/_emulator/health' % port, timeout=5) as rsp:
            assert rsp.status == 200
        process.send_signal(signum)
        out, err = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0
    assert out == ''
    assert 'Traceback' not in err and err == ''


def test_sigterm_during_a_hanging_request():
    emu = start_emulator()
    emu.inject('hang', seconds=60)
    thread = threading.Thread(target=lambda: _ignore_errors(lambda: v1(emu, *KEY, timeout=30)), daemon=True)
    thread.start()
    deadline = time.monotonic() + 5
    while emu.counters()['requests'] < 1 and time.monotonic() < deadline:
        time.sleep(0.02)
    started = time.monotonic()
    assert emu.stop() == 0
    assert time.monotonic() - started < 5
    assert 'Traceback' not in emu.stderr_output()


def _ignore_errors(func):
    try:
        func()
    except OSError:
        pass


def test_tls_serves_https_verifiable_with_the_printed_ca(tmp_path):
    tls_dir = tmp_path / 'tls'
    with start_emulator(tls=True, extra_args=['--tls-dir', str(tls_dir)]) as emu:
        assert emu.url.startswith('https://127.0.0.1:')
        assert emu.ca_file == str(tls_dir / 'ca.pem') and os.path.exists(emu.ca_file)
        assert oct(os.stat(tls_dir / 'server-key.pem').st_mode & 0o777) == '0o600'
        assert v3(emu, *KEY).status == 200
        assert emu.health() and emu.counters()['requests'] == 1
        context = ssl.create_default_context(cafile=emu.ca_file)
        for name in ('127.0.0.1', 'localhost'):
            with socket.create_connection(('127.0.0.1', emu.port), timeout=5) as raw:
                with context.wrap_socket(raw, server_hostname=name) as tls:
                    assert tls.version() in ('TLSv1.2', 'TLSv1.3')
        with pytest.raises(ssl.SSLError):
            with socket.create_connection(('127.0.0.1', emu.port), timeout=5) as raw:
                ssl.create_default_context().wrap_socket(raw, server_hostname='localhost')
        with open(emu.ca_file, 'rb') as handle:
            first_ca = handle.read()
    x509 = pytest.importorskip('cryptography.x509')
    with open(tls_dir / 'server.pem', 'rb') as handle:
        cert = x509.load_pem_x509_certificate(handle.read())
    sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert {str(ip) for ip in sans.get_values_for_type(x509.IPAddress)} >= {'127.0.0.1', '::1'}
    assert 'localhost' in sans.get_values_for_type(x509.DNSName)
    # a second start with the same --tls-dir reuses the CA
    with start_emulator(tls=True, extra_args=['--tls-dir', str(tls_dir)]) as emu:
        with open(emu.ca_file, 'rb') as handle:
            assert handle.read() == first_ca
        assert v1(emu, *KEY).status == 200


def test_verbose_logs_to_stderr_without_secrets():
    with start_emulator(extra_args=['--verbose']) as emu:
        v1(emu, DEMO_STS_ACCESS_KEY_ID, DEMO_STS_ACCESS_KEY_SECRET, token=DEMO_STS_SECURITY_TOKEN)
        v3(emu, DEMO_STS_ACCESS_KEY_ID, 'wrong', token=DEMO_STS_SECURITY_TOKEN)
        emu.inject('reset')
        _ignore_errors(lambda: v1(emu, *KEY))
        issued = assume_role_v3(emu, *KEY, {'RoleArn': DEMO_ROLE_ARN, 'RoleSessionName': 'log-test'}).json()['Credentials']
        oidc = oidc_get(emu, oidc_params(DEMO_ROLE_ARN, DEMO_OIDC_PROVIDER_ARN, DEMO_OIDC_TOKEN)).json()['Credentials']
        token = metadata(emu, 'PUT', '/latest/api/token', {'X-aliyun-ecs-metadata-token-ttl-seconds': '60'}).body.decode()
        ecs = metadata(emu, 'GET', '/latest/meta-data/ram/security-credentials/' + DEMO_ECS_ROLE_NAME,
                       {'X-aliyun-ecs-metadata-token': token}).json()
    log = emu.stderr_output()
    assert '"GET /?..." 200' in log and '"POST /" 400' in log
    assert '"PUT /latest/api/token" 200' in log
    secrets = [DEMO_STS_ACCESS_KEY_SECRET, DEMO_STS_SECURITY_TOKEN, 'EmulatorDemoStsToken', DEMO_ACCESS_KEY_SECRET, 'Signature=',
               DEMO_OIDC_TOKEN[:40], token]
    for creds in (issued, oidc, ecs):
        secrets += [creds['AccessKeySecret'], creds['SecurityToken']]
    for secret in secrets:
        assert secret not in log
    assert 'Traceback' not in log


def test_access_key_option_qps_zero_and_quiet_stderr():
    args = ['--access-key', 'LTAI5tCliKey1:cli-secret:with-colon', '--access-key', 'LTAI5tCliKey2:s2']
    with start_emulator(extra_args=args, qps=0) as emu:
        response = v1(emu, 'LTAI5tCliKey1', 'cli-secret:with-colon')
        assert response.status == 200 and len(response.json()['InstanceStatusList']) == len(DEMO_INSTANCE_IDS)
        assert v3(emu, 'LTAI5tCliKey2', 's2').status == 200
        assert v1(emu, DEMO_ACCESS_KEY_ID, 'wrong').status == 400
        # --qps 0: no throttling at all
        assert all(v1(emu, *KEY).status == 200 for _attempt in range(15))
        assert emu.counters()['throttled'] == 0
    assert emu.stderr_output() == ''  # quiet without --verbose


def test_port_in_use_exits_2():
    with socket.socket() as busy:
        busy.bind(('127.0.0.1', 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        result = subprocess.run([sys.executable, '-m', 'emulator', '--port', str(port)], cwd=COLLECTION_ROOT,
                                capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 2
    assert result.stderr.startswith('emulator: error: cannot listen on 127.0.0.1:%d' % port)
    assert len(result.stderr.strip().splitlines()) == 1


def test_ipv6_loopback():
    if not socket.has_ipv6:
        pytest.skip('no IPv6')
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(('::1', 0))
    except OSError:
        pytest.skip('no IPv6 loopback')
    with start_emulator(extra_args=['--host', '::1']) as emu:
        assert re.match(r'^http://\[::1\]:\d+$', emu.url)
        assert emu.health()
        with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(emu.url + '/_emulator/counters', timeout=5) as rsp:
            assert rsp.status == 200


def test_start_emulator_reports_startup_failures(tmp_path):
    bad = tmp_path / 'bad.yml'
    bad.write_text('instances: [{InstanceId: x}]\n', encoding='utf-8')
    with pytest.raises(EmulatorError) as info:
        start_emulator(fixtures=str(bad))
    assert "field 'Status'" in str(info.value)


def test_help():
    result = subprocess.run([sys.executable, '-m', 'emulator', '--help'], cwd=COLLECTION_ROOT, capture_output=True, text=True,
                            timeout=30, check=False)
    assert result.returncode == 0 and '--fixtures' in result.stdout and '--tls-dir' in result.stdout
    assert '--sts-duration' in result.stdout and '--metadata-require-token' in result.stdout and '--no-metadata' in result.stdout


CHILD = '''
import json, os, sys, urllib.request
url = os.environ['ALIBABA_CLOUD_ENDPOINT_CAS']
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
with opener.open(url + '/_emulator/health', timeout=10) as rsp:
    health = json.loads(rsp.read())
print(json.dumps({'url': url, 'health': health, 'id': os.environ['ALIBABA_CLOUD_ACCESS_KEY_ID'],
                  'secret': os.environ['ALIBABA_CLOUD_ACCESS_KEY_SECRET'],
                  'token': os.environ.get('ALIBABA_CLOUD_SECURITY_TOKEN'),
                  'sts': os.environ.get('ALIBABA_CLOUD_STS_ENDPOINT'),
                  'metadata': os.environ.get('ALICLOUD_CAS_ECS_METADATA_ENDPOINT')}))
sys.exit(3)
'''


def test_run_wrapper_passes_the_connection_and_the_exit_code():
    import json
    env = dict(os.environ, ALIBABA_CLOUD_SECURITY_TOKEN='left-over-token')
    result = subprocess.run([sys.executable, '-m', 'emulator.run', '--qps', '5', '--', sys.executable, '-c', CHILD],
                            cwd=COLLECTION_ROOT, capture_output=True, text=True, timeout=60, check=False, env=env)
    assert result.returncode == 3, result.stderr
    data = json.loads(result.stdout)
    assert re.match(r'^http://127\.0\.0\.1:\d+$', data['url']) and data['health'] == {'ok': True}
    assert (data['id'], data['secret'], data['token']) == (DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, None)
    assert data['sts'] == data['metadata'] == data['url']
    assert result.stderr.startswith('emulator.run: CAS emulator at http://127.0.0.1:')
    assert DEMO_ACCESS_KEY_SECRET not in result.stderr


def test_run_wrapper_usage_and_startup_errors():
    result = subprocess.run([sys.executable, '-m', 'emulator.run', 'true'], cwd=COLLECTION_ROOT, capture_output=True,
                            text=True, timeout=30, check=False)
    assert result.returncode == 2 and 'usage:' in result.stderr
    result = subprocess.run([sys.executable, '-m', 'emulator.run', '--fixtures', '/nonexistent.yml', '--', 'true'],
                            cwd=COLLECTION_ROOT, capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 2 and 'cannot read fixtures file' in result.stderr and 'Traceback' not in result.stderr


BURST = 50


def test_a_burst_of_new_connections_is_accepted_at_once():
    """50 clients connect at the same moment. With Python's default listen backlog (5) the kernel drops the SYNs
    that do not fit and those clients stall for the 1 s SYN retransmission; with the emulator's backlog every
    handshake completes at once, whatever the server threads are doing, and every call is then answered."""
    with start_emulator(qps=0) as emu:
        requests = []
        for _index in range(BURST):
            method, path, _body, _headers = build_v1(*KEY, business={'InstanceId': 'cas-member-demo-root'})
            requests.append(('%s %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n' % (method, path, emu.host_port)).encode())
        sockets = [socket.socket(socket.AF_INET, socket.SOCK_STREAM) for _index in range(BURST)]
        try:
            for sock in sockets:
                sock.setblocking(False)
            started = time.monotonic()
            for sock in sockets:
                assert sock.connect_ex(('127.0.0.1', emu.port)) in (0, errno.EINPROGRESS)
            connected, pending = set(), set(sockets)
            while pending and time.monotonic() - started < 0.9:
                _readable, writable, _errors = select.select([], list(pending), [], max(0.0, 0.9 - (time.monotonic() - started)))
                for sock in writable:
                    assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0
                    connected.add(sock)
                    pending.discard(sock)
            assert len(connected) == BURST  # backlog 5: about 5 to 10 here, the others about 1 s later
            answers = []
            for sock, request in zip(sockets, requests):
                sock.setblocking(True)
                sock.settimeout(30)
                sock.sendall(request)
            for sock in sockets:
                answers.append(_read_until_closed(sock))
        finally:
            for sock in sockets:
                sock.close()
        assert all(answer.startswith(b'HTTP/1.1 200 ') and b'"InstanceId":"cas-member-demo-root"' in answer for answer in answers)
        assert emu.counters()['calls_by_instance'] == {'cas-member-demo-root': BURST}


def _read_until_closed(sock):
    chunks = []
    while True:
        data = sock.recv(65536)
        if not data:
            return b''.join(chunks)
        chunks.append(data)
