# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Error codes, HTTP statuses, messages and the POP gateway error body."""

from __future__ import annotations

import json
import uuid

from . import DEFAULT_HOST_ID, PRODUCT

JSON_CONTENT_TYPE = 'application/json;charset=utf-8'

# Code -> (HTTP status, default Message).
ERRORS = {
    'InternalError': (500, 'The request processing has failed due to some unknown error, exception or failure.'),
    'ServiceUnavailable': (503, 'The request has failed due to a temporary failure of the server.'),
    'Throttling.User': (400, 'Request was denied due to user flow control.'),
    'SignatureDoesNotMatch': (400, 'Specified signature is not matched with our calculation.'),
    'IncompleteSignature': (400, 'The request signature does not conform to Aliyun standards.'),
    'InvalidSignatureMethod': (400, 'Specified signature method is not supported.'),
    'InvalidSignatureVersion': (400, 'Specified signature version is not supported.'),
    'InvalidAccessKeyId.NotFound': (404, 'Specified access key is not found.'),
    'MissingSecurityToken': (400, 'SecurityToken is mandatory for this action.'),
    'InvalidSecurityToken.MismatchWithAccessKey': (400, 'Specified SecurityToken mismatch with the AccessKey.'),
    'InvalidSecurityToken.Malformed': (400, 'Specified SecurityToken is malformed.'),
    'InvalidTimeStamp.Format': (400, 'Specified time stamp or date value is not well formatted.'),
    'InvalidTimeStamp.Expired': (400, 'Specified time stamp or date value is expired.'),
    'SignatureNonceUsed': (400, 'Specified signature nonce was used already.'),
    'Forbidden.RAM': (403, "User not authorized to operate on the specified resource, or this API doesn't support RAM."),
    'InvalidAction.NotFound': (404, 'Specified api is not found, please check your url and method.'),
    'InvalidVersion': (400, 'Specified parameter Version is not valid.'),
    'InvalidInstanceId.NotFound': (404, 'The specified InstanceId does not exist.'),
    'InvalidSecurityToken.Expired': (400, 'Specified SecurityToken is expired.'),
    # STS (2015-04-01)
    'NoPermission': (403, 'You are not authorized to do this action. You should be authorized by RAM.'),
    'EntityNotExist.Role': (404, 'The specified Role not exists .'),
    'InvalidParameter.RoleArn': (400, 'The parameter RoleArn is wrongly formed.'),
    'InvalidParameter.RoleSessionName': (400, 'The parameter RoleSessionName is wrongly formed.'),
    'InvalidParameter.DurationSeconds': (400, 'The Min/Max value of DurationSeconds is 15min/1hr.'),
    'InvalidParameter.PolicyGrammar': (400, 'The parameter Policy has not passed grammar check.'),
    'InvalidParameter.PolicySize': (400, 'The size of Policy must be smaller than 2048 bytes.'),
    'InvalidParameter.ExternalId': (400, 'The parameter ExternalId is wrongly formed.'),
    'AuthenticationFail.NoPermission': (401, 'There is no permission'),
    'AuthenticationFail.OIDCToken.Invalid': (401, 'The Jwt content is invalid that cannot be recognized.'),
    'AuthenticationFail.OIDCToken.Expired': (401, 'This JsonWebToken is expired.'),
}

MISSING_PARAM_STATUS = 400


class ApiError(Exception):
    """An error answered with the POP gateway JSON error body."""

    def __init__(self, code, message=None, status=None, headers=None):
        default_status, default_message = ERRORS.get(code, (MISSING_PARAM_STATUS, code))
        self.code = code
        self.message = default_message if message is None else message
        self.status = default_status if status is None else status
        self.headers = list(headers or [])
        super().__init__('%s: %s' % (code, self.message))


def missing(param, hint=None):
    """Return the ``Missing<Param>`` error for a required common parameter."""
    message = '%s is mandatory for this action.' % param
    if hint:
        message = '%s (%s) is mandatory for this action.' % (param, hint)
    return ApiError('Missing%s' % param, message, MISSING_PARAM_STATUS)


def new_request_id():
    """Return a new upper-case UUID request id."""
    return str(uuid.uuid4()).upper()


def recommend_url(code, request_id, product=PRODUCT):
    """Return the troubleshooting URL of the Recommend field."""
    return 'https://api.aliyun.com/troubleshoot?q=%s&product=%s&requestId=%s' % (code, product, request_id)


def error_body(code, message, request_id, host_id=None, product=PRODUCT):
    """Return the error body (as a dict) in the POP gateway field order."""
    return {
        'RequestId': request_id,
        'HostId': host_id or DEFAULT_HOST_ID,
        'Code': code,
        'Message': message,
        'Recommend': recommend_url(code, request_id, product),
    }


def encode_json(data):
    """Encode a JSON body as compact UTF-8 bytes."""
    return json.dumps(data, ensure_ascii=False, separators=(',', ':')).encode('utf-8')
