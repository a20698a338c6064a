# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test-side request signing, written from the reference (independent of emulator/signatures.py)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import ssl
import time
import uuid
from urllib.parse import quote, urlencode

ACTION = 'GetCAInstanceStatus'
VERSION = '2020-06-30'


def _enc(value):
    return quote(str(value), safe='~')


def now_timestamp(offset_seconds=0):
    """UTC timestamp in the wire format."""
    return time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(time.time() + offset_seconds))


def new_nonce():
    """A fresh nonce."""
    return uuid.uuid4().hex


def v1_sign(method, params, secret):
    """V1 signature of a parameter dict (Signature excluded by the caller)."""
    canonical = '&'.join('%s=%s' % (_enc(k), _enc(params[k])) for k in sorted(params) if params[k] is not None)
    string_to_sign = method + '&' + _enc('/') + '&' + _enc(canonical)
    digest = hmac.new((secret + '&').encode(), string_to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def build_v1(key_id, secret, business=None, method='GET', token=None, timestamp=None, nonce=None,
             in_body=False, drop=(), override=None, action=ACTION, version=VERSION, sign_secret=None):
    """Return (method, path, body, headers) of a V1-signed request.

    ``in_body``: send all parameters (Signature included) in a form body instead of the query.
    ``drop``: parameters removed before signing; ``override``: values set before signing.
    """
    params = {
        'Action': action, 'Version': version, 'Format': 'JSON', 'AccessKeyId': key_id,
        'SignatureMethod': 'HMAC-SHA1', 'SignatureVersion': '1.0',
        'SignatureNonce': nonce or new_nonce(), 'Timestamp': timestamp or now_timestamp(),
    }
    if token is not None:
        params['SecurityToken'] = token
    params.update(business or {})
    params.update(override or {})
    for name in drop:
        params.pop(name, None)
    params = {k: v for k, v in params.items() if v is not None}
    if 'Signature' not in drop:
        params['Signature'] = v1_sign(method, {k: v for k, v in params.items() if k != 'Signature'}, sign_secret or secret)
    headers = {}
    if in_body:
        body = urlencode(params).encode()
        headers['Content-Type'] = 'application/x-www-form-urlencoded'
        return method, '/', body, headers
    return method, '/?' + urlencode(params), b'', headers


def build_v3(key_id, secret, host, query=None, body=b'', content_type=None, method='POST', token=None, timestamp=None,
             nonce=None, action=ACTION, version=VERSION, extra_headers=None, drop=(), unsigned=(), content_sha=None,
             sign_secret=None):
    """Return (method, path, body, headers) of a V3-signed request (independent implementation)."""
    query = query or {}
    headers = {
        'host': host,
        'x-acs-action': action,
        'x-acs-version': version,
        'x-acs-date': timestamp or now_timestamp(),
        'x-acs-signature-nonce': nonce or new_nonce(),
        'x-acs-content-sha256': content_sha or hashlib.sha256(body).hexdigest(),
    }
    if content_type:
        headers['content-type'] = content_type
    if token is not None:
        headers['x-acs-security-token'] = token
    headers.update(extra_headers or {})
    for name in drop:
        headers.pop(name, None)
    signed = sorted(name for name in headers if name not in unsigned)
    canonical_query = '&'.join('%s=%s' % (_enc(k), _enc(query[k])) for k in sorted(query))
    canonical_headers = ''.join('%s:%s\n' % (name, str(headers[name]).strip()) for name in signed)
    canonical_request = '\n'.join([method, '/', canonical_query, canonical_headers, ';'.join(signed),
                                   hashlib.sha256(body).hexdigest()])
    string_to_sign = 'ACS3-HMAC-SHA256\n' + hashlib.sha256(canonical_request.encode()).hexdigest()
    signature = hmac.new((sign_secret or secret).encode(), string_to_sign.encode(), hashlib.sha256).hexdigest()
    headers['Authorization'] = 'ACS3-HMAC-SHA256 Credential=%s,SignedHeaders=%s,Signature=%s' % (key_id, ';'.join(signed), signature)
    path = '/' + ('?' + canonical_query if canonical_query else '')
    return method, path, body, headers


class Response:
    """A raw HTTP response."""

    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        """The body decoded as JSON."""
        return json.loads(self.body.decode('utf-8'))

    def header(self, name):
        """A response header (case-insensitive)."""
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def __repr__(self):
        return 'Response(%s, %r)' % (self.status, self.body[:300])


def send(emu, request, timeout=30):
    """Send a (method, path, body, headers) tuple to the emulator with http.client."""
    method, path, body, headers = request
    host, port = emu.host_port.rsplit(':', 1)
    if emu.url.startswith('https'):
        conn = http.client.HTTPSConnection(host, int(port), timeout=timeout, context=ssl.create_default_context(cafile=emu.ca_file))
    else:
        conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        names = set(k.lower() for k in headers)
        conn.putrequest(method, path, skip_host='host' in names, skip_accept_encoding=True)
        for key, value in headers.items():
            conn.putheader(key, value)
        if body or method == 'POST':
            conn.putheader('Content-Length', str(len(body)))
        conn.endheaders(body or None)
        response = conn.getresponse()
        return Response(response.status, response.getheaders(), response.read())
    finally:
        conn.close()


def v1(emu, key_id, secret, **kwargs):
    """Send a V1 request and return the Response."""
    timeout = kwargs.pop('timeout', 30)
    return send(emu, build_v1(key_id, secret, **kwargs), timeout=timeout)


def v3(emu, key_id, secret, **kwargs):
    """Send a V3 request and return the Response."""
    timeout = kwargs.pop('timeout', 30)
    return send(emu, build_v3(key_id, secret, emu.host_port, **kwargs), timeout=timeout)


# STS (2015-04-01) and metadata helpers -------------------------------------------

STS_VERSION = '2015-04-01'


def assume_role_v3(emu, key_id, secret, params, token=None, **kwargs):
    """A V3-signed AssumeRole (POST, parameters in the query, as the collection's client sends it)."""
    return v3(emu, key_id, secret, query=params, token=token, action='AssumeRole', version=STS_VERSION, **kwargs)


def assume_role_v1(emu, key_id, secret, params, method='GET', token=None, **kwargs):
    """A V1-signed AssumeRole (HMAC-SHA1 Signature parameter, as alibabacloud-credentials sends it)."""
    return v1(emu, key_id, secret, business=params, method=method, token=token, action='AssumeRole', version=STS_VERSION,
              **kwargs)


def oidc_params(role_arn, provider_arn, token, session='oidc-session', duration='3600', timestamp=None):
    """The query of an unsigned AssumeRoleWithOIDC exactly as alibabacloud-credentials builds it."""
    return {
        'Action': 'AssumeRoleWithOIDC', 'Format': 'JSON', 'Version': STS_VERSION, 'DurationSeconds': duration,
        'RoleArn': role_arn, 'OIDCProviderArn': provider_arn, 'OIDCToken': token, 'RoleSessionName': session,
        'Timestamp': timestamp or now_timestamp(),
    }


def oidc_get(emu, params):
    """Unsigned AssumeRoleWithOIDC over GET with the parameters in the query."""
    return send(emu, ('GET', '/?' + urlencode(params), b'', {}))


def oidc_form(emu, params, header_form=False):
    """Unsigned AssumeRoleWithOIDC over POST with a form body; ``header_form``: action and version as x-acs-* headers."""
    params = dict(params)
    headers = {'Content-Type': 'application/x-www-form-urlencoded'}
    if header_form:
        headers['x-acs-action'] = params.pop('Action')
        headers['x-acs-version'] = params.pop('Version')
    return send(emu, ('POST', '/', urlencode(params).encode(), headers))


def metadata(emu, method, path, headers=None, timeout=30):
    """A metadata service request."""
    return send(emu, (method, path, b'', dict(headers or {})), timeout=timeout)
