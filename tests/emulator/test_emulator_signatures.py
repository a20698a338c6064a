# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""emulator.signatures against the reference test vectors (alibaba-cas-api.md sections 1.4 and 2.4)."""

from __future__ import annotations

import pytest

from emulator import signatures as sig

from emulator_signing import build_v3, v1_sign

DATE = '2024-01-02T03:04:05Z'
NONCE = 'c9f1b0d6e2a34b7f8e5d4c3b2a190817'
ODD_IDENTIFIER = 'a b/c+d*e~f=g&h\u4e2d'

V3_C_HEADERS = {
    'host': 'cas.aliyuncs.com',
    'x-acs-action': 'GetCAInstanceStatus',
    'x-acs-content-sha256': sig.EMPTY_PAYLOAD_HASH,
    'x-acs-date': DATE,
    'x-acs-signature-nonce': NONCE,
    'x-acs-version': '2020-06-30',
}
V3_C_CANONICAL = (
    'POST\n/\nInstanceId=cas-member-abc\n'
    'host:cas.aliyuncs.com\n'
    'x-acs-action:GetCAInstanceStatus\n'
    'x-acs-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n'
    'x-acs-date:2024-01-02T03:04:05Z\n'
    'x-acs-signature-nonce:c9f1b0d6e2a34b7f8e5d4c3b2a190817\n'
    'x-acs-version:2020-06-30\n'
    '\n'
    'host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version\n'
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
)


def _v3(headers, query):
    canonical_request, signed = sig.v3_canonical_request('POST', '/', query, headers)
    string_to_sign = sig.v3_string_to_sign(canonical_request)
    return canonical_request, signed, string_to_sign, sig.v3_signature('testsecret', string_to_sign)


def test_v3_c_minimal_vector():
    canonical_request, signed, string_to_sign, signature = _v3(V3_C_HEADERS, {'InstanceId': 'cas-member-abc'})
    assert canonical_request == V3_C_CANONICAL
    assert string_to_sign == 'ACS3-HMAC-SHA256\n79c9235e8f36d6521b9d5b105798ec76140259c757752e5dc3e40f4f2da67864'
    assert signature == '95147ccbf5713f350e19c238a95c39c882e509f71cc65b4192a59ddaa18ca68d'
    assert sig.v3_authorization('testid', signed, signature) == (
        'ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;'
        'x-acs-signature-nonce;x-acs-version,Signature=95147ccbf5713f350e19c238a95c39c882e509f71cc65b4192a59ddaa18ca68d')


SDK_HEADERS = dict(V3_C_HEADERS, **{'accept': 'application/json', 'user-agent': 'test-agent/1.0', 'x-acs-credentials-provider': 'static_ak'})


@pytest.mark.parametrize('name, headers, query, digest, signature', [
    ('V3-A', SDK_HEADERS, {'InstanceId': 'cas-member-abc'},
     '35f05d28f8995203f385ee25c94d174672ca4cf2e7fa9ef89b7168656031f8e6',
     '6e8d4cfe41b76f20ec9c8c04fa9413572cb522b85777bfbf1178a0f8c6b0c1f9'),
    ('V3-B', dict(SDK_HEADERS, **{'x-acs-accesskey-id': 'testid', 'x-acs-security-token': 'teststsToken+/==',
                                  'x-acs-credentials-provider': 'static_sts'}), {'InstanceId': 'cas-member-abc'},
     '59e923499eff5b081811febc2bd686c9d4397b8ec70978d2c28dc3e57819bd21',
     'aeb98b35be40cc265ce67bc1cbbfc977536a693fe754fb72dd404bc778a406a1'),
    ('V3-D', dict(V3_C_HEADERS, **{'x-acs-security-token': 'teststsToken+/=='}), {'InstanceId': 'cas-member-abc'},
     '002d0e957c2b0eec5046222e6ddd608e0f456050f648e83e6f40db00f03f46a7',
     '403c07c869b58a178946ec568e26c8f815215d4bcd71a4beeca9a9f9d4355922'),
    ('V3-E', dict(V3_C_HEADERS, **{'x-acs-action': 'DescribeCACertificateList'}), {'CurrentPage': '1', 'ShowSize': '20'},
     'cdd8d1077e4047663aa9ace86fb1eabb03c7768e7a58ab73b1d15ee2a77f2626',
     '810ea8dc2f82a9748c698f14807f26038866492f52082a4af731a74fcb002369'),
    ('V3-F', V3_C_HEADERS, {'InstanceId': 'cas-member-abc', 'Identifier': ODD_IDENTIFIER},
     '6d7a888d440fb054145a051a49af3da1b4b7d415a33298bdf6f70a4222ab38fc',
     '6dc4f992335ebe786ad7afb36feca11abf6f084f5370b173c58204811e50661e'),
])
def test_v3_variant_vectors(name, headers, query, digest, signature):
    _canonical, _signed, string_to_sign, computed = _v3(headers, query)
    assert string_to_sign == 'ACS3-HMAC-SHA256\n' + digest, name
    assert computed == signature, name


def test_v3_f_canonical_query_encoding():
    query = sig.canonical_query_string({'InstanceId': 'cas-member-abc', 'Identifier': ODD_IDENTIFIER})
    assert query == 'Identifier=a%20b%2Fc%2Bd%2Ae~f%3Dg%26h%E4%B8%AD&InstanceId=cas-member-abc'
    assert sig.canonical_query_string([]) == ''
    assert sig.canonical_query_string([('b', ''), ('a', None)]) == 'b='


def test_canonical_headers_rules():
    lines, signed = sig.canonical_headers([('X-Acs-B', ' 2 '), ('x-acs-b', '1'), ('Host', 'h')])
    assert lines == 'host:h\nx-acs-b:1,2\n'
    assert signed == 'host;x-acs-b'
    lines, signed = sig.canonical_headers({'host': 'h', 'user-agent': 'u'}, signed_names=['host', 'x-missing'])
    assert lines == 'host:h\nx-missing:\n'
    assert signed == 'host;x-missing'


def test_hashed_payload():
    assert sig.hashed_payload(b'') == sig.EMPTY_PAYLOAD_HASH
    assert sig.hashed_payload(b'abc') == 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
    assert sig.hashed_payload(None) == sig.EMPTY_PAYLOAD_HASH


def test_parse_v3_authorization():
    auth = sig.parse_v3_authorization('ACS3-HMAC-SHA256 Credential=testid, SignedHeaders=host;X-Acs-Date,Signature=abc')
    assert auth == sig.V3Authorization('ACS3-HMAC-SHA256', 'testid', ['host', 'x-acs-date'], 'abc')
    for bad in ('', 'ACS3-HMAC-SHA256', 'ACS3-HMAC-SHA256 Credential=a,Signature=b', 'ACS3-HMAC-SHA256 Credential=a,SignedHeaders=h,Sig'):
        with pytest.raises(ValueError):
            sig.parse_v3_authorization(bad)


V1_A_PARAMS = {
    'AccessKeyId': 'testid', 'Action': 'GetCAInstanceStatus', 'Format': 'json', 'InstanceId': 'cas-member-abc',
    'SignatureMethod': 'HMAC-SHA1', 'SignatureNonce': NONCE, 'SignatureVersion': '1.0', 'Timestamp': DATE,
    'Version': '2020-06-30',
}
V1_A_STRING_TO_SIGN = (
    'POST&%2F&AccessKeyId%3Dtestid%26Action%3DGetCAInstanceStatus%26Format%3Djson%26InstanceId%3Dcas-member-abc'
    '%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3Dc9f1b0d6e2a34b7f8e5d4c3b2a190817%26SignatureVersion%3D1.0'
    '%26Timestamp%3D2024-01-02T03%253A04%253A05Z%26Version%3D2020-06-30'
)


def test_v1_a_vector():
    assert sig.v1_string_to_sign('POST', V1_A_PARAMS) == V1_A_STRING_TO_SIGN
    assert sig.v1_signature('testsecret', V1_A_STRING_TO_SIGN) == '+cKRleCGT1LQsi1+zg7WklU7D6s='


def _without(params, *names):
    return {k: v for k, v in params.items() if k not in names}


@pytest.mark.parametrize('name, params, fragment, signature', [
    ('V1-B', dict(V1_A_PARAMS, Format='JSON', RegionId='cn-hangzhou', SignatureType=''),
     '%26Format%3DJSON%26InstanceId%3Dcas-member-abc%26RegionId%3Dcn-hangzhou%26', 'CykTDipdxzZuCE9zDKDrTja3rIs='),
    ('V1-C', dict(V1_A_PARAMS, SecurityToken='teststsToken+/=='),
     '%26SecurityToken%3DteststsToken%252B%252F%253D%253D%26SignatureMethod', 'tBjmLs1wWSCZ7vnU5k+yBDiUbL0='),
    ('V1-D', dict(_without(V1_A_PARAMS, 'InstanceId'), Format='JSON', Identifier=ODD_IDENTIFIER),
     'Identifier%3Da%2520b%252Fc%252Bd%252Ae~f%253Dg%2526h%25E4%25B8%25AD', 'LTNwQWuz301RJ+wDLJd5HF1Ns4c='),
])
def test_v1_variant_vectors(name, params, fragment, signature):
    string_to_sign = sig.v1_string_to_sign('POST', params)
    assert fragment in string_to_sign, name
    assert sig.v1_signature('testsecret', string_to_sign) == signature, name


def test_v1_b_signs_empty_signature_type():
    params = dict(V1_A_PARAMS, Format='JSON', RegionId='cn-hangzhou', SignatureType='')
    assert '%26SignatureType%3D%26SignatureVersion%3D1.0' in sig.v1_string_to_sign('POST', params)


def test_test_side_helpers_agree_with_vectors():
    """The independent test-side signer reproduces the vectors too (so the end-to-end tests are meaningful)."""
    assert v1_sign('POST', V1_A_PARAMS, 'testsecret') == '+cKRleCGT1LQsi1+zg7WklU7D6s='
    _method, _path, _body, headers = build_v3('testid', 'testsecret', 'cas.aliyuncs.com', query={'InstanceId': 'cas-member-abc'},
                                              timestamp=DATE, nonce=NONCE)
    assert headers['Authorization'].endswith('Signature=95147ccbf5713f350e19c238a95c39c882e509f71cc65b4192a59ddaa18ca68d')


def test_signatures_equal():
    assert sig.signatures_equal('abc', 'abc')
    assert not sig.signatures_equal('abc', 'abd')
    assert not sig.signatures_equal('abc', None)
