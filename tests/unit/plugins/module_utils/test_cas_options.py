# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Endpoint, region and numeric option validation."""

import pytest

from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_errors import CasConfigError
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_options import (
    ClientConfig, connection_argspec, endpoint_userinfo, env_fallback_nonempty, is_loopback, parse_endpoint)


@pytest.mark.parametrize('endpoint, base, host', [
    ('cas.aliyuncs.com', 'https://cas.aliyuncs.com', 'cas.aliyuncs.com'),
    ('https://cas.aliyuncs.com/', 'https://cas.aliyuncs.com', 'cas.aliyuncs.com'),
    ('HTTPS://cas.eu-central-1.aliyuncs.com:443', 'https://cas.eu-central-1.aliyuncs.com:443', 'cas.eu-central-1.aliyuncs.com:443'),
    ('http://127.0.0.1:8080', 'http://127.0.0.1:8080', '127.0.0.1:8080'),
    ('http://localhost:1', 'http://localhost:1', 'localhost:1'),
    ('http://[::1]:9', 'http://[::1]:9', '[::1]:9'),
    (' cas-vpc.cn-hangzhou.aliyuncs.com ', 'https://cas-vpc.cn-hangzhou.aliyuncs.com', 'cas-vpc.cn-hangzhou.aliyuncs.com'),
])
def test_valid_endpoints(endpoint, base, host):
    assert parse_endpoint(endpoint) == (base, host)


@pytest.mark.parametrize('endpoint, fragment', [
    ('not a url', 'not a valid host name or URL'),
    ('ftp://cas.aliyuncs.com', 'not a valid host name or URL'),
    ('https://cas.aliyuncs.com/some/path', 'no path'),
    ('https://user:pw@cas.aliyuncs.com', "endpoint 'https://<redacted>@cas.aliyuncs.com' holds credentials"),
    ('https://cas.aliyuncs.com:99999', 'not a valid host name or URL'),
    ('https://', 'not a valid host name or URL'),
    ('http://cas.aliyuncs.com', 'plain http to a host that is not on this machine'),
    ('http://10.0.0.1:80', 'plain http'),
])
def test_invalid_endpoints(endpoint, fragment):
    with pytest.raises(CasConfigError) as err:
        parse_endpoint(endpoint)
    assert fragment in str(err.value) and err.value.option == 'endpoint'


def test_loopback():
    assert is_loopback('127.0.0.5') and is_loopback('::1') and is_loopback('localhost')
    assert not is_loopback('10.1.1.1') and not is_loopback('cas.aliyuncs.com')


def test_region_maps_to_endpoint():
    assert ClientConfig().host == 'cas.aliyuncs.com'
    assert ClientConfig(region='cn-shanghai').host == 'cas.aliyuncs.com'
    assert ClientConfig(region='ap-southeast-1').host == 'cas.ap-southeast-1.aliyuncs.com'
    assert ClientConfig(region='ap-southeast-1', endpoint='http://127.0.0.1:1').host == '127.0.0.1:1'
    for region in ('Not A Region!', 'CN-HANGZHOU', 'cn_hangzhou'):
        with pytest.raises(CasConfigError) as err:
            ClientConfig(region=region)
        assert err.value.option == 'region' and 'is not a region ID such as cn-hangzhou' in str(err.value)


@pytest.mark.parametrize('kwargs, fragment', [
    ({'timeout': -1}, 'timeout must be a number greater than 0'),
    ({'timeout': 0}, 'timeout must be a number greater than 0'),
    ({'timeout': 'soon'}, "got 'soon'"),
    ({'timeout': float('nan')}, 'timeout must be'),
    ({'timeout': 10 ** 400}, 'timeout must be a number greater than 0'),  # too large for a float
    ({'retries': float('inf')}, 'retries must be a number between 0 and 20'),  # no integer is infinite
    ({'role_duration': float('inf')}, 'role_duration must be a number between 900 and 43200'),
    ({'role_duration': 899}, 'role_duration must be a number between 900 and 43200'),
    ({'retries': -1}, 'retries must be a number between 0 and 20'),
    ({'retries': 1000}, 'retries must be a number between 0 and 20'),
    ({'retries': True}, 'retries must be'),
    ({'cache_ttl': -5}, 'cache_ttl must be a number at least 0'),
    ({'rate_limit': 0}, 'rate_limit must be a number between 0.1 and 1000.0, got 0'),
    ({'rate_limit': 0.001}, 'rate_limit must be a number between 0.1 and 1000.0'),
    ({'rate_limit': float('nan')}, 'rate_limit must be a number between 0.1 and 1000.0'),
    ({'validate_certs': 'yes'}, 'validate_certs must be true or false'),
    ({'ca_bundle': '/nonexistent/ca.pem'}, 'ca_bundle /nonexistent/ca.pem is not a readable file'),
])
def test_bad_values_name_the_option(kwargs, fragment):
    with pytest.raises(CasConfigError) as err:
        ClientConfig(**kwargs)
    assert fragment in str(err.value)
    assert err.value.option == list(kwargs)[0]


def test_verify(tmp_path):
    bundle = tmp_path / 'ca.pem'
    bundle.write_text('x')
    assert ClientConfig().verify is True
    assert ClientConfig(validate_certs=False).verify is False
    assert ClientConfig(ca_bundle=str(bundle)).verify == str(bundle)


def test_from_options_ignores_unknown_and_none():
    config = ClientConfig.from_options({'endpoint': 'http://127.0.0.1:5', 'timeout': None, 'query': 'x'})
    assert config.base_url == 'http://127.0.0.1:5' and config.timeout == 10.0


def test_repr_has_no_secret():
    text = repr(ClientConfig(access_key_id='AKID', access_key_secret='s3cr3t', security_token='t0k3n'))
    assert 'AKID' in text and 's3cr3t' not in text and 't0k3n' not in text


def test_argspec_secrets_are_no_log():
    spec = connection_argspec()
    assert spec['access_key_secret']['no_log'] is True and spec['security_token']['no_log'] is True
    assert spec['access_key_id']['no_log'] is False
    assert spec['endpoint']['fallback'][1] == ['ALIBABA_CLOUD_ENDPOINT_CAS']


@pytest.mark.parametrize('endpoint', ['https://user:s3cr3t-pass@cas.aliyuncs.com', 'user:s3cr3t-pass@cas.aliyuncs.com',
                                      'http://user:s3cr3t-pass@127.0.0.1:8080', 'https://s3cr3t-pass@cas.aliyuncs.com/'])
def test_credentials_in_an_endpoint_are_refused_without_echoing_them(endpoint):
    with pytest.raises(CasConfigError) as err:
        ClientConfig(endpoint=endpoint, environ={})
    assert 'holds credentials (user:password@)' in str(err.value) and 's3cr3t-pass' not in str(err.value)
    assert 's3cr3t-pass' in endpoint_userinfo(endpoint)[-1]


def test_endpoint_userinfo():
    assert endpoint_userinfo('https://u:p@h') == ('u:p', 'p')
    assert endpoint_userinfo('https://cas.aliyuncs.com/') == () and endpoint_userinfo(None) == ()
    assert endpoint_userinfo('https://cas.aliyuncs.com/?a=b@c') == ()


def test_empty_environment_variables_count_as_unset(monkeypatch):
    from ansible.module_utils.basic import AnsibleFallbackNotFound
    monkeypatch.setenv('ALICLOUD_CAS_TIMEOUT', '')
    monkeypatch.setenv('ALICLOUD_CAS_RETRIES', '  ')
    with pytest.raises(AnsibleFallbackNotFound):
        env_fallback_nonempty('ALICLOUD_CAS_TIMEOUT', 'ALICLOUD_CAS_RETRIES')
    monkeypatch.setenv('ALICLOUD_CAS_RETRIES', '3')
    assert env_fallback_nonempty('ALICLOUD_CAS_TIMEOUT', 'ALICLOUD_CAS_RETRIES') == '3'
    monkeypatch.setenv('ALICLOUD_CAS_TIMEOUT', ' 7 ')
    assert env_fallback_nonempty('ALICLOUD_CAS_TIMEOUT', 'ALICLOUD_CAS_RETRIES') == ' 7 '  # the first set, as set
    spec = connection_argspec()
    assert spec['timeout']['fallback'] == (env_fallback_nonempty, ['ALICLOUD_CAS_TIMEOUT'])
