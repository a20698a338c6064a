# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The client's request loop against a scripted transport: retries, errors, parsing, not found."""

import json

import pytest

from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_client import (
    CasClient, fetch_status, not_found_error, validate_identifier, validate_instance_id)
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_errors import (
    CasApiError, CasConfigError, CasResponseError, CasTransportError)
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_options import ClientConfig
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_transport import HttpResponse

NOW = 1700000000.0
SECRET = 'very-secret-value'
TOKEN = 'sts-token+/='
GOOD = {'InstanceId': 'cas-member-a', 'Status': 'USED', 'Type': 'ROOT', 'CertTotalCount': 10, 'CertIssuedCount': 1,
        'BeforeTime': 1600000000000, 'AfterTime': 1900000000000, 'UseExpireTime': 1800000000000, 'Identifier': 'f' * 32}


def ok(instances, request_id='RID-OK'):
    return HttpResponse(200, {'content-type': 'application/json'},
                        json.dumps({'RequestId': request_id, 'InstanceStatusList': instances}).encode())


def err(status, code, message='m', request_id='RID-ERR', headers=None):
    body = {'RequestId': request_id, 'HostId': 'cas.aliyuncs.com', 'Code': code, 'Message': message,
            'Recommend': 'https://api.aliyun.com/troubleshoot?q=%s' % code}
    return HttpResponse(status, dict({'content-type': 'application/json'}, **(headers or {})), json.dumps(body).encode())


class Script:
    """A transport that plays back answers (or raises errors) and records each request."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.requests = []
        self.bodies = []
        self.deadlines = []

    def request(self, method, url, headers, host, data=b'', deadline=None):
        assert method == 'POST'
        self.bodies.append(data)
        self.deadlines.append(deadline)
        return self.post(url, headers, host)

    def post(self, url, headers, host):
        self.requests.append((url, dict(headers)))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def client(*answers, **config):
    config.setdefault('access_key_id', 'AKID')
    config.setdefault('access_key_secret', SECRET)
    sleeps = []
    transport = Script(*answers)
    c = CasClient(ClientConfig(environ={}, **config), transport=transport, sleep=sleeps.append, clock=lambda: NOW)
    return c, transport, sleeps


def test_success_signs_and_parses():
    c, transport, sleeps = client(ok([GOOD]), security_token=TOKEN)
    facts, request_id = c.get_ca_instance_status('cas-member-a')
    assert request_id == 'RID-OK' and facts[0]['instance_id'] == 'cas-member-a' and facts[0]['usable'] is True
    url, headers = transport.requests[0]
    assert url == 'https://cas.aliyuncs.com/?InstanceId=cas-member-a'
    assert headers['host'] == 'cas.aliyuncs.com' and headers['x-acs-security-token'] == TOKEN
    assert headers['Authorization'].startswith('ACS3-HMAC-SHA256 Credential=AKID,')
    assert sleeps == []


@pytest.mark.parametrize('transient', [
    err(400, 'Throttling.User'), err(503, 'ServiceUnavailable'), err(500, 'InternalError'),
    HttpResponse(502, {'content-type': 'text/html'}, b'<html><body>502 Bad Gateway</body></html>'),
    HttpResponse(504, {}, b'gateway timeout'), err(429, 'Throttling.Api'),
    CasTransportError('Could not connect to cas.aliyuncs.com (connection reset)'),
    CasTransportError('No answer within timeout'),
])
def test_transient_failures_are_retried_with_fresh_nonce(transient):
    c, transport, sleeps = client(transient, transient, ok([GOOD]))
    facts, _rid = c.get_ca_instance_status('cas-member-a')
    assert facts[0]['status'] == 'USED'
    assert len(transport.requests) == 3 and len(sleeps) == 2
    nonces = set(h['x-acs-signature-nonce'] for _u, h in transport.requests)
    signatures = set(h['Authorization'] for _u, h in transport.requests)
    assert len(nonces) == 3 and len(signatures) == 3


@pytest.mark.parametrize('permanent, error_type, fragment', [
    (err(400, 'SignatureDoesNotMatch', 'Specified signature is not matched with our calculation. server string to sign is:'
                                       'POST&%2F&AccessKeyId%3DAKID%26SecurityToken%3Dx'), CasApiError, 'check access_key_secret'),
    (err(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.'), CasApiError, 'check access_key_id'),
    (err(403, 'Forbidden.RAM', 'User not authorized'), CasApiError, 'yundun-cert:GetCAInstanceStatus'),
    (err(400, 'InvalidTimeStamp.Expired', 'expired'), CasApiError, 'fix the clock'),
    (err(400, 'MissingSecurityToken', 'x'), CasApiError, 'security_token'),
    (HttpResponse(200, {}, b'{"RequestId": "R", "InstanceStatusList": [{"Instan'), CasResponseError, 'not valid JSON'),
    (HttpResponse(200, {}, b'{"RequestId": "R", "Unexpected": true}'), CasResponseError, 'InstanceStatusList'),
    (HttpResponse(200, {}, b'[1, 2]'), CasResponseError, 'not an object'),
    (HttpResponse(200, {}, b'\xff\xfe'), CasResponseError, 'not valid JSON'),
])
def test_permanent_failures_are_not_retried(permanent, error_type, fragment):
    c, transport, sleeps = client(permanent, ok([GOOD]))
    with pytest.raises(error_type) as raised:
        c.get_ca_instance_status('cas-member-a')
    assert fragment in str(raised.value)
    assert len(transport.requests) == 1 and sleeps == []
    assert 'AccessKeyId%3D' not in str(raised.value) and raised.value.__cause__ is None


def test_gives_up_after_retries_and_says_so():
    c, transport, sleeps = client(*[err(400, 'Throttling.User')] * 3, retries=2)
    with pytest.raises(CasApiError) as raised:
        c.get_ca_instance_status('cas-member-a')
    assert len(transport.requests) == 3 and len(sleeps) == 2
    assert 'gave up after 3 attempts' in str(raised.value) and raised.value.code == 'Throttling.User'
    assert 'RequestId RID-ERR' in str(raised.value)


def test_retry_after_header_sets_the_wait():
    c, _transport, sleeps = client(err(429, 'Throttling.User', headers={'x-acs-retry-after': '1500'}), ok([GOOD]))
    c.get_ca_instance_status('cas-member-a')
    assert sleeps == [1.5]


def test_error_message_never_holds_secret_or_token():
    echoed = 'server string to sign is:%s %s' % (SECRET, TOKEN)
    c, _t, _s = client(err(400, 'IncompleteSignature', 'bad ' + echoed + ' and ' + SECRET), security_token=TOKEN)
    with pytest.raises(CasApiError) as raised:
        c.get_ca_instance_status('cas-member-a')
    for text in (str(raised.value), repr(raised.value), json.dumps(raised.value.to_result())):
        assert SECRET not in text and TOKEN not in text


def test_html_page_is_reported_as_such():
    page = HttpResponse(502, {'content-type': 'text/html'}, b'<html>bad gateway</html>')
    c, _t, _s = client(page, page, retries=1)
    with pytest.raises(CasResponseError) as raised:
        c.get_ca_instance_status('cas-member-a')
    assert 'HTML page instead of JSON' in str(raised.value) and 'HTTP 502' in str(raised.value)


def test_fetch_status_several_ids_keeps_order_and_collects_missing():
    other = dict(GOOD, InstanceId='cas-member-b', Status='BUY')
    answers = {
        'cas-member-a': ok([GOOD], 'R-A'), 'cas-member-b': ok([other], 'R-B'),
        'cas-member-gone': err(404, 'InvalidInstanceId.NotFound', 'The specified InstanceId does not exist.', 'R-G'),
        'cas-member-empty': ok([], 'R-E'),
    }

    class ByInstance(Script):
        def post(self, url, headers, host):
            self.requests.append((url, headers))
            return answers[url.split('InstanceId=')[1]]

    c = CasClient(ClientConfig(access_key_id='a', access_key_secret='b', environ={}), transport=ByInstance(),
                  clock=lambda: NOW)
    ids = ['cas-member-b', 'cas-member-gone', 'cas-member-a', 'cas-member-empty', 'cas-member-b']
    result = fetch_status(c, ids)
    assert [f['instance_id'] for f in result.instances] == ['cas-member-b', 'cas-member-a']
    assert result.missing == ['cas-member-gone', 'cas-member-empty'] and not result.complete
    assert len(c.transport.requests) == 4  # the duplicate ID is fetched once
    assert 'CA instances not found: cas-member-gone, cas-member-empty' in str(not_found_error(result))
    assert all(f['certificate_identifiers'] == [] for f in result.instances) and result.issuers == {}


def test_fetch_status_all_and_by_identifier():
    c, transport, _s = client(ok([GOOD, dict(GOOD, InstanceId='cas-member-b')]), ok([]))
    assert len(fetch_status(c).instances) == 2
    result = fetch_status(c, identifiers=['nope'])
    assert result.missing_identifiers == ['nope'] and not result.complete
    assert 'No CA instance of the account issued certificate nope' in str(not_found_error(result))
    assert transport.requests[0][0] == 'https://cas.aliyuncs.com/?'
    assert transport.requests[1][0] == 'https://cas.aliyuncs.com/?Identifier=nope'


ISSUED = {'cert-a1': 'cas-member-a', 'cert-a2': 'cas-member-a', 'cert-b1': 'cas-member-b'}


class ByIdentifier(Script):
    """Answers GetCAInstanceStatus by Identifier with the issuing instance, like the service."""

    def post(self, url, headers, host):
        self.requests.append((url, headers))
        identifier = url.split('Identifier=')[1]
        issuer = ISSUED.get(identifier)
        return ok([dict(GOOD, InstanceId=issuer)] if issuer else [], 'R-' + identifier)


def by_identifier():
    return CasClient(ClientConfig(access_key_id='a', access_key_secret='b', environ={}), transport=ByIdentifier(),
                     clock=lambda: NOW)


def test_certificates_lead_to_their_issuers_each_once():
    c = by_identifier()
    result = fetch_status(c, identifiers=['cert-b1', 'cert-a1', 'cert-unknown', 'cert-a2', 'cert-a1'])
    assert [f['instance_id'] for f in result.instances] == ['cas-member-b', 'cas-member-a']
    assert result.instances[1]['certificate_identifiers'] == ['cert-a1', 'cert-a2']
    assert result.issuers['cert-a2'] is result.instances[1] and result.issuers['cert-b1']['instance_id'] == 'cas-member-b'
    assert result.missing_identifiers == ['cert-unknown'] and len(c.transport.requests) == 4
    assert 'issued certificate cert-unknown' in str(not_found_error(result))


def test_instance_ids_select_among_the_issuers():
    c = by_identifier()
    result = fetch_status(c, ['cas-member-a'], ['cert-a1', 'cert-b1'])
    assert [f['instance_id'] for f in result.instances] == ['cas-member-a']
    assert result.foreign_issuers == {'cert-b1': 'cas-member-b'} and not result.complete
    assert 'Certificate cert-b1 was issued by cas-member-b, which is not among instance_id (cas-member-a)' in str(
        not_found_error(result, ['cas-member-a']))
    assert all('InstanceId' not in url for url, _h in c.transport.requests)


def test_a_certificate_with_two_issuers_fails_closed():
    c, _t, _s = client(ok([GOOD, dict(GOOD, InstanceId='cas-member-b')]))
    with pytest.raises(CasResponseError) as raised:
        fetch_status(c, identifiers=['cert-x'])
    assert 'Asked for the issuer of certificate cert-x, the service answered with 2 instances' in str(raised.value)


def test_other_api_errors_propagate_from_fetch_status():
    c, _t, _s = client(err(403, 'Forbidden.RAM'))
    with pytest.raises(CasApiError):
        fetch_status(c, ['cas-member-a'])


@pytest.mark.parametrize('value, fragment', [
    ('', 'is empty'), ('   ', 'is empty'), ('x' * 200, 'at most 128'), ('cas&member=1', 'not an instance ID'),
    ('cas#1', 'not an instance ID'), ('cas?1', 'not an instance ID'), ('cas%1', 'not an instance ID'),
    ('cäs-1', 'not an instance ID'), (5, 'must be a string'), (None, 'must be a string'),
])
def test_instance_id_validation(value, fragment):
    with pytest.raises(CasConfigError) as raised:
        validate_instance_id(value)
    assert fragment in str(raised.value) and raised.value.option == 'instance_id'


@pytest.mark.parametrize('value, fragment', [
    ('', 'identifier is empty: give a certificate identifier'), ('a b', 'is not a certificate identifier'),
    ('x' * 129, 'is not a certificate identifier'), (['x'], 'must be a string'),
])
def test_identifier_validation(value, fragment):
    with pytest.raises(CasConfigError) as raised:
        validate_identifier(value)
    assert fragment in str(raised.value) and raised.value.option == 'identifier'


def test_insecure_warning():
    c, _t, _s = client(validate_certs=False)
    assert any('validate_certs is false' in w for w in c.warnings)


class Clock:
    """A monotonic clock that advances only when the client sleeps (or a test says so)."""

    def __init__(self):
        self.now = 1000.0
        self.slept = []

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


def timed_client(*answers, **config):
    config.setdefault('access_key_id', 'AKID')
    config.setdefault('access_key_secret', SECRET)
    clock = Clock()
    transport = Script(*answers)
    c = CasClient(ClientConfig(environ={}, **config), transport=transport, sleep=clock.sleep, clock=lambda: NOW,
                  monotonic=clock.monotonic)
    return c, transport, clock


def test_every_attempt_gets_the_call_deadline():
    c, transport, clock = timed_client(err(503, 'ServiceUnavailable'), ok([GOOD]), timeout=2, retries=1)
    c.get_ca_instance_status('cas-member-a')
    bound = c.time_bound()
    assert bound == 2 * 2 + 1.0  # two attempts of 2 s and the longest wait between them
    assert transport.deadlines == [1000.0 + bound] * 2 and len(clock.slept) == 1


def test_waits_that_would_outlast_the_bound_end_the_call():
    # retry-after asks for 20 s; the call's bound (3 attempts of 1 s, waits of 1 and 2 s) cannot hold it.
    slow = err(429, 'Throttling.User', headers={'x-acs-retry-after': '20000'})
    c, transport, clock = timed_client(slow, slow, slow, timeout=1, retries=2)
    with pytest.raises(CasApiError) as raised:
        c.get_ca_instance_status('cas-member-a')
    assert len(transport.requests) == 1 and clock.slept == []
    assert 'gave up after 1 attempts: the time bound of the call' in str(raised.value)


def test_a_slow_attempt_leaves_less_time_for_retries():
    class Slow(Script):
        def post(self, url, headers, host):
            clock.now += 1.9  # each attempt takes nearly the whole timeout
            return super(Slow, self).post(url, headers, host)
    clock = Clock()
    transport = Slow(*[err(503, 'ServiceUnavailable')] * 6)
    c = CasClient(ClientConfig(environ={}, access_key_id='AKID', access_key_secret=SECRET, timeout=2, retries=5),
                  transport=transport, sleep=clock.sleep, clock=lambda: NOW, monotonic=clock.monotonic)
    started = clock.now
    with pytest.raises(CasApiError):
        c.get_ca_instance_status('cas-member-a')
    assert clock.now - started <= c.time_bound()


SECRETS_ECHOED = 'Code %s token %s' % (SECRET, TOKEN)


def test_a_hostile_endpoint_echoing_credentials_in_every_field_gets_none_printed():
    body = {'RequestId': 'R-' + SECRET, 'Code': 'Bad' + SECRET + TOKEN, 'Message': SECRETS_ECHOED,
            'Recommend': 'https://x/?q=' + TOKEN, 'HostId': SECRET}
    hostile = HttpResponse(400, {'x-acs-request-id': SECRET}, json.dumps(body).encode())
    c, _t, _s = client(hostile, security_token=TOKEN)
    with pytest.raises(CasApiError) as raised:
        c.get_ca_instance_status('cas-member-a')
    error = raised.value
    for text in (str(error), repr(error), json.dumps(error.to_result()), error.code, error.request_id, error.recommend):
        assert SECRET not in text and TOKEN not in text
    assert '<redacted>' in error.code and '<redacted>' in error.request_id


def test_facts_never_carry_an_echoed_secret():
    c, _t, _s = client(ok([dict(GOOD, Identifier=SECRET, Extra={'Nested': [TOKEN]})], request_id=TOKEN),
                       security_token=TOKEN)
    (facts,), request_id = c.get_ca_instance_status('cas-member-a')
    assert facts['identifier'] == '<redacted>' and facts['extra'] == {'Nested': ['<redacted>']}
    assert request_id == '<redacted>'


@pytest.mark.parametrize('body, fragment', [
    (b'{"RequestId": "R", "InstanceStatusList": ' + b'[' * 100000 + b']' * 100000 + b'}', 'nested'),
    (b'{"RequestId": "R", "InstanceStatusList": ' + b'[' * 40 + b']' * 40 + b'}', 'nested more than 32 levels deep'),
    (('{"RequestId": "R", "InstanceStatusList": [{"InstanceId": "cas-member-a", "CertTotalCount": %s}]}'
      % ('9' * 5000)).encode(), 'a number of 5000 digits'),
    (b'{"RequestId": "R", "InstanceStatusList": [{"InstanceId": "cas-member-a", "CertTotalCount": NaN}]}',
     'NaN, which JSON does not allow'),
    (b'{"RequestId": "R", "InstanceStatusList": [{"InstanceId": "cas-member-a", "Status": "USED", "AfterTime": 1e400}]}',
     'AfterTime=inf'),
    (json.dumps({'RequestId': 'R', 'InstanceStatusList': [dict(GOOD, AfterTime=253402300800000)]}).encode(),
     'AfterTime=253402300800000 for instance cas-member-a where a time in epoch milliseconds (0 to year 9999)'),
])
def test_json_no_answer_holds_is_one_clear_error(body, fragment):
    c, transport, sleeps = client(HttpResponse(200, {}, body), ok([GOOD]))
    with pytest.raises(CasResponseError) as raised:
        c.get_ca_instance_status('cas-member-a')
    assert fragment in str(raised.value) and len(transport.requests) == 1 and sleeps == []
    assert len(str(raised.value)) < 600


def test_an_answer_listing_one_instance_twice_fails_closed():
    revoked = dict(GOOD, Status='REVOKE')
    c, _t, _s = client(ok([revoked, GOOD]))
    with pytest.raises(CasResponseError) as raised:
        fetch_status(c, ['cas-member-a'])
    assert 'listed instance cas-member-a more than once' in str(raised.value)


def test_an_answer_about_another_instance_fails_closed():
    c, _t, _s = client(ok([dict(GOOD, InstanceId='cas-member-other')]))
    with pytest.raises(CasResponseError) as raised:
        fetch_status(c, ['cas-member-a'])
    assert 'Asked about instance cas-member-a, the service answered about cas-member-other' in str(raised.value)


def test_an_echoed_secret_spelt_with_json_escapes_is_still_redacted():
    escaped = ''.join('\\u%04x' % ord(c) for c in SECRET)
    body = json.dumps({'RequestId': 'R', 'InstanceStatusList': [dict(GOOD, Identifier='SECRET-HERE', Extra='TOKEN-HERE')]})
    body = body.replace('SECRET-HERE', escaped).replace('TOKEN-HERE', TOKEN.replace('/', '\\/')).encode()
    c, _t, _s = client(HttpResponse(200, {}, body), security_token=TOKEN)
    (facts,), _rid = c.get_ca_instance_status('cas-member-a')
    assert facts['identifier'] == '<redacted>' and facts['extra'] == '<redacted>'
