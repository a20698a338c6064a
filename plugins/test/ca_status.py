# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Jinja2 tests over one CA fact dict, so that assertions read naturally.

They share the gate logic of the modules' ``require`` and fail closed: an
unknown fact makes ``ca_usable`` false and ``ca_expiring`` / ``ca_quota_low`` true.
Documentation: the YAML files next to this one.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible.errors import AnsibleFilterError

from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_errors import CasConfigError
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_gate import check_fact_dict, unmet_conditions


def _facts(value, name):
    try:
        return check_fact_dict(value, name)
    except CasConfigError as error:
        raise AnsibleFilterError(str(error)) from None


def _number(value, name, option):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise AnsibleFilterError('%s: %s must be a number, got %r.' % (name, option, value)) from None
    return value


def ca_usable(value):
    """Status USED, CA certificate valid now, subscription active."""
    return bool(_facts(value, 'ca_usable').get('usable'))


def ca_expiring(value, days=30):
    """The CA certificate expires within ``days`` days (or has expired, or its expiry is unknown)."""
    facts = _facts(value, 'ca_expiring')
    return bool(unmet_conditions(facts, {'min_days_valid': _number(days, 'ca_expiring', 'days')}))


def ca_subscription_ending(value, days=30):
    """The instance subscription ends within ``days`` days (or has ended, or its end is unknown)."""
    facts = _facts(value, 'ca_subscription_ending')
    return bool(unmet_conditions(facts, {'min_days_subscription': _number(days, 'ca_subscription_ending', 'days')}))


def ca_quota_low(value, threshold=50):
    """Fewer than ``threshold`` certificates are left to issue (or the count is unknown)."""
    facts = _facts(value, 'ca_quota_low')
    return bool(unmet_conditions(facts, {'min_remaining': _number(threshold, 'ca_quota_low', 'threshold')}))


class TestModule(object):

    def tests(self):
        return {
            'ca_usable': ca_usable,
            'ca_expiring': ca_expiring,
            'ca_subscription_ending': ca_subscription_ending,
            'ca_quota_low': ca_quota_low,
        }
