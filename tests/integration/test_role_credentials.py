# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""RAM role, OIDC (RRSA) and ECS instance-role credentials, end to end against the emulator's STS and metadata."""

import os
import stat

from emulator.testing import (
    DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, DEMO_ECS_ROLE_NAME, DEMO_EXPIRED_OIDC_TOKEN, DEMO_OIDC_PROVIDER_ARN,
    DEMO_OIDC_TOKEN, DEMO_ROLE_ARN, MISSING_ROLE_ARN, UNASSUMABLE_ROLE_ARN)

from conftest import assert_ok

NO_CACHE = {'cache_ttl': 0}  # every task calls the API, so every worker needs credentials


def hosts(n):
    return ','.join('h%d' % i for i in range(n)) + ','


def base_env(emu, **extra):
    env = {'ALIBABA_CLOUD_ACCESS_KEY_ID': DEMO_ACCESS_KEY_ID, 'ALIBABA_CLOUD_ACCESS_KEY_SECRET': DEMO_ACCESS_KEY_SECRET,
           'ALIBABA_CLOUD_STS_ENDPOINT': emu.sts_endpoint}
    env.update(extra)
    return env


def action(emu, name):
    return emu.counters()['calls_by_action'].get(name, 0)


def test_ram_role_from_environment_keys(runner, emu):
    args = dict(NO_CACHE, role_arn=DEMO_ROLE_ARN, role_session_name='it-gate')
    result = runner.playbook('role_credentials.yml', {'cred_args': args}, env=base_env(emu))
    assert_ok(result)
    assert action(emu, 'AssumeRole') >= 1
    # The CAS calls were made with the role's temporary key, not with the base key.
    by_key = emu.counters()['calls_by_access_key']
    assert any(k.startswith('STS.') for k in by_key) and by_key.get(DEMO_ACCESS_KEY_ID, 0) == action(emu, 'AssumeRole')


def test_role_not_assumable_names_role_source_and_code(runner, emu):
    result = runner.playbook('role_credentials.yml', {'cred_args': dict(NO_CACHE, role_arn=UNASSUMABLE_ROLE_ARN),
                                                      'expect_error': 'NoPermission'},
                             env=base_env(emu), args=['-vvvv'])
    assert_ok(result)
    out = result.stdout
    assert UNASSUMABLE_ROLE_ARN in out and 'environment ALIBABA_CLOUD_ACCESS_KEY_ID' in out and 'trust policy' in out
    assert DEMO_ACCESS_KEY_SECRET not in out
    assert action(emu, 'GetCAInstanceStatus') == 0


def test_missing_role_and_bad_arn(runner, emu):
    assert_ok(runner.playbook('role_credentials.yml', {'cred_args': dict(NO_CACHE, role_arn=MISSING_ROLE_ARN),
                                                       'expect_error': 'EntityNotExist.Role'}, env=base_env(emu)))
    assert_ok(runner.playbook('role_credentials.yml', {'cred_args': dict(NO_CACHE, role_arn='arn:aws:iam::1:role/x'),
                                                       'expect_error': 'is not a RAM role ARN'}, env=base_env(emu)))
    assert action(emu, 'GetCAInstanceStatus') == 0


def test_oidc_from_the_rrsa_environment(runner, emu, tmp_path):
    token = tmp_path / 'rrsa-token'
    token.write_text(DEMO_OIDC_TOKEN)
    env = {'ALIBABA_CLOUD_ROLE_ARN': DEMO_ROLE_ARN, 'ALIBABA_CLOUD_OIDC_PROVIDER_ARN': DEMO_OIDC_PROVIDER_ARN,
           'ALIBABA_CLOUD_OIDC_TOKEN_FILE': str(token), 'ALIBABA_CLOUD_STS_ENDPOINT': emu.sts_endpoint}
    result = runner.playbook('role_credentials.yml', {'cred_args': NO_CACHE}, env=env, args=['-vvvv'])
    assert_ok(result)
    assert action(emu, 'AssumeRoleWithOIDC') >= 1 and action(emu, 'AssumeRole') == 0
    assert DEMO_OIDC_TOKEN not in result.stdout and DEMO_OIDC_TOKEN not in runner.log.read_text()

    token.write_text(DEMO_EXPIRED_OIDC_TOKEN)
    assert_ok(runner.playbook('role_credentials.yml', {'cred_args': NO_CACHE,
                                                       'expect_error': 'AuthenticationFail.OIDCToken.Expired'}, env=env))
    token.unlink()
    assert_ok(runner.playbook('role_credentials.yml', {'cred_args': NO_CACHE, 'expect_error': 'OIDC token file'},
                              env=env))


def test_oidc_options(runner, emu, tmp_path):
    token = tmp_path / 'token'
    token.write_text(DEMO_OIDC_TOKEN)
    args = dict(NO_CACHE, role_arn=DEMO_ROLE_ARN, oidc_provider_arn=DEMO_OIDC_PROVIDER_ARN, oidc_token_file=str(token),
                sts_endpoint=emu.sts_endpoint)
    assert_ok(runner.playbook('role_credentials.yml', {'cred_args': args}))
    assert action(emu, 'AssumeRoleWithOIDC') >= 1


def test_ecs_instance_role_with_session_token(runner, emu):
    emu.set_metadata(require_token=True)  # hardened mode: passes only if every request carries the token
    env = {'ALIBABA_CLOUD_ECS_METADATA': DEMO_ECS_ROLE_NAME, 'ALICLOUD_CAS_ECS_METADATA_ENDPOINT': emu.metadata_endpoint}
    assert_ok(runner.playbook('role_credentials.yml', {'cred_args': NO_CACHE}, env=env))
    calls = emu.counters()['calls_by_action']
    assert calls.get('metadata:token', 0) >= 1 and calls.get('metadata:credentials', 0) >= 1
    assert calls.get('metadata:role-name', 0) == 0  # the role was named, not discovered


def test_nothing_configured_discovers_the_instance_role(runner, emu):
    assert_ok(runner.playbook('role_credentials.yml', {'cred_args': NO_CACHE},
                              env={'ALICLOUD_CAS_ECS_METADATA_ENDPOINT': emu.metadata_endpoint}))
    assert emu.counters()['calls_by_action'].get('metadata:role-name', 0) >= 1


def test_metadata_unreachable_is_a_clear_error(runner, emu):
    emu.set_metadata(enabled=False)
    env = {'ALIBABA_CLOUD_ECS_METADATA': DEMO_ECS_ROLE_NAME, 'ALICLOUD_CAS_ECS_METADATA_ENDPOINT': emu.metadata_endpoint}
    assert_ok(runner.playbook('role_credentials.yml', {'cred_args': NO_CACHE,
                                                       'expect_error': 'metadata service is not reachable'}, env=env))
    emu.set_metadata(enabled=True, role=None)
    assert_ok(runner.playbook('role_credentials.yml', {'cred_args': NO_CACHE,
                                                       'expect_error': 'no RAM role named %s' % DEMO_ECS_ROLE_NAME},
                              env=env))


def test_credentials_shared_by_workers_only_when_allowed(runner, emu):
    """12 hosts x (module + lookup), no result cache: 24 workers that each need credentials."""
    args = dict(NO_CACHE, role_arn=DEMO_ROLE_ARN)
    assert_ok(runner.playbook('role_credentials.yml', {'cred_args': args}, env=base_env(emu),
                              inventory=hosts(12), args=['--forks', '4']))
    in_memory_only = action(emu, 'AssumeRole')
    assert in_memory_only == 24 and not list(runner.cache_dir.glob('cred-*'))

    emu.reset()
    assert_ok(runner.playbook('role_credentials.yml', {'cred_args': dict(args, cache_credentials=True)},
                              env=base_env(emu), inventory=hosts(12), args=['--forks', '4']))
    assert action(emu, 'AssumeRole') == 1
    files = list(runner.cache_dir.glob('cred-*.json'))
    assert len(files) == 1 and stat.S_IMODE(os.stat(str(files[0])).st_mode) == 0o600
    text = files[0].read_text()
    assert DEMO_ACCESS_KEY_SECRET not in text and DEMO_ROLE_ARN not in files[0].name


def test_result_cache_hits_need_no_credentials(runner, emu):
    """With the default result cache, 12 hosts make one CAS call and one AssumeRole, even without cache_credentials."""
    assert_ok(runner.playbook('role_credentials.yml', {'cred_args': {'role_arn': DEMO_ROLE_ARN}}, env=base_env(emu),
                              inventory=hosts(12), args=['--forks', '4']))
    assert action(emu, 'GetCAInstanceStatus') == 1 and action(emu, 'AssumeRole') == 1


def test_credentials_refreshed_before_expiry_and_after_rejection(runner, emu):
    emu.set_sts_duration(4)  # refreshed a quarter of the lifetime (1 s) before expiry
    args = dict(NO_CACHE, role_arn=DEMO_ROLE_ARN, cache_credentials=True)
    assert_ok(runner.playbook('role_credentials.yml', {'cred_args': args, 'rounds': 2, 'pause_seconds': 4},
                              env=base_env(emu)))
    assert action(emu, 'AssumeRole') == 2
    assert emu.counters()['calls_by_action'].get('GetCAInstanceStatus') == 4

    emu.reset()
    # Credentials the service rejects as expired while the client still trusts them: fetched anew, call repeated.
    assert_ok(runner.playbook('role_credentials.yml', {'cred_args': args, 'rounds': 2, 'expire_between_rounds': True},
                              env=base_env(emu)))
    assert action(emu, 'AssumeRole') == 2
