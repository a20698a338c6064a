# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The credential chain: where the credentials come from, in a fixed and documented order.

The first source that is configured wins (docs/credentials.md has the table):

1. the options ``access_key_id`` / ``access_key_secret`` / ``security_token``;
2. the option ``profile``: that profile of the aliyun CLI's ``~/.aliyun/config.json``;
3. the options ``oidc_provider_arn`` + ``oidc_token_file`` + ``role_arn`` (RRSA);
4. the option ``ecs_role_name``: the ECS instance role;
5. ``ALIBABA_CLOUD_ACCESS_KEY_ID`` / ``ALIBABA_CLOUD_ACCESS_KEY_SECRET`` / ``ALIBABA_CLOUD_SECURITY_TOKEN``;
6. the legacy ``ALICLOUD_ACCESS_KEY`` / ``ALICLOUD_SECRET_KEY`` / ``ALICLOUD_SECURITY_TOKEN``;
7. ``ALIBABA_CLOUD_ROLE_ARN`` + ``ALIBABA_CLOUD_OIDC_PROVIDER_ARN`` + ``ALIBABA_CLOUD_OIDC_TOKEN_FILE`` (RRSA);
8. ``ALIBABA_CLOUD_ECS_METADATA`` (or the legacy ``ALICLOUD_ECS_ROLE_NAME``): an ECS instance role;
9. the aliyun CLI profile named by ``ALIBABA_CLOUD_PROFILE``, else the file's ``current`` (modes AK,
   StsToken, RamRoleArn, EcsRamRole, OIDC, ChainableRamRoleArn);
10. the ECS instance metadata service, as the official library does, unless
    ``ALIBABA_CLOUD_ECS_METADATA_DISABLED=true``.

``role_arn`` (or ``ALICLOUD_ASSUME_ROLE_ARN``) then assumes that RAM role with the
credentials found, except when it already served an OIDC source.

Resolving reads options, environment and files only: nothing is sent until the
credentials are needed (:mod:`cas_role_credentials` fetches temporary ones), so
an answer served from the result cache costs no STS or metadata call.
Standard library only.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_credentials import (
    CLI_PROFILE_DISABLED_ENV, ECS_DISABLED_ENV, ECS_ROLE_ENV, ENV_SOURCES, OIDC_ENV, ROLE_ARN_ENV, Credentials,
    StaticProvider, cli_config_path)
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_env import clean, first_set, printable_ascii, truthy
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_errors import CasConfigError


def _from_pair(key_id, secret, token, id_name, secret_name, token_name, source):
    if key_id and secret:
        for value, name in ((key_id, id_name), (secret, secret_name), (token, token_name)):
            if value and not printable_ascii(value):
                # Never the value itself: it may be the secret or the token.
                raise CasConfigError('%s holds characters other than printable ASCII (a typographic quote, a '
                                     'non-Latin letter or a control character, as pasting from a document or chat '
                                     'may add): AccessKeys and security tokens are plain ASCII; set it again, '
                                     'copied from the RAM console or the STS answer.' % name, option=name)
        return StaticProvider(Credentials(key_id, secret, token, source))
    if key_id or secret:
        missing = secret_name if key_id else id_name
        present = id_name if key_id else secret_name
        raise CasConfigError('%s is set but %s is not: set both, or neither.' % (present, missing), option=missing)
    return None


class Resolver:
    """One resolution: the settings, the environment, and the home directory to read."""

    def __init__(self, settings, environ, home):
        self.settings = settings
        self.environ = environ
        self.home = home

    def opt(self, name):
        return clean(self.settings.get(name))

    def roles(self):
        """Builders of temporary-credential providers (their code is loaded only when one is configured)."""
        from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_role_credentials import RoleSources
        return RoleSources(self)

    def profiles(self):
        """The aliyun CLI configuration reader (loaded only when the file exists or a profile is named)."""
        from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_cli_profile import ProfileReader
        return ProfileReader(self)

    # ---- the chain -----------------------------------------------------------
    def resolve(self):
        opt = self.opt
        key_id, secret, token, profile = (opt('access_key_id'), opt('access_key_secret'), opt('security_token'),
                                          opt('profile'))
        role_arn, provider_arn, token_file, ecs_role = (opt('role_arn'), opt('oidc_provider_arn'),
                                                        opt('oidc_token_file'), opt('ecs_role_name'))
        explicit_keys = key_id or secret or token
        if profile and explicit_keys:
            raise CasConfigError('profile cannot be combined with access_key_id, access_key_secret or security_token: '
                                 'use one or the other.', option='profile')
        if ecs_role and (explicit_keys or profile or provider_arn):
            raise CasConfigError('ecs_role_name cannot be combined with access_key_id, profile or oidc_provider_arn: '
                                 'choose one credential source.', option='ecs_role_name')
        if provider_arn and (explicit_keys or profile):
            raise CasConfigError('oidc_provider_arn cannot be combined with access_key_id or profile: choose one '
                                 'credential source.', option='oidc_provider_arn')

        provider = _from_pair(key_id, secret, token, 'access_key_id', 'access_key_secret', 'security_token', 'options')
        if provider is None and token:
            raise CasConfigError('security_token is set but access_key_id and access_key_secret are not: '
                                 'an STS token needs its AccessKey pair.', option='security_token')
        if provider is None and profile:
            provider = self.profiles().named(profile)
        if provider is None and (provider_arn or token_file):
            if not (provider_arn and token_file and role_arn):
                missing = [n for n, v in (('role_arn', role_arn), ('oidc_provider_arn', provider_arn),
                                          ('oidc_token_file', token_file)) if not v]
                raise CasConfigError('OIDC (RRSA) credentials need role_arn, oidc_provider_arn and oidc_token_file '
                                     'together: %s missing.' % ', '.join(missing), option=missing[0])
            return self.roles().oidc(role_arn, provider_arn, token_file, 'OIDC role %s (options)' % role_arn)
        if provider is None and ecs_role:
            provider = self.roles().ecs(ecs_role, 'ECS instance role %s (option ecs_role_name)' % ecs_role)
        if provider is None:
            provider = self.environment_provider()
        if provider is None:
            provider = self.default_profile_provider()
        if provider is None:
            provider = self.last_resort()

        if not role_arn:
            role_arn, name = first_set(self.environ, ROLE_ARN_ENV)
            where = 'environment %s' % name
        else:
            where = 'option role_arn'
        if role_arn:
            provider = self.roles().ram_role(provider, role_arn, 'RAM role %s (%s) assumed with %s' % (role_arn, where, provider.source))
        return provider

    def environment_provider(self):
        env = self.environ
        for id_var, secret_var, token_var in ENV_SOURCES:
            provider = _from_pair(clean(env.get(id_var)), clean(env.get(secret_var)), clean(env.get(token_var)),
                                  id_var, secret_var, token_var, 'environment %s' % id_var)
            if provider:
                return provider
        oidc = [clean(env.get(name)) for name in OIDC_ENV]
        if all(oidc):
            return self.roles().oidc(oidc[0], oidc[1], oidc[2], 'OIDC role %s (environment ALIBABA_CLOUD_ROLE_ARN)' % oidc[0])
        role, name = first_set(env, ECS_ROLE_ENV)
        if role:
            return self.roles().ecs(role, 'ECS instance role %s (environment %s)' % (role, name))
        return None

    def default_profile_provider(self):
        if truthy(self.environ.get(CLI_PROFILE_DISABLED_ENV)):
            return None
        path = cli_config_path(self.home)
        if not os.path.exists(path):
            return None
        return self.profiles().default(path)

    def last_resort(self):
        """The ECS metadata service, as the official library's chain ends; else a clear error."""
        path = cli_config_path(self.home)
        looked = ('the options access_key_id/access_key_secret, profile, oidc_provider_arn and ecs_role_name; the '
                  'environment variables ALIBABA_CLOUD_ACCESS_KEY_ID/ALIBABA_CLOUD_ACCESS_KEY_SECRET, '
                  'ALICLOUD_ACCESS_KEY/ALICLOUD_SECRET_KEY, ALIBABA_CLOUD_ROLE_ARN/ALIBABA_CLOUD_OIDC_PROVIDER_ARN/'
                  'ALIBABA_CLOUD_OIDC_TOKEN_FILE and ALIBABA_CLOUD_ECS_METADATA; the aliyun CLI configuration %s (%s)'
                  % (path, 'disabled' if truthy(self.environ.get(CLI_PROFILE_DISABLED_ENV)) else 'missing'))
        if truthy(self.environ.get(ECS_DISABLED_ENV)):
            raise CasConfigError('No Alibaba Cloud credentials found. Looked at: %s; the ECS instance metadata service '
                                 'is off (ALIBABA_CLOUD_ECS_METADATA_DISABLED). Set one of them (see '
                                 'docs/credentials.md).' % looked, option='access_key_id')
        provider = self.roles().ecs(None, 'the ECS instance metadata service (no other source was configured)', discovered=True)
        provider.looked = looked
        return provider


def resolve_provider(settings=None, environ=None, home=None):
    """The credential provider for ``settings`` (a dict of option values), or raise CasConfigError."""
    environ = os.environ if environ is None else environ
    return Resolver(dict(settings or {}), environ, home).resolve()
