# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Injectable faults: validation of control requests, the bodies of data faults and the pieces of broken answers."""

from __future__ import annotations

import functools
import hashlib
import re

from .errors import encode_json, error_body

# Applied before authentication, instead of the normal answer (hang: delays it).
TRANSPORT_FAULTS = ('http500', 'http503', 'reset', 'hang', 'html502', 'throttle', 'retry_after', 'endless_chunked')
# Taken before authentication like transport faults: the answer, whatever it is, goes on the wire slowly or broken.
DELIVERY_FAULTS = ('drip_headers', 'drip_body', 'reset_mid_body', 'short_body', 'bad_chunked', 'bad_gzip')
# Taken before authentication: answered as soon as the request names a known AccessKey, before its signature is checked.
KEY_FAULTS = ('echo_secret',)
# Replace the body of an otherwise successful, authenticated call.
DATA_FAULTS = ('truncated', 'bad_shape', 'missing_fields', 'wrong_types', 'oversized', 'deep_json', 'huge_numbers', 'duplicate_instance')
# Data faults that only GetCAInstanceStatus answers take (STS and metadata answers use them up without effect).
CAS_DATA_FAULTS = ('deep_json', 'huge_numbers', 'duplicate_instance')
FAULT_KINDS = TRANSPORT_FAULTS + DELIVERY_FAULTS + KEY_FAULTS + DATA_FAULTS
# Which requests a fault may hit: any (default), CAS API calls, STS calls, or metadata requests.
FAULT_TARGETS = ('any', 'cas', 'sts', 'metadata')

DEFAULT_HANG_SECONDS = 30
DEFAULT_RETRY_AFTER_MS = 1000
MAX_COUNT = 100000
MAX_HANG_SECONDS = 3600
OVERSIZED_TARGET_BYTES = 20 * 1024 * 1024
DEFAULT_DRIP_INTERVAL = 0.5
DEFAULT_ENDLESS_INTERVAL = 0.2
MIN_INTERVAL = 0.001
MAX_INTERVAL = 60
# A drip or endless answer gives up (closes the connection) after this long, so that a forgotten fault never
# keeps a thread busy for ever; it also stops when the client goes away or the emulator stops.
MAX_SLOW_SECONDS = 600
DEEP_JSON_DEPTH = 100000
HUGE_NUMBER_FIELDS = ('AfterTime', 'BeforeTime', 'UseExpireTime', 'CertTotalCount', 'CertIssuedCount')
DEFAULT_HUGE_NUMBER = '253402300800000'  # 10000-01-01T00:00:00Z in epoch milliseconds
MAX_HUGE_NUMBER_LENGTH = 100000
JSON_NUMBER_RE = re.compile(r'-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?\Z')

HTML_502 = (
    b'<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\r\n'
    b'<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n'
    b'<body>\r\n<h1>502 Bad Gateway</h1>\r\n'
    b'<p>The proxy server received an invalid response from an upstream server.</p>\r\n'
    b'<hr/>Powered by Tengine</body>\r\n</html>\r\n'
)

_ALLOWED_FIELDS = {
    'hang': ('kind', 'count', 'target', 'seconds'),
    'retry_after': ('kind', 'count', 'target', 'retry_after_ms'),
    'drip_headers': ('kind', 'count', 'target', 'interval'),
    'drip_body': ('kind', 'count', 'target', 'interval'),
    'endless_chunked': ('kind', 'count', 'target', 'interval'),
    'huge_numbers': ('kind', 'count', 'target', 'field', 'value'),
}
_DEFAULT_INTERVALS = {'drip_headers': DEFAULT_DRIP_INTERVAL, 'drip_body': DEFAULT_DRIP_INTERVAL, 'endless_chunked': DEFAULT_ENDLESS_INTERVAL}


def _number(value, name, minimum, maximum, integer):
    """Validate a numeric control field."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (integer and not isinstance(value, int)):
        raise ValueError('%s must be %s' % (name, 'an integer' if integer else 'a number'))
    if value < minimum or value > maximum:
        raise ValueError('%s must be between %s and %s' % (name, minimum, maximum))
    return value


def parse_fault_request(body):
    """Validate a ``POST /_emulator/faults`` body; return ``(fault dict, count)`` or raise ValueError."""
    if not isinstance(body, dict):
        raise ValueError('the body must be a JSON object like {"kind": "http503", "count": 1}')
    kind = body.get('kind')
    if kind not in FAULT_KINDS:
        raise ValueError('kind must be one of %s' % ', '.join(FAULT_KINDS))
    allowed = _ALLOWED_FIELDS.get(kind, ('kind', 'count', 'target'))
    unknown = sorted(k for k in body if k not in allowed)
    if unknown:
        raise ValueError('unknown field %r for kind %s (allowed: %s)' % (unknown[0], kind, ', '.join(allowed)))
    count = _number(body.get('count', 1), 'count', 1, MAX_COUNT, True)
    target = body.get('target', 'any')
    if target not in FAULT_TARGETS:
        raise ValueError('target must be one of %s' % ', '.join(FAULT_TARGETS))
    fault = {'kind': kind}
    if target != 'any':
        fault['target'] = target
    if kind == 'hang':
        fault['seconds'] = _number(body.get('seconds', DEFAULT_HANG_SECONDS), 'seconds', 0, MAX_HANG_SECONDS, False)
    if kind == 'retry_after':
        fault['retry_after_ms'] = _number(body.get('retry_after_ms', DEFAULT_RETRY_AFTER_MS), 'retry_after_ms', 1, 86400000, True)
    if kind in _DEFAULT_INTERVALS:
        fault['interval'] = _number(body.get('interval', _DEFAULT_INTERVALS[kind]), 'interval', MIN_INTERVAL, MAX_INTERVAL, False)
    if kind == 'huge_numbers':
        fault['field'] = body.get('field', 'AfterTime')
        if fault['field'] not in HUGE_NUMBER_FIELDS:
            raise ValueError('field must be one of %s' % ', '.join(HUGE_NUMBER_FIELDS))
        fault['value'] = _json_number(body.get('value', DEFAULT_HUGE_NUMBER))
    return fault, count


def _json_number(value):
    """Validate the ``value`` of huge_numbers: a JSON number token (a string, or an integer), returned as a string."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or len(value) > MAX_HUGE_NUMBER_LENGTH or not JSON_NUMBER_RE.match(value):
        raise ValueError('value must be a JSON number as a string of at most %d characters, e.g. "1e400" or "%s"'
                         % (MAX_HUGE_NUMBER_LENGTH, DEFAULT_HUGE_NUMBER))
    return value


def truncated_body(body_bytes):
    """First half of a valid JSON body."""
    return body_bytes[:len(body_bytes) // 2]


def bad_shape_body(request_id):
    """A JSON object without InstanceStatusList (or Credentials)."""
    return encode_json({'RequestId': request_id, 'Unexpected': True})


def _credentials_of(success):
    """The credential mapping of an STS (``Credentials``) or metadata (top level) success body, or None."""
    if isinstance(success.get('Credentials'), dict):
        return success['Credentials']
    if 'AccessKeyId' in success:
        return success
    return None


def _copy_with_credentials(success, change):
    """A copy of a credential body with ``change(credentials dict)`` applied to its credential mapping."""
    result = dict(success)
    if isinstance(success.get('Credentials'), dict):
        result['Credentials'] = dict(success['Credentials'])
        change(result['Credentials'])
    else:
        change(result)
    return result


def missing_fields_body(success):
    """The success body with ``Status`` removed from every instance (credential bodies: without SecurityToken)."""
    if _credentials_of(success) is not None:
        return encode_json(_copy_with_credentials(success, lambda creds: creds.pop('SecurityToken', None)))
    instances = [{k: v for k, v in inst.items() if k != 'Status'} for inst in success['InstanceStatusList']]
    return encode_json({'RequestId': success['RequestId'], 'InstanceStatusList': instances})


def _break_credential_types(creds):
    creds['Expiration'] = 1893456000
    creds['AccessKeyId'] = 12345


def wrong_types_body(success):
    """The success body with CertTotalCount a non-numeric string and AfterTime a string.

    Credential bodies: Expiration an integer and AccessKeyId a number.
    """
    if _credentials_of(success) is not None:
        return encode_json(_copy_with_credentials(success, _break_credential_types))
    instances = []
    for inst in success['InstanceStatusList']:
        inst = dict(inst)
        inst['CertTotalCount'] = 'unlimited'
        inst['AfterTime'] = '2031-01-01T00:00:00Z'
        instances.append(inst)
    return encode_json({'RequestId': success['RequestId'], 'InstanceStatusList': instances})


@functools.lru_cache(maxsize=2)
def _filler(target):
    """Generated filler instances (comma-separated JSON objects) of about ``target`` bytes."""
    template = ('{"InstanceId":"cas-member-oversized-%07d","Status":"USED","Type":"SUB_ROOT","CertTotalCount":1000,'
                '"CertIssuedCount":1,"BeforeTime":1700000000000,"AfterTime":2000000000000,"UseExpireTime":1900000000000,'
                '"Identifier":"%s"}')
    chunks = []
    batch = []
    size = 0
    index = 0
    while size < target:
        piece = (',' if index else '') + template % (index, hashlib.md5(b'%d' % index).hexdigest())
        batch.append(piece)
        size += len(piece)
        index += 1
        if len(batch) >= 2000:
            chunks.append(''.join(batch).encode('ascii'))
            batch = []
    if batch:
        chunks.append(''.join(batch).encode('ascii'))
    return tuple(chunks)


def oversized_chunks(success, target=OVERSIZED_TARGET_BYTES):
    """About ``target`` bytes of valid JSON: the real instances followed by generated filler instances.

    Credential bodies get a ``Padding`` string member instead. Returned as a list of byte chunks
    (the body is their concatenation).
    """
    head = encode_json(success)
    if 'InstanceStatusList' not in success:
        return [head[:-1], b',"Padding":"'] + [b'x' * (1024 * 1024)] * (target // (1024 * 1024)) + [b'"}']
    # Re-open the InstanceStatusList array (the last key): ...]} -> ...,<filler>]}
    prefix = head[:-2]
    separator = b',' if success['InstanceStatusList'] else b''
    return [prefix, separator] + list(_filler(target)) + [b']}']


def deep_json_body(success):
    """Valid JSON nested DEEP_JSON_DEPTH levels deep: the InstanceStatusList is ``[[[...]]]``."""
    return b''.join([b'{"RequestId":', encode_json(success['RequestId']), b',"InstanceStatusList":',
                     b'[' * DEEP_JSON_DEPTH, b']' * DEEP_JSON_DEPTH, b'}'])


def huge_numbers_body(success, field, value):
    """The success body with ``field`` of every instance set to the JSON number token ``value`` (verbatim)."""
    marker = '\x00huge-number\x00'
    instances = [dict(inst, **{field: marker}) for inst in success['InstanceStatusList']]
    body = encode_json({'RequestId': success['RequestId'], 'InstanceStatusList': instances})
    return body.replace(encode_json(marker), value.encode('ascii'))


def duplicate_instance_body(success):
    """Every instance listed twice: first a copy with another Status (REVOKE, or USED for a revoked one), then the real one."""
    instances = []
    for inst in success['InstanceStatusList']:
        instances.append(dict(inst, Status='USED' if inst.get('Status') == 'REVOKE' else 'REVOKE'))
        instances.append(inst)
    return encode_json({'RequestId': success['RequestId'], 'InstanceStatusList': instances})


def echo_secret_body(secret, token, request_id, host_id, product):
    """A hostile error body whose Code, Message, RequestId and Recommend all hold the secret (and the token, if any)."""
    echoed = secret if token is None else '%s %s' % (secret, token)
    message = 'The AccessKeySecret %s was rejected.' % secret
    if token is not None:
        message += ' SecurityToken: %s' % token
    return error_body('InvalidAccessKeySecret.' + echoed, message, '%s:%s' % (request_id, echoed), host_id, product)


def data_fault_chunks(fault, success, request_id):
    """The body (list of byte chunks) that replaces a successful JSON answer for a data fault, or None when the
    fault does not apply to this answer (a GetCAInstanceStatus-only fault on a credentials answer)."""
    kind = fault['kind']
    if kind in CAS_DATA_FAULTS:
        if 'InstanceStatusList' not in success:
            return None
        if kind == 'deep_json':
            return [deep_json_body(success)]
        if kind == 'huge_numbers':
            return [huge_numbers_body(success, fault['field'], fault['value'])]
        return [duplicate_instance_body(success)]
    if kind == 'truncated':
        return [truncated_body(encode_json(success))]
    if kind == 'bad_shape':
        if 'RequestId' not in success:  # metadata credentials
            return [encode_json({'Code': 'Success', 'Unexpected': True})]
        return [bad_shape_body(request_id)]
    if kind == 'missing_fields':
        return [missing_fields_body(success)]
    if kind == 'wrong_types':
        return [wrong_types_body(success)]
    return oversized_chunks(success)


def rewrite_head(head, replace=(), drop=()):
    """A response head (status line and header lines, without the blank line) with headers replaced or added
    (``replace``: ``(name, value)`` pairs) and others dropped (``drop``: lower-case names), blank line included."""
    names = set(name.lower() for name, _value in replace) | set(drop)
    lines = [line for line in head.split(b'\r\n') if line.split(b':', 1)[0].strip().lower().decode('latin-1') not in names]
    lines += [('%s: %s' % (name, value)).encode('latin-1') for name, value in replace]
    return b'\r\n'.join(lines) + b'\r\n\r\n'
