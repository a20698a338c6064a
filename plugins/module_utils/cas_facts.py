# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Turn one ``InstanceStatusList`` entry into a dict of facts a playbook can assert on.

Raw fields keep their values (times in epoch milliseconds) under snake_case
names; derived facts are computed against a given "now" so that tests can pin
it. Anything the service sends that is not the documented shape is an error,
never a silently wrong fact: a gate must not pass by accident.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import re

from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_errors import CasConfigError, CasMissingLibrary, CasResponseError

STATUSES = ('BUY', 'USED', 'REFUND', 'REVOKE')
TYPES = ('ROOT', 'SUB_ROOT')
MS_PER_DAY = 86400 * 1000
# The largest values the service can mean: times up to 9999-12-31T23:59:59.999Z, counts far beyond any quota.
# Larger ones (a float overflow, year 10000) are a broken or hostile answer, not a fact to compute with.
MAX_TIME_MS = 253402300799999
MAX_COUNT = 10 ** 12

# service field -> (fact name, expected kind, required)
FIELDS = (
    ('InstanceId', 'instance_id', 'str', True),
    ('Status', 'status', 'str', True),
    ('Type', 'type', 'str', False),
    ('CertTotalCount', 'cert_total_count', 'int', False),
    ('CertIssuedCount', 'cert_issued_count', 'int', False),
    ('BeforeTime', 'before_time', 'int', False),
    ('AfterTime', 'after_time', 'int', False),
    ('UseExpireTime', 'use_expire_time', 'int', False),
    ('Identifier', 'identifier', 'str', False),
)
_KNOWN = dict((f[0], f) for f in FIELDS)
_CAMEL_1 = re.compile(r'(.)([A-Z][a-z]+)')
_CAMEL_2 = re.compile(r'([a-z0-9])([A-Z])')


def snake_case(name):
    """``CertTotalCount`` -> ``cert_total_count``; ``CAName`` -> ``ca_name``."""
    return _CAMEL_2.sub(r'\1_\2', _CAMEL_1.sub(r'\1_\2', str(name))).replace('-', '_').lower()


def iso_utc(epoch_ms):
    if epoch_ms is None:
        return None
    moment = datetime.datetime.fromtimestamp(epoch_ms / 1000.0, tz=datetime.timezone.utc)
    return moment.strftime('%Y-%m-%dT%H:%M:%SZ')


def whole_days_left(epoch_ms, now_ms):
    """Whole days from now until ``epoch_ms`` (negative once past), or None."""
    if epoch_ms is None:
        return None
    return (epoch_ms - now_ms) // MS_PER_DAY


def _checked(entry, index):
    instance = entry.get('InstanceId') if isinstance(entry, dict) else None
    label = 'instance %s' % (instance if len(instance) <= 80 else instance[:60] + '...') \
        if isinstance(instance, str) and instance else 'entry %d of InstanceStatusList' % index
    if not isinstance(entry, dict):
        raise CasResponseError('The service answered with %s that is not an object: the answer does not have the '
                               'documented shape' % label)
    values = {}
    for field, name, kind, required in FIELDS:
        value = entry.get(field)
        if value is None:
            if required:
                raise CasResponseError('The service answered without %s for %s: the answer does not have the '
                                       'documented shape, so no decision can be based on it' % (field, label))
            values[name] = None
            continue
        if not value_ok(field, kind, value):
            raise CasResponseError('The service answered %s=%s for %s where %s was expected: the answer does not '
                                   'have the documented shape' % (field, _shown(value), label, _expected(field, kind)))
        values[name] = value
    return values


def value_ok(field, kind, value):
    """True if ``value`` (not None) is of the kind and range the service sends in ``field`` (see ``FIELDS``)."""
    if kind == 'int':
        return isinstance(value, int) and not isinstance(value, bool) and \
            0 <= value <= (MAX_TIME_MS if field.endswith('Time') else MAX_COUNT)
    return isinstance(value, str) and value != ''


def facts_well_formed(facts):
    """True if ``facts`` (a fact dict kept somewhere untrusted, such as an inventory cache) holds every field of
    ``FIELDS`` that is required, and each field present is of the kind an answer was checked for."""
    if not isinstance(facts, dict):
        return False
    for field, name, kind, required in FIELDS:
        value = facts.get(name)
        if value is None:
            if required:
                return False
        elif not value_ok(field, kind, value):
            return False
    return True


def _expected(field, kind):
    if kind != 'int':
        return 'a string'
    if field.endswith('Time'):
        return 'a time in epoch milliseconds (0 to year 9999)'
    return 'a whole number from 0 to %d' % MAX_COUNT


def _shown(value):
    """``repr`` of a value from an answer, cut short: a hostile answer may hold megabytes in one field."""
    text = repr(value)
    return text if len(text) <= 80 else text[:60] + '...(%d characters)' % len(text)


def instance_facts(entry, now_ms, index=0):
    """The fact dict for one ``InstanceStatusList`` entry; raises CasResponseError on a malformed one."""
    facts = _checked(entry, index)
    for field, value in entry.items():
        if field not in _KNOWN:
            facts.setdefault(snake_case(field), value)
    return derive_facts(facts, now_ms)


def derive_facts(facts, now_ms):
    """Set the facts derived from the service's fields (counts, dates, days left, ``usable``) as of ``now_ms``.

    Facts kept for a while (an inventory cache) are derived again when they are used, so that days left and
    validity are never as old as the cache.
    """
    total, issued = facts['cert_total_count'], facts['cert_issued_count']
    if total is not None and issued is not None:
        facts['cert_remaining_count'] = max(total - issued, 0)
        facts['cert_usage_percent'] = round(100.0 * issued / total, 1) if total else None
    else:
        facts['cert_remaining_count'] = None
        facts['cert_usage_percent'] = None
    before, after, use_expire = facts['before_time'], facts['after_time'], facts['use_expire_time']
    facts['before_time_iso'] = iso_utc(before)
    facts['after_time_iso'] = iso_utc(after)
    facts['use_expire_time_iso'] = iso_utc(use_expire)
    facts['validity_days_left'] = whole_days_left(after, now_ms)
    facts['subscription_days_left'] = whole_days_left(use_expire, now_ms)
    facts['certificate_valid'] = before is not None and after is not None and before <= now_ms < after
    facts['subscription_active'] = use_expire is not None and now_ms < use_expire
    # Fail closed: usable only when every fact it rests on is present and good.
    facts['usable'] = facts['status'] == 'USED' and facts['certificate_valid'] and facts['subscription_active']
    return facts


def instances_from_response(body, now_ms):
    """Fact dicts for every entry of a successful answer's ``InstanceStatusList``."""
    entries = body.get('InstanceStatusList')
    if not isinstance(entries, list):
        raise CasResponseError('The service answered without an InstanceStatusList list: the answer does not have the '
                               'documented shape (is endpoint a Certificate Management Service endpoint?)',
                               request_id=body.get('RequestId'))
    facts = [instance_facts(entry, now_ms, index) for index, entry in enumerate(entries)]
    seen = set()
    for item in facts:
        if item['instance_id'] in seen:
            # Two answers about one CA in one answer (say REVOKE and USED): no way to tell which is true.
            raise CasResponseError('The service listed instance %s more than once in one answer: the answer is '
                                   'inconsistent, so no decision can be based on it' % item['instance_id'],
                                   request_id=body.get('RequestId'))
        seen.add(item['instance_id'])
    return facts


def apply_query(expression, data):
    """Evaluate a JMESPath ``expression`` over ``data``; jmespath is imported only here."""
    try:
        import jmespath
    except ImportError:
        import traceback
        raise CasMissingLibrary('jmespath', traceback.format_exc()) from None
    try:
        return jmespath.search(expression, data)
    except jmespath.exceptions.JMESPathError as exc:
        raise CasConfigError('query %r is not a valid JMESPath expression: %s' % (expression, str(exc).splitlines()[0]),
                             option='query') from None
