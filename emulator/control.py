# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Control interface under ``/_emulator/`` (loopback clients only, JSON in and out)."""

from __future__ import annotations

import ipaddress
import json
import time

from .faults import FAULT_KINDS, parse_fault_request

CONTROL_PREFIX = '/_emulator/'
MAX_SKEW_SECONDS = 10 * 365 * 86400


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


def _parse_json(body):
    """Parse a JSON request body (empty means {})."""
    if not body or not body.strip():
        return {}
    try:
        return json.loads(body.decode('utf-8'))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ValueError('the body is not valid JSON: %s' % exc)


def handle_control(method, path, body, state):
    """Run one control request; return ``(http status, JSON-ready dict)``."""
    route = path[len(CONTROL_PREFIX):].strip('/') if path.startswith(CONTROL_PREFIX) else ''
    routes = {
        ('GET', 'health'): _get_health,
        ('GET', 'counters'): _get_counters,
        ('POST', 'reset'): _post_reset,
        ('GET', 'faults'): _get_faults,
        ('POST', 'faults'): _post_faults,
        ('DELETE', 'faults'): _delete_faults,
        ('GET', 'clock'): _get_clock,
        ('POST', 'clock'): _post_clock,
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


def _get_counters(data, state):
    """Counter snapshot."""
    return 200, state.counters()


def _post_reset(data, state):
    """Clear counters, faults, nonces, throttling windows and skew."""
    state.reset()
    return 200, {'ok': True}


def _get_faults(data, state):
    """Queued faults and the known kinds."""
    return 200, {'pending': state.pending_faults(), 'kinds': list(FAULT_KINDS)}


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
