# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Control interface under ``/_emulator/`` (loopback clients only, JSON in and out)."""

from __future__ import annotations

import ipaddress
import json
import time

from .credentials import format_time
from .faults import FAULT_KINDS, FAULT_TARGETS, parse_fault_request
from .ram_fixtures import MAX_TESTING_DURATION, ROLE_NAME_RE

CONTROL_PREFIX = '/_emulator/'
MAX_SKEW_SECONDS = 10 * 365 * 86400
SETTING_NAMES = ('sts_duration', 'metadata_enabled', 'metadata_require_token', 'ecs_role')


def is_control_path(path):
    """True for paths of the control interface."""
    return path == CONTROL_PREFIX.rstrip('/') or path.startswith(CONTROL_PREFIX)


def is_loopback(address):
    """True if a client address (IPv4, IPv6 or IPv4-mapped IPv6, optionally with a %zone) is loopback."""
    try:
        ip = ipaddress.ip_address(str(address).split('%', 1)[0])
    except ValueError:
        return False
    mapped = getattr(ip, 'ipv4_mapped', None)
    if mapped is not None:
        ip = mapped
    return ip.is_loopback


def _clock(state):
    """The clock view returned by the clock endpoints."""
    now = state.now()
    return {
        'skew_seconds': state.skew_seconds,
        'now': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(now)),
        'now_ms': int(now * 1000),
    }


def _refuse_constant(name):
    raise ValueError('%s is not a JSON number; give a finite number' % name)


def _parse_json(body):
    """Parse a JSON request body (empty means {}). NaN and Infinity, which Python's parser would take, are refused
    here for every control request: no setting, skew or fault parameter is meaningful with them."""
    if not body or not body.strip():
        return {}
    try:
        return json.loads(body.decode('utf-8'), parse_constant=_refuse_constant)
    except RecursionError:
        raise ValueError('the body is not valid JSON: nested too deeply') from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise ValueError('the body is not valid JSON: %s' % exc) from None


def handle_control(method, path, body, state, fixtures=None):
    """Run one control request; return ``(http status, JSON-ready dict)``. ``fixtures`` (the loaded Fixtures) is
    needed only by ``GET /_emulator/certificates``."""
    route = path[len(CONTROL_PREFIX):].strip('/') if path.startswith(CONTROL_PREFIX) else ''
    routes = {
        ('GET', 'health'): _get_health,
        ('GET', 'counters'): _get_counters,
        ('GET', 'certificates'): lambda data, state: _get_certificates(fixtures),
        ('POST', 'reset'): _post_reset,
        ('GET', 'faults'): _get_faults,
        ('POST', 'faults'): _post_faults,
        ('DELETE', 'faults'): _delete_faults,
        ('GET', 'clock'): _get_clock,
        ('POST', 'clock'): _post_clock,
        ('GET', 'settings'): _get_settings,
        ('POST', 'settings'): _post_settings,
        ('GET', 'credentials'): _get_credentials,
        ('POST', 'credentials/expire'): _post_expire_credentials,
        ('POST', 'shutdown'): _post_shutdown,
    }
    handler = routes.get((method, route))
    if handler is None:
        allowed = sorted(m for m, r in routes if r == route)
        if allowed:
            return 405, {'error': 'method %s not allowed on %s%s (allowed: %s)' % (method, CONTROL_PREFIX, route, ', '.join(allowed))}
        return 404, {'error': 'unknown control path %s; see docs/emulator.md' % path}
    try:
        return handler(_parse_json(body), state)
    except ValueError as exc:
        return 400, {'error': str(exc)}


def _get_health(data, state):
    """Liveness check."""
    return 200, {'ok': True}


def _post_shutdown(data, state):
    """Stop the emulator once this answer is sent (the server sets ``state.stop_event`` then)."""
    return 200, {'stopping': True}


def is_shutdown(method, path):
    """True for the control request that stops the emulator."""
    return method == 'POST' and path.rstrip('/') == CONTROL_PREFIX + 'shutdown'


def _get_counters(data, state):
    """Counter snapshot."""
    return 200, state.counters()


def _get_certificates(fixtures):
    """The client and server certificates of the fixtures (times resolved), in fixture order."""
    return 200, {'certificates': list(fixtures.certificates.values()) if fixtures is not None else []}


def _post_reset(data, state):
    """Clear counters, faults, nonces, throttling windows, skew, issued credentials and metadata tokens;
    restore the startup settings."""
    state.reset()
    return 200, {'ok': True}


def _get_faults(data, state):
    """Queued faults and the known kinds."""
    return 200, {'pending': state.pending_faults(), 'kinds': list(FAULT_KINDS), 'targets': list(FAULT_TARGETS)}


def _delete_faults(data, state):
    """Drop queued faults."""
    state.clear_faults()
    return 200, {'pending': []}


def _get_clock(data, state):
    """Current emulator clock and skew."""
    return 200, _clock(state)


def _post_faults(data, state):
    """Queue faults for the next API requests."""
    fault, count = parse_fault_request(data)
    state.queue_faults(fault, count)
    return 200, {'queued': count, 'fault': fault, 'pending': state.pending_faults()}


def _post_clock(data, state):
    """Set the clock skew."""
    if not isinstance(data, dict):
        raise ValueError('the body must be a JSON object like {"skew_seconds": -1200}')
    unknown = sorted(k for k in data if k != 'skew_seconds')
    if unknown:
        raise ValueError('unknown field %r (allowed: skew_seconds)' % unknown[0])
    skew = data.get('skew_seconds')
    if isinstance(skew, bool) or not isinstance(skew, (int, float)) or abs(skew) > MAX_SKEW_SECONDS:
        raise ValueError('skew_seconds must be a number of seconds between -%d and %d' % (MAX_SKEW_SECONDS, MAX_SKEW_SECONDS))
    state.set_skew(skew)
    return 200, _clock(state)


def _get_settings(data, state):
    """The runtime settings of the STS and metadata emulation."""
    return 200, state.settings()


def _post_settings(data, state):
    """Change runtime settings (until the next reset): sts_duration, metadata_enabled, metadata_require_token, ecs_role."""
    if not isinstance(data, dict) or not data:
        raise ValueError('the body must be a JSON object like {"sts_duration": 5} (fields: %s)' % ', '.join(SETTING_NAMES))
    unknown = sorted(k for k in data if k not in SETTING_NAMES)
    if unknown:
        raise ValueError('unknown field %r (allowed: %s)' % (unknown[0], ', '.join(SETTING_NAMES)))
    duration = data.get('sts_duration')
    if duration is not None and (isinstance(duration, bool) or not isinstance(duration, int)
                                 or not 1 <= duration <= MAX_TESTING_DURATION):
        raise ValueError('sts_duration must be null or an integer number of seconds between 1 and %d' % MAX_TESTING_DURATION)
    for name in ('metadata_enabled', 'metadata_require_token'):
        if name in data and not isinstance(data[name], bool):
            raise ValueError('%s must be true or false' % name)
    role = data.get('ecs_role')
    if role is not None and (not isinstance(role, str) or not ROLE_NAME_RE.match(role)):
        raise ValueError('ecs_role must be null (no role attached) or a RAM role name')
    return 200, state.update_settings(**data)


def _credential_view(key, now):
    """An issued credential as the control interface shows it: never the secret or the token."""
    return {
        'AccessKeyId': key.id,
        'account': key.account,
        'source': key.source,
        'Expiration': format_time(key.expires_at),
        'expired': now >= key.expires_at,
    }


def _get_credentials(data, state):
    """The temporary credentials issued so far (STS and metadata), oldest first."""
    now = state.now()
    return 200, {'issued': [_credential_view(key, now) for key in state.issued_keys()]}


def _post_expire_credentials(data, state):
    """Make every issued temporary credential expire now (CAS calls with them get InvalidSecurityToken.Expired)."""
    return 200, {'expired': state.expire_issued_keys(state.now())}
