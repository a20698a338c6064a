# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ECS instance metadata service: the instance role's temporary credentials.

As the official credentials library: plain HTTP to 100.100.100.200, a session
token first (``PUT /latest/api/token``, IMDSv2 style), then the role name and
the role's credentials, each step bounded by 1-second timeouts. If the service
answers the token request with an HTTP error (an old or hardened-off service),
the requests go without a token unless ``ALIBABA_CLOUD_IMDSV1_DISABLED=true``;
if it does not answer at all, nothing more is tried.

``ALICLOUD_CAS_ECS_METADATA_ENDPOINT`` points elsewhere: a testing aid for the
collection's emulator, not something to set in production.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_credentials import Credentials, parse_expiration
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_env import clean, printable_ascii, truthy
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_errors import CasCredentialError, CasTransportError

DEFAULT_ENDPOINT = 'http://100.100.100.200'
ENDPOINT_ENV = 'ALICLOUD_CAS_ECS_METADATA_ENDPOINT'
IMDSV1_DISABLED_ENV = 'ALIBABA_CLOUD_IMDSV1_DISABLED'
TIMEOUT = 1.0
TOKEN_TTL = '21600'
ROLE_PATH = '/latest/meta-data/ram/security-credentials/'


def metadata_endpoint(environ):
    return (clean(environ.get(ENDPOINT_ENV)) or '').rstrip('/') or DEFAULT_ENDPOINT


class EcsMetadata:
    """Three small HTTP requests; ``transport`` is the client's requests transport with 1-second timeouts."""

    def __init__(self, endpoint, transport, environ, retries=1, sleep=None):
        self.endpoint = endpoint
        self.host = endpoint.split('://', 1)[-1]
        self.transport = transport
        self.imdsv1_disabled = truthy(environ.get(IMDSV1_DISABLED_ENV))
        self.retries = retries
        self._sleep = sleep

    def _request(self, method, path, headers):
        attempt = 0
        while True:
            try:
                return self.transport.request(method, self.endpoint + path, headers, self.host)
            except CasTransportError:
                if attempt >= self.retries:
                    raise
                attempt += 1
                if self._sleep:
                    self._sleep(0.1)

    def token(self):
        """A session token, or None when the service refuses to give one and IMDSv1 is allowed."""
        try:
            response = self._request('PUT', '/latest/api/token', {'X-aliyun-ecs-metadata-token-ttl-seconds': TOKEN_TTL})
        except CasTransportError as error:
            raise CasCredentialError('the metadata service is not reachable (%s): is this an ECS instance?'
                                     % error.message.rstrip('.')) from None
        if response.status == 200 and response.body.strip():
            token = response.body.decode('utf-8', 'replace').strip()
            if not printable_ascii(token):
                # It goes in a header, which cannot carry it; never shown (it is a credential).
                raise CasCredentialError('the metadata service answered a session token that is not printable ASCII '
                                         'text (a garbled answer): retry, and check what answers at %s'
                                         % self.endpoint)
            return token
        if self.imdsv1_disabled:
            raise CasCredentialError('the metadata service refused a session token (HTTP %d) and '
                                     'ALIBABA_CLOUD_IMDSV1_DISABLED=true forbids requests without one' % response.status)
        return None

    def _get(self, path, token):
        headers = {'X-aliyun-ecs-metadata-token': token} if token else {}
        try:
            response = self._request('GET', path, headers)
        except CasTransportError as error:
            raise CasCredentialError('the metadata service stopped answering (%s)' % error.message.rstrip('.')) from None
        return response

    def role_name(self, token):
        response = self._get(ROLE_PATH, token)
        name = response.body.decode('utf-8', 'replace').strip().splitlines()
        if response.status == 404 or (response.status == 200 and not name):
            raise CasCredentialError('no RAM role is attached to this ECS instance: attach one, or use another '
                                     'credential source')
        if response.status != 200:
            raise CasCredentialError('the metadata service answered HTTP %d for the role name' % response.status)
        return name[0].strip()

    def role_credentials(self, role_name, source):
        token = self.token()
        role_name = role_name or self.role_name(token)
        response = self._get(ROLE_PATH + role_name, token)
        if response.status == 404:
            raise CasCredentialError('the instance has no RAM role named %s: check ecs_role_name (or leave it out to '
                                     'use the attached role)' % role_name)
        if response.status in (401, 403):
            raise CasCredentialError('the metadata service refused the request (HTTP %d): the session token was '
                                     'not accepted' % response.status)
        if response.status != 200:
            raise CasCredentialError('the metadata service answered HTTP %d for role %s' % (response.status, role_name))
        try:
            data = json.loads(response.body.decode('utf-8'))
        except (ValueError, UnicodeDecodeError, RecursionError):
            raise CasCredentialError('the metadata service answered something that is not JSON for role %s'
                                     % role_name) from None
        fields = ('AccessKeyId', 'AccessKeySecret', 'SecurityToken', 'Expiration')
        if not isinstance(data, dict) or data.get('Code', 'Success') != 'Success' or \
                not all(isinstance(data.get(f), str) and data.get(f) for f in fields):
            code = data.get('Code') if isinstance(data, dict) else None
            raise CasCredentialError('the metadata service did not return credentials for role %s%s'
                                     % (role_name, ' (Code %s)' % code if isinstance(code, str) else ''))
        garbled = [f for f in fields[:3] if not printable_ascii(data[f])]
        if garbled:
            # Never the values themselves: they are credentials.
            raise CasCredentialError('the metadata service returned credentials for role %s whose %s holds characters '
                                     'other than printable ASCII (a garbled answer): retry, and check what answers '
                                     'at %s' % (role_name, ', '.join(garbled), self.endpoint))
        expiration = parse_expiration(data['Expiration'])
        if expiration is None:
            raise CasCredentialError('the metadata service returned an unreadable Expiration for role %s' % role_name)
        return Credentials(data['AccessKeyId'], data['AccessKeySecret'], data['SecurityToken'],
                           '%s' % source, expiration)
