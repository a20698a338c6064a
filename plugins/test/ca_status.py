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

import functools
import inspect

from ansible.errors import AnsibleFilterError

from ansible_collections.seed.alicloud_cas.plugins.plugin_utils import cas_bytecode

cas_bytecode.install()  # before the collection's other imports: see cas_bytecode

from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_errors import CasConfigError
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_gate import check_fact_dict, unmet_conditions
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_gate import threshold as checked_threshold


def _unmet(test, value, condition=None, argument=None, number=None):
    """Whether the fact dict ``value`` fails ``condition`` at ``number`` (checked as the test's ``argument``)."""
    try:
        facts = check_fact_dict(value, test)
        require = {condition: checked_threshold(condition, number, '%s: %s' % (test, argument))} if condition else {}
    except CasConfigError as error:
        raise AnsibleFilterError(str(error)) from None
    return facts, bool(unmet_conditions(facts, require))


def ca_usable(value):
    """Status USED, CA certificate valid now, subscription active."""
    return bool(_unmet('ca_usable', value)[0].get('usable'))


def ca_expiring(value, days=30):
    """The CA certificate is not valid for ``days`` more days: it expires within them, has expired, is not valid
    yet, or its validity is unknown."""
    return _unmet('ca_expiring', value, 'min_days_valid', 'days', days)[1]


def ca_subscription_ending(value, days=30):
    """The instance subscription ends within ``days`` days (or has ended, or its end is unknown)."""
    return _unmet('ca_subscription_ending', value, 'min_days_subscription', 'days', days)[1]


def ca_quota_low(value, threshold=50):
    """Fewer than ``threshold`` certificates are left to issue (or the count is unknown)."""
    return _unmet('ca_quota_low', value, 'min_remaining', 'threshold', threshold)[1]


def _strict(test):
    """``test`` refusing an unknown keyword or an extra argument with a sentence that names the valid ones."""
    name = test.__name__
    valid = list(inspect.signature(test).parameters)[1:]

    @functools.wraps(test)
    def checked(value, *args, **kwargs):
        unknown = sorted(set(kwargs) - set(valid))
        if unknown:
            raise AnsibleFilterError('The test %s does not know the keyword%s %s. Valid keywords: %s.'
                                     % (name, 's' if len(unknown) > 1 else '', ', '.join(unknown),
                                        ', '.join(valid) or 'none'))
        if len(args) > len(valid):
            raise AnsibleFilterError('The test %s takes at most %d argument%s (%s), got %d.'
                                     % (name, len(valid), '' if len(valid) == 1 else 's', ', '.join(valid) or 'none',
                                        len(args)))
        return test(value, *args, **kwargs)
    return checked


class TestModule(object):

    def tests(self):
        tests = (ca_usable, ca_expiring, ca_subscription_ending, ca_quota_low)
        return dict((test.__name__, _strict(test)) for test in tests)
