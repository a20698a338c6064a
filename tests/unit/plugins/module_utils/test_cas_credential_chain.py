# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Credential sources, their order, and the errors when none works."""

import json
import os

import pytest

from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_credential_chain import resolve_provider
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_errors import CasConfigError

NEW = {'ALIBABA_CLOUD_ACCESS_KEY_ID': 'new-id', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET': 'new-secret'}
OLD = {'ALICLOUD_ACCESS_KEY': 'old-id', 'ALICLOUD_SECRET_KEY': 'old-secret', 'ALICLOUD_SECURITY_TOKEN': 'old-token'}


def resolve_credentials(access_key_id=None, access_key_secret=None, security_token=None, profile=None, environ=None,
                        home=None):
    """The static credentials the chain resolves (the metadata service, the chain's last resort, off)."""
    settings = dict(access_key_id=access_key_id, access_key_secret=access_key_secret, security_token=security_token,
                    profile=profile)
    provider = resolve_provider(settings, dict(environ or {}, ALIBABA_CLOUD_ECS_METADATA_DISABLED='true'), home)
    assert not provider.temporary, provider.source
    return provider.credentials


def write_config(home, data):
    path = os.path.join(str(home), '.aliyun')
    os.makedirs(path, exist_ok=True)
    with open(os.path.join(path, 'config.json'), 'w') as handle:
        handle.write(data if isinstance(data, str) else json.dumps(data))
    return os.path.join(path, 'config.json')


PROFILES = {'current': 'dev', 'profiles': [
    {'name': 'dev', 'mode': 'AK', 'access_key_id': 'dev-id', 'access_key_secret': 'dev-secret'},
    {'name': 'sts', 'mode': 'StsToken', 'access_key_id': 'sts-id', 'access_key_secret': 'sts-secret', 'sts_token': 'sts-tok'},
    {'name': 'role', 'mode': 'RamRoleArn', 'access_key_id': 'r', 'access_key_secret': 's', 'ram_role_arn': 'acs:ram::1:role/x'},
    {'name': 'ecs', 'mode': 'EcsRamRole', 'ram_role_name': 'x'},
    {'name': 'weird', 'mode': 'Telepathy'},
    {'name': 'sso', 'mode': 'CloudSSO'},
    {'name': 'empty', 'mode': 'AK'},
]}


def test_options_win_over_everything(tmp_path):
    write_config(tmp_path, PROFILES)
    env = dict(NEW, **OLD)
    creds = resolve_credentials('opt-id', 'opt-secret', 'opt-token', environ=env, home=str(tmp_path))
    assert (creds.access_key_id, creds.access_key_secret, creds.security_token, creds.source) == (
        'opt-id', 'opt-secret', 'opt-token', 'options')


def test_new_environment_before_legacy(tmp_path):
    creds = resolve_credentials(environ=dict(NEW, **OLD), home=str(tmp_path))
    assert (creds.access_key_id, creds.security_token) == ('new-id', None)
    assert 'ALIBABA_CLOUD_ACCESS_KEY_ID' in creds.source


def test_legacy_environment_with_token(tmp_path):
    creds = resolve_credentials(environ=OLD, home=str(tmp_path))
    assert (creds.access_key_id, creds.access_key_secret, creds.security_token) == ('old-id', 'old-secret', 'old-token')


def test_environment_before_profile_file(tmp_path):
    write_config(tmp_path, PROFILES)
    assert resolve_credentials(environ=NEW, home=str(tmp_path)).access_key_id == 'new-id'


def test_current_profile_then_env_profile_then_option(tmp_path):
    write_config(tmp_path, PROFILES)
    assert resolve_credentials(environ={}, home=str(tmp_path)).access_key_id == 'dev-id'
    creds = resolve_credentials(environ={'ALIBABA_CLOUD_PROFILE': 'sts'}, home=str(tmp_path))
    assert (creds.access_key_id, creds.security_token) == ('sts-id', 'sts-tok')
    # An explicit profile option beats environment keys: what the user names wins.
    creds = resolve_credentials(profile='sts', environ=dict(NEW, ALIBABA_CLOUD_PROFILE='dev'), home=str(tmp_path))
    assert creds.access_key_id == 'sts-id'


@pytest.mark.parametrize('kwargs, env, fragment', [
    ({'access_key_id': 'x'}, {}, 'access_key_id is set but access_key_secret is not'),
    ({'access_key_secret': 'x'}, {}, 'access_key_secret is set but access_key_id is not'),
    ({'security_token': 't'}, {}, 'security_token is set but access_key_id and access_key_secret are not'),
    ({'profile': 'dev', 'access_key_id': 'a', 'access_key_secret': 'b'}, {}, 'profile cannot be combined'),
    ({}, {'ALIBABA_CLOUD_ACCESS_KEY_ID': 'x'}, 'ALIBABA_CLOUD_ACCESS_KEY_ID is set but ALIBABA_CLOUD_ACCESS_KEY_SECRET'),
    ({}, {'ALICLOUD_SECRET_KEY': 'x'}, 'ALICLOUD_SECRET_KEY is set but ALICLOUD_ACCESS_KEY is not'),
])
def test_partial_or_conflicting_sources(tmp_path, kwargs, env, fragment):
    with pytest.raises(CasConfigError) as err:
        resolve_credentials(environ=env, home=str(tmp_path), **kwargs)
    assert fragment in str(err.value)


def test_nothing_found_names_every_source(tmp_path):
    with pytest.raises(CasConfigError) as err:
        resolve_credentials(environ={}, home=str(tmp_path))
    text = str(err.value)
    for source in ('access_key_id', 'ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALICLOUD_ACCESS_KEY', 'config.json'):
        assert source in text


@pytest.mark.parametrize('profile, fragment', [
    ('sso', 'CloudSSO, which this collection does not support'),
    ('weird', "unknown credential mode 'Telepathy'"),
    ('empty', 'lacks access_key_id, access_key_secret'),
    ('nope', "Profile 'nope' is not in"),
])
def test_profile_errors(tmp_path, profile, fragment):
    write_config(tmp_path, PROFILES)
    with pytest.raises(CasConfigError) as err:
        resolve_credentials(profile=profile, environ={}, home=str(tmp_path))
    assert fragment in str(err.value)
    assert 'secret' not in str(err.value).replace('access_key_secret', '')


def test_a_role_profile_gives_a_temporary_provider_without_any_call(tmp_path):
    write_config(tmp_path, PROFILES)
    provider = resolve_provider({'profile': 'role'}, {}, str(tmp_path))
    assert provider.temporary and provider.role_arn == 'acs:ram::1:role/x'
    assert provider.base.credentials.access_key_id == 'r' and 'profile role' in provider.source


def test_unknown_profile_lists_available(tmp_path):
    write_config(tmp_path, PROFILES)
    with pytest.raises(CasConfigError) as err:
        resolve_credentials(profile='nope', environ={}, home=str(tmp_path))
    assert 'dev, ecs, empty, role, sso, sts, weird' in str(err.value)


def test_missing_file_with_explicit_profile(tmp_path):
    with pytest.raises(CasConfigError) as err:
        resolve_credentials(profile='dev', environ={}, home=str(tmp_path))
    assert 'does not exist' in str(err.value) and 'aliyun configure --profile dev' in str(err.value)


@pytest.mark.parametrize('content, fragment', [
    ('{not json', 'is not valid JSON'),
    ('[1, 2]', 'unexpected layout'),
    ('{"profiles": {}}', 'unexpected layout'),
    ('{"profiles": []}', 'names no current profile'),
])
def test_malformed_config(tmp_path, content, fragment):
    write_config(tmp_path, content)
    with pytest.raises(CasConfigError) as err:
        resolve_credentials(environ={}, home=str(tmp_path))
    assert fragment in str(err.value)


@pytest.mark.skipif(os.geteuid() == 0, reason='root can read any file')
def test_unreadable_config(tmp_path):
    path = write_config(tmp_path, PROFILES)
    os.chmod(path, 0)
    with pytest.raises(CasConfigError) as err:
        resolve_credentials(environ={}, home=str(tmp_path))
    assert 'Cannot read' in str(err.value)


def test_unreadable_config_as_directory(tmp_path):
    os.makedirs(os.path.join(str(tmp_path), '.aliyun', 'config.json'))
    with pytest.raises(CasConfigError) as err:
        resolve_credentials(environ={}, home=str(tmp_path))
    assert 'Cannot read the aliyun CLI configuration' in str(err.value)


def test_repr_never_shows_secret_or_token():
    creds = resolve_credentials('id', 'the-secret', 'the-token', environ={})
    assert 'the-secret' not in repr(creds) and 'the-token' not in repr(creds) and 'the-secret' not in str(creds)
    assert creds.secrets() == ('the-secret', 'the-token')


def test_whitespace_only_values_count_as_unset(tmp_path):
    creds = resolve_credentials('  ', ' ', environ=NEW, home=str(tmp_path))
    assert creds.access_key_id == 'new-id'


def test_nothing_configured_and_no_metadata_service_lists_every_source(tmp_path):
    from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_client import CasClient
    from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_options import ClientConfig
    env = {'ALICLOUD_CAS_ECS_METADATA_ENDPOINT': 'http://127.0.0.1:9'}  # port 9 refuses at once
    client = CasClient(ClientConfig(environ=env, home=str(tmp_path)))
    with pytest.raises(CasConfigError) as err:
        client.credentials  # pylint: disable=pointless-statement
    text = str(err.value)
    for source in ('No Alibaba Cloud credentials found', 'ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALICLOUD_ACCESS_KEY',
                   'config.json', 'metadata service at http://127.0.0.1:9', 'not reachable',
                   'ALIBABA_CLOUD_ECS_METADATA_DISABLED'):
        assert source in text


@pytest.mark.parametrize('kwargs, env, option', [
    ({'access_key_id': 'LTAI\u2019id', 'access_key_secret': 'the-secret'}, {}, 'access_key_id'),
    ({'access_key_id': 'id', 'access_key_secret': 'the-secret\u2019'}, {}, 'access_key_secret'),  # a pasted quote
    ({'access_key_id': 'id', 'access_key_secret': 's', 'security_token': 'the-token\u00e9'}, {}, 'security_token'),
    ({'access_key_id': 'id', 'access_key_secret': 'the\x00secret'}, {}, 'access_key_secret'),
    ({}, dict(NEW, ALIBABA_CLOUD_ACCESS_KEY_SECRET='the-secret\u2019'), 'ALIBABA_CLOUD_ACCESS_KEY_SECRET'),
    ({}, dict(OLD, ALICLOUD_SECURITY_TOKEN='the-token\n2'), 'ALICLOUD_SECURITY_TOKEN'),
])
def test_credentials_that_are_not_printable_ascii_name_the_setting_not_the_value(tmp_path, kwargs, env, option):
    with pytest.raises(CasConfigError) as err:
        resolve_credentials(environ=env, home=str(tmp_path), **kwargs)
    text = str(err.value)
    assert err.value.option == option and text.startswith('%s holds characters other than printable ASCII' % option)
    for value in list(kwargs.values()) + list(env.values()):
        if value not in ('id', 's'):
            assert value not in text


@pytest.mark.parametrize('field', ['access_key_id', 'access_key_secret', 'sts_token'])
def test_a_profile_credential_that_is_not_printable_ascii_names_the_field_not_the_value(tmp_path, field):
    profile = dict(PROFILES['profiles'][1])
    profile[field] = 'zq9marker\u2019value'
    write_config(tmp_path, {'current': 'sts', 'profiles': [profile]})
    with pytest.raises(CasConfigError) as err:
        resolve_credentials(environ={}, home=str(tmp_path))
    text = str(err.value)
    assert "Profile 'sts'" in text and '%s holds characters other than printable ASCII' % field in text
    assert 'zq9marker' not in text and err.value.option == 'profile'


def test_a_config_nested_too_deeply_is_a_clear_error(tmp_path):
    write_config(tmp_path, '[' * 100000 + ']' * 100000)
    with pytest.raises(CasConfigError) as err:
        resolve_credentials(environ={}, home=str(tmp_path))
    assert 'is not valid JSON (nested too deeply)' in str(err.value)
