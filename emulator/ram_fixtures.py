# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixture sections for credentials: RAM ``roles``, ``oidc_providers``, ECS ``metadata`` and ``sts`` settings.

Also home of FixtureError, which fixtures.py (the rest of the format, importing this module) raises too."""

from __future__ import annotations

import re


class FixtureError(Exception):
    """A fixture file (or --access-key value) is unusable; the message is one line."""


ROLE_FIELDS = ('arn', 'max_session_duration', 'min_session_duration', 'trusted_access_keys', 'trusted_accounts',
               'trusted_oidc_providers', 'external_id', 'denied_actions')
OIDC_FIELDS = ('arn', 'issuer', 'subject', 'client_ids', 'tokens', 'expired_tokens')
METADATA_FIELDS = ('enabled', 'require_token', 'role', 'account', 'credential_duration', 'denied_actions')
STS_FIELDS = ('duration',)

ROLE_ARN_RE = re.compile(r'^acs:ram::(?P<account>\d+):role/(?P<name>[A-Za-z0-9._@-]{1,64})$')
OIDC_ARN_RE = re.compile(r'^acs:ram::(?P<account>\d+):oidc-provider/(?P<name>[A-Za-z0-9._-]{1,128})$')
ROLE_NAME_RE = re.compile(r'^[A-Za-z0-9._@-]{1,64}$')

DEFAULT_MAX_SESSION_DURATION = 3600
MIN_SESSION_DURATION = 900
MAX_SESSION_DURATION = 43200
DEFAULT_ECS_CREDENTIAL_DURATION = 21600
MAX_TESTING_DURATION = 43200


class RamRole:
    """A RAM role that STS can issue credentials for."""

    def __init__(self, arn, account, name, max_session_duration, min_session_duration, trusted_access_keys,
                 trusted_accounts, trusted_oidc_providers, external_id, denied_actions):
        self.arn = arn
        self.account = account
        self.name = name
        self.max_session_duration = max_session_duration
        self.min_session_duration = min_session_duration
        self.trusted_access_keys = frozenset(trusted_access_keys)
        self.trusted_accounts = frozenset(trusted_accounts)
        self.trusted_oidc_providers = frozenset(trusted_oidc_providers)
        self.external_id = external_id
        self.denied_actions = frozenset(denied_actions)

    def trusts_key(self, key):
        """True if this AccessKey (by id, or by its account) may call AssumeRole on the role."""
        return key.id in self.trusted_access_keys or key.account in self.trusted_accounts

    def __repr__(self):
        return 'RamRole(%r)' % self.arn


class OidcProvider:
    """An OIDC identity provider registered in RAM, with the static tokens it accepts."""

    def __init__(self, arn, account, issuer, subject, client_ids, tokens, expired_tokens):
        self.arn = arn
        self.account = account
        self.issuer = issuer
        self.subject = subject
        self.client_ids = tuple(client_ids)
        self.tokens = frozenset(tokens)
        self.expired_tokens = frozenset(expired_tokens)

    def __repr__(self):
        return 'OidcProvider(%r)' % self.arn


def role_key(arn):
    """The lookup key of a role ARN (RAM role names are case-insensitive)."""
    return arn.lower()


def _fail(where, message):
    raise FixtureError('%s: %s' % (where, message))


def _mapping(value, where, allowed):
    """Check a mapping and its field names."""
    if not isinstance(value, dict):
        _fail(where, 'must be a mapping (got %s)' % type(value).__name__)
    unknown = sorted(str(k) for k in value if k not in allowed)
    if unknown:
        _fail(where, 'unknown field %r (allowed: %s)' % (unknown[0], ', '.join(allowed)))
    return value


def _string_list(value, where, field):
    """A list of non-empty strings (integers are accepted and converted, for account ids)."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, (str, int)) and not isinstance(v, bool) and str(v).strip() for v in value):
        _fail(where, 'field %r: must be a list of non-empty strings' % field)
    return [str(v).strip() for v in value]


def _integer(value, where, field, minimum, maximum, default):
    """An optional integer within bounds."""
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        _fail(where, 'field %r: must be an integer between %d and %d (got %r)' % (field, minimum, maximum, value))
    return value


def _boolean(value, where, field, default):
    """An optional boolean."""
    if value is None:
        return default
    if not isinstance(value, bool):
        _fail(where, 'field %r: must be true or false (got %r)' % (field, value))
    return value


def validate_role(entry, where):
    """Validate one ``roles`` entry and return a RamRole."""
    _mapping(entry, where, ROLE_FIELDS)
    arn = entry.get('arn')
    match = ROLE_ARN_RE.match(arn) if isinstance(arn, str) else None
    if not match:
        _fail(where, "field 'arn': must look like acs:ram::<account digits>:role/<name> (got %r)" % (arn,))
    where = '%s (arn %r)' % (where, arn)
    maximum = _integer(entry.get('max_session_duration'), where, 'max_session_duration', MIN_SESSION_DURATION,
                       MAX_SESSION_DURATION, DEFAULT_MAX_SESSION_DURATION)
    minimum = _integer(entry.get('min_session_duration'), where, 'min_session_duration', 1, MIN_SESSION_DURATION,
                       MIN_SESSION_DURATION)
    external_id = entry.get('external_id')
    if external_id is not None and (not isinstance(external_id, str) or not external_id):
        _fail(where, "field 'external_id': must be a non-empty string")
    return RamRole(arn, match.group('account'), match.group('name'), maximum, minimum,
                   _string_list(entry.get('trusted_access_keys'), where, 'trusted_access_keys'),
                   _string_list(entry.get('trusted_accounts'), where, 'trusted_accounts'),
                   _string_list(entry.get('trusted_oidc_providers'), where, 'trusted_oidc_providers'),
                   external_id,
                   _string_list(entry.get('denied_actions'), where, 'denied_actions'))


def validate_oidc_provider(entry, where):
    """Validate one ``oidc_providers`` entry and return an OidcProvider."""
    _mapping(entry, where, OIDC_FIELDS)
    arn = entry.get('arn')
    match = OIDC_ARN_RE.match(arn) if isinstance(arn, str) else None
    if not match:
        _fail(where, "field 'arn': must look like acs:ram::<account digits>:oidc-provider/<name> (got %r)" % (arn,))
    where = '%s (arn %r)' % (where, arn)
    tokens = _string_list(entry.get('tokens'), where, 'tokens')
    if not tokens:
        _fail(where, "field 'tokens': must list at least one accepted token")
    for field in ('issuer', 'subject'):
        value = entry.get(field)
        if value is not None and (not isinstance(value, str) or not value):
            _fail(where, 'field %r: must be a non-empty string' % field)
    return OidcProvider(arn, match.group('account'), entry.get('issuer') or 'https://oidc.emulator.invalid/%s' % match.group('name'),
                        entry.get('subject') or 'emulator-subject',
                        _string_list(entry.get('client_ids'), where, 'client_ids') or ['sts.aliyuncs.com'],
                        tokens, _string_list(entry.get('expired_tokens'), where, 'expired_tokens'))


def validate_metadata(entry, where, default_account):
    """Validate the ``metadata`` section; return a plain dict of its settings."""
    entry = _mapping(entry if entry is not None else {}, where, METADATA_FIELDS)
    role = entry.get('role')
    if role is not None and (not isinstance(role, str) or not ROLE_NAME_RE.match(role)):
        _fail(where, "field 'role': must be a RAM role name (letters, digits, . _ @ -) or null (got %r)" % (role,))
    account = entry.get('account')
    if account is not None:
        if isinstance(account, bool) or not isinstance(account, (str, int)) or not str(account).strip():
            _fail(where, "field 'account': must be a non-empty string")
        account = str(account).strip()
    return {
        'enabled': _boolean(entry.get('enabled'), where, 'enabled', True),
        'require_token': _boolean(entry.get('require_token'), where, 'require_token', False),
        'role': role,
        'account': account or default_account,
        'credential_duration': _integer(entry.get('credential_duration'), where, 'credential_duration', 1, 86400,
                                        DEFAULT_ECS_CREDENTIAL_DURATION),
        'denied_actions': frozenset(_string_list(entry.get('denied_actions'), where, 'denied_actions')),
    }


def validate_sts(entry, where):
    """Validate the ``sts`` section; return a plain dict of its settings."""
    entry = _mapping(entry if entry is not None else {}, where, STS_FIELDS)
    return {'duration': _integer(entry.get('duration'), where, 'duration', 1, MAX_TESTING_DURATION, None)}


def validate_sections(data, source, default_account):
    """Validate roles, oidc_providers, metadata and sts of a fixtures document.

    Returns ``(roles by lower-case ARN, providers by ARN, metadata dict, sts dict)``.
    """
    roles = {}
    raw_roles = data.get('roles') or []
    if not isinstance(raw_roles, list):
        _fail(source, 'roles: must be a list')
    for index, entry in enumerate(raw_roles):
        role = validate_role(entry, '%s: roles[%d]' % (source, index))
        if role_key(role.arn) in roles:
            _fail('%s: roles[%d]' % (source, index), 'duplicate arn %r' % role.arn)
        roles[role_key(role.arn)] = role
    providers = {}
    raw_providers = data.get('oidc_providers') or []
    if not isinstance(raw_providers, list):
        _fail(source, 'oidc_providers: must be a list')
    for index, entry in enumerate(raw_providers):
        provider = validate_oidc_provider(entry, '%s: oidc_providers[%d]' % (source, index))
        if provider.arn in providers:
            _fail('%s: oidc_providers[%d]' % (source, index), 'duplicate arn %r' % provider.arn)
        providers[provider.arn] = provider
    metadata = validate_metadata(data.get('metadata'), '%s: metadata' % source, default_account)
    sts = validate_sts(data.get('sts'), '%s: sts' % source)
    return roles, providers, metadata, sts
