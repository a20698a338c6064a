# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Profiles of the aliyun CLI's ``~/.aliyun/config.json``, with the field names the CLI writes.

Modes AK, StsToken, RamRoleArn, ChainableRamRoleArn (loops detected), EcsRamRole and OIDC. Loaded
by :mod:`cas_credential_chain` only when the file exists or a profile is named. Standard library only.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os

from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_credentials import (
    KNOWN_UNSUPPORTED_MODES, PROFILE_ENV, SUPPORTED_MODES, Credentials, StaticProvider, cli_config_path)
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_env import clean, printable_ascii
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_errors import CasConfigError


def _read_cli_config(path):
    try:
        with open(path, 'rb') as handle:
            raw = handle.read()
    except (IOError, OSError) as exc:
        raise CasConfigError('Cannot read the aliyun CLI configuration %s: %s. Fix its permissions or '
                             'choose another credential source.' % (path, exc.strerror or exc), option='profile')
    try:
        data = json.loads(raw.decode('utf-8'))
    except (ValueError, UnicodeDecodeError) as exc:
        raise CasConfigError('The aliyun CLI configuration %s is not valid JSON (%s): fix it with '
                             '"aliyun configure" or by hand.' % (path, exc), option='profile')
    except RecursionError:
        raise CasConfigError('The aliyun CLI configuration %s is not valid JSON (nested too deeply): fix it with '
                             '"aliyun configure" or by hand.' % path, option='profile') from None
    if not isinstance(data, dict) or not isinstance(data.get('profiles', []), list):
        raise CasConfigError('The aliyun CLI configuration %s has an unexpected layout: expected an object '
                             'with a "profiles" list.' % path, option='profile')
    return data


class ProfileReader:
    """Turns a profile into a credential provider, for one resolution (a :class:`cas_credential_chain.Resolver`)."""

    def __init__(self, resolver):
        self.resolver = resolver

    def default(self, path):
        """The profile named by ALIBABA_CLOUD_PROFILE, else the file's current one."""
        data = _read_cli_config(path)
        name = clean(self.resolver.environ.get(PROFILE_ENV)) or clean(data.get('current'))
        if not name:
            raise CasConfigError('%s names no current profile and neither profile nor %s is set: choose a profile.'
                                 % (path, PROFILE_ENV), option='profile')
        return self._profile(data, name, path, ())

    def named(self, name):
        """The profile the option ``profile`` names."""
        path = cli_config_path(self.resolver.home)
        if not os.path.exists(path):
            raise CasConfigError('profile %r was requested but %s does not exist: create it with '
                                 '"aliyun configure --profile %s".' % (name, path, name), option='profile')
        return self._profile(_read_cli_config(path), name, path, ())

    def _profile(self, data, name, path, seen):
        profiles = [p for p in data.get('profiles') or [] if isinstance(p, dict)]
        match = [p for p in profiles if p.get('name') == name]
        if not match:
            names = ', '.join(sorted(str(p.get('name')) for p in profiles)) or 'none'
            raise CasConfigError('Profile %r is not in %s (profiles there: %s): set profile to one of them.'
                                 % (name, path, names), option='profile')
        profile = match[0]
        mode = profile.get('mode') or 'AK'
        source = 'profile %s in %s' % (name, path)
        if mode not in SUPPORTED_MODES:
            if mode in KNOWN_UNSUPPORTED_MODES:
                raise CasConfigError('Profile %r uses credential mode %s, which this collection does not support '
                                     '(supported: %s): use another profile or credential source.'
                                     % (name, mode, ', '.join(SUPPORTED_MODES)), option='profile')
            raise CasConfigError('Profile %r has an unknown credential mode %r (supported: %s).'
                                 % (name, mode, ', '.join(SUPPORTED_MODES)), option='profile')

        def field(key):
            return clean(profile.get(key))

        def require(*keys):
            missing = [k for k in keys if not field(k)]
            if missing:
                raise CasConfigError('Profile %r in %s (mode %s) lacks %s: run "aliyun configure --profile %s --mode %s".'
                                     % (name, path, mode, ', '.join(missing), name, mode), option='profile')

        if mode in ('AK', 'StsToken', 'RamRoleArn'):
            require('access_key_id', 'access_key_secret')
            if mode == 'StsToken':
                require('sts_token')
            token = field('sts_token') if mode == 'StsToken' else None
            garbled = [k for k, v in (('access_key_id', field('access_key_id')),
                                      ('access_key_secret', field('access_key_secret')), ('sts_token', token))
                       if v and not printable_ascii(v)]
            if garbled:
                # Never the values themselves: they may be the secret or the token.
                raise CasConfigError('Profile %r in %s: %s holds characters other than printable ASCII (a typographic '
                                     'quote, a non-Latin letter or a control character): AccessKeys and security '
                                     'tokens are plain ASCII; set it again with "aliyun configure --profile %s".'
                                     % (name, path, ', '.join(garbled), name), option='profile')
            base = StaticProvider(Credentials(field('access_key_id'), field('access_key_secret'), token, source))
            if mode != 'RamRoleArn':
                return base
            require('ram_role_arn')
            return self._profile_role(profile, base, source)
        if mode == 'EcsRamRole':
            return self.resolver.roles().ecs(field('ram_role_name'), source, discovered=not field('ram_role_name'))
        if mode == 'OIDC':
            require('ram_role_arn', 'oidc_provider_arn', 'oidc_token_file')
            return self.resolver.roles().oidc(
                field('ram_role_arn'), field('oidc_provider_arn'), field('oidc_token_file'), source,
                session_name=field('role_session_name'), sts=self._profile_sts(profile))
        # ChainableRamRoleArn: assume ram_role_arn with what source_profile gives.
        require('source_profile', 'ram_role_arn')
        if name in seen:
            raise CasConfigError('Profile %r in %s: source_profile loops back to itself (%s).'
                                 % (name, path, ' -> '.join(seen + (name,))), option='profile')
        base = self._profile(data, field('source_profile'), path, seen + (name,))
        return self._profile_role(profile, base, source)

    def _profile_sts(self, profile):
        region = clean(profile.get('sts_region'))
        vpc = profile.get('enable_vpc')
        return self.resolver.roles().sts(region=region, vpc=vpc if isinstance(vpc, bool) else None)

    def _profile_role(self, profile, base, source):
        duration = profile.get('expired_seconds')
        return self.resolver.roles().ram_role(
            base, clean(profile.get('ram_role_arn')), '%s (role %s)' % (source, profile.get('ram_role_arn')),
            session_name=clean(profile.get('ram_session_name')),
            duration=duration if duration not in (None, '', 0) else None,
            policy=clean(profile.get('policy')), external_id=clean(profile.get('external_id')),
            sts=self._profile_sts(profile))
