# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixture loading and validation: access keys, CA instances, issued certificates and credential sections (YAML or JSON)."""

from __future__ import annotations

import json
import os
import re
import time

from .demo import DEFAULT_ACCOUNT_ID
from .ram_fixtures import FixtureError, validate_metadata, validate_sections, validate_sts

DEFAULT_FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'default_fixtures.yml')

STATUSES = ('BUY', 'USED', 'REFUND', 'REVOKE')
TYPES = ('ROOT', 'SUB_ROOT')
COUNT_FIELDS = ('CertTotalCount', 'CertIssuedCount')
TIME_FIELDS = ('BeforeTime', 'AfterTime', 'UseExpireTime')
# Fields of the CA certificate itself, which the real API omits unless the instance is USED or REVOKE.
CA_CERT_FIELDS = ('BeforeTime', 'AfterTime', 'Identifier')
STATUSES_WITHOUT_CA_CERT = ('BUY', 'REFUND')
RESPONSE_FIELD_ORDER = ('InstanceId', 'Status', 'Type', 'CertTotalCount', 'CertIssuedCount',
                        'BeforeTime', 'AfterTime', 'UseExpireTime', 'Identifier')

TOP_LEVEL_KEYS = ('default_account', 'access_keys', 'instances', 'certificates', 'roles', 'oidc_providers', 'metadata', 'sts')
ACCESS_KEY_FIELDS = ('id', 'secret', 'security_token', 'account', 'denied_actions')
# Client and server certificates issued by the instances (as ListClientCertificate shows them).
CERTIFICATE_FIELDS = ('Identifier', 'InstanceId', 'CertificateType', 'CommonName', 'Status', 'BeforeDate', 'AfterDate')
CERTIFICATE_TYPES = ('CLIENT', 'SERVER')
CERTIFICATE_STATUSES = ('ISSUE', 'REVOKE')
CERTIFICATE_TIME_FIELDS = ('BeforeDate', 'AfterDate')
CERTIFICATE_IDENTIFIER_RE = re.compile(r'^[0-9a-f]{32}$')

_RELATIVE_RE = re.compile(r'^\s*(?:now\s*)?(?P<sign>[+-])\s*(?P<amount>\d+)\s*(?P<unit>[smhdw])\s*$')
_UNIT_MS = {'s': 1000, 'm': 60 * 1000, 'h': 3600 * 1000, 'd': 86400 * 1000, 'w': 7 * 86400 * 1000}


class AccessKey:
    """One AccessKey pair of the emulated account(s).

    Keys issued by the emulated STS or metadata service also carry ``expires_at`` (epoch seconds on the
    emulator clock) and ``source`` (``AssumeRole``, ``AssumeRoleWithOIDC`` or ``ecs-metadata``).
    """

    def __init__(self, key_id, secret, security_token=None, account=None, denied_actions=(), default_account=DEFAULT_ACCOUNT_ID,
                 expires_at=None, source=None):
        self.id = key_id
        self.secret = secret
        self.security_token = security_token
        self.explicit_account = account
        self.account = account or default_account
        self.denied_actions = frozenset(denied_actions or ())
        self.expires_at = expires_at
        self.source = source

    @property
    def throttle_bucket(self):
        """Keys naming the same ``account`` share one throttling window, others have their own."""
        if self.explicit_account:
            return 'account:%s' % self.explicit_account
        return 'key:%s' % self.id

    def __repr__(self):
        return 'AccessKey(%r, account=%r)' % (self.id, self.account)


class Fixtures:
    """Loaded fixtures: access keys by id, instances (with resolved times) by account, issued certificates by
    identifier, RAM roles, OIDC providers, and the metadata and sts settings."""

    def __init__(self, source, default_account, access_keys, instances, roles=None, oidc_providers=None, metadata=None, sts=None,
                 certificates=None):
        self.source = source
        self.default_account = default_account
        self.access_keys = access_keys
        self.instances = instances
        self.certificates = certificates or {}
        self.roles = roles or {}
        self.oidc_providers = oidc_providers or {}
        self.metadata = metadata or validate_metadata(None, 'metadata', default_account)
        self.sts = sts or validate_sts(None, 'sts')

    def instances_of(self, account):
        """Return the instances (dicts, fixture order) of an account."""
        return [inst for acct, inst in self.instances if acct == account]

    def issuer_of(self, identifier):
        """The InstanceId of the instance that issued the client or server certificate ``identifier``, or None."""
        certificate = self.certificates.get(identifier)
        return certificate['InstanceId'] if certificate is not None else None


def parse_time_value(value, now_ms):
    """Return epoch milliseconds for an int or a relative string (``now``, ``-30d``, ``+12h``...).

    Raise ValueError with a reason otherwise.
    """
    if isinstance(value, bool):
        raise ValueError('must be epoch milliseconds or a relative time like "-30d", "+12h", "now" (got %r)' % (value,))
    if isinstance(value, int):
        if value < 0:
            raise ValueError('must not be negative (got %d)' % value)
        return value
    if isinstance(value, str):
        text = value.strip()
        if text == 'now':
            return int(now_ms)
        match = _RELATIVE_RE.match(text)
        if match:
            delta = int(match.group('amount')) * _UNIT_MS[match.group('unit')]
            return int(now_ms) + (delta if match.group('sign') == '+' else -delta)
    raise ValueError('must be epoch milliseconds or a relative time like "-30d", "+12h", "now" (got %r)' % (value,))


def parse_access_key_arg(text):
    """Parse an ``ID:SECRET`` command line value into ``(id, secret)``."""
    key_id, sep, secret = (text or '').partition(':')
    if not sep or not key_id.strip() or not secret:
        raise FixtureError('--access-key must be ID:SECRET (got a value without ":" or with an empty part)')
    return key_id.strip(), secret


def _read_document(path):
    """Read and parse a YAML or JSON file; raise FixtureError with a one-line message."""
    try:
        with open(path, 'r', encoding='utf-8') as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise FixtureError('%s: cannot read fixtures file: %s' % (path, _one_line(exc)))
    if path.lower().endswith('.json'):
        try:
            return json.loads(text)
        except ValueError as exc:
            raise FixtureError('%s: not valid JSON: %s' % (path, _one_line(exc)))
    try:
        import yaml
    except ImportError:
        raise FixtureError('%s: PyYAML is needed to read YAML fixtures (pip install PyYAML), or use a .json file' % path)
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, 'problem_mark', None)
        where = ' at line %d column %d' % (mark.line + 1, mark.column + 1) if mark is not None else ''
        problem = getattr(exc, 'problem', None) or exc
        raise FixtureError('%s: not valid YAML: %s%s' % (path, _one_line(problem), where))


def _one_line(value):
    """Collapse whitespace so that an error message stays on one line."""
    return ' '.join(str(value).split())


def _account_value(value, where):
    """Validate an account id (string or integer) and return it as a string."""
    if isinstance(value, bool) or not isinstance(value, (str, int)) or not str(value).strip():
        raise FixtureError('%s: must be a non-empty string (got %r)' % (where, value))
    return str(value).strip()


def _validate_access_key(entry, where, default_account):
    """Validate one access_keys entry and return an AccessKey."""
    if not isinstance(entry, dict):
        raise FixtureError('%s: must be a mapping with id and secret (got a %s)' % (where, type(entry).__name__))
    label = '%s (id %r)' % (where, entry.get('id')) if isinstance(entry.get('id'), str) else where
    unknown = sorted(str(k) for k in entry if k not in ACCESS_KEY_FIELDS)
    if unknown:
        raise FixtureError('%s: unknown field %r (allowed: %s)' % (label, unknown[0], ', '.join(ACCESS_KEY_FIELDS)))
    for field in ('id', 'secret'):
        value = entry.get(field)
        if not isinstance(value, str) or not value.strip():
            raise FixtureError('%s: field %r: must be a non-empty string' % (label, field))
    if re.search(r'[\s:]', entry['id']):
        raise FixtureError("%s: field 'id': must not contain spaces or ':'" % label)
    token = entry.get('security_token')
    if token is not None and (not isinstance(token, str) or not token):
        raise FixtureError("%s: field 'security_token': must be a non-empty string" % label)
    account = entry.get('account')
    if account is not None:
        account = _account_value(account, "%s: field 'account'" % label)
    denied = entry.get('denied_actions') or []
    if not isinstance(denied, list) or not all(isinstance(a, str) and a for a in denied):
        raise FixtureError("%s: field 'denied_actions': must be a list of action names" % label)
    return AccessKey(entry['id'], entry['secret'], token, account, denied, default_account)


def _validate_instance(entry, where, now_ms, default_account):
    """Validate one instances entry; return ``(account, instance dict for the response)``."""
    if not isinstance(entry, dict):
        raise FixtureError('%s: must be a mapping (got %r)' % (where, entry))
    instance_id = entry.get('InstanceId')
    if not isinstance(instance_id, str) or not instance_id.strip():
        raise FixtureError("%s: field 'InstanceId': must be a non-empty string" % where)
    label = '%s (InstanceId %r)' % (where, instance_id)
    status = entry.get('Status')
    if status not in STATUSES:
        raise FixtureError("%s: field 'Status': must be one of %s (got %r)" % (label, ', '.join(STATUSES), status))
    if entry.get('Type') not in TYPES:
        raise FixtureError("%s: field 'Type': must be one of %s (got %r)" % (label, ', '.join(TYPES), entry.get('Type')))
    for field in COUNT_FIELDS:
        value = entry.get(field)
        if isinstance(value, bool) or not isinstance(value, int):
            raise FixtureError('%s: field %r: must be an integer (got %r)' % (label, field, value))
        if value < 0:
            raise FixtureError('%s: field %r: must not be negative (got %d)' % (label, field, value))
    if entry['CertIssuedCount'] > entry['CertTotalCount']:
        raise FixtureError("%s: field 'CertIssuedCount': must not exceed CertTotalCount (%d > %d)"
                           % (label, entry['CertIssuedCount'], entry['CertTotalCount']))
    if status in STATUSES_WITHOUT_CA_CERT:
        for field in CA_CERT_FIELDS:
            if entry.get(field) is not None:
                raise FixtureError('%s: field %r: not allowed with Status %s (the real API omits it)' % (label, field, status))
    identifier = entry.get('Identifier')
    if identifier is not None and (not isinstance(identifier, str) or not identifier.strip()):
        raise FixtureError("%s: field 'Identifier': must be a non-empty string (got %r)" % (label, identifier))
    account = default_account
    if entry.get('account') is not None:
        account = _account_value(entry['account'], "%s: field 'account'" % label)
    result = {}
    for field in RESPONSE_FIELD_ORDER:
        if entry.get(field) is not None:
            result[field] = entry[field]
    for field in TIME_FIELDS:
        if field in result:
            try:
                result[field] = parse_time_value(result[field], now_ms)
            except ValueError as exc:
                raise FixtureError('%s: field %r: %s' % (label, field, exc))
    for field, value in entry.items():
        if field in result or field == 'account' or (value is None and field in RESPONSE_FIELD_ORDER):
            continue
        try:
            json.dumps(value)
        except (TypeError, ValueError):
            raise FixtureError('%s: extra field %r: must be JSON-compatible (got %r)' % (label, field, value))
        result[str(field)] = value
    return account, result


def _validate_certificate(entry, where, now_ms, instance_ids):
    """Validate one certificates entry; return the certificate dict (times resolved)."""
    if not isinstance(entry, dict):
        raise FixtureError('%s: must be a mapping with Identifier, InstanceId, CertificateType and CommonName (got %r)' % (where, entry))
    identifier = entry.get('Identifier')
    label = '%s (Identifier %r)' % (where, identifier) if isinstance(identifier, str) else where
    unknown = sorted(str(k) for k in entry if k not in CERTIFICATE_FIELDS)
    if unknown:
        raise FixtureError('%s: unknown field %r (allowed: %s)' % (label, unknown[0], ', '.join(CERTIFICATE_FIELDS)))
    if not isinstance(identifier, str) or not CERTIFICATE_IDENTIFIER_RE.match(identifier):
        raise FixtureError("%s: field 'Identifier': must be 32 lower-case hexadecimal digits, like the real service's (got %r)"
                           % (label, identifier))
    instance_id = entry.get('InstanceId')
    if instance_id not in instance_ids:
        raise FixtureError("%s: field 'InstanceId': the issuing instance must be one of the fixture instances (got %r)" % (label, instance_id))
    if entry.get('CertificateType') not in CERTIFICATE_TYPES:
        raise FixtureError("%s: field 'CertificateType': must be one of %s (got %r)"
                           % (label, ', '.join(CERTIFICATE_TYPES), entry.get('CertificateType')))
    common_name = entry.get('CommonName')
    if not isinstance(common_name, str) or not common_name.strip():
        raise FixtureError("%s: field 'CommonName': must be a non-empty string (got %r)" % (label, common_name))
    status = entry.get('Status', 'ISSUE')
    if status not in CERTIFICATE_STATUSES:
        raise FixtureError("%s: field 'Status': must be one of %s (got %r)" % (label, ', '.join(CERTIFICATE_STATUSES), status))
    result = {'Identifier': identifier, 'InstanceId': instance_id, 'CertificateType': entry['CertificateType'],
              'CommonName': common_name, 'Status': status}
    for field in CERTIFICATE_TIME_FIELDS:
        if entry.get(field) is not None:
            try:
                result[field] = parse_time_value(entry[field], now_ms)
            except ValueError as exc:
                raise FixtureError('%s: field %r: %s' % (label, field, exc))
    return result


def _validate_certificates(raw, source, now_ms, instances):
    """Validate the certificates section; return the certificates by identifier (fixture order)."""
    if not isinstance(raw, list):
        raise FixtureError('%s: certificates: must be a list' % source)
    instance_ids = set(inst['InstanceId'] for _account, inst in instances)
    ca_identifiers = dict((inst['Identifier'], inst['InstanceId']) for _account, inst in instances if 'Identifier' in inst)
    certificates = {}
    for index, entry in enumerate(raw):
        where = '%s: certificates[%d]' % (source, index)
        certificate = _validate_certificate(entry, where, now_ms, instance_ids)
        identifier = certificate['Identifier']
        if identifier in certificates:
            raise FixtureError('%s: duplicate Identifier %r' % (where, identifier))
        if identifier in ca_identifiers:
            raise FixtureError('%s: Identifier %r is already the CA certificate identifier of instance %r'
                               % (where, identifier, ca_identifiers[identifier]))
        certificates[identifier] = certificate
    return certificates


def validate_document(data, source, now_ms, extra_keys=()):
    """Validate a parsed fixtures document and return Fixtures."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise FixtureError('%s: the top level must be a mapping with access_keys and instances (got %s)' % (source, type(data).__name__))
    unknown = sorted(str(k) for k in data if k not in TOP_LEVEL_KEYS)
    if unknown:
        raise FixtureError('%s: unknown top-level key %r (allowed: %s)' % (source, unknown[0], ', '.join(TOP_LEVEL_KEYS)))
    default_account = DEFAULT_ACCOUNT_ID
    if data.get('default_account') is not None:
        default_account = _account_value(data['default_account'], '%s: default_account' % source)
    keys = {}
    raw_keys = data.get('access_keys') or []
    if not isinstance(raw_keys, list):
        raise FixtureError('%s: access_keys: must be a list' % source)
    for index, entry in enumerate(raw_keys):
        key = _validate_access_key(entry, '%s: access_keys[%d]' % (source, index), default_account)
        if key.id in keys:
            raise FixtureError('%s: access_keys[%d]: duplicate id %r' % (source, index, key.id))
        keys[key.id] = key
    for key_id, secret in extra_keys:
        if key_id in keys:
            raise FixtureError('--access-key %s: duplicate id (already in %s)' % (key_id, source))
        keys[key_id] = AccessKey(key_id, secret, default_account=default_account)
    raw_instances = data.get('instances') or []
    if not isinstance(raw_instances, list):
        raise FixtureError('%s: instances: must be a list' % source)
    instances = []
    seen_ids = set()
    seen_identifiers = set()
    for index, entry in enumerate(raw_instances):
        where = '%s: instances[%d]' % (source, index)
        account, instance = _validate_instance(entry, where, now_ms, default_account)
        if instance['InstanceId'] in seen_ids:
            raise FixtureError('%s: duplicate InstanceId %r' % (where, instance['InstanceId']))
        seen_ids.add(instance['InstanceId'])
        identifier = instance.get('Identifier')
        if identifier is not None:
            if (account, identifier) in seen_identifiers:
                raise FixtureError('%s (InstanceId %r): duplicate Identifier %r' % (where, instance['InstanceId'], identifier))
            seen_identifiers.add((account, identifier))
        instances.append((account, instance))
    certificates = _validate_certificates(data.get('certificates') or [], source, now_ms, instances)
    roles, providers, metadata, sts = validate_sections(data, source, default_account)
    return Fixtures(source, default_account, keys, instances, roles, providers, metadata, sts, certificates)


def load_fixtures(path=None, now_ms=None, extra_keys=()):
    """Load and validate a fixtures file (default: the built-in one)."""
    path = path or DEFAULT_FIXTURES
    if now_ms is None:
        now_ms = int(time.time() * 1000)
    return validate_document(_read_document(path), path, now_ms, extra_keys)
