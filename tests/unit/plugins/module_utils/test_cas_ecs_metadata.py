# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ECS instance metadata service: session token, role discovery, credentials, errors."""

import json

import pytest

from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_credentials import parse_expiration
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_ecs_metadata import EcsMetadata
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_errors import CasCredentialError, CasTransportError
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_transport import HttpResponse


class FakeMetadata:
    def __init__(self, routes, unreachable=False):
        self.routes = routes
        self.unreachable = unreachable
        self.requests = []

    def request(self, method, url, headers, host, data=b''):
        self.requests.append((method, url.split(host, 1)[1], dict(headers)))
        if self.unreachable:
            raise CasTransportError('Could not connect to %s (timed out)' % host)
        status, body = self.routes.get((method, url.split(host, 1)[1]), (404, ''))
        return HttpResponse(status, {}, body.encode())


def creds_body(expiration='2030-01-01T00:00:00Z'):
    return json.dumps({'Code': 'Success', 'AccessKeyId': 'STS.ecs', 'AccessKeySecret': 'ecs-secret',
                       'SecurityToken': 'ecs-token', 'Expiration': expiration, 'LastUpdated': '2029-12-31T18:00:00Z'})


def test_metadata_uses_a_session_token_and_discovers_the_role():
    transport = FakeMetadata({('PUT', '/latest/api/token'): (200, 'TOKEN-1'),
                              ('GET', '/latest/meta-data/ram/security-credentials/'): (200, 'EcsRole\n'),
                              ('GET', '/latest/meta-data/ram/security-credentials/EcsRole'): (200, creds_body())})
    creds = EcsMetadata('http://100.100.100.200', transport, {}).role_credentials(None, 'ECS')
    assert creds.access_key_id == 'STS.ecs' and creds.expiration == parse_expiration('2030-01-01T00:00:00Z')
    put, role, get = transport.requests
    assert put[0] == 'PUT' and put[2] == {'X-aliyun-ecs-metadata-token-ttl-seconds': '21600'}
    assert role[2] == get[2] == {'X-aliyun-ecs-metadata-token': 'TOKEN-1'}


def test_metadata_falls_back_to_v1_unless_disabled():
    routes = {('PUT', '/latest/api/token'): (403, 'forbidden'),
              ('GET', '/latest/meta-data/ram/security-credentials/R'): (200, creds_body())}
    transport = FakeMetadata(routes)
    assert EcsMetadata('http://m', transport, {}).role_credentials('R', 'ECS').access_key_id == 'STS.ecs'
    assert transport.requests[-1][2] == {}
    with pytest.raises(CasCredentialError) as err:
        EcsMetadata('http://m', FakeMetadata(routes), {'ALIBABA_CLOUD_IMDSV1_DISABLED': 'true'}).role_credentials('R', 'ECS')
    assert 'ALIBABA_CLOUD_IMDSV1_DISABLED' in str(err.value)


@pytest.mark.parametrize('routes, unreachable, fragment', [
    ({}, True, 'not reachable'),
    ({('PUT', '/latest/api/token'): (200, 'T')}, False, 'no RAM role is attached'),
    ({('PUT', '/latest/api/token'): (200, 'T'), ('GET', '/latest/meta-data/ram/security-credentials/'): (200, 'R')},
     False, 'no RAM role named R'),
    ({('PUT', '/latest/api/token'): (200, 'T'), ('GET', '/latest/meta-data/ram/security-credentials/'): (200, 'R'),
      ('GET', '/latest/meta-data/ram/security-credentials/R'): (200, '{"Code": "Failed"}')}, False, 'Code Failed'),
])
def test_metadata_errors(routes, unreachable, fragment):
    transport = FakeMetadata(routes, unreachable)
    with pytest.raises(CasCredentialError) as err:
        EcsMetadata('http://m', transport, {}, retries=0).role_credentials(None, 'ECS')
    assert fragment in str(err.value)
    if unreachable:
        assert len(transport.requests) == 1  # nothing more is tried when the service does not answer


def test_a_session_token_that_is_not_printable_ascii_is_not_sent():
    transport = FakeMetadata({('PUT', '/latest/api/token'): (200, 'TOKEN\u2019zq9marker'),
                              ('GET', '/latest/meta-data/ram/security-credentials/R'): (200, creds_body())})
    with pytest.raises(CasCredentialError) as err:
        EcsMetadata('http://m', transport, {}).role_credentials('R', 'ECS')
    assert 'session token that is not printable ASCII' in str(err.value) and 'zq9marker' not in str(err.value)
    assert len(transport.requests) == 1  # nothing was sent with it


@pytest.mark.parametrize('field', ['AccessKeyId', 'AccessKeySecret', 'SecurityToken'])
def test_credentials_that_are_not_printable_ascii_are_refused_without_showing_them(field):
    body = dict(json.loads(creds_body()), **{field: 'zq9marker\ufffdvalue'})
    transport = FakeMetadata({('PUT', '/latest/api/token'): (200, 'T'),
                              ('GET', '/latest/meta-data/ram/security-credentials/R'): (200, json.dumps(body))})
    with pytest.raises(CasCredentialError) as err:
        EcsMetadata('http://m', transport, {}).role_credentials('R', 'ECS')
    text = str(err.value)
    assert 'credentials for role R whose %s holds characters other than printable ASCII' % field in text
    assert 'zq9marker' not in text


def test_an_answer_nested_too_deeply_is_not_json():
    transport = FakeMetadata({('PUT', '/latest/api/token'): (200, 'T'),
                              ('GET', '/latest/meta-data/ram/security-credentials/R'): (200, '[' * 100000)})
    with pytest.raises(CasCredentialError) as err:
        EcsMetadata('http://m', transport, {}).role_credentials('R', 'ECS')
    assert 'answered something that is not JSON for role R' in str(err.value)


def test_endpoint_from_the_environment():
    from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_ecs_metadata import metadata_endpoint
    assert metadata_endpoint({}) == metadata_endpoint({'ALICLOUD_CAS_ECS_METADATA_ENDPOINT': '  '}) == \
        'http://100.100.100.200'
    assert metadata_endpoint({'ALICLOUD_CAS_ECS_METADATA_ENDPOINT': ' http://127.0.0.1:9/ '}) == 'http://127.0.0.1:9'
