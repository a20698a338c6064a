# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Temporary credentials: a RAM role (STS AssumeRole), OIDC/RRSA (AssumeRoleWithOIDC), an ECS instance role.

Each provider answers three questions without any network call: ``source``
(for messages), ``identity`` (for the rate limiter and the result cache: who
calls, never a secret) and ``fingerprint()`` (a one-way digest, so that other
base credentials never share cached answers). Only :meth:`get` fetches, through
the client (``client.sts_call`` / ``client.metadata``), and only when the cached
credentials are missing or close to expiry.

Temporary credentials are kept in memory for the process. With
``cache_credentials: true`` they are also written to the per-user cache
directory (0600, file named by a hash), so that all workers of a run share
them; otherwise no secret ever reaches a file.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import hashlib
import hmac
import json
import os
import re
import threading
import time

from ansible_collections.seed.alicloud_cas.plugins.module_utils import cas_files
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_constants import (
    MAX_ROLE_DURATION, MIN_ROLE_DURATION, REGION_ID)
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_credentials import (
    ROLE_DURATION_ENV, ROLE_SESSION_NAME_ENV, Credentials, parse_expiration)
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_ecs_metadata import metadata_endpoint
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_env import clean, first_set, printable_ascii, truthy
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_errors import CasConfigError, CasCredentialError, CasError
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_options import parse_endpoint

STS_ENDPOINT_ENV = 'ALIBABA_CLOUD_STS_ENDPOINT'
STS_REGION_ENV = 'ALIBABA_CLOUD_STS_REGION'
STS_VPC_ENV = 'ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED'
CACHE_CREDENTIALS_ENV = 'ALICLOUD_CAS_CACHE_CREDENTIALS'
DEFAULT_DURATION = 3600
REFRESH_MARGIN = 900  # seconds before expiry, as the official library (less for short sessions)
FAILURE_MEMORY = 5.0  # seconds for which a failed fetch answers the other threads of the process
_ROLE_ARN = re.compile(r'^acs:ram::\d*:role/[A-Za-z0-9._@/+=,-]+$', re.IGNORECASE)
_SESSION_NAME = re.compile(r'^[A-Za-z0-9._@-]{2,64}$')

_STS_HINTS = {
    'NoPermission': 'The AccessKey may not assume this role: grant it sts:AssumeRole and check the trust policy of '
                    'the role (which principals may assume it).',
    'EntityNotExist.Role': 'The role does not exist: check role_arn.',
    'AuthenticationFail.NoPermission': 'STS does not know this OIDC provider, or the role does not trust it: check '
                                       'oidc_provider_arn and the trust policy of the role.',
    'AuthenticationFail.OIDCToken': 'The OIDC token was refused (expired, or not issued for this provider): check '
                                    'oidc_token_file and that the token is refreshed.',
    'InvalidParameter.DurationSeconds': 'role_duration is out of range for this role (900 up to the role\'s maximum '
                                        'session duration).',
    'InvalidParameter.RoleSessionName': 'role_session_name must be 2 to 64 letters, digits, ".", "@", "-" or "_".',
}


def _sts_hint(code):
    for prefix, hint in _STS_HINTS.items():
        if code and (code == prefix or code.startswith(prefix + '.')):
            return hint
    return None


def _digest(key, text):
    return hmac.new(key if isinstance(key, bytes) else key.encode('utf-8'), text.encode('utf-8'),
                    hashlib.sha256).hexdigest()[:32]


def refresh_at(expiration, now):
    """When to fetch new credentials: 15 minutes before expiry, or a quarter of a shorter lifetime."""
    return expiration - min(REFRESH_MARGIN, max(0.0, (expiration - now) / 4.0))


class StsEndpoint:
    """Where STS calls go: ``sts_endpoint``, else a regional (or VPC) host, else sts.aliyuncs.com."""

    def __init__(self, base_url, host):
        self.base_url = base_url
        self.host = host

    @classmethod
    def from_settings(cls, settings, environ, region=None, vpc=None):
        explicit = clean(settings.get('sts_endpoint') or environ.get(STS_ENDPOINT_ENV))
        if explicit:
            base_url, host = parse_endpoint(explicit, option='sts_endpoint')
            return cls(base_url, host)
        region = region or clean(environ.get(STS_REGION_ENV))
        vpc = truthy(environ.get(STS_VPC_ENV)) if vpc is None else vpc
        if region and not REGION_ID.match(region):
            raise CasConfigError('STS region %r is not a region ID such as cn-hangzhou.' % region, option='sts_endpoint')
        host = ('sts-vpc.%s.aliyuncs.com' if vpc else 'sts.%s.aliyuncs.com') % region if region else 'sts.aliyuncs.com'
        return cls('https://' + host, host)


class CredentialStore:
    """Temporary credentials by key: in memory for the process; on disk (0600) only if allowed."""

    _memory = {}
    _guard = threading.Lock()

    def __init__(self, directory=None):
        self.directory = directory  # None: memory only

    @classmethod
    def from_settings(cls, settings, environ):
        persist = settings.get('cache_credentials')
        if persist is None:
            persist = truthy(environ.get(CACHE_CREDENTIALS_ENV))
        if not persist:
            return cls()
        directory, _problem = cas_files.shared_directory(environ)
        return cls(directory)  # None (no safe directory): they stay in memory only

    @staticmethod
    def key(identity, fingerprint):
        return cas_files.digest('credentials', 1, identity, fingerprint)

    def _path(self, key, suffix):
        return os.path.join(self.directory, 'cred-%s.%s' % (key, suffix))

    def _load_file(self, key, now):
        entry = cas_files.load_json(cas_files.read_private(self._path(key, 'json')))
        try:
            refresh, expiration = float(entry['refresh_at']), float(entry['expiration'])
            fields = [entry[k] for k in ('access_key_id', 'access_key_secret')]
            token, source = entry.get('security_token'), entry.get('source')
        except (KeyError, TypeError, ValueError, OverflowError):
            return None  # torn, foreign or damaged (a number too large for a float among them): fetch anew
        if not (now < refresh <= expiration < now + 86400 * 2) or not all(printable_ascii(f) and f for f in fields) \
                or not (token is None or printable_ascii(token)) or not isinstance(source, (str, type(None))):
            return None  # NaN, a time far ahead, a wrong shape or text no header can carry: never trusted
        return Credentials(fields[0], fields[1], token, source, expiration), refresh

    def fetch(self, key, produce, clock=time.time):
        """``(credentials, refresh_at)`` still fresh, else from ``produce()`` (single flight across workers)."""
        with self._guard:
            entry = self._memory.get(key)
        if entry and clock() < entry[1]:
            return entry
        if self.directory is None:
            entry = produce()
        else:
            entry = self._shared(key, produce, clock)
        with self._guard:
            self._memory[key] = entry
        return entry

    def _shared(self, key, produce, clock):
        """The credentials of the file, else from ``produce()`` and written for the other workers (single flight).

        A path that cannot be used (a symlink, a directory, a read-only directory) only costs the sharing.
        """
        lock = cas_files.FileLock(self._path(key, 'lock'))
        try:
            try:
                lock.acquire(30.0)
            except OSError:
                return produce()
            entry = self._load_file(key, clock())
            if entry is None:
                entry = produce()
                creds, when = entry
                data = dict(access_key_id=creds.access_key_id, access_key_secret=creds.access_key_secret,
                            security_token=creds.security_token, source=creds.source,
                            expiration=creds.expiration, refresh_at=when)
                try:
                    cas_files.write_private(self._path(key, 'json'), json.dumps(data).encode('utf-8'))
                except OSError:
                    pass
            return entry
        finally:
            lock.release()

    def forget(self, key):
        with self._guard:
            self._memory.pop(key, None)
        if self.directory is not None:
            cas_files.remove(self._path(key, 'json'))


class TemporaryProvider:
    """Fetches credentials that expire, and reuses them until shortly before they do."""

    temporary = True

    def __init__(self, source, store=None, clock=time.time):
        self.source = source
        self.store = store or CredentialStore()
        self._clock = clock
        self._lock = threading.Lock()
        self._current = None
        self._failure = None
        self._secrets = []

    def _key(self):
        return self.store.key(self.identity, self.fingerprint())

    def get(self, client):
        with self._lock:
            if self._current is None or self._clock() >= self._current[1]:
                if self._failure is not None and self._clock() - self._failure[1] < FAILURE_MEMORY:
                    # Threads of this process waiting for the same fetch get its error, not a call of their own.
                    raise self._failure[0]
                try:
                    self._current = self.store.fetch(self._key(), lambda: self._fetch_fresh(client), self._clock)
                except CasError as error:
                    self._failure = (error, self._clock())
                    raise
                self._failure = None
                creds = self._current[0]
                self._secrets.extend(s for s in creds.secrets() if s not in self._secrets)
            return self._current[0]

    def _fetch_fresh(self, client):
        creds = self.fetch(client)
        if creds.expiration is None:
            raise CasCredentialError('%s answered credentials without a valid Expiration.' % self.source)
        return creds, refresh_at(creds.expiration, self._clock())

    def invalidate(self):
        """Drop the current credentials (the service said they expired); True if a refresh may help."""
        with self._lock:
            self._current = None
        self.store.forget(self._key())
        return True

    def secrets(self):
        return tuple(self._secrets) + tuple(self.base_secrets())

    def base_secrets(self):
        return ()

    def fetch(self, client):  # pragma: no cover - abstract
        raise NotImplementedError

    def _credentials_from_sts(self, data, request_id_hint=None):
        block = data.get('Credentials') if isinstance(data, dict) else None
        fields = ('AccessKeyId', 'AccessKeySecret', 'SecurityToken', 'Expiration')
        if not isinstance(block, dict) or not all(isinstance(block.get(f), str) and block.get(f) for f in fields):
            raise CasCredentialError('%s: the STS answer lacks Credentials (AccessKeyId, AccessKeySecret, '
                                     'SecurityToken, Expiration).' % self.source,
                                     request_id=data.get('RequestId') if isinstance(data, dict) else None)
        request_id = data.get('RequestId') if isinstance(data.get('RequestId'), str) else None
        garbled = [f for f in fields[:3] if not printable_ascii(block[f])]
        if garbled:
            # Never the values themselves: they are credentials.
            raise CasCredentialError('%s: the STS answer holds characters other than printable ASCII in %s (a garbled '
                                     'answer): retry, and check sts_endpoint and any proxy in between if it persists.'
                                     % (self.source, ', '.join(garbled)), request_id=request_id)
        expiration = parse_expiration(block['Expiration'])
        if expiration is None:
            raise CasCredentialError('%s: the STS answer has an unreadable Expiration.' % self.source)
        return Credentials(block['AccessKeyId'], block['AccessKeySecret'], block['SecurityToken'], self.source, expiration)

    def _wrap(self, what, error):
        """A CasCredentialError that names this source, from a CasError of the STS or metadata call."""
        wrapped = CasCredentialError('%s failed: %s' % (what, error.message.rstrip('.')), code=error.code,
                                     request_id=error.request_id, http_status=error.http_status,
                                     hint=_sts_hint(error.code) or error.hint)
        wrapped.source = self.source
        return wrapped


def _validated_role(role_arn, session_name, duration, option_prefix='role'):
    if not _ROLE_ARN.match(role_arn or ''):
        raise CasConfigError('role_arn %r is not a RAM role ARN such as acs:ram::1234567890123456:role/cas-reader.'
                             % (role_arn,), option='role_arn')
    session_name = session_name or 'seed-alicloud-cas-%d' % int(time.time())
    if not _SESSION_NAME.match(session_name):
        raise CasConfigError('role_session_name %r must be 2 to 64 characters: letters, digits, ".", "@", "-" or "_".'
                             % (session_name,), option='role_session_name')
    if duration in (None, ''):
        duration = DEFAULT_DURATION
    try:
        duration = int(duration)
    except (TypeError, ValueError, OverflowError):  # OverflowError: infinity (1e999 in a JSON file)
        duration = None
    if duration is None or not MIN_ROLE_DURATION <= duration <= MAX_ROLE_DURATION:
        raise CasConfigError('role_duration must be a number of seconds between %d and %d.'
                             % (MIN_ROLE_DURATION, MAX_ROLE_DURATION), option='role_duration')
    return session_name, duration


class RamRoleArnProvider(TemporaryProvider):
    """STS AssumeRole, signed with the base provider's credentials (which may be temporary too)."""

    def __init__(self, base, role_arn, session_name=None, duration=None, policy=None, external_id=None, sts=None,
                 source=None, store=None, clock=time.time):
        super(RamRoleArnProvider, self).__init__(source or 'RAM role %s' % role_arn, store, clock)
        self.base = base
        self.role_arn = role_arn
        self.session_name, self.duration = _validated_role(role_arn, session_name, duration)
        self.policy = policy
        self.external_id = external_id
        self.sts = sts
        self.identity = 'RamRoleArn|%s|%s|%s|%s' % (role_arn, base.identity, external_id or '',
                                                    hashlib.sha256((policy or '').encode('utf-8')).hexdigest()[:16])

    def fingerprint(self):
        return _digest(self.base.fingerprint(), 'RamRoleArn|' + self.role_arn)

    def base_secrets(self):
        return self.base.secrets()

    def fetch(self, client):
        base = self.base.get(client)
        params = {'RoleArn': self.role_arn, 'RoleSessionName': self.session_name, 'DurationSeconds': str(self.duration)}
        if self.policy:
            params['Policy'] = self.policy
        if self.external_id:
            params['ExternalId'] = self.external_id
        try:
            data = client.sts_call(self.sts, 'AssumeRole', params, base, identity=self.base.identity)
        except CasError as error:
            raise self._wrap('Assuming RAM role %s with %s (STS AssumeRole at %s)' % (self.role_arn, self.base.source,
                                                                                      self.sts.host), error) from None
        return self._credentials_from_sts(data)


class OidcRoleProvider(TemporaryProvider):
    """RRSA: STS AssumeRoleWithOIDC with the token in ``token_file`` (unsigned, as the official library)."""

    def __init__(self, role_arn, provider_arn, token_file, session_name=None, duration=None, sts=None, source=None,
                 store=None, clock=time.time):
        super(OidcRoleProvider, self).__init__(source or 'OIDC role %s' % role_arn, store, clock)
        self.role_arn = role_arn
        self.provider_arn = provider_arn
        self.token_file = os.path.expanduser(token_file)
        self.session_name, self.duration = _validated_role(role_arn, session_name, duration)
        if not provider_arn.startswith('acs:ram::'):
            raise CasConfigError('oidc_provider_arn %r is not an OIDC provider ARN such as '
                                 'acs:ram::1234567890123456:oidc-provider/ack-rrsa-example.' % (provider_arn,),
                                 option='oidc_provider_arn')
        self.sts = sts
        self.identity = 'OIDC|%s|%s' % (role_arn, provider_arn)
        self._token = None

    def token(self):
        try:
            with open(self.token_file, 'rb') as handle:
                token = handle.read().decode('utf-8').strip()
        except (IOError, OSError) as exc:
            raise CasCredentialError('%s: the OIDC token file %s cannot be read (%s): check oidc_token_file (or '
                                     'ALIBABA_CLOUD_OIDC_TOKEN_FILE) and that the token is mounted.'
                                     % (self.source, self.token_file, exc.strerror or exc)) from None
        except UnicodeDecodeError:
            raise CasCredentialError('%s: the OIDC token file %s is not text.' % (self.source, self.token_file)) from None
        if not token:
            raise CasCredentialError('%s: the OIDC token file %s is empty.' % (self.source, self.token_file))
        self._token = token
        return token

    def fingerprint(self):
        return _digest(self.token(), 'OIDC|' + self.role_arn)

    def base_secrets(self):
        return (self._token,) if self._token else ()

    def fetch(self, client):
        params = {'RoleArn': self.role_arn, 'OIDCProviderArn': self.provider_arn, 'OIDCToken': self.token(),
                  'RoleSessionName': self.session_name, 'DurationSeconds': str(self.duration)}
        try:
            data = client.sts_call(self.sts, 'AssumeRoleWithOIDC', params, None, identity=self.identity)
        except CasError as error:
            raise self._wrap('Assuming RAM role %s with the OIDC token of %s (STS AssumeRoleWithOIDC at %s)'
                             % (self.role_arn, self.provider_arn, self.sts.host), error) from None
        return self._credentials_from_sts(data)


class EcsRamRoleProvider(TemporaryProvider):
    """The instance role of the ECS instance this runs on, from the metadata service (token first)."""

    def __init__(self, role_name, environ, source=None, discovered=False, store=None, clock=time.time):
        super(EcsRamRoleProvider, self).__init__(source or 'ECS instance role %s' % (role_name or ''), store, clock)
        self.role_name = role_name
        self.environ = environ
        self.discovered = discovered
        self.looked = 'the options, the environment and the aliyun CLI configuration'
        self.endpoint = metadata_endpoint(environ)
        self.identity = 'EcsRamRole|%s|%s' % (role_name or '*', self.endpoint)

    def fingerprint(self):
        return ''

    def fetch(self, client):
        metadata = client.metadata(self.endpoint, self.environ, retries=0 if self.discovered else 1)
        try:
            return metadata.role_credentials(self.role_name, self.source)
        except CasError as error:
            if self.discovered:
                raise CasConfigError(
                    'No Alibaba Cloud credentials found. Looked at: %s; then the ECS instance metadata service at %s: '
                    '%s. Set credentials (see docs/credentials.md), or ALIBABA_CLOUD_ECS_METADATA_DISABLED=true to '
                    'skip the metadata service.' % (self.looked, self.endpoint, error.message.rstrip('.')),
                    option='access_key_id') from None
            raise self._wrap('Getting the credentials of ECS instance role %s from the metadata service at %s'
                             % (self.role_name, self.endpoint), error) from None


class RoleSources:
    """Builds the providers above for one resolution (a :class:`cas_credential_chain.Resolver`)."""

    def __init__(self, resolver):
        self.resolver = resolver

    def sts(self, region=None, vpc=None):
        return StsEndpoint.from_settings(self.resolver.settings, self.resolver.environ, region=region, vpc=vpc)

    def ram_role(self, base, role_arn, source, session_name=None, duration=None, policy=None, external_id=None,
                 sts=None):
        return RamRoleArnProvider(
            base, role_arn, session_name=session_name or self._session_name(),
            duration=duration if duration is not None else self._duration(), policy=policy, external_id=external_id,
            sts=sts or self.sts(), source=source, store=self.store())

    def oidc(self, role_arn, provider_arn, token_file, source, session_name=None, sts=None):
        return OidcRoleProvider(
            role_arn, provider_arn, token_file, session_name=session_name or self._session_name(),
            duration=self._duration(), sts=sts or self.sts(), source=source, store=self.store())

    def ecs(self, role_name, source, discovered=False):
        return EcsRamRoleProvider(role_name, self.resolver.environ, source=source, discovered=discovered,
                                  store=self.store())

    def store(self):
        return CredentialStore.from_settings(self.resolver.settings, self.resolver.environ)

    def _session_name(self):
        return self.resolver.opt('role_session_name') or first_set(self.resolver.environ, ROLE_SESSION_NAME_ENV)[0]

    def _duration(self):
        value = self.resolver.settings.get('role_duration')
        if value is None:
            value = first_set(self.resolver.environ, ROLE_DURATION_ENV)[0]
        return value
