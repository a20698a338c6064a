# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Embedded emulator of the Alibaba Cloud CAS API (GetCAInstanceStatus, 2020-06-30).

The same server also answers STS (AssumeRole, AssumeRoleWithOIDC, 2015-04-01) and the ECS instance
metadata credential paths, so that RAM role and instance-role credentials can be tested offline.
Run it with ``python -m emulator`` from the collection root, ``python -m ansible_collections.seed.alicloud_cas.emulator``
from an installed collection, with the role ``seed.alicloud_cas.emulator``, or as the command ``alicloud-cas-emulator``
after ``pip install`` of this directory (package ``alicloud_cas_emulator``); see docs/emulator.md.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import sys

# The name of the pip distribution of this directory (pyproject.toml).
DISTRIBUTION = 'alicloud-cas-emulator'
COLLECTION_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def collection_version(root=COLLECTION_ROOT):
    """The version of the collection the emulator ships with: MANIFEST.json of an installed collection, else the
    checkout's galaxy.yml (read without PyYAML: one ``version:`` line), else the version pip installed it as
    (the same, taken from one of those two when the package was built); ``unknown`` when none is there."""
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
    if match:
        return match.group(1)
    try:
        return importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        return 'unknown'


def command_name(module=''):
    """How the running command was invoked, for usage lines: ``python -m PACKAGE[.MODULE]``, or the name of the
    console script pip installed (``alicloud-cas-emulator``)."""
    if sys.argv and sys.argv[0] and not sys.argv[0].endswith('.py'):
        return os.path.basename(sys.argv[0])
    return 'python -m ' + __name__ + ('.' + module if module else '')


__version__ = collection_version()

API_VERSION = '2020-06-30'
PRODUCT = 'cas'
DEFAULT_HOST_ID = 'cas.aliyuncs.com'

STS_API_VERSION = '2015-04-01'
STS_PRODUCT = 'Sts'
