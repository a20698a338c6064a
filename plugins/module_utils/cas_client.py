# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shared CAS client: sign, send, retry, parse, and report errors.

No Ansible objects in here: modules, plugins and unit tests all use it through
:class:`CasClient` and :func:`fetch_status`.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import sys
import time

from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_credentials import resolve_provider
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_errors import (
    CasApiError, CasConfigError, CasError, CasNotFoundError, CasResponseError, hint_for, redact)
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_facts import instances_from_response

API_VERSION = '2020-06-30'
ACTION = 'GetCAInstanceStatus'
STS_VERSION = '2015-04-01'
# Codes with which the service refuses temporary credentials that it considers expired.
EXPIRED_CODES = ('InvalidSecurityToken.Expired', 'InvalidAccessKeyId.NotFound')
COLLECTION_VERSION = '1.0.0'


def user_agent():
    system = os.uname() if hasattr(os, 'uname') else None
    return 'AlibabaCloud (%s; %s) Python/%s seed.alicloud_cas/%s' % (
        system.sysname if system else sys.platform, system.machine if system else 'unknown',
        '.'.join(str(v) for v in sys.version_info[:3]), COLLECTION_VERSION)


MAX_WORKERS = 8
NOT_FOUND_KEY = '_not_found'


def _is_instance_not_found(error):
    code = error.code or ''
    return isinstance(error, CasApiError) and 'Instance' in code and ('NotFound' in code or code.startswith('Invalid'))


class CasClient:
    """Calls one CAS action with retries. Credentials are resolved on first use."""

    def __init__(self, config, transport=None, sleep=time.sleep, clock=time.time, policy=None, limiter=None, cache=None):
        self.config = config
        self.cache = cache
        self._transport = transport
        self._sleep = sleep
        self._clock = clock
        self._policy = policy
        self.limiter = limiter
        self._provider = None
        self._sts_transports = {}
        self.attempts = 0
        self.warnings = []
        if not config.validate_certs:
            self.warnings.append('validate_certs is false: the TLS certificate of %s is not checked, so anyone on the '
                                 'network path can impersonate it. Use ca_bundle instead.' % config.host)

    @property
    def policy(self):
        if self._policy is None:
            # Signing and retry code is loaded only when a call is made: Ansible compiles collection code from
            # source in every forked worker, and a worker answered from the cache needs neither.
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
        if self._transport is None:
            # Imported here so that answers served from the cache never import requests.
            from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_transport import RequestsTransport
            self._transport = RequestsTransport(verify=self.config.verify, timeout=self.config.timeout,
                                                base_url=self.config.base_url)
        return self._transport

    def secrets(self):
        return self._provider.secrets() if self._provider else ()

    def call(self, action, params):
        """One CAS API call with retries; returns the parsed JSON body (a dict)."""
        from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_signer import V3Signer
        refreshed = False
        while True:
            creds = self.credentials
            signer = V3Signer(creds.access_key_id, creds.access_key_secret, creds.security_token)
            transport = self.transport  # built (requests imported) before taking a slot of the rate limit
            try:
                return self._send(lambda: signer.sign(self.config.host, action, API_VERSION, params),
                                  self.config.base_url, transport, action, self.limiter)
            except CasApiError as error:
                # Temporary credentials the service calls expired (clock drift, revoked early): fetch new ones once.
                if refreshed or not self.provider.temporary or not (error.code or '').startswith(EXPIRED_CODES) \
                        or not self.provider.invalidate():
                    raise
                refreshed = True

    def limiter_for(self, identity):
        """A rate limiter for another caller identity (STS calls), in the same shared directory; None without one."""
        if self.limiter is None or not hasattr(self.limiter, 'path'):
            return None
        from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_cache import RateLimiter
        return RateLimiter(os.path.dirname(self.limiter.path), identity, self.config.rate_limit,
                           max_flight=self.config.timeout + 1.0)

    def sts_call(self, sts, action, params, credentials=None, identity=None):
        """One STS call (2015-04-01): signed with ``credentials``, or unsigned (AssumeRoleWithOIDC).

        Paced by the shared rate limiter under ``identity`` (the caller's), like CAS calls: many
        workers that all need credentials at once must not be throttled by STS.
        """
        limiter = self.limiter_for('sts|%s' % identity) if identity else None
        from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_signer import V3Signer, new_nonce, percent_encode
        transport = self._sts_transports.get(sts.base_url)
        if transport is None:
            from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_transport import RequestsTransport
            transport = RequestsTransport(verify=self.config.verify, timeout=self.config.timeout, base_url=sts.base_url)
            self._sts_transports[sts.base_url] = transport
        if credentials is not None:
            signer = V3Signer(credentials.access_key_id, credentials.access_key_secret, credentials.security_token)
            return self._send(lambda: signer.sign(sts.host, action, STS_VERSION, params), sts.base_url, transport,
                              action, limiter)

        def encode(pairs):
            return '&'.join('%s=%s' % (percent_encode(k), percent_encode(pairs[k])) for k in sorted(pairs))

        # The parameters (the OIDC token among them) go in a form body, never in the URL that errors may quote.
        body = encode(params).encode('ascii')

        def unsigned():
            query = dict(Action=action, Version=STS_VERSION, Format='JSON', SignatureNonce=new_nonce(),
                         Timestamp=time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()))
            return encode(query), {'host': sts.host, 'x-acs-action': action, 'x-acs-version': STS_VERSION,
                                   'content-type': 'application/x-www-form-urlencoded'}
        return self._send(unsigned, sts.base_url, transport, action, limiter, body=body)

    def metadata(self, endpoint, environ, retries=1):
        """The ECS metadata service at ``endpoint``, through a transport with 1-second timeouts and no proxy."""
        from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_ecs_metadata import TIMEOUT, EcsMetadata
        from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_transport import RequestsTransport
        transport = self._sts_transports.get(endpoint)
        if transport is None:
            transport = self._sts_transports[endpoint] = RequestsTransport(verify=True, timeout=TIMEOUT)
        return EcsMetadata(endpoint, transport, environ, retries=retries, sleep=self._sleep)

    def _send(self, sign, base_url, transport, action, limiter, body=b''):
        """Send ``sign()``'s request (fresh date and nonce per attempt) with the retry policy; the parsed body."""
        attempt = 0
        while True:
            slot = limiter.acquire() if limiter is not None else None
            # A fresh date and nonce on every attempt: a replayed nonce is refused.
            query, headers = sign()
            headers['user-agent'] = user_agent()
            headers['accept'] = 'application/json'
            self.attempts += 1
            try:
                try:
                    response = transport.request('POST', '%s/?%s' % (base_url, query), headers, headers['host'], body)
                finally:
                    if slot is not None:
                        limiter.release(slot)
                return self._parse(action, response)
            except CasError as error:
                if not self.policy.should_retry(attempt, error):
                    if attempt:
                        error.message = '%s (gave up after %d attempts)' % (error.message.rstrip('.'), attempt + 1)
                    raise
                self._sleep(self.policy.delay(attempt, error))
                attempt += 1

    def _parse(self, action, response):
        request_id = response.headers.get('x-acs-request-id')
        status = response.status
        try:
            data = json.loads(response.body.decode('utf-8'))
        except (ValueError, UnicodeDecodeError):
            content_type = response.headers.get('content-type', '')
            if 'html' in content_type or response.body.lstrip()[:1] == b'<':
                raise CasResponseError('The endpoint answered with an HTML page instead of JSON, as a proxy or load '
                                       'balancer error page does: check endpoint and any proxy in between',
                                       http_status=status, request_id=request_id) from None
            raise CasResponseError('The answer to %s is not valid JSON (truncated or corrupted, %d bytes): retry, and '
                                   'check endpoint if it persists' % (action, len(response.body)),
                                   http_status=status, request_id=request_id) from None
        if not isinstance(data, dict):
            raise CasResponseError('The answer to %s is JSON but not an object: the answer does not have the '
                                   'documented shape' % action, http_status=status, request_id=request_id)
        request_id = data.get('RequestId') if isinstance(data.get('RequestId'), str) else request_id
        if status >= 400 or ('Code' in data and 'InstanceStatusList' not in data):
            raise self._api_error(action, data, status, request_id, response.headers)
        return data

    def _api_error(self, action, data, status, request_id, headers):
        code = data.get('Code') if isinstance(data.get('Code'), str) else None
        message = redact(data.get('Message') if isinstance(data.get('Message'), str) else '', self.secrets())
        recommend = data.get('Recommend') if isinstance(data.get('Recommend'), str) else None
        text = '%s failed with %s' % (action, code or 'HTTP %d' % status)
        if message:
            text = '%s: %s' % (text, message.rstrip('.'))
        error = CasApiError(text, code=code, request_id=request_id, http_status=status,
                            recommend=redact(recommend, self.secrets()), hint=hint_for(code))
        retry_after = headers.get('x-acs-retry-after')
        error.retry_after_ms = int(retry_after) if retry_after and retry_after.isdigit() else None
        return error

    def get_ca_instance_status(self, instance_id=None, identifier=None):
        """Return ``(facts list, request_id)`` for one GetCAInstanceStatus call."""
        params = {}
        if instance_id is not None:
            params['InstanceId'] = instance_id
        if identifier is not None:
            params['Identifier'] = identifier
        if self.cache is None:
            data = self.call(ACTION, params)
        else:
            key = self.cache.key(self.config.base_url, self.identity, ACTION, params, self.provider.fingerprint())
            data = self.cache.single_flight(key, lambda: self._call_remembering_not_found(params),
                                            wait=self.policy.worst_case_seconds(self.config.timeout))
        if NOT_FOUND_KEY in data:
            stored = data[NOT_FOUND_KEY]
            raise CasApiError(stored.get('message'), code=stored.get('code'), request_id=stored.get('request_id'),
                              http_status=stored.get('http_status'))
        return instances_from_response(data, int(self._clock() * 1000)), data.get('RequestId')

    def _call_remembering_not_found(self, params):
        """The answer to cache: the body, or the (redacted) "instance not found" error."""
        try:
            return self.call(ACTION, params)
        except CasApiError as error:
            if not _is_instance_not_found(error):
                raise
            return {NOT_FOUND_KEY: dict(code=error.code, message=error.message, request_id=error.request_id,
                                        http_status=error.http_status)}

    def close(self):
        for transport in [self._transport] + list(self._sts_transports.values()):
            if transport is not None and hasattr(transport, 'close'):
                transport.close()


def build_client(config, environ=None):
    """A client wired to the shared result cache and rate limiter (what modules and lookups use)."""
    from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_cache import shared_cache_and_limiter
    client = CasClient(config)
    cache, limiter, warning = shared_cache_and_limiter(config, client.identity, environ)
    client.cache, client.limiter = cache, limiter
    if warning:
        client.warnings.append(warning)
    return client


class StatusResult:
    """What :func:`fetch_status` found: facts in request order, IDs not found, request IDs."""

    def __init__(self):
        self.instances = []
        self.missing = []
        self.request_ids = []

    @property
    def request_id(self):
        return self.request_ids[-1] if self.request_ids else None


def validate_instance_id(value, option='instance_id'):
    """An instance ID as the API expects it, or a CasConfigError naming the option."""
    if not isinstance(value, str):
        raise CasConfigError('%s must be a string such as cas-member-abc123, got %r.' % (option, value), option=option)
    text = value.strip()
    if not text:
        raise CasConfigError('%s is empty: give an instance ID such as cas-member-abc123.' % option, option=option)
    if len(text) > 128 or not all(c.isalnum() and c.isascii() or c in '-_.' for c in text):
        raise CasConfigError('%s %r is not an instance ID: IDs look like cas-member-abc123 (letters, digits, "-", "_" '
                             'and ".", at most 128 characters).' % (option, value[:140]), option=option)
    return text


def fetch_status(client, instance_ids=None, identifier=None, fetch_one=None):
    """Fetch several instances (concurrently, each ID once) and collect not-found IDs.

    ``fetch_one(instance_id, identifier)`` returns ``(facts, request_id)``; by
    default the client's own call, a cache can put itself in between.
    """
    fetch_one = fetch_one or client.get_ca_instance_status
    result = StatusResult()
    ids = []
    for instance_id in instance_ids or []:
        if instance_id not in ids:
            ids.append(instance_id)
    if not ids:
        facts, request_id = fetch_one(None, identifier)
        result.instances.extend(facts)
        result.request_ids.append(request_id)
        if identifier is not None and not facts:
            result.missing.append(identifier)
        return result

    def one(instance_id):
        try:
            facts, request_id = fetch_one(instance_id, identifier)
        except CasApiError as error:
            if _is_instance_not_found(error):
                return None, error
            raise
        facts = [f for f in facts if f.get('instance_id') == instance_id]
        return (facts, request_id), None

    client.provider  # pylint: disable=pointless-statement  # resolve once, before any thread starts
    if len(ids) == 1:
        outcomes = [one(ids[0])]
    else:
        from concurrent.futures import ThreadPoolExecutor
        with ThreadPoolExecutor(max_workers=min(MAX_WORKERS, len(ids))) as pool:
            outcomes = list(pool.map(one, ids))
    for instance_id, (found, error) in zip(ids, outcomes):
        if found is None or not found[0]:
            result.missing.append(instance_id)
            if error is not None and error.request_id:
                result.request_ids.append(error.request_id)
            continue
        result.instances.extend(found[0])
        result.request_ids.append(found[1])
    return result


def not_found_error(missing, identifier=None):
    """The error for instance IDs (or an identifier) the service does not know."""
    if identifier is not None and missing == [identifier]:
        return CasNotFoundError('No CA instance has identifier %s: check identifier' % identifier)
    return CasNotFoundError('CA instance%s not found: %s. Check instance_id (the IDs look like cas-member-...) and that '
                            'the AccessKey belongs to the account that owns %s'
                            % ('s' if len(missing) > 1 else '', ', '.join(missing), 'them' if len(missing) > 1 else 'it'),
                            instance_id=missing[0])
