# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Redaction, hints and the retry classification."""

import pytest

from ansible_collections.seed.alicloud_cas.plugins.module_utils import cas_errors
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_errors import (
    CasApiError, hint_for, redact)


def test_redacts_echoed_string_to_sign():
    message = ('Specified signature is not matched with our calculation. server string to sign is:POST&%2F&'
               'AccessKeyId%3DAKID%26SecurityToken%3Dtok%252B%26Signature')
    assert redact(message) == 'Specified signature is not matched with our calculation. server string to sign is: <redacted>'


def test_redacts_secrets_in_every_encoding():
    token = 'tok+/=en'
    text = 'a tok+/=en b tok%2B%2F%3Den c tok%252B%252F%253Den d tok%2B%2F%3Den'
    out = redact(text, [token])
    assert 'tok' not in out and out.count('<redacted>') == 4


def test_remembered_secret_forms_stay_bounded_and_still_redact():
    """A process that sees ever new credentials (rotation, STS refreshes) keeps a bounded memory of them."""
    for i in range(cas_errors.MAX_SECRET_SETS * 3):
        secret = 'rotated-secret-%04d' % i
        assert redact('x %s y' % secret, [secret]) == 'x <redacted> y'
        assert len(cas_errors.SECRET_FORMS) <= cas_errors.MAX_SECRET_SETS


@pytest.mark.parametrize('code, fragment', [
    ('SignatureDoesNotMatch', 'check access_key_secret'),
    ('InvalidTimeStamp.Expired', 'fix the clock'),
    ('Forbidden.RAM', 'yundun-cert:GetCAInstanceStatus'),
    ('InvalidAccessKeyId.NotFound', 'check access_key_id'),
    ('InvalidSecurityToken.Expired', 'fresh STS credentials'),
    ('Throttling.User', 'throttling'),
    ('Nope', None),
])
def test_hints(code, fragment):
    hint = hint_for(code)
    assert (hint is None) if fragment is None else (fragment in hint)


def test_str_carries_status_request_id_and_hint():
    err = CasApiError('GetCAInstanceStatus failed with Forbidden.RAM: denied', code='Forbidden.RAM', request_id='RID',
                      http_status=403, hint=hint_for('Forbidden.RAM'))
    assert str(err).startswith('GetCAInstanceStatus failed with Forbidden.RAM: denied (HTTP 403, RequestId RID). ')
    result = err.to_result()
    assert result['error_code'] == 'Forbidden.RAM' and result['request_id'] == 'RID' and result['http_status'] == 403
