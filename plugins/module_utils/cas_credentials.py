# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where the credentials come from, in a fixed and documented order.

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

import hashlib
import hmac
import os

from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_errors import CasConfigError

ENV_SOURCES = (
    ('ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'ALIBABA_CLOUD_SECURITY_TOKEN'),
    ('ALICLOUD_ACCESS_KEY', 'ALICLOUD_SECRET_KEY', 'ALICLOUD_SECURITY_TOKEN'),
)
PROFILE_ENV = 'ALIBABA_CLOUD_PROFILE'
CLI_PROFILE_DISABLED_ENV = 'ALIBABA_CLOUD_CLI_PROFILE_DISABLED'
OIDC_ENV = ('ALIBABA_CLOUD_ROLE_ARN', 'ALIBABA_CLOUD_OIDC_PROVIDER_ARN', 'ALIBABA_CLOUD_OIDC_TOKEN_FILE')
ECS_ROLE_ENV = ('ALIBABA_CLOUD_ECS_METADATA', 'ALICLOUD_ECS_ROLE_NAME')
ECS_DISABLED_ENV = 'ALIBABA_CLOUD_ECS_METADATA_DISABLED'
ROLE_ARN_ENV = ('ALICLOUD_ASSUME_ROLE_ARN',)
ROLE_SESSION_NAME_ENV = ('ALIBABA_CLOUD_ROLE_SESSION_NAME', 'ALICLOUD_ASSUME_ROLE_SESSION_NAME')
ROLE_DURATION_ENV = ('ALICLOUD_ASSUME_ROLE_SESSION_EXPIRATION',)
CLI_CONFIG = os.path.join('~', '.aliyun', 'config.json')
SUPPORTED_MODES = ('AK', 'StsToken', 'RamRoleArn', 'EcsRamRole', 'OIDC', 'ChainableRamRoleArn')
KNOWN_UNSUPPORTED_MODES = ('CloudSSO', 'OAuth', 'External', 'RsaKeyPair', 'CredentialsURI')


class Credentials:
    """An AccessKey pair, an optional STS token, when they expire, and where they came from."""

    __slots__ = ('access_key_id', 'access_key_secret', 'security_token', 'source', 'expiration')

    def __init__(self, access_key_id, access_key_secret, security_token=None, source=None, expiration=None):
        self.access_key_id = access_key_id
        self.access_key_secret = access_key_secret
        self.security_token = security_token or None
        self.source = source
        self.expiration = expiration  # epoch seconds for temporary credentials, else None

    def secrets(self):
        """Values that must never be shown."""
        return tuple(v for v in (self.access_key_secret, self.security_token) if v)

    def __repr__(self):
        return 'Credentials(access_key_id=%r, access_key_secret=<redacted>, security_token=%s, source=%r)' % (
            self.access_key_id, '<redacted>' if self.security_token else None, self.source)

    __str__ = __repr__


def credential_fingerprint(credentials):
    """A one-way, keyed digest of the secret and token, for cache keys.

    A cached answer is served only to the same AccessKey pair (and token): a
    wrong or rotated secret never gets an answer from the cache. The digest
    cannot be turned back into the secret (HMAC-SHA256 keyed by it).
    """
    material = ('%s\0%s' % (credentials.access_key_secret, credentials.security_token or '')).encode('utf-8')
    return hmac.new(material, b'seed.alicloud_cas result cache v1', hashlib.sha256).hexdigest()[:32]


class StaticProvider:
    """Credentials known up front: an AccessKey pair, maybe with an STS token."""

    temporary = False

    def __init__(self, credentials):
        self.credentials = credentials
        self.source = credentials.source
        self.identity = credentials.access_key_id

    def fingerprint(self):
        return credential_fingerprint(self.credentials)

    def get(self, client=None):
        return self.credentials

    def secrets(self):
        return self.credentials.secrets()

    def invalidate(self):
        """Static credentials cannot be refreshed."""
        return False

    def __repr__(self):
        return 'StaticProvider(%r)' % (self.credentials,)


def _clean(value):
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def _env(environ, names):
    for name in names:
        value = _clean(environ.get(name))
        if value:
            return value, name
    return None, None


def _is_true(value):
    return (_clean(value) or '').lower() in ('1', 'true', 'yes', 'on')


def _from_pair(key_id, secret, token, id_name, secret_name, source):
    if key_id and secret:
        return StaticProvider(Credentials(key_id, secret, token, source))
    if key_id or secret:
        missing = secret_name if key_id else id_name
        present = id_name if key_id else secret_name
        raise CasConfigError('%s is set but %s is not: set both, or neither.' % (present, missing), option=missing)
    return None


def _cli_config_path(home=None):
    if home:
        return os.path.join(home, '.aliyun', 'config.json')
    return os.path.expanduser(CLI_CONFIG)


class _Resolver:
    """One resolution: the settings, the environment, and the home directory to read."""

    def __init__(self, settings, environ, home):
        self.settings = settings
        self.environ = environ
        self.home = home

    def opt(self, name):
        return _clean(self.settings.get(name))

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

        provider = _from_pair(key_id, secret, token, 'access_key_id', 'access_key_secret', 'options')
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
            role_arn, name = _env(self.environ, ROLE_ARN_ENV)
            where = 'environment %s' % name
        else:
            where = 'option role_arn'
        if role_arn:
            provider = self.roles().ram_role(provider, role_arn, 'RAM role %s (%s) assumed with %s' % (role_arn, where, provider.source))
        return provider

    def environment_provider(self):
        env = self.environ
        for id_var, secret_var, token_var in ENV_SOURCES:
            provider = _from_pair(_clean(env.get(id_var)), _clean(env.get(secret_var)), _clean(env.get(token_var)),
                                  id_var, secret_var, 'environment %s' % id_var)
            if provider:
                return provider
        oidc = [_clean(env.get(name)) for name in OIDC_ENV]
        if all(oidc):
            return self.roles().oidc(oidc[0], oidc[1], oidc[2], 'OIDC role %s (environment ALIBABA_CLOUD_ROLE_ARN)' % oidc[0])
        role, name = _env(env, ECS_ROLE_ENV)
        if role:
            return self.roles().ecs(role, 'ECS instance role %s (environment %s)' % (role, name))
        return None

    def default_profile_provider(self):
        if _is_true(self.environ.get(CLI_PROFILE_DISABLED_ENV)):
            return None
        path = _cli_config_path(self.home)
        if not os.path.exists(path):
            return None
        return self.profiles().default(path)

    def last_resort(self):
        """The ECS metadata service, as the official library's chain ends; else a clear error."""
        path = _cli_config_path(self.home)
        looked = ('the options access_key_id/access_key_secret, profile, oidc_provider_arn and ecs_role_name; the '
                  'environment variables ALIBABA_CLOUD_ACCESS_KEY_ID/ALIBABA_CLOUD_ACCESS_KEY_SECRET, '
                  'ALICLOUD_ACCESS_KEY/ALICLOUD_SECRET_KEY, ALIBABA_CLOUD_ROLE_ARN/ALIBABA_CLOUD_OIDC_PROVIDER_ARN/'
                  'ALIBABA_CLOUD_OIDC_TOKEN_FILE and ALIBABA_CLOUD_ECS_METADATA; the aliyun CLI configuration %s (%s)'
                  % (path, 'disabled' if _is_true(self.environ.get(CLI_PROFILE_DISABLED_ENV)) else 'missing'))
        if _is_true(self.environ.get(ECS_DISABLED_ENV)):
            raise CasConfigError('No Alibaba Cloud credentials found. Looked at: %s; the ECS instance metadata service '
                                 'is off (ALIBABA_CLOUD_ECS_METADATA_DISABLED). Set one of them (see '
                                 'docs/credentials.md).' % looked, option='access_key_id')
        provider = self.roles().ecs(None, 'the ECS instance metadata service (no other source was configured)', discovered=True)
        provider.looked = looked
        return provider


def resolve_provider(settings=None, environ=None, home=None):
    """The credential provider for ``settings`` (a dict of option values), or raise CasConfigError."""
    environ = os.environ if environ is None else environ
    return _Resolver(dict(settings or {}), environ, home).resolve()


def resolve_credentials(access_key_id=None, access_key_secret=None, security_token=None, profile=None,
                        environ=None, home=None):
    """Static credentials from the chain (a role or metadata source raises CasConfigError instead).

    Kept for callers that only take AccessKeys; the client uses :func:`resolve_provider`.
    """
    environ = os.environ if environ is None else environ
    settings = dict(access_key_id=access_key_id, access_key_secret=access_key_secret,
                    security_token=security_token, profile=profile)
    provider = resolve_provider(settings, dict(environ, **{ECS_DISABLED_ENV: 'true'}), home)
    if provider.temporary:
        raise CasConfigError('%s gives temporary credentials, which need a call to fetch: use resolve_provider.'
                             % provider.source)
    return provider.credentials
