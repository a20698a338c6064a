# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every fault kind, fault ordering, and where faults apply (before authentication or on success only)."""

from __future__ import annotations

import json
import socket
import threading
import time

import pytest

from emulator.testing import DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, DEMO_INSTANCE_IDS, EmulatorError

from emulator_signing import build_v1, send, v1, v3

KEY = (DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET)
ROOT = 'cas-member-demo-root'


def error_code(response):
    return response.json()['Code']


@pytest.mark.parametrize('kind, status, code', [
    ('http500', 500, 'InternalError'),
    ('http503', 503, 'ServiceUnavailable'),
    ('throttle', 400, 'Throttling.User'),
])
def test_error_faults(emulator, kind, status, code):
    emulator.inject(kind)
    response = v1(emulator, *KEY)
    assert response.status == status
    body = response.json()
    assert body['Code'] == code
    assert list(body) == ['RequestId', 'HostId', 'Code', 'Message', 'Recommend']
    assert response.header('x-acs-request-id') == body['RequestId']
    assert v1(emulator, *KEY).status == 200
    counters = emulator.counters()
    assert counters['faults_injected'] == 1 and counters['requests'] == 2
    assert counters['errors_by_code'] == {code: 1}
    assert counters['throttled'] == 0


def test_retry_after(emulator):
    emulator.inject('retry_after', retry_after_ms=250)
    response = v3(emulator, *KEY)
    assert response.status == 429
    assert response.header('x-acs-retry-after') == '250'
    assert error_code(response) == 'Throttling.User'
    assert response.json()['Message'] == 'Request was denied due to user flow control.'


def test_html502(emulator):
    emulator.inject('html502')
    response = v1(emulator, *KEY)
    assert response.status == 502
    assert response.header('Content-Type') == 'text/html'
    assert b'502 Bad Gateway' in response.body
    with pytest.raises(ValueError):
        response.json()
    assert response.header('x-acs-request-id')


def test_reset(emulator):
    emulator.inject('reset')
    method, path, body, headers = build_v1(*KEY)
    host, port = emulator.host_port.rsplit(':', 1)
    sock = socket.create_connection((host, int(port)), timeout=10)
    try:
        request = '%s %s HTTP/1.1\r\nHost: %s\r\nContent-Length: 0\r\n\r\n' % (method, path, emulator.host_port)
        sock.sendall(request.encode())
        with pytest.raises(ConnectionResetError):
            data = sock.recv(65536)
            if not data:  # some stacks report the RST on the next call
                sock.recv(65536)
    finally:
        sock.close()
    assert emulator.counters()['faults_injected'] == 1
    assert v1(emulator, *KEY).status == 200


def test_reset_seen_by_http_client(emulator):
    import http.client
    emulator.inject('reset')
    with pytest.raises((ConnectionResetError, http.client.RemoteDisconnected)):
        v1(emulator, *KEY)


def test_hang_does_not_block_other_requests(emulator):
    emulator.inject('hang', seconds=1.5)
    result = {}

    def slow():
        started = time.monotonic()
        result['response'] = v1(emulator, *KEY, business={'InstanceId': ROOT})
        result['elapsed'] = time.monotonic() - started

    thread = threading.Thread(target=slow)
    thread.start()
    deadline = time.monotonic() + 5
    while emulator.counters()['requests'] < 1 and time.monotonic() < deadline:
        time.sleep(0.02)
    started = time.monotonic()
    assert v1(emulator, *KEY).status == 200
    assert time.monotonic() - started < 1.0
    assert thread.is_alive()
    thread.join(10)
    assert result['response'].status == 200
    assert result['response'].json()['InstanceStatusList'][0]['InstanceId'] == ROOT
    assert result['elapsed'] >= 1.4


def test_reset_drops_a_held_request_uncounted(emulator):
    """A request held by ``hang`` when the emulator is reset belongs to the test before: it is dropped, and the
    counters after the reset never see it (a late count would break the next test's call counts)."""
    emulator.inject('hang', seconds=30)
    result = {}

    def held():
        try:
            result['response'] = v1(emulator, *KEY, business={'InstanceId': ROOT})
        except (ConnectionError, OSError) as exc:  # http.client: reset, or closed before a status line
            result['error'] = exc

    thread = threading.Thread(target=held)
    thread.start()
    deadline = time.monotonic() + 5
    while emulator.counters()['faults_injected'] < 1 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert emulator.counters()['faults_injected'] == 1
    emulator.reset()
    thread.join(10)
    assert not thread.is_alive()
    assert 'response' not in result and 'error' in result
    counters = emulator.counters()
    assert counters['requests'] == 0
    assert dict(counters['calls_by_instance']) == {}


def test_truncated(emulator):
    emulator.inject('truncated')
    response = v1(emulator, *KEY)
    assert response.status == 200
    assert int(response.header('Content-Length')) == len(response.body) > 0
    with pytest.raises(ValueError):
        response.json()
    full = v1(emulator, *KEY).body
    assert len(full) // 2 == len(response.body)
    assert response.body.startswith(b'{"RequestId":"')


def test_bad_shape(emulator):
    emulator.inject('bad_shape')
    body = v3(emulator, *KEY).json()
    assert body['Unexpected'] is True and 'InstanceStatusList' not in body and body['RequestId']


def test_missing_fields(emulator):
    emulator.inject('missing_fields')
    instances = v3(emulator, *KEY).json()['InstanceStatusList']
    assert len(instances) == len(DEMO_INSTANCE_IDS)
    assert all('Status' not in inst and 'InstanceId' in inst for inst in instances)


def test_wrong_types(emulator):
    emulator.inject('wrong_types')
    [inst] = v3(emulator, *KEY, query={'InstanceId': ROOT}).json()['InstanceStatusList']
    assert isinstance(inst['CertTotalCount'], str)
    with pytest.raises(ValueError):
        int(inst['CertTotalCount'])
    assert isinstance(inst['AfterTime'], str)


def test_oversized(emulator):
    emulator.inject('oversized')
    response = v1(emulator, *KEY, business={'InstanceId': ROOT})
    assert response.status == 200
    assert 19 * 1024 * 1024 < len(response.body) < 22 * 1024 * 1024
    assert int(response.header('Content-Length')) == len(response.body)
    body = json.loads(response.body)
    assert body['InstanceStatusList'][0]['InstanceId'] == ROOT
    assert len(body['InstanceStatusList']) > 10000


def test_faults_apply_in_order_to_the_next_requests(emulator):
    emulator.inject('http500')
    emulator.inject('http503', count=2)
    emulator.inject('bad_shape')
    status, pending = emulator.control('GET', 'faults')
    assert status == 200 and [f['kind'] for f in pending['pending']] == ['http500', 'http503', 'http503', 'bad_shape']
    assert [v1(emulator, *KEY).status for _attempt in range(3)] == [500, 503, 503]
    assert 'Unexpected' in v1(emulator, *KEY).json()
    assert v1(emulator, *KEY).status == 200
    assert emulator.counters()['faults_injected'] == 4


def test_transport_faults_apply_before_authentication(emulator):
    emulator.inject('http503')
    assert v1(emulator, 'LTAI5tNoSuchKey', 'x').status == 503
    emulator.inject('throttle')
    assert error_code(send(emulator, ('GET', '/', b'', {}))) == 'Throttling.User'


def test_data_faults_only_replace_successful_calls(emulator):
    emulator.inject('truncated')
    response = v1(emulator, DEMO_ACCESS_KEY_ID, 'wrong-secret')
    assert error_code(response) == 'SignatureDoesNotMatch'  # the fault is used up without effect
    assert v1(emulator, *KEY).json()['InstanceStatusList']
    assert emulator.counters()['faults_injected'] == 0


def test_faults_do_not_touch_the_control_interface(emulator):
    emulator.inject('http500', count=3)
    assert emulator.health()
    assert emulator.counters()['requests'] == 0
    emulator.reset()
    assert v1(emulator, *KEY).status == 200


def test_inject_rejects_unknown_kinds(emulator):
    with pytest.raises(EmulatorError):
        emulator.inject('explode')
    status, body = emulator.control('POST', 'faults', {'kind': 'hang', 'seconds': 'long'})
    assert status == 400 and 'seconds' in body['error']


@pytest.mark.parametrize('path, body', [
    ('faults', {'kind': 'hang', 'seconds': float('nan')}),
    ('faults', {'kind': 'hang', 'seconds': float('inf')}),
    ('faults', {'kind': 'endless_chunked', 'interval': float('nan')}),
    ('faults', {'kind': 'drip_body', 'interval': float('nan')}),
    ('clock', {'skew_seconds': float('nan')}),
], ids=['hang-nan', 'hang-inf', 'endless-nan', 'drip-nan', 'clock-nan'])
def test_control_refuses_non_finite_numbers(emulator, path, body):
    # Python's json reads NaN and Infinity; NaN passes every range comparison and would make a hang or a drip spin.
    status, answer = emulator.control('POST', path, body)
    assert status == 400 and 'not a JSON number; give a finite number' in answer['error']
    assert emulator.control('GET', 'faults')[1]['pending'] == []
    assert emulator.control('GET', 'clock')[1]['skew_seconds'] == 0
