# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Embedded emulator of the Alibaba Cloud CAS API (GetCAInstanceStatus, 2020-06-30).

The same server also answers STS (AssumeRole, AssumeRoleWithOIDC, 2015-04-01) and the ECS instance
metadata credential paths, so that RAM role and instance-role credentials can be tested offline.
Run it with ``python -m emulator`` from the collection root, ``python -m ansible_collections.seed.alicloud_cas.emulator``
from an installed collection, or with the role ``seed.alicloud_cas.emulator``; see docs/emulator.md.
"""

from __future__ import annotations

import json
import os
import re

COLLECTION_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def collection_version(root=COLLECTION_ROOT):
    """The version of the collection the emulator ships with: MANIFEST.json of an installed collection, else the
    checkout's galaxy.yml (read without PyYAML: one ``version:`` line); ``unknown`` when neither is there."""
    try:
        with open(os.path.join(root, 'MANIFEST.json'), encoding='utf-8') as handle:
            return str(json.load(handle)['collection_info']['version'])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    try:
        with open(os.path.join(root, 'galaxy.yml'), encoding='utf-8') as handle:
            match = re.search(r'^version:\s*[\'"]?([^\s\'"#]+)', handle.read(), re.MULTILINE)
    except (OSError, UnicodeDecodeError):
        match = None
    return match.group(1) if match else 'unknown'


__version__ = collection_version()

API_VERSION = '2020-06-30'
PRODUCT = 'cas'
DEFAULT_HOST_ID = 'cas.aliyuncs.com'

STS_API_VERSION = '2015-04-01'
STS_PRODUCT = 'Sts'
