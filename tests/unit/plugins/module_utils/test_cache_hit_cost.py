# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A cache hit loads no HTTP library and none of the sending code (checked in a fresh interpreter)."""

import os
import subprocess
import sys

from ansible_collections.seed.alicloud_cas.plugins.module_utils import cas_client

# .../<root>/ansible_collections/seed/alicloud_cas/plugins/module_utils/cas_client.py -> <root>
COLLECTIONS_ROOT = os.path.abspath(os.path.join(os.path.dirname(cas_client.__file__), *(['..'] * 5)))

SCRIPT = r'''
import sys
PREFIX = 'ansible_collections.seed.alicloud_cas.plugins.module_utils.'
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_client import build_client, fetch_status
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_options import ClientConfig
config = ClientConfig(endpoint='http://127.0.0.1:9', access_key_id='AKID', access_key_secret='s', environ={})
first = build_client(config)
key = first.cache.key(config.base_url, 'AKID', 'GetCAInstanceStatus', {'InstanceId': 'cas-member-a'},
                      __import__('ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_credentials',
                                 fromlist=['x']).credential_fingerprint(first.credentials))
first.cache.put(key, {'RequestId': 'R', 'InstanceStatusList': [{'InstanceId': 'cas-member-a', 'Status': 'USED'}]})
result = fetch_status(build_client(config), ['cas-member-a'])
loaded = [m for m in ('requests', 'urllib3', PREFIX + 'cas_retry', PREFIX + 'cas_wire', PREFIX + 'cas_signer',
                      PREFIX + 'cas_rate_limit', PREFIX + 'cas_transport') if m in sys.modules]
print(result.instances[0]['status'], 'loaded:' + ','.join(loaded))
'''


def test_cache_hit_imports_no_http_library(tmp_path):
    env = dict(os.environ, PYTHONPATH=COLLECTIONS_ROOT, ALICLOUD_CAS_CACHE_DIR=str(tmp_path))
    out = subprocess.run([sys.executable, '-c', SCRIPT], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, check=True).stdout.split()
    # No HTTP library, and none of the code that sends: signing, retries, the limiter, the transport.
    assert out == ['USED', 'loaded:']
