# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The official SDK (test-only dependency) as the client, in V3 (default) and V1 (signature_algorithm='v2') mode."""

from __future__ import annotations

import os

import pytest

from emulator.testing import (DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, DEMO_INSTANCE_IDS, DEMO_STS_ACCESS_KEY_ID,
                              DEMO_STS_ACCESS_KEY_SECRET, DEMO_STS_SECURITY_TOKEN, NOPERM_ACCESS_KEY_ID, NOPERM_ACCESS_KEY_SECRET,
                              start_emulator)

cas_client = pytest.importorskip('alibabacloud_cas20200630.client')
cas_models = pytest.importorskip('alibabacloud_cas20200630.models')
openapi_models = pytest.importorskip('alibabacloud_tea_openapi.models')
util_models = pytest.importorskip('darabonba.runtime')

MODES = ['v3', 'v1']


def make_client(emu, mode, key_id=DEMO_ACCESS_KEY_ID, secret=DEMO_ACCESS_KEY_SECRET, token=None):
    """An SDK client pointed at the emulator (endpoint is host:port, protocol http or https)."""
    kwargs = dict(access_key_id=key_id, access_key_secret=secret, endpoint=emu.host_port,
                  protocol='https' if emu.ca_file else 'http')
    if token is not None:
        kwargs['security_token'] = token
    if mode == 'v1':
        kwargs['signature_algorithm'] = 'v2'
    return cas_client.Client(openapi_models.Config(**kwargs))


def call(client, emu=None, **request):
    runtime = util_models.RuntimeOptions(ca=emu.ca_file) if emu is not None and emu.ca_file else util_models.RuntimeOptions()
    return client.get_cainstance_status_with_options(cas_models.GetCAInstanceStatusRequest(**request), runtime).body.to_map()


def error_of(func):
    with pytest.raises(Exception) as info:
        func()
    return info.value


@pytest.mark.parametrize('mode', MODES)
def test_demo_key_returns_fixture_data(emulator, mode):
    body = call(make_client(emulator, mode), instance_id='cas-member-demo-root')
    assert len(body['RequestId']) == 36 and body['RequestId'] == body['RequestId'].upper()
    [inst] = body['InstanceStatusList']
    assert inst['InstanceId'] == 'cas-member-demo-root'
    assert (inst['Status'], inst['Type'], inst['CertTotalCount'], inst['CertIssuedCount']) == ('USED', 'ROOT', 100, 12)
    assert inst['Identifier'] == 'ca014f6eeca83c5f583abbc7a85add04'
    assert isinstance(inst['AfterTime'], int) and inst['AfterTime'] > inst['BeforeTime']
    all_body = call(make_client(emulator, mode))
    ids = [i['InstanceId'] for i in all_body['InstanceStatusList']]
    assert len(ids) == len(DEMO_INSTANCE_IDS) and 'cas-member-demo-buy' in ids and 'cas-member-other-account-root' not in ids
    by_identifier = call(make_client(emulator, mode), identifier='c91154c3231351748d15229d48bda090')
    assert [i['InstanceId'] for i in by_identifier['InstanceStatusList']] == ['cas-member-demo-sub-nearly-full']
    counters = emulator.counters()
    assert counters['calls_by_action'] == {'GetCAInstanceStatus': 3}
    assert counters['calls_by_instance'] == {'cas-member-demo-root': 1, '*': 2}


@pytest.mark.parametrize('mode', MODES)
def test_wrong_secret_is_signature_does_not_match(emulator, mode):
    exc = error_of(lambda: call(make_client(emulator, mode, secret='not-the-secret')))
    assert exc.code == 'SignatureDoesNotMatch'
    assert exc.status_code == 400
    assert 'server string to sign is:' in exc.message
    if mode == 'v1':
        assert 'AccessKeyId%3D' + DEMO_ACCESS_KEY_ID in exc.message
    else:
        assert 'canonical request is:' in exc.message


@pytest.mark.parametrize('mode', MODES)
def test_unknown_key(emulator, mode):
    exc = error_of(lambda: call(make_client(emulator, mode, key_id='LTAI5tNoSuchKey', secret='x')))
    assert (exc.code, exc.status_code) == ('InvalidAccessKeyId.NotFound', 404)


@pytest.mark.parametrize('mode', MODES)
def test_sts_key_needs_its_token(emulator, mode):
    exc = error_of(lambda: call(make_client(emulator, mode, DEMO_STS_ACCESS_KEY_ID, DEMO_STS_ACCESS_KEY_SECRET)))
    assert (exc.code, exc.status_code) == ('MissingSecurityToken', 400)
    exc = error_of(lambda: call(make_client(emulator, mode, DEMO_STS_ACCESS_KEY_ID, DEMO_STS_ACCESS_KEY_SECRET, token='wrong-token')))
    assert exc.code == 'InvalidSecurityToken.MismatchWithAccessKey'
    body = call(make_client(emulator, mode, DEMO_STS_ACCESS_KEY_ID, DEMO_STS_ACCESS_KEY_SECRET, token=DEMO_STS_SECURITY_TOKEN),
                instance_id='cas-member-demo-buy')
    [inst] = body['InstanceStatusList']
    assert inst['Status'] == 'BUY'
    assert not set(inst) & {'BeforeTime', 'AfterTime', 'Identifier'}


@pytest.mark.parametrize('mode', MODES)
def test_sts_signature_mismatch_echoes_the_token(emulator, mode):
    """The echoed string to sign holds the security token (V1 param, V3 canonical header): clients must redact it."""
    client = make_client(emulator, mode, DEMO_STS_ACCESS_KEY_ID, 'wrong-secret', token=DEMO_STS_SECURITY_TOKEN)
    exc = error_of(lambda: call(client))
    assert exc.code == 'SignatureDoesNotMatch'
    if mode == 'v1':
        assert 'SecurityToken%3DEmulatorDemoStsToken%252B%252F%253D0001' in exc.message
    else:
        assert 'x-acs-security-token:' + DEMO_STS_SECURITY_TOKEN in exc.message


@pytest.mark.parametrize('mode', MODES)
def test_forbidden_ram(emulator, mode):
    exc = error_of(lambda: call(make_client(emulator, mode, NOPERM_ACCESS_KEY_ID, NOPERM_ACCESS_KEY_SECRET)))
    assert (exc.code, exc.status_code) == ('Forbidden.RAM', 403)


@pytest.mark.parametrize('mode', MODES)
def test_unknown_instance(emulator, mode):
    exc = error_of(lambda: call(make_client(emulator, mode), instance_id='cas-member-nope'))
    assert (exc.code, exc.status_code) == ('InvalidInstanceId.NotFound', 404)
    exc = error_of(lambda: call(make_client(emulator, mode), instance_id='cas-member-other-account-root'))
    assert exc.code == 'InvalidInstanceId.NotFound'
    assert call(make_client(emulator, mode), identifier='f' * 32)['InstanceStatusList'] == []


@pytest.mark.parametrize('mode', MODES)
def test_clock_skew_expires_timestamps(emulator, mode):
    emulator.skew_clock(16 * 60)
    exc = error_of(lambda: call(make_client(emulator, mode)))
    assert (exc.code, exc.status_code) == ('InvalidTimeStamp.Expired', 400)
    emulator.skew_clock(-14 * 60)
    assert call(make_client(emulator, mode), instance_id='cas-member-demo-root')['InstanceStatusList']


@pytest.mark.parametrize('mode', MODES)
def test_transport_faults_through_the_sdk(emulator, mode):
    emulator.inject('http503')
    exc = error_of(lambda: call(make_client(emulator, mode)))
    assert (exc.code, exc.status_code) == ('ServiceUnavailable', 503)
    emulator.inject('retry_after', retry_after_ms=1500)
    exc = error_of(lambda: call(make_client(emulator, mode)))
    assert type(exc).__name__ == 'ThrottlingException'
    assert exc.code == 'Throttling.User' and exc.retry_after == 1500
    assert call(make_client(emulator, mode), instance_id='cas-member-demo-root')['InstanceStatusList']


@pytest.fixture(scope='module')
def slow_emulator():
    """A second emulator with --qps 3."""
    emu = start_emulator(qps=3)
    yield emu
    emu.stop()


@pytest.mark.parametrize('mode', MODES)
def test_fourth_call_in_one_second_is_throttled(slow_emulator, mode):  # pylint: disable=redefined-outer-name
    slow_emulator.reset()
    client = make_client(slow_emulator, mode)
    for _attempt in range(3):
        call(client, instance_id='cas-member-demo-root')
    exc = error_of(lambda: call(client, instance_id='cas-member-demo-root'))
    assert (exc.code, exc.status_code) == ('Throttling.User', 400)
    assert 'Request was denied due to user flow control.' in exc.message
    counters = slow_emulator.counters()
    assert counters['throttled'] == 1
    assert counters['max_in_one_second'] == 3
    assert counters['errors_by_code'] == {'Throttling.User': 1}
    assert counters['calls_by_instance'] == {'cas-member-demo-root': 3}


def test_sdk_over_tls():
    emu = start_emulator(tls=True)
    try:
        assert emu.url.startswith('https://') and emu.ca_file and os.path.exists(emu.ca_file)
        for mode in MODES:
            body = call(make_client(emu, mode), emu, instance_id='cas-member-demo-root')
            assert body['InstanceStatusList'][0]['InstanceId'] == 'cas-member-demo-root'
    finally:
        assert emu.stop() == 0
    assert not os.path.exists(emu.ca_file)  # the default --tls-dir is a temporary directory, removed on exit
