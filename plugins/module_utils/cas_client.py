# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shared CAS client: sign, send, retry, parse, and report errors.

No Ansible objects in here: modules, plugins and unit tests all use it through
:class:`CasClient`, :func:`build_client` and :func:`fetch_status`.

What a worker answered from the result cache needs is imported at the top; sending (signing, retries,
``requests``, the rate limiter) is loaded only when a call is made, because Ansible compiles collection
code from source in every forked worker.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import time

from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_constants import ACTION
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_credential_chain import resolve_provider
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_errors import (
    CasApiError, CasConfigError, CasError, CasNotFoundError, CasResponseError)
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_facts import instances_from_response

MAX_WORKERS = 8
NOT_FOUND_KEY = '_not_found'


def _is_instance_not_found(error):
    code = error.code or ''
    return isinstance(error, CasApiError) and 'Instance' in code and ('NotFound' in code or code.startswith('Invalid'))


class CasClient:
    """Calls one CAS action with retries. Credentials are resolved on first use.

    ``shared_dir`` is the per-user directory the workers share (:mod:`cas_files`): the rate limiters live
    there; without it, calls are not paced (the retry policy still handles throttling).
    """

    def __init__(self, config, transport=None, sleep=time.sleep, clock=time.time, policy=None, cache=None,
                 monotonic=time.monotonic, shared_dir=None):
        self.config = config
        self.cache = cache
        self.shared_dir = shared_dir
        self.sleep = sleep
        self.clock = clock
        self.monotonic = monotonic
        self._policy = policy
        self._provider = None
        self._transports = {}
        if transport is not None:
            self._transports[config.base_url] = transport
        self._limiters = {}
        self.attempts = 0
        self.warnings = []
        if not config.validate_certs:
            self.warnings.append('validate_certs is false: the TLS certificate of %s is not checked, so anyone on the '
                                 'network path can impersonate it. Use ca_bundle instead.' % config.host)

    @property
    def policy(self):
        if self._policy is None:
            from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_retry import RetryPolicy
            self._policy = RetryPolicy(self.config.retries)
        return self._policy

    @property
    def provider(self):
        """Where the credentials come from (resolved from options, environment and files; no network)."""
        if self._provider is None:
            cfg = self.config
            self._provider = resolve_provider(cfg.credential_settings(), environ=cfg.environ, home=cfg.home)
        return self._provider

    @property
    def credentials(self):
        """The credentials to sign with; temporary ones are fetched (STS, metadata) when missing or near expiry."""
        return self.provider.get(self)

    @property
    def identity(self):
        """Who calls, for the rate limiter and the cache: the AccessKeyId, or the role; never a secret."""
        return self.provider.identity

    @property
    def transport(self):
        """The transport to the CAS endpoint."""
        return self.transport_for(self.config.base_url)

    def transport_for(self, base_url, timeout=None, verify=None, proxy=True):
        """The transport to ``base_url`` (CAS, STS or the metadata service), built once; ``requests`` loads here.

        ``proxy``: whether the environment's proxy settings apply (never to the link-local metadata service).
        """
        transport = self._transports.get(base_url)
        if transport is None:
            from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_transport import HttpTransport
            transport = self._transports[base_url] = HttpTransport(
                verify=self.config.verify if verify is None else verify,
                timeout=self.config.timeout if timeout is None else timeout, base_url=base_url if proxy else None)
        return transport

    @property
    def limiter(self):
        """The rate limiter of this client's caller identity, or None."""
        return self.limiter_for(self.identity)

    def limiter_for(self, identity):
        """The rate limiter of ``identity`` (this caller, or the base identity of an STS call), or None."""
        if self.shared_dir is None:
            return None
        limiter = self._limiters.get(identity)
        if limiter is None:
            from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_rate_limit import RateLimiter
            limiter = self._limiters[identity] = RateLimiter(self.shared_dir, identity, self.config.rate_limit,
                                                             max_flight=self.config.timeout + 1.0, warn=self.warn)
        return limiter

    def secrets(self):
        return self._provider.secrets() if self._provider else ()

    def warn(self, message):
        """Note a warning for the module or plugin to show (once)."""
        if message not in self.warnings:
            self.warnings.append(message)

    def _wire(self):
        from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_wire import Wire
        return Wire(self)

    def call(self, action, params, deadline=None):
        """One CAS API call with retries, ended by ``deadline`` (``monotonic()``); the parsed JSON body (a dict)."""
        return self._wire().call(action, params, deadline)

    def sts_call(self, sts, action, params, credentials=None, identity=None):
        """One STS call (2015-04-01), signed with ``credentials`` or unsigned (AssumeRoleWithOIDC), paced."""
        return self._wire().sts_call(sts, action, params, credentials, identity)

    def metadata(self, endpoint, environ, retries=1):
        """The ECS metadata service at ``endpoint`` (1-second timeouts, no proxy)."""
        return self._wire().metadata(endpoint, environ, retries)

    def time_bound(self):
        """The most seconds one call may take: every attempt times out and every wait is the longest."""
        return self.policy.worst_case_seconds(self.config.timeout)

    def get_ca_instance_status(self, instance_id=None, identifier=None):
        """Return ``(facts list, request_id)`` for one GetCAInstanceStatus call, within :meth:`time_bound`.

        With the result cache, a worker that waits for another worker's call for the same answer waits only
        as long as leaves it one attempt of its own within the bound.
        """
        params = {}
        if instance_id is not None:
            params['InstanceId'] = instance_id
        if identifier is not None:
            params['Identifier'] = identifier
        if self.cache is None:
            answer = self._answer(self.call(ACTION, params, self.monotonic() + self.time_bound()))
        else:
            started = self.monotonic()

            def deadline():  # needed on a miss only: a hit never loads the retry code
                return started + self.time_bound()
            key = self.cache.key(self.config.base_url, self.identity, ACTION, params, self.provider.fingerprint())
            answer = self.cache.single_flight(
                key, lambda: self._call_remembering_not_found(params, deadline()),
                wait=lambda: max(0.0, deadline() - self.config.timeout - self.monotonic()), use=self._answer)
        if isinstance(answer, CasError):
            raise answer
        return answer

    def _answer(self, data):
        """``(facts, request_id)`` for an answer, or the remembered "not found" error (returned, not raised).

        Raises CasResponseError for an answer of the wrong shape (a damaged cache entry counts as absent).
        """
        if NOT_FOUND_KEY in data:
            stored = data[NOT_FOUND_KEY]
            fields = ('code', 'message', 'request_id')
            if not isinstance(stored, dict) or not all(isinstance(stored.get(k), (str, type(None))) for k in fields) \
                    or not isinstance(stored.get('http_status'), (int, type(None))):
                raise CasResponseError('A remembered "not found" answer is damaged')
            return CasApiError(stored.get('message'), code=stored.get('code'), request_id=stored.get('request_id'),
                               http_status=stored.get('http_status'))
        return instances_from_response(data, int(self.clock() * 1000)), data.get('RequestId')

    def _call_remembering_not_found(self, params, deadline):
        """The answer to cache: the body, or the (redacted) "instance not found" error."""
        try:
            return self.call(ACTION, params, deadline)
        except CasApiError as error:
            if not _is_instance_not_found(error):
                raise
            return {NOT_FOUND_KEY: dict(code=error.code, message=error.message, request_id=error.request_id,
                                        http_status=error.http_status)}

    def close(self):
        for transport in self._transports.values():
            if hasattr(transport, 'close'):
                transport.close()


def build_client(config, environ=None):
    """A client wired to the shared result cache and rate limiter (what modules and plugins use)."""
    from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_cache import ResultCache
    from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_files import shared_directory
    directory, problem = shared_directory(environ)
    client = CasClient(config, shared_dir=directory)
    if directory and config.cache_ttl > 0:
        client.cache = ResultCache(directory, config.cache_ttl, warn=client.warn)
    if problem:
        client.warn('The result cache and rate limiter are off because %s.' % problem)
    return client


class StatusResult:
    """What :func:`fetch_status` found: facts in request order, what the service does not know, request IDs."""

    def __init__(self):
        self.instances = []
        self.missing = []             # instance IDs the service does not know
        self.missing_identifiers = []  # certificates the service knows no issuer for
        self.foreign_issuers = {}     # certificate -> its issuer, when that issuer is not among the instance IDs
        self.issuers = {}             # certificate -> the facts of the instance that issued it
        self.request_ids = []

    @property
    def request_id(self):
        return self.request_ids[-1] if self.request_ids else None

    @property
    def complete(self):
        """True when every instance ID and certificate asked for was found."""
        return not (self.missing or self.missing_identifiers or self.foreign_issuers)


def validate_instance_id(value, option='instance_id'):
    """An instance ID as the API expects it, or a CasConfigError naming the option."""
    return _validate_name(value, option, 'an instance ID', 'cas-member-abc123')


def validate_identifier(value, option='identifier'):
    """A certificate identifier as the API expects it, or a CasConfigError naming the option."""
    return _validate_name(value, option, 'a certificate identifier', 'c3e26e7943362eb8ae7cfff3bdf086cd (the '
                          'identifier of a client or server certificate)')


def _validate_name(value, option, noun, example):
    if not isinstance(value, str):
        raise CasConfigError('%s must be a string such as %s, got %r.' % (option, example, value), option=option)
    text = value.strip()
    if not text:
        raise CasConfigError('%s is empty: give %s such as %s.' % (option, noun, example), option=option)
    if len(text) > 128 or not all(c.isalnum() and c.isascii() or c in '-_.' for c in text):
        raise CasConfigError('%s %r is not %s: give one such as %s (letters, digits, "-", "_" and ".", at most 128 '
                             'characters).' % (option, value[:140], noun, example), option=option)
    return text


def unique(values):
    """``values`` without repeats, in their first order."""
    seen, kept = set(), []
    for value in values or ():
        if value not in seen:
            seen.add(value)
            kept.append(value)
    return kept


def fetch_status(client, instance_ids=None, identifiers=None):
    """Fetch what ``instance_ids`` and ``identifiers`` select: one call per distinct ID or certificate, concurrently.

    ``identifiers`` are client or server certificates: the answer for each is the instance that issued it. With
    both, the instance IDs select among the issuers (the API's ``InstanceId`` and ``Identifier`` together both
    match): a certificate issued by another instance is reported in ``foreign_issuers``. With neither, every
    instance of the account. Each instance's facts list the certificates asked for that it issued
    (``certificate_identifiers``).
    """
    ids, certificates = unique(instance_ids), unique(identifiers)
    result = StatusResult()
    if not ids and not certificates:
        facts, request_id = client.get_ca_instance_status()
        for item in facts:
            item['certificate_identifiers'] = []
        result.instances.extend(facts)
        result.request_ids.append(request_id)
        return result
    jobs = [(None, c) for c in certificates] if certificates else [(i, None) for i in ids]
    client.provider  # pylint: disable=pointless-statement  # resolve once, before any thread starts
    if len(jobs) == 1:
        outcomes = [_fetch_one(client, *jobs[0])]
    else:
        from concurrent.futures import ThreadPoolExecutor
        with ThreadPoolExecutor(max_workers=min(MAX_WORKERS, len(jobs))) as pool:
            outcomes = list(pool.map(lambda job: _fetch_one(client, *job), jobs))
    by_id = {}
    for (instance_id, certificate), (facts, request_id) in zip(jobs, outcomes):
        if request_id:
            result.request_ids.append(request_id)
        if not facts:
            (result.missing if certificate is None else result.missing_identifiers).append(instance_id or certificate)
            continue
        item = facts[0]
        if certificate is not None and ids and item['instance_id'] not in ids:
            result.foreign_issuers[certificate] = item['instance_id']
            continue
        item = by_id.setdefault(item['instance_id'], item)
        if item is facts[0]:
            item['certificate_identifiers'] = []
            result.instances.append(item)
        if certificate is not None:
            item['certificate_identifiers'].append(certificate)
            result.issuers[certificate] = item
    return result


def _fetch_one(client, instance_id, certificate):
    """``(facts, request_id)`` for one ID or one certificate; ``([], request_id)`` if the service does not know it."""
    try:
        facts, request_id = client.get_ca_instance_status(instance_id, certificate)
    except CasApiError as error:
        if instance_id is not None and _is_instance_not_found(error):
            return [], error.request_id
        raise
    asked = instance_id or certificate
    strangers = sorted(set(f['instance_id'] for f in facts) - {instance_id}) if instance_id else []
    if strangers:
        raise CasResponseError('Asked about instance %s, the service answered about %s: the answer is '
                               'inconsistent, so no decision can be based on it'
                               % (instance_id, ', '.join(strangers[:3])), request_id=request_id)
    if certificate is not None and len(facts) > 1:
        raise CasResponseError('Asked for the issuer of certificate %s, the service answered with %d instances (%s): a '
                               'certificate has one issuer, so the answer is inconsistent'
                               % (asked, len(facts), ', '.join(f['instance_id'] for f in facts[:3])),
                               request_id=request_id)
    return facts, request_id


def not_found_error(result, instance_ids=()):
    """The error for what ``result`` (a StatusResult) did not find: instance IDs, certificates, foreign issuers."""
    parts = []
    if result.missing:
        parts.append('CA instance%s not found: %s. Check instance_id (the IDs look like cas-member-...) and that the '
                     'AccessKey belongs to the account that owns %s'
                     % ('s' if len(result.missing) > 1 else '', ', '.join(result.missing),
                        'them' if len(result.missing) > 1 else 'it'))
    if result.missing_identifiers:
        parts.append('No CA instance of the account issued certificate%s %s. Check identifier (the identifier of a '
                     'client or server certificate, as ListClientCertificate lists them) and that the AccessKey '
                     'belongs to the account that owns %s'
                     % ('s' if len(result.missing_identifiers) > 1 else '', ', '.join(result.missing_identifiers),
                        'them' if len(result.missing_identifiers) > 1 else 'it'))
    for certificate, issuer in sorted(result.foreign_issuers.items()):
        parts.append('Certificate %s was issued by %s, which is not among instance_id (%s)'
                     % (certificate, issuer, ', '.join(unique(instance_ids))))
    missing = result.missing or result.missing_identifiers or sorted(result.foreign_issuers)
    return CasNotFoundError('. '.join(parts), instance_id=missing[0] if missing else None)
