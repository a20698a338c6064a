# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Documented demo credentials of the built-in fixtures (not secrets; emulator only)."""

from __future__ import annotations

DEFAULT_ACCOUNT_ID = '1000000000000001'
OTHER_ACCOUNT_ID = '1000000000000002'

DEMO_ACCESS_KEY_ID = 'LTAI5tEmulatorDemoKey01'
DEMO_ACCESS_KEY_SECRET = 'EmulatorDemoSecret-NotASecret-0001'

DEMO_STS_ACCESS_KEY_ID = 'STS.EmulatorDemoStsKey01'
DEMO_STS_ACCESS_KEY_SECRET = 'EmulatorDemoStsSecret-0001'
DEMO_STS_SECURITY_TOKEN = 'EmulatorDemoStsToken+/=0001'

NOPERM_ACCESS_KEY_ID = 'LTAI5tEmulatorNoPerm01'
NOPERM_ACCESS_KEY_SECRET = 'EmulatorNoPermSecret-0001'

OTHER_ACCOUNT_ACCESS_KEY_ID = 'LTAI5tEmulatorOtherAcct01'
OTHER_ACCOUNT_ACCESS_KEY_SECRET = 'EmulatorOtherAcctSecret-0001'
