# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Jinja2 test plugin's functions, without a playbook."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.seed.alicloud_cas.plugins.module_utils.cas_facts import MS_PER_DAY, instance_facts
from ansible_collections.seed.alicloud_cas.plugins.test import ca_status

NOW = 1700000000000
TESTS = ca_status.TestModule().tests()


def facts(**overrides):
    entry = {'InstanceId': 'cas-member-x', 'Status': 'USED', 'Type': 'ROOT', 'CertTotalCount': 100,
             'CertIssuedCount': 60, 'BeforeTime': 0, 'AfterTime': 4102444800000, 'UseExpireTime': 4102444800000}
    entry.update(overrides)
    return instance_facts(dict((k, v) for k, v in entry.items() if v is not None), NOW)


def test_names():
    assert sorted(TESTS) == ['ca_expiring', 'ca_quota_low', 'ca_subscription_ending', 'ca_usable']


def test_thresholds_and_string_arguments():
    ca = facts(AfterTime=NOW + 10 * MS_PER_DAY)
    assert TESTS['ca_expiring'](ca) and TESTS['ca_expiring'](ca, days=11) and not TESTS['ca_expiring'](ca, days=10)
    assert TESTS['ca_expiring'](ca, '30')
    assert TESTS['ca_quota_low'](ca, 41) and not TESTS['ca_quota_low'](ca, 40)
    assert not TESTS['ca_subscription_ending'](ca, 365)


def test_unknown_fails_closed():
    buy = facts(Status='BUY', BeforeTime=None, AfterTime=None, UseExpireTime=None, CertTotalCount=None)
    assert not TESTS['ca_usable'](buy)
    assert TESTS['ca_expiring'](buy) and TESTS['ca_subscription_ending'](buy) and TESTS['ca_quota_low'](buy, 1)


@pytest.mark.parametrize('name, args', [('ca_usable', ()), ('ca_expiring', ()), ('ca_quota_low', (5,))])
def test_bad_input(name, args):
    with pytest.raises(AnsibleFilterError) as err:
        TESTS[name]('not a dict', *args)
    assert 'expects one CA fact dict' in str(err.value)


def test_bad_argument():
    with pytest.raises(AnsibleFilterError) as err:
        TESTS['ca_expiring'](facts(), days='soon')
    assert "ca_expiring: days must be a finite number at least 0, got 'soon'" in str(err.value)


@pytest.mark.parametrize('name, argument', [
    ('ca_quota_low', 'nan'), ('ca_quota_low', float('nan')), ('ca_quota_low', 'inf'), ('ca_quota_low', -1),
    ('ca_expiring', 'nan'), ('ca_expiring', float('-inf')), ('ca_expiring', True),
    ('ca_subscription_ending', 'NaN'), ('ca_subscription_ending', None),
])
def test_thresholds_that_are_not_finite_numbers_are_errors_not_passes(name, argument):
    # `x is not ca_quota_low('nan')` must never pass: every comparison with NaN is false.
    full = facts(CertIssuedCount=100, AfterTime=NOW + MS_PER_DAY, UseExpireTime=NOW + MS_PER_DAY)
    with pytest.raises(AnsibleFilterError) as err:
        TESTS[name](full, argument)
    assert 'must be a finite number at least 0' in str(err.value)


def test_a_certificate_not_valid_yet_is_expiring():
    not_yet = facts(BeforeTime=NOW + 2 * MS_PER_DAY, AfterTime=NOW + 3650 * MS_PER_DAY)
    assert TESTS['ca_expiring'](not_yet, 30) and not TESTS['ca_usable'](not_yet)
    no_start = facts(BeforeTime=None)
    assert TESTS['ca_expiring'](no_start, 1)


@pytest.mark.parametrize('name, args, kwargs, fragment', [
    ('ca_expiring', (), {'dayz': 3}, "The test ca_expiring does not know the keyword dayz. Valid keywords: days."),
    ('ca_quota_low', (), {'treshold': 3, 'x': 1}, 'does not know the keywords treshold, x. Valid keywords: threshold.'),
    ('ca_usable', (), {'days': 3}, 'The test ca_usable does not know the keyword days. Valid keywords: none.'),
    ('ca_subscription_ending', (1, 2), {}, 'The test ca_subscription_ending takes at most 1 argument (days), got 2.'),
])
def test_unknown_keywords_and_extra_arguments_are_errors(name, args, kwargs, fragment):
    with pytest.raises(AnsibleFilterError) as err:
        TESTS[name](facts(), *args, **kwargs)
    assert fragment in str(err.value)
