# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Gate conditions on CA facts, shared by the modules' ``require`` and the Jinja2 tests.

Every check fails closed: a fact that is missing (None) never satisfies a
condition, so a gate cannot pass because the service left a field out.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import math

from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_errors import CasConfigError
from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_facts import STATUSES, TYPES

# The suboptions of ``require`` (module argspec); documented in the modules.
REQUIRE_SPEC = dict(
    status=dict(type='list', elements='str', choices=list(STATUSES)),
    type=dict(type='list', elements='str', choices=list(TYPES)),
    usable=dict(type='bool'),
    min_remaining=dict(type='int'),
    max_usage_percent=dict(type='float'),
    min_days_valid=dict(type='int'),
    min_days_subscription=dict(type='int'),
)
# The numeric conditions: (smallest, largest) allowed value. A threshold that is not a finite number in range
# is an error: every comparison with NaN is false, so a NaN threshold would let any CA through.
THRESHOLD_RANGES = dict(
    min_remaining=(0, None),
    max_usage_percent=(0, 100),
    min_days_valid=(0, None),
    min_days_subscription=(0, None),
)


def threshold(name, value, where=None):
    """``value`` as a finite number within the range of condition ``name``, or a CasConfigError.

    Strings of numbers are accepted (Jinja2 test arguments often are strings); booleans, NaN and infinities are not.
    """
    label = where or name
    low, high = THRESHOLD_RANGES[name]
    number = None
    if not isinstance(value, bool):
        try:
            number = float(value)
        except (TypeError, ValueError, OverflowError):
            number = None
    if number is None or not math.isfinite(number) or number < low or (high is not None and number > high):
        bounds = 'at least %s' % low if high is None else 'from %s to %s' % (low, high)
        raise CasConfigError('%s must be a finite number %s, got %r.' % (label, bounds, value), option=name)
    return number


def validate_require(require):
    """``require`` with its thresholds checked (see :func:`threshold`); unset conditions dropped."""
    checked = {}
    for key, value in (require or {}).items():
        if value is None:
            continue
        checked[key] = threshold(key, value, 'require.%s' % key) if key in THRESHOLD_RANGES else value
    return checked


def _plural(count, word):
    return '%d %s%s' % (count, word, '' if count == 1 else 's')


def _number(value):
    return int(value) if float(value).is_integer() else value


def unmet_conditions(facts, require):
    """The list of sentences saying which conditions of ``require`` ``facts`` do not meet.

    ``require`` must have passed :func:`validate_require` (or hold only thresholds checked by :func:`threshold`).
    """
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
        if not _is_count(left):
            unmet.append('remaining certificate count unknown, need %s' % _number(minimum))
        elif left < minimum:
            unmet.append('%s left, need %s' % (_plural(left, 'certificate'), _number(minimum)))
    ceiling = require.get('max_usage_percent')
    if ceiling is not None:
        used = facts.get('cert_usage_percent')
        if not _is_count(used):
            unmet.append('certificate quota usage unknown, need at most %s%%' % _number(ceiling))
        elif used > ceiling:
            unmet.append('%s%% of the certificate quota used, need at most %s%%' % (used, _number(ceiling)))
    minimum = require.get('min_days_valid')
    if minimum is not None:
        # "Valid for N more days" means valid now, too: both ends of the validity must be known and now within them.
        if facts.get('before_time') is None or facts.get('after_time') is None:
            unmet.append('CA certificate validity unknown (%s missing), need %s days'
                         % (' and '.join(n for n, f in (('BeforeTime', 'before_time'), ('AfterTime', 'after_time'))
                                         if facts.get(f) is None), _number(minimum)))
        else:
            unmet.extend(_days_unmet(facts.get('validity_days_left'), minimum, 'CA certificate expires',
                                     None if facts.get('certificate_valid') is True else facts))
    minimum = require.get('min_days_subscription')
    if minimum is not None:
        unmet.extend(_days_unmet(facts.get('subscription_days_left'), minimum, 'subscription ends'))
    return unmet


def _is_count(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _days_unmet(days, minimum, what, invalid=None):
    """Sentences for a "at least ``minimum`` more days" condition; ``invalid``: facts of a CA certificate not valid now."""
    if not _is_count(days):
        return ['%s: date unknown, need %s days' % (what, _number(minimum))]
    if invalid is not None and days > 0:
        start = invalid.get('before_time_iso') or 'an unknown time'
        return ['CA certificate not valid yet (valid from %s), need %s days' % (start, _number(minimum))]
    if days < minimum or invalid is not None:
        when = 'in %s' % _plural(days, 'day') if days >= 0 else '%s ago' % _plural(-days, 'day')
        return ['%s %s, need %s' % (what, when, _number(minimum))]
    return []


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
    """``[(facts, [sentences])]`` for every instance that fails ``require``."""
    return [(f, unmet) for f in instances for unmet in [unmet_conditions(f, require)] if unmet]


def _label(facts):
    """The instance ID, and the certificates it was asked for as their issuer."""
    certificates = facts.get('certificate_identifiers') or []
    if not certificates:
        return facts.get('instance_id')
    return '%s (issuer of certificate%s %s)' % (facts.get('instance_id'), 's' if len(certificates) > 1 else '',
                                                ', '.join(certificates))


def gate_message(failures):
    return 'CA gate failed: ' + ' '.join('%s: %s.' % (_label(f), '; '.join(unmet)) for f, unmet in failures)


def check_fact_dict(value, test_name):
    """Jinja2 tests take one fact dict, as returned by the lookup or module."""
    if not isinstance(value, dict) or 'instance_id' not in value or 'status' not in value:
        raise CasConfigError('%s expects one CA fact dict (an item of the lookup ca_instance_status or of the '
                             'module result "instances"), got %s.' % (test_name, type(value).__name__))
    return value
