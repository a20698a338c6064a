# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ECS instance metadata service (as on 100.100.100.200): session tokens and RAM role credentials."""

from __future__ import annotations

import re
import secrets

from . import credentials

METADATA_PREFIX = '/latest'
TOKEN_PATH = '/latest/api/token'
CREDENTIALS_PATH = '/latest/meta-data/ram/security-credentials'
# The spelling used by the legacy alibaba.alicloud collection; the real service answers it too.
LEGACY_CREDENTIALS_PATH = '/latest/meta-data/Ram/security-credentials'
TTL_HEADER = 'X-aliyun-ecs-metadata-token-ttl-seconds'
TOKEN_HEADER = 'X-aliyun-ecs-metadata-token'
MAX_TOKEN_TTL_SECONDS = 21600
ECS_SOURCE = 'ecs-metadata'
TEXT_CONTENT_TYPE = 'text/plain'
HTML_CONTENT_TYPE = 'text/html'

# Counter names (metadata_requests) and calls_by_action names of the request kinds.
KIND_TOKEN = 'token'
KIND_ROLE_NAME = 'role_name'
KIND_CREDENTIALS = 'credentials'
KIND_OTHER = 'other'
ACTION_NAMES = {
    KIND_TOKEN: 'metadata:token',
    KIND_ROLE_NAME: 'metadata:role-name',
    KIND_CREDENTIALS: 'metadata:credentials',
    KIND_OTHER: 'metadata:other',
}

_REASONS = {400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed'}
_TTL_RE = re.compile(r'^\d{1,9}$')


class MetadataAnswer:
    """One metadata response: status, content type, body bytes, and the JSON document of a credentials answer."""

    def __init__(self, status, body, content_type=TEXT_CONTENT_TYPE, document=None):
        self.status = status
        self.body = body
        self.content_type = content_type
        self.document = document


def is_metadata_path(path):
    """True for paths served by the metadata emulation (everything under /latest/)."""
    return path == METADATA_PREFIX or path.startswith(METADATA_PREFIX + '/')


def classify(path):
    """``(kind, role name or None)`` of a metadata path (``ram`` may also be spelt ``Ram``)."""
    if path == TOKEN_PATH:
        return KIND_TOKEN, None
    for prefix in (CREDENTIALS_PATH, LEGACY_CREDENTIALS_PATH):
        if path in (prefix, prefix + '/'):
            return KIND_ROLE_NAME, None
        if path.startswith(prefix + '/'):
            role = path[len(prefix) + 1:]
            if role and '/' not in role:
                return KIND_CREDENTIALS, role
    return KIND_OTHER, None


def error_page(status):
    """A small HTML error page like the metadata server's."""
    reason = _REASONS.get(status, 'Error')
    html = ('<?xml version="1.0" encoding="iso-8859-1"?>\n<!DOCTYPE html>\n<html><head><title>%d - %s</title></head>'
            '<body><h1>%d - %s</h1></body></html>\n' % (status, reason, status, reason))
    return MetadataAnswer(status, html.encode('ascii'), HTML_CONTENT_TYPE)


def _new_token(header, state):
    """PUT /latest/api/token: a token valid for the requested TTL (1..21600 seconds), else 400."""
    ttl = (header(TTL_HEADER) or '').strip()
    if not _TTL_RE.match(ttl) or not 1 <= int(ttl) <= MAX_TOKEN_TTL_SECONDS:
        return error_page(400)
    token = secrets.token_urlsafe(40)
    state.new_metadata_token(token, int(ttl), state.now())
    return MetadataAnswer(200, token.encode('ascii'))


def _credentials_document(role, fixtures, state):
    """The credentials JSON of the attached role (cached until half of their lifetime has passed)."""
    settings = fixtures.metadata
    seconds = state.setting('sts_duration') or settings['credential_duration']
    now = state.now()

    def factory():
        return credentials.issue(settings['account'], seconds, now, ECS_SOURCE, settings['denied_actions'])

    key, issued_at = state.ecs_credentials(role, now, factory)
    return {
        'AccessKeyId': key.id,
        'AccessKeySecret': key.secret,
        'Expiration': credentials.format_time(key.expires_at),
        'SecurityToken': key.security_token,
        'LastUpdated': credentials.format_time(issued_at),
        'Code': 'Success',
    }


def _answer(method, kind, role_in_path, token, header, fixtures, state):
    """The answer to a metadata request of a given kind."""
    if kind == KIND_TOKEN:
        return _new_token(header, state) if method == 'PUT' else error_page(405)
    if method != 'GET':
        return error_page(405)
    if token is not None and not state.metadata_token_valid(token, state.now()):
        return error_page(401)
    if token is None and state.setting('metadata_require_token'):
        return error_page(403)
    role = state.setting('ecs_role')
    if kind == KIND_ROLE_NAME:
        return MetadataAnswer(200, role.encode('utf-8')) if role else error_page(404)
    if kind == KIND_CREDENTIALS and role and role_in_path == role:
        return MetadataAnswer(200, None, TEXT_CONTENT_TYPE, _credentials_document(role, fixtures, state))
    return error_page(404)


def request_counts(kind, header):
    """The ``metadata_requests`` counter names of a request: its kind, and for GETs whether it carried a token."""
    if kind == KIND_TOKEN:
        return [kind]
    return [kind, 'with_token' if header(TOKEN_HEADER) is not None else 'without_token']


def handle_metadata(method, path, header, fixtures, state):
    """Answer a metadata request (``header(name)`` reads a request header); return ``(kind, MetadataAnswer)``.

    The caller handles ``metadata_enabled``, faults and the request counters; this counts ``rejected``
    (401 and 403 answers).
    """
    kind, role_in_path = classify(path)
    token = header(TOKEN_HEADER) if kind != KIND_TOKEN else None
    answer = _answer(method, kind, role_in_path, token, header, fixtures, state)
    if answer.status in (401, 403):
        state.count_metadata('rejected')
    return kind, answer
