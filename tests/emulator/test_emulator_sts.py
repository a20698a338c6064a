# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""STS on the emulator's port: AssumeRole (V3 and V1), AssumeRoleWithOIDC (unsigned), errors, expiry, faults, counters."""

from __future__ import annotations

import calendar
import re
import time

import pytest

from emulator.testing import (DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, DEMO_EXPIRED_OIDC_TOKEN, DEMO_INSTANCE_IDS, DEMO_OIDC_ISSUER,
                              DEMO_OIDC_PROVIDER_ARN, DEMO_OIDC_SUBJECT, DEMO_OIDC_TOKEN, DEMO_ROLE_ARN, DEMO_STS_ACCESS_KEY_ID,
                              DEMO_STS_ACCESS_KEY_SECRET, DEMO_STS_SECURITY_TOKEN, MISSING_ROLE_ARN, OTHER_ACCOUNT_ACCESS_KEY_ID,
                              OTHER_ACCOUNT_ACCESS_KEY_SECRET, UNASSUMABLE_ROLE_ARN, EmulatorError, start_emulator)

from emulator_signing import (assume_role_v1, assume_role_v3, now_timestamp, oidc_form, oidc_get, oidc_params, send, v1, v3)

KEY = (DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET)
SESSION = {'RoleArn': DEMO_ROLE_ARN, 'RoleSessionName': 'cas-gate-test'}
UUID_RE = re.compile(r'^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$')
NO_PERMISSION = 'You are not authorized to do this action. You should be authorized by RAM.'


def expiration_epoch(text):
    assert re.match(r'^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$', text), text
    return calendar.timegm(time.strptime(text, '%Y-%m-%dT%H:%M:%SZ'))


def credentials_of(response):
    assert response.status == 200, response
    return response.json()['Credentials']


def cas_with(emu, creds, mode='v3', **kwargs):
    """A GetCAInstanceStatus call signed with issued credentials (token included)."""
    call = v3 if mode == 'v3' else v1
    return call(emu, creds['AccessKeyId'], creds['AccessKeySecret'], token=creds['SecurityToken'], **kwargs)


def instance_count(response):
    assert response.status == 200, response
    return len(response.json()['InstanceStatusList'])


def assert_sts_error(response, status, code, message=None):
    assert response.status == status, response
    body = response.json()
    assert list(body) == ['RequestId', 'HostId', 'Code', 'Message', 'Recommend']
    assert body['Code'] == code, body
    assert UUID_RE.match(body['RequestId']) and response.header('x-acs-request-id') == body['RequestId']
    assert body['Recommend'] == 'https://api.aliyun.com/troubleshoot?q=%s&product=Sts&requestId=%s' % (code, body['RequestId'])
    if message is not None:
        assert body['Message'] == message
    return body


# AssumeRole --------------------------------------------------------------------

def test_assume_role_v3_success_body_and_the_credentials_work_for_cas(emulator):
    started = time.time()
    response = assume_role_v3(emulator, *KEY, SESSION)
    assert response.status == 200, response
    assert response.header('Content-Type') == 'application/json;charset=utf-8'
    body = response.json()
    assert list(body) == ['RequestId', 'AssumedRoleUser', 'Credentials']
    assert UUID_RE.match(body['RequestId']) and response.header('x-acs-request-id') == body['RequestId']
    user = body['AssumedRoleUser']
    assert user['Arn'] == 'acs:ram::1000000000000001:assumed-role/cas-gate-reader/cas-gate-test'
    assert re.match(r'^\d{18}:cas-gate-test$', user['AssumedRoleId'])
    creds = body['Credentials']
    assert list(creds) == ['AccessKeyId', 'AccessKeySecret', 'SecurityToken', 'Expiration']
    assert re.match(r'^STS\.[A-Za-z0-9]{28}$', creds['AccessKeyId'])
    assert len(creds['AccessKeySecret']) >= 30
    assert len(creds['SecurityToken']) > 300 and '+' in creds['SecurityToken'] and '/' in creds['SecurityToken']
    assert creds['SecurityToken'].endswith('=')
    assert started + 3600 - 5 <= expiration_epoch(creds['Expiration']) <= time.time() + 3600 + 5
    # The temporary key works for CAS, in the role's account, with V3 and V1.
    assert instance_count(cas_with(emulator, creds)) == len(DEMO_INSTANCE_IDS)
    assert instance_count(cas_with(emulator, creds, mode='v1')) == len(DEMO_INSTANCE_IDS)
    counters = emulator.counters()
    assert counters['calls_by_action'] == {'AssumeRole': 1, 'GetCAInstanceStatus': 2}
    assert counters['calls_by_role'] == {DEMO_ROLE_ARN: 1}
    assert counters['credentials_issued'] == {'AssumeRole': 1}
    assert counters['calls_by_access_key'] == {DEMO_ACCESS_KEY_ID: 1, creds['AccessKeyId']: 2}


@pytest.mark.parametrize('method, in_body', [('GET', False), ('POST', False), ('POST', True)])
def test_assume_role_v1(emulator, method, in_body):
    response = assume_role_v1(emulator, *KEY, dict(SESSION, DurationSeconds='900'), method=method, in_body=in_body)
    creds = credentials_of(response)
    assert abs(expiration_epoch(creds['Expiration']) - (time.time() + 900)) <= 5
    assert instance_count(cas_with(emulator, creds, mode='v1')) == len(DEMO_INSTANCE_IDS)


def test_assume_role_is_authenticated_like_a_cas_call(emulator):
    assert_sts_error(assume_role_v3(emulator, DEMO_ACCESS_KEY_ID, 'wrong', SESSION), 400, 'SignatureDoesNotMatch')
    assert_sts_error(assume_role_v1(emulator, DEMO_ACCESS_KEY_ID, 'wrong', SESSION), 400, 'SignatureDoesNotMatch')
    assert_sts_error(assume_role_v3(emulator, 'LTAI5tNoSuchKey', 'x', SESSION), 404, 'InvalidAccessKeyId.NotFound')
    assert_sts_error(assume_role_v3(emulator, *KEY, SESSION, timestamp=now_timestamp(-1200)), 400, 'InvalidTimeStamp.Expired')
    assume_role_v3(emulator, *KEY, SESSION, nonce='fixed-nonce-1')
    assert_sts_error(assume_role_v3(emulator, *KEY, SESSION, nonce='fixed-nonce-1'), 400, 'SignatureNonceUsed')
    # Unsigned: no Authorization header and no Signature parameter.
    unsigned = send(emulator, ('GET', '/?Action=AssumeRole&Version=2015-04-01&RoleArn=%s&RoleSessionName=x1' % DEMO_ROLE_ARN, b'', {}))
    assert_sts_error(unsigned, 400, 'MissingAccessKeyId')
    assert_sts_error(assume_role_v3(emulator, DEMO_STS_ACCESS_KEY_ID, DEMO_STS_ACCESS_KEY_SECRET, SESSION), 400, 'MissingSecurityToken')


def test_sts_keys_may_assume_roles_too(emulator):
    creds = credentials_of(assume_role_v3(emulator, DEMO_STS_ACCESS_KEY_ID, DEMO_STS_ACCESS_KEY_SECRET, SESSION,
                                          token=DEMO_STS_SECURITY_TOKEN))
    chained = credentials_of(assume_role_v3(emulator, creds['AccessKeyId'], creds['AccessKeySecret'], SESSION,
                                            token=creds['SecurityToken']))
    assert chained['AccessKeyId'] != creds['AccessKeyId']
    assert instance_count(cas_with(emulator, chained)) == len(DEMO_INSTANCE_IDS)


def test_cross_account_role_sees_the_roles_account(emulator):
    other = (OTHER_ACCOUNT_ACCESS_KEY_ID, OTHER_ACCOUNT_ACCESS_KEY_SECRET)
    assert instance_count(v3(emulator, *other)) == 1
    params = {'RoleArn': UNASSUMABLE_ROLE_ARN, 'RoleSessionName': 'x-acct', 'DurationSeconds': '43200'}
    response = assume_role_v3(emulator, *other, params)
    creds = credentials_of(response)
    assert response.json()['AssumedRoleUser']['Arn'] == 'acs:ram::1000000000000001:assumed-role/cas-gate-admin/x-acct'
    assert abs(expiration_epoch(creds['Expiration']) - (time.time() + 43200)) <= 5
    assert instance_count(cas_with(emulator, creds)) == len(DEMO_INSTANCE_IDS)
    assert_sts_error(assume_role_v3(emulator, *other, {'RoleArn': UNASSUMABLE_ROLE_ARN, 'RoleSessionName': 'x-acct',
                                                       'DurationSeconds': '43201'}),
                     400, 'InvalidParameter.DurationSeconds', 'The Min/Max value of DurationSeconds is 15min/12hr.')


DURATION_ERROR = 'The Min/Max value of DurationSeconds is 15min/1hr.'
ERROR_CASES = {
    'missing_role_arn': ({'RoleSessionName': 'abc'}, 400, 'MissingRoleArn', 'RoleArn is mandatory for this action.'),
    'missing_session_name': ({'RoleArn': DEMO_ROLE_ARN}, 400, 'MissingRoleSessionName', 'RoleSessionName is mandatory for this action.'),
    'session_name_too_short': (dict(SESSION, RoleSessionName='a'), 400, 'InvalidParameter.RoleSessionName',
                               'The parameter RoleSessionName is wrongly formed.'),
    'session_name_with_space': (dict(SESSION, RoleSessionName='a b'), 400, 'InvalidParameter.RoleSessionName', None),
    'session_name_too_long': (dict(SESSION, RoleSessionName='a' * 65), 400, 'InvalidParameter.RoleSessionName', None),
    'duration_too_short': (dict(SESSION, DurationSeconds='899'), 400, 'InvalidParameter.DurationSeconds', DURATION_ERROR),
    'duration_over_role_max': (dict(SESSION, DurationSeconds='3601'), 400, 'InvalidParameter.DurationSeconds', DURATION_ERROR),
    'duration_not_a_number': (dict(SESSION, DurationSeconds='1h'), 400, 'InvalidParameter.DurationSeconds', None),
    'malformed_role_arn': (dict(SESSION, RoleArn='arn:aws:iam::123:role/x'), 400, 'InvalidParameter.RoleArn',
                           'The parameter RoleArn is wrongly formed.'),
    'role_does_not_exist': (dict(SESSION, RoleArn=MISSING_ROLE_ARN), 404, 'EntityNotExist.Role', 'The specified Role not exists .'),
    'role_not_assumable': (dict(SESSION, RoleArn=UNASSUMABLE_ROLE_ARN), 403, 'NoPermission', NO_PERMISSION),
    'policy_not_json': (dict(SESSION, Policy='{not json'), 400, 'InvalidParameter.PolicyGrammar', None),
    'policy_without_statement': (dict(SESSION, Policy='{"Version": "1"}'), 400, 'InvalidParameter.PolicyGrammar', None),
    'policy_too_large': (dict(SESSION, Policy='{"Version":"1","Statement":[],"x":"%s"}' % ('y' * 2100)), 400,
                         'InvalidParameter.PolicySize', None),
    'bad_external_id': (dict(SESSION, ExternalId='has space'), 400, 'InvalidParameter.ExternalId', None),
}


@pytest.mark.parametrize('case', sorted(ERROR_CASES))
def test_assume_role_errors(emulator, case):
    params, status, code, message = ERROR_CASES[case]
    assert_sts_error(assume_role_v3(emulator, *KEY, params), status, code, message)
    assert emulator.counters()['credentials_issued'] == {}


def test_assume_role_accepts_a_policy_and_role_names_case_insensitively(emulator):
    policy = '{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "yundun-cert:GetCAInstanceStatus", "Resource": "*"}]}'
    credentials_of(assume_role_v3(emulator, *KEY, dict(SESSION, Policy=policy, ExternalId='ext-123')))
    credentials_of(assume_role_v3(emulator, *KEY, dict(SESSION, RoleArn=DEMO_ROLE_ARN.replace('cas-gate-reader', 'CAS-Gate-Reader'))))


# Expiry --------------------------------------------------------------------------

def test_issued_credentials_expire_after_sts_duration(emulator):
    assert emulator.settings()['sts_duration'] is None
    emulator.set_sts_duration(2)
    started = time.time()
    creds = credentials_of(assume_role_v3(emulator, *KEY, dict(SESSION, DurationSeconds='3600')))
    assert started + 1 <= expiration_epoch(creds['Expiration']) <= time.time() + 3
    assert instance_count(cas_with(emulator, creds)) == len(DEMO_INSTANCE_IDS)
    time.sleep(max(0.0, expiration_epoch(creds['Expiration']) - time.time()) + 0.2)
    assert_expired = cas_with(emulator, creds)
    assert assert_expired.status == 400 and assert_expired.json()['Code'] == 'InvalidSecurityToken.Expired'
    assert assert_expired.json()['Message'] == 'Specified SecurityToken is expired.'
    assert cas_with(emulator, creds, mode='v1').json()['Code'] == 'InvalidSecurityToken.Expired'
    [issued] = emulator.issued_credentials()
    assert issued == {'AccessKeyId': creds['AccessKeyId'], 'account': '1000000000000001', 'source': 'AssumeRole',
                      'Expiration': creds['Expiration'], 'expired': True}
    # DurationSeconds is still validated against the role.
    assert_sts_error(assume_role_v3(emulator, *KEY, dict(SESSION, DurationSeconds='100')), 400, 'InvalidParameter.DurationSeconds')


def test_expire_credentials_and_reset(emulator):
    creds = credentials_of(assume_role_v3(emulator, *KEY, SESSION))
    assert instance_count(cas_with(emulator, creds)) == len(DEMO_INSTANCE_IDS)
    assert emulator.expire_credentials() == 1
    assert cas_with(emulator, creds).json()['Code'] == 'InvalidSecurityToken.Expired'
    emulator.set_sts_duration(60)
    emulator.reset()  # forgets issued credentials and restores the startup settings
    assert emulator.settings() == {'sts_duration': None, 'metadata_enabled': True, 'metadata_require_token': False,
                                   'ecs_role': 'EcsCasGateRole'}
    assert cas_with(emulator, creds).json()['Code'] == 'InvalidAccessKeyId.NotFound'
    assert emulator.issued_credentials() == []


def test_issued_keys_need_their_own_token(emulator):
    creds = credentials_of(assume_role_v3(emulator, *KEY, SESSION))
    assert v3(emulator, creds['AccessKeyId'], creds['AccessKeySecret']).json()['Code'] == 'MissingSecurityToken'
    wrong = v3(emulator, creds['AccessKeyId'], creds['AccessKeySecret'], token=DEMO_STS_SECURITY_TOKEN)
    assert wrong.json()['Code'] == 'InvalidSecurityToken.MismatchWithAccessKey'
    assert v3(emulator, creds['AccessKeyId'], 'wrong', token=creds['SecurityToken']).json()['Code'] == 'SignatureDoesNotMatch'


def test_control_output_never_holds_secrets(emulator):
    creds = credentials_of(assume_role_v3(emulator, *KEY, SESSION))
    status, data = emulator.control('GET', 'credentials')
    text = repr(data) + repr(emulator.counters())
    assert status == 200 and creds['AccessKeyId'] in text
    assert creds['AccessKeySecret'] not in text and creds['SecurityToken'] not in text


# AssumeRoleWithOIDC --------------------------------------------------------------

def test_oidc_get_as_the_official_library_sends_it(emulator):
    response = oidc_get(emulator, oidc_params(DEMO_ROLE_ARN, DEMO_OIDC_PROVIDER_ARN, DEMO_OIDC_TOKEN, duration='1800'))
    assert response.status == 200, response
    body = response.json()
    assert list(body)[:3] == ['RequestId', 'AssumedRoleUser', 'Credentials']
    assert body['AssumedRoleUser']['Arn'] == 'acs:ram::1000000000000001:assumed-role/cas-gate-reader/oidc-session'
    info = body['OIDCTokenInfo']
    assert (info['Issuer'], info['Subject'], info['ClientIds']) == (DEMO_OIDC_ISSUER, DEMO_OIDC_SUBJECT, 'sts.aliyuncs.com')
    assert body['SourceIdentity'] == DEMO_OIDC_SUBJECT
    creds = body['Credentials']
    assert abs(expiration_epoch(creds['Expiration']) - (time.time() + 1800)) <= 5
    assert instance_count(cas_with(emulator, creds)) == len(DEMO_INSTANCE_IDS)
    counters = emulator.counters()
    assert counters['calls_by_action']['AssumeRoleWithOIDC'] == 1
    assert counters['credentials_issued'] == {'AssumeRoleWithOIDC': 1}
    assert counters['calls_by_access_key'] == {creds['AccessKeyId']: 1}  # the OIDC call itself is anonymous


@pytest.mark.parametrize('header_form', [False, True])
def test_oidc_form_body(emulator, header_form):
    response = oidc_form(emulator, oidc_params(DEMO_ROLE_ARN, DEMO_OIDC_PROVIDER_ARN, DEMO_OIDC_TOKEN), header_form=header_form)
    assert instance_count(cas_with(emulator, credentials_of(response))) == len(DEMO_INSTANCE_IDS)


def test_oidc_may_also_be_signed(emulator):
    params = {k: v for k, v in oidc_params(DEMO_ROLE_ARN, DEMO_OIDC_PROVIDER_ARN, DEMO_OIDC_TOKEN).items()
              if k not in ('Action', 'Version', 'Format', 'Timestamp')}
    credentials_of(v3(emulator, *KEY, query=params, action='AssumeRoleWithOIDC', version='2015-04-01'))
    assert_sts_error(v3(emulator, DEMO_ACCESS_KEY_ID, 'wrong', query=params, action='AssumeRoleWithOIDC', version='2015-04-01'),
                     400, 'SignatureDoesNotMatch')


OIDC_ERRORS = {
    'expired_token': (dict(token=DEMO_EXPIRED_OIDC_TOKEN), 401, 'AuthenticationFail.OIDCToken.Expired', 'This JsonWebToken is expired.'),
    'unknown_jwt': (dict(token='aaaa.bbbb.cccc'), 401, 'AuthenticationFail.OIDCToken.Invalid',
                    'The Jwt content is invalid that cannot be recognized.'),
    'not_a_jwt': (dict(token='not-a-jwt'), 401, 'AuthenticationFail.OIDCToken.Invalid',
                  "The number of Jwt field should be divided into 3 parts with '.' ."),
    'empty_token': (dict(token=''), 401, 'AuthenticationFail.OIDCToken.Invalid', 'The OIDCToken can not empty.'),
    'unknown_provider': (dict(provider_arn='acs:ram::1000000000000001:oidc-provider/nope'), 401, 'AuthenticationFail.NoPermission',
                         'No such OIDC Provider registered.'),
    'role_does_not_trust_provider': (dict(role_arn=UNASSUMABLE_ROLE_ARN), 401, 'AuthenticationFail.NoPermission',
                                     'There is no permission'),
    'missing_role': (dict(role_arn=MISSING_ROLE_ARN), 404, 'EntityNotExist.Role', None),
    'missing_provider_arn': (dict(provider_arn=''), 400, 'MissingOIDCProviderArn', 'OIDCProviderArn is mandatory for this action.'),
    'missing_role_arn': (dict(role_arn=''), 400, 'MissingRoleArn', None),
    'missing_session_name': (dict(session=''), 400, 'MissingRoleSessionName', None),
    'bad_duration': (dict(duration='600'), 400, 'InvalidParameter.DurationSeconds', DURATION_ERROR),
    'stale_timestamp': (dict(timestamp=now_timestamp(-3600)), 400, 'InvalidTimeStamp.Expired', None),
}


@pytest.mark.parametrize('case', sorted(OIDC_ERRORS))
def test_oidc_errors(emulator, case):
    overrides, status, code, message = OIDC_ERRORS[case]
    args = dict(role_arn=DEMO_ROLE_ARN, provider_arn=DEMO_OIDC_PROVIDER_ARN, token=DEMO_OIDC_TOKEN)
    args.update(overrides)
    params = oidc_params(**args)
    assert_sts_error(oidc_get(emulator, params), status, code, message)
    assert emulator.counters()['credentials_issued'] == {}


# Faults ---------------------------------------------------------------------------

def test_faults_can_target_sts_only(emulator):
    emulator.inject('http503', target='sts')
    assert instance_count(v3(emulator, *KEY)) == len(DEMO_INSTANCE_IDS)  # a CAS call does not take it
    assert_sts_error(assume_role_v3(emulator, *KEY, SESSION), 503, 'ServiceUnavailable')
    emulator.inject('http500', target='cas')
    credentials_of(assume_role_v3(emulator, *KEY, SESSION))
    assert v3(emulator, *KEY).status == 500
    emulator.inject('throttle')  # no target: the next request of any kind
    assert_sts_error(oidc_get(emulator, oidc_params(DEMO_ROLE_ARN, DEMO_OIDC_PROVIDER_ARN, DEMO_OIDC_TOKEN)), 400, 'Throttling.User')
    status, body = emulator.control('POST', 'faults', {'kind': 'http500', 'target': 'nowhere'})
    assert status == 400 and 'target' in body['error']
    assert emulator.control('GET', 'faults')[1]['targets'] == ['any', 'cas', 'sts', 'metadata']


def test_transport_faults_on_sts(emulator):
    import http.client
    emulator.inject('reset', target='sts')
    with pytest.raises((ConnectionResetError, http.client.RemoteDisconnected)):
        assume_role_v3(emulator, *KEY, SESSION)
    emulator.inject('hang', seconds=1, target='sts')
    started = time.monotonic()
    credentials_of(assume_role_v3(emulator, *KEY, SESSION))
    assert time.monotonic() - started >= 0.9
    assert emulator.counters()['faults_injected'] == 2


def test_data_faults_on_sts(emulator):
    emulator.inject('truncated', target='sts')
    response = assume_role_v3(emulator, *KEY, SESSION)
    assert response.status == 200 and response.body.startswith(b'{"RequestId":"')
    with pytest.raises(ValueError):
        response.json()
    emulator.inject('bad_shape', target='sts')
    body = assume_role_v3(emulator, *KEY, SESSION).json()
    assert body['Unexpected'] is True and 'Credentials' not in body
    emulator.inject('missing_fields', target='sts')
    creds = assume_role_v3(emulator, *KEY, SESSION).json()['Credentials']
    assert 'SecurityToken' not in creds and creds['AccessKeyId'].startswith('STS.')
    emulator.inject('wrong_types', target='sts')
    creds = assume_role_v3(emulator, *KEY, SESSION).json()['Credentials']
    assert isinstance(creds['Expiration'], int) and isinstance(creds['AccessKeyId'], int)
    emulator.inject('oversized', target='sts')
    response = assume_role_v3(emulator, *KEY, SESSION)
    assert len(response.body) > 19 * 1024 * 1024 and response.json()['Credentials']['AccessKeyId'].startswith('STS.')


# Settings and throttling -------------------------------------------------------------

def test_settings_control_validation(emulator):
    for body in ({}, {'sts_duration': 0}, {'sts_duration': '5'}, {'metadata_enabled': 'no'}, {'ecs_role': 'a b'}, {'nope': 1}, []):
        status, data = emulator.control('POST', 'settings', body)
        assert status == 400 and data['error'], body
    assert emulator.settings(sts_duration=5, ecs_role=None)['ecs_role'] is None
    with pytest.raises(EmulatorError):
        emulator.set_sts_duration(-1)


def test_sts_has_its_own_throttling_window():
    with start_emulator(qps=2) as emu:
        started = time.monotonic()
        responses = [assume_role_v3(emu, *KEY, SESSION) for _attempt in range(3)]
        # The CAS window of the same key is separate.
        assert v3(emu, *KEY).status == 200
        if time.monotonic() - started < 0.9:
            assert [r.status for r in responses] == [200, 200, 400]
            assert_sts_error(responses[2], 400, 'Throttling.User')
            assert emu.counters()['throttled'] == 1


# Fixture options: denied actions, ExternalId, short sessions, a key denied AssumeRole ----

CUSTOM = {
    'access_keys': [
        {'id': 'LTAI5tCustomKey01', 'secret': 'custom-secret'},
        {'id': 'LTAI5tNoStsKey01', 'secret': 'nosts-secret', 'denied_actions': ['AssumeRole']},
    ],
    'instances': [{'InstanceId': 'cas-member-custom', 'Status': 'USED', 'Type': 'ROOT', 'CertTotalCount': 1, 'CertIssuedCount': 0,
                   'account': '3000000000000003'}],
    'roles': [
        {'arn': 'acs:ram::3000000000000003:role/short', 'min_session_duration': 5, 'max_session_duration': 900,
         'trusted_access_keys': ['LTAI5tCustomKey01', 'LTAI5tNoStsKey01'], 'external_id': 'ext-42'},
        {'arn': 'acs:ram::3000000000000003:role/blind', 'trusted_accounts': ['1000000000000001'],
         'denied_actions': ['GetCAInstanceStatus']},
    ],
    'sts': {'duration': 600},
}


def test_fixture_role_options():
    with start_emulator(fixtures=CUSTOM) as emu:
        key = ('LTAI5tCustomKey01', 'custom-secret')
        short = {'RoleArn': 'acs:ram::3000000000000003:role/short', 'RoleSessionName': 'short', 'DurationSeconds': '5'}
        assert_sts_error(assume_role_v3(emu, *key, short), 403, 'NoPermission')  # ExternalId missing
        assert_sts_error(assume_role_v3(emu, *key, dict(short, ExternalId='ext-43')), 403, 'NoPermission')
        assert emu.settings()['sts_duration'] == 600  # from the fixture: it wins over DurationSeconds
        emu.set_sts_duration(None)
        creds = credentials_of(assume_role_v3(emu, *key, dict(short, ExternalId='ext-42')))
        assert abs(expiration_epoch(creds['Expiration']) - (time.time() + 5)) <= 2
        assert [i['InstanceId'] for i in cas_with(emu, creds).json()['InstanceStatusList']] == ['cas-member-custom']
        assert_sts_error(assume_role_v3(emu, *key, dict(short, ExternalId='ext-42', DurationSeconds='4')), 400,
                         'InvalidParameter.DurationSeconds', 'The Min/Max value of DurationSeconds is 5s/15min.')
        assert_sts_error(assume_role_v3(emu, 'LTAI5tNoStsKey01', 'nosts-secret', dict(short, ExternalId='ext-42')), 403, 'NoPermission')
        assert emu.counters()['errors_by_code']['NoPermission'] == 3
        blind = credentials_of(assume_role_v3(emu, *key, {'RoleArn': 'acs:ram::3000000000000003:role/blind', 'RoleSessionName': 'b1'}))
        forbidden = cas_with(emu, blind)
        assert forbidden.status == 403 and forbidden.json()['Code'] == 'Forbidden.RAM'
        emu.reset()
        assert emu.settings()['sts_duration'] == 600
