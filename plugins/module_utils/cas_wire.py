# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What happens on the wire for :class:`~cas_client.CasClient`: sign, send, retry, parse, map errors.

Loaded by the client only when it sends (a worker answered from the result cache never does).
One retry loop serves CAS and STS calls; the ECS metadata service gets its own small transport.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_constants import (
    API_VERSION, EXPIRED_CODES, STS_VERSION, user_agent)
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_ecs_metadata import TIMEOUT, EcsMetadata
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_errors import (
    CasApiError, CasError, CasResponseError, hint_for, redact_tree)
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_signer import V3Signer, new_nonce, utc_timestamp

# The longest integer an answer may hold: epoch milliseconds have 13 digits. Longer ones (thousands of digits
# cost seconds to convert) are refused while parsing.
MAX_INT_DIGITS = 20
# The longest x-acs-retry-after (milliseconds) taken as a hint: 9 digits, some 11 days. A longer one, or one spelled
# with other than ASCII digits ('²' is a digit to str.isdigit, not to int), is ignored: the usual backoff applies.
MAX_RETRY_AFTER_DIGITS = 9


class _Refused(ValueError):
    """Valid JSON syntax that no answer of the API holds."""


def _bounded_int(text):
    if len(text.lstrip('-')) > MAX_INT_DIGITS:
        raise _Refused('a number of %d digits' % len(text))
    return int(text)


def _no_constant(name):
    raise _Refused('%s, which JSON does not allow' % name)


def _load_json(body, secrets):
    """``(data, None)`` with every string redacted; ``(None, why)`` for JSON no answer holds; ``(None, None)`` if
    ``body`` is not JSON at all."""
    try:
        text = body.decode('utf-8')
        data = json.loads(text, parse_int=_bounded_int, parse_constant=_no_constant)
    except _Refused as exc:
        return None, str(exc)
    except RecursionError:
        return None, 'nested too deeply'
    except (ValueError, UnicodeDecodeError):
        return None, None
    try:
        return redact_tree(data, secrets, text), None
    except ValueError as exc:  # nested deeper than any answer of the API
        return None, str(exc)


class Wire:
    """The sending half of one client; state (transports, attempts, limiter) stays on the client."""

    def __init__(self, client):
        self.client = client

    def call(self, action, params, deadline=None):
        """One CAS API call with retries, ended by ``deadline`` (monotonic); returns the parsed JSON body (a dict)."""
        client = self.client
        refreshed = False
        while True:
            creds = client.credentials
            signer = V3Signer(creds.access_key_id, creds.access_key_secret, creds.security_token)
            transport = client.transport  # built (requests imported) before taking a slot of the rate limit
            try:
                return self._send(lambda: signer.sign(client.config.host, action, API_VERSION, params),
                                  client.config.base_url, transport, action, client.limiter, deadline=deadline)
            except CasApiError as error:
                # Temporary credentials the service calls expired (clock drift, revoked early): fetch new ones once.
                if refreshed or not client.provider.temporary or not (error.code or '').startswith(EXPIRED_CODES) \
                        or not client.provider.invalidate():
                    raise
                refreshed = True

    def sts_call(self, sts, action, params, credentials=None, identity=None):
        """One STS call (2015-04-01): signed with ``credentials``, or unsigned (AssumeRoleWithOIDC).

        Paced by the shared rate limiter under ``identity`` (the caller's), like CAS calls: many
        workers that all need credentials at once must not be throttled by STS.
        """
        limiter = self.client.limiter_for('sts|%s' % identity) if identity else None
        transport = self.client.transport_for(sts.base_url)
        if credentials is not None:
            signer = V3Signer(credentials.access_key_id, credentials.access_key_secret, credentials.security_token)
            return self._send(lambda: signer.sign(sts.host, action, STS_VERSION, params), sts.base_url, transport,
                              action, limiter)

        encode = V3Signer.canonical_query_string
        # The parameters (the OIDC token among them) go in a form body, never in the URL that errors may quote.
        body = encode(params).encode('ascii')

        def unsigned():
            query = dict(Action=action, Version=STS_VERSION, Format='JSON', SignatureNonce=new_nonce(),
                         Timestamp=utc_timestamp())
            return encode(query), {'host': sts.host, 'x-acs-action': action, 'x-acs-version': STS_VERSION,
                                   'content-type': 'application/x-www-form-urlencoded'}
        return self._send(unsigned, sts.base_url, transport, action, limiter, body=body)

    def metadata(self, endpoint, environ, retries=1):
        """The ECS metadata service at ``endpoint``, through a transport with 1-second timeouts and no proxy."""
        transport = self.client.transport_for(endpoint, timeout=TIMEOUT, verify=True, proxy=False)
        return EcsMetadata(endpoint, transport, environ, retries=retries, sleep=self.client.sleep)

    def _send(self, sign, base_url, transport, action, limiter, body=b'', deadline=None):
        """Send ``sign()``'s request (fresh date and nonce per attempt) with the retry policy; the parsed body.

        Every attempt and every wait between attempts ends by ``deadline`` (``client.monotonic()``; by default
        the policy's worst case from now). Waiting for a slot of the rate limiter does not count against it:
        the limiter's waits are bounded by its own window.
        """
        client = self.client
        policy = client.policy
        if deadline is None:
            deadline = client.monotonic() + policy.worst_case_seconds(client.config.timeout)
        attempt = 0
        while True:
            slot = None
            if limiter is not None:
                started = client.monotonic()
                slot = limiter.acquire()
                deadline += client.monotonic() - started
            # A fresh date and nonce on every attempt: a replayed nonce is refused.
            query, headers = sign()
            headers['user-agent'] = user_agent()
            headers['accept'] = 'application/json'
            client.attempts += 1
            try:
                try:
                    response = transport.request('POST', '%s/?%s' % (base_url, query), headers, headers['host'], body,
                                                 deadline=deadline)
                finally:
                    if slot is not None:
                        limiter.release(slot)
                return self._parse(action, response)
            except CasError as error:
                error.redact(client.secrets())
                if not policy.should_retry(attempt, error):
                    if attempt:
                        error.message = '%s (gave up after %d attempts)' % (error.message.rstrip('.'), attempt + 1)
                    raise
                delay = policy.delay(attempt, error)
                if client.monotonic() + delay >= deadline:
                    error.message = '%s (gave up after %d attempts: the time bound of the call, timeout=%s seconds ' \
                        'per attempt and %d retries, is spent)' % (
                            error.message.rstrip('.'), attempt + 1, client.config.timeout, policy.retries)
                    raise
                client.sleep(delay)
                attempt += 1

    def _parse(self, action, response):
        request_id = response.headers.get('x-acs-request-id')
        status = response.status
        data, problem = _load_json(response.body, self.client.secrets())
        if data is None and problem is None:
            content_type = response.headers.get('content-type', '')
            if 'html' in content_type or response.body.lstrip()[:1] == b'<':
                raise CasResponseError('The endpoint answered with an HTML page instead of JSON, as a proxy or load '
                                       'balancer error page does: check endpoint and any proxy in between',
                                       http_status=status, request_id=request_id)
            raise CasResponseError('The answer to %s is not valid JSON (truncated or corrupted, %d bytes): retry, and '
                                   'check endpoint if it persists' % (action, len(response.body)),
                                   http_status=status, request_id=request_id)
        if data is None:
            raise CasResponseError('The answer to %s is JSON the API never sends (%s): the answer does not have the '
                                   'documented shape, check endpoint' % (action, problem),
                                   http_status=status, request_id=request_id)
        if not isinstance(data, dict):
            raise CasResponseError('The answer to %s is JSON but not an object: the answer does not have the '
                                   'documented shape' % action, http_status=status, request_id=request_id)
        request_id = data.get('RequestId') if isinstance(data.get('RequestId'), str) else request_id
        if status >= 400 or ('Code' in data and 'InstanceStatusList' not in data):
            raise self._api_error(action, data, status, request_id, response.headers)
        return data

    @staticmethod
    def _api_error(action, data, status, request_id, headers):
        """The error for an error body (already redacted by :meth:`_parse`)."""
        code = data.get('Code') if isinstance(data.get('Code'), str) else None
        message = data.get('Message') if isinstance(data.get('Message'), str) else ''
        recommend = data.get('Recommend') if isinstance(data.get('Recommend'), str) else None
        text = '%s failed with %s' % (action, code or 'HTTP %d' % status)
        if message:
            text = '%s: %s' % (text, message.rstrip('.'))
        error = CasApiError(text, code=code, request_id=request_id, http_status=status,
                            recommend=recommend, hint=hint_for(code))
        error.retry_after_ms = retry_after_ms(headers.get('x-acs-retry-after'))
        return error


def retry_after_ms(value):
    """The wait an ``x-acs-retry-after`` header asks for (milliseconds), or None to ignore a missing or odd one."""
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= MAX_RETRY_AFTER_DIGITS:
        return int(value)
    return None
