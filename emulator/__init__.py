# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Embedded emulator of the Alibaba Cloud CAS API (GetCAInstanceStatus, 2020-06-30).

The same server also answers STS (AssumeRole, AssumeRoleWithOIDC, 2015-04-01) and the ECS instance
metadata credential paths, so that RAM role and instance-role credentials can be tested offline.
Run it with ``python -m emulator`` from the collection root; see docs/emulator.md.
"""

from __future__ import annotations

__version__ = '1.0.0'

API_VERSION = '2020-06-30'
PRODUCT = 'cas'
DEFAULT_HOST_ID = 'cas.aliyuncs.com'

STS_API_VERSION = '2015-04-01'
STS_PRODUCT = 'Sts'
