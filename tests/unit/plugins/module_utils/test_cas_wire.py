# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The wire: the x-acs-retry-after hint, and the unsigned STS request (AssumeRoleWithOIDC)."""

import json
import re
from urllib.parse import parse_qsl

import pytest

from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_client import CasClient
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_options import ClientConfig
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_retry import RetryPolicy
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_role_credentials import StsEndpoint
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_transport import HttpResponse

OK = HttpResponse(200, {}, json.dumps({'RequestId': 'R', 'InstanceStatusList': []}).encode())


class Script:
    """Plays back answers and records each request."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.requests = []

    def request(self, method, url, headers, host, data=b'', deadline=None):
        self.requests.append((method, url, dict(headers), data))
        return self.answers.pop(0)


def throttled(retry_after):
    body = json.dumps({'RequestId': 'R-T', 'Code': 'Throttling.User', 'Message': 'slow down'}).encode()
    return HttpResponse(429, {'x-acs-retry-after': retry_after}, body)


def client(transport, sleeps):
    config = ClientConfig(access_key_id='AKID', access_key_secret='very-secret-value', environ={})
    # rand() == 0: the backoff is half its ceiling, 0.5 s for the first retry after throttling.
    return CasClient(config, transport=transport, sleep=sleeps.append, clock=lambda: 1700000000.0,
                     policy=RetryPolicy(3, rand=lambda: 0.0))


@pytest.mark.parametrize('retry_after, wait', [
    ('1500', 1.5),
    ('999999999', 20.0),        # 9 digits: taken, and capped by the policy's longest wait
    ('1000000000', 0.5),        # 10 digits: ignored, the usual backoff applies
    ('9' * 400, 0.5),           # would overflow a float
    ('9' * 5000, 0.5),          # longer than int() converts
    ('\u00b2', 0.5),            # a digit to str.isdigit, not to int
    ('\u0661\u0662', 0.5),      # Arabic-Indic digits: int() reads them, the header is ASCII
    ('-5', 0.5),
    ('', 0.5),
])
def test_retry_after_hint_is_used_only_when_it_is_a_sane_number(retry_after, wait):
    sleeps = []
    transport = Script(throttled(retry_after), OK)
    assert client(transport, sleeps).call('GetCAInstanceStatus', {'InstanceId': 'cas-x'})['RequestId'] == 'R'
    assert sleeps == [wait] and len(transport.requests) == 2


def test_unsigned_sts_call_sends_the_parameters_in_a_form_body():
    sleeps = []
    sts = StsEndpoint('https://sts.example', 'sts.example')
    transport = Script(HttpResponse(200, {}, b'{"RequestId": "R-S"}'))
    c = client(None, sleeps)
    c._transports[sts.base_url] = transport  # pylint: disable=protected-access
    params = {'RoleArn': 'acs:ram::1:role/r', 'OIDCProviderArn': 'acs:ram::1:oidc-provider/p',
              'OIDCToken': 'eyJ.a+b/c=', 'RoleSessionName': 's', 'DurationSeconds': '3600'}
    assert c.sts_call(sts, 'AssumeRoleWithOIDC', params) == {'RequestId': 'R-S'}
    method, url, headers, body = transport.requests[0]
    assert method == 'POST' and 'eyJ' not in url and 'Authorization' not in headers
    assert body == (b'DurationSeconds=3600&OIDCProviderArn=acs%3Aram%3A%3A1%3Aoidc-provider%2Fp&'
                    b'OIDCToken=eyJ.a%2Bb%2Fc%3D&RoleArn=acs%3Aram%3A%3A1%3Arole%2Fr&RoleSessionName=s')
    query = url.split('/?', 1)[1]
    pairs = parse_qsl(query)
    assert [k for k, _v in pairs] == ['Action', 'Format', 'SignatureNonce', 'Timestamp', 'Version']
    values = dict(pairs)
    assert (values['Action'], values['Format'], values['Version']) == ('AssumeRoleWithOIDC', 'JSON', '2015-04-01')
    assert re.match(r'^[0-9a-f]{32}$', values['SignatureNonce'])
    assert re.match(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$', values['Timestamp'])
    assert 'Timestamp=%s' % values['Timestamp'].replace(':', '%3A') in query  # RFC 3986 encoded
    assert headers['content-type'] == 'application/x-www-form-urlencoded' and headers['x-acs-action'] == \
        'AssumeRoleWithOIDC'
