# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where the AccessKey comes from, in a fixed and documented order.

1. the options ``access_key_id`` / ``access_key_secret`` / ``security_token``;
2. ``ALIBABA_CLOUD_ACCESS_KEY_ID`` / ``ALIBABA_CLOUD_ACCESS_KEY_SECRET`` / ``ALIBABA_CLOUD_SECURITY_TOKEN``;
3. the legacy ``ALICLOUD_ACCESS_KEY`` / ``ALICLOUD_SECRET_KEY`` / ``ALICLOUD_SECURITY_TOKEN``;
4. a profile of the aliyun CLI's ``~/.aliyun/config.json`` (option ``profile``, else
   ``ALIBABA_CLOUD_PROFILE``, else the file's ``current``), modes ``AK`` and ``StsToken``.

An explicit ``profile`` option skips 2 and 3: what the user names wins over the
environment. Standard library only.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import hashlib
import hmac
import json
import os

from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_errors import CasConfigError

ENV_SOURCES = (
    ('ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'ALIBABA_CLOUD_SECURITY_TOKEN'),
    ('ALICLOUD_ACCESS_KEY', 'ALICLOUD_SECRET_KEY', 'ALICLOUD_SECURITY_TOKEN'),
)
PROFILE_ENV = 'ALIBABA_CLOUD_PROFILE'
CLI_CONFIG = os.path.join('~', '.aliyun', 'config.json')
SUPPORTED_MODES = ('AK', 'StsToken')
KNOWN_UNSUPPORTED_MODES = ('RamRoleArn', 'EcsRamRole', 'OIDC', 'ChainableRamRoleArn', 'CloudSSO', 'OAuth', 'External', 'RsaKeyPair')


class Credentials:
    """An AccessKey pair, an optional STS token, and where they came from."""

    __slots__ = ('access_key_id', 'access_key_secret', 'security_token', 'source')

    def __init__(self, access_key_id, access_key_secret, security_token=None, source=None):
        self.access_key_id = access_key_id
        self.access_key_secret = access_key_secret
        self.security_token = security_token or None
        self.source = source

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


def _clean(value):
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def _from_pair(key_id, secret, token, id_name, secret_name, source):
    if key_id and secret:
        return Credentials(key_id, secret, token, source)
    if key_id or secret:
        missing = secret_name if key_id else id_name
        present = id_name if key_id else secret_name
        raise CasConfigError('%s is set but %s is not: set both, or neither.' % (present, missing), option=missing)
    return None


def _cli_config_path(home=None):
    if home:
        return os.path.join(home, '.aliyun', 'config.json')
    return os.path.expanduser(CLI_CONFIG)


def _read_cli_config(path):
    try:
        with open(path, 'rb') as handle:
            raw = handle.read()
    except (IOError, OSError) as exc:
        raise CasConfigError('Cannot read the aliyun CLI configuration %s: %s. Fix its permissions or '
                             'choose another credential source.' % (path, exc.strerror or exc), option='profile')
    try:
        data = json.loads(raw.decode('utf-8'))
    except (ValueError, UnicodeDecodeError) as exc:
        raise CasConfigError('The aliyun CLI configuration %s is not valid JSON (%s): fix it with '
                             '"aliyun configure" or by hand.' % (path, exc), option='profile')
    if not isinstance(data, dict) or not isinstance(data.get('profiles', []), list):
        raise CasConfigError('The aliyun CLI configuration %s has an unexpected layout: expected an object '
                             'with a "profiles" list.' % path, option='profile')
    return data


def _profile_credentials(data, name, path):
    profiles = [p for p in data.get('profiles') or [] if isinstance(p, dict)]
    match = [p for p in profiles if p.get('name') == name]
    if not match:
        names = ', '.join(sorted(str(p.get('name')) for p in profiles)) or 'none'
        raise CasConfigError('Profile %r is not in %s (profiles there: %s): set profile to one of them.'
                             % (name, path, names), option='profile')
    profile = match[0]
    mode = profile.get('mode') or 'AK'
    source = 'profile %s in %s' % (name, path)
    if mode not in SUPPORTED_MODES:
        if mode in KNOWN_UNSUPPORTED_MODES:
            raise CasConfigError('Profile %r uses credential mode %s, which this collection does not support yet '
                                 '(supported: %s): use an AK or StsToken profile, or pass access_key_id and '
                                 'access_key_secret.' % (name, mode, ', '.join(SUPPORTED_MODES)), option='profile')
        raise CasConfigError('Profile %r has an unknown credential mode %r (supported: %s).'
                             % (name, mode, ', '.join(SUPPORTED_MODES)), option='profile')
    key_id = _clean(profile.get('access_key_id'))
    secret = _clean(profile.get('access_key_secret'))
    token = _clean(profile.get('sts_token')) if mode == 'StsToken' else None
    if not key_id or not secret:
        raise CasConfigError('Profile %r in %s lacks access_key_id or access_key_secret: run "aliyun configure '
                             '--profile %s".' % (name, path, name), option='profile')
    if mode == 'StsToken' and not token:
        raise CasConfigError('Profile %r in %s has mode StsToken but no sts_token.' % (name, path), option='profile')
    return Credentials(key_id, secret, token, source)


def resolve_credentials(access_key_id=None, access_key_secret=None, security_token=None, profile=None,
                        environ=None, home=None):
    """Return :class:`Credentials` from the first source that has them, or raise CasConfigError."""
    environ = os.environ if environ is None else environ
    access_key_id, access_key_secret = _clean(access_key_id), _clean(access_key_secret)
    security_token, profile = _clean(security_token), _clean(profile)

    if profile and (access_key_id or access_key_secret or security_token):
        raise CasConfigError('profile cannot be combined with access_key_id, access_key_secret or security_token: '
                             'use one or the other.', option='profile')
    creds = _from_pair(access_key_id, access_key_secret, security_token,
                       'access_key_id', 'access_key_secret', 'options')
    if creds:
        return creds
    if security_token:
        raise CasConfigError('security_token is set but access_key_id and access_key_secret are not: '
                             'an STS token needs its AccessKey pair.', option='security_token')

    if not profile:
        for id_var, secret_var, token_var in ENV_SOURCES:
            creds = _from_pair(_clean(environ.get(id_var)), _clean(environ.get(secret_var)), _clean(environ.get(token_var)),
                               id_var, secret_var, 'environment %s' % id_var)
            if creds:
                return creds

    path = _cli_config_path(home)
    if not os.path.exists(path):
        if profile:
            raise CasConfigError('profile %r was requested but %s does not exist: create it with '
                                 '"aliyun configure --profile %s".' % (profile, path, profile), option='profile')
        raise CasConfigError(
            'No Alibaba Cloud credentials found. Looked at: the options access_key_id/access_key_secret; '
            'the environment variables ALIBABA_CLOUD_ACCESS_KEY_ID/ALIBABA_CLOUD_ACCESS_KEY_SECRET and '
            'ALICLOUD_ACCESS_KEY/ALICLOUD_SECRET_KEY; the aliyun CLI configuration %s (missing). '
            'Set one of them (see docs/credentials.md).' % path, option='access_key_id')
    data = _read_cli_config(path)
    name = profile or _clean(environ.get(PROFILE_ENV)) or _clean(data.get('current'))
    if not name:
        raise CasConfigError('%s names no current profile and neither profile nor %s is set: choose a profile.'
                             % (path, PROFILE_ENV), option='profile')
    return _profile_credentials(data, name, path)
