# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One exception family for every failure of the CAS client, with redaction.

``str(error)`` is a sentence a person can act on; it never holds the AccessKey
secret or a security token. Modules turn an error into ``fail_json(**error.to_result())``,
plugins into ``AnsibleError(str(error))`` raised ``from None``.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

from urllib.parse import quote, quote_plus

REDACTED = '<redacted>'

# The gateway echoes its string to sign (AccessKeyId, SecurityToken, ...) after this marker.
_STRING_TO_SIGN = re.compile(r'(string[ _-]?to[ _-]?sign\s*(?:is)?\s*:?).*', re.IGNORECASE | re.DOTALL)
# Credentials in a URL (``https://user:password@host``, a proxy URL from the environment): the userinfo goes.
_URL_USERINFO = re.compile(r'\b([A-Za-z][A-Za-z0-9+.-]*://)[^/\s@]*@')

# What to tell the user, by service error code (exact code or prefix ending in '.').
_HINTS = (
    ('SignatureDoesNotMatch', 'The AccessKey secret does not match the AccessKeyId: check access_key_secret '
                              '(or the environment variable or profile it came from).'),
    ('IncompleteSignature', 'The request signature was rejected as incomplete: check access_key_secret, and '
                            'that no proxy rewrites request headers.'),
    ('InvalidAccessKeyId.NotFound', 'The service does not know this AccessKeyId: check access_key_id.'),
    ('InvalidAccessKeyId.Inactive', 'This AccessKey is disabled: enable it in the RAM console or use another one.'),
    ('InvalidAccessKeyId', 'The AccessKeyId was rejected: check access_key_id.'),
    ('InvalidTimeStamp.Expired', "This machine's clock differs from the service's by more than 15 minutes: "
                                 'fix the clock (for example enable NTP) and retry.'),
    ('InvalidTimeStamp', "The request timestamp was rejected: check this machine's clock and time zone."),
    ('SignatureNonceUsed', 'The service saw this request nonce before (a replayed request): retry the task.'),
    ('MissingSecurityToken', 'This is an STS AccessKey and needs its security_token: set security_token.'),
    ('InvalidSecurityToken.', 'The security token is expired, malformed or belongs to another AccessKey: '
                              'get fresh STS credentials.'),
    ('Forbidden.RAM', 'The RAM user or role lacks the permission yundun-cert:GetCAInstanceStatus: '
                      'grant it in a RAM policy (see docs/security.md).'),
    ('NoPermission', 'The RAM user or role lacks the permission yundun-cert:GetCAInstanceStatus: '
                     'grant it in a RAM policy (see docs/security.md).'),
    ('Forbidden', 'Access was denied: check the RAM permission yundun-cert:GetCAInstanceStatus.'),
    ('Throttling', 'The service kept throttling requests (10 per second per account): lower the request '
                   'rate, raise retries, or use the result cache.'),
    ('InvalidAction.NotFound', 'The endpoint does not offer GetCAInstanceStatus 2020-06-30: check endpoint and region.'),
    ('InvalidApi.NotFound', 'The endpoint does not offer GetCAInstanceStatus 2020-06-30: check endpoint and region.'),
    ('InvalidVersion', 'The endpoint does not offer API version 2020-06-30: check endpoint and region.'),
    ('InvalidProduct.NotFound', 'The endpoint is not a Certificate Management Service endpoint: check endpoint and region.'),
    ('ServiceUnavailable', 'The service is temporarily unavailable: retry later.'),
    ('InternalError', 'The service had an internal error: retry later.'),
)


def hint_for(code):
    """The advice for a service error code, or None."""
    if not code:
        return None
    for pattern, hint in _HINTS:
        if code == pattern or (pattern.endswith('.') and code.startswith(pattern)) or code.startswith(pattern + '.'):
            return hint
    return None


# Real AccessKey secrets (30 characters) and security tokens are far longer; replacing every occurrence of a
# shorter string (a test's "b") would garble messages without protecting anything.
MIN_SECRET_LENGTH = 8


# Sets of secrets seen -> their forms. A long-lived process that rotates credentials would grow it without end: past
# this many sets it starts afresh (forms are recomputed on demand).
SECRET_FORMS = {}
MAX_SECRET_SETS = 64


def _variants(secrets):
    """Every form in which ``secrets`` may be echoed (plain, URL-encoded once or twice), longest first."""
    secrets = tuple(secrets)
    forms = SECRET_FORMS.get(secrets)
    if forms is None:
        found = set()
        for secret in secrets:
            if secret and len(secret) >= MIN_SECRET_LENGTH:
                once = quote(secret, safe='')
                found.update((secret, once, quote_plus(secret, safe=''), quote(once, safe='')))
        forms = sorted(found, key=len, reverse=True)
        if len(SECRET_FORMS) >= MAX_SECRET_SETS:
            SECRET_FORMS.clear()
        SECRET_FORMS[secrets] = forms
    return forms


def _redacted(text, variants):
    text = _STRING_TO_SIGN.sub(lambda m: '%s %s' % (m.group(1), REDACTED), text)
    if '@' in text:
        text = _URL_USERINFO.sub(lambda m: m.group(1) + REDACTED + '@', text)
    for variant in variants:
        if variant in text:
            text = text.replace(variant, REDACTED)
    return text


def redact(text, secrets=()):
    """Remove echoed strings-to-sign, credentials in URLs and any of ``secrets`` (plain or URL-encoded) from ``text``."""
    if text is None:
        return None
    return _redacted(str(text), _variants(secrets))


MAX_JSON_DEPTH = 32


def redact_tree(value, secrets=(), text=None):
    """Parsed JSON with :func:`redact` applied to every string in it, keys included.

    Everything taken from an answer goes through here before it is used: a hostile or broken endpoint that
    echoes the secret or the security token in any field (``Code``, ``RequestId``, a fact) cannot get it printed.
    ``text``, the JSON text ``value`` was parsed from, lets an answer with nothing to redact (the usual case)
    skip the rewriting. Raises ValueError for JSON nested deeper than ``MAX_JSON_DEPTH`` (the API's answers are 3
    levels deep).
    """
    variants = _variants(secrets)
    # Escapes (\u0041, \/) could spell a secret the text does not hold literally: such text is always rewritten.
    clean = text is not None and '\\' not in text and '@' not in text and not _STRING_TO_SIGN.search(text) and \
        not any(variant in text for variant in variants)

    def walk(item, depth):
        if isinstance(item, str):
            return item if clean else _redacted(item, variants)
        if depth >= MAX_JSON_DEPTH and isinstance(item, (dict, list)):
            raise ValueError('nested more than %d levels deep' % MAX_JSON_DEPTH)
        if isinstance(item, dict):
            return dict((walk(k, depth), walk(v, depth + 1)) for k, v in item.items())
        if isinstance(item, list):
            return [walk(v, depth + 1) for v in item]
        return item
    return walk(value, 0)


class CasError(Exception):
    """Base class: a failure with what the service said and what to do about it."""

    def __init__(self, message, code=None, request_id=None, http_status=None, recommend=None, hint=None):
        super(CasError, self).__init__(message)
        self.message = message
        self.code = code
        self.request_id = request_id
        self.http_status = http_status
        self.recommend = recommend
        self.hint = hint

    def __str__(self):
        parts = [self.message]
        details = []
        if self.http_status:
            details.append('HTTP %s' % self.http_status)
        if self.request_id:
            details.append('RequestId %s' % self.request_id)
        if details:
            parts[0] = '%s (%s)' % (parts[0].rstrip('.'), ', '.join(details))
        if self.hint:
            parts.append(self.hint)
        text = ' '.join(p if p.endswith('.') else p + '.' for p in parts)
        return text

    def __repr__(self):
        return '%s(%r)' % (type(self).__name__, str(self))

    def redact(self, secrets):
        """Apply :func:`redact` to every text this error carries; returns the error."""
        for key in ('message', 'code', 'request_id', 'recommend', 'hint'):
            value = getattr(self, key)
            if isinstance(value, str):
                setattr(self, key, redact(value, secrets))
        self.args = (self.message,)
        return self

    def to_result(self):
        """Keys for ``fail_json``: ``msg`` plus what the service said, all redacted."""
        result = {'msg': str(self)}
        for key in ('code', 'request_id', 'http_status', 'recommend'):
            value = getattr(self, key)
            if value is not None:
                result['error_code' if key == 'code' else key] = value
        return result


class CasConfigError(CasError):
    """An option or credential source is wrong; nothing was sent."""

    def __init__(self, message, option=None):
        super(CasConfigError, self).__init__(message)
        self.option = option


class CasCredentialError(CasError):
    """A credential source was configured but could not give credentials (STS, metadata, token file).

    ``source`` names the source, without any secret.
    """

    source = None


class CasTransportError(CasError):
    """The request did not get an HTTP answer: connection, TLS or timeout."""


class CasResponseError(CasError):
    """The answer was not the JSON the API defines (truncated, HTML, wrong shape)."""


class CasApiError(CasError):
    """The service answered with an error body (``Code``, ``Message``, ``RequestId``)."""


class CasNotFoundError(CasError):
    """An instance ID (or identifier) the service does not know."""

    def __init__(self, message, instance_id=None, request_id=None, code=None, http_status=None):
        super(CasNotFoundError, self).__init__(message, code=code, request_id=request_id, http_status=http_status)
        self.instance_id = instance_id


class CasMissingLibrary(CasError):
    """A Python library the call needs is not installed where the task runs."""

    def __init__(self, library, import_error=None):
        super(CasMissingLibrary, self).__init__('The Python library %s is required on the host that runs this task: '
                                                'install it (pip install %s).' % (library, library))
        self.library = library
        self.import_error = import_error
