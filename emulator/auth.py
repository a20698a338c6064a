# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Request routing (action, version) and authentication (V3 and V1 signatures, STS, time, nonce)."""

from __future__ import annotations

import calendar
import re
import time

from . import signatures as sig
from .errors import ApiError, missing

TIMESTAMP_FORMAT = '%Y-%m-%dT%H:%M:%SZ'
TIMESTAMP_TOLERANCE_SECONDS = 15 * 60
_TIMESTAMP_RE = re.compile(r'^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$')
V1_REQUIRED = ('AccessKeyId', 'Signature', 'SignatureMethod', 'SignatureVersion', 'SignatureNonce', 'Timestamp')

MODE_V3 = 'V3'
MODE_V1 = 'V1'


def detect_mode(request):
    """V3 if an Authorization header is present, else V1 (signature in the parameters)."""
    return MODE_V3 if request.header('authorization') is not None else MODE_V1


def requested_action(request, mode=None):
    """The action name the request asks for (None if absent).

    Without an Authorization header the ``Action`` parameter is used, else the ``x-acs-action`` header
    (an anonymous call such as AssumeRoleWithOIDC may come in either form).
    """
    mode = mode or detect_mode(request)
    if mode == MODE_V3:
        return request.header('x-acs-action') or None
    return request.params.get('Action') or request.header('x-acs-action') or None


def resolve_api(request, mode, apis):
    """Return ``(action, version)``; raise Missing*, InvalidVersion or InvalidAction.NotFound."""
    if mode == MODE_V3:
        action, version = request.header('x-acs-action'), request.header('x-acs-version')
        action_hint, version_hint = 'header x-acs-action', 'header x-acs-version'
    else:
        action = request.params.get('Action') or request.header('x-acs-action')
        version = request.params.get('Version') or request.header('x-acs-version')
        action_hint = version_hint = None
    if request.method not in ('GET', 'POST'):
        raise ApiError('InvalidAction.NotFound')
    if not action:
        raise missing('Action', action_hint)
    if not version:
        raise missing('Version', version_hint)
    versions = set(v for v, _a in apis)
    if version not in versions:
        raise ApiError('InvalidVersion')
    if (version, action) not in apis:
        raise ApiError('InvalidAction.NotFound')
    return action, version


def parse_timestamp(text):
    """Parse ``%Y-%m-%dT%H:%M:%SZ`` (UTC) into epoch seconds; raise InvalidTimeStamp.Format."""
    if not _TIMESTAMP_RE.match(text or ''):
        raise ApiError('InvalidTimeStamp.Format')
    try:
        return calendar.timegm(time.strptime(text, TIMESTAMP_FORMAT))
    except ValueError:
        raise ApiError('InvalidTimeStamp.Format')


def check_timestamp(text, now):
    """Raise InvalidTimeStamp.* unless ``text`` is well formed and within 15 minutes of ``now``."""
    if abs(parse_timestamp(text) - now) > TIMESTAMP_TOLERANCE_SECONDS:
        raise ApiError('InvalidTimeStamp.Expired')


def check_security_token(key, token):
    """STS keys need their token; long-term keys must not send one."""
    if key.security_token:
        if not token:
            raise ApiError('MissingSecurityToken')
        if not sig.signatures_equal(key.security_token, token):
            raise ApiError('InvalidSecurityToken.MismatchWithAccessKey')
    elif token:
        raise ApiError('InvalidSecurityToken.Malformed')


def check_not_expired(key, now):
    """Temporary keys issued by the emulated STS or metadata service stop working at their Expiration."""
    if key.expires_at is not None and now >= key.expires_at:
        raise ApiError('InvalidSecurityToken.Expired')


def _lookup_key(fixtures, key_id, state):
    """Return the AccessKey (from the fixtures or issued by STS/metadata) or raise InvalidAccessKeyId.NotFound."""
    key = fixtures.access_keys.get(key_id) or state.issued_key(key_id)
    if key is None:
        raise ApiError('InvalidAccessKeyId.NotFound')
    return key


def claimed_key(request, mode, fixtures, state):
    """The AccessKey a request names (``Credential`` of the V3 Authorization, or the V1 ``AccessKeyId``), nothing
    verified; None when it names none or an unknown one."""
    if mode == MODE_V3:
        try:
            key_id = sig.parse_v3_authorization(request.header('authorization')).access_key_id
        except ValueError:
            return None
    else:
        key_id = request.params.get('AccessKeyId')
    return fixtures.access_keys.get(key_id) or state.issued_key(key_id) if key_id else None


def sent_security_token(request, mode):
    """The security token a request carries (``x-acs-security-token`` for V3, ``SecurityToken`` for V1), or None."""
    return (request.header('x-acs-security-token') if mode == MODE_V3 else request.params.get('SecurityToken')) or None


def authenticate_v3(request, fixtures, state):
    """Verify an ACS3-HMAC-SHA256 request; return its AccessKey."""
    try:
        auth = sig.parse_v3_authorization(request.header('authorization'))
    except ValueError as exc:
        raise ApiError('IncompleteSignature', 'The request signature does not conform to Aliyun standards. %s.' % exc)
    if auth.algorithm != sig.V3_ALGORITHM:
        raise ApiError('InvalidSignatureMethod')
    date = request.header('x-acs-date')
    if not date:
        raise missing('Timestamp', 'header x-acs-date')
    nonce = request.header('x-acs-signature-nonce')
    if not nonce:
        raise missing('SignatureNonce', 'header x-acs-signature-nonce')
    key = _lookup_key(fixtures, auth.access_key_id, state)
    now = state.now()
    check_timestamp(date, now)

    payload_hash = sig.hashed_payload(request.body)
    canonical_request, _signed = sig.v3_canonical_request(
        request.method, request.path, request.query_pairs, request.headers, auth.signed_headers, payload_hash)
    string_to_sign = sig.v3_string_to_sign(canonical_request)
    echo = 'server string to sign is:%s canonical request is:%s' % (string_to_sign, canonical_request)

    required = set(name for name in request.header_names() if name.startswith('x-acs-'))
    required.add('host')
    unsigned = sorted(required - set(auth.signed_headers))
    if unsigned:
        raise ApiError('IncompleteSignature', 'The request signature does not conform to Aliyun standards. '
                       'SignedHeaders must include host and every x-acs-* header; not signed: %s. %s' % (', '.join(unsigned), echo))
    check_security_token(key, request.header('x-acs-security-token'))
    check_not_expired(key, now)
    content_sha = request.header('x-acs-content-sha256')
    body_mismatch = content_sha is not None and content_sha.strip().lower() != payload_hash
    if body_mismatch or not sig.signatures_equal(sig.v3_signature(key.secret, string_to_sign), auth.signature):
        raise ApiError('SignatureDoesNotMatch', 'Specified signature is not matched with our calculation. %s' % echo)
    if not state.use_nonce(key.id, nonce):
        raise ApiError('SignatureNonceUsed')
    return key


def authenticate_v1(request, fixtures, state):
    """Verify an HMAC-SHA1 (SignatureVersion 1.0) request; return its AccessKey."""
    params = request.params
    for name in V1_REQUIRED:
        if not params.get(name):
            raise missing(name)
    if params['SignatureMethod'] != sig.V1_SIGNATURE_METHOD:
        raise ApiError('InvalidSignatureMethod')
    if params['SignatureVersion'] != sig.V1_SIGNATURE_VERSION:
        raise ApiError('InvalidSignatureVersion')
    key = _lookup_key(fixtures, params['AccessKeyId'], state)
    now = state.now()
    check_timestamp(params['Timestamp'], now)
    check_security_token(key, params.get('SecurityToken'))
    check_not_expired(key, now)
    signed = dict((k, v) for k, v in params.items() if k != 'Signature')
    string_to_sign = sig.v1_string_to_sign(request.method, signed)
    if not sig.signatures_equal(sig.v1_signature(key.secret, string_to_sign), params['Signature']):
        raise ApiError('SignatureDoesNotMatch',
                       'Specified signature is not matched with our calculation. server string to sign is:%s' % string_to_sign)
    if not state.use_nonce(key.id, params['SignatureNonce']):
        raise ApiError('SignatureNonceUsed')
    return key


def check_anonymous(request, state):
    """An unsigned call (AssumeRoleWithOIDC): only its timestamp, if it sends one, is checked."""
    timestamp = request.params.get('Timestamp') or request.header('x-acs-date')
    if timestamp:
        check_timestamp(timestamp, state.now())


def authenticate(request, mode, fixtures, state):
    """Authenticate a request in the given mode; return its AccessKey or raise ApiError."""
    if mode == MODE_V3:
        return authenticate_v3(request, fixtures, state)
    return authenticate_v1(request, fixtures, state)
