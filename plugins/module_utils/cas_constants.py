# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Facts about the API and the collection that several files use, stated once. Standard library only."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import re
import sys

# The collection's version, for the User-Agent of modules that run where galaxy.yml is not (a managed host).
# galaxy.yml is the source; tests/unit/plugins/module_utils/test_cas_constants.py keeps this in step with it.
COLLECTION_VERSION = '1.0.0'

API_VERSION = '2020-06-30'
ACTION = 'GetCAInstanceStatus'
STS_VERSION = '2015-04-01'
# Codes with which the service refuses temporary credentials that it considers expired.
EXPIRED_CODES = ('InvalidSecurityToken.Expired', 'InvalidAccessKeyId.NotFound')
# A region ID such as cn-hangzhou (the CAS region option, the STS region of a profile or the environment).
REGION_ID = re.compile(r'^[a-z0-9-]+$')
# The session lengths STS AssumeRole and AssumeRoleWithOIDC accept (DurationSeconds), in seconds.
MIN_ROLE_DURATION, MAX_ROLE_DURATION = 900, 43200


def user_agent():
    """``AlibabaCloud (<os>; <arch>) Python/<version> seed.alicloud_cas/<version>``, as the official SDKs start theirs."""
    system = os.uname() if hasattr(os, 'uname') else None
    return 'AlibabaCloud (%s; %s) Python/%s seed.alicloud_cas/%s' % (
        system.sysname if system else sys.platform, system.machine if system else 'unknown',
        '.'.join(str(v) for v in sys.version_info[:3]), COLLECTION_VERSION)
