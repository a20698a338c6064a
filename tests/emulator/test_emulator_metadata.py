# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ECS instance metadata on the emulator's port: tokens, role name, role credentials, hardened mode, faults, counters."""

from __future__ import annotations

import calendar
import http.client
import json
import time

import pytest

from emulator.testing import DEMO_ECS_ROLE_NAME, DEMO_INSTANCE_IDS, start_emulator

from emulator_signing import metadata, v1, v3

TOKEN_PATH = '/latest/api/token'
ROLE_PATH = '/latest/meta-data/ram/security-credentials/'
TTL = 'X-aliyun-ecs-metadata-token-ttl-seconds'
TOKEN = 'X-aliyun-ecs-metadata-token'


def new_token(emu, ttl='21600'):
    response = metadata(emu, 'PUT', TOKEN_PATH, {TTL: ttl})
    assert response.status == 200, response
    assert response.header('Content-Type') == 'text/plain'
    return response.body.decode('ascii')


def role_credentials(emu, token=None, role=DEMO_ECS_ROLE_NAME):
    response = metadata(emu, 'GET', ROLE_PATH + role, {TOKEN: token} if token else {})
    assert response.status == 200, response
    return response.json()


def epoch(text):
    return calendar.timegm(time.strptime(text, '%Y-%m-%dT%H:%M:%SZ'))


def test_imdsv2_flow_and_the_credentials_work_for_cas(emulator):
    token = new_token(emulator)
    assert len(token) >= 40
    response = metadata(emulator, 'GET', ROLE_PATH, {TOKEN: token})
    assert (response.status, response.body) == (200, DEMO_ECS_ROLE_NAME.encode())
    assert response.header('x-acs-request-id') is None
    started = time.time()
    creds = role_credentials(emulator, token)
    assert list(creds) == ['AccessKeyId', 'AccessKeySecret', 'Expiration', 'SecurityToken', 'LastUpdated', 'Code']
    assert creds['Code'] == 'Success' and creds['AccessKeyId'].startswith('STS.')
    assert abs(epoch(creds['Expiration']) - (started + 21600)) <= 5
    assert abs(epoch(creds['LastUpdated']) - started) <= 5
    cas = v3(emulator, creds['AccessKeyId'], creds['AccessKeySecret'], token=creds['SecurityToken'])
    assert cas.status == 200 and len(cas.json()['InstanceStatusList']) == len(DEMO_INSTANCE_IDS)
    counters = emulator.counters()
    assert counters['calls_by_action'] == {'metadata:token': 1, 'metadata:role-name': 1, 'metadata:credentials': 1,
                                           'GetCAInstanceStatus': 1}
    assert counters['metadata_requests'] == {'token': 1, 'role_name': 1, 'credentials': 1, 'with_token': 2}
    assert counters['credentials_issued'] == {'ecs-metadata': 1}
    assert counters['requests'] == 4


def test_imdsv1_without_token_is_allowed_by_default(emulator):
    assert metadata(emulator, 'GET', ROLE_PATH.rstrip('/')).body == DEMO_ECS_ROLE_NAME.encode()
    creds = role_credentials(emulator)
    # The legacy alibaba.alicloud spelling (Ram) is answered too.
    legacy = metadata(emulator, 'GET', '/latest/meta-data/Ram/security-credentials/' + DEMO_ECS_ROLE_NAME)
    assert legacy.status == 200 and legacy.json()['AccessKeyId'] == creds['AccessKeyId']
    assert emulator.counters()['metadata_requests'] == {'role_name': 1, 'credentials': 2, 'without_token': 3}


def test_same_credentials_until_half_their_lifetime(emulator):
    first = role_credentials(emulator)
    assert role_credentials(emulator)['AccessKeyId'] == first['AccessKeyId']
    emulator.set_sts_duration(2)  # also drops the cached credentials
    short = role_credentials(emulator)
    assert short['AccessKeyId'] != first['AccessKeyId']
    assert epoch(short['Expiration']) - time.time() <= 3
    time.sleep(1.6)  # past half of a 2-3 second lifetime (expiry is rounded up to a whole second)
    rotated = role_credentials(emulator)
    assert rotated['AccessKeyId'] != short['AccessKeyId']
    # The older credentials still work until their own Expiration.
    ok = v1(emulator, first['AccessKeyId'], first['AccessKeySecret'], token=first['SecurityToken'])
    assert ok.status == 200
    time.sleep(max(0.0, epoch(short['Expiration']) - time.time()) + 0.2)
    expired = v3(emulator, short['AccessKeyId'], short['AccessKeySecret'], token=short['SecurityToken'])
    assert expired.json()['Code'] == 'InvalidSecurityToken.Expired'
    assert emulator.counters()['credentials_issued'] == {'ecs-metadata': 3}


def test_expire_credentials_makes_the_service_issue_new_ones(emulator):
    first = role_credentials(emulator)
    assert emulator.expire_credentials() == 1
    assert v3(emulator, first['AccessKeyId'], first['AccessKeySecret'], token=first['SecurityToken']).json()['Code'] == \
        'InvalidSecurityToken.Expired'
    assert role_credentials(emulator)['AccessKeyId'] != first['AccessKeyId']


@pytest.mark.parametrize('ttl', [None, '', '0', '21601', 'abc', '-5', '1.5'])
def test_token_ttl_must_be_1_to_21600(emulator, ttl):
    response = metadata(emulator, 'PUT', TOKEN_PATH, {TTL: ttl} if ttl is not None else {})
    assert response.status == 400
    assert response.header('Content-Type') == 'text/html'


def test_invalid_and_expired_tokens_get_401(emulator):
    assert metadata(emulator, 'GET', ROLE_PATH, {TOKEN: 'forged-token'}).status == 401
    token = new_token(emulator, ttl='1')
    assert metadata(emulator, 'GET', ROLE_PATH, {TOKEN: token}).status == 200
    time.sleep(1.1)
    assert metadata(emulator, 'GET', ROLE_PATH + DEMO_ECS_ROLE_NAME, {TOKEN: token}).status == 401
    counters = emulator.counters()['metadata_requests']
    assert counters['rejected'] == 2 and counters['with_token'] == 3


def test_hardened_mode_refuses_tokenless_requests(emulator):
    emulator.set_metadata(require_token=True)
    assert metadata(emulator, 'GET', ROLE_PATH).status == 403
    assert metadata(emulator, 'GET', ROLE_PATH + DEMO_ECS_ROLE_NAME).status == 403
    token = new_token(emulator)
    assert role_credentials(emulator, token)['Code'] == 'Success'
    assert emulator.counters()['metadata_requests']['rejected'] == 2


def test_roles_unknown_or_detached_get_404(emulator):
    assert metadata(emulator, 'GET', ROLE_PATH + 'SomeOtherRole').status == 404
    assert metadata(emulator, 'GET', ROLE_PATH + DEMO_ECS_ROLE_NAME.lower()).status == 404
    assert metadata(emulator, 'GET', '/latest/meta-data/instance-id').status == 404
    emulator.set_metadata(role=None)
    assert metadata(emulator, 'GET', ROLE_PATH).status == 404
    assert metadata(emulator, 'GET', ROLE_PATH + DEMO_ECS_ROLE_NAME).status == 404
    emulator.set_metadata(role='AnotherRole')
    assert metadata(emulator, 'GET', ROLE_PATH).body == b'AnotherRole'
    assert role_credentials(emulator, role='AnotherRole')['Code'] == 'Success'
    assert emulator.counters()['metadata_requests']['other'] == 1


def test_wrong_methods(emulator):
    assert metadata(emulator, 'GET', TOKEN_PATH).status == 405
    assert metadata(emulator, 'POST', ROLE_PATH).status == 405
    assert metadata(emulator, 'DELETE', ROLE_PATH + DEMO_ECS_ROLE_NAME).status == 405


def test_metadata_disabled_resets_every_connection(emulator):
    emulator.set_metadata(enabled=False)
    for method, path in (('PUT', TOKEN_PATH), ('GET', ROLE_PATH), ('GET', ROLE_PATH + DEMO_ECS_ROLE_NAME)):
        with pytest.raises((ConnectionResetError, http.client.RemoteDisconnected)):
            metadata(emulator, method, path, {TTL: '60'})
    assert v3(emulator, 'LTAI5tEmulatorDemoKey01', 'EmulatorDemoSecret-NotASecret-0001').status == 200  # CAS still answers
    assert emulator.counters()['metadata_requests']['unavailable'] == 3
    emulator.set_metadata(enabled=True)
    assert metadata(emulator, 'GET', ROLE_PATH).status == 200


@pytest.mark.parametrize('kind, status', [('http500', 500), ('http503', 503), ('html502', 502), ('throttle', 429)])
def test_error_faults_on_metadata(emulator, kind, status):
    emulator.inject(kind, target='metadata')
    assert v3(emulator, 'LTAI5tEmulatorDemoKey01', 'EmulatorDemoSecret-NotASecret-0001').status == 200  # not taken by CAS
    response = metadata(emulator, 'PUT', TOKEN_PATH, {TTL: '60'})
    assert response.status == status and response.header('Content-Type') == 'text/html'
    assert metadata(emulator, 'PUT', TOKEN_PATH, {TTL: '60'}).status == 200
    assert emulator.counters()['faults_injected'] == 1


def test_reset_and_hang_faults_on_metadata(emulator):
    emulator.inject('reset', target='metadata')
    with pytest.raises((ConnectionResetError, http.client.RemoteDisconnected)):
        metadata(emulator, 'GET', ROLE_PATH)
    emulator.inject('hang', seconds=1.2, target='metadata')
    with pytest.raises(OSError):  # a client with a 1-second read timeout, like the official library
        metadata(emulator, 'GET', ROLE_PATH, timeout=0.5)
    assert emulator.counters()['faults_injected'] == 2


def test_data_faults_on_metadata_credentials(emulator):
    emulator.inject('truncated', target='metadata')
    response = metadata(emulator, 'GET', ROLE_PATH + DEMO_ECS_ROLE_NAME)
    assert response.status == 200 and response.body.startswith(b'{"AccessKeyId":"STS.')
    with pytest.raises(ValueError):
        response.json()
    emulator.inject('bad_shape', target='metadata')
    assert role_credentials(emulator) == {'Code': 'Success', 'Unexpected': True}
    emulator.inject('missing_fields', target='metadata')
    assert 'SecurityToken' not in role_credentials(emulator)
    emulator.inject('wrong_types', target='metadata')
    assert isinstance(role_credentials(emulator)['Expiration'], int)
    # A data fault taken by a non-JSON answer has no effect (and is used up).
    emulator.inject('truncated', target='metadata')
    assert metadata(emulator, 'GET', ROLE_PATH).body == DEMO_ECS_ROLE_NAME.encode()
    assert json.loads(metadata(emulator, 'GET', ROLE_PATH + DEMO_ECS_ROLE_NAME).body)['Code'] == 'Success'
    assert emulator.counters()['faults_injected'] == 4


def test_command_line_metadata_options():
    with start_emulator(extra_args=['--metadata-require-token', '--sts-duration', '30']) as emu:
        assert emu.settings() == {'sts_duration': 30, 'metadata_enabled': True, 'metadata_require_token': True,
                                  'ecs_role': DEMO_ECS_ROLE_NAME}
        assert metadata(emu, 'GET', ROLE_PATH).status == 403
        creds = role_credentials(emu, new_token(emu))
        assert epoch(creds['Expiration']) - time.time() <= 31
        emu.reset()
        assert emu.settings()['metadata_require_token'] is True
    with start_emulator(extra_args=['--no-metadata'], fixtures={'metadata': {'role': None, 'require_token': True}}) as emu:
        assert emu.settings() == {'sts_duration': None, 'metadata_enabled': False, 'metadata_require_token': True, 'ecs_role': None}
        with pytest.raises((ConnectionResetError, http.client.RemoteDisconnected)):
            metadata(emu, 'GET', ROLE_PATH)
