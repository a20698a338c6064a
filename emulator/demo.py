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

# RAM roles, OIDC and ECS instance role of the built-in fixtures (STS and metadata emulation).
DEMO_ROLE_NAME = 'cas-gate-reader'
# Assumable (AssumeRole) by every key of the default account, and (AssumeRoleWithOIDC) through the demo provider.
DEMO_ROLE_ARN = 'acs:ram::1000000000000001:role/cas-gate-reader'
# Exists, but trusts only the other account's key: the demo keys get NoPermission.
UNASSUMABLE_ROLE_NAME = 'cas-gate-admin'
UNASSUMABLE_ROLE_ARN = 'acs:ram::1000000000000001:role/cas-gate-admin'
# Does not exist: EntityNotExist.Role.
MISSING_ROLE_ARN = 'acs:ram::1000000000000001:role/no-such-role'

DEMO_OIDC_PROVIDER_ARN = 'acs:ram::1000000000000001:oidc-provider/ack-rrsa-demo'
DEMO_OIDC_ISSUER = 'https://oidc-ack.emulator.invalid/rrsa-demo'
DEMO_OIDC_SUBJECT = 'system:serviceaccount:cas-gate:reader'
# JWT-shaped static strings (not verified): the provider accepts the first and reports the second as expired.
DEMO_OIDC_TOKEN = (
    'eyJhbGciOiJSUzI1NiIsImtpZCI6ImVtdWxhdG9yLWRlbW8ifQ.'
    'eyJpc3MiOiJodHRwczovL29pZGMtYWNrLmVtdWxhdG9yLmludmFsaWQvcnJzYS1kZW1vIiwic3ViIjoic3lzdGVtOnNlcnZpY2VhY2NvdW50OmNh'
    'cy1nYXRlOnJlYWRlciIsImF1ZCI6InN0cy5hbGl5dW5jcy5jb20iLCJpYXQiOjE3NjcyMjU2MDAsImV4cCI6NDEwMjQ0NDgwMH0.'
    'EmulatorDemoSignature-NotVerified'
)
DEMO_EXPIRED_OIDC_TOKEN = (
    'eyJhbGciOiJSUzI1NiIsImtpZCI6ImVtdWxhdG9yLWRlbW8ifQ.'
    'eyJpc3MiOiJodHRwczovL29pZGMtYWNrLmVtdWxhdG9yLmludmFsaWQvcnJzYS1kZW1vIiwic3ViIjoic3lzdGVtOnNlcnZpY2VhY2NvdW50OmNh'
    'cy1nYXRlOnJlYWRlciIsImF1ZCI6InN0cy5hbGl5dW5jcy5jb20iLCJpYXQiOjE3NjcyMjU2MDAsImV4cCI6MTc2NzIyOTIwMH0.'
    'EmulatorExpiredSignature-NotVerified'
)

# The RAM role attached to the emulated ECS instance (metadata service), in the default account.
DEMO_ECS_ROLE_NAME = 'EcsCasGateRole'
