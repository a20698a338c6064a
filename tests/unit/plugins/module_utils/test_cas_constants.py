# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The runtime copy of the collection version follows galaxy.yml (or MANIFEST.json, once installed)."""

import json
import os
import re

import yaml

from ansible_collections.seed.alicloud_cas.plugins.module_utils import cas_constants

ROOT = os.path.abspath(os.path.join(os.path.dirname(cas_constants.__file__), '..', '..'))


def declared_version():
    if os.path.exists(os.path.join(ROOT, 'galaxy.yml')):
        with open(os.path.join(ROOT, 'galaxy.yml')) as handle:
            return yaml.safe_load(handle)['version']
    with open(os.path.join(ROOT, 'MANIFEST.json')) as handle:
        return json.load(handle)['collection_info']['version']


def test_collection_version_matches_the_declared_one():
    assert cas_constants.COLLECTION_VERSION == declared_version()


def test_user_agent_names_the_collection_and_its_version():
    agent = cas_constants.user_agent()
    assert re.match(r'^AlibabaCloud \([^;]+; [^)]+\) Python/\d+\.\d+\.\d+ seed\.alicloud_cas/%s$'
                    % re.escape(cas_constants.COLLECTION_VERSION), agent), agent
