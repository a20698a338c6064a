# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The V3 signer against the reference vectors and the official SDK's own function."""

import hashlib
import types

import pytest
from hypothesis import given, settings, strategies as st

from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_signer import (
    V3Signer, percent_encode, new_nonce, utc_timestamp)

sdk_utils = pytest.importorskip('alibabacloud_tea_openapi.utils')

DATE = '2024-01-02T03:04:05Z'
NONCE = 'c9f1b0d6e2a34b7f8e5d4c3b2a190817'
HOST = 'cas.aliyuncs.com'

EMPTY_PAYLOAD_SHA256 = hashlib.sha256(b'').hexdigest()


def sign(params, token=None, action='GetCAInstanceStatus', secret='testsecret'):
    signer = V3Signer('testid', secret, token)
    return signer, signer.sign(HOST, action, '2020-06-30', params, date=DATE, nonce=NONCE)


def test_vector_v3_c_canonical_request_and_signature():
    signer, (query, headers) = sign({'InstanceId': 'cas-member-abc'})
    unsigned = dict(headers)
    del unsigned['Authorization']
    canonical = signer.canonical_request('POST', '/', query, unsigned, EMPTY_PAYLOAD_SHA256)
    assert canonical == (
        'POST\n/\nInstanceId=cas-member-abc\n'
        'host:cas.aliyuncs.com\n'
        'x-acs-action:GetCAInstanceStatus\n'
        'x-acs-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n'
        'x-acs-date:2024-01-02T03:04:05Z\n'
        'x-acs-signature-nonce:c9f1b0d6e2a34b7f8e5d4c3b2a190817\n'
        'x-acs-version:2020-06-30\n\n'
        'host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version\n'
        'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
    assert signer.string_to_sign(canonical) == (
        'ACS3-HMAC-SHA256\n79c9235e8f36d6521b9d5b105798ec76140259c757752e5dc3e40f4f2da67864')
    assert headers['Authorization'] == (
        'ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;'
        'x-acs-signature-nonce;x-acs-version,Signature=95147ccbf5713f350e19c238a95c39c882e509f71cc65b4192a59ddaa18ca68d')
    assert query == 'InstanceId=cas-member-abc'


@pytest.mark.parametrize('params, token, action, signature', [
    ({'InstanceId': 'cas-member-abc'}, 'teststsToken+/==', 'GetCAInstanceStatus',
     '403c07c869b58a178946ec568e26c8f815215d4bcd71a4beeca9a9f9d4355922'),  # V3-D
    ({'CurrentPage': '1', 'ShowSize': '20'}, None, 'DescribeCACertificateList',
     '810ea8dc2f82a9748c698f14807f26038866492f52082a4af731a74fcb002369'),  # V3-E
    ({'InstanceId': 'cas-member-abc', 'Identifier': 'a b/c+d*e~f=g&h\u4e2d'}, None, 'GetCAInstanceStatus',
     '6dc4f992335ebe786ad7afb36feca11abf6f084f5370b173c58204811e50661e'),  # V3-F
])
def test_reference_vectors(params, token, action, signature):
    _signer, (_query, headers) = sign(params, token, action)
    assert headers['Authorization'].endswith('Signature=' + signature)


def test_sts_token_header_is_sent_and_signed():
    _signer, (_query, headers) = sign({'InstanceId': 'x'}, token='tok')
    assert headers['x-acs-security-token'] == 'tok'
    assert 'x-acs-security-token' in headers['Authorization'].split('SignedHeaders=')[1].split(',')[0].split(';')


def test_query_string_is_rfc3986_and_sorted():
    assert V3Signer.canonical_query_string({'b': '2', 'a': 'x y/~*', 'n': None}) == 'a=x%20y%2F~%2A&b=2'
    assert percent_encode('a b/c+d*e~f=g&h\u4e2d') == 'a%20b%2Fc%2Bd%2Ae~f%3Dg%26h%E4%B8%AD'


def test_fresh_nonce_and_date_per_signature():
    signer = V3Signer('id', 'secret')
    first = signer.sign(HOST, 'A', 'v', {})[1]
    second = signer.sign(HOST, 'A', 'v', {})[1]
    assert first['x-acs-signature-nonce'] != second['x-acs-signature-nonce']
    assert len(new_nonce()) == 32
    assert utc_timestamp().endswith('Z') and len(utc_timestamp()) == 20


def test_repr_hides_secret_and_token():
    text = repr(V3Signer('AKID', 'super-secret', 'super-token'))
    assert 'AKID' in text and 'super-secret' not in text and 'super-token' not in text


def sdk_authorization(params, headers, secret):
    request = types.SimpleNamespace(pathname='/', method='POST', query=params, headers=headers)
    return sdk_utils.Utils.get_authorization(request, 'ACS3-HMAC-SHA256', headers['x-acs-content-sha256'], 'AKID', secret)


param_text = st.text(st.characters(blacklist_categories=('Cs',)), min_size=0, max_size=40)


@settings(max_examples=300, deadline=None)
@given(secret=st.text(st.characters(blacklist_categories=('Cs',)), min_size=1, max_size=60),
       identifier=st.one_of(st.none(), param_text),
       instance_id=st.one_of(st.none(), param_text),
       token=st.one_of(st.none(), st.text(st.characters(blacklist_categories=('Cs',)), min_size=1, max_size=80)))
def test_signature_equals_official_sdk(secret, identifier, instance_id, token):
    signer = V3Signer('AKID', secret, token)
    params = {'InstanceId': instance_id, 'Identifier': identifier}
    _query, headers = signer.sign(HOST, 'GetCAInstanceStatus', '2020-06-30', params)
    unsigned = dict((k, v) for k, v in headers.items() if k != 'Authorization')
    assert headers['Authorization'] == sdk_authorization(params, unsigned, secret)
