# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Interoperability: the official alibabacloud-credentials providers and tea-openapi client against the emulator.

This proves that the emulated STS and metadata service speak the real protocol:
* RamRoleArnCredentialsProvider signs AssumeRole with V1 (HMAC-SHA1, GET, its own quote_plus encoding);
* OIDCRoleArnCredentialsProvider sends AssumeRoleWithOIDC unsigned over GET;
* EcsRamRoleCredentialsProvider does PUT /latest/api/token, then the role name and credentials GETs;
* tea-openapi's generic client signs AssumeRole with V3 and sends AssumeRoleWithOIDC anonymously (headers form).

Pointing them at a plain-HTTP loopback endpoint: the STS providers take ``sts_endpoint``; they hard-code https, but
Tea's ``compose_url`` keeps an endpoint that already starts with ``http://``. The metadata host is a private
attribute (``_EcsRamRoleCredentialsProvider__metadata_service_host``, '100.100.100.200') set here after construction.
"""

from __future__ import annotations

import pytest

from emulator.testing import (DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, DEMO_ECS_ROLE_NAME, DEMO_EXPIRED_OIDC_TOKEN, DEMO_INSTANCE_IDS,
                              DEMO_OIDC_PROVIDER_ARN, DEMO_OIDC_TOKEN, DEMO_ROLE_ARN, UNASSUMABLE_ROLE_ARN)

providers = pytest.importorskip('alibabacloud_credentials.provider')
cred_client = pytest.importorskip('alibabacloud_credentials.client')
cred_models = pytest.importorskip('alibabacloud_credentials.models')
cas_client = pytest.importorskip('alibabacloud_cas20200630.client')
cas_models = pytest.importorskip('alibabacloud_cas20200630.models')
openapi_models = pytest.importorskip('alibabacloud_tea_openapi.models')
openapi_client = pytest.importorskip('alibabacloud_tea_openapi.client')
openapi_utils = pytest.importorskip('alibabacloud_tea_openapi.utils_models')
runtime_models = pytest.importorskip('darabonba.runtime')


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch):
    """Tea sends through HTTP(S)_PROXY whatever NO_PROXY says: never proxy emulator traffic."""
    for name in ('HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'ALL_PROXY', 'all_proxy'):
        monkeypatch.delenv(name, raising=False)


def ram_role_provider(emu, **kwargs):
    return providers.RamRoleArnCredentialsProvider(access_key_id=DEMO_ACCESS_KEY_ID, access_key_secret=DEMO_ACCESS_KEY_SECRET,
                                                   role_arn=kwargs.pop('role_arn', DEMO_ROLE_ARN), role_session_name='sdk-test',
                                                   sts_endpoint=emu.url, **kwargs)


def ecs_provider(emu, **kwargs):
    provider = providers.EcsRamRoleCredentialsProvider(async_update_enabled=False, **kwargs)
    provider._EcsRamRoleCredentialsProvider__metadata_service_host = emu.host_port  # pylint: disable=protected-access
    return provider


def cas_call(emu, access_key_id, secret, token):
    """GetCAInstanceStatus through the official CAS SDK with the given (temporary) credentials."""
    client = cas_client.Client(openapi_models.Config(access_key_id=access_key_id, access_key_secret=secret, security_token=token,
                                                     endpoint=emu.host_port, protocol='http'))
    return client.get_cainstance_status_with_options(cas_models.GetCAInstanceStatusRequest(),
                                                     runtime_models.RuntimeOptions()).body.to_map()


def cas_call_with(emu, credentials):
    return cas_call(emu, credentials.get_access_key_id(), credentials.get_access_key_secret(), credentials.get_security_token())


def test_ram_role_arn_provider_v1_signed_assume_role(emulator):
    credentials = ram_role_provider(emulator).get_credentials()
    assert credentials.get_access_key_id().startswith('STS.') and credentials.get_security_token()
    assert len(cas_call_with(emulator, credentials)['InstanceStatusList']) == len(DEMO_INSTANCE_IDS)
    counters = emulator.counters()
    assert counters['calls_by_action'] == {'AssumeRole': 1, 'GetCAInstanceStatus': 1}
    assert counters['credentials_issued'] == {'AssumeRole': 1}
    assert counters['errors_by_code'] == {}


def test_ram_role_arn_provider_errors_carry_the_sts_code(emulator):
    with pytest.raises(Exception) as info:
        ram_role_provider(emulator, role_arn=UNASSUMABLE_ROLE_ARN).get_credentials()
    assert 'http_code: 403' in str(info.value) and 'NoPermission' in str(info.value)
    with pytest.raises(Exception) as info:
        ram_role_provider(emulator, duration_seconds=7200).get_credentials()
    assert 'InvalidParameter.DurationSeconds' in str(info.value)


def test_the_library_refreshes_according_to_the_emulators_expiration(emulator):
    # 3600 s: valid for more than the library's 15-minute stale window, so the credentials are cached.
    cached = ram_role_provider(emulator)
    assert cached.get_credentials().get_access_key_id() == cached.get_credentials().get_access_key_id()
    assert emulator.counters()['calls_by_action'] == {'AssumeRole': 1}
    # 600 s (sts_duration): inside the stale window, so every use fetches new credentials.
    emulator.set_sts_duration(600)
    refreshing = ram_role_provider(emulator)
    first, second = refreshing.get_credentials(), refreshing.get_credentials()
    assert first.get_access_key_id() != second.get_access_key_id()
    assert abs(second.get_expiration() - first.get_expiration()) <= 2
    assert emulator.counters()['calls_by_action'] == {'AssumeRole': 3}


def test_oidc_provider_unsigned_assume_role_with_oidc(emulator, tmp_path):
    token_file = tmp_path / 'token'
    token_file.write_text(DEMO_OIDC_TOKEN)
    provider = providers.OIDCRoleArnCredentialsProvider(role_arn=DEMO_ROLE_ARN, oidc_provider_arn=DEMO_OIDC_PROVIDER_ARN,
                                                        oidc_token_file_path=str(token_file), role_session_name='rrsa-test',
                                                        sts_endpoint=emulator.url)
    credentials = provider.get_credentials()
    assert len(cas_call_with(emulator, credentials)['InstanceStatusList']) == len(DEMO_INSTANCE_IDS)
    token_file.write_text(DEMO_EXPIRED_OIDC_TOKEN)
    expired = providers.OIDCRoleArnCredentialsProvider(role_arn=DEMO_ROLE_ARN, oidc_provider_arn=DEMO_OIDC_PROVIDER_ARN,
                                                       oidc_token_file_path=str(token_file), sts_endpoint=emulator.url)
    with pytest.raises(Exception) as info:
        expired.get_credentials()
    assert 'http_code: 401' in str(info.value) and 'AuthenticationFail.OIDCToken.Expired' in str(info.value)
    assert emulator.counters()['calls_by_action']['AssumeRoleWithOIDC'] == 2


@pytest.mark.parametrize('hardened', [False, True])
def test_ecs_ram_role_provider_imdsv2(emulator, hardened):
    emulator.set_metadata(require_token=hardened)
    credentials = ecs_provider(emulator, disable_imds_v1=True).get_credentials()
    assert credentials.get_provider_name() == 'ecs_ram_role'
    assert len(cas_call_with(emulator, credentials)['InstanceStatusList']) == len(DEMO_INSTANCE_IDS)
    counters = emulator.counters()['metadata_requests']
    # Discovery: token + role name, then token + credentials; every GET carries the token.
    assert counters == {'token': 2, 'role_name': 1, 'credentials': 1, 'with_token': 2}


def test_ecs_ram_role_provider_with_a_role_name_and_imdsv1_fallback(emulator):
    emulator.inject('http500', target='metadata')  # the token PUT fails: the library falls back to IMDSv1
    credentials = ecs_provider(emulator, role_name=DEMO_ECS_ROLE_NAME).get_credentials()
    assert credentials.get_access_key_id().startswith('STS.')
    assert emulator.counters()['metadata_requests'] == {'token': 1, 'credentials': 1, 'without_token': 1}
    emulator.set_metadata(require_token=True)
    emulator.inject('http500', target='metadata')
    with pytest.raises(Exception) as info:  # hardened: the tokenless fallback is refused
        ecs_provider(emulator, role_name=DEMO_ECS_ROLE_NAME).get_credentials()
    assert 'HttpCode=403' in str(info.value)


def test_ecs_ram_role_provider_when_not_on_ecs(emulator):
    emulator.set_metadata(enabled=False)
    with pytest.raises(Exception):
        ecs_provider(emulator, disable_imds_v1=True).get_credentials()
    assert emulator.counters()['metadata_requests'] == {'token': 1, 'unavailable': 1}


def test_cas_sdk_with_a_ram_role_credential_client(emulator):
    """The whole official chain: CAS SDK -> CredentialClient(ram_role_arn) -> emulated STS -> CAS with the STS key."""
    credential = cred_client.Client(cred_models.Config(type='ram_role_arn', access_key_id=DEMO_ACCESS_KEY_ID,
                                                       access_key_secret=DEMO_ACCESS_KEY_SECRET, role_arn=DEMO_ROLE_ARN,
                                                       role_session_name='chain-test', sts_endpoint=emulator.url))
    client = cas_client.Client(openapi_models.Config(credential=credential, endpoint=emulator.host_port, protocol='http'))
    for _attempt in range(2):
        body = client.get_cainstance_status_with_options(cas_models.GetCAInstanceStatusRequest(instance_id='cas-member-demo-root'),
                                                         runtime_models.RuntimeOptions()).body.to_map()
        assert body['InstanceStatusList'][0]['InstanceId'] == 'cas-member-demo-root'
    counters = emulator.counters()
    assert counters['calls_by_action'] == {'AssumeRole': 1, 'GetCAInstanceStatus': 2}
    [sts_key] = [key for key in counters['calls_by_access_key'] if key.startswith('STS.')]
    assert counters['calls_by_access_key'][sts_key] == 2


def sts_params(action, auth_type):
    return openapi_utils.Params(action=action, version='2015-04-01', protocol='HTTP', pathname='/', method='POST',
                                auth_type=auth_type, style='RPC', req_body_type='formData', body_type='json')


def test_tea_openapi_v3_assume_role_and_anonymous_oidc(emulator):
    signed = openapi_client.Client(openapi_models.Config(access_key_id=DEMO_ACCESS_KEY_ID, access_key_secret=DEMO_ACCESS_KEY_SECRET,
                                                         endpoint=emulator.host_port, protocol='http'))
    request = openapi_utils.OpenApiRequest(query={'RoleArn': DEMO_ROLE_ARN, 'RoleSessionName': 'openapi-v3', 'DurationSeconds': '900'})
    body = signed.call_api(sts_params('AssumeRole', 'AK'), request, runtime_models.RuntimeOptions())['body']
    creds = body['Credentials']
    assert body['AssumedRoleUser']['Arn'].endswith('/cas-gate-reader/openapi-v3')
    assert len(cas_call(emulator, creds['AccessKeyId'], creds['AccessKeySecret'], creds['SecurityToken'])['InstanceStatusList']) == len(DEMO_INSTANCE_IDS)
    anonymous = openapi_client.Client(openapi_models.Config(endpoint=emulator.host_port, protocol='http'))
    request = openapi_utils.OpenApiRequest(query={'RoleArn': DEMO_ROLE_ARN, 'OIDCProviderArn': DEMO_OIDC_PROVIDER_ARN,
                                                  'OIDCToken': DEMO_OIDC_TOKEN, 'RoleSessionName': 'openapi-oidc'})
    body = anonymous.call_api(sts_params('AssumeRoleWithOIDC', 'Anonymous'), request, runtime_models.RuntimeOptions())['body']
    assert body['Credentials']['AccessKeyId'].startswith('STS.') and body['OIDCTokenInfo']['Issuer']
    refused = openapi_utils.OpenApiRequest(query={'RoleArn': UNASSUMABLE_ROLE_ARN, 'RoleSessionName': 'nope'})
    with pytest.raises(Exception) as info:
        signed.call_api(sts_params('AssumeRole', 'AK'), refused, runtime_models.RuntimeOptions())
    assert (info.value.code, info.value.status_code) == ('NoPermission', 403)
