# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Credentials and the names of where they come from, shared by the chain and the sources it builds.

:class:`Credentials` (an AccessKey pair, maybe an STS token and its expiry), :class:`StaticProvider` (credentials
known up front), the environment variables and files the chain reads (:mod:`cas_credential_chain` has the
order), and the one-way digest that keys caches by credentials. Standard library only.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import calendar
import hashlib
import hmac
import os
import time

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


def parse_expiration(value):
    """Epoch seconds of an ISO 8601 UTC time such as ``2026-11-28T13:00:00Z``, or None."""
    if not isinstance(value, str):
        return None
    for fmt in ('%Y-%m-%dT%H:%M:%SZ', '%Y-%m-%dT%H:%M:%S.%fZ'):
        try:
            return calendar.timegm(time.strptime(value.strip(), fmt))
        except ValueError:
            continue
    return None


def cli_config_path(home=None):
    """The aliyun CLI configuration file (under ``home`` when given)."""
    if home:
        return os.path.join(home, '.aliyun', 'config.json')
    return os.path.expanduser(CLI_CONFIG)
