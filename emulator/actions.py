# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The emulated actions: GetCAInstanceStatus of cas 2020-06-30 (here) and AssumeRole, AssumeRoleWithOIDC of
sts 2015-04-01 (in sts.py), all served on the same RPC endpoint."""

from __future__ import annotations

import copy

from . import API_VERSION, PRODUCT, STS_API_VERSION, STS_PRODUCT
from .errors import ApiError

GET_CA_INSTANCE_STATUS = 'GetCAInstanceStatus'
ASSUME_ROLE = 'AssumeRole'
ASSUME_ROLE_WITH_OIDC = 'AssumeRoleWithOIDC'
CAS_APIS = frozenset([(API_VERSION, GET_CA_INSTANCE_STATUS)])
STS_APIS = frozenset([(STS_API_VERSION, ASSUME_ROLE), (STS_API_VERSION, ASSUME_ROLE_WITH_OIDC)])
APIS = CAS_APIS | STS_APIS
STS_ACTIONS = frozenset(action for _version, action in STS_APIS)
# Called without any signature (the OIDC token is the credential).
ANONYMOUS_ACTIONS = frozenset([ASSUME_ROLE_WITH_OIDC])


def is_sts_action(action):
    """True for the STS action names."""
    return action in STS_ACTIONS


def product_of(action):
    """The product code of an action name (for the Recommend URL of error bodies)."""
    return STS_PRODUCT if is_sts_action(action) else PRODUCT


def requested_instance(params):
    """The InstanceId a call asks for (None when absent or empty)."""
    return params.get('InstanceId') or None


def requested_identifier(params):
    """The Identifier a call asks for (None when absent or empty)."""
    return params.get('Identifier') or None


def get_ca_instance_status(fixtures, account, params, request_id):
    """Return the success body: instances of the account filtered by InstanceId and Identifier (AND).

    ``Identifier`` names a client or server certificate: the answer is the instance that issued it. An
    instance's own (CA certificate) Identifier also matches it, and an unknown one matches nothing: both are
    assumptions, the service documents neither. Only the account's instances can match.
    """
    instance_id = requested_instance(params)
    identifier = requested_identifier(params)
    instances = fixtures.instances_of(account)
    if instance_id is not None:
        instances = [inst for inst in instances if inst['InstanceId'] == instance_id]
        if not instances:
            raise ApiError('InvalidInstanceId.NotFound')
    if identifier is not None:
        issuer = fixtures.issuer_of(identifier)
        instances = [inst for inst in instances if inst['InstanceId'] == issuer or inst.get('Identifier') == identifier]
    return {'RequestId': request_id, 'InstanceStatusList': copy.deepcopy(instances)}


def run_action(action, fixtures, account, params, request_id):
    """Dispatch to the action implementation."""
    if action == GET_CA_INSTANCE_STATUS:
        return get_ca_instance_status(fixtures, account, params, request_id)
    raise ApiError('InvalidAction.NotFound')
