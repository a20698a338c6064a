# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Signature V3 (ACS3-HMAC-SHA256) and V1 (HMAC-SHA1) building blocks.

Every step is a separate function so it can be checked against the reference test vectors.
"""

from __future__ import annotations

import base64
import collections
import hashlib
import hmac
import re
from urllib.parse import quote

V3_ALGORITHM = 'ACS3-HMAC-SHA256'
V1_SIGNATURE_METHOD = 'HMAC-SHA1'
V1_SIGNATURE_VERSION = '1.0'
EMPTY_PAYLOAD_HASH = hashlib.sha256(b'').hexdigest()

V3Authorization = collections.namedtuple('V3Authorization', ['algorithm', 'access_key_id', 'signed_headers', 'signature'])

_AUTH_RE = re.compile(r'^\s*(?P<algorithm>[A-Za-z0-9-]+)\s+(?P<rest>\S.*?)\s*$')


def percent_encode(value):
    """RFC 3986 encoding: UTF-8, upper-case %XX, only A-Z a-z 0-9 - _ . ~ literal."""
    return quote(str(value), safe='~', encoding='utf-8')


def _pairs(params):
    """Return (key, value) pairs from a mapping or an iterable of pairs, dropping None values."""
    items = params.items() if hasattr(params, 'items') else params
    return [(str(k), str(v)) for k, v in items if v is not None]


def canonical_query_string(params):
    """V3 CanonicalQueryString: sorted ``enc(key)=enc(value)`` joined by ``&``."""
    return '&'.join('%s=%s' % (percent_encode(k), percent_encode(v)) for k, v in sorted(_pairs(params)))


def canonical_headers(headers, signed_names=None):
    """V3 CanonicalHeaders and SignedHeaders.

    ``headers`` is a mapping or an iterable of (name, value) pairs (repeated names allowed).
    Without ``signed_names`` every header is used (as the SDK does); with it, only those names,
    a signed name that is absent contributing an empty value.
    Returns ``(canonical_headers, signed_headers)``.
    """
    values = {}
    for name, value in _pairs(headers):
        values.setdefault(name.lower(), []).append(value.strip())
    if signed_names is None:
        names = sorted(values)
    else:
        names = sorted(set(n.strip().lower() for n in signed_names if n.strip()))
    lines = ''.join('%s:%s\n' % (name, ','.join(sorted(values.get(name, [''])))) for name in names)
    return lines, ';'.join(names)


def hashed_payload(body):
    """V3 HashedPayload: lower-case hex SHA-256 of the body bytes."""
    return hashlib.sha256(body or b'').hexdigest()


def v3_canonical_request(method, canonical_uri, query, headers, signed_names=None, payload_hash=EMPTY_PAYLOAD_HASH):
    """V3 CanonicalRequest; returns ``(canonical_request, signed_headers)``."""
    header_lines, signed_headers = canonical_headers(headers, signed_names)
    canonical_request = '\n'.join([
        method.upper(),
        canonical_uri or '/',
        canonical_query_string(query),
        header_lines,
        signed_headers,
        payload_hash,
    ])
    return canonical_request, signed_headers


def v3_string_to_sign(canonical_request, algorithm=V3_ALGORITHM):
    """V3 StringToSign: algorithm, newline, hex SHA-256 of the canonical request."""
    return '%s\n%s' % (algorithm, hashlib.sha256(canonical_request.encode('utf-8')).hexdigest())


def v3_signature(secret, string_to_sign):
    """V3 Signature: hex HMAC-SHA256 keyed with the raw AccessKey secret."""
    return hmac.new(secret.encode('utf-8'), string_to_sign.encode('utf-8'), hashlib.sha256).hexdigest()


def v3_authorization(access_key_id, signed_headers, signature, algorithm=V3_ALGORITHM):
    """V3 Authorization header value."""
    return '%s Credential=%s,SignedHeaders=%s,Signature=%s' % (algorithm, access_key_id, signed_headers, signature)


def parse_v3_authorization(value):
    """Parse an Authorization header; raise ValueError with a reason if it is malformed."""
    match = _AUTH_RE.match(value or '')
    if not match:
        raise ValueError('the Authorization header is not "<algorithm> Credential=...,SignedHeaders=...,Signature=..."')
    fields = {}
    for part in match.group('rest').split(','):
        key, sep, val = part.strip().partition('=')
        if not sep:
            raise ValueError('the Authorization header has a part without "=": %r' % part.strip())
        fields[key.strip()] = val.strip()
    for required in ('Credential', 'SignedHeaders', 'Signature'):
        if not fields.get(required):
            raise ValueError('the Authorization header has no %s' % required)
    signed = [name.strip().lower() for name in fields['SignedHeaders'].split(';') if name.strip()]
    return V3Authorization(match.group('algorithm'), fields['Credential'], signed, fields['Signature'])


def v1_canonicalized_query_string(params):
    """V1 canonical string: sorted ``enc(key)=enc(value)`` joined by ``&`` (None values skipped)."""
    return '&'.join('%s=%s' % (percent_encode(k), percent_encode(v)) for k, v in sorted(_pairs(params)))


def v1_string_to_sign(method, params):
    """V1 StringToSign: ``METHOD&%2F&enc(canonical string)``; ``params`` excludes Signature."""
    return '%s&%s&%s' % (method.upper(), percent_encode('/'), percent_encode(v1_canonicalized_query_string(params)))


def v1_signature(secret, string_to_sign):
    """V1 Signature: base64 HMAC-SHA1 keyed with ``secret + '&'``."""
    digest = hmac.new((secret + '&').encode('utf-8'), string_to_sign.encode('utf-8'), hashlib.sha1).digest()
    return base64.b64encode(digest).decode('ascii')


def signatures_equal(expected, given):
    """Constant-time comparison of two signature strings."""
    return hmac.compare_digest(expected.encode('utf-8'), (given or '').encode('utf-8'))
