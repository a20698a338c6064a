# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Raw-protocol tests with the test-side signer: V1 over GET/form, V3 with bodies, every error path."""

from __future__ import annotations

import calendar
import re
import socket
import time
from urllib.parse import urlencode

import pytest

from emulator.testing import (DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, DEMO_CERTIFICATE_ISSUERS, DEMO_CERTIFICATES, DEMO_INSTANCE_IDS,
                              DEMO_NO_BEFORE_TIME_INSTANCE_ID, DEMO_STS_ACCESS_KEY_ID, DEMO_STS_ACCESS_KEY_SECRET, DEMO_STS_SECURITY_TOKEN,
                              NOPERM_ACCESS_KEY_ID, NOPERM_ACCESS_KEY_SECRET, OTHER_ACCOUNT_ACCESS_KEY_ID, OTHER_ACCOUNT_ACCESS_KEY_SECRET,
                              OTHER_ACCOUNT_INSTANCE_ID, UNKNOWN_CERTIFICATE_IDENTIFIER, start_emulator)

from emulator_signing import build_v1, build_v3, now_timestamp, send, v1, v3

KEY = (DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET)
ROOT = 'cas-member-demo-root'
NEARLY_FULL_IDENTIFIER = 'c91154c3231351748d15229d48bda090'
UUID_RE = re.compile(r'^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$')


def assert_error(response, status, code, host_id=None):
    """Check the status and the exact POP error body shape."""
    assert response.status == status, response
    assert response.header('Content-Type') == 'application/json;charset=utf-8'
    body = response.json()
    assert list(body) == ['RequestId', 'HostId', 'Code', 'Message', 'Recommend']
    assert body['Code'] == code, body
    assert UUID_RE.match(body['RequestId'])
    assert response.header('x-acs-request-id') == body['RequestId']
    assert body['Recommend'] == 'https://api.aliyun.com/troubleshoot?q=%s&product=cas&requestId=%s' % (code, body['RequestId'])
    if host_id is not None:
        assert body['HostId'] == host_id
    return body


def instance_ids(response):
    assert response.status == 200, response
    return [inst['InstanceId'] for inst in response.json()['InstanceStatusList']]


# Success paths ---------------------------------------------------------------

def test_v1_get_with_query(emulator):
    response = v1(emulator, *KEY, method='GET', business={'InstanceId': ROOT})
    assert instance_ids(response) == [ROOT]
    assert response.header('Content-Type') == 'application/json;charset=utf-8'
    body = response.json()
    assert UUID_RE.match(body['RequestId']) and response.header('x-acs-request-id') == body['RequestId']
    assert list(body) == ['RequestId', 'InstanceStatusList']


def test_v1_post_with_form_body(emulator):
    response = v1(emulator, *KEY, method='POST', business={'InstanceId': ROOT}, in_body=True)
    assert instance_ids(response) == [ROOT]


def test_v1_post_signature_in_query_business_params_in_body(emulator):
    """V1 signs query and body parameters together."""
    method, path, _body, headers = build_v1(*KEY, method='POST', business={'Identifier': NEARLY_FULL_IDENTIFIER})
    params = dict(p.split('=', 1) for p in path[2:].split('&'))
    body = 'Identifier=%s' % params.pop('Identifier')
    headers['Content-Type'] = 'application/x-www-form-urlencoded'
    response = send(emulator, (method, '/?' + '&'.join('%s=%s' % kv for kv in params.items()), body.encode(), headers))
    assert instance_ids(response) == ['cas-member-demo-sub-nearly-full']


def test_v1_sdk_core_style_parameters(emulator):
    """aliyun-python-sdk-core adds RegionId and an empty SignatureType: both are signed."""
    response = v1(emulator, *KEY, method='POST', business={'InstanceId': ROOT, 'RegionId': 'cn-hangzhou', 'SignatureType': ''})
    assert instance_ids(response) == [ROOT]


def test_v3_get_with_query(emulator):
    response = v3(emulator, *KEY, method='GET', query={'InstanceId': ROOT})
    assert instance_ids(response) == [ROOT]


def test_v3_post_with_form_body(emulator):
    body = urlencode({'InstanceId': ROOT}).encode()
    response = v3(emulator, *KEY, body=body, content_type='application/x-www-form-urlencoded')
    assert instance_ids(response) == [ROOT]


def test_v3_body_hash_mismatch(emulator):
    body = urlencode({'InstanceId': ROOT}).encode()
    response = v3(emulator, *KEY, body=body, content_type='application/x-www-form-urlencoded', content_sha='0' * 64)
    assert_error(response, 400, 'SignatureDoesNotMatch')


def test_v3_sts_with_signed_token_header(emulator):
    response = v3(emulator, DEMO_STS_ACCESS_KEY_ID, DEMO_STS_ACCESS_KEY_SECRET, query={'InstanceId': ROOT}, token=DEMO_STS_SECURITY_TOKEN)
    assert instance_ids(response) == [ROOT]
    response = v3(emulator, DEMO_STS_ACCESS_KEY_ID, DEMO_STS_ACCESS_KEY_SECRET, token=DEMO_STS_SECURITY_TOKEN,
                  unsigned=('x-acs-security-token',))
    body = assert_error(response, 400, 'IncompleteSignature')
    assert 'x-acs-security-token' in body['Message']


def test_v1_sts(emulator):
    sts = (DEMO_STS_ACCESS_KEY_ID, DEMO_STS_ACCESS_KEY_SECRET)
    assert instance_ids(v1(emulator, *sts, token=DEMO_STS_SECURITY_TOKEN, business={'InstanceId': ROOT})) == [ROOT]
    assert_error(v1(emulator, *sts), 400, 'MissingSecurityToken')
    assert_error(v1(emulator, *sts, token='EmulatorDemoStsToken+/=0002'), 400, 'InvalidSecurityToken.MismatchWithAccessKey')


def test_long_term_key_with_token_is_malformed(emulator):
    assert_error(v1(emulator, *KEY, token='something'), 400, 'InvalidSecurityToken.Malformed')
    assert_error(v3(emulator, *KEY, token='something'), 400, 'InvalidSecurityToken.Malformed')


def test_filters_are_anded(emulator):
    assert instance_ids(v3(emulator, *KEY, query={'InstanceId': ROOT, 'Identifier': NEARLY_FULL_IDENTIFIER})) == []
    assert instance_ids(v3(emulator, *KEY, query={'Identifier': NEARLY_FULL_IDENTIFIER})) == ['cas-member-demo-sub-nearly-full']
    assert instance_ids(v3(emulator, *KEY, query={'Identifier': 'does-not-exist'})) == []
    assert len(instance_ids(v3(emulator, *KEY, query={'InstanceId': ''}))) == len(DEMO_INSTANCE_IDS)
    assert len(instance_ids(v3(emulator, *KEY, query={'Identifier': ''}))) == len(DEMO_INSTANCE_IDS)


# Certificate identifiers -------------------------------------------------------

VISIBLE_CERTIFICATES = sorted(name for name in DEMO_CERTIFICATES if DEMO_CERTIFICATE_ISSUERS[name] in DEMO_INSTANCE_IDS)


@pytest.mark.parametrize('name', VISIBLE_CERTIFICATES)
def test_certificate_identifier_answers_the_issuing_instance(emulator, name):
    [inst] = v3(emulator, *KEY, query={'Identifier': DEMO_CERTIFICATES[name]}).json()['InstanceStatusList']
    assert inst['InstanceId'] == DEMO_CERTIFICATE_ISSUERS[name]
    assert inst['Identifier'] != DEMO_CERTIFICATES[name]  # the response field is the CA certificate's identifier
    assert instance_ids(v1(emulator, *KEY, method='POST', in_body=True, business={'Identifier': DEMO_CERTIFICATES[name]})) == [
        DEMO_CERTIFICATE_ISSUERS[name]]


def test_certificate_identifier_and_instance_id_must_both_match(emulator):
    healthy = DEMO_CERTIFICATES['server-healthy']
    assert instance_ids(v3(emulator, *KEY, query={'InstanceId': ROOT, 'Identifier': healthy})) == [ROOT]
    assert instance_ids(v3(emulator, *KEY, query={'InstanceId': 'cas-member-demo-expiring', 'Identifier': healthy})) == []
    assert instance_ids(v3(emulator, *KEY, query={'InstanceId': 'cas-member-demo-expiring',
                                                  'Identifier': DEMO_CERTIFICATES['client-expiring']})) == ['cas-member-demo-expiring']
    assert instance_ids(v3(emulator, *KEY, query={'InstanceId': ROOT, 'Identifier': UNKNOWN_CERTIFICATE_IDENTIFIER})) == []
    assert_error(v3(emulator, *KEY, query={'InstanceId': 'cas-member-nope', 'Identifier': healthy}), 404, 'InvalidInstanceId.NotFound')


def test_unknown_certificate_identifier_gives_an_empty_list(emulator):
    for identifier in (UNKNOWN_CERTIFICATE_IDENTIFIER, DEMO_CERTIFICATES['server-healthy'].upper(), 'cas-member-demo-root'):
        response = v3(emulator, *KEY, query={'Identifier': identifier})
        assert response.status == 200 and response.json()['InstanceStatusList'] == []


def test_certificates_of_another_account_are_invisible(emulator):
    other_key = (OTHER_ACCOUNT_ACCESS_KEY_ID, OTHER_ACCOUNT_ACCESS_KEY_SECRET)
    theirs, ours = DEMO_CERTIFICATES['client-other-account'], DEMO_CERTIFICATES['server-healthy']
    assert instance_ids(v3(emulator, *KEY, query={'Identifier': theirs})) == []
    assert instance_ids(v3(emulator, *other_key, query={'Identifier': theirs})) == [OTHER_ACCOUNT_INSTANCE_ID]
    assert instance_ids(v3(emulator, *other_key, query={'Identifier': ours})) == []
    ca_identifier = v3(emulator, *other_key).json()['InstanceStatusList'][0]['Identifier']
    assert instance_ids(v3(emulator, *KEY, query={'Identifier': ca_identifier})) == []


def test_calls_are_counted_by_identifier(emulator):
    healthy = DEMO_CERTIFICATES['server-healthy']
    v3(emulator, *KEY, query={'Identifier': healthy})
    v1(emulator, *KEY, business={'Identifier': healthy, 'InstanceId': ROOT})
    v1(emulator, *KEY, business={'Identifier': UNKNOWN_CERTIFICATE_IDENTIFIER})
    v3(emulator, *KEY)
    v3(emulator, *KEY, query={'InstanceId': 'cas-member-nope', 'Identifier': NEARLY_FULL_IDENTIFIER})
    v1(emulator, DEMO_ACCESS_KEY_ID, 'wrong', business={'Identifier': healthy})  # not authenticated: not counted
    counters = emulator.counters()
    assert counters['calls_by_identifier'] == {healthy: 2, UNKNOWN_CERTIFICATE_IDENTIFIER: 1, '*': 1, NEARLY_FULL_IDENTIFIER: 1}
    assert counters['calls_by_instance'] == {'*': 3, ROOT: 1, 'cas-member-nope': 1}


def test_certificates_control_route(emulator):
    certificates = emulator.certificates()
    assert [cert['Identifier'] for cert in certificates] == list(DEMO_CERTIFICATES.values())
    by_name = dict((name, cert) for name, cert in zip(DEMO_CERTIFICATES, certificates))
    assert all(by_name[name]['InstanceId'] == DEMO_CERTIFICATE_ISSUERS[name] for name in DEMO_CERTIFICATES)
    assert by_name['server-healthy']['CertificateType'] == 'SERVER' and by_name['server-healthy']['CommonName'] == 'web-01'
    assert by_name['client-revoked']['Status'] == 'REVOKE' and by_name['client-expiring']['CertificateType'] == 'CLIENT'
    expiring = by_name['client-expiring']
    assert round((expiring['AfterDate'] - expiring['BeforeDate']) / 86400000.0) == 305


def test_buy_and_refund_omit_ca_fields(emulator):
    body = v3(emulator, *KEY).json()
    for inst in body['InstanceStatusList']:
        if inst['Status'] in ('BUY', 'REFUND'):
            assert not set(inst) & {'BeforeTime', 'AfterTime', 'Identifier'}
        elif inst['InstanceId'] == DEMO_NO_BEFORE_TIME_INSTANCE_ID:
            assert {'AfterTime', 'Identifier'} <= set(inst) and 'BeforeTime' not in inst
        else:
            assert {'BeforeTime', 'AfterTime', 'Identifier'} <= set(inst)
        assert all(isinstance(inst[f], int) for f in ('CertTotalCount', 'CertIssuedCount', 'UseExpireTime'))


def test_keep_alive_connection(emulator):
    import http.client
    host, port = emulator.host_port.rsplit(':', 1)
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        for _attempt in range(3):
            method, path, body, headers = build_v1(*KEY)
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            assert response.status == 200
    finally:
        conn.close()


# Error paths -----------------------------------------------------------------

def test_error_headers_and_host_id(emulator):
    response = v1(emulator, 'LTAI5tNoSuchKey', 'x')
    assert_error(response, 404, 'InvalidAccessKeyId.NotFound', host_id=emulator.host_port)
    method, path, body, headers = build_v1('LTAI5tNoSuchKey', 'x')
    headers['Host'] = 'cas.aliyuncs.com'
    assert_error(send(emulator, (method, path, body, headers)), 404, 'InvalidAccessKeyId.NotFound', host_id='cas.aliyuncs.com')


def test_unknown_key_v3(emulator):
    assert_error(v3(emulator, 'LTAI5tNoSuchKey', 'x'), 404, 'InvalidAccessKeyId.NotFound')


@pytest.mark.parametrize('param', ['Action', 'Version', 'AccessKeyId', 'Signature', 'SignatureMethod', 'SignatureVersion',
                                   'SignatureNonce', 'Timestamp'])
def test_v1_missing_common_parameter(emulator, param):
    body = assert_error(v1(emulator, *KEY, drop=(param,)), 400, 'Missing' + param)
    assert body['Message'] == '%s is mandatory for this action.' % param


@pytest.mark.parametrize('header, code', [
    ('x-acs-action', 'MissingAction'), ('x-acs-version', 'MissingVersion'),
    ('x-acs-date', 'MissingTimestamp'), ('x-acs-signature-nonce', 'MissingSignatureNonce'),
])
def test_v3_missing_common_header(emulator, header, code):
    body = assert_error(v3(emulator, *KEY, drop=(header,)), 400, code)
    assert header in body['Message']


def test_unknown_action_and_version(emulator):
    for response in (v1(emulator, *KEY, action='DescribeCACertificateList'), v3(emulator, *KEY, action='DescribeCACertificateList')):
        body = assert_error(response, 404, 'InvalidAction.NotFound')
        assert body['Message'] == 'Specified api is not found, please check your url and method.'
    for response in (v1(emulator, *KEY, version='2020-04-07'), v3(emulator, *KEY, version='2099-01-01')):
        body = assert_error(response, 400, 'InvalidVersion')
        assert body['Message'] == 'Specified parameter Version is not valid.'
    method, path, body, headers = build_v1(*KEY)
    assert_error(send(emulator, ('PUT', path, body, headers)), 404, 'InvalidAction.NotFound')
    counters = emulator.counters()
    assert counters['calls_by_action']['DescribeCACertificateList'] == 2
    assert counters['calls_by_instance'] == {}


def test_signature_method_checks(emulator):
    assert_error(v1(emulator, *KEY, override={'SignatureMethod': 'HMAC-SHA256'}), 400, 'InvalidSignatureMethod')
    assert_error(v1(emulator, *KEY, override={'SignatureVersion': '2.0'}), 400, 'InvalidSignatureVersion')
    method, path, body, headers = build_v3(*KEY, emulator.host_port)
    headers['Authorization'] = headers['Authorization'].replace('ACS3-HMAC-SHA256', 'ACS3-HMAC-SM3')
    assert_error(send(emulator, (method, path, body, headers)), 400, 'InvalidSignatureMethod')


def test_wrong_secret(emulator):
    body = assert_error(v1(emulator, DEMO_ACCESS_KEY_ID, 'wrong'), 400, 'SignatureDoesNotMatch')
    assert body['Message'].startswith('Specified signature is not matched with our calculation. server string to sign is:GET&%2F&AccessKeyId%3D')
    body = assert_error(v3(emulator, DEMO_ACCESS_KEY_ID, 'wrong'), 400, 'SignatureDoesNotMatch')
    assert body['Message'].startswith('Specified signature is not matched with our calculation. server string to sign is:ACS3-HMAC-SHA256\n')
    assert ' canonical request is:POST\n/\n' in body['Message']


@pytest.mark.parametrize('unsigned', [('host',), ('x-acs-date',), ('x-acs-content-sha256', 'x-acs-action')])
def test_incomplete_signature(emulator, unsigned):
    body = assert_error(v3(emulator, *KEY, unsigned=unsigned), 400, 'IncompleteSignature')
    for name in unsigned:
        assert name in body['Message']


def test_malformed_authorization(emulator):
    method, path, body, headers = build_v3(*KEY, emulator.host_port)
    headers['Authorization'] = 'ACS3-HMAC-SHA256 Credential=%s' % DEMO_ACCESS_KEY_ID
    assert_error(send(emulator, (method, path, body, headers)), 400, 'IncompleteSignature')


@pytest.mark.parametrize('timestamp', ['2024-01-02 03:04:05', '2024-01-02T03:04:05', '1704164645', '2024-01-02T03:04:05.000Z'])
def test_timestamp_format(emulator, timestamp):
    assert_error(v1(emulator, *KEY, timestamp=timestamp), 400, 'InvalidTimeStamp.Format')
    assert_error(v3(emulator, *KEY, timestamp=timestamp), 400, 'InvalidTimeStamp.Format')


def test_timestamp_expired(emulator):
    assert_error(v1(emulator, *KEY, timestamp=now_timestamp(-16 * 60)), 400, 'InvalidTimeStamp.Expired')
    assert_error(v3(emulator, *KEY, timestamp=now_timestamp(+16 * 60)), 400, 'InvalidTimeStamp.Expired')
    assert v1(emulator, *KEY, timestamp=now_timestamp(-14 * 60)).status == 200


def test_clock_skew(emulator):
    emulator.skew_clock(-3600)
    assert_error(v3(emulator, *KEY), 400, 'InvalidTimeStamp.Expired')
    assert v3(emulator, *KEY, timestamp=now_timestamp(-3600)).status == 200
    emulator.reset()
    assert v3(emulator, *KEY).status == 200


def test_nonce_reuse(emulator):
    assert v1(emulator, *KEY, nonce='nonce-1').status == 200
    assert_error(v1(emulator, *KEY, nonce='nonce-1'), 400, 'SignatureNonceUsed')
    assert v3(emulator, *KEY, nonce='nonce-2').status == 200
    assert_error(v3(emulator, *KEY, nonce='nonce-2'), 400, 'SignatureNonceUsed')
    # per key, and a request rejected before the signature check does not burn the nonce
    assert v1(emulator, DEMO_STS_ACCESS_KEY_ID, DEMO_STS_ACCESS_KEY_SECRET, token=DEMO_STS_SECURITY_TOKEN, nonce='nonce-1').status == 200
    assert_error(v1(emulator, DEMO_ACCESS_KEY_ID, 'wrong', nonce='nonce-3'), 400, 'SignatureDoesNotMatch')
    assert v1(emulator, *KEY, nonce='nonce-3').status == 200
    emulator.reset()
    assert v1(emulator, *KEY, nonce='nonce-1').status == 200


def test_forbidden_ram(emulator):
    body = assert_error(v3(emulator, NOPERM_ACCESS_KEY_ID, NOPERM_ACCESS_KEY_SECRET), 403, 'Forbidden.RAM')
    assert body['Message'] == "User not authorized to operate on the specified resource, or this API doesn't support RAM."


def test_unknown_instance_id(emulator):
    body = assert_error(v1(emulator, *KEY, business={'InstanceId': 'cas-member-nope'}), 404, 'InvalidInstanceId.NotFound')
    assert body['Message'] == 'The specified InstanceId does not exist.'
    assert emulator.counters()['calls_by_instance'] == {'cas-member-nope': 1}


def test_counters(emulator):
    v1(emulator, *KEY)
    v1(emulator, *KEY, business={'InstanceId': ROOT})
    v1(emulator, DEMO_ACCESS_KEY_ID, 'wrong')
    send(emulator, ('GET', '/', b'', {}))
    counters = emulator.counters()
    assert counters['requests'] == 4
    assert counters['calls_by_action'] == {'GetCAInstanceStatus': 3, '(none)': 1}
    assert counters['calls_by_instance'] == {'*': 1, ROOT: 1}
    assert counters['errors_by_code'] == {'SignatureDoesNotMatch': 1, 'MissingAction': 1}
    assert counters['throttled'] == 0 and counters['faults_injected'] == 0
    assert counters['max_in_one_second'] in (1, 2)
    emulator.reset()
    assert emulator.counters()['requests'] == 0


def test_default_qps_is_ten(emulator):
    statuses = [v1(emulator, *KEY).status for _attempt in range(11)]
    if statuses.count(200) == 10:  # all within one second (normally the case)
        assert statuses[-1] == 400
    assert emulator.counters()['max_in_one_second'] == 10 or statuses.count(200) == 11


def test_control_interface_refuses_non_loopback_clients():
    """Bind on all addresses and reach the control interface through a non-loopback address of this host."""
    try:
        probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        probe.connect(('192.0.2.1', 9))
        address = probe.getsockname()[0]
        probe.close()
    except OSError:
        address = None
    if not address or address.startswith('127.'):
        pytest.skip('this host has no non-loopback IPv4 address')
    with start_emulator(extra_args=['--host', '0.0.0.0']) as emu:
        import urllib.request
        import urllib.error
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with pytest.raises(urllib.error.HTTPError) as info:
            opener.open('http://%s:%d/_emulator/health' % (address, emu.port), timeout=10)
        assert info.value.code == 403
        with opener.open('http://127.0.0.1:%d/_emulator/health' % emu.port, timeout=10) as response:
            assert response.status == 200


# Reference vectors end to end ----------------------------------------------------

@pytest.fixture(scope='module')
def vector_emulator():
    """An emulator with the reference test key, its clock set to the vectors' 2024-01-02T03:04:05Z."""
    emu = start_emulator(extra_args=['--access-key', 'testid:testsecret'])
    yield emu
    emu.stop()


def _at_vector_time(emu):
    emu.reset()
    emu.skew_clock(calendar.timegm(time.strptime('2024-01-02T03:04:05Z', '%Y-%m-%dT%H:%M:%SZ')) - time.time())


def test_reference_v3_c_request_is_accepted(vector_emulator):  # pylint: disable=redefined-outer-name
    _at_vector_time(vector_emulator)
    headers = {
        'host': 'cas.aliyuncs.com',
        'x-acs-action': 'GetCAInstanceStatus',
        'x-acs-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
        'x-acs-date': '2024-01-02T03:04:05Z',
        'x-acs-signature-nonce': 'c9f1b0d6e2a34b7f8e5d4c3b2a190817',
        'x-acs-version': '2020-06-30',
        'Authorization': 'ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;'
                         'x-acs-signature-nonce;x-acs-version,Signature=95147ccbf5713f350e19c238a95c39c882e509f71cc65b4192a59ddaa18ca68d',
    }
    response = send(vector_emulator, ('POST', '/?InstanceId=cas-member-abc', b'', headers))
    # The signature is accepted: the call reaches the action, which does not know cas-member-abc.
    assert_error(response, 404, 'InvalidInstanceId.NotFound', host_id='cas.aliyuncs.com')
    assert_error(send(vector_emulator, ('POST', '/?InstanceId=cas-member-abc', b'', headers)), 400, 'SignatureNonceUsed')


def test_reference_v1_a_url_is_accepted(vector_emulator):  # pylint: disable=redefined-outer-name
    _at_vector_time(vector_emulator)
    path = ('/?Action=GetCAInstanceStatus&Format=json&Version=2020-06-30&Timestamp=2024-01-02T03%3A04%3A05Z'
            '&SignatureNonce=c9f1b0d6e2a34b7f8e5d4c3b2a190817&InstanceId=cas-member-abc&SignatureMethod=HMAC-SHA1'
            '&SignatureVersion=1.0&AccessKeyId=testid&Signature=%2BcKRleCGT1LQsi1%2Bzg7WklU7D6s%3D')
    assert_error(send(vector_emulator, ('POST', path, b'', {})), 404, 'InvalidInstanceId.NotFound')
    vector_emulator.reset()
    assert_error(send(vector_emulator, ('POST', path, b'', {})), 400, 'InvalidTimeStamp.Expired')


# Custom fixtures ---------------------------------------------------------------

CUSTOM = {
    'default_account': '42',
    'access_keys': [
        {'id': 'LTAI5tA', 'secret': 'secret-a', 'account': '7'},
        {'id': 'LTAI5tB', 'secret': 'secret-b', 'account': '7'},
        {'id': 'LTAI5tC', 'secret': 'secret-c'},
    ],
    'instances': [
        {'InstanceId': 'cas-member-seven', 'account': '7', 'Status': 'USED', 'Type': 'ROOT', 'CertTotalCount': 5,
         'CertIssuedCount': 5, 'BeforeTime': 'now', 'AfterTime': '+1d', 'UseExpireTime': 1900000000000,
         'Identifier': '0123456789abcdef0123456789abcdef', 'ResourceGroupId': 'rg-aek2', 'FutureField': {'nested': [1, 2]}},
        {'InstanceId': 'cas-member-default', 'Status': 'REVOKE', 'Type': 'SUB_ROOT', 'CertTotalCount': 0, 'CertIssuedCount': 0},
    ],
}


def test_custom_fixtures_accounts_extra_fields_and_shared_throttling():
    with start_emulator(fixtures=CUSTOM, qps=2) as emu:
        response = v3(emu, 'LTAI5tA', 'secret-a')
        [inst] = response.json()['InstanceStatusList']
        assert inst['InstanceId'] == 'cas-member-seven'
        assert inst['UseExpireTime'] == 1900000000000
        assert inst['AfterTime'] - inst['BeforeTime'] == 86400 * 1000
        assert inst['ResourceGroupId'] == 'rg-aek2' and inst['FutureField'] == {'nested': [1, 2]}
        assert 'account' not in inst
        assert instance_ids(v1(emu, 'LTAI5tC', 'secret-c')) == ['cas-member-default']
        # keys A and B share account 7, hence one window of 2 calls per second; C has its own
        assert v1(emu, 'LTAI5tB', 'secret-b').status == 200
        assert_error(v1(emu, 'LTAI5tB', 'secret-b'), 400, 'Throttling.User')
        assert_error(v1(emu, 'LTAI5tA', 'secret-a'), 400, 'Throttling.User')
        assert v1(emu, 'LTAI5tC', 'secret-c').status == 200
