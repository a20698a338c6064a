# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The doc fragment documents exactly the options the client implements, with the same types and defaults."""

import yaml

from ansible_collections.seed.alicloud_cas.plugins.doc_fragments.connection import ModuleDocFragment
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_options import CONNECTION_OPTIONS, ClientConfig
from ansible_collections.seed.alicloud_cas.plugins.plugin_utils.cas_lookup import VAR_PREFIX

DOCS = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)['options']
PLUGINS = yaml.safe_load(ModuleDocFragment.PLUGINS)['options']
VARIABLES = yaml.safe_load(ModuleDocFragment.VARIABLES)['options']


def test_same_option_names_everywhere():
    assert set(DOCS) == set(CONNECTION_OPTIONS) == set(VARIABLES)
    assert set(PLUGINS) <= set(CONNECTION_OPTIONS)


def test_types_and_defaults_match_the_argspec():
    for name, (argspec, _env) in CONNECTION_OPTIONS.items():
        assert DOCS[name]['type'] == argspec['type'], name
        assert DOCS[name].get('default') == argspec.get('default'), name
        assert bool(DOCS[name].get('no_log')) is False  # no_log lives in the argspec, never in docs


def test_secrets_are_no_log():
    assert {n for n, (spec, _env) in CONNECTION_OPTIONS.items() if spec.get('no_log')} == {
        'access_key_secret', 'security_token'}


def test_plugin_sources_match_the_module_fallbacks():
    for name, (_spec, env_vars) in CONNECTION_OPTIONS.items():
        assert VARIABLES[name] == {'vars': [{'name': VAR_PREFIX + name}]}, name
        assert [e['name'] for e in PLUGINS.get(name, {}).get('env', [])] == list(env_vars), name


def test_every_option_reaches_the_client_config():
    for name in CONNECTION_OPTIONS:
        assert hasattr(ClientConfig(environ={}), name), name


def test_every_environment_variable_read_is_documented_with_its_option():
    for name, (_spec, env_vars) in CONNECTION_OPTIONS.items():
        description = ' '.join(DOCS[name]['description'])
        for variable in env_vars:
            assert 'E(%s)' % variable in description, (name, variable)


def test_every_environment_variable_of_the_chain_is_documented():
    from ansible_collections.seed.alicloud_cas.plugins.module_utils import (
        cas_credentials, cas_ecs_metadata, cas_files, cas_role_credentials)
    names = set()
    for module in (cas_credentials, cas_ecs_metadata, cas_files, cas_role_credentials):
        for attribute, value in vars(module).items():
            if attribute.endswith('_ENV') or attribute == 'ENV_SOURCES':
                for item in value if isinstance(value, tuple) else (value,):
                    names.update(item if isinstance(item, tuple) else (item,))
    assert len(names) > 20
    assert sorted(n for n in names if 'E(%s' % n not in ModuleDocFragment.DOCUMENTATION) == []
