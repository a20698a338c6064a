# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The emulated actions (only GetCAInstanceStatus of cas 2020-06-30)."""

from __future__ import annotations

import copy

from . import API_VERSION
from .errors import ApiError

GET_CA_INSTANCE_STATUS = 'GetCAInstanceStatus'
APIS = frozenset([(API_VERSION, GET_CA_INSTANCE_STATUS)])


def requested_instance(params):
    """The InstanceId a call asks for (None when absent or empty)."""
    return params.get('InstanceId') or None


def get_ca_instance_status(fixtures, account, params, request_id):
    """Return the success body: instances of the account filtered by InstanceId and Identifier (AND)."""
    instance_id = requested_instance(params)
    identifier = params.get('Identifier') or None
    instances = fixtures.instances_of(account)
    if instance_id is not None:
        instances = [inst for inst in instances if inst['InstanceId'] == instance_id]
        if not instances:
            raise ApiError('InvalidInstanceId.NotFound')
    if identifier is not None:
        instances = [inst for inst in instances if inst.get('Identifier') == identifier]
    return {'RequestId': request_id, 'InstanceStatusList': copy.deepcopy(instances)}


def run_action(action, fixtures, account, params, request_id):
    """Dispatch to the action implementation."""
    if action == GET_CA_INSTANCE_STATUS:
        return get_ca_instance_status(fixtures, account, params, request_id)
    raise ApiError('InvalidAction.NotFound')
