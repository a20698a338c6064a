# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A lookup loaded by Ansible (as in every forked worker) gets the collection's code from bytecode, compiled once."""

import json
import os
import subprocess
import sys

from ansible_collections.seed.alicloud_cas.plugins.plugin_utils import cas_bytecode

# .../<root>/ansible_collections/seed/alicloud_cas/plugins/plugin_utils/cas_bytecode.py -> <root>
COLLECTIONS_ROOT = os.path.abspath(os.path.join(os.path.dirname(cas_bytecode.__file__), *(['..'] * 5)))

SCRIPT = r'''
import builtins, json, sys
compiled = []
real_compile = builtins.compile
def counting(source, filename, *args, **kwargs):
    compiled.append(str(filename))
    return real_compile(source, filename, *args, **kwargs)
builtins.compile = counting
from ansible.plugins.loader import init_plugin_loader, lookup_loader, test_loader
init_plugin_loader()
lookup_loader.get('seed.alicloud_cas.ca_instance_status')
test_loader.get('seed.alicloud_cas.ca_usable')
mine = dict((name, type(module.__spec__.loader).__name__) for name, module in sys.modules.items()
            if name.startswith('ansible_collections.seed.alicloud_cas.plugins.') and name.count('.') == 5
            and name.split('.')[4] in ('module_utils', 'plugin_utils'))
print(json.dumps({'compiled': [c for c in compiled if '/alicloud_cas/plugins/' in c], 'loaders': mine}))
'''


def load(tmp_path, **env):
    environ = dict((k, v) for k, v in os.environ.items() if k != 'PYTHONDONTWRITEBYTECODE')
    environ.update(ANSIBLE_COLLECTIONS_PATH=COLLECTIONS_ROOT, PYTHONPYCACHEPREFIX=str(tmp_path / 'pycache'),
                   ANSIBLE_HOME=str(tmp_path / 'home'), **env)
    out = subprocess.run([sys.executable, '-c', SCRIPT], env=environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_collection_code_is_compiled_once_then_read_as_bytecode(tmp_path):
    first = load(tmp_path)
    ours = dict((name, loader) for name, loader in first['loaders'].items() if not name.endswith('.cas_bytecode'))
    assert set(ours.values()) == {'SourceFileLoader'} and len(ours) >= 8
    assert any('/module_utils/cas_client.py' in c for c in first['compiled'])
    second = load(tmp_path)
    # Only what Ansible loads itself is compiled again (the plugin files and the doc fragment), none of ours.
    assert [c for c in second['compiled'] if '/module_utils/' in c or '/plugin_utils/' in c] == [
        c for c in second['compiled'] if c.endswith('/plugin_utils/cas_bytecode.py')]


def test_without_bytecode_writing_everything_still_loads(tmp_path):
    result = load(tmp_path, PYTHONDONTWRITEBYTECODE='1')
    assert result['loaders'] and not (tmp_path / 'pycache').exists()
