# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hostile and broken answers: slow (drip, endless), broken framing (reset, short, chunked, gzip), hostile JSON
(deep, huge numbers, duplicates) and an endpoint that echoes the caller's credentials."""

from __future__ import annotations

import gzip
import http.client
import json
import os
import socket
import threading
import time
import zlib

import pytest

from emulator.faults import DEEP_JSON_DEPTH, DEFAULT_HUGE_NUMBER, parse_fault_request
from emulator.testing import (DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, DEMO_ECS_ROLE_NAME, DEMO_OIDC_PROVIDER_ARN, DEMO_OIDC_TOKEN,
                              DEMO_ROLE_ARN, DEMO_STS_ACCESS_KEY_ID, DEMO_STS_ACCESS_KEY_SECRET, DEMO_STS_SECURITY_TOKEN,
                              start_emulator)

from emulator_signing import assume_role_v3, build_v1, build_v3, metadata, oidc_get, oidc_params, send, v1, v3

KEY = (DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET)
ROOT = 'cas-member-demo-root'


# Raw HTTP helpers ----------------------------------------------------------------

def request_bytes(emu, request):
    """A (method, path, body, headers) request as bytes, with Host and Content-Length."""
    method, path, body, headers = request
    lines = ['%s %s HTTP/1.1' % (method, path)]
    if 'host' not in set(name.lower() for name in headers):
        lines.append('Host: %s' % emu.host_port)
    lines += ['%s: %s' % item for item in headers.items()]
    lines.append('Content-Length: %d' % len(body))
    return ('\r\n'.join(lines) + '\r\n\r\n').encode() + body


def open_raw(emu, request, timeout=15):
    """Connect and send a request; return the socket."""
    sock = socket.create_connection(('127.0.0.1', emu.port), timeout=timeout)
    sock.sendall(request_bytes(emu, request))
    return sock


def read_head(sock):
    """Read up to the end of the response head; return (head without the blank line, bytes after it, number of recv calls)."""
    data, calls = b'', 0
    while b'\r\n\r\n' not in data:
        chunk = sock.recv(65536)
        assert chunk, 'connection closed inside the head: %r' % data
        data += chunk
        calls += 1
    head, _blank, rest = data.partition(b'\r\n\r\n')
    return head, rest, calls


def header(head, name):
    """A header value of a raw head (None if absent)."""
    for line in head.split(b'\r\n')[1:]:
        key, _sep, value = line.partition(b':')
        if key.strip().lower() == name.lower().encode():
            return value.strip().decode()
    return None


def read_body(sock, rest, length):
    """Read until ``length`` body bytes are there; return (body, number of recv calls)."""
    body, calls = rest, 0
    while len(body) < length:
        chunk = sock.recv(65536)
        assert chunk, 'connection closed after %d of %d body bytes' % (len(body), length)
        body += chunk
        calls += 1
    return body, calls


def read_to_end(sock):
    """Read until the server closes; return (bytes, the exception that ended it or None for a clean close)."""
    data = b''
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                return data, None
            data += chunk
    except OSError as exc:
        return data, exc


def thread_count(emu):
    """Threads of the emulator process (Linux)."""
    return len(os.listdir('/proc/%d/task' % emu.process.pid))


def wait_for_threads(emu, at_most, timeout=15):
    """Wait until the emulator has at most ``at_most`` threads; return the last count."""
    deadline = time.monotonic() + timeout
    count = thread_count(emu)
    while count > at_most and time.monotonic() < deadline:
        time.sleep(0.05)
        count = thread_count(emu)
    return count


needs_proc = pytest.mark.skipif(not os.path.isdir('/proc/self/task'), reason='needs /proc to count threads')


def root_request():
    return build_v1(*KEY, business={'InstanceId': ROOT})


# Slow answers ----------------------------------------------------------------------

def test_drip_headers_sends_the_head_a_byte_at_a_time(emulator):
    emulator.inject('drip_headers', interval=0.01)
    with open_raw(emulator, root_request()) as sock:
        head, rest, calls = read_head(sock)
        assert calls >= len(head) // 4  # about one recv per byte; an ordinary head arrives in one
        assert head.startswith(b'HTTP/1.1 200 OK')
        body, _calls = read_body(sock, rest, int(header(head, 'Content-Length')))
    assert [inst['InstanceId'] for inst in json.loads(body)['InstanceStatusList']] == [ROOT]
    assert emulator.counters()['faults_injected'] == 1
    assert v1(emulator, *KEY).status == 200


def test_drip_body_sends_a_correct_head_then_the_body_a_byte_at_a_time(emulator):
    emulator.inject('drip_body', interval=0.01)
    with open_raw(emulator, root_request()) as sock:
        head, rest, _calls = read_head(sock)
        length = int(header(head, 'Content-Length'))
        body, calls = read_body(sock, rest, length)
    assert len(body) == length and calls >= length // 4
    assert json.loads(body)['InstanceStatusList'][0]['InstanceId'] == ROOT


@needs_proc
def test_a_drip_does_not_block_other_requests_and_a_client_that_leaves_ends_it(emulator):
    idle_threads = thread_count(emulator)
    emulator.inject('drip_body', interval=0.5)  # ~300 bytes: minutes
    sock = open_raw(emulator, root_request())
    try:
        read_head(sock)
        assert sock.recv(1)
        for _attempt in range(3):
            assert v3(emulator, *KEY, query={'InstanceId': ROOT}, timeout=5).status == 200
        assert thread_count(emulator) > idle_threads
    finally:
        sock.close()
    assert wait_for_threads(emulator, idle_threads) <= idle_threads
    assert emulator.stderr_output() == ''  # no traceback for the broken pipe


@needs_proc
def test_endless_chunked_never_ends_and_stops_when_the_client_leaves(emulator):
    idle_threads = thread_count(emulator)
    emulator.inject('endless_chunked', interval=0.02)
    sock = open_raw(emulator, root_request())
    try:
        head, rest, _calls = read_head(sock)
        assert head.startswith(b'HTTP/1.1 200 OK')
        assert header(head, 'Transfer-Encoding') == 'chunked' and header(head, 'Content-Length') is None
        assert header(head, 'Content-Type') == 'application/json;charset=utf-8'
        body = rest
        while body.count(b'1\r\n \r\n') < 10:
            body += sock.recv(65536)
        assert body.replace(b'1\r\n \r\n', b'') == b''  # spaces only, never the last chunk
        assert v1(emulator, *KEY, timeout=5).status == 200  # served meanwhile
        assert thread_count(emulator) > idle_threads
    finally:
        sock.close()
    assert wait_for_threads(emulator, idle_threads) <= idle_threads
    assert emulator.stderr_output() == ''
    assert emulator.counters()['faults_injected'] == 1


def test_endless_chunked_default_interval_and_http_client_view(emulator):
    emulator.inject('endless_chunked')
    status, pending = emulator.control('GET', 'faults')
    assert status == 200 and pending['pending'] == [{'kind': 'endless_chunked', 'interval': 0.2}]
    method, path, body, headers = root_request()
    conn = http.client.HTTPConnection('127.0.0.1', emulator.port, timeout=1)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        assert response.status == 200 and response.chunked
        assert response.read(3) == b'   '  # and so on, for ever
    finally:
        conn.close()


def test_sigterm_stops_the_emulator_during_an_endless_answer():
    emu = start_emulator()
    try:
        emu.inject('endless_chunked', interval=0.05)
        sock = open_raw(emu, root_request())
        read_head(sock)
        assert emu.stop() == 0  # exits cleanly, not killed after the 10 s grace period
        data, _error = read_to_end(sock)
        assert b'0\r\n\r\n' not in data
        sock.close()
    finally:
        emu.stop()
    assert 'Traceback' not in emu.stderr_output()


# Broken framing --------------------------------------------------------------------

def test_reset_mid_body(emulator):
    emulator.inject('reset_mid_body')
    with open_raw(emulator, root_request()) as sock:
        head, rest, _calls = read_head(sock)
        data, error = read_to_end(sock)
    length = int(header(head, 'Content-Length'))
    full = v1(emulator, *KEY, business={'InstanceId': ROOT}).body
    assert length == len(full)
    assert len(rest + data) == length // 2
    assert isinstance(error, ConnectionResetError)
    emulator.inject('reset_mid_body')
    with pytest.raises((http.client.IncompleteRead, ConnectionResetError)):
        send(emulator, root_request())


def test_short_body_announces_more_than_it_sends_then_closes_cleanly(emulator):
    emulator.inject('short_body')
    with open_raw(emulator, root_request()) as sock:
        head, rest, _calls = read_head(sock)
        data, error = read_to_end(sock)
    body = rest + data
    assert error is None  # a clean close (FIN), not a reset
    assert int(header(head, 'Content-Length')) > len(body)
    assert json.loads(body)['InstanceStatusList'][0]['InstanceId'] == ROOT
    emulator.inject('short_body')
    with pytest.raises(http.client.IncompleteRead):
        send(emulator, root_request())


def test_bad_chunked(emulator):
    emulator.inject('bad_chunked')
    with open_raw(emulator, root_request()) as sock:
        head, rest, _calls = read_head(sock)
        data, _error = read_to_end(sock)
    assert header(head, 'Transfer-Encoding') == 'chunked' and header(head, 'Content-Length') is None
    assert (rest + data).startswith(b'zz\r\n{"RequestId":')
    emulator.inject('bad_chunked')
    with pytest.raises((http.client.HTTPException, ValueError)):
        send(emulator, root_request())


def test_bad_gzip(emulator):
    emulator.inject('bad_gzip')
    response = send(emulator, root_request())
    assert response.status == 200 and response.header('Content-Encoding') == 'gzip'
    assert int(response.header('Content-Length')) == len(response.body)
    with pytest.raises((OSError, EOFError, zlib.error)):
        gzip.decompress(response.body)
    assert response.json()['InstanceStatusList'][0]['InstanceId'] == ROOT  # plain JSON under a gzip label


def test_delivery_faults_also_break_error_answers(emulator):
    emulator.inject('short_body')
    with open_raw(emulator, build_v1(DEMO_ACCESS_KEY_ID, 'wrong-secret')) as sock:
        head, rest, _calls = read_head(sock)
        data, _error = read_to_end(sock)
    assert head.startswith(b'HTTP/1.1 400 ')
    assert json.loads(rest + data)['Code'] == 'SignatureDoesNotMatch'
    assert int(header(head, 'Content-Length')) > len(rest + data)


def test_delivery_faults_on_sts_and_metadata(emulator):
    emulator.inject('bad_gzip', target='sts')
    assert v1(emulator, *KEY).header('Content-Encoding') is None  # a CAS call skips it
    response = assume_role_v3(emulator, *KEY, {'RoleArn': DEMO_ROLE_ARN, 'RoleSessionName': 'gzip'})
    assert response.header('Content-Encoding') == 'gzip' and response.json()['Credentials']['AccessKeyId'].startswith('STS.')
    emulator.inject('drip_headers', target='metadata', interval=0.01)
    response = metadata(emulator, 'GET', '/latest/meta-data/ram/security-credentials/')
    assert response.status == 200 and response.body.decode() == DEMO_ECS_ROLE_NAME
    emulator.inject('endless_chunked', target='metadata', interval=0.01)
    with open_raw(emulator, ('GET', '/latest/meta-data/ram/security-credentials/', b'', {})) as sock:
        head, rest, _calls = read_head(sock)
        assert header(head, 'Transfer-Encoding') == 'chunked' and header(head, 'x-acs-request-id') is None
        while rest.count(b'1\r\n \r\n') < 3:
            rest += sock.recv(65536)
    assert emulator.counters()['faults_injected'] == 3


# Hostile JSON ------------------------------------------------------------------------

def test_deep_json(emulator):
    emulator.inject('deep_json')
    response = v1(emulator, *KEY, business={'InstanceId': ROOT})
    assert response.status == 200
    request_id = response.header('x-acs-request-id')
    prefix = ('{"RequestId":"%s","InstanceStatusList":' % request_id).encode()
    assert response.body == prefix + b'[' * DEEP_JSON_DEPTH + b']' * DEEP_JSON_DEPTH + b'}'  # valid JSON, 100000 levels
    with pytest.raises(RecursionError):
        json.loads(response.body)


def test_huge_numbers_default_is_year_10000(emulator):
    emulator.inject('huge_numbers')
    [inst] = v3(emulator, *KEY, query={'InstanceId': ROOT}).json()['InstanceStatusList']
    assert inst['AfterTime'] == int(DEFAULT_HUGE_NUMBER) == 253402300800000
    assert time.gmtime(inst['AfterTime'] // 1000 - 86400).tm_year == 9999
    assert inst['InstanceId'] == ROOT and inst['Status'] == 'USED'


@pytest.mark.parametrize('field, value, check', [
    ('AfterTime', '1e400', lambda parsed: parsed == float('inf')),
    ('CertTotalCount', '-1', lambda parsed: parsed == -1),
    ('BeforeTime', '1' * 5000, None),
    ('UseExpireTime', 99999999999999999999, lambda parsed: parsed == 99999999999999999999),
])
def test_huge_numbers_inserts_the_token_verbatim(emulator, field, value, check):
    emulator.inject('huge_numbers', field=field, value=value)
    response = v3(emulator, *KEY, query={'InstanceId': ROOT})
    assert ('"%s":%s' % (field, value)).encode() in response.body
    if check is None:  # 5000 digits: over Python's default int conversion limit
        with pytest.raises(ValueError):
            response.json()
    else:
        [inst] = response.json()['InstanceStatusList']
        assert check(inst[field])


def test_huge_numbers_touch_every_listed_instance(emulator):
    emulator.inject('huge_numbers', value='1e400')
    instances = v3(emulator, *KEY).json()['InstanceStatusList']
    assert len(instances) > 1 and all(inst['AfterTime'] == float('inf') for inst in instances)  # also added where absent


def test_duplicate_instance(emulator):
    emulator.inject('duplicate_instance')
    first, second = v3(emulator, *KEY, query={'InstanceId': ROOT}).json()['InstanceStatusList']
    assert first['InstanceId'] == second['InstanceId'] == ROOT
    assert (first['Status'], second['Status']) == ('REVOKE', 'USED')
    assert dict(first, Status='USED') == second
    emulator.inject('duplicate_instance')
    first, second = v3(emulator, *KEY, query={'InstanceId': 'cas-member-demo-revoked'}).json()['InstanceStatusList']
    assert (first['Status'], second['Status']) == ('USED', 'REVOKE')


def test_cas_data_faults_are_used_up_without_effect_on_sts_and_metadata(emulator):
    for kind in ('deep_json', 'huge_numbers', 'duplicate_instance'):
        emulator.inject(kind)
        response = assume_role_v3(emulator, *KEY, {'RoleArn': DEMO_ROLE_ARN, 'RoleSessionName': kind})
        assert response.status == 200 and response.json()['Credentials']['AccessKeyId'].startswith('STS.')
        emulator.inject(kind, target='metadata')
        response = metadata(emulator, 'GET', '/latest/meta-data/ram/security-credentials/' + DEMO_ECS_ROLE_NAME)
        assert response.json()['Code'] == 'Success'
    counters = emulator.counters()
    assert counters['faults_injected'] == 0
    assert emulator.control('GET', 'faults')[1]['pending'] == []


def test_data_faults_need_a_successful_call(emulator):
    emulator.inject('duplicate_instance')
    assert v1(emulator, DEMO_ACCESS_KEY_ID, 'wrong').json()['Code'] == 'SignatureDoesNotMatch'
    assert len(v1(emulator, *KEY, business={'InstanceId': ROOT}).json()['InstanceStatusList']) == 1


# Credentials echoed back -----------------------------------------------------------------

def assert_echoes(response, *secrets):
    assert response.status == 400
    body = response.json()
    assert list(body) == ['RequestId', 'HostId', 'Code', 'Message', 'Recommend']
    for secret in secrets:
        for field in ('Code', 'Message', 'RequestId', 'Recommend'):
            assert secret in body[field], (field, secret)
        assert secret not in response.header('x-acs-request-id')
    return body


def test_echo_secret_v3_long_term_key(emulator):
    emulator.inject('echo_secret')
    body = assert_echoes(v3(emulator, *KEY), DEMO_ACCESS_KEY_SECRET)
    assert body['Recommend'].startswith('https://api.aliyun.com/troubleshoot?q=')
    counters = emulator.counters()
    assert counters['faults_injected'] == 1 and counters['errors_by_code'] == {}
    assert counters['calls_by_access_key'] == {}  # answered before authentication


def test_echo_secret_v1_sts_key_with_token(emulator):
    emulator.inject('echo_secret')
    response = v1(emulator, DEMO_STS_ACCESS_KEY_ID, DEMO_STS_ACCESS_KEY_SECRET, token=DEMO_STS_SECURITY_TOKEN)
    assert_echoes(response, DEMO_STS_ACCESS_KEY_SECRET, DEMO_STS_SECURITY_TOKEN)


def test_echo_secret_even_with_a_wrong_signature_and_for_issued_keys(emulator):
    emulator.inject('echo_secret')
    assert_echoes(v3(emulator, DEMO_ACCESS_KEY_ID, 'not-the-secret'), DEMO_ACCESS_KEY_SECRET)
    creds = assume_role_v3(emulator, *KEY, {'RoleArn': DEMO_ROLE_ARN, 'RoleSessionName': 'echo'}).json()['Credentials']
    emulator.inject('echo_secret', target='sts')
    response = assume_role_v3(emulator, creds['AccessKeyId'], creds['AccessKeySecret'], {'RoleArn': DEMO_ROLE_ARN, 'RoleSessionName': 'x'},
                              token=creds['SecurityToken'])
    body = assert_echoes(response, creds['AccessKeySecret'], creds['SecurityToken'])
    assert 'product=Sts' in body['Recommend']


def test_echo_secret_is_used_up_without_a_known_key(emulator):
    emulator.inject('echo_secret', count=3)
    assert v1(emulator, 'LTAI5tNoSuchKey', 'x').json()['Code'] == 'InvalidAccessKeyId.NotFound'
    method, path, body, headers = build_v3(*KEY, emulator.host_port)
    headers['Authorization'] = 'garbage'
    assert send(emulator, (method, path, body, headers)).json()['Code'] == 'IncompleteSignature'
    response = oidc_get(emulator, oidc_params(DEMO_ROLE_ARN, DEMO_OIDC_PROVIDER_ARN, DEMO_OIDC_TOKEN))
    assert response.status == 200 and DEMO_ACCESS_KEY_SECRET not in response.body.decode()
    assert v1(emulator, *KEY).status == 200
    assert emulator.counters()['faults_injected'] == 0


# Validation ------------------------------------------------------------------------------

def test_new_fault_defaults():
    assert parse_fault_request({'kind': 'drip_headers'}) == ({'kind': 'drip_headers', 'interval': 0.5}, 1)
    assert parse_fault_request({'kind': 'drip_body', 'interval': 2}) == ({'kind': 'drip_body', 'interval': 2}, 1)
    assert parse_fault_request({'kind': 'endless_chunked'}) == ({'kind': 'endless_chunked', 'interval': 0.2}, 1)
    assert parse_fault_request({'kind': 'huge_numbers'}) == ({'kind': 'huge_numbers', 'field': 'AfterTime', 'value': '253402300800000'}, 1)
    assert parse_fault_request({'kind': 'huge_numbers', 'field': 'CertIssuedCount', 'value': 7}) == (
        {'kind': 'huge_numbers', 'field': 'CertIssuedCount', 'value': '7'}, 1)
    for kind in ('reset_mid_body', 'short_body', 'bad_chunked', 'bad_gzip', 'deep_json', 'duplicate_instance', 'echo_secret'):
        assert parse_fault_request({'kind': kind, 'target': 'cas'}) == ({'kind': kind, 'target': 'cas'}, 1)


@pytest.mark.parametrize('body, fragment', [
    ({'kind': 'drip_headers', 'interval': 0}, 'interval must be between'),
    ({'kind': 'drip_body', 'interval': 61}, 'interval must be between'),
    ({'kind': 'endless_chunked', 'interval': '1'}, 'interval must be a number'),
    ({'kind': 'bad_gzip', 'interval': 1}, "unknown field 'interval'"),
    ({'kind': 'huge_numbers', 'field': 'Status'}, 'field must be one of'),
    ({'kind': 'huge_numbers', 'value': 'NaN'}, 'value must be a JSON number'),
    ({'kind': 'huge_numbers', 'value': 'Infinity'}, 'value must be a JSON number'),
    ({'kind': 'huge_numbers', 'value': '01'}, 'value must be a JSON number'),
    ({'kind': 'huge_numbers', 'value': '1.'}, 'value must be a JSON number'),
    ({'kind': 'huge_numbers', 'value': '1e'}, 'value must be a JSON number'),
    ({'kind': 'huge_numbers', 'value': '1,"x":2'}, 'value must be a JSON number'),
    ({'kind': 'huge_numbers', 'value': 1.5}, 'value must be a JSON number'),
    ({'kind': 'huge_numbers', 'value': True}, 'value must be a JSON number'),
    ({'kind': 'huge_numbers', 'value': '1' * 100001}, 'value must be a JSON number'),
    ({'kind': 'deep_json', 'depth': 5}, "unknown field 'depth'"),
])
def test_new_fault_validation(emulator, body, fragment):
    status, answer = emulator.control('POST', 'faults', body)
    assert status == 400 and fragment in answer['error'], answer
    assert emulator.control('GET', 'faults')[1]['pending'] == []


def test_concurrent_drips_each_get_their_whole_answer(emulator):
    emulator.inject('drip_headers', count=4, interval=0.005)
    results = []

    def call():
        with open_raw(emulator, root_request()) as sock:
            head, rest, _calls = read_head(sock)
            body, _calls = read_body(sock, rest, int(header(head, 'Content-Length')))
            results.append(json.loads(body)['InstanceStatusList'][0]['InstanceId'])

    threads = [threading.Thread(target=call) for _index in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert results == [ROOT] * 4
