# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Temporary credentials: which source the chain picks, refresh before expiry, the store, errors."""

import json
import os
import stat
import time

import pytest

from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_credential_chain import resolve_provider
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_credentials import Credentials, StaticProvider
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_errors import (
    CasApiError, CasConfigError, CasCredentialError)
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_role_credentials import (
    CredentialStore, OidcRoleProvider, RamRoleArnProvider, StsEndpoint, refresh_at)

ROLE = 'acs:ram::1234567890123456:role/cas-reader'
OIDC_PROVIDER = 'acs:ram::1234567890123456:oidc-provider/ack-rrsa'
NO_ECS = {'ALIBABA_CLOUD_ECS_METADATA_DISABLED': 'true'}
BASE = StaticProvider(Credentials('LTAIbase', 'base-secret', None, 'options'))


def iso(epoch):
    return time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(epoch))


class Clock:
    def __init__(self, now=1_800_000_000.0):
        self.now = now

    def __call__(self):
        return self.now


class FakeSts:
    """Stands in for CasClient.sts_call: records calls, answers with fresh credentials or raises."""

    def __init__(self, clock, lifetime=3600, error=None):
        self.clock = clock
        self.lifetime = lifetime
        self.error = error
        self.calls = []
        self.identities = []

    def sts_call(self, sts, action, params, credentials, identity=None):
        self.calls.append((sts.host, action, dict(params), credentials))
        self.identities.append(identity)
        if self.error:
            raise self.error
        n = len(self.calls)
        return {'RequestId': 'R%d' % n, 'Credentials': {
            'AccessKeyId': 'STS.key%d' % n, 'AccessKeySecret': 'tmp-secret-%d' % n,
            'SecurityToken': 'tmp+token/%d=' % n, 'Expiration': iso(self.clock() + self.lifetime)}}


@pytest.fixture(autouse=True)
def fresh_memory():
    CredentialStore._memory.clear()
    yield
    CredentialStore._memory.clear()


def test_refresh_times():
    assert refresh_at(10000, 10000 - 3600) == 10000 - 900  # an hour: 15 minutes before, as the official library
    assert refresh_at(10000, 10000 - 600) == 10000 - 150   # short sessions: a quarter of what is left


def test_role_credentials_are_reused_until_shortly_before_expiry():
    clock = Clock()
    sts = FakeSts(clock, lifetime=3600)
    provider = RamRoleArnProvider(BASE, ROLE, session_name='gate', sts=StsEndpoint('https://sts.example', 'sts.example'),
                                  clock=clock)
    first = provider.get(sts)
    assert (first.access_key_id, first.security_token) == ('STS.key1', 'tmp+token/1=')
    host, action, params, signed_with = sts.calls[0]
    assert (host, action) == ('sts.example', 'AssumeRole')
    assert params == {'RoleArn': ROLE, 'RoleSessionName': 'gate', 'DurationSeconds': '3600'}
    assert signed_with.access_key_id == 'LTAIbase'
    clock.now += 3600 - 901
    assert provider.get(sts) is first and len(sts.calls) == 1
    clock.now += 2  # now within 15 minutes of expiry
    assert provider.get(sts).access_key_id == 'STS.key2' and len(sts.calls) == 2
    assert 'tmp-secret-1' in provider.secrets() and 'base-secret' in provider.secrets()


def test_identity_and_fingerprint_need_no_call_and_hide_secrets():
    provider = RamRoleArnProvider(BASE, ROLE, sts=StsEndpoint('https://s', 's'))
    other = RamRoleArnProvider(StaticProvider(Credentials('LTAIbase', 'other-secret')), ROLE, sts=StsEndpoint('https://s', 's'))
    assert ROLE in provider.identity and 'LTAIbase' in provider.identity
    assert 'base-secret' not in provider.identity + provider.fingerprint()
    assert provider.identity == other.identity and provider.fingerprint() != other.fingerprint()


def test_sts_error_names_the_source_and_the_role():
    clock = Clock()
    error = CasApiError('AssumeRole failed with NoPermission: You are not authorized', code='NoPermission',
                        request_id='REQ-1', http_status=403)
    provider = RamRoleArnProvider(BASE, ROLE, sts=StsEndpoint('https://sts.example', 'sts.example'), clock=clock)
    with pytest.raises(CasCredentialError) as err:
        provider.get(FakeSts(clock, error=error))
    text = str(err.value)
    assert ROLE in text and 'options' in text and 'NoPermission' in text and 'REQ-1' in text
    assert 'trust policy' in text and 'base-secret' not in text


def test_a_failed_fetch_answers_the_other_threads_for_a_few_seconds():
    clock = Clock()
    sts = FakeSts(clock, error=CasApiError('AssumeRole failed with Throttling.User', code='Throttling.User'))
    provider = RamRoleArnProvider(BASE, ROLE, sts=StsEndpoint('https://s', 's'), clock=clock)
    for _attempt in range(3):
        with pytest.raises(CasCredentialError):
            provider.get(sts)
    assert len(sts.calls) == 1 and sts.identities == ['LTAIbase']  # paced under the base identity
    clock.now += 6
    with pytest.raises(CasCredentialError):
        provider.get(sts)
    assert len(sts.calls) == 2


@pytest.mark.parametrize('kwargs, option', [
    (dict(role_arn='arn:aws:iam::1:role/x'), 'role_arn'),
    (dict(role_arn=ROLE, session_name='x'), 'role_session_name'),
    (dict(role_arn=ROLE, session_name='has space'), 'role_session_name'),
    (dict(role_arn=ROLE, duration=899), 'role_duration'),
    (dict(role_arn=ROLE, duration=43201), 'role_duration'),
    (dict(role_arn=ROLE, duration='soon'), 'role_duration'),
    (dict(role_arn=ROLE, duration=float('inf')), 'role_duration'),  # no integer is infinite
])
def test_bad_role_settings_name_the_option(kwargs, option):
    with pytest.raises(CasConfigError) as err:
        RamRoleArnProvider(BASE, kwargs.pop('role_arn'), sts=StsEndpoint('https://s', 's'), **kwargs)
    assert err.value.option == option and option in str(err.value)


def test_oidc_reads_the_token_file_each_time_and_sends_it_unsigned(tmp_path):
    clock = Clock()
    token_file = tmp_path / 'token'
    token_file.write_text('eyJ.first.token\n')
    provider = OidcRoleProvider(ROLE, OIDC_PROVIDER, str(token_file), sts=StsEndpoint('https://s', 's'), clock=clock)
    sts = FakeSts(clock, lifetime=900)
    provider.get(sts)
    _host, action, params, signed_with = sts.calls[0]
    assert action == 'AssumeRoleWithOIDC' and signed_with is None
    assert params['OIDCToken'] == 'eyJ.first.token' and params['OIDCProviderArn'] == OIDC_PROVIDER
    assert 'eyJ.first.token' in provider.secrets()
    first_fingerprint = provider.fingerprint()
    token_file.write_text('eyJ.rotated.token')
    assert provider.fingerprint() != first_fingerprint  # a rotated token never reads another token's cache
    assert 'eyJ' not in provider.identity + provider.fingerprint()


def test_oidc_missing_token_file_is_a_clear_error(tmp_path):
    provider = OidcRoleProvider(ROLE, OIDC_PROVIDER, str(tmp_path / 'absent'), sts=StsEndpoint('https://s', 's'))
    with pytest.raises(CasCredentialError) as err:
        provider.get(FakeSts(Clock()))
    assert 'OIDC token file' in str(err.value) and 'absent' in str(err.value) and 'oidc_token_file' in str(err.value)


def test_store_in_memory_only_by_default(tmp_path):
    env = dict(NO_ECS, ALICLOUD_CAS_CACHE_DIR=str(tmp_path / 'cache'))
    store = CredentialStore.from_settings({}, env)
    assert store.directory is None
    clock = Clock()
    sts = FakeSts(clock)
    RamRoleArnProvider(BASE, ROLE, sts=StsEndpoint('https://s', 's'), store=store, clock=clock).get(sts)
    # A second provider in the same process (another client) reuses them; no file was written.
    RamRoleArnProvider(BASE, ROLE, sts=StsEndpoint('https://s', 's'), store=store, clock=clock).get(sts)
    assert len(sts.calls) == 1
    assert not (tmp_path / 'cache').exists()


def test_store_on_disk_when_allowed_is_private_and_shared(tmp_path):
    env = dict(NO_ECS, ALICLOUD_CAS_CACHE_DIR=str(tmp_path / 'cache'))
    clock = Clock()
    sts = FakeSts(clock)
    provider = RamRoleArnProvider(BASE, ROLE, sts=StsEndpoint('https://s', 's'),
                                  store=CredentialStore.from_settings({'cache_credentials': True}, env), clock=clock)
    provider.get(sts)
    files = [f for f in os.listdir(str(tmp_path / 'cache')) if f.endswith('.json')]
    assert len(files) == 1 and files[0].startswith('cred-')
    path = tmp_path / 'cache' / files[0]
    assert stat.S_IMODE(os.stat(str(path)).st_mode) == 0o600
    assert 'LTAIbase' not in files[0] and 'cas-reader' not in files[0]
    assert 'base-secret' not in path.read_text()  # only the temporary credentials, never the base secret
    CredentialStore._memory.clear()  # as another worker process would start
    again = RamRoleArnProvider(BASE, ROLE, sts=StsEndpoint('https://s', 's'),
                               store=CredentialStore.from_settings({'cache_credentials': True}, env), clock=clock)
    assert again.get(sts).access_key_id == 'STS.key1' and len(sts.calls) == 1
    again.invalidate()
    assert not path.exists()


@pytest.mark.parametrize('damage', [
    dict(refresh_at=10 ** 400),                                    # too large for a float
    dict(expiration=-10 ** 400),
    dict(access_key_secret='tmp-secret-\u2019'),                   # no header or signature can carry it
    dict(access_key_id='STS.key\n1'),
    dict(security_token='tmp+token/\u00e9'),
])
def test_a_damaged_credentials_file_counts_as_absent(tmp_path, damage):
    env = dict(NO_ECS, ALICLOUD_CAS_CACHE_DIR=str(tmp_path))
    clock = Clock()
    sts = FakeSts(clock)

    def provider():
        return RamRoleArnProvider(BASE, ROLE, sts=StsEndpoint('https://s', 's'),
                                  store=CredentialStore.from_settings({'cache_credentials': True}, env), clock=clock)
    provider().get(sts)
    path = tmp_path / [f for f in os.listdir(str(tmp_path)) if f.endswith('.json')][0]
    path.write_text(json.dumps(dict(json.loads(path.read_text()), **damage)))
    CredentialStore._memory.clear()  # as another worker process would start
    assert provider().get(sts).access_key_id == 'STS.key2' and len(sts.calls) == 2


class GarbledSts(FakeSts):
    def __init__(self, clock, field, value):
        super(GarbledSts, self).__init__(clock)
        self.field, self.value = field, value

    def sts_call(self, sts, action, params, credentials, identity=None):
        data = super(GarbledSts, self).sts_call(sts, action, params, credentials, identity)
        data['Credentials'][self.field] = self.value
        return data


@pytest.mark.parametrize('field, value', [
    ('AccessKeyId', 'STS.\u2019key'), ('AccessKeySecret', 'garbled-secret-\ufffd'), ('SecurityToken', 'garbled\rtoken'),
])
def test_a_garbled_sts_answer_is_a_clear_error_that_hides_the_value(field, value):
    clock = Clock()
    provider = RamRoleArnProvider(BASE, ROLE, sts=StsEndpoint('https://s', 's'), clock=clock)
    with pytest.raises(CasCredentialError) as err:
        provider.get(GarbledSts(clock, field, value))
    text = str(err.value)
    assert 'the STS answer holds characters other than printable ASCII in %s' % field in text
    assert value not in text and 'R1' in text  # the RequestId, for support


def test_a_profile_session_length_of_infinity_names_the_setting(tmp_path):
    os.makedirs(str(tmp_path / '.aliyun'))
    (tmp_path / '.aliyun' / 'config.json').write_text(
        '{"current": "role", "profiles": [{"name": "role", "mode": "RamRoleArn", "access_key_id": "rid", '
        '"access_key_secret": "rs", "ram_role_arn": "%s", "expired_seconds": 1e999}]}' % ROLE)
    with pytest.raises(CasConfigError) as err:
        resolve_provider({}, NO_ECS, str(tmp_path))
    assert err.value.option == 'role_duration' and 'between 900 and 43200' in str(err.value)


def test_env_switch_allows_the_disk_store(tmp_path):
    env = dict(NO_ECS, ALICLOUD_CAS_CACHE_DIR=str(tmp_path), ALICLOUD_CAS_CACHE_CREDENTIALS='true')
    assert CredentialStore.from_settings({}, env).directory == str(tmp_path)
    assert CredentialStore.from_settings({'cache_credentials': False}, env).directory is None


# ---- the chain -------------------------------------------------------------------------------------------------

def test_role_arn_wraps_whatever_the_chain_found(tmp_path):
    env = dict(NO_ECS, ALIBABA_CLOUD_ACCESS_KEY_ID='env-id', ALIBABA_CLOUD_ACCESS_KEY_SECRET='env-secret')
    provider = resolve_provider({'role_arn': ROLE}, env, str(tmp_path))
    assert isinstance(provider, RamRoleArnProvider) and provider.base.identity == 'env-id'
    assert 'ALIBABA_CLOUD_ACCESS_KEY_ID' in provider.source and ROLE in provider.source
    legacy = resolve_provider({}, dict(env, ALICLOUD_ASSUME_ROLE_ARN=ROLE), str(tmp_path))
    assert isinstance(legacy, RamRoleArnProvider) and 'ALICLOUD_ASSUME_ROLE_ARN' in legacy.source


def test_oidc_from_the_three_environment_variables(tmp_path):
    token = tmp_path / 't'
    token.write_text('tok')
    env = dict(NO_ECS, ALIBABA_CLOUD_ROLE_ARN=ROLE, ALIBABA_CLOUD_OIDC_PROVIDER_ARN=OIDC_PROVIDER,
               ALIBABA_CLOUD_OIDC_TOKEN_FILE=str(token), ALIBABA_CLOUD_ROLE_SESSION_NAME='pod-a')
    provider = resolve_provider({}, env, str(tmp_path))
    assert isinstance(provider, OidcRoleProvider) and provider.session_name == 'pod-a'
    # Static keys in the environment come first, as in the official chain.
    static = resolve_provider({}, dict(env, ALIBABA_CLOUD_ACCESS_KEY_ID='a', ALIBABA_CLOUD_ACCESS_KEY_SECRET='b'), str(tmp_path))
    assert not static.temporary
    # Two of three is not OIDC.
    partial = dict(env)
    del partial['ALIBABA_CLOUD_OIDC_TOKEN_FILE']
    with pytest.raises(CasConfigError):
        resolve_provider({}, partial, str(tmp_path))


def test_oidc_options_need_all_three(tmp_path):
    with pytest.raises(CasConfigError) as err:
        resolve_provider({'oidc_provider_arn': OIDC_PROVIDER, 'role_arn': ROLE}, NO_ECS, str(tmp_path))
    assert err.value.option == 'oidc_token_file'


def test_ecs_sources(tmp_path):
    env = {'ALIBABA_CLOUD_ECS_METADATA': 'EcsRole', 'ALICLOUD_CAS_ECS_METADATA_ENDPOINT': 'http://127.0.0.1:9'}
    provider = resolve_provider({}, env, str(tmp_path))
    assert provider.role_name == 'EcsRole' and not provider.discovered and 'ALIBABA_CLOUD_ECS_METADATA' in provider.source
    option = resolve_provider({'ecs_role_name': 'Other'}, env, str(tmp_path))
    assert option.role_name == 'Other'
    auto = resolve_provider({}, {}, str(tmp_path))  # nothing configured: discover, as the official chain ends
    assert auto.discovered and auto.role_name is None and auto.endpoint == 'http://100.100.100.200'
    with pytest.raises(CasConfigError) as err:
        resolve_provider({'ecs_role_name': 'x', 'access_key_id': 'a', 'access_key_secret': 'b'}, {}, str(tmp_path))
    assert err.value.option == 'ecs_role_name'


def test_metadata_disabled_gives_the_no_credentials_error(tmp_path):
    with pytest.raises(CasConfigError) as err:
        resolve_provider({}, NO_ECS, str(tmp_path))
    assert 'No Alibaba Cloud credentials found' in str(err.value) and 'ALIBABA_CLOUD_ECS_METADATA_DISABLED' in str(err.value)


def test_profile_modes(tmp_path):
    token = tmp_path / 'tok'
    token.write_text('t')
    config = {'current': 'role', 'profiles': [
        {'name': 'base', 'mode': 'AK', 'access_key_id': 'base-id', 'access_key_secret': 'base-secret'},
        {'name': 'role', 'mode': 'RamRoleArn', 'access_key_id': 'rid', 'access_key_secret': 'rs',
         'ram_role_arn': ROLE, 'ram_session_name': 'cli', 'expired_seconds': 1800, 'sts_region': 'cn-shanghai'},
        {'name': 'chain', 'mode': 'ChainableRamRoleArn', 'source_profile': 'role', 'ram_role_arn': ROLE + '2'},
        {'name': 'loop', 'mode': 'ChainableRamRoleArn', 'source_profile': 'loop', 'ram_role_arn': ROLE},
        {'name': 'ecs', 'mode': 'EcsRamRole', 'ram_role_name': 'EcsRole'},
        {'name': 'oidc', 'mode': 'OIDC', 'ram_role_arn': ROLE, 'oidc_provider_arn': OIDC_PROVIDER,
         'oidc_token_file': str(token), 'sts_region': 'cn-beijing', 'enable_vpc': True},
    ]}
    os.makedirs(str(tmp_path / '.aliyun'))
    (tmp_path / '.aliyun' / 'config.json').write_text(json.dumps(config))
    role = resolve_provider({}, NO_ECS, str(tmp_path))
    assert isinstance(role, RamRoleArnProvider) and role.duration == 1800 and role.session_name == 'cli'
    assert role.sts.host == 'sts.cn-shanghai.aliyuncs.com' and role.base.identity == 'rid'
    chain = resolve_provider({'profile': 'chain'}, NO_ECS, str(tmp_path))
    assert chain.role_arn == ROLE + '2' and chain.base.role_arn == ROLE
    assert resolve_provider({'profile': 'ecs'}, NO_ECS, str(tmp_path)).role_name == 'EcsRole'
    oidc = resolve_provider({'profile': 'oidc'}, NO_ECS, str(tmp_path))
    assert oidc.sts.host == 'sts-vpc.cn-beijing.aliyuncs.com'
    with pytest.raises(CasConfigError) as err:
        resolve_provider({'profile': 'loop'}, NO_ECS, str(tmp_path))
    assert 'loops back' in str(err.value)


def test_sts_endpoint_choice():
    assert StsEndpoint.from_settings({}, {}).host == 'sts.aliyuncs.com'
    assert StsEndpoint.from_settings({}, {'ALIBABA_CLOUD_STS_REGION': 'cn-hangzhou'}).host == 'sts.cn-hangzhou.aliyuncs.com'
    assert StsEndpoint.from_settings({}, {'ALIBABA_CLOUD_STS_REGION': 'cn-hangzhou',
                                          'ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED': 'true'}).host == 'sts-vpc.cn-hangzhou.aliyuncs.com'
    local = StsEndpoint.from_settings({'sts_endpoint': 'http://127.0.0.1:4000'}, {})
    assert (local.base_url, local.host) == ('http://127.0.0.1:4000', '127.0.0.1:4000')
    with pytest.raises(CasConfigError) as err:
        StsEndpoint.from_settings({}, {'ALIBABA_CLOUD_STS_ENDPOINT': 'http://sts.example.com'})
    assert err.value.option == 'sts_endpoint'
    blank = {'ALIBABA_CLOUD_STS_ENDPOINT': '  ', 'ALIBABA_CLOUD_STS_REGION': ' cn-beijing '}
    assert StsEndpoint.from_settings({}, blank).host == 'sts.cn-beijing.aliyuncs.com'  # blank is unset; values stripped
    with pytest.raises(CasConfigError) as err:
        StsEndpoint.from_settings({}, {'ALIBABA_CLOUD_STS_REGION': 'CN_Beijing'})
    assert err.value.option == 'sts_endpoint' and 'not a region ID' in str(err.value)
