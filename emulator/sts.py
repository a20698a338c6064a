# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""STS 2015-04-01: AssumeRole (signed) and AssumeRoleWithOIDC (anonymous); issued keys then work for CAS."""

from __future__ import annotations

import json
import re

from . import credentials
from .actions import ASSUME_ROLE, ASSUME_ROLE_WITH_OIDC
from .errors import ApiError
from .ram_fixtures import ROLE_ARN_RE, role_key

DEFAULT_DURATION_SECONDS = 3600
SESSION_NAME_RE = re.compile(r'^[A-Za-z0-9.@_-]{2,64}$')
EXTERNAL_ID_RE = re.compile(r'^[A-Za-z0-9=,.@:/_-]{2,1224}$')
MAX_POLICY_BYTES = 2048
MIN_OIDC_TOKEN_LENGTH = 4
MAX_OIDC_TOKEN_LENGTH = 20000


def _missing(param):
    return ApiError('Missing%s' % param, '%s is mandatory for this action.' % param, 400)


def _human(seconds):
    """900 -> 15min, 3600 -> 1hr, 43200 -> 12hr (as in the real InvalidParameter.DurationSeconds message)."""
    if seconds % 3600 == 0:
        return '%dhr' % (seconds // 3600)
    if seconds % 60 == 0:
        return '%dmin' % (seconds // 60)
    return '%ds' % seconds


def _duration_error(minimum, maximum):
    return ApiError('InvalidParameter.DurationSeconds',
                    'The Min/Max value of DurationSeconds is %s/%s.' % (_human(minimum), _human(maximum)))


def parse_duration(params):
    """DurationSeconds as an integer (default 3600); range-checked later against the role."""
    text = params.get('DurationSeconds')
    if text is None or text == '':
        return DEFAULT_DURATION_SECONDS
    if not re.match(r'^\d{1,9}$', text.strip()):
        raise _duration_error(900, 3600)
    return int(text.strip())


def check_session_name(params):
    """RoleSessionName: required, 2-64 of letters, digits, ``. @ - _``."""
    name = params.get('RoleSessionName')
    if name is None or name == '':
        raise _missing('RoleSessionName')
    if not SESSION_NAME_RE.match(name):
        raise ApiError('InvalidParameter.RoleSessionName')
    return name


def check_policy(params):
    """Policy, if given: a JSON object of at most 2048 bytes."""
    policy = params.get('Policy')
    if policy is None or policy == '':
        return
    if len(policy.encode('utf-8')) > MAX_POLICY_BYTES:
        raise ApiError('InvalidParameter.PolicySize')
    try:
        document = json.loads(policy)
    except ValueError:
        raise ApiError('InvalidParameter.PolicyGrammar')
    if not isinstance(document, dict) or 'Statement' not in document:
        raise ApiError('InvalidParameter.PolicyGrammar')


def find_role(fixtures, params):
    """The role named by RoleArn: MissingRoleArn, InvalidParameter.RoleArn or EntityNotExist.Role otherwise."""
    arn = params.get('RoleArn')
    if arn is None or arn == '':
        raise _missing('RoleArn')
    if not ROLE_ARN_RE.match(arn):
        raise ApiError('InvalidParameter.RoleArn')
    role = fixtures.roles.get(role_key(arn))
    if role is None:
        raise ApiError('EntityNotExist.Role')
    return role


def lifetime(role, duration, state):
    """Check DurationSeconds against the role; return the lifetime of the credentials to issue.

    The ``sts_duration`` setting (testing aid), when set, replaces the lifetime (not the check).
    """
    if not role.min_session_duration <= duration <= role.max_session_duration:
        raise _duration_error(role.min_session_duration, role.max_session_duration)
    override = state.setting('sts_duration')
    return override if override is not None else duration


def _issue(role, session_name, seconds, state, source):
    """Issue and register credentials for a role session; return the common part of the success body."""
    now = state.now()
    key = credentials.issue(role.account, seconds, now, source, role.denied_actions)
    state.register_key(key, now)
    return {
        'AssumedRoleUser': {
            'AssumedRoleId': '%s:%s' % (credentials.assumed_role_id(), session_name),
            'Arn': 'acs:ram::%s:assumed-role/%s/%s' % (role.account, role.name, session_name),
        },
        'Credentials': {
            'AccessKeyId': key.id,
            'AccessKeySecret': key.secret,
            'SecurityToken': key.security_token,
            'Expiration': credentials.format_time(key.expires_at),
        },
    }


def assume_role(fixtures, state, key, params, request_id):
    """AssumeRole: the caller's key (already authenticated) must be trusted by the role."""
    role_arn = params.get('RoleArn')
    if role_arn is None or role_arn == '':
        raise _missing('RoleArn')
    session_name = check_session_name(params)
    duration = parse_duration(params)
    check_policy(params)
    external_id = params.get('ExternalId')
    if external_id and not EXTERNAL_ID_RE.match(external_id):
        raise ApiError('InvalidParameter.ExternalId')
    role = find_role(fixtures, params)
    if not role.trusts_key(key):
        raise ApiError('NoPermission')
    if role.external_id is not None and external_id != role.external_id:
        raise ApiError('NoPermission')
    seconds = lifetime(role, duration, state)
    body = {'RequestId': request_id}
    body.update(_issue(role, session_name, seconds, state, ASSUME_ROLE))
    return body


def _check_oidc_token(provider, token):
    """Static token check: accepted, known as expired, or invalid (with the real messages)."""
    if token in provider.tokens:
        return
    if token in provider.expired_tokens:
        raise ApiError('AuthenticationFail.OIDCToken.Expired')
    if len(token.split('.')) != 3:
        raise ApiError('AuthenticationFail.OIDCToken.Invalid', "The number of Jwt field should be divided into 3 parts with '.' .")
    raise ApiError('AuthenticationFail.OIDCToken.Invalid')


def assume_role_with_oidc(fixtures, state, params, request_id):
    """AssumeRoleWithOIDC: anonymous; the OIDC token must be accepted by a provider the role trusts."""
    provider_arn = params.get('OIDCProviderArn')
    if provider_arn is None or provider_arn == '':
        raise _missing('OIDCProviderArn')
    if params.get('RoleArn') is None or params.get('RoleArn') == '':
        raise _missing('RoleArn')
    token = params.get('OIDCToken') or ''
    if not token:
        raise ApiError('AuthenticationFail.OIDCToken.Invalid', 'The OIDCToken can not empty.')
    session_name = check_session_name(params)
    duration = parse_duration(params)
    check_policy(params)
    if not MIN_OIDC_TOKEN_LENGTH <= len(token) <= MAX_OIDC_TOKEN_LENGTH:
        raise ApiError('AuthenticationFail.OIDCToken.Invalid')
    provider = fixtures.oidc_providers.get(provider_arn)
    if provider is None:
        raise ApiError('AuthenticationFail.NoPermission', 'No such OIDC Provider registered.')
    _check_oidc_token(provider, token)
    role = find_role(fixtures, params)
    if provider.arn not in role.trusted_oidc_providers or provider.account != role.account:
        raise ApiError('AuthenticationFail.NoPermission')
    seconds = lifetime(role, duration, state)
    body = {'RequestId': request_id}
    body.update(_issue(role, session_name, seconds, state, ASSUME_ROLE_WITH_OIDC))
    issued = state.now()
    body['OIDCTokenInfo'] = {
        'Subject': provider.subject,
        'Issuer': provider.issuer,
        'ClientIds': ','.join(provider.client_ids),
        'IssuanceTime': credentials.format_time(issued),
        'ExpirationTime': credentials.format_time(issued + 3600),
        'VerificationInfo': 'Success',
    }
    body['SourceIdentity'] = provider.subject
    return body


def run_sts_action(action, fixtures, state, key, params, request_id):
    """Dispatch an STS action (``key`` is None for the anonymous AssumeRoleWithOIDC)."""
    if action == ASSUME_ROLE:
        return assume_role(fixtures, state, key, params, request_id)
    if action == ASSUME_ROLE_WITH_OIDC:
        return assume_role_with_oidc(fixtures, state, params, request_id)
    raise ApiError('InvalidAction.NotFound')
