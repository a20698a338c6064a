# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The connection options shared by every module and plugin, defined once.

``CONNECTION_OPTIONS`` is the single table: modules build their argument spec
from it (:func:`connection_argspec`), plugins read the same names through
``get_option`` and the doc fragment ``seed.alicloud_cas.connection`` documents
them (a unit test keeps the fragment and this table in step).
:class:`ClientConfig` validates the values whoever supplied them.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import math
import os
import re

from urllib.parse import urlsplit

from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_constants import (
    MAX_ROLE_DURATION, MIN_ROLE_DURATION, REGION_ID)
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_env import first_set
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_errors import REDACTED, CasConfigError

DEFAULT_REGION = 'cn-hangzhou'
DEFAULT_ENDPOINT = 'cas.aliyuncs.com'
DEFAULT_TIMEOUT = 10.0
DEFAULT_RETRIES = 5
DEFAULT_CACHE_TTL = 30
DEFAULT_RATE_LIMIT = 10.0
MAX_RETRIES = 20
MAX_TIMEOUT = 600.0
# At 0.1 calls per second a call waits at most 10 seconds for its slot. Above 10 exceeds what the service allows
# (10 per second per account); up to 1000 serves endpoints that allow more, such as the emulator.
MIN_RATE_LIMIT = 0.1
MAX_RATE_LIMIT = 1000.0

# Regions whose PCA API is documented on a regional host; every other region
# is served by cas.aliyuncs.com, as the official SDK's endpoint map does.
REGIONAL_ENDPOINTS = {
    'ap-southeast-1': 'cas.ap-southeast-1.aliyuncs.com',
    'eu-central-1': 'cas.eu-central-1.aliyuncs.com',
    'ap-northeast-1': 'cas.ap-northeast-1.aliyuncs.com',
    'me-east-1': 'cas.me-east-1.aliyuncs.com',
}

# name: (argspec, environment variables read for it)
CONNECTION_OPTIONS = {
    'access_key_id': (dict(type='str', no_log=False), ()),
    'access_key_secret': (dict(type='str', no_log=True), ()),
    'security_token': (dict(type='str', no_log=True), ()),
    'profile': (dict(type='str'), ()),
    'region': (dict(type='str', default=DEFAULT_REGION), ('ALIBABA_CLOUD_REGION_ID',)),
    'endpoint': (dict(type='str'), ('ALIBABA_CLOUD_ENDPOINT_CAS',)),
    'validate_certs': (dict(type='bool', default=True), ('ALICLOUD_CAS_VALIDATE_CERTS',)),
    'ca_bundle': (dict(type='path'), ('ALICLOUD_CAS_CA_BUNDLE',)),
    'timeout': (dict(type='float', default=DEFAULT_TIMEOUT), ('ALICLOUD_CAS_TIMEOUT',)),
    'retries': (dict(type='int', default=DEFAULT_RETRIES), ('ALICLOUD_CAS_RETRIES',)),
    'cache_ttl': (dict(type='int', default=DEFAULT_CACHE_TTL), ('ALICLOUD_CAS_CACHE_TTL',)),
    'rate_limit': (dict(type='float', default=DEFAULT_RATE_LIMIT), ('ALICLOUD_CAS_RATE_LIMIT',)),
    # Temporary credentials. Their environment variables are read by cas_credentials, in the chain's order.
    'role_arn': (dict(type='str'), ()),
    'role_session_name': (dict(type='str'), ()),
    'role_duration': (dict(type='int'), ()),
    'oidc_provider_arn': (dict(type='str'), ()),
    'oidc_token_file': (dict(type='path'), ()),
    'ecs_role_name': (dict(type='str'), ()),
    'sts_endpoint': (dict(type='str'), ('ALIBABA_CLOUD_STS_ENDPOINT',)),
    'cache_credentials': (dict(type='bool', default=False), ('ALICLOUD_CAS_CACHE_CREDENTIALS',)),
}
CREDENTIAL_SETTINGS = ('access_key_id', 'access_key_secret', 'security_token', 'profile', 'role_arn',
                       'role_session_name', 'role_duration', 'oidc_provider_arn', 'oidc_token_file', 'ecs_role_name',
                       'sts_endpoint', 'cache_credentials')

_HOST_RE = re.compile(r'^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$')


def env_fallback_nonempty(*names):
    """``AnsibleModule`` fallback: the first of ``names`` set to something other than blanks.

    An empty variable (a credential injector's empty field, ``export ALICLOUD_CAS_TIMEOUT=``) counts as unset,
    as it does for plugins, instead of failing the module with "unable to convert to float".
    """
    from ansible.module_utils.basic import AnsibleFallbackNotFound  # imported here: this file is also used without Ansible
    _value, name = first_set(os.environ, names)  # what counts as set is cas_env's to say
    if name is None:
        raise AnsibleFallbackNotFound
    return os.environ[name]  # as set: AnsibleModule converts it by the option's type


def connection_argspec():
    """Argument spec entries for ``AnsibleModule`` (environment fallbacks included)."""
    spec = {}
    for name, (argspec, env_vars) in CONNECTION_OPTIONS.items():
        entry = dict(argspec)
        if env_vars:
            entry['fallback'] = (env_fallback_nonempty, list(env_vars))
        spec[name] = entry
    return spec


def is_loopback(host):
    """True for 127.0.0.0/8, ::1 and localhost."""
    host = (host or '').strip('[]').lower()
    if host == 'localhost' or host.endswith('.localhost'):
        return True
    import ipaddress
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def endpoint_for_region(region):
    return REGIONAL_ENDPOINTS.get(region, DEFAULT_ENDPOINT)


def endpoint_userinfo(endpoint):
    """The ``user:password`` part of an endpoint URL (and the password alone), to hide; empty if there is none."""
    if not isinstance(endpoint, str) or '@' not in endpoint:
        return ()
    text = endpoint.strip()
    authority = (text.split('://', 1)[1] if '://' in text else text).split('/', 1)[0]
    if '@' not in authority:
        return ()
    userinfo = authority.rsplit('@', 1)[0]
    return tuple(v for v in (userinfo, userinfo.partition(':')[2]) if v)


def parse_endpoint(endpoint, option='endpoint'):
    """Return ``(base_url, host_header)`` for a host name or a URL, or raise CasConfigError naming ``option``."""
    text = endpoint.strip()
    userinfo = endpoint_userinfo(text)
    if userinfo:
        raise CasConfigError('%s %r holds credentials (user:password@): they would be sent to the endpoint and '
                             'shown in errors. Give the host or URL alone; AccessKeys go in access_key_id and '
                             'access_key_secret.' % (option, text.replace(userinfo[0], REDACTED)), option=option)
    url = text if '://' in text else 'https://' + text
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise CasConfigError('%s %r is not a valid host name or URL (%s): use a host such as '
                             'cas.aliyuncs.com or a URL such as https://cas.aliyuncs.com.' % (option, endpoint, exc), option=option)
    host = parts.hostname or ''
    scheme = parts.scheme.lower()
    valid_host = bool(_HOST_RE.match(host))
    if not valid_host:
        import ipaddress  # only for IPv6 literals: host names and IPv4 match the pattern
        try:
            ipaddress.ip_address(host)
            valid_host = True
        except ValueError:
            valid_host = False
    if scheme not in ('http', 'https') or not valid_host or parts.query or parts.fragment or parts.username \
            or parts.path not in ('', '/') or any(c.isspace() for c in text):
        raise CasConfigError('%s %r is not a valid host name or URL: use a host such as cas.aliyuncs.com, '
                             'or a URL such as https://cas.aliyuncs.com or http://127.0.0.1:8080 (no path, query '
                             'or credentials).' % (option, endpoint), option=option)
    if scheme == 'http' and not is_loopback(host):
        raise CasConfigError('%s %r uses plain http to a host that is not on this machine: credentials and '
                             'results would cross the network unencrypted; use https.' % (option, endpoint), option=option)
    netloc = '[%s]' % host if ':' in host else host
    if port:
        netloc = '%s:%d' % (netloc, port)
    return '%s://%s' % (scheme, netloc), netloc


def _as_number(name, value, kind, minimum, maximum=None, allow_zero=True):
    if isinstance(value, bool):
        value = None
    try:
        number = kind(value)
    except (TypeError, ValueError, OverflowError):  # OverflowError: int(inf), or float() of a huge integer
        number = None
    if kind is float and number is not None and (math.isnan(number) or math.isinf(number)):
        number = None
    if number is None or number < minimum or (not allow_zero and number == 0) or (maximum is not None and number > maximum):
        bounds = 'at least %s' % minimum if maximum is None else 'between %s and %s' % (minimum, maximum)
        if not allow_zero:
            bounds = 'greater than 0' + ('' if maximum is None else ' and at most %s' % maximum)
        raise CasConfigError('%s must be a number %s, got %r.' % (name, bounds, value), option=name)
    return number


class ClientConfig:
    """Validated connection settings. Secrets stay inside; ``repr`` hides them."""

    def __init__(self, access_key_id=None, access_key_secret=None, security_token=None, profile=None,
                 region=None, endpoint=None, validate_certs=True, ca_bundle=None, timeout=DEFAULT_TIMEOUT,
                 retries=DEFAULT_RETRIES, cache_ttl=DEFAULT_CACHE_TTL, rate_limit=DEFAULT_RATE_LIMIT, environ=None, home=None,
                 role_arn=None, role_session_name=None, role_duration=None, oidc_provider_arn=None, oidc_token_file=None,
                 ecs_role_name=None, sts_endpoint=None, cache_credentials=None):
        self.access_key_id = access_key_id
        self.access_key_secret = access_key_secret
        self.security_token = security_token
        self.profile = profile
        self.role_arn = role_arn
        self.role_session_name = role_session_name
        self.role_duration = role_duration
        if role_duration is not None:
            self.role_duration = _as_number('role_duration', role_duration, int, MIN_ROLE_DURATION, MAX_ROLE_DURATION)
        self.oidc_provider_arn = oidc_provider_arn
        self.oidc_token_file = oidc_token_file
        self.ecs_role_name = ecs_role_name
        self.sts_endpoint = sts_endpoint.strip() if isinstance(sts_endpoint, str) and sts_endpoint.strip() else None
        if self.sts_endpoint:
            parse_endpoint(self.sts_endpoint, option='sts_endpoint')
        if cache_credentials is not None and not isinstance(cache_credentials, bool):
            raise CasConfigError('cache_credentials must be true or false, got %r.' % (cache_credentials,),
                                 option='cache_credentials')
        self.cache_credentials = cache_credentials
        self.environ = os.environ if environ is None else environ
        self.home = home
        self.region = (region or DEFAULT_REGION).strip()
        if not REGION_ID.match(self.region):
            raise CasConfigError('region %r is not a region ID such as cn-hangzhou.' % (region,), option='region')
        self.endpoint = endpoint.strip() if isinstance(endpoint, str) and endpoint.strip() else None
        self.base_url, self.host = parse_endpoint(self.endpoint or endpoint_for_region(self.region))
        if not isinstance(validate_certs, bool):
            raise CasConfigError('validate_certs must be true or false, got %r.' % (validate_certs,), option='validate_certs')
        self.validate_certs = validate_certs
        self.ca_bundle = ca_bundle or None
        if self.ca_bundle:
            self.ca_bundle = os.path.expanduser(str(self.ca_bundle))
            if not os.path.isfile(self.ca_bundle):
                raise CasConfigError('ca_bundle %s is not a readable file: give the path of a PEM file of CA '
                                     'certificates.' % self.ca_bundle, option='ca_bundle')
        self.timeout = _as_number('timeout', timeout, float, 0, MAX_TIMEOUT, allow_zero=False)
        self.retries = _as_number('retries', retries, int, 0, MAX_RETRIES)
        self.cache_ttl = _as_number('cache_ttl', cache_ttl, int, 0)
        self.rate_limit = _as_number('rate_limit', rate_limit, float, MIN_RATE_LIMIT, MAX_RATE_LIMIT)

    @classmethod
    def from_options(cls, options, environ=None, home=None):
        """Build from a dict of option values (``module.params`` or a plugin's options)."""
        known = dict((k, options.get(k)) for k in CONNECTION_OPTIONS if options.get(k) is not None)
        return cls(environ=environ, home=home, **known)

    def credential_settings(self):
        """The options the credential chain reads, as a dict."""
        return dict((name, getattr(self, name)) for name in CREDENTIAL_SETTINGS)

    @property
    def verify(self):
        """The ``verify`` argument for requests."""
        if not self.validate_certs:
            return False
        return self.ca_bundle or True

    def __repr__(self):
        return 'ClientConfig(endpoint=%r, access_key_id=%r, profile=%r)' % (self.base_url, self.access_key_id, self.profile)
