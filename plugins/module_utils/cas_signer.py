# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Alibaba Cloud signature V3 (ACS3-HMAC-SHA256) for RPC-style API calls.

The canonical request is built in named steps, each a small method that can be
tested on its own, in the style of botocore's ``auth.py``::

    canonical_query_string  ->  canonical_headers / signed_headers
        -> canonical_request -> string_to_sign -> signature -> authorization

Standard library only: this file runs inside modules (AnsiballZ), controller
plugins and plain unit tests alike.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import hashlib
import hmac
import os

from urllib.parse import quote

ALGORITHM = 'ACS3-HMAC-SHA256'
TIMESTAMP_FORMAT = '%Y-%m-%dT%H:%M:%SZ'


def percent_encode(value):
    """RFC 3986 percent-encoding of a string: only ``A-Z a-z 0-9 - _ . ~`` stay literal."""
    if not isinstance(value, str):
        value = str(value)
    return quote(value, safe='~')


def utc_timestamp(now=None):
    """The ``x-acs-date`` value: UTC, whole seconds, ``Z`` suffix."""
    if now is None:
        now = datetime.datetime.now(datetime.timezone.utc)
    return now.strftime(TIMESTAMP_FORMAT)


def new_nonce():
    """A fresh ``x-acs-signature-nonce``: 32 random hex characters."""
    return os.urandom(16).hex()


class V3Signer:
    """Signs one request with an AccessKey pair (and an STS token if given).

    Only ``host`` and the ``x-acs-*`` headers are signed (plus ``content-type``
    when a body is sent): the minimal set of the V3 documentation. Whatever is
    signed must be sent byte for byte, so :meth:`sign` returns both the headers
    and the exact query string to put in the URL.
    """

    def __init__(self, access_key_id, access_key_secret, security_token=None):
        self.access_key_id = access_key_id
        self._secret = access_key_secret
        self.security_token = security_token

    def __repr__(self):
        # Never show the secret or the token, not even in a traceback's locals.
        return 'V3Signer(access_key_id=%r, secret=<redacted>, security_token=%s)' % (
            self.access_key_id, '<redacted>' if self.security_token else None)

    # ---- named steps -------------------------------------------------------
    @staticmethod
    def canonical_query_string(params):
        """Sorted ``key=value`` pairs, both RFC 3986 encoded; None values dropped."""
        pairs = []
        for key in sorted(k for k, v in params.items() if v is not None):
            pairs.append('%s=%s' % (percent_encode(key), percent_encode(params[key])))
        return '&'.join(pairs)

    @staticmethod
    def _normalised_headers(headers):
        merged = {}
        for key, value in headers.items():
            if value is None:
                continue
            merged.setdefault(key.lower(), []).append(str(value).strip())
        return merged

    def canonical_headers(self, headers):
        """One ``name:value\\n`` line per header, names lower-cased and sorted."""
        merged = self._normalised_headers(headers)
        return ''.join('%s:%s\n' % (key, ','.join(sorted(merged[key]))) for key in sorted(merged))

    def signed_headers(self, headers):
        """The sorted, lower-cased header names joined by ``;``."""
        return ';'.join(sorted(self._normalised_headers(headers)))

    def canonical_request(self, method, path, query_string, headers, payload_hash, signed_headers=None):
        return '\n'.join([
            method.upper(),
            path or '/',
            query_string,
            self.canonical_headers(headers),
            signed_headers or self.signed_headers(headers),
            payload_hash,
        ])

    @staticmethod
    def string_to_sign(canonical_request):
        digest = hashlib.sha256(canonical_request.encode('utf-8')).hexdigest()
        return '%s\n%s' % (ALGORITHM, digest)

    def signature(self, string_to_sign):
        return hmac.new(self._secret.encode('utf-8'), string_to_sign.encode('utf-8'), hashlib.sha256).hexdigest()

    def authorization(self, headers, signature, signed_headers=None):
        return '%s Credential=%s,SignedHeaders=%s,Signature=%s' % (
            ALGORITHM, self.access_key_id, signed_headers or self.signed_headers(headers), signature)

    # ---- whole request -----------------------------------------------------
    def headers_to_sign(self, host, action, version, payload_hash, date=None, nonce=None, content_type=None):
        """The headers that are sent and signed, before ``Authorization``."""
        headers = {
            'host': host,
            'x-acs-action': action,
            'x-acs-version': version,
            'x-acs-date': date or utc_timestamp(),
            'x-acs-signature-nonce': nonce or new_nonce(),
            'x-acs-content-sha256': payload_hash,
        }
        if content_type:
            headers['content-type'] = content_type
        if self.security_token:
            headers['x-acs-security-token'] = self.security_token
        return headers

    def sign(self, host, action, version, params, body=b'', method='POST', date=None, nonce=None, content_type=None):
        """Return ``(query_string, headers)`` for one attempt.

        Call it again for every retry: each call takes a fresh date and nonce
        unless they are given (tests pin them).
        """
        payload_hash = hashlib.sha256(body or b'').hexdigest()
        query_string = self.canonical_query_string(params)
        headers = self.headers_to_sign(host, action, version, payload_hash, date=date, nonce=nonce, content_type=content_type)
        signed = self.signed_headers(headers)
        canonical = self.canonical_request(method, '/', query_string, headers, payload_hash, signed)
        headers['Authorization'] = self.authorization(headers, self.signature(self.string_to_sign(canonical)), signed)
        return query_string, headers
