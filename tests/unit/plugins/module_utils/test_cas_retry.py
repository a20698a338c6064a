# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The retry policy: which failures are retried, and how long to wait."""

import pytest

from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_errors import (
    CasApiError, CasResponseError, CasTransportError)
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_retry import RetryPolicy, is_retryable


@pytest.mark.parametrize('error, retry', [
    (CasApiError('x', code='Throttling.User', http_status=400), True),
    (CasApiError('x', code='Throttling', http_status=400), True),
    (CasApiError('x', code='ServiceUnavailable', http_status=503), True),
    (CasApiError('x', code='InternalError', http_status=500), True),
    (CasApiError('x', code=None, http_status=502), True),
    (CasApiError('x', code=None, http_status=429), True),
    (CasApiError('x', code='SignatureDoesNotMatch', http_status=400), False),
    (CasApiError('x', code='InvalidAccessKeyId.NotFound', http_status=404), False),
    (CasApiError('x', code='Forbidden.RAM', http_status=403), False),
    (CasApiError('x', code='MissingInstanceId', http_status=400), False),
    (CasApiError('x', code='InvalidParameter', http_status=500), False),
    (CasApiError('x', code='InvalidTimeStamp.Expired', http_status=400), False),
    (CasTransportError('connection reset'), True),
    (CasResponseError('html', http_status=502), True),
    (CasResponseError('truncated', http_status=200), False),
])
def test_retry_classification(error, retry):
    assert is_retryable(error) is retry


def test_tls_failures_are_not_retried():
    error = CasTransportError('TLS certificate verification failed')
    error.retryable = False
    assert not is_retryable(error)


def test_backoff_grows_with_jitter_and_honours_retry_after():
    low = RetryPolicy(5, rand=lambda: 0.0)
    high = RetryPolicy(5, rand=lambda: 1.0)
    transient = CasApiError('x', code='InternalError', http_status=500)
    throttled = CasApiError('x', code='Throttling.User', http_status=400)
    assert [low.delay(n, transient) for n in range(3)] == [0.125, 0.25, 0.5]
    assert [high.delay(n, transient) for n in range(3)] == [0.25, 0.5, 1.0]
    assert low.delay(0, throttled) == 0.5 and high.delay(0, throttled) == 1.0
    assert high.delay(10, throttled) == 20.0
    throttled.retry_after_ms = 1500
    assert low.delay(0, throttled) == 1.5
    assert low.should_retry(4, transient) and not low.should_retry(5, transient)
    assert low.worst_case_seconds(10) == 6 * 10 + 1 + 2 + 4 + 8 + 16
