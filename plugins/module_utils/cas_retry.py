# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one retry policy: which failures are worth another attempt, and how long to wait.

Retried: ``Throttling*`` codes, ``ServiceUnavailable``, ``InternalError``, HTTP
429/500/502/503/504, connection errors and timeouts. Never retried: signature,
credential, permission and parameter errors, TLS verification failures, and a
malformed 200 answer (asking again would give the same). Waits grow
exponentially with "equal jitter" (half fixed, half random) so that many
workers throttled at once do not retry in lockstep; an ``x-acs-retry-after``
header (milliseconds) from the service wins.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_errors import (
    CasApiError, CasResponseError, CasTransportError)

RETRYABLE_STATUS = (429, 500, 502, 503, 504)
RETRYABLE_CODES = ('ServiceUnavailable', 'InternalError', 'UnknownError')
NEVER_RETRY_PREFIXES = ('SignatureDoesNotMatch', 'IncompleteSignature', 'InvalidAccessKeyId', 'InvalidTimeStamp',
                        'SignatureNonceUsed', 'InvalidSecurityToken', 'MissingSecurityToken', 'Forbidden',
                        'NoPermission', 'Missing', 'Invalid')


def is_throttling(error):
    code = getattr(error, 'code', None) or ''
    return code.startswith('Throttling') or getattr(error, 'http_status', None) == 429


def is_retryable(error):
    """True if another attempt may succeed."""
    if isinstance(error, CasTransportError):
        return bool(getattr(error, 'retryable', True))
    if isinstance(error, CasApiError):
        code = error.code or ''
        if is_throttling(error) or code in RETRYABLE_CODES:
            return True
        if code.startswith(NEVER_RETRY_PREFIXES):
            return False
        return error.http_status in RETRYABLE_STATUS
    if isinstance(error, CasResponseError):
        # An HTML error page from a proxy (502/503/504) is transient; a bad 200 body is not.
        return error.http_status in RETRYABLE_STATUS
    return False


class RetryPolicy:
    """``retries`` attempts after the first, with jittered exponential backoff."""

    def __init__(self, retries, base_delay=0.25, throttle_delay=1.0, max_delay=20.0, rand=None):
        self.retries = retries
        self.base_delay = base_delay
        self.throttle_delay = throttle_delay
        self.max_delay = max_delay
        self._rand = rand

    def delay(self, attempt, error):
        """Seconds to wait before attempt number ``attempt + 1`` (``attempt`` counts from 0)."""
        retry_after_ms = getattr(error, 'retry_after_ms', None)
        if retry_after_ms:
            return min(self.max_delay, retry_after_ms / 1000.0)
        base = self.throttle_delay if is_throttling(error) else self.base_delay
        if self._rand is None:
            import random  # only when a retry happens
            self._rand = random.random
        ceiling = min(self.max_delay, base * (2 ** attempt))
        return ceiling / 2.0 + self._rand() * ceiling / 2.0

    def should_retry(self, attempt, error):
        return attempt < self.retries and is_retryable(error)

    def worst_case_seconds(self, timeout):
        """Upper bound of one call's duration: every attempt times out and every wait is the longest."""
        waits = sum(min(self.max_delay, max(self.base_delay, self.throttle_delay) * (2 ** n)) for n in range(self.retries))
        return (self.retries + 1) * timeout + waits
