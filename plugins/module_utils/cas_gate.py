# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Gate conditions on CA facts, shared by the modules' ``require`` and the Jinja2 tests.

Every check fails closed: a fact that is missing (None) never satisfies a
condition, so a gate cannot pass because the service left a field out.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_errors import CasConfigError

# The suboptions of ``require`` (module argspec); documented in the modules.
REQUIRE_SPEC = dict(
    status=dict(type='list', elements='str'),
    type=dict(type='list', elements='str'),
    usable=dict(type='bool'),
    min_remaining=dict(type='int'),
    max_usage_percent=dict(type='float'),
    min_days_valid=dict(type='int'),
    min_days_subscription=dict(type='int'),
)


def _plural(count, word):
    return '%d %s%s' % (count, word, '' if count == 1 else 's')


def unmet_conditions(facts, require):
    """The list of sentences saying which conditions of ``require`` ``facts`` do not meet."""
    unmet = []
    require = dict((k, v) for k, v in (require or {}).items() if v is not None)
    statuses = require.get('status')
    if statuses and facts.get('status') not in statuses:
        unmet.append('status %s, need %s' % (facts.get('status'), ' or '.join(statuses)))
    types = require.get('type')
    if types and facts.get('type') not in types:
        unmet.append('type %s, need %s' % (facts.get('type'), ' or '.join(types)))
    if require.get('usable') and not facts.get('usable'):
        unmet.append('not usable (%s)' % why_not_usable(facts))
    minimum = require.get('min_remaining')
    if minimum is not None:
        left = facts.get('cert_remaining_count')
        if left is None:
            unmet.append('remaining certificate count unknown, need %d' % minimum)
        elif left < minimum:
            unmet.append('%s left, need %d' % (_plural(left, 'certificate'), minimum))
    ceiling = require.get('max_usage_percent')
    if ceiling is not None:
        used = facts.get('cert_usage_percent')
        if used is None:
            unmet.append('certificate quota usage unknown, need at most %s%%' % ceiling)
        elif used > ceiling:
            unmet.append('%s%% of the certificate quota used, need at most %s%%' % (used, ceiling))
    for key, fact, what in (('min_days_valid', 'validity_days_left', 'CA certificate expires'),
                            ('min_days_subscription', 'subscription_days_left', 'subscription ends')):
        minimum = require.get(key)
        if minimum is None:
            continue
        days = facts.get(fact)
        if days is None:
            unmet.append('%s: date unknown, need %d days' % (what, minimum))
        elif days < minimum:
            when = 'in %s' % _plural(days, 'day') if days >= 0 else '%s ago' % _plural(-days, 'day')
            unmet.append('%s %s, need %d' % (what, when, minimum))
    return unmet


def why_not_usable(facts):
    reasons = []
    if facts.get('status') != 'USED':
        reasons.append('status %s' % facts.get('status'))
    if not facts.get('certificate_valid'):
        reasons.append('CA certificate not within its validity period')
    if not facts.get('subscription_active'):
        reasons.append('subscription ended or unknown')
    return ', '.join(reasons) or 'unknown'


def gate_failures(instances, require):
    """``[(instance_id, [sentences])]`` for every instance that fails ``require``."""
    return [(f.get('instance_id'), unmet) for f in instances for unmet in [unmet_conditions(f, require)] if unmet]


def gate_message(failures):
    return 'CA gate failed: ' + ' '.join('%s: %s.' % (iid, '; '.join(unmet)) for iid, unmet in failures)


def check_fact_dict(value, test_name):
    """Jinja2 tests take one fact dict, as returned by the lookup or module."""
    if not isinstance(value, dict) or 'instance_id' not in value or 'status' not in value:
        raise CasConfigError('%s expects one CA fact dict (an item of the lookup ca_instance_status or of the '
                             'module result "instances"), got %s.' % (test_name, type(value).__name__))
    return value
