# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Documented demo credentials, instances and certificates of the built-in fixtures (not secrets; emulator only)."""

from __future__ import annotations

import json
import sys

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

# The instances of the default account, in fixture order (what a demo key lists).
DEMO_INSTANCE_IDS = (
    'cas-member-demo-root',
    'cas-member-demo-sub-nearly-full',
    'cas-member-demo-expiring',
    'cas-member-demo-sub-ended',
    'cas-member-demo-buy',
    'cas-member-demo-refund',
    'cas-member-demo-revoked',
    'cas-member-demo-not-yet-valid',
    'cas-member-demo-no-before-time',
)
# USED, but its CA certificate's BeforeTime is 2 days ahead.
DEMO_NOT_YET_VALID_INSTANCE_ID = 'cas-member-demo-not-yet-valid'
# USED without BeforeTime (the real service documents it as returned): a client should fail closed.
DEMO_NO_BEFORE_TIME_INSTANCE_ID = 'cas-member-demo-no-before-time'
# The second account's instance: InvalidInstanceId.NotFound for the demo keys.
OTHER_ACCOUNT_INSTANCE_ID = 'cas-member-other-account-root'

# Client and server certificates (GetCAInstanceStatus Identifier values), by what they are for.
DEMO_CERTIFICATES = {
    'server-healthy': 'c3e26e7943362eb8ae7cfff3bdf086cd',
    'client-healthy': '1c81823adfdb99cb7c0393aaa7fe12b7',
    'client-revoked': '02761ebfe2557e11e25a05cfe9d068e9',
    'server-nearly-full': '5bb7878b0a4c0541898e56370f6dcbfe',
    'client-expiring': 'dd14bd58d75513c2346eb43ae98db86a',
    'server-sub-ended': 'f908d7bc6b30b032a4bd3870d3c74794',
    'server-revoked-ca': '58571d644e6cbe695d3e56814c040d38',
    'server-not-yet-valid': '295255b878886d585c79e1be8540b001',
    'server-no-before-time': '4b1d322337e85ee00bd0dd2dee9239a1',
    'client-other-account': '6fef153983fc1aff6a75023622bc6f84',
}
# The instance that issued each of them.
DEMO_CERTIFICATE_ISSUERS = {
    'server-healthy': 'cas-member-demo-root',
    'client-healthy': 'cas-member-demo-root',
    'client-revoked': 'cas-member-demo-root',
    'server-nearly-full': 'cas-member-demo-sub-nearly-full',
    'client-expiring': 'cas-member-demo-expiring',
    'server-sub-ended': 'cas-member-demo-sub-ended',
    'server-revoked-ca': 'cas-member-demo-revoked',
    'server-not-yet-valid': 'cas-member-demo-not-yet-valid',
    'server-no-before-time': 'cas-member-demo-no-before-time',
    'client-other-account': 'cas-member-other-account-root',
}
# Issued by no instance: GetCAInstanceStatus answers an empty InstanceStatusList.
UNKNOWN_CERTIFICATE_IDENTIFIER = 'deadbeefdeadbeefdeadbeefdeadbeef'


def as_dict():
    """Every constant above by its name (tuples as lists): what ``python -m emulator.demo`` prints as JSON."""
    return dict((name, list(value) if isinstance(value, tuple) else value)
                for name, value in globals().items() if name.isupper() and not name.startswith('_'))


if __name__ == '__main__':
    json.dump(as_dict(), sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write('\n')
