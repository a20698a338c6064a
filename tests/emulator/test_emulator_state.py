# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests: state (throttling window, nonces, counters), control routing, loopback check, fault validation."""

from __future__ import annotations

import json
import threading

import pytest

from emulator.auth import check_timestamp, parse_timestamp
from emulator.control import handle_control, is_control_path, is_loopback
from emulator.errors import ApiError, error_body
from emulator.faults import FAULT_KINDS, parse_fault_request, truncated_body, wrong_types_body
from emulator.state import EmulatorState


class FakeClock:
    """A controllable monotonic/wall clock."""

    def __init__(self, start=1000.0):
        self.value = start

    def __call__(self):
        return self.value


def test_sliding_window_throttling():
    clock = FakeClock()
    state = EmulatorState(qps=3, monotonic=clock)
    assert [state.try_accept('k') for _attempt in range(4)] == [True, True, True, False]
    assert state.try_accept('other')
    clock.value += 0.5
    assert not state.try_accept('k')  # still 3 accepted in the last second; rejected calls do not count
    clock.value += 0.5001
    assert state.try_accept('k')
    counters = state.counters()
    assert counters['throttled'] == 2
    assert counters['max_in_one_second'] == 3


def test_sliding_window_is_not_a_fixed_bucket():
    clock = FakeClock()
    state = EmulatorState(qps=2, monotonic=clock)
    assert state.try_accept('k')
    clock.value += 0.9
    assert state.try_accept('k')
    clock.value += 0.2  # first call left the window, second is still in it
    assert state.try_accept('k')
    assert not state.try_accept('k')


def test_qps_zero_disables_throttling():
    state = EmulatorState(qps=0, monotonic=FakeClock())
    assert all(state.try_accept('k') for _attempt in range(100))
    assert state.counters()['max_in_one_second'] == 100


def test_nonce_window():
    clock = FakeClock()
    state = EmulatorState(monotonic=clock)
    assert state.use_nonce('k1', 'n')
    assert not state.use_nonce('k1', 'n')
    assert state.use_nonce('k2', 'n')  # per key
    clock.value += 15 * 60 + 1
    assert state.use_nonce('k1', 'n')  # expired after 15 minutes


def test_reset_clears_everything():
    state = EmulatorState(qps=1, monotonic=FakeClock())
    state.count_request('GetCAInstanceStatus')
    state.count_error('X')
    state.count_instance_call(None)
    state.count_identifier_call('c3e26e7943362eb8ae7cfff3bdf086cd')
    state.count_fault()
    state.queue_faults({'kind': 'http500'}, 2)
    state.set_skew(100)
    state.use_nonce('k', 'n')
    state.try_accept('k')
    state.reset()
    assert state.counters() == {'requests': 0, 'calls_by_action': {}, 'calls_by_instance': {}, 'calls_by_identifier': {}, 'calls_by_role': {},
                                'calls_by_access_key': {}, 'credentials_issued': {}, 'metadata_requests': {}, 'throttled': 0,
                                'errors_by_code': {}, 'faults_injected': 0, 'max_in_one_second': 0}
    assert state.pending_faults() == []
    assert state.skew_seconds == 0
    assert state.use_nonce('k', 'n')
    assert state.try_accept('k')


def test_counters_are_thread_safe():
    state = EmulatorState(qps=0)

    def work():
        for _attempt in range(1000):
            state.count_request('A')
            state.count_instance_call('i')

    threads = [threading.Thread(target=work) for _attempt in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    counters = state.counters()
    assert counters['requests'] == 8000 and counters['calls_by_action'] == {'A': 8000}
    assert counters['calls_by_instance'] == {'i': 8000}


def test_skewed_clock():
    state = EmulatorState(wall_clock=FakeClock(5000.0))
    state.set_skew(-1200)
    assert state.now() == 3800.0


@pytest.mark.parametrize('address, expected', [
    ('127.0.0.1', True), ('127.1.2.3', True), ('::1', True), ('::ffff:127.0.0.1', True),
    ('10.0.0.5', False), ('192.168.1.10', False), ('::ffff:10.0.0.1', False), ('2001:db8::1', False),
    ('0.0.0.0', False), ('fe80::1%eth0', False), ('localhost', False), ('', False),
])
def test_is_loopback(address, expected):
    assert is_loopback(address) is expected


def test_control_routes():
    state = EmulatorState()
    assert handle_control('GET', '/_emulator/health', b'', state) == (200, {'ok': True})
    status, data = handle_control('POST', '/_emulator/faults', b'{"kind": "hang", "count": 2, "seconds": 1.5}', state)
    assert status == 200 and data['queued'] == 2
    assert state.pending_faults() == [{'kind': 'hang', 'seconds': 1.5}] * 2
    status, data = handle_control('GET', '/_emulator/faults', b'', state)
    assert len(data['pending']) == 2 and set(data['kinds']) == set(FAULT_KINDS)
    assert handle_control('DELETE', '/_emulator/faults', b'', state)[0] == 200
    assert state.pending_faults() == []
    status, data = handle_control('POST', '/_emulator/clock', json.dumps({'skew_seconds': -1200}).encode(), state)
    assert status == 200 and data['skew_seconds'] == -1200
    assert handle_control('GET', '/_emulator/counters', b'', state)[1]['requests'] == 0
    assert handle_control('GET', '/_emulator/certificates', b'', state) == (200, {'certificates': []})  # no fixtures
    assert handle_control('POST', '/_emulator/certificates', b'', state)[0] == 405
    assert handle_control('POST', '/_emulator/reset', b'', state) == (200, {'ok': True})
    assert state.skew_seconds == 0
    assert handle_control('GET', '/_emulator/nope', b'', state)[0] == 404
    assert handle_control('GET', '/_emulator/reset', b'', state)[0] == 405
    assert handle_control('POST', '/_emulator/faults', b'{not json', state)[0] == 400
    assert handle_control('POST', '/_emulator/clock', b'{"skew_seconds": "1"}', state)[0] == 400
    assert handle_control('POST', '/_emulator/clock', b'{"skew": 1}', state)[0] == 400


def test_is_control_path():
    assert is_control_path('/_emulator/health')
    assert is_control_path('/_emulator')
    assert not is_control_path('/')
    assert not is_control_path('/_emulatorx')


@pytest.mark.parametrize('body', [
    {'kind': 'nope'}, {'kind': 'http500', 'count': 0}, {'kind': 'http500', 'count': 'x'}, {'kind': 'http500', 'count': True},
    {'kind': 'hang', 'seconds': -1}, {'kind': 'retry_after', 'retry_after_ms': 0}, {'kind': 'http500', 'seconds': 3}, [],
])
def test_parse_fault_request_rejects(body):
    with pytest.raises(ValueError):
        parse_fault_request(body)


def test_parse_fault_request_defaults():
    assert parse_fault_request({'kind': 'hang'}) == ({'kind': 'hang', 'seconds': 30}, 1)
    assert parse_fault_request({'kind': 'retry_after', 'count': 3}) == ({'kind': 'retry_after', 'retry_after_ms': 1000}, 3)
    assert parse_fault_request({'kind': 'reset'}) == ({'kind': 'reset'}, 1)


def test_fault_bodies():
    success = {'RequestId': 'R', 'InstanceStatusList': [{'InstanceId': 'i', 'Status': 'USED', 'CertTotalCount': 1, 'AfterTime': 5}]}
    assert truncated_body(b'0123456789') == b'01234'
    broken = json.loads(wrong_types_body(success))['InstanceStatusList'][0]
    assert isinstance(broken['CertTotalCount'], str) and not broken['CertTotalCount'].isdigit()
    assert isinstance(broken['AfterTime'], str)


def test_timestamp_parsing():
    assert parse_timestamp('2024-01-02T03:04:05Z') == 1704164645
    for bad in ('2024-01-02 03:04:05', '2024-01-02T03:04:05', '2024-01-02T03:04:05.123Z', '2024-13-02T03:04:05Z', '', None):
        with pytest.raises(ApiError) as info:
            parse_timestamp(bad)
        assert info.value.code == 'InvalidTimeStamp.Format'
    check_timestamp('2024-01-02T03:04:05Z', 1704164645 + 900)
    with pytest.raises(ApiError) as info:
        check_timestamp('2024-01-02T03:04:05Z', 1704164645 - 901)
    assert info.value.code == 'InvalidTimeStamp.Expired'


def test_error_body_shape():
    body = error_body('Throttling.User', 'Request was denied due to user flow control.', 'ABC', None)
    assert list(body) == ['RequestId', 'HostId', 'Code', 'Message', 'Recommend']
    assert body['HostId'] == 'cas.aliyuncs.com'
    assert body['Recommend'] == 'https://api.aliyun.com/troubleshoot?q=Throttling.User&product=cas&requestId=ABC'
    assert ApiError('MissingFoo').status == 400
    assert ApiError('Forbidden.RAM').status == 403
